"""Enrolled systems: ``/org/{orgId}/systems`` and its single-system and bulk routes."""

from __future__ import annotations

import ipaddress

from .. import timestamps
from ..autoexpire import read_auto_expire, render_auto_expire
from ..bulk import read_bulk_ids
from ..dns_names import system_dns_entries, system_dns_names
from ..jsonbody import MISSING
from ..pagination import paginate
from ..problems import system_not_found
from ..query import get_bool, get_enum, get_int
from ..search import bool_key, build_filter, choice_key, tags_key, text_key, version_key
from ..sorting import newest_first
from ..sorting import text_key as sort_text
from ..tag_refs import read_tag_names, render_tags
from .enrolment_keys import key_reference
from .orgs import ORG_PATH

SYSTEMS_PATH = ORG_PATH + "/systems"
SYSTEM_PATH = SYSTEMS_PATH + "/{systemId}"

SYSTEM_SORTS = ("RecentlyEnrolled", "RecentlyConnected", "Description", "DescriptionOrHostname", "EnrolmentKeyUsed")
# NOTE: the API's order without sort= is undocumented; newest enrolment first is assumed.
DEFAULT_SYSTEM_SORT = "RecentlyEnrolled"

VIRTUAL_NETWORK = "100.64.0.0/10"
# Fields of the detail model that list items leave out.
DETAIL_ONLY_FIELDS = ("dns", "knownSubnets", "notes")

PLATFORM_SEARCH_VALUES = {
    "windows": "Windows",
    "linux": "Linux",
    "mac": "Darwin",
    "darwin": "Darwin",
    "android": "Android",
    "ios": "iOS",
}


def register(router):
    """Register the system routes."""
    router.add("GET", SYSTEMS_PATH, list_systems)
    router.add("DELETE", SYSTEMS_PATH, revoke_systems)
    router.add("PUT", SYSTEMS_PATH + "/enable", enable_systems)
    router.add("PUT", SYSTEMS_PATH + "/disable", disable_systems)
    router.add("GET", SYSTEM_PATH, get_system)
    router.add("PATCH", SYSTEM_PATH, patch_system)
    router.add("DELETE", SYSTEM_PATH, revoke_system)
    router.add("PUT", SYSTEM_PATH + "/enable", enable_system)
    router.add("PUT", SYSTEM_PATH + "/disable", disable_system)
    router.add("PUT", SYSTEM_PATH + "/enable-until", enable_system_until)


# Rendering


def system_state(system):
    """Return the reported state: Disabled while the system is disabled, else its connection state."""
    if not system.get("isEnabled", True):
        return "Disabled"
    state = system.get("state") or "Disconnected"
    return "Disconnected" if state == "Disabled" else state


def render_system(org, system, detail=True):
    """Return the system detail model, or the list item model when ``detail`` is False."""
    key_description, key_deleted = key_reference(
        org, system.get("enrolmentKeyId"), system.get("enrolmentKeyDescription")
    )
    model = {
        "systemId": system["systemId"],
        "description": system.get("description"),
        "systemType": system.get("systemType", "GeneralPurpose"),
        "state": system_state(system),
        "connectedAt": timestamps.format_datetime_offset(system.get("connectedAt")),
        "lastSeen": timestamps.format_datetime_offset(system.get("lastSeen")),
        "enrolledAt": timestamps.format_datetime_offset(system.get("enrolledAt")),
        "enrolmentKeyId": system.get("enrolmentKeyId"),
        "enrolmentKeyDescription": key_description,
        "enrolmentKeyIsDeleted": key_deleted,
        "isEnabled": system.get("isEnabled", True),
        "connectedFrom": system.get("connectedFrom"),
        "virtualAddress": system.get("virtualAddress"),
        "virtualNetwork": system.get("virtualNetwork", VIRTUAL_NETWORK),
        "hostname": system.get("hostname"),
        "platformType": system.get("platformType"),
        "osVersion": system.get("osVersion"),
        "enclaveVersion": system.get("enclaveVersion"),
        "gatewayRoutes": [dict(route) for route in system.get("gatewayRoutes") or []],
        "tags": render_tags(org, system.get("tags")),
        # NOTE: the 2022 SDK's SystemDnsEntry shape; whether the API still writes it is undocumented.
        # List items leave it out, so it is built only for the detail model.
        "dns": system_dns_entries(org, system) if detail else [],
        "knownSubnets": list(system.get("knownSubnets") or []),
        "notes": system.get("notes"),
        "disconnectedRetentionMinutes": system.get("disconnectedRetentionMinutes"),
        "autoExpire": render_auto_expire(system.get("autoExpire")),
    }
    if not detail:
        for field in DETAIL_ONLY_FIELDS:
            del model[field]
    return model


def find_system(ctx):
    """Return the stored system named in the path, or raise the system-not-found 404 problem."""
    system_id = ctx.params["systemId"].upper()
    system = ctx.org["systems"].get(system_id)
    if system is None:
        raise system_not_found(system_id)
    return system


def set_enabled(system, enabled):
    """Enable or disable a system and return whether isEnabled changed.

    NOTE: a plain enable or disable also clears any enable-until expiry, by assumption.
    """
    changed = system.get("isEnabled", True) != enabled
    system["isEnabled"] = enabled
    system["autoExpire"] = None
    return changed


def allocate_virtual_address(org):
    """Return the lowest free address in 100.64.0.0/10 above every address the org uses."""
    network = ipaddress.ip_network(VIRTUAL_NETWORK)
    highest = network.network_address + 1
    for system in org["systems"].values():
        try:
            address = ipaddress.ip_address(system.get("virtualAddress") or "")
        except ValueError:
            continue
        if address in network and address > highest:
            highest = address
    return str(highest + 1)


# Listing


def _search_filter(org, text):
    def key_description(system):
        return key_reference(org, system.get("enrolmentKeyId"), system.get("enrolmentKeyDescription"))[0]

    matchers = {
        "tags": tags_key(lambda system: system.get("tags") or []),
        "state": choice_key(
            "state",
            system_state,
            {"connected": "Connected", "disconnected": "Disconnected", "disabled": "Disabled"},
        ),
        "os": choice_key("os", lambda system: system.get("platformType"), PLATFORM_SEARCH_VALUES),
        "type": choice_key(
            "type",
            lambda system: system.get("systemType", "GeneralPurpose"),
            {"general": "GeneralPurpose", "generalpurpose": "GeneralPurpose", "ephemeral": "Ephemeral"},
        ),
        "gateway": bool_key("gateway", lambda system: system.get("gatewayRoutes")),
        "version": version_key(lambda system: system.get("enclaveVersion")),
        "key": text_key(key_description),
    }
    return build_filter(
        text,
        lambda system: (system.get("description"), system["systemId"], system.get("hostname")),
        matchers,
    )


def _sort_key(org, sort):
    if sort == "RecentlyConnected":
        return lambda system: (newest_first(system.get("connectedAt")), system["systemId"])
    if sort == "Description":
        return lambda system: (sort_text(system.get("description")), system["systemId"])
    if sort == "DescriptionOrHostname":
        return lambda system: (sort_text(system.get("description") or system.get("hostname")), system["systemId"])
    if sort == "EnrolmentKeyUsed":
        return lambda system: (
            sort_text(key_reference(org, system.get("enrolmentKeyId"), system.get("enrolmentKeyDescription"))[0]),
            system["systemId"],
        )
    return lambda system: (newest_first(system.get("enrolledAt")), system["systemId"])


def list_systems(ctx):
    """GET /systems with include_disabled, search, sort, enrolment_key, dns, page and per_page."""
    org = ctx.org
    include_disabled = get_bool(ctx.query, "include_disabled")
    key_id = get_int(ctx.query, "enrolment_key")
    sort = get_enum(ctx.query, "sort", SYSTEM_SORTS) or DEFAULT_SYSTEM_SORT
    dns_name = (ctx.query.get("dns") or "").strip().rstrip(".").lower()
    matches = _search_filter(org, ctx.query.get("search"))

    systems = []
    for system in org["systems"].values():
        if not include_disabled and not system.get("isEnabled", True):
            continue
        if key_id is not None and system.get("enrolmentKeyId") != key_id:
            continue
        if dns_name and dns_name not in system_dns_names(org, system):
            continue
        if not matches(system):
            continue
        systems.append(system)
    systems.sort(key=_sort_key(org, sort))
    return paginate(systems, ctx, lambda system: render_system(org, system, detail=False))


# Single system


def get_system(ctx):
    """GET /systems/{systemId}."""
    return render_system(ctx.org, find_system(ctx))


def _read_gateway_routes(body):
    routes = body.object_list("gatewayRoutes")
    if not isinstance(routes, list):
        return routes
    stored = []
    subnets = set()
    for route in routes:
        subnet_text = route.string("subnet", nullable=False, required=True)
        user_entered = route.boolean("userEntered")
        weight = route.integer("weight", minimum=0)
        name = route.string("name")
        if not isinstance(subnet_text, str):
            continue
        # NOTE: host bits are accepted (10.1.2.3/8 is stored as 10.0.0.0/8). .NET 8's IPNetwork.Parse rejects
        # them, but which parser the API uses is unknown.
        try:
            subnet = str(ipaddress.ip_network(subnet_text.strip(), strict=False))
        except ValueError:
            message = f"'{subnet_text}' is not a valid subnet in CIDR form such as 10.0.0.0/24."
            route.add_error("subnet", message)
            continue
        if subnet in subnets:
            body.add_error("gatewayRoutes", "The subnet {} appears more than once.".format(subnet))
            continue
        subnets.add(subnet)
        stored.append(
            {
                "subnet": subnet,
                "userEntered": True if user_entered is MISSING else user_entered,
                "weight": 0 if weight is MISSING else weight,
                "name": None if name is MISSING else name,
            }
        )
    return stored


def patch_system(ctx):
    """PATCH /systems/{systemId}: Description, IsEnabled, Tags, Notes and GatewayRoutes.

    Fields not sent stay as they are, lists are replaced whole and null clears Description or Notes.
    """
    system = find_system(ctx)
    body = ctx.body()
    description = body.string("description")
    is_enabled = body.boolean("isEnabled")
    tags = read_tag_names(body)
    notes = body.string("notes")
    gateway_routes = _read_gateway_routes(body)
    body.raise_if_invalid()

    if description is not MISSING:
        system["description"] = description
    if is_enabled is not MISSING:
        set_enabled(system, is_enabled)
    if tags is not MISSING:
        system["tags"] = tags
    if notes is not MISSING:
        system["notes"] = notes
    if gateway_routes is not MISSING:
        system["gatewayRoutes"] = gateway_routes
    return render_system(ctx.org, system)


def revoke_system(ctx):
    """DELETE /systems/{systemId}: revokes the system and returns its last detail model."""
    system = find_system(ctx)
    model = render_system(ctx.org, system)
    del ctx.org["systems"][system["systemId"]]
    return model


def enable_system(ctx):
    """PUT /systems/{systemId}/enable; repeating it changes nothing."""
    system = find_system(ctx)
    set_enabled(system, True)
    return render_system(ctx.org, system)


def disable_system(ctx):
    """PUT /systems/{systemId}/disable; repeating it changes nothing."""
    system = find_system(ctx)
    set_enabled(system, False)
    return render_system(ctx.org, system)


def enable_system_until(ctx):
    """PUT /systems/{systemId}/enable-until: enables the system and stores the AutoExpireModel body."""
    system = find_system(ctx)
    body = ctx.body()
    auto_expire = read_auto_expire(body)
    body.raise_if_invalid()
    system["isEnabled"] = True
    system["autoExpire"] = auto_expire
    return render_system(ctx.org, system)


# Bulk


def _system_ids(ctx):
    return read_bulk_ids(ctx, "systemIds", str, normalize=str.upper)


def revoke_systems(ctx):
    """DELETE /systems with ``{"systemIds": [...]}``; unknown IDs are skipped."""
    revoked = 0
    for system_id in _system_ids(ctx):
        if ctx.org["systems"].pop(system_id, None) is not None:
            revoked += 1
    return {"systemsRevoked": revoked}


def _set_many_enabled(ctx, enabled):
    updated = 0
    for system_id in _system_ids(ctx):
        system = ctx.org["systems"].get(system_id)
        if system is not None and system.get("isEnabled", True) != enabled:
            set_enabled(system, enabled)
            updated += 1
    return {"systemsUpdated": updated}


def enable_systems(ctx):
    """PUT /systems/enable with ``{"systemIds": [...]}``; counts only systems that were disabled."""
    return _set_many_enabled(ctx, True)


def disable_systems(ctx):
    """PUT /systems/disable with ``{"systemIds": [...]}``; counts only systems that were enabled."""
    return _set_many_enabled(ctx, False)
