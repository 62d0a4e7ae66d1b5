"""Policies: ``/org/{orgId}/policies`` and its single-policy and bulk routes.

ACLs live inside the policy; there is no ACL route. Create and PATCH apply the API's policy validator:
a General policy has no gateway fields, a Gateway policy has direction Exit and no receiver tags, and
repeated tags or trust requirement ids are rejected. Repeated ACLs, gateways and ranges are kept.
"""

from __future__ import annotations

import ipaddress

from .. import timestamps
from ..autoexpire import read_auto_expire, render_auto_expire
from ..bulk import read_bulk_ids
from ..jsonbody import MISSING
from ..pagination import paginate
from ..problems import not_found
from ..query import get_bool, get_enum
from ..search import build_filter, choice_key, tags_key
from ..sorting import newest_first
from ..sorting import text_key as sort_text
from ..tag_refs import read_tag_names, render_tags
from ..timezones import is_time_zone_id, time_zone_error
from .enrolment_keys import normalize_ip_range
from .orgs import ORG_PATH
from .trust_requirements import read_requirement_ids, render_used_requirements

POLICIES_PATH = ORG_PATH + "/policies"
POLICY_PATH = POLICIES_PATH + "/{policyId:int}"

POLICY_TYPES = ("General", "Gateway")
POLICY_SORTS = ("Description", "RecentlyCreated")
# NOTE: the API's order without sort= is undocumented; Description is assumed.
DEFAULT_POLICY_SORT = "Description"
ACL_PROTOCOLS = ("Any", "Tcp", "Udp", "Icmp")
PROTOCOLS_WITH_PORTS = ("Tcp", "Udp")
TRAFFIC_DIRECTIONS = ("Exit", "Entry")
GATEWAY_PRIORITIES = ("Balanced", "Ordered", "Geographic")
# NOTE: the priority a gateway policy gets when the request leaves it out is undocumented.
DEFAULT_GATEWAY_PRIORITY = "Balanced"
DAYS_OF_WEEK = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
MAX_PORT = 65535

# The request property that carries trust requirement ids, and the 2022 name the API also binds.
TRUST_FIELD = "senderTrustRequirements"
LEGACY_TRUST_FIELD = "trustRequirements"


def register(router):
    """Register the policy routes."""
    router.add("GET", POLICIES_PATH, list_policies)
    router.add("POST", POLICIES_PATH, create_policy)
    router.add("DELETE", POLICIES_PATH, delete_policies)
    router.add("PUT", POLICIES_PATH + "/enable", enable_policies)
    router.add("PUT", POLICIES_PATH + "/disable", disable_policies)
    router.add("GET", POLICY_PATH, get_policy)
    router.add("PATCH", POLICY_PATH, patch_policy)
    router.add("DELETE", POLICY_PATH, delete_policy)
    router.add("PUT", POLICY_PATH + "/enable", enable_policy)
    router.add("PUT", POLICY_PATH + "/disable", disable_policy)
    router.add("PUT", POLICY_PATH + "/enable-until", enable_policy_until)


# NOTE: the API's problem type slug for a missing policy is undocumented; this follows the system-not-found pattern.
def policy_not_found(policy_id):
    """Build the 404 problem for a policy that the token cannot reach."""
    return not_found(
        "policy-not-found",
        "Policy cannot be found",
        f"Policy with id {policy_id} does not exist, or your access rights do not allow access to it.",
    )


# Rendering


def policy_state(policy):
    """Return Disabled, InactiveNoAcls (enabled but passing no traffic) or Active."""
    if not policy.get("isEnabled", True):
        return "Disabled"
    if not policy.get("acls"):
        return "InactiveNoAcls"
    return "Active"


def _render_gateway(org, gateway):
    # NOTE: the fields of the API's PolicyGatewayDetailModel beyond systemId and routes are undocumented;
    # the emulator adds the system's description as systemName.
    system = org["systems"].get(gateway["systemId"]) or {}
    return {"systemId": gateway["systemId"], "systemName": system.get("description"), "routes": list(gateway["routes"])}


def render_policy(org, policy):
    """Return the policy model; list items use the same model, as every client in the sources accepts."""
    return {
        "id": policy["id"],
        "type": policy.get("type", "General"),
        "created": timestamps.format_datetime(policy.get("created")),
        "description": policy.get("description"),
        "isEnabled": policy.get("isEnabled", True),
        "state": policy_state(policy),
        "senderTags": render_tags(org, policy.get("senderTags")),
        "receiverTags": render_tags(org, policy.get("receiverTags")),
        "acls": [dict(acl) for acl in policy.get("acls") or []],
        "gatewayAllowedIpRanges": [dict(item) for item in policy.get("gatewayAllowedIpRanges") or []],
        "gateways": [_render_gateway(org, gateway) for gateway in policy.get("gateways") or []],
        "gatewayTrafficDirection": policy.get("gatewayTrafficDirection"),
        "gatewayPriority": policy.get("gatewayPriority"),
        "senderTrustRequirements": render_used_requirements(org, policy.get("senderTrustRequirements")),
        "notes": policy.get("notes"),
        "autoExpire": render_auto_expire(policy.get("autoExpire")),
        "activeHours": _copy_active_hours(policy.get("activeHours")),
    }


def _copy_active_hours(active_hours):
    if not active_hours:
        return None
    return {
        "timeZoneId": active_hours["timeZoneId"],
        "daysOfWeek": list(active_hours["daysOfWeek"]),
        "startTime": dict(active_hours["startTime"]),
        "endTime": dict(active_hours["endTime"]),
    }


def find_policy(ctx):
    """Return the stored policy named in the path, or raise the 404 problem."""
    policy_id = int(ctx.params["policyId"])
    policy = ctx.org["policies"].get(policy_id)
    if policy is None:
        raise policy_not_found(policy_id)
    return policy


# Validation of the parts of a policy


def normalize_ports(text):
    """Return ports in the API's form (``443`` or ``8000 - 8100``), or None when they are not valid."""
    first_text, dash, last_text = text.strip().partition("-")
    try:
        first = int(first_text.strip())
        last = int(last_text.strip()) if dash else first
    except ValueError:
        return None
    if not 1 <= first <= last <= MAX_PORT:
        return None
    return f"{first} - {last}" if dash else str(first)


def _read_acls(body):
    acls = body.object_list("acls")
    if not isinstance(acls, list):
        return acls
    stored = []
    valid = True
    for acl in acls:
        protocol = acl.enum("protocol", ACL_PROTOCOLS)
        if protocol is MISSING and not acl.has("protocol"):
            acl.add_error("protocol", "The Protocol field is required.")
        ports = acl.string("ports")
        description = acl.string("description")
        # A property left out reads as null; MISSING after has() means a type error was recorded.
        if (
            protocol is MISSING
            or (ports is MISSING and acl.has("ports"))
            or (description is MISSING and acl.has("description"))
        ):
            valid = False
            continue
        ports = None if ports is MISSING else ports
        description = None if description is MISSING else description
        if protocol in PROTOCOLS_WITH_PORTS:
            normalized = normalize_ports(ports) if ports else None
            if normalized is None:
                acl.add_error(
                    "ports",
                    f"{protocol} rules need a port or a range from 1 to {MAX_PORT}, such as 443 or 8000-8100; "
                    f"'{ports}' is not one.",
                )
                valid = False
                continue
            ports = normalized
        elif ports:
            acl.add_error("ports", f"{protocol} rules take no ports; leave Ports out or null.")
            valid = False
            continue
        else:
            ports = None
        stored.append({"protocol": protocol, "ports": ports, "description": description})
    return stored if valid else MISSING


def _read_allowed_ranges(body):
    ranges = body.object_list("gatewayAllowedIpRanges")
    if not isinstance(ranges, list):
        return ranges
    stored = []
    for item in ranges:
        ip_range = item.string("ipRange", nullable=False, required=True)
        description = item.string("description")
        if not isinstance(ip_range, str):
            continue
        normalized = normalize_ip_range(ip_range)
        if normalized is None:
            item.add_error("ipRange", f"'{ip_range}' is not a valid IP range, CIDR block or address.")
            continue
        stored.append({"ipRange": normalized, "description": None if description is MISSING else description})
    return stored if len(stored) == len(ranges) else MISSING


def _read_gateways(body, org):
    gateways = body.object_list("gateways")
    if not isinstance(gateways, list):
        return gateways
    stored = []
    for gateway in gateways:
        system_id = gateway.string("systemId", nullable=False, required=True)
        routes = gateway.string_list("routes")
        if routes is MISSING and not gateway.has("routes"):
            gateway.add_error("routes", "The Routes field is required.")
        if not isinstance(system_id, str):
            continue
        system_id = system_id.upper()
        if system_id not in org["systems"]:
            gateway.add_error("systemId", f"No enrolled system has the id {system_id}.")
            continue
        valid_routes = []
        for index, route in enumerate(routes if isinstance(routes, list) else []):
            try:
                valid_routes.append(str(ipaddress.ip_network(route.strip(), strict=False)))
            except ValueError:
                gateway.add_error(f"routes[{index}]", f"'{route}' is not a CIDR block such as 10.0.0.0/8.")
        if routes is MISSING or len(valid_routes) != len(routes or []):
            continue
        stored.append({"systemId": system_id, "routes": valid_routes})
    return stored if len(stored) == len(gateways) else MISSING


def _read_time(body, name):
    time_body = body.obj(name, nullable=False)
    if time_body is MISSING:
        if not body.has(name):
            body.add_error(name, f"The {name[:1].upper() + name[1:]} field is required.")
        return MISSING
    hours = time_body.integer("hours", minimum=0, maximum=23)
    minutes = time_body.integer("minutes", minimum=0, maximum=59)
    if hours is MISSING or minutes is MISSING:
        if not time_body.has("hours") or not time_body.has("minutes"):
            body.add_error(name, "A time needs hours and minutes.")
        return MISSING
    return {"hours": hours, "minutes": minutes}


def _read_active_hours(body):
    active_hours = body.obj("activeHours")
    if active_hours in (MISSING, None):
        return active_hours
    time_zone = active_hours.string("timeZoneId", nullable=False, required=True, non_empty=True)
    if isinstance(time_zone, str) and not is_time_zone_id(time_zone):
        active_hours.add_error("timeZoneId", time_zone_error(time_zone))
        time_zone = MISSING
    days = active_hours.array("daysOfWeek")
    start = _read_time(active_hours, "startTime")
    end = _read_time(active_hours, "endTime")
    day_names = []
    valid_days = isinstance(days, list)
    for index, day in enumerate(days if valid_days else []):
        member = None
        if isinstance(day, str):
            member = next((name for name in DAYS_OF_WEEK if name.lower() == day.strip().lower()), None)
        if member is None:
            active_hours.add_error(f"daysOfWeek[{index}]", f"'{day}' is not a day of the week such as Monday.")
            valid_days = False
        elif member not in day_names:
            day_names.append(member)
    if days is MISSING and not active_hours.has("daysOfWeek"):
        active_hours.add_error("daysOfWeek", "The DaysOfWeek field is required.")
    if not valid_days or MISSING in (time_zone, start, end):
        return MISSING
    return {"timeZoneId": time_zone, "daysOfWeek": day_names, "startTime": start, "endTime": end}


def _read_trust_ids(body, org):
    # The API binds the 2022 name TrustRequirements as well as SenderTrustRequirements.
    name = TRUST_FIELD if body.has(TRUST_FIELD) or not body.has(LEGACY_TRUST_FIELD) else LEGACY_TRUST_FIELD
    return read_requirement_ids(body, name, org)


def _read_policy_fields(body, org):
    """Read every field that create and PATCH share; each value is MISSING when not sent or invalid."""
    return {
        "description": body.string("description", nullable=False, non_empty=True),
        "isEnabled": body.boolean("isEnabled"),
        "senderTags": read_tag_names(body, "senderTags"),
        "receiverTags": read_tag_names(body, "receiverTags"),
        "acls": _read_acls(body),
        "senderTrustRequirements": _read_trust_ids(body, org),
        "notes": body.string("notes"),
        "activeHours": _read_active_hours(body),
        "gateways": _read_gateways(body, org),
        "gatewayPriority": body.enum("gatewayPriority", GATEWAY_PRIORITIES, nullable=True),
        "gatewayAllowedIpRanges": _read_allowed_ranges(body),
    }


def _check_type_rules(body, policy_type, merged):
    """Apply the General and Gateway rules to the policy as it would be stored."""
    if policy_type == "General":
        for field in ("gateways", "gatewayAllowedIpRanges"):
            if merged.get(field):
                body.add_error(field, f"{field[:1].upper() + field[1:]} can only be set on Gateway policies.")
        if merged.get("gatewayTrafficDirection") is not None:
            body.add_error("gatewayTrafficDirection", "GatewayTrafficDirection can only be set on Gateway policies.")
        if merged.get("gatewayPriority") is not None:
            body.add_error("gatewayPriority", "GatewayPriority can only be set on Gateway policies.")
        return
    if merged.get("gatewayTrafficDirection") != "Exit":
        body.add_error("gatewayTrafficDirection", "Gateway policies need the GatewayTrafficDirection Exit.")
    if merged.get("receiverTags"):
        body.add_error("receiverTags", "Gateway policies have no receiver tags; their gateways receive the traffic.")


# Listing


def _search_filter(text):
    matchers = {
        "state": choice_key(
            "state",
            lambda policy: "Enabled" if policy.get("isEnabled", True) else "Disabled",
            {"enabled": "Enabled", "disabled": "Disabled"},
        ),
        "tags": tags_key(lambda policy: (policy.get("senderTags") or []) + (policy.get("receiverTags") or [])),
    }
    return build_filter(text, lambda policy: (policy.get("description"),), matchers)


def list_policies(ctx):
    """GET /policies with search, include_disabled, sort, page and per_page."""
    include_disabled = get_bool(ctx.query, "include_disabled")
    sort = get_enum(ctx.query, "sort", POLICY_SORTS) or DEFAULT_POLICY_SORT
    matches = _search_filter(ctx.query.get("search"))
    policies = [
        policy
        for policy in ctx.org["policies"].values()
        if (include_disabled or policy.get("isEnabled", True)) and matches(policy)
    ]
    if sort == "RecentlyCreated":
        policies.sort(key=lambda policy: (newest_first(policy.get("created")), policy["id"]))
    else:
        policies.sort(key=lambda policy: (sort_text(policy.get("description")), policy["id"]))
    return paginate(policies, ctx, lambda policy: render_policy(ctx.org, policy))


# Create and change


def create_policy(ctx):
    """POST /policies: a General policy by default, enabled unless isEnabled is false."""
    body = ctx.body()
    policy_type = body.enum("type", POLICY_TYPES)
    fields = _read_policy_fields(body, ctx.org)
    direction = body.enum("gatewayTrafficDirection", TRAFFIC_DIRECTIONS, nullable=True)
    auto_expire_body = body.obj("autoExpire")
    auto_expire = read_auto_expire(auto_expire_body) if auto_expire_body not in (MISSING, None) else None
    if fields["description"] is MISSING and not body.has("description"):
        body.add_error("description", "The Description field is required.")

    policy_type = "General" if policy_type is MISSING else policy_type
    merged = {name: value for name, value in fields.items() if value is not MISSING}
    merged["gatewayTrafficDirection"] = None if direction is MISSING else direction
    _check_type_rules(body, policy_type, merged)
    body.raise_if_invalid()

    gateway = policy_type == "Gateway"
    policy = {
        "id": ctx.store.next_id("policies"),
        "type": policy_type,
        "created": timestamps.format_datetime(timestamps.now()),
        "description": merged["description"],
        "isEnabled": merged.get("isEnabled", True),
        "senderTags": merged.get("senderTags", []),
        "receiverTags": merged.get("receiverTags", []),
        "acls": merged.get("acls", []),
        "gatewayAllowedIpRanges": merged.get("gatewayAllowedIpRanges", []),
        "gateways": merged.get("gateways", []),
        "gatewayTrafficDirection": merged["gatewayTrafficDirection"] if gateway else None,
        "gatewayPriority": (merged.get("gatewayPriority") or DEFAULT_GATEWAY_PRIORITY) if gateway else None,
        "senderTrustRequirements": merged.get("senderTrustRequirements", []),
        "notes": merged.get("notes"),
        "autoExpire": auto_expire,
        "activeHours": merged.get("activeHours"),
    }
    ctx.org["policies"][policy["id"]] = policy
    return render_policy(ctx.org, policy)


def patch_policy(ctx):
    """PATCH /policies/{id}: changes the fields sent, replaces lists whole; a null ActiveHours clears it.

    The type and traffic direction cannot change; both properties are ignored like unknown ones.
    """
    policy = find_policy(ctx)
    body = ctx.body()
    fields = _read_policy_fields(body, ctx.org)
    for name in ("senderTags", "receiverTags", "acls", "gateways", "gatewayAllowedIpRanges"):
        if body.raw(name) is None:
            body.add_error(name, f"The {name[:1].upper() + name[1:]} field must not be null; send [] to clear it.")
    merged = dict(policy)
    merged.update({name: value for name, value in fields.items() if value is not MISSING})
    if policy.get("type") == "Gateway" and merged.get("gatewayPriority") is None:
        merged["gatewayPriority"] = policy.get("gatewayPriority") or DEFAULT_GATEWAY_PRIORITY
    _check_type_rules(body, policy.get("type", "General"), merged)
    body.raise_if_invalid()

    policy.update(merged)
    return render_policy(ctx.org, policy)


def get_policy(ctx):
    """GET /policies/{id}."""
    return render_policy(ctx.org, find_policy(ctx))


def delete_policy(ctx):
    """DELETE /policies/{id}: returns the deleted policy's model."""
    policy = find_policy(ctx)
    model = render_policy(ctx.org, policy)
    del ctx.org["policies"][policy["id"]]
    return model


def _set_enabled(policy, enabled):
    # NOTE: a plain enable or disable also clears any enable-until expiry, by assumption.
    policy["isEnabled"] = enabled
    policy["autoExpire"] = None


def enable_policy(ctx):
    """PUT /policies/{id}/enable; repeating it changes nothing."""
    policy = find_policy(ctx)
    _set_enabled(policy, True)
    return render_policy(ctx.org, policy)


def disable_policy(ctx):
    """PUT /policies/{id}/disable; repeating it changes nothing."""
    policy = find_policy(ctx)
    _set_enabled(policy, False)
    return render_policy(ctx.org, policy)


def enable_policy_until(ctx):
    """PUT /policies/{id}/enable-until: enables the policy and stores the AutoExpireModel body."""
    policy = find_policy(ctx)
    body = ctx.body()
    auto_expire = read_auto_expire(body)
    body.raise_if_invalid()
    policy["isEnabled"] = True
    policy["autoExpire"] = auto_expire
    return render_policy(ctx.org, policy)


# Bulk


def _set_many_enabled(ctx, enabled):
    updated = 0
    for policy_id in read_bulk_ids(ctx, "policyIds", int):
        policy = ctx.org["policies"].get(policy_id)
        if policy is not None and policy.get("isEnabled", True) != enabled:
            _set_enabled(policy, enabled)
            updated += 1
    return {"policiesUpdated": updated}


def enable_policies(ctx):
    """PUT /policies/enable with ``{"policyIds": [...]}``; counts only policies that were disabled."""
    return _set_many_enabled(ctx, True)


def disable_policies(ctx):
    """PUT /policies/disable with ``{"policyIds": [...]}``; counts only policies that were enabled."""
    return _set_many_enabled(ctx, False)


def delete_policies(ctx):
    """DELETE /policies with ``{"policyIds": [...]}``; unknown ids are skipped."""
    deleted = 0
    for policy_id in read_bulk_ids(ctx, "policyIds", int):
        if ctx.org["policies"].pop(policy_id, None) is not None:
            deleted += 1
    return {"policiesDeleted": deleted}
