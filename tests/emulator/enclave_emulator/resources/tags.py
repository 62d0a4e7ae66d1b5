"""Tags: ``/org/{orgId}/tags`` and the routes of one tag, addressed by name or by ``ref:<32 hex>``.

The org's ``tags`` registry (see ``store.tag_entry``) keeps each tag's ref, colour, notes and trust
requirements. A tag named on a system, key, policy, DNS zone or record is listed while something uses
it. A tag created through POST ``/tags`` carries ``permanent: true`` and stays listed when unused.
"""

from __future__ import annotations

import re

from .. import timestamps
from ..bulk import read_bulk_ids
from ..jsonbody import MISSING
from ..pagination import paginate
from ..problems import not_found
from ..query import get_enum
from ..search import build_filter, number_key, substring_key
from ..sorting import newest_first
from ..store import tag_entry
from ..tag_refs import MAX_TAG_LENGTH, TAG_NAME_PATTERN
from .orgs import ORG_PATH
from .trust_requirements import read_requirement_ids, render_used_requirements

TAGS_PATH = ORG_PATH + "/tags"
TAG_PATH = TAGS_PATH + "/{nameOrRef}"

TAG_SORTS = ("Alphabetical", "RecentlyUsed", "ReferencedSystems")
# NOTE: the API's order without sort= is undocumented; Alphabetical is assumed.
DEFAULT_TAG_SORT = "Alphabetical"
# NOTE: the API's colour rule is undocumented; the portal and Terraform use '#' and six hex digits.
COLOUR_PATTERN = re.compile(r"^#[0-9A-Fa-f]{6}$")

# (collection, fields holding tag names, count in the tag model) for every place a tag can be named.
# Unapproved systems keep a tag in use but have no count of their own.
TAG_SOURCES = (
    ("systems", ("tags",), "systems"),
    ("unapprovedSystems", ("tags",), None),
    ("enrolmentKeys", ("tags",), "keys"),
    ("policies", ("senderTags", "receiverTags"), "policies"),
    ("dnsZones", ("autoDnsTags",), "dnsZones"),
    ("dnsRecords", ("tags",), "dnsRecords"),
)
COUNT_FIELDS = ("systems", "keys", "policies", "dnsZones", "dnsRecords")


def register(router):
    """Register the tag routes."""
    router.add("GET", TAGS_PATH, list_tags)
    router.add("POST", TAGS_PATH, create_tag)
    router.add("DELETE", TAGS_PATH, delete_tags)
    router.add("GET", TAG_PATH, get_tag)
    router.add("PATCH", TAG_PATH, patch_tag)
    router.add("DELETE", TAG_PATH, delete_tag)


# NOTE: the API's problem type slug for a missing tag is undocumented; this follows the system-not-found pattern.
def tag_not_found(name_or_ref):
    """Build the 404 problem for a tag that does not exist."""
    return not_found(
        "tag-not-found",
        "Tag cannot be found",
        f"Tag {name_or_ref} does not exist, or your access rights do not allow access to it.",
    )


# Usage


def tag_counts(org):
    """Return ``{name: {count field: n}}`` for every tag named anywhere in the org.

    An object that names a tag in two fields (a policy with it on both sides) counts once.
    """
    counts = {}
    for collection, fields, count_field in TAG_SOURCES:
        for item in org[collection].values():
            names = set()
            for field in fields:
                names.update(item.get(field) or [])
            for name in names:
                per_tag = counts.setdefault(name, dict.fromkeys(COUNT_FIELDS, 0))
                if count_field is not None:
                    per_tag[count_field] += 1
    return counts


def listed_tags(org):
    """Return ``(entries, counts)``: the registry entries of tags in use or created permanently."""
    counts = tag_counts(org)
    for name in counts:
        tag_entry(org, name)
    entries = [entry for name, entry in org["tags"].items() if name in counts or entry.get("permanent")]
    return entries, counts


def find_tag(ctx):
    """Return the listed registry entry for the name or ref in the path, or raise the 404 problem."""
    desired = ctx.params["nameOrRef"]
    entries, counts = listed_tags(ctx.org)
    for entry in entries:
        if _matches(entry, desired):
            return entry, counts
    raise tag_not_found(desired)


def _matches(entry, name_or_ref):
    # Refs compare in any case; tag names are lower case, so a name in other case matches too.
    if name_or_ref.lower().startswith("ref:"):
        return entry["ref"].lower() == name_or_ref.lower()
    return entry["tag"] == name_or_ref.lower()


def _rewrite_references(org, old_name, new_name):
    """Rename a tag everywhere it is named, or remove it when ``new_name`` is None."""
    for collection, fields, _count_field in TAG_SOURCES:
        for item in org[collection].values():
            for field in fields:
                names = item.get(field)
                if not names or old_name not in names:
                    continue
                if new_name is None:
                    item[field] = [name for name in names if name != old_name]
                else:
                    item[field] = [new_name if name == old_name else name for name in names]


# Rendering


def render_tag(org, entry, counts, detail=True):
    """Return the tag detail model, or the list item model when ``detail`` is False."""
    # Tags that something named implicitly get their creation time when first listed.
    entry.setdefault("created", timestamps.format_datetime(timestamps.now()))
    per_tag = counts.get(entry["tag"]) or dict.fromkeys(COUNT_FIELDS, 0)
    model = {
        "tag": entry["tag"],
        "ref": entry["ref"],
        "colour": entry.get("colour"),
    }
    if detail:
        model["created"] = timestamps.format_datetime(entry.get("created"))
        model["lastModified"] = timestamps.format_datetime(entry.get("lastModified"))
    model["lastReferenced"] = timestamps.format_datetime(entry.get("lastReferenced"))
    for field in COUNT_FIELDS:
        model[field] = per_tag[field]
    if detail:
        model["notes"] = entry.get("notes")
        model["trustRequirements"] = render_used_requirements(org, entry.get("trustRequirements"))
    return model


# Validation


def _read_colour(body):
    colour = body.string("colour")
    if isinstance(colour, str) and not COLOUR_PATTERN.match(colour):
        body.add_error("colour", f"'{colour}' is not a valid colour. Use '#' and six hex digits, such as #3b82f6.")
        return MISSING
    return colour


def _read_name(body, required):
    name = body.string("tag", nullable=False, required=required)
    if isinstance(name, str) and (len(name) > MAX_TAG_LENGTH or not TAG_NAME_PATTERN.match(name)):
        body.add_error(
            "tag",
            f"'{name}' is not a valid tag name. Use 1 to {MAX_TAG_LENGTH} characters: lower-case letters and "
            "digits, with '-' or '.' between them.",
        )
        return MISSING
    return name


def _name_taken(org, name, except_entry=None):
    entries, _counts = listed_tags(org)
    return any(entry["tag"] == name and entry is not except_entry for entry in entries)


# Routes


def _search_filter(text, counts):
    def uses(entry):
        return sum((counts.get(entry["tag"]) or {}).values())

    matchers = {
        "tag": substring_key(lambda entry: entry["tag"]),
        "uses": number_key("uses", uses),
    }
    return build_filter(text, lambda entry: (entry["tag"],), matchers)


def list_tags(ctx):
    """GET /tags with search, sort, page and per_page."""
    sort = get_enum(ctx.query, "sort", TAG_SORTS) or DEFAULT_TAG_SORT
    entries, counts = listed_tags(ctx.org)
    matches = _search_filter(ctx.query.get("search"), counts)
    entries = [entry for entry in entries if matches(entry)]
    if sort == "RecentlyUsed":
        entries.sort(key=lambda entry: (newest_first(entry.get("lastReferenced")), entry["tag"]))
    elif sort == "ReferencedSystems":
        entries.sort(key=lambda entry: (-(counts.get(entry["tag"]) or {}).get("systems", 0), entry["tag"]))
    else:
        entries.sort(key=lambda entry: entry["tag"])
    return paginate(entries, ctx, lambda entry: render_tag(ctx.org, entry, counts, detail=False))


def create_tag(ctx):
    """POST /tags: creates a tag that stays listed while nothing uses it."""
    body = ctx.body()
    name = _read_name(body, required=True)
    colour = _read_colour(body)
    notes = body.string("notes")
    requirement_ids = read_requirement_ids(body, "trustRequirements", ctx.org)
    if isinstance(name, str) and _name_taken(ctx.org, name):
        body.add_error("tag", f"A tag named '{name}' already exists.")
    body.raise_if_invalid()

    now = timestamps.format_datetime(timestamps.now())
    entry = tag_entry(ctx.org, name)
    entry.update(
        {
            "colour": None if colour is MISSING else colour,
            "notes": None if notes is MISSING else notes,
            "trustRequirements": [] if requirement_ids is MISSING else requirement_ids,
            "permanent": True,
            "created": now,
            "lastModified": now,
        }
    )
    _entries, counts = listed_tags(ctx.org)
    return render_tag(ctx.org, entry, counts)


def get_tag(ctx):
    """GET /tags/{nameOrRef}."""
    entry, counts = find_tag(ctx)
    return render_tag(ctx.org, entry, counts)


def patch_tag(ctx):
    """PATCH /tags/{nameOrRef}: Tag (a rename), Colour, Notes and TrustRequirements; a missing tag gives 404."""
    entry, _counts = find_tag(ctx)
    body = ctx.body()
    new_name = _read_name(body, required=False)
    colour = _read_colour(body)
    notes = body.string("notes")
    requirement_ids = read_requirement_ids(body, "trustRequirements", ctx.org)
    if isinstance(new_name, str) and new_name != entry["tag"] and _name_taken(ctx.org, new_name, entry):
        body.add_error("tag", f"A tag named '{new_name}' already exists.")
    body.raise_if_invalid()

    if isinstance(new_name, str) and new_name != entry["tag"]:
        old_name = entry["tag"]
        _rewrite_references(ctx.org, old_name, new_name)
        # A registry entry left by an unused tag of the new name gives way; the ref stays with the renamed tag.
        del ctx.org["tags"][old_name]
        entry["tag"] = new_name
        ctx.org["tags"][new_name] = entry
    for field, value in (("colour", colour), ("notes", notes), ("trustRequirements", requirement_ids)):
        if value is not MISSING:
            entry[field] = value
    entry["lastModified"] = timestamps.format_datetime(timestamps.now())
    _entries, counts = listed_tags(ctx.org)
    return render_tag(ctx.org, entry, counts)


def _remove_tag(org, entry):
    # Deleting a tag removes it from everything that names it.
    _rewrite_references(org, entry["tag"], None)
    del org["tags"][entry["tag"]]


def delete_tag(ctx):
    """DELETE /tags/{nameOrRef}: removes the tag from every object and returns its last detail model."""
    entry, counts = find_tag(ctx)
    model = render_tag(ctx.org, entry, counts)
    _remove_tag(ctx.org, entry)
    return model


def delete_tags(ctx):
    """DELETE /tags with ``{"tags": [name or ref]}``; unknown names are skipped."""
    values = read_bulk_ids(ctx, "tags", str)
    entries, _counts = listed_tags(ctx.org)
    deleted = 0
    for value in values:
        for entry in entries:
            if _matches(entry, value) and entry["tag"] in ctx.org["tags"]:
                _remove_tag(ctx.org, entry)
                deleted += 1
                break
    return {"tagsDeleted": deleted}
