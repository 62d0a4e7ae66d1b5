#!/usr/bin/python
# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: system_info
short_description: List Enclave systems or read one system's details
version_added: 0.1.0
description:
  - Lists the systems enrolled in an Enclave organisation, across all pages, with the API's filters.
  - With O(system_id), returns the full details of that one system instead.
  - Systems waiting for approval are not enrolled yet. They are listed only with O(unapproved=true).
author:
  - Enclave collection maintainers (@enclave-networks)
options:
  system_id:
    description:
      - ID of one system to read, such as V(488Q). The API compares ids without regard to case.
      - The task fails with the API's problem details when no system has this id.
      - Cannot be combined with the list filters.
    type: str
  unapproved:
    description:
      - Whether to list the systems waiting for approval (enrolled with a key that needs manual approval)
        in place of the enrolled systems. With O(system_id), reads that waiting system.
      - O(search), O(enrolment_key) and O(sort) apply to them too; O(include_disabled) and O(dns) do not,
        and nor do the sort orders V(recently_connected) and V(description_or_hostname).
    type: bool
    default: false
  search:
    description:
      - Search text, applied as the Enclave portal applies it. Plain words match the description,
        system ID or hostname; V(key:value) terms filter further, for example V(tags:web,prod)
        (every tag must match), V(state:connected) or V(os:linux).
    type: str
  include_disabled:
    description:
      - Whether to include disabled systems, which the API leaves out by default.
    type: bool
    default: false
  enrolment_key:
    description:
      - ID of an enrolment key; only systems enrolled with that key are listed.
    type: int
  dns:
    description:
      - A DNS name; only systems that answer to that name are listed.
    type: str
  sort:
    description:
      - Order of the returned list.
      - V(description_or_hostname) needs an API from 2026 or later.
    type: str
    choices: [recently_enrolled, recently_connected, description, description_or_hostname, enrolment_key_used]
seealso:
  - module: enclave.networks.system_state
    description: Enable, disable, approve, decline, revoke and edit systems.
extends_documentation_fragment:
  - enclave.networks.api
  - enclave.networks.attributes
  - enclave.networks.attributes.info_module
"""

EXAMPLES = r"""
- name: List every enabled system
  enclave.networks.system_info:
  register: enclave

- name: Print the systems' descriptions and addresses
  ansible.builtin.debug:
    msg: "{{ item.description }} {{ item.virtual_address }} {{ item.state }}"
  loop: "{{ enclave.systems }}"

- name: List Linux systems tagged web and prod, disabled ones included
  enclave.networks.system_info:
    search: "tags:web,prod os:linux"
    include_disabled: true
    sort: description
  register: web_servers

- name: List the systems waiting for approval
  enclave.networks.system_info:
    unapproved: true
  register: waiting

- name: Read one system's details, including its notes and DNS names
  enclave.networks.system_info:
    system_id: 488Q
    organisation_id: 33a606d6b09c4557a01c62cd4c0b405b
  register: one_system
"""

RETURN = r"""
systems:
  description:
    - The systems found, in the order the API returned them.
    - With O(system_id), a list holding that one system with its full details
      (RV(systems[].dns), RV(systems[].known_subnets) and RV(systems[].notes) included).
    - With O(unapproved=true), the systems waiting for approval. They have no virtual address, state,
      expiry or routes yet, and carry RV(systems[].enrolled_from).
  returned: success
  type: list
  elements: dict
  contains:
    system_id:
      description: ID of the system.
      type: str
      sample: 488Q
    description:
      description: Description of the system, or null.
      type: str
      sample: web-01 in London
    hostname:
      description: Host name the system reported.
      type: str
      sample: web-01
    system_type:
      description: V(GeneralPurpose) or V(Ephemeral).
      type: str
      sample: GeneralPurpose
    state:
      description: V(Connected), V(Disconnected) or V(Disabled).
      type: str
      returned: for enrolled systems
      sample: Connected
    is_enabled:
      description: Whether the system may connect.
      type: bool
      returned: for enrolled systems
      sample: true
    virtual_address:
      description: Address of the system on the Enclave network.
      type: str
      returned: for enrolled systems
      sample: 100.64.0.2
    virtual_network:
      description: The Enclave network the virtual address belongs to, in CIDR form.
      type: str
      returned: when the API sends it
      sample: 100.64.0.0/10
    connected_from:
      description: Public IP address the system last connected from, or null.
      type: str
      sample: 203.0.113.10
    platform_type:
      description: Operating system family, such as V(Linux), V(Windows) or V(Darwin).
      type: str
      sample: Linux
    os_version:
      description: Operating system version the system reported.
      type: str
      sample: Ubuntu 24.04.1 LTS
    enclave_version:
      description: Version of the Enclave agent.
      type: str
      sample: 2026.6.3.2419
    connected_at:
      description: When the current connection started, in UTC ISO 8601, or null.
      type: str
      returned: for enrolled systems
      sample: "2026-12-01T08:30:00.0000000+00:00"
    last_seen:
      description: When the system was last seen, in UTC ISO 8601, or null.
      type: str
      returned: for enrolled systems
      sample: "2026-12-04T09:12:44.0000000+00:00"
    enrolled_at:
      description: When the system enrolled, in UTC ISO 8601.
      type: str
      sample: "2026-03-31T11:31:44.0000000+00:00"
    enrolled_from:
      description: Public IP address a system waiting for approval enrolled from.
      type: str
      returned: with O(unapproved=true)
      sample: 198.51.100.23
    enrolment_key_id:
      description: ID of the enrolment key the system enrolled with.
      type: int
      sample: 1
    enrolment_key_description:
      description: Description of that enrolment key.
      type: str
      sample: Servers
    enrolment_key_is_deleted:
      description: Whether that enrolment key has since been deleted.
      type: bool
      returned: with O(system_id)
      sample: false
    tags:
      description: Tags on the system.
      type: list
      elements: dict
      contains:
        tag:
          description: Tag name.
          type: str
          sample: web
        ref:
          description: Stable reference of the tag, which survives renames.
          type: str
          sample: ref:8f14e45fceea167a5a36dedd4bea2543
        colour:
          description: Colour of the tag in the portal, as a hex string, or null.
          type: str
          sample: "#3b82f6"
    gateway_routes:
      description: Subnets the system routes to as a gateway.
      type: list
      returned: for enrolled systems
      elements: dict
      sample: []
    disconnected_retention_minutes:
      description: For ephemeral systems, minutes a disconnected system is kept before removal; null otherwise.
      type: int
      returned: for enrolled systems
      sample: 15
    auto_expire:
      description: The scheduled expiry of the system, or null.
      type: dict
      returned: for enrolled systems
      sample: null
    dns:
      description:
        - DNS names the system answers to. The first is always V(<system id>.id.enclave), in lower case.
          The others come from DNS records that name the system or share a tag with it.
        - Only enrolled systems have it.
      type: list
      elements: dict
      returned: with O(system_id)
      contains:
        fqdn:
          description: Fully qualified name, such as V(intranet.enclave).
          type: str
          sample: intranet.enclave
        from_zone_id:
          description: ID of the DNS zone the name comes from, or null for V(<system id>.id.enclave).
          type: int
          sample: 1
        from_zone_name:
          description: Name of the DNS zone the name comes from, or null.
          type: str
          sample: enclave
        from_record_id:
          description: ID of the DNS record the name comes from, or null.
          type: int
          sample: 1
        from_record_name:
          description: Name of the DNS record the name comes from, or null.
          type: str
          sample: intranet
        from_direct_assignment:
          description: Whether the DNS record names this system directly, rather than through a tag.
          type: bool
          sample: false
        tags:
          description: The system's tags that gave it the name, each with the fields of RV(systems[].tags).
          type: list
          elements: dict
    known_subnets:
      description: Subnets the system reported as reachable through it.
      type: list
      elements: str
      returned: with O(system_id)
    notes:
      description: Notes on the system, or null.
      type: str
      returned: with O(system_id)
"""

from ..module_utils._base import EnclaveModule
from ..module_utils._errors import EnclaveError
from ..module_utils._systems import SORT_ORDERS, UNAPPROVED_SORT_ORDERS, normalise_system_id, system_result


class SystemInfo(EnclaveModule):
    argument_spec = {
        "system_id": {"type": "str"},
        "unapproved": {"type": "bool", "default": False},
        "search": {"type": "str"},
        "include_disabled": {"type": "bool", "default": False},
        "enrolment_key": {"type": "int", "no_log": False},
        "dns": {"type": "str"},
        "sort": {"type": "str", "choices": sorted(SORT_ORDERS)},
    }
    module_kwargs = {
        "mutually_exclusive": [
            ("system_id", "search"),
            ("system_id", "enrolment_key"),
            ("system_id", "dns"),
            ("system_id", "sort"),
        ],
    }

    def run(self):
        collection = "systems"
        if self.params["unapproved"]:
            self._check_unapproved_filters()
            collection = "unapproved-systems"

        if self.params["system_id"] is not None:
            system_id = normalise_system_id(self.params["system_id"])
            detail = self.client.get(self.client.org_path(collection, system_id))
            return {"changed": False, "systems": [system_result(detail)]}

        systems = [
            system_result(item) for item in self.client.paginate(self.client.org_path(collection), self._list_query())
        ]
        return {"changed": False, "systems": systems}

    def _check_unapproved_filters(self):
        """Raise EnclaveError for a filter that the list of systems waiting for approval does not take."""
        if self.params["include_disabled"]:
            raise EnclaveError(
                "include_disabled cannot be combined with unapproved=true: systems waiting for approval "
                "are neither enabled nor disabled. Leave out include_disabled."
            )
        if self.params["dns"]:
            raise EnclaveError(
                "dns cannot be combined with unapproved=true: systems waiting for approval have no DNS names. "
                "Leave out dns."
            )
        sort = self.params["sort"]
        if sort and sort not in UNAPPROVED_SORT_ORDERS:
            raise EnclaveError(
                "sort '{0}' is invalid with unapproved=true: expected one of {1}.".format(
                    sort, ", ".join(sorted(UNAPPROVED_SORT_ORDERS))
                )
            )

    def _list_query(self):
        query = {}
        if self.params["search"]:
            query["search"] = self.params["search"]
        if self.params["include_disabled"]:
            query["include_disabled"] = "true"
        if self.params["enrolment_key"] is not None:
            query["enrolment_key"] = self.params["enrolment_key"]
        if self.params["dns"]:
            query["dns"] = self.params["dns"]
        if self.params["sort"]:
            query["sort"] = SORT_ORDERS[self.params["sort"]]
        return query


def main():
    SystemInfo().execute()


if __name__ == "__main__":
    main()
