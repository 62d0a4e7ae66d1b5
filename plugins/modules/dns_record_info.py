#!/usr/bin/python
# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dns_record_info
short_description: List Enclave DNS records or read one record's details
version_added: 0.1.0
description:
  - Lists the DNS records of an Enclave organisation across all pages, of every zone or of one zone.
  - With O(id), returns the full details of that one record, its notes included.
author:
  - Enclave collection maintainers (@enclave-networks)
options:
  id:
    description:
      - ID of one record to read.
      - When no record has it, RV(dns_records) is empty and the task does not fail.
      - A null value fails the task before any request; leave the option out to list the records.
      - Cannot be combined with the list filters.
    type: int
  zone:
    description:
      - Name of a zone, such as V(enclave); only its records are listed.
      - The task fails when no zone has this name.
    type: str
  zone_id:
    description:
      - ID of a zone, in place of O(zone).
    type: int
  search:
    description:
      - Text that the record's name or full name must contain.
    type: str
seealso:
  - module: enclave.networks.dns_record
  - module: enclave.networks.dns_zone_info
extends_documentation_fragment:
  - enclave.networks.api
  - enclave.networks.attributes
  - enclave.networks.attributes.info_module
"""

EXAMPLES = r"""
- name: List the records of the enclave zone
  enclave.networks.dns_record_info:
    zone: enclave
  register: enclave_records

- name: Print each name and the systems it resolves to
  ansible.builtin.debug:
    msg: "{{ item.fqdn }}: {{ item.systems | map(attribute='id') | join(', ') }}"
  loop: "{{ enclave_records.dns_records }}"

- name: Find records whose name contains intranet, in any zone
  enclave.networks.dns_record_info:
    search: intranet
  register: intranet_records
"""

RETURN = r"""
dns_records:
  description:
    - The records found, in the order the API returned them.
    - With O(id), a list holding that one record with its full details, or an empty list.
    - Each record has the fields that RV(enclave.networks.dns_record#module:dns_record) describes.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: ID of the record.
      type: int
      sample: 1
    name:
      description: Name of the record within its zone.
      type: str
      sample: intranet
    type:
      description: Record type; V(ENCLAVE) is the only one.
      type: str
      sample: ENCLAVE
    zone_id:
      description: ID of the record's zone.
      type: int
      sample: 1
    zone_name:
      description: Name of the record's zone.
      type: str
      sample: enclave
    fqdn:
      description: The full name the record answers to.
      type: str
      sample: intranet.enclave
    tags:
      description: Tags whose systems the name resolves to, each with V(tag), V(ref) and V(colour).
      type: list
      elements: dict
      sample: []
    systems:
      description: Systems the name resolves to, each with V(id), V(name), V(machine_name) and V(state).
      type: list
      elements: dict
      sample: [{"id": "DB7RX", "name": "Primary database", "machine_name": "db-01", "state": "Connected"}]
    auto_generated:
      description: Whether the API made the record itself.
      type: bool
      sample: false
    notes:
      description: Notes on the record, or null.
      type: str
      returned: with O(id)
      sample: null
"""

from ..module_utils._base import EnclaveModule
from ..module_utils._dns import normalise_zone_name, record_result, require_zone
from ..module_utils._lookup import check_identity, get_or_none


class DnsRecordInfo(EnclaveModule):
    argument_spec = {
        "id": {"type": "int"},
        "zone": {"type": "str"},
        "zone_id": {"type": "int"},
        "search": {"type": "str"},
    }
    module_kwargs = {
        "mutually_exclusive": [("id", "zone"), ("id", "zone_id"), ("id", "search"), ("zone", "zone_id")],
    }

    def run(self):
        check_identity(self.params, "id", None, "DNS record", "list the records")
        if self.params["id"] is not None:
            detail = get_or_none(self.client, self.client.org_path("dns", "records", self.params["id"]))
            return {"changed": False, "dns_records": [record_result(detail)] if detail else []}

        query = {}
        if self.params["zone"] is not None or self.params["zone_id"] is not None:
            zone_name = normalise_zone_name("zone", self.params["zone"]) if self.params["zone"] else None
            query["zoneId"] = require_zone(self.client, self.params["zone_id"], zone_name)["id"]
        if self.params["search"]:
            query["search"] = self.params["search"]
        records = [record_result(item) for item in self.client.paginate(self.client.org_path("dns", "records"), query)]
        return {"changed": False, "dns_records": records}


def main():
    DnsRecordInfo().execute()


if __name__ == "__main__":
    main()
