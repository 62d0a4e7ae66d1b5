"""Enrolment keys: ``/org/{orgId}/enrolment-keys`` and its single-key and bulk routes."""

from __future__ import annotations

import ipaddress
import secrets
import string

from .. import timestamps
from ..autoexpire import read_auto_expire, render_auto_expire
from ..bulk import read_bulk_ids
from ..jsonbody import MISSING
from ..pagination import paginate
from ..problems import enrolment_key_not_found, status_problem
from ..query import get_bool, get_enum
from ..search import build_filter, choice_key, number_key, substring_key, tags_key
from ..sorting import newest_first
from ..sorting import text_key as sort_text
from ..tag_refs import read_tag_names, render_tags
from .orgs import ORG_PATH

KEYS_PATH = ORG_PATH + "/enrolment-keys"
KEY_PATH = KEYS_PATH + "/{keyId:int}"

KEY_TYPES = ("GeneralPurpose", "Ephemeral")
APPROVAL_MODES = ("Automatic", "Manual")
KEY_SORTS = ("Description", "LastUsed", "ApprovalMode", "UsesRemaining")
# NOTE: the API's order without sort= is undocumented; Description is assumed.
DEFAULT_KEY_SORT = "Description"
# NOTE: the API's default retention for ephemeral keys is uncertain. The 2022 SDK docs say 15 minutes and
# the portal sends 30. The emulator uses 15 when a create request leaves it out.
DEFAULT_RETENTION_MINUTES = 15
# Fields of the detail model that list items leave out.
DETAIL_ONLY_FIELDS = ("ipConstraints", "notes")
# An organisation whose fixture sets this field to false behaves like an API without the key DELETE
# routes (Enclave.Sdk.Api before 1.1.0 and the 2022 Go and Terraform clients knew none). ASP.NET Core
# returns 405 for a method that a matched path lacks, so both DELETE routes then return 405.
DELETE_ROUTES_FIELD = "enrolmentKeyDeleteRoutes"

_SECRET_ALPHABET = string.ascii_uppercase + string.digits


def register(router):
    """Register the enrolment key routes."""
    router.add("GET", KEYS_PATH, list_keys)
    router.add("POST", KEYS_PATH, create_key)
    router.add("DELETE", KEYS_PATH, delete_keys)
    router.add("PUT", KEYS_PATH + "/enable", enable_keys)
    router.add("PUT", KEYS_PATH + "/disable", disable_keys)
    router.add("GET", KEY_PATH, get_key)
    router.add("PATCH", KEY_PATH, patch_key)
    router.add("DELETE", KEY_PATH, delete_key)
    router.add("PUT", KEY_PATH + "/enable", enable_key)
    router.add("PUT", KEY_PATH + "/disable", disable_key)
    router.add("PUT", KEY_PATH + "/enable-until", enable_key_until)


def generate_secret():
    """Return a new key secret in the form XXXXX-XXXXX-XXXXX-XXXXX-XXXXX (upper-case letters and digits)."""
    return "-".join("".join(secrets.choice(_SECRET_ALPHABET) for _character in range(5)) for _group in range(5))


def key_reference(org, key_id, stored_description):
    """Return ``(description, is_deleted)`` for the key a system enrolled with.

    A live key gives its current description. A deleted key gives the description the system stored.
    """
    key = org["enrolmentKeys"].get(key_id)
    if key is not None:
        return key.get("description"), False
    return stored_description, key_id is not None


def key_status(key):
    """Return Disabled, NoUsesRemaining or Enabled, as the API derives ``status``."""
    if not key.get("isEnabled", True):
        return "Disabled"
    if key.get("usesRemaining", -1) == 0:
        return "NoUsesRemaining"
    return "Enabled"


def render_key(org, key, detail=True):
    """Return the key detail model, or the list item model when ``detail`` is False.

    Both include the secret ``key``, as the API's do.
    """
    key_id = key["id"]
    model = {
        "id": key_id,
        "created": timestamps.format_datetime(key.get("created")),
        "lastUsed": timestamps.format_datetime(key.get("lastUsed")),
        "type": key.get("type", "GeneralPurpose"),
        "approvalMode": key.get("approvalMode", "Manual"),
        "status": key_status(key),
        "key": key.get("key"),
        "description": key.get("description"),
        "isEnabled": key.get("isEnabled", True),
        "usesRemaining": key.get("usesRemaining", -1),
        "enrolledCount": sum(1 for system in org["systems"].values() if system.get("enrolmentKeyId") == key_id),
        "unapprovedCount": sum(
            1 for system in org["unapprovedSystems"].values() if system.get("enrolmentKeyId") == key_id
        ),
        "tags": render_tags(org, key.get("tags")),
        "disconnectedRetentionMinutes": key.get("disconnectedRetentionMinutes"),
        "ipConstraints": [dict(constraint) for constraint in key.get("ipConstraints") or []],
        "notes": key.get("notes"),
        "autoExpire": render_auto_expire(key.get("autoExpire")),
    }
    if not detail:
        for field in DETAIL_ONLY_FIELDS:
            del model[field]
    return model


def find_key(ctx):
    """Return the stored key named in the path, or raise the enrolment-key-not-found 404 problem."""
    key_id = int(ctx.params["keyId"])
    key = ctx.org["enrolmentKeys"].get(key_id)
    if key is None:
        raise enrolment_key_not_found(key_id)
    return key


def normalize_ip_range(text):
    """Return an IP constraint range in the API's form, or None when it is not valid.

    Accepts a CIDR block, a single address, or ``first - last`` with or without spaces, in IPv4 or
    IPv6, and writes a range back as ``first - last``. Both ends of a range must be of one IP version,
    and the first must not be above the last.
    NOTE: the real API's rule for IPv6 ranges is undocumented; this accepts them as the collection's
    module does, so the two agree.
    """
    text = text.strip()
    # IPv6 addresses contain no '-', so a dash always separates the two ends of a range.
    if "-" in text and "/" not in text:
        start_text, _dash, end_text = text.partition("-")
        try:
            start = ipaddress.ip_address(start_text.strip())
            end = ipaddress.ip_address(end_text.strip())
        except ValueError:
            return None
        if start.version != end.version or start > end:
            return None
        return "{} - {}".format(start, end)
    try:
        if "/" in text:
            ipaddress.ip_network(text, strict=False)
        else:
            ipaddress.ip_address(text)
    except ValueError:
        return None
    return text


def _read_ip_constraints(body):
    constraints = body.object_list("ipConstraints")
    if not isinstance(constraints, list):
        return constraints
    stored = []
    for constraint in constraints:
        range_text = constraint.string("range", nullable=False, required=True)
        description = constraint.string("description")
        if not isinstance(range_text, str):
            continue
        normalized = normalize_ip_range(range_text)
        if normalized is None:
            constraint.add_error(
                "range",
                "'{}' is not a valid IP range. Use CIDR (10.0.0.0/8), one address (192.0.2.1) "
                "or a range (192.0.2.1 - 192.0.2.9).".format(range_text),
            )
            continue
        stored.append({"range": normalized, "description": None if description is MISSING else description})
    return stored


def _retention_not_allowed(body):
    body.add_error(
        "disconnectedRetentionMinutes",
        "DisconnectedRetentionMinutes can only be set on Ephemeral enrolment keys.",
    )


# Listing


def _search_filter(org, text):
    def enrolled_count(key):
        return sum(1 for system in org["systems"].values() if system.get("enrolmentKeyId") == key["id"])

    matchers = {
        "name": substring_key(lambda key: key.get("description")),
        "uses": number_key("uses", lambda key: key.get("usesRemaining", -1)),
        "enrolled": number_key("enrolled", enrolled_count),
        "approval": choice_key(
            "approval",
            lambda key: key.get("approvalMode", "Manual"),
            {"automatic": "Automatic", "gated": "Manual", "manual": "Manual"},
        ),
        "state": choice_key(
            "state",
            key_status,
            {"enabled": "Enabled", "disabled": "Disabled", "nouses": "NoUsesRemaining"},
        ),
        "tags": tags_key(lambda key: key.get("tags") or []),
    }
    return build_filter(text, lambda key: (key.get("description"),), matchers)


def _sort_key(sort):
    if sort == "LastUsed":
        return lambda key: (newest_first(key.get("lastUsed")), key["id"])
    if sort == "ApprovalMode":
        return lambda key: (key.get("approvalMode", "Manual"), sort_text(key.get("description")), key["id"])
    if sort == "UsesRemaining":
        return lambda key: (key.get("usesRemaining", -1), key["id"])
    return lambda key: (sort_text(key.get("description")), key["id"])


def list_keys(ctx):
    """GET /enrolment-keys with search, include_disabled, sort, page and per_page."""
    include_disabled = get_bool(ctx.query, "include_disabled")
    sort = get_enum(ctx.query, "sort", KEY_SORTS) or DEFAULT_KEY_SORT
    matches = _search_filter(ctx.org, ctx.query.get("search"))
    keys = [
        key
        for key in ctx.org["enrolmentKeys"].values()
        if (include_disabled or key.get("isEnabled", True)) and matches(key)
    ]
    keys.sort(key=_sort_key(sort))
    return paginate(keys, ctx, lambda key: render_key(ctx.org, key, detail=False))


# Create and change


def create_key(ctx):
    """POST /enrolment-keys: creates a key with defaults GeneralPurpose, Manual approval and unlimited uses."""
    body = ctx.body()
    key_type = body.enum("type", KEY_TYPES)
    approval_mode = body.enum("approvalMode", APPROVAL_MODES)
    description = body.string("description", nullable=False, required=True, non_empty=True)
    uses_remaining = body.integer("usesRemaining", minimum=-1)
    ip_constraints = _read_ip_constraints(body)
    tags = read_tag_names(body)
    retention = body.integer("disconnectedRetentionMinutes", nullable=True, minimum=0)
    notes = body.string("notes")
    auto_expire_body = body.obj("autoExpire")
    auto_expire = read_auto_expire(auto_expire_body) if auto_expire_body not in (MISSING, None) else None

    key_type = "GeneralPurpose" if key_type is MISSING else key_type
    if key_type == "GeneralPurpose" and retention not in (MISSING, None):
        _retention_not_allowed(body)
    body.raise_if_invalid()

    if key_type == "Ephemeral" and retention in (MISSING, None):
        retention = DEFAULT_RETENTION_MINUTES
    key = {
        "id": ctx.store.next_id("enrolmentKeys"),
        "created": timestamps.format_datetime(timestamps.now()),
        "lastUsed": None,
        "type": key_type,
        "approvalMode": "Manual" if approval_mode is MISSING else approval_mode,
        "key": generate_secret(),
        "description": description,
        "isEnabled": True,
        "usesRemaining": -1 if uses_remaining is MISSING else uses_remaining,
        "tags": [] if tags is MISSING else tags,
        "disconnectedRetentionMinutes": retention if key_type == "Ephemeral" else None,
        "ipConstraints": [] if ip_constraints is MISSING else ip_constraints,
        "notes": None if notes is MISSING else notes,
        "autoExpire": auto_expire,
    }
    ctx.org["enrolmentKeys"][key["id"]] = key
    return render_key(ctx.org, key)


def patch_key(ctx):
    """PATCH /enrolment-keys/{id}: changes the fields sent, replaces lists whole and returns the detail.

    NOTE: Type cannot change, so a Type property is ignored like any unknown property. AutoExpire is
    accepted (null clears it), although whether the API allows it here is undocumented.
    """
    key = find_key(ctx)
    body = ctx.body()
    description = body.string("description", nullable=False, non_empty=True)
    is_enabled = body.boolean("isEnabled")
    approval_mode = body.enum("approvalMode", APPROVAL_MODES)
    uses_remaining = body.integer("usesRemaining", minimum=-1)
    ip_constraints = _read_ip_constraints(body)
    tags = read_tag_names(body)
    notes = body.string("notes")
    retention = MISSING
    if key.get("type") == "Ephemeral":
        retention = body.integer("disconnectedRetentionMinutes", minimum=0)
    elif body.raw("disconnectedRetentionMinutes") not in (MISSING, None):
        _retention_not_allowed(body)
    auto_expire = MISSING
    auto_expire_body = body.obj("autoExpire")
    if auto_expire_body is None:
        auto_expire = None
    elif auto_expire_body is not MISSING:
        auto_expire = read_auto_expire(auto_expire_body)
    body.raise_if_invalid()

    updates = {
        "description": description,
        "isEnabled": is_enabled,
        "approvalMode": approval_mode,
        "usesRemaining": uses_remaining,
        "ipConstraints": ip_constraints,
        "tags": tags,
        "notes": notes,
        "disconnectedRetentionMinutes": retention,
        "autoExpire": auto_expire,
    }
    for field, value in updates.items():
        if value is not MISSING:
            key[field] = value
    return render_key(ctx.org, key)


def get_key(ctx):
    """GET /enrolment-keys/{id}."""
    return render_key(ctx.org, find_key(ctx))


def _remove_key(org, key):
    # Systems keep the description of a deleted key and report enrolmentKeyIsDeleted.
    for collection in ("systems", "unapprovedSystems"):
        for system in org[collection].values():
            if system.get("enrolmentKeyId") == key["id"]:
                system["enrolmentKeyDescription"] = key.get("description")
    del org["enrolmentKeys"][key["id"]]


def _require_delete_routes(ctx, other_methods):
    if ctx.org.get(DELETE_ROUTES_FIELD, True) is False:
        raise status_problem(
            405,
            "The method DELETE is not allowed on {}. Allowed methods: {}.".format(ctx.path, other_methods),
            headers={"Allow": other_methods},
        )


def delete_key(ctx):
    """DELETE /enrolment-keys/{id}: deletes the key and returns its last detail model.

    NOTE: the response body of this call is undocumented; the deleted key's detail is assumed.
    """
    _require_delete_routes(ctx, "GET, PATCH")
    key = find_key(ctx)
    model = render_key(ctx.org, key)
    _remove_key(ctx.org, key)
    return model


def _set_enabled(key, enabled):
    # NOTE: a plain enable or disable also clears any enable-until expiry, by assumption.
    key["isEnabled"] = enabled
    key["autoExpire"] = None


def enable_key(ctx):
    """PUT /enrolment-keys/{id}/enable; repeating it changes nothing."""
    key = find_key(ctx)
    _set_enabled(key, True)
    return render_key(ctx.org, key)


def disable_key(ctx):
    """PUT /enrolment-keys/{id}/disable; repeating it changes nothing."""
    key = find_key(ctx)
    _set_enabled(key, False)
    return render_key(ctx.org, key)


def enable_key_until(ctx):
    """PUT /enrolment-keys/{id}/enable-until: enables the key and stores the AutoExpireModel body."""
    key = find_key(ctx)
    body = ctx.body()
    auto_expire = read_auto_expire(body)
    body.raise_if_invalid()
    key["isEnabled"] = True
    key["autoExpire"] = auto_expire
    return render_key(ctx.org, key)


# Bulk


def _key_ids(ctx):
    return read_bulk_ids(ctx, "keyIds", int)


def _set_many_enabled(ctx, enabled):
    modified = 0
    for key_id in _key_ids(ctx):
        key = ctx.org["enrolmentKeys"].get(key_id)
        if key is not None and key.get("isEnabled", True) != enabled:
            _set_enabled(key, enabled)
            modified += 1
    return {"keysModified": modified}


def enable_keys(ctx):
    """PUT /enrolment-keys/enable with ``{"keyIds": [...]}``; counts only keys that were disabled."""
    return _set_many_enabled(ctx, True)


def disable_keys(ctx):
    """PUT /enrolment-keys/disable with ``{"keyIds": [...]}``; counts only keys that were enabled."""
    return _set_many_enabled(ctx, False)


def delete_keys(ctx):
    """DELETE /enrolment-keys with ``{"keyIds": [...]}``; unknown IDs are skipped."""
    _require_delete_routes(ctx, "GET, POST")
    deleted = 0
    for key_id in _key_ids(ctx):
        key = ctx.org["enrolmentKeys"].get(key_id)
        if key is not None:
            _remove_key(ctx.org, key)
            deleted += 1
    return {"keysDeleted": deleted}
