#!/usr/bin/python
# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dns_zone_info
short_description: List Enclave DNS zones or read one zone's details
version_added: 0.1.0
description:
  - Lists the DNS zones of an Enclave organisation across all pages, with their record counts.
  - With O(id) or O(name), returns the full details of that one zone, its notes and automatic DNS
    tags included. Use O(name=enclave) to find the default zone, whose id differs between organisations.
author:
  - Enclave collection maintainers (@enclave-networks)
options:
  id:
    description:
      - ID of one zone to read.
      - When no zone has it, RV(dns_zones) is empty and the task does not fail.
      - A null value fails the task before any request; leave the option out to list the zones.
    type: int
  name:
    description:
      - Name of one zone to read, such as V(enclave). Compared in lower case, without a trailing dot.
      - When no zone has it, RV(dns_zones) is empty and the task does not fail.
      - A null value fails the task before any request; leave the option out to list the zones.
    type: str
seealso:
  - module: enclave.networks.dns_zone
  - module: enclave.networks.dns_record_info
extends_documentation_fragment:
  - enclave.networks.api
  - enclave.networks.attributes
  - enclave.networks.attributes.info_module
"""

EXAMPLES = r"""
- name: List every zone
  enclave.networks.dns_zone_info:
  register: enclave_zones

- name: Find the default zone's id
  enclave.networks.dns_zone_info:
    name: enclave
  register: default_zone

- name: Print it
  ansible.builtin.debug:
    msg: "The enclave zone has id {{ default_zone.dns_zones[0].id }}"
"""

RETURN = r"""
dns_zones:
  description:
    - The zones found, in the order the API returned them.
    - With O(id) or O(name), a list holding that one zone with its full details, or an empty list.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: ID of the zone.
      type: int
      sample: 1
    name:
      description: Name of the zone.
      type: str
      sample: enclave
    created:
      description: When the zone was created, in UTC ISO 8601.
      type: str
      sample: "2021-03-30T17:20:45.1230000Z"
    record_count:
      description: Number of records in the zone.
      type: int
      sample: 2
    record_type_counts:
      description: Number of records per record type, keyed by the API's type name such as V(ENCLAVE).
      type: dict
      sample: {"ENCLAVE": 2}
    auto_dns_tags:
      description: Tags whose systems get a name in the zone, each with V(tag), V(ref) and V(colour).
      type: list
      elements: dict
      returned: with O(id) or O(name)
      sample: []
    notes:
      description: Notes on the zone, or null.
      type: str
      returned: with O(id) or O(name)
      sample: null
"""

from ..module_utils._base import EnclaveModule
from ..module_utils._dns import find_zone, normalise_zone_name, zone_result
from ..module_utils._lookup import check_identity, get_or_none


class DnsZoneInfo(EnclaveModule):
    argument_spec = {
        "id": {"type": "int"},
        "name": {"type": "str"},
    }
    module_kwargs = {"mutually_exclusive": [("id", "name")]}

    def run(self):
        check_identity(self.params, "id", None, "DNS zone", "list the zones")
        check_identity(self.params, "name", None, "DNS zone", "list the zones")
        zone_id = self.params["id"]
        if self.params["name"] is not None:
            match = find_zone(self.client, normalise_zone_name("name", self.params["name"]))
            zone_id = match["id"] if match else None
            if zone_id is None:
                return {"changed": False, "dns_zones": []}
        if zone_id is not None:
            detail = get_or_none(self.client, self.client.org_path("dns", "zones", zone_id))
            return {"changed": False, "dns_zones": [zone_result(detail)] if detail else []}

        zones = [zone_result(item) for item in self.client.paginate(self.client.org_path("dns", "zones"))]
        return {"changed": False, "dns_zones": zones}


def main():
    DnsZoneInfo().execute()


if __name__ == "__main__":
    main()
