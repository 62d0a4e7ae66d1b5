#!/usr/bin/python
# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: policy_info
short_description: List Enclave policies or read one policy's details
version_added: 0.1.0
description:
  - Lists the policies of an Enclave organisation across all pages, with their tags, ACLs and state.
  - With O(id), returns that one policy.
author:
  - Enclave collection maintainers (@enclave-networks)
options:
  id:
    description:
      - ID of one policy to read.
      - When no policy has it, RV(policies) is empty and the task does not fail.
      - A null value fails the task before any request; leave the option out to list the policies.
      - Cannot be combined with the list filters.
    type: int
  search:
    description:
      - Search text, applied as the Enclave portal applies it. Plain words match the description;
        V(tags:web) lists policies that name the tag as a sender or receiver, and V(state:enabled) or
        V(state:disabled) filter by state.
    type: str
  include_disabled:
    description:
      - Whether to include disabled policies, which the API leaves out by default.
    type: bool
    default: false
  sort:
    description:
      - Order of the returned list.
    type: str
    choices: [description, recently_created]
seealso:
  - module: enclave.networks.policy
extends_documentation_fragment:
  - enclave.networks.api
  - enclave.networks.attributes
  - enclave.networks.attributes.info_module
"""

EXAMPLES = r"""
- name: List every policy, disabled ones included
  enclave.networks.policy_info:
    include_disabled: true
  register: enclave_policies

- name: Print who can reach what
  ansible.builtin.debug:
    msg: >-
      {{ item.description }}: {{ item.sender_tags | map(attribute='tag') | join(',') }} ->
      {{ item.receiver_tags | map(attribute='tag') | join(',') }} ({{ item.state }})
  loop: "{{ enclave_policies.policies }}"

- name: List the policies that name the web tag
  enclave.networks.policy_info:
    search: "tags:web"
  register: web_policies
"""

RETURN = r"""
policies:
  description:
    - The policies found, in the order the API returned them.
    - With O(id), a list holding that one policy, or an empty list when it does not exist.
    - Each policy has the fields that RV(enclave.networks.policy#module:policy) describes.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: ID of the policy.
      type: int
      sample: 1
    type:
      description: V(General) or V(Gateway).
      type: str
      sample: General
    description:
      description: Description of the policy.
      type: str
      sample: Laptops to web servers
    is_enabled:
      description: Whether the policy is enabled.
      type: bool
      sample: true
    state:
      description: V(Active), V(Disabled) or V(InactiveNoAcls).
      type: str
      sample: Active
    sender_tags:
      description: Tags of the sending systems, each with V(tag), V(ref) and V(colour).
      type: list
      elements: dict
      sample: [{"tag": "laptop", "ref": "ref:9d4e5f6a7b8c4d0e1f2a3b4c5d6e7f80", "colour": "#8b5cf6"}]
    receiver_tags:
      description: Tags of the receiving systems, each with V(tag), V(ref) and V(colour).
      type: list
      elements: dict
      sample: [{"tag": "web", "ref": "ref:5f0c1a2b3c4d4e5f8a9b0c1d2e3f4a5b", "colour": "#3b82f6"}]
    acls:
      description: The rules of the policy, each with V(protocol), V(ports) and V(description).
      type: list
      elements: dict
      sample: [{"protocol": "Tcp", "ports": "443", "description": "HTTPS"}]
    sender_trust_requirements:
      description: Trust requirements the senders must meet, each with V(id), V(description) and V(type).
      type: list
      elements: dict
      sample: []
    notes:
      description: Notes on the policy, or null.
      type: str
      sample: null
    active_hours:
      description: When the policy is active, or null for always.
      type: dict
      sample: null
    auto_expire:
      description: The scheduled expiry of the policy, or null.
      type: dict
      sample: null
    gateways:
      description: For gateway policies, the gateway systems, each with V(system_id) and V(routes).
      type: list
      elements: dict
      sample: []
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

from ..module_utils._base import EnclaveModule
from ..module_utils._lookup import check_identity, get_or_none
from ..module_utils._policies import SORT_ORDERS, policy_result


class PolicyInfo(EnclaveModule):
    argument_spec = {
        "id": {"type": "int"},
        "search": {"type": "str"},
        "include_disabled": {"type": "bool", "default": False},
        "sort": {"type": "str", "choices": sorted(SORT_ORDERS)},
    }
    module_kwargs = {"mutually_exclusive": [("id", "search"), ("id", "sort")]}

    def run(self):
        check_identity(self.params, "id", None, "policy", "list the policies")
        if self.params["id"] is not None:
            detail = get_or_none(self.client, self.client.org_path("policies", self.params["id"]))
            return {"changed": False, "policies": [policy_result(detail)] if detail else []}

        query = {}
        if self.params["search"]:
            query["search"] = self.params["search"]
        if self.params["include_disabled"]:
            query["include_disabled"] = "true"
        if self.params["sort"]:
            query["sort"] = SORT_ORDERS[self.params["sort"]]
        policies = [policy_result(item) for item in self.client.paginate(self.client.org_path("policies"), query)]
        return {"changed": False, "policies": policies}


def main():
    PolicyInfo().execute()


if __name__ == "__main__":
    main()
