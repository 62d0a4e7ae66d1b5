# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: Enclave policies as the policy modules request, compare and return them.

This is the one place that maps policy options to the API's fields and checks them the way the API's
policy validator does. It also decides whether a requested value equals the API's after the API's own
normalisation, which writes the port range 8000-8100 back as '8000 - 8100'.
"""

from __future__ import annotations

import copy
import ipaddress
import re

from ._auto_expire import apply_enable_action, desired_auto_expire
from ._case import snake_dict
from ._errors import EnclaveError
from ._ip_ranges import EXPECTED_FORMS, canonical_ip_range, request_ip_range
from ._tags import check_tag_names, tag_names, tag_references, unique_names

# Module choice -> the API's enum member.
POLICY_TYPES = {"general": "General", "gateway": "Gateway"}
PROTOCOLS = {"any": "Any", "tcp": "Tcp", "udp": "Udp", "icmp": "Icmp"}
GATEWAY_PRIORITIES = {"balanced": "Balanced", "ordered": "Ordered", "geographic": "Geographic"}
EXPIRY_ACTIONS = {"disable": "Disable", "delete": "Delete"}
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SORT_ORDERS = {"description": "Description", "recently_created": "RecentlyCreated"}
PROTOCOLS_WITH_PORTS = ("Tcp", "Udp")
MAX_PORT = 65535
# The only direction the API accepts for gateway policies.
GATEWAY_DIRECTION = "Exit"
GATEWAY_ONLY_OPTIONS = ("gateways", "gateway_priority", "gateway_allowed_ip_ranges")

_TIME = re.compile(r"^(?P<hours>[01]?[0-9]|2[0-3]):(?P<minutes>[0-5][0-9])$")


def describe_policy(model):
    """Name a policy in messages by its description and id."""
    return "policy '{0}' (id {1})".format(model.get("description"), model.get("id"))


def policy_result(model):
    """Convert a policy from the API to its snake_case return value."""
    return snake_dict(model)


# Normalisation shared by requests and comparisons


def canonical_ports(text):
    """Return ports in the API's form, '443' or '8000 - 8100', or None when they are not valid."""
    first_text, dash, last_text = str(text).strip().partition("-")
    try:
        first = int(first_text.strip())
        last = int(last_text.strip()) if dash else first
    except ValueError:
        return None
    if not 1 <= first <= last <= MAX_PORT:
        return None
    if dash:
        return "{0} - {1}".format(first, last)
    return str(first)


def _acl_key(acl):
    protocol = str(acl.get("protocol") or "").lower()
    ports = acl.get("ports")
    if ports:
        ports = canonical_ports(ports) or str(ports).strip()
    return (protocol, ports or None, acl.get("description") or None)


def _gateway_key(gateway):
    routes = []
    for route in gateway.get("routes") or []:
        try:
            routes.append(str(ipaddress.ip_network(route.strip(), strict=False)))
        except ValueError:
            routes.append(route)
    return (str(gateway.get("systemId") or "").upper(), tuple(sorted(routes)))


def _range_key(item):
    return (canonical_ip_range(item.get("ipRange")), item.get("description") or None)


def _active_hours_key(value):
    if not value:
        return None
    days = frozenset(str(day).lower() for day in value.get("daysOfWeek") or [])
    start = value.get("startTime") or {}
    end = value.get("endTime") or {}
    return (
        value.get("timeZoneId"),
        days,
        (start.get("hours"), start.get("minutes")),
        (end.get("hours"), end.get("minutes")),
    )


# API property -> the function that turns a requested or current value into a comparable one.
# ACLs and gateways compare in order, because the API keeps them in the order sent. Ranges and routes
# compare as multisets, and tags and trust requirements as sets.
_CANONICAL = {
    "description": lambda value: value,
    "senderTags": lambda value: frozenset(tag_names(value)),
    "receiverTags": lambda value: frozenset(tag_names(value)),
    "acls": lambda value: [_acl_key(acl) for acl in value or []],
    "senderTrustRequirements": lambda value: frozenset(
        item.get("id") if isinstance(item, dict) else item for item in value or []
    ),
    "notes": lambda value: value or None,
    "activeHours": _active_hours_key,
    "gateways": lambda value: [_gateway_key(gateway) for gateway in value or []],
    "gatewayPriority": lambda value: str(value).lower() if value else None,
    "gatewayAllowedIpRanges": lambda value: sorted((_range_key(item) for item in value or []), key=repr),
}


def same_value(field, desired, current):
    """Tell whether a requested API value equals the current one once both are normalised."""
    canonical = _CANONICAL[field]
    return canonical(desired) == canonical(current)


# Options to API values, with the checks the API's validator makes


def _acls_request(acls):
    body = []
    for index, acl in enumerate(acls):
        protocol = PROTOCOLS[acl["protocol"]]
        ports = acl.get("ports")
        where = "acls[{0}]".format(index)
        if protocol in PROTOCOLS_WITH_PORTS:
            if not ports:
                raise EnclaveError(
                    "{0} needs ports with protocol {1}: give a port or a range from 1 to {2}, such as 443 or "
                    "8000-8100, or 1-{2} for every port.".format(where, acl["protocol"], MAX_PORT)
                )
            normalised = canonical_ports(ports)
            if normalised is None:
                raise EnclaveError(
                    "{0}.ports '{1}' is invalid: expected a port or a range from 1 to {2}, such as 443 or "
                    "8000-8100.".format(where, ports, MAX_PORT)
                )
            ports = normalised
        elif ports:
            raise EnclaveError(
                "{0}.ports '{1}' is invalid with protocol {2}, which takes no ports. Leave ports out, or use "
                "tcp or udp.".format(where, ports, acl["protocol"])
            )
        body.append({"protocol": protocol, "ports": ports or None, "description": acl.get("description") or None})
    return body


def _time_request(option, text):
    match = _TIME.match(text or "")
    if not match:
        raise EnclaveError("{0} '{1}' is invalid: expected a 24-hour time such as 08:00 or 17:30.".format(option, text))
    return {"hours": int(match.group("hours")), "minutes": int(match.group("minutes"))}


def _active_hours_request(value):
    """Return the activeHours body, or None for an option with no fields set, which removes the restriction."""
    fields = ("time_zone_id", "days", "start", "end")
    if all(value.get(field) in (None, []) for field in fields):
        return None
    missing = [field for field in fields if not value.get(field)]
    if missing:
        raise EnclaveError(
            "active_hours needs {0} as well; set time_zone_id, days, start and end together, or give "
            "active_hours: {{}} to remove the restriction.".format(", ".join(missing))
        )
    return {
        "timeZoneId": value["time_zone_id"],
        "daysOfWeek": [day.capitalize() for day in DAYS if day in value["days"]],
        "startTime": _time_request("active_hours.start", value["start"]),
        "endTime": _time_request("active_hours.end", value["end"]),
    }


def _gateways_request(gateways):
    body = []
    for index, gateway in enumerate(gateways):
        routes = []
        for route_index, route in enumerate(gateway["routes"]):
            try:
                routes.append(str(ipaddress.ip_network(route.strip(), strict=False)))
            except ValueError:
                raise EnclaveError(
                    "gateways[{0}].routes[{1}] '{2}' is invalid: expected a CIDR block such as 192.168.10.0/24.".format(
                        index, route_index, route
                    )
                ) from None
        body.append({"systemId": gateway["system_id"].strip().upper(), "routes": routes})
    return body


def _allowed_ranges_request(ranges):
    body = []
    for index, item in enumerate(ranges):
        try:
            ip_range = request_ip_range(item["ip_range"])
        except ValueError:
            raise EnclaveError(
                "gateway_allowed_ip_ranges[{0}].ip_range '{1}' is invalid: expected {2}.".format(
                    index, item["ip_range"], EXPECTED_FORMS
                )
            ) from None
        body.append({"ipRange": ip_range, "description": item.get("description") or None})
    return body


class PolicyRequest:
    """The policy a task requests, as API values for the options it sets.

    The constructor checks every option that can be checked without the API, so an invalid value fails
    the task before any request. Options left unset are not managed and never count as a change.
    """

    def __init__(self, params):
        self.policy_type = POLICY_TYPES[params["type"]] if params.get("type") else None
        self.enabled = {"enabled": True, "disabled": False}.get(params.get("state"))
        self.gateway_options = [option for option in GATEWAY_ONLY_OPTIONS if params.get(option)]

        description = params.get("description")
        if description is not None and not description.strip():
            raise EnclaveError("description '' is invalid: give the policy a description that is not empty.")
        for option in ("sender_tags", "receiver_tags"):
            check_tag_names(option, params.get(option))

        fields = {}
        if description is not None:
            fields["description"] = description
        if params.get("sender_tags") is not None:
            fields["senderTags"] = unique_names(params["sender_tags"])
        if params.get("receiver_tags") is not None:
            fields["receiverTags"] = unique_names(params["receiver_tags"])
        if params.get("acls") is not None:
            fields["acls"] = _acls_request(params["acls"])
        if params.get("trust_requirements") is not None:
            fields["senderTrustRequirements"] = sorted(set(params["trust_requirements"]))
        if params.get("notes") is not None:
            fields["notes"] = params["notes"] or None
        if params.get("active_hours") is not None:
            fields["activeHours"] = _active_hours_request(params["active_hours"])
        if params.get("gateways") is not None:
            fields["gateways"] = _gateways_request(params["gateways"])
        if params.get("gateway_priority") is not None:
            fields["gatewayPriority"] = GATEWAY_PRIORITIES[params["gateway_priority"]]
        if params.get("gateway_allowed_ip_ranges") is not None:
            fields["gatewayAllowedIpRanges"] = _allowed_ranges_request(params["gateway_allowed_ip_ranges"])
        self.fields = fields

        self.auto_expire = None
        if params.get("auto_expire"):
            if self.enabled is False:
                raise EnclaveError(
                    "auto_expire cannot be combined with state=disabled: setting an expiry enables the policy. "
                    "Use state=present or state=enabled with auto_expire."
                )
            self.auto_expire = desired_auto_expire("auto_expire", params["auto_expire"], EXPIRY_ACTIONS)

        if self.policy_type is not None:
            self.check_type(self.policy_type)

    def check_type(self, policy_type, label=None):
        """Raise EnclaveError when the options do not suit a policy of this type, as the API would reject them.

        label names an existing policy; without it, the message speaks of the new policy.
        """
        subject = label or "a new {0} policy".format(policy_type.lower())
        if policy_type == "General" and self.gateway_options:
            raise EnclaveError(
                "{0} is invalid for {1}: only gateway policies take gateway options. Leave {0} out, or set "
                "type gateway.".format(", ".join(self.gateway_options), subject)
            )
        if policy_type == "Gateway" and self.fields.get("receiverTags"):
            raise EnclaveError(
                "receiver_tags is invalid for {0}: in a gateway policy the gateways receive the traffic. "
                "Leave receiver_tags out or set it to [].".format(subject)
            )

    def type_differs(self, current):
        """Tell whether the requested type differs from the policy's, which the API cannot change."""
        return self.policy_type is not None and self.policy_type != current.get("type")

    def create_body(self):
        """Return the POST body of a new policy: its type, the requested fields and its enabled flag."""
        policy_type = self.policy_type or "General"
        body = {"type": policy_type}
        body.update(copy.deepcopy(self.fields))
        if policy_type == "Gateway":
            body["gatewayTrafficDirection"] = GATEWAY_DIRECTION
        if self.enabled is False:
            body["isEnabled"] = False
        if self.auto_expire is not None:
            body["autoExpire"] = dict(self.auto_expire)
        return body

    def patch_for(self, current):
        """Return the PATCH body of the requested fields that differ from the current policy model."""
        return {
            field: copy.deepcopy(value)
            for field, value in self.fields.items()
            if not same_value(field, value, current.get(field))
        }


# Predictions for check mode


def policy_state(model):
    """Return the state the API derives: Disabled, InactiveNoAcls or Active."""
    if not model.get("isEnabled", True):
        return "Disabled"
    if not model.get("acls"):
        return "InactiveNoAcls"
    return "Active"


def predict_model(current, changes, action=None):
    """Return the policy the API should return after a PATCH of changes and one enable action.

    Tags already on the policy keep their ref and colour; new tags and trust requirements carry only
    their name or id.
    """
    model = copy.deepcopy(current)
    for field, value in changes.items():
        if field in ("senderTags", "receiverTags"):
            model[field] = tag_references(current.get(field), value)
        elif field == "senderTrustRequirements":
            known = {item.get("id"): item for item in current.get(field) or []}
            model[field] = [copy.deepcopy(known.get(item)) or {"id": item} for item in value]
        else:
            model[field] = copy.deepcopy(value)
    apply_enable_action(model, action)
    model["state"] = policy_state(model)
    return model


def new_policy_model(body):
    """Return the model of a policy not created yet, with the API's defaults for fields the body leaves out."""
    gateway = body["type"] == "Gateway"
    model = {
        "id": None,
        "type": body["type"],
        "created": None,
        "description": None,
        "isEnabled": True,
        "state": None,
        "senderTags": [],
        "receiverTags": [],
        "acls": [],
        "gatewayAllowedIpRanges": [],
        "gateways": [],
        "gatewayTrafficDirection": GATEWAY_DIRECTION if gateway else None,
        # NOTE: the priority the API gives a gateway policy created without one is undocumented.
        "gatewayPriority": "Balanced" if gateway else None,
        "senderTrustRequirements": [],
        "notes": None,
        "autoExpire": None,
        "activeHours": None,
    }
    return predict_model(model, {field: value for field, value in body.items() if field != "type"})


# Diff mode

DIFF_FIELDS = (
    "description",
    "type",
    "isEnabled",
    "senderTags",
    "receiverTags",
    "acls",
    "senderTrustRequirements",
    "notes",
    "activeHours",
    "gateways",
    "gatewayPriority",
    "gatewayAllowedIpRanges",
    "autoExpire",
)


def diff_view(model):
    """Return the fields of a policy that diff mode shows, tags as sorted names and trust requirements as ids."""
    if not model:
        return {}
    view = {}
    for field in DIFF_FIELDS:
        value = model.get(field)
        if field in ("senderTags", "receiverTags"):
            value = sorted(tag_names(value))
        elif field == "senderTrustRequirements":
            value = sorted(item.get("id") if isinstance(item, dict) else item for item in value or [])
        elif field == "gateways":
            value = [{"systemId": item.get("systemId"), "routes": item.get("routes")} for item in value or []]
        view[field] = snake_dict(value)
    return snake_dict(view)
