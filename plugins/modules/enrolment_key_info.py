#!/usr/bin/python
# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: enrolment_key_info
short_description: List Enclave enrolment keys or read one key's details
version_added: 0.1.0
description:
  - Lists the enrolment keys of an Enclave organisation, across all pages, with the API's filters.
  - With O(id) or O(description), returns the full details of the matching keys instead.
  - Every key comes with its secret in RV(enrolment_keys[].key). A task that prints the result, or runs
    with C(-v), shows the secrets; set C(no_log) to true on it, or print only the fields you need.
author:
  - Enclave collection maintainers (@enclave-networks)
options:
  id:
    description:
      - ID of one key to read.
      - The task fails when no key has this id.
      - Cannot be combined with O(description), O(search) or O(sort).
      - A null value fails the task before any request; leave the option out to list the keys.
    type: int
  description:
    description:
      - Exact description of the keys to read, case included; disabled keys are included.
      - Returns an empty list when no key has this description, and every key when several share it.
      - A null value fails the task before any request; leave the option out to list the keys.
      - Cannot be combined with O(search) or O(sort).
    type: str
  search:
    description:
      - Search text, applied as the Enclave portal applies it. Plain words match the description;
        V(key:value) terms filter further, for example V(tags:prod), V(approval:automatic),
        V(approval:gated) (manual approval), V(state:nouses) or V(uses:<5).
    type: str
  include_disabled:
    description:
      - Whether to include disabled keys, which the API leaves out of lists by default.
      - Has no effect with O(id) or O(description), which always find disabled keys.
    type: bool
    default: false
  sort:
    description:
      - Order of the returned list.
    type: str
    choices: [description, last_used, approval_mode, uses_remaining]
seealso:
  - module: enclave.networks.enrolment_key
extends_documentation_fragment:
  - enclave.networks.api
  - enclave.networks.attributes
  - enclave.networks.attributes.info_module
"""

EXAMPLES = r"""
- name: List the enabled keys that need manual approval
  enclave.networks.enrolment_key_info:
    search: "approval:gated"
  register: gated
  no_log: true

- name: Print their descriptions and remaining uses, without the secrets
  ansible.builtin.debug:
    msg: "{{ item.description }}: {{ item.uses_remaining }} uses left"
  loop: "{{ gated.enrolment_keys }}"
  loop_control:
    label: "{{ item.id }}"

- name: List every key, disabled ones included, by last use
  enclave.networks.enrolment_key_info:
    include_disabled: true
    sort: last_used
  register: all_keys
  no_log: true

- name: Read the key named Servers, with its IP constraints and notes
  enclave.networks.enrolment_key_info:
    description: Servers
  register: servers_key
  no_log: true
"""

RETURN = r"""
enrolment_keys:
  description:
    - The keys found, in the order the API returned them.
    - With O(id) or O(description), the full details of each key, RV(enrolment_keys[].ip_constraints)
      and RV(enrolment_keys[].notes) included.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: ID of the key.
      type: int
      sample: 2
    description:
      description: Description of the key.
      type: str
      sample: Servers
    key:
      description:
        - The secret that systems enrol with. Keep it out of logs with C(no_log).
      type: str
      sample: H4D8Z-2M6QW-T9K3B-R5X7N-C8J2P
    type:
      description: V(GeneralPurpose) or V(Ephemeral).
      type: str
      sample: GeneralPurpose
    approval_mode:
      description: V(Automatic) or V(Manual).
      type: str
      sample: Manual
    status:
      description: V(Enabled), V(Disabled), or V(NoUsesRemaining) for an enabled key with no uses left.
      type: str
      sample: Enabled
    is_enabled:
      description: Whether systems can enrol with the key.
      type: bool
      sample: true
    uses_remaining:
      description: Enrolments left; V(-1) means unlimited.
      type: int
      sample: -1
    enrolled_count:
      description: Number of enrolled systems that used the key.
      type: int
      sample: 7
    unapproved_count:
      description: Number of systems that used the key and wait for approval.
      type: int
      sample: 2
    tags:
      description: Tags that systems enrolled with the key receive.
      type: list
      elements: dict
      contains:
        tag:
          description: Tag name.
          type: str
          sample: prod
        ref:
          description: Stable reference of the tag, which survives renames.
          type: str
          sample: ref:8c3d4e5f6a7b4c9d0e1f2a3b4c5d6e7f
        colour:
          description: Colour of the tag in the portal, as a hex string, or null.
          type: str
          sample: "#ef4444"
    disconnected_retention_minutes:
      description: For ephemeral keys, minutes a disconnected system is kept; null for general-purpose keys.
      type: int
      sample: 15
    auto_expire:
      description: The scheduled expiry of the key, or null.
      type: dict
      contains:
        expiry_date_time:
          description: When the key expires, in ISO 8601.
          type: str
          sample: "2026-12-31T17:00:00Z"
        time_zone_id:
          description: Time zone of the expiry, or null.
          type: str
          sample: Europe/London
        expiry_action:
          description: V(Disable) or V(Delete).
          type: str
          sample: Disable
    created:
      description: When the key was created, in UTC ISO 8601.
      type: str
      sample: "2025-09-01T16:00:00.0000000Z"
    last_used:
      description: When a system last enrolled with the key, in UTC ISO 8601, or null.
      type: str
      sample: "2026-12-04T14:02:11.0000000Z"
    ip_constraints:
      description: Public IP ranges that systems may enrol from; empty when every address may.
      type: list
      elements: dict
      returned: with O(id) or O(description)
      contains:
        range:
          description: A CIDR block, one address, or V(first - last).
          type: str
          sample: 203.0.113.1 - 203.0.113.200
        description:
          description: Label of the range, or null.
          type: str
          sample: Office
    notes:
      description: Notes on the key, or null.
      type: str
      returned: with O(id) or O(description)
"""

from ..module_utils._base import EnclaveModule
from ..module_utils._enrolment_keys import SORT_ORDERS, find_keys_by_description, get_key, key_result
from ..module_utils._errors import EnclaveError
from ..module_utils._lookup import check_identity


class EnrolmentKeyInfo(EnclaveModule):
    argument_spec = {
        "id": {"type": "int"},
        "description": {"type": "str"},
        "search": {"type": "str"},
        "include_disabled": {"type": "bool", "default": False},
        "sort": {"type": "str", "choices": sorted(SORT_ORDERS)},
    }
    module_kwargs = {
        "mutually_exclusive": [
            ("id", "description"),
            ("id", "search"),
            ("id", "sort"),
            ("description", "search"),
            ("description", "sort"),
        ],
    }

    def run(self):
        check_identity(self.params, "id", None, "enrolment key", "list the keys")
        check_identity(self.params, "description", None, "enrolment key", "list the keys")
        if self.params["id"] is not None:
            return {"changed": False, "enrolment_keys": [key_result(self._read(self.params["id"]))]}
        if self.params["description"] is not None:
            matches = find_keys_by_description(self.client, self.params["description"])
            # List items lack ipConstraints and notes; the detail of each match has them.
            return {"changed": False, "enrolment_keys": [key_result(self._read(item["id"])) for item in matches]}

        path = self.client.org_path("enrolment-keys")
        keys = [key_result(item) for item in self.client.paginate(path, self._list_query())]
        return {"changed": False, "enrolment_keys": keys}

    def _read(self, key_id):
        detail = get_key(self.client, key_id)
        if detail is None:
            raise EnclaveError(
                "Enrolment key id {0} was not found in organisation {1}. List the keys with this module "
                "and include_disabled to find the id.".format(key_id, self.client.organisation_id)
            )
        return detail

    def _list_query(self):
        query = {}
        if self.params["search"]:
            query["search"] = self.params["search"]
        if self.params["include_disabled"]:
            query["include_disabled"] = "true"
        if self.params["sort"]:
            query["sort"] = SORT_ORDERS[self.params["sort"]]
        return query


def main():
    EnrolmentKeyInfo().execute()


if __name__ == "__main__":
    main()
