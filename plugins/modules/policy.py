#!/usr/bin/python
# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: policy
short_description: Create, update, enable, disable or delete an Enclave policy
version_added: 0.1.0
description:
  - Manages one policy of an Enclave organisation. A policy lets systems with its sender tags start
    connections to systems with its receiver tags, on the protocols and ports of its ACLs. Traffic in
    the other direction needs a policy of its own.
  - A V(gateway) policy instead lets systems with its sender tags reach the subnets behind its
    gateway systems.
  - Finds the policy by O(id), or by O(description) among all the organisation's policies, disabled
    ones included. When several policies share the description, the task fails and lists their ids.
  - Changes only the options a task sets. Tags and trust requirements compare as sets, ACLs and
    gateways as lists in order, and ports after normalising, so V(8000-8100) equals V(8000 - 8100).
  - Checks the options as the API's validator does before any request, so an invalid policy fails
    the task without a change.
author:
  - Enclave collection maintainers (@enclave-networks)
options:
  id:
    description:
      - ID of the policy to manage.
      - The task fails when no policy has this id, except with O(state=absent), which then changes nothing.
      - With O(id), O(description) is the description to set, not a way to find the policy.
      - A null value, such as the id of a task in check mode that would create the policy, fails the task
        before any request. Leave the option out to find the policy by O(description).
    type: int
  description:
    description:
      - Description of the policy. Without O(id), it identifies the policy, and the module creates the
        policy when no policy has it.
      - Needed to create a policy. Compared exactly, case included.
    type: str
  state:
    description:
      - V(present) creates the policy when it is missing and otherwise updates the options that differ,
        leaving the policy enabled or disabled as it is. A new policy is enabled.
      - V(enabled) and V(disabled) do the same and then make sure the policy is enabled or disabled.
      - V(absent) deletes the policy.
    type: str
    choices: [present, enabled, disabled, absent]
    default: present
  type:
    description:
      - Type of the policy. The API creates V(general) policies when this is not set.
      - The API cannot change the type of a policy, so the task fails when this differs from the type
        of the existing policy.
    type: str
    choices: [general, gateway]
  sender_tags:
    description:
      - Tags of the systems that may start connections.
      - Compared as a set, so their order and repeats do not count as a change. V([]) removes every tag.
    type: list
    elements: str
  receiver_tags:
    description:
      - Tags of the systems that accept those connections. A tag on both sides lets its systems reach
        each other.
      - Compared as a set. Gateway policies take none, because their gateways receive the traffic.
    type: list
    elements: str
  acls:
    description:
      - The traffic the policy allows. A policy without ACLs is inactive and passes nothing.
      - Replaces the whole list. Compared in order, after normalising ports and protocols.
    type: list
    elements: dict
    suboptions:
      protocol:
        description:
          - Protocol of the rule. V(any) allows every protocol and port.
        type: str
        choices: [any, tcp, udp, icmp]
        required: true
      ports:
        description:
          - For V(tcp) and V(udp), which the API requires it for, a port such as V(443) or a range such
            as V(8000-8100), from 1 to 65535. Use V(1-65535) for every port.
          - V(any) and V(icmp) take no ports.
        type: str
      description:
        description:
          - Label of the rule.
        type: str
  trust_requirements:
    description:
      - IDs of the trust requirements that sending systems must meet, as
        RV(enclave.networks.trust_requirement#module:trust_requirement.id) returns them.
      - Compared as a set. V([]) removes every requirement.
    type: list
    elements: int
  notes:
    description:
      - Free text notes on the policy. V("") removes them.
    type: str
  active_hours:
    description:
      - Times of the week when the policy passes traffic. Outside them it passes nothing.
      - Set O(active_hours.time_zone_id), O(active_hours.days), O(active_hours.start) and
        O(active_hours.end) together. V({}) removes the restriction, so the policy is always active.
      - A start equal to the end is never active.
    type: dict
    suboptions:
      time_zone_id:
        description:
          - IANA or Windows time zone of the times, such as V(Europe/London).
        type: str
      days:
        description:
          - Days of the week when the policy is active. Compared as a set.
        type: list
        elements: str
        choices: [monday, tuesday, wednesday, thursday, friday, saturday, sunday]
      start:
        description:
          - Time of day when the policy becomes active, in 24-hour V(HH:MM) form such as V(08:00).
        type: str
      end:
        description:
          - Time of day when the policy stops being active, in 24-hour V(HH:MM) form such as V(18:30).
        type: str
  auto_expire:
    description:
      - Schedule on which the API disables or deletes the policy.
      - Applied through the API's enable-until route, which also enables the policy. So it cannot be
        combined with O(state=disabled), and with O(state=present) it enables a disabled policy whose
        expiry differs.
      - The module does not remove an expiry that is set.
    type: dict
    suboptions:
      expiry:
        description:
          - When the policy expires, as an ISO 8601 date and time such as V(2026-12-31T17:00:00Z).
            A value without a UTC offset is read as UTC. Compared as an instant.
        type: str
        required: true
      time_zone_id:
        description:
          - IANA or Windows time zone of the expiry, such as V(Europe/London).
        type: str
      action:
        description:
          - What happens to the policy at the expiry.
        type: str
        choices: [disable, delete]
        default: disable
  gateways:
    description:
      - For V(gateway) policies, the systems that route traffic and the subnets each one routes.
      - Replaces the whole list. Compared in order of the gateways; the routes of one gateway compare
        as a set.
    type: list
    elements: dict
    suboptions:
      system_id:
        description:
          - ID of an enrolled system that acts as the gateway, such as V(GW3TQ). Compared without regard to case.
        type: str
        required: true
      routes:
        description:
          - Subnets the gateway routes, as CIDR blocks such as V(192.168.10.0/24).
        type: list
        elements: str
        required: true
  gateway_priority:
    description:
      - For V(gateway) policies with several gateways, how senders choose one.
    type: str
    choices: [balanced, ordered, geographic]
  gateway_allowed_ip_ranges:
    description:
      - For V(gateway) policies, the addresses behind the gateways that senders may reach. An empty
        list allows every address of the routes.
      - Replaces the whole list; the order does not count as a change.
    type: list
    elements: dict
    suboptions:
      ip_range:
        description:
          - A CIDR block, one IP address, or a range V(first - last) (the spaces are optional).
        type: str
        required: true
      description:
        description:
          - Label of the range.
        type: str
notes:
  - Gateway policies are created with the traffic direction V(Exit), the only one the API accepts.
  - In check mode, a policy that would be created is returned with the values it would get, and
    with a null RV(policy.id) and timestamps.
seealso:
  - module: enclave.networks.policy_info
  - module: enclave.networks.tag
  - module: enclave.networks.trust_requirement
extends_documentation_fragment:
  - enclave.networks.api
  - enclave.networks.attributes
  - enclave.networks.attributes.full_check_and_diff
"""

EXAMPLES = r"""
- name: Let developers reach the web servers on HTTPS
  enclave.networks.policy:
    description: Developers to web servers
    sender_tags: [dev]
    receiver_tags: [web]
    acls:
      - protocol: tcp
        ports: "443"
        description: HTTPS
      - protocol: icmp
        description: Ping
    notes: Managed by Ansible.

- name: Allow staging apps only in office hours, for MFA-verified users
  enclave.networks.policy:
    description: Staging apps
    sender_tags: [remote-staff]
    receiver_tags: [staging]
    acls:
      - protocol: tcp
        ports: 8000-8100
    trust_requirements: [1]
    active_hours:
      time_zone_id: Europe/London
      days: [monday, tuesday, wednesday, thursday, friday]
      start: "08:00"
      end: "18:30"

- name: Route laptops to the office LAN through the office gateway
  enclave.networks.policy:
    description: Office LAN
    type: gateway
    sender_tags: [laptop]
    gateways:
      - system_id: GW3TQ
        routes: [192.168.10.0/24]
    gateway_allowed_ip_ranges:
      - ip_range: 192.168.10.20 - 192.168.10.40
        description: Printers and file servers
    acls:
      - protocol: any

- name: Disable a policy by id until further notice
  enclave.networks.policy:
    id: 12
    state: disabled

- name: Delete a policy
  enclave.networks.policy:
    description: Old contractor access
    state: absent
"""

RETURN = r"""
policy:
  description:
    - The policy after the task, as the API returned it, in snake_case.
    - Null with O(state=absent) when the policy did not exist. After a delete, the policy as it was deleted.
    - In check mode, the policy as the task would leave it.
  returned: success
  type: dict
  contains:
    id:
      description: ID of the policy.
      type: int
      sample: 3
    type:
      description: V(General) or V(Gateway).
      type: str
      sample: General
    description:
      description: Description of the policy.
      type: str
      sample: Developers to web servers
    is_enabled:
      description: Whether the policy is enabled.
      type: bool
      sample: true
    state:
      description:
        - V(Active), V(Disabled), or V(InactiveNoAcls) for an enabled policy without ACLs, which passes nothing.
      type: str
      sample: Active
    created:
      description: When the policy was created, in UTC ISO 8601.
      type: str
      sample: "2026-01-20T14:02:11.0000000Z"
    sender_tags:
      description: Tags of the sending systems, each with V(tag), V(ref) and V(colour).
      type: list
      elements: dict
      sample: [{"tag": "dev", "ref": "ref:7b2c3d4e5f6a4b8c9d0e1f2a3b4c5d6e", "colour": "#10b981"}]
    receiver_tags:
      description: Tags of the receiving systems, each with V(tag), V(ref) and V(colour).
      type: list
      elements: dict
      sample: [{"tag": "web", "ref": "ref:5f0c1a2b3c4d4e5f8a9b0c1d2e3f4a5b", "colour": "#3b82f6"}]
    acls:
      description: The rules of the policy, in order.
      type: list
      elements: dict
      contains:
        protocol:
          description: V(Any), V(Tcp), V(Udp) or V(Icmp).
          type: str
          sample: Tcp
        ports:
          description: Port or range as the API writes it, such as V(443) or V(8000 - 8100), or null.
          type: str
          sample: "443"
        description:
          description: Label of the rule, or null.
          type: str
          sample: HTTPS
    sender_trust_requirements:
      description: Trust requirements the senders must meet, each with V(id), V(description) and V(type).
      type: list
      elements: dict
      sample: [{"id": 1, "description": "Portal sign-in with MFA", "type": "UserAuthentication"}]
    notes:
      description: Notes on the policy, or null.
      type: str
      sample: Managed by Ansible.
    active_hours:
      description: When the policy is active, or null for always.
      type: dict
      sample:
        time_zone_id: Europe/London
        days_of_week: [Monday, Friday]
        start_time: {hours: 8, minutes: 0}
        end_time: {hours: 18, minutes: 30}
    auto_expire:
      description: The scheduled expiry of the policy, or null.
      type: dict
      sample: null
    gateways:
      description: For gateway policies, the gateway systems, each with V(system_id) and V(routes).
      type: list
      elements: dict
      sample: [{"system_id": "GW3TQ", "routes": ["192.168.10.0/24"]}]
    gateway_traffic_direction:
      description: V(Exit) for gateway policies, null for general ones.
      type: str
      sample: null
    gateway_priority:
      description: V(Balanced), V(Ordered) or V(Geographic) for gateway policies, null for general ones.
      type: str
      sample: null
    gateway_allowed_ip_ranges:
      description: For gateway policies, the reachable ranges, each with V(ip_range) and V(description).
      type: list
      elements: dict
      sample: []
"""

from ..module_utils._auto_expire import auto_expire_spec, enable_action
from ..module_utils._errors import EnclaveError
from ..module_utils._lookup import check_identity, check_trust_requirements, create_entity, get_or_none, unique_match
from ..module_utils._policies import (
    DAYS,
    EXPIRY_ACTIONS,
    GATEWAY_PRIORITIES,
    POLICY_TYPES,
    PROTOCOLS,
    PolicyRequest,
    describe_policy,
    diff_view,
    new_policy_model,
    policy_result,
    predict_model,
)
from ..module_utils._resource import ResourceModule


class Policy(ResourceModule):
    result_key = "policy"
    convert_result = staticmethod(policy_result)
    diff_view = staticmethod(diff_view)
    collection_path = ("policies",)

    argument_spec = {
        "id": {"type": "int"},
        "description": {"type": "str"},
        "state": {"type": "str", "choices": ["present", "enabled", "disabled", "absent"], "default": "present"},
        "type": {"type": "str", "choices": sorted(POLICY_TYPES)},
        "sender_tags": {"type": "list", "elements": "str"},
        "receiver_tags": {"type": "list", "elements": "str"},
        "acls": {
            "type": "list",
            "elements": "dict",
            "options": {
                "protocol": {"type": "str", "choices": sorted(PROTOCOLS), "required": True},
                "ports": {"type": "str"},
                "description": {"type": "str"},
            },
        },
        "trust_requirements": {"type": "list", "elements": "int"},
        "notes": {"type": "str"},
        "active_hours": {
            "type": "dict",
            "options": {
                "time_zone_id": {"type": "str"},
                "days": {"type": "list", "elements": "str", "choices": list(DAYS)},
                "start": {"type": "str"},
                "end": {"type": "str"},
            },
        },
        "auto_expire": auto_expire_spec(EXPIRY_ACTIONS),
        "gateways": {
            "type": "list",
            "elements": "dict",
            "options": {
                "system_id": {"type": "str", "required": True},
                "routes": {"type": "list", "elements": "str", "required": True},
            },
        },
        "gateway_priority": {"type": "str", "choices": sorted(GATEWAY_PRIORITIES)},
        "gateway_allowed_ip_ranges": {
            "type": "list",
            "elements": "dict",
            "options": {
                "ip_range": {"type": "str", "required": True},
                "description": {"type": "str"},
            },
        },
    }
    module_kwargs = {"required_one_of": [("id", "description")]}

    def run(self):
        # Every check that needs no API runs first, so an invalid option fails before any request.
        check_identity(self.params, "id", "description", "policy", "find or create the policy by its description")
        self.request = PolicyRequest(self.params)
        current = self._fetch()
        if self.params["state"] == "absent":
            return self._absent(current)
        if current is None:
            return self._create()
        return self._update(current)

    def _path(self, model, *segments):
        return self.client.org_path("policies", model["id"], *segments)

    def _fetch(self):
        policy_id = self.params["id"]
        if policy_id is not None:
            current = get_or_none(self.client, self.client.org_path("policies", policy_id))
            if current is None and self.params["state"] != "absent":
                raise EnclaveError(
                    "Policy id {0} was not found in organisation {1}. Check the id, or leave id out to find or "
                    "create the policy by its description.".format(policy_id, self.client.organisation_id)
                )
            return current

        description = self.params["description"]
        listed = self.client.paginate(self.client.org_path("policies"), {"include_disabled": "true"})
        matches = [item for item in listed if isinstance(item, dict) and item.get("description") == description]
        match = unique_match(matches, "policies", "description", description)
        if match is None:
            return None
        # NOTE: list items may lack fields of the detail model (the API's summary shape is undocumented),
        # so the comparison reads the detail.
        return self.client.get(self._path(match))

    def _create(self):
        # A policy created without type is a general one, which takes no gateway options.
        self.request.check_type(self.request.policy_type or "General")
        body = self.request.create_body()
        check_trust_requirements(self.client, "trust_requirements", body.get("senderTrustRequirements"))
        if self.module.check_mode:
            return self._result(True, None, new_policy_model(body))
        description = body.get("description")
        model = create_entity(
            self.client,
            self.client.org_path("policies"),
            body,
            lambda item: item.get("description") == description,
            list_query={"include_disabled": "true"},
        )
        return self._result(True, None, model)

    def _update(self, current):
        if self.request.type_differs(current):
            raise EnclaveError(
                "{0} has type {1}, and the API cannot change the type of a policy. Set type to {2}, or delete "
                "the policy and create it again.".format(
                    describe_policy(current), current.get("type"), str(current.get("type")).lower()
                )
            )
        self.request.check_type(current.get("type"), describe_policy(current))
        patch = self.request.patch_for(current)
        check_trust_requirements(self.client, "trust_requirements", patch.get("senderTrustRequirements"))
        action = enable_action(current, self.request.enabled, self.request.auto_expire)
        if not patch and action is None:
            return self._result(False, current, current)
        if self.module.check_mode:
            return self._result(True, current, predict_model(current, patch, action))

        model = current
        if patch:
            model = self.client.patch(self._path(current), patch) or self.client.get(self._path(current))
        if action is not None:
            name, body = action
            model = self.client.put(self._path(model, name), body) or self.client.get(self._path(model))
        return self._result(True, current, model)


def main():
    Policy().execute()


if __name__ == "__main__":
    main()
