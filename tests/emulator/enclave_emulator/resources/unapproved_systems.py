"""Unapproved systems: ``/org/{orgId}/unapproved-systems``, which wait for approval apart from ``/systems``."""

from __future__ import annotations

from .. import timestamps
from ..bulk import read_bulk_ids
from ..jsonbody import MISSING
from ..pagination import paginate
from ..problems import unapproved_system_not_found
from ..query import get_enum, get_int
from ..search import build_filter, choice_key, tags_key, text_key
from ..sorting import newest_first
from ..sorting import text_key as sort_text
from ..tag_refs import read_tag_names, render_tags
from .enrolment_keys import key_reference
from .orgs import ORG_PATH
from .systems import PLATFORM_SEARCH_VALUES, VIRTUAL_NETWORK, allocate_virtual_address

UNAPPROVED_PATH = ORG_PATH + "/unapproved-systems"
UNAPPROVED_SYSTEM_PATH = UNAPPROVED_PATH + "/{systemId}"

UNAPPROVED_SORTS = ("RecentlyEnrolled", "Description", "EnrolmentKeyUsed")
DEFAULT_UNAPPROVED_SORT = "RecentlyEnrolled"


def register(router):
    """Register the unapproved system routes."""
    router.add("GET", UNAPPROVED_PATH, list_unapproved)
    router.add("DELETE", UNAPPROVED_PATH, decline_many)
    router.add("PUT", UNAPPROVED_PATH + "/approve", approve_many)
    router.add("GET", UNAPPROVED_SYSTEM_PATH, get_unapproved)
    router.add("PATCH", UNAPPROVED_SYSTEM_PATH, patch_unapproved)
    router.add("DELETE", UNAPPROVED_SYSTEM_PATH, decline_one)
    router.add("PUT", UNAPPROVED_SYSTEM_PATH + "/approve", approve_one)


def render_unapproved(org, system, detail=True):
    """Return the unapproved system detail model, or the list item model when ``detail`` is False.

    NOTE: enrolledAt is written as a DateTime (Z suffix); the API documents the +00:00 form only for
    enrolled systems.
    """
    key_description, key_deleted = key_reference(
        org, system.get("enrolmentKeyId"), system.get("enrolmentKeyDescription")
    )
    model = {
        "systemId": system["systemId"],
        "systemType": system.get("systemType", "GeneralPurpose"),
        "description": system.get("description"),
        "enrolledFrom": system.get("enrolledFrom"),
        "enrolledAt": timestamps.format_datetime(system.get("enrolledAt")),
        "tags": render_tags(org, system.get("tags")),
        "enrolmentKeyId": system.get("enrolmentKeyId"),
        "enrolmentKeyDescription": key_description,
        "enrolmentKeyIsDeleted": key_deleted,
        "notes": system.get("notes"),
        "hostname": system.get("hostname"),
        "platformType": system.get("platformType"),
        "osVersion": system.get("osVersion"),
        "enclaveVersion": system.get("enclaveVersion"),
        "connectedFrom": system.get("connectedFrom"),
    }
    if not detail:
        del model["notes"]
        del model["enrolmentKeyIsDeleted"]
    return model


def find_unapproved(ctx):
    """Return the stored unapproved system named in the path, or raise its 404 problem."""
    system_id = ctx.params["systemId"].upper()
    system = ctx.org["unapprovedSystems"].get(system_id)
    if system is None:
        raise unapproved_system_not_found(system_id)
    return system


def approve(org, system):
    """Move an unapproved system into the org's enrolled systems, keeping its tags and notes.

    The approved system starts Disconnected, with a new virtual address. It takes its retention time
    from the enrolment key when that key is ephemeral.
    """
    key = org["enrolmentKeys"].get(system.get("enrolmentKeyId"))
    retention = None
    if system.get("systemType") == "Ephemeral":
        retention = (key or {}).get("disconnectedRetentionMinutes")
    enrolled = {
        "systemId": system["systemId"],
        "description": system.get("description"),
        "systemType": system.get("systemType", "GeneralPurpose"),
        "state": "Disconnected",
        "connectedAt": None,
        "lastSeen": None,
        "enrolledAt": system.get("enrolledAt"),
        "enrolmentKeyId": system.get("enrolmentKeyId"),
        "enrolmentKeyDescription": key_reference(
            org, system.get("enrolmentKeyId"), system.get("enrolmentKeyDescription")
        )[0],
        "isEnabled": True,
        "connectedFrom": system.get("connectedFrom"),
        "virtualAddress": allocate_virtual_address(org),
        "virtualNetwork": VIRTUAL_NETWORK,
        "hostname": system.get("hostname"),
        "platformType": system.get("platformType"),
        "osVersion": system.get("osVersion"),
        "enclaveVersion": system.get("enclaveVersion"),
        "gatewayRoutes": [],
        "tags": list(system.get("tags") or []),
        "knownSubnets": [],
        "notes": system.get("notes"),
        "disconnectedRetentionMinutes": retention,
        "autoExpire": None,
    }
    del org["unapprovedSystems"][system["systemId"]]
    org["systems"][enrolled["systemId"]] = enrolled
    return enrolled


# Listing


def _search_filter(org, text):
    def key_description(system):
        return key_reference(org, system.get("enrolmentKeyId"), system.get("enrolmentKeyDescription"))[0]

    matchers = {
        "tags": tags_key(lambda system: system.get("tags") or []),
        "os": choice_key("os", lambda system: system.get("platformType"), PLATFORM_SEARCH_VALUES),
        "type": choice_key(
            "type",
            lambda system: system.get("systemType", "GeneralPurpose"),
            {"general": "GeneralPurpose", "generalpurpose": "GeneralPurpose", "ephemeral": "Ephemeral"},
        ),
        "key": text_key(key_description),
    }
    return build_filter(
        text,
        lambda system: (system.get("description"), system["systemId"], system.get("hostname")),
        matchers,
    )


def _sort_key(org, sort):
    if sort == "Description":
        return lambda system: (sort_text(system.get("description")), system["systemId"])
    if sort == "EnrolmentKeyUsed":
        return lambda system: (
            sort_text(key_reference(org, system.get("enrolmentKeyId"), system.get("enrolmentKeyDescription"))[0]),
            system["systemId"],
        )
    return lambda system: (newest_first(system.get("enrolledAt")), system["systemId"])


def list_unapproved(ctx):
    """GET /unapproved-systems with enrolment_key, search, sort, page and per_page."""
    org = ctx.org
    key_id = get_int(ctx.query, "enrolment_key")
    sort = get_enum(ctx.query, "sort", UNAPPROVED_SORTS) or DEFAULT_UNAPPROVED_SORT
    matches = _search_filter(org, ctx.query.get("search"))
    systems = [
        system
        for system in org["unapprovedSystems"].values()
        if (key_id is None or system.get("enrolmentKeyId") == key_id) and matches(system)
    ]
    systems.sort(key=_sort_key(org, sort))
    return paginate(systems, ctx, lambda system: render_unapproved(org, system, detail=False))


# Single system


def get_unapproved(ctx):
    """GET /unapproved-systems/{systemId}."""
    return render_unapproved(ctx.org, find_unapproved(ctx))


def patch_unapproved(ctx):
    """PATCH /unapproved-systems/{systemId}: Description, Tags and Notes; null clears Description or Notes."""
    system = find_unapproved(ctx)
    body = ctx.body()
    description = body.string("description")
    tags = read_tag_names(body)
    notes = body.string("notes")
    body.raise_if_invalid()

    if description is not MISSING:
        system["description"] = description
    if tags is not MISSING:
        system["tags"] = tags
    if notes is not MISSING:
        system["notes"] = notes
    return render_unapproved(ctx.org, system)


def decline_one(ctx):
    """DELETE /unapproved-systems/{systemId}: declines the system and returns its last detail model."""
    system = find_unapproved(ctx)
    model = render_unapproved(ctx.org, system)
    del ctx.org["unapprovedSystems"][system["systemId"]]
    return model


def approve_one(ctx):
    """PUT /unapproved-systems/{systemId}/approve: moves the system into /systems.

    NOTE: the response body is undocumented; the unapproved model as it was before approval is returned.
    """
    system = find_unapproved(ctx)
    model = render_unapproved(ctx.org, system)
    approve(ctx.org, system)
    return model


# Bulk


def _system_ids(ctx):
    return read_bulk_ids(ctx, "systemIds", str, normalize=str.upper)


def approve_many(ctx):
    """PUT /unapproved-systems/approve with ``{"systemIds": [...]}``; unknown IDs are skipped."""
    approved = 0
    for system_id in _system_ids(ctx):
        system = ctx.org["unapprovedSystems"].get(system_id)
        if system is not None:
            approve(ctx.org, system)
            approved += 1
    return {"systemsApproved": approved}


def decline_many(ctx):
    """DELETE /unapproved-systems with ``{"systemIds": [...]}``; unknown IDs are skipped."""
    declined = 0
    for system_id in _system_ids(ctx):
        if ctx.org["unapprovedSystems"].pop(system_id, None) is not None:
            declined += 1
    return {"systemsDeclined": declined}
