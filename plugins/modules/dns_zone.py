#!/usr/bin/python
# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dns_zone
short_description: Create, rename, update or delete an Enclave DNS zone
version_added: 0.1.0
description:
  - Manages one DNS zone of an Enclave organisation. Systems on the Enclave network resolve the
    names of the zone's records.
  - Every organisation has the zone V(enclave). Custom zones need the Enclave Business plan.
  - Finds the zone by O(id), or by O(name) among the organisation's zones.
  - Changes only the options a task sets. Automatic DNS tags compare as a set.
author:
  - Enclave collection maintainers (@enclave-networks)
options:
  id:
    description:
      - ID of the zone to manage.
      - The task fails when no zone has this id, except with O(state=absent), which then changes nothing.
      - With O(id), O(name) is the name to give the zone, which renames it and every record name in it.
      - A null value, such as the id of a task in check mode that would create the zone, fails the task
        before any request. Leave the option out to find the zone by O(name).
    type: int
  name:
    description:
      - Name of the zone, such as V(internal.example). Without O(id), it identifies the zone, and the
        module creates the zone when no zone has it.
      - Compared in lower case, without a trailing dot.
    type: str
  notes:
    description:
      - Free text notes on the zone. V("") removes them.
    type: str
  auto_dns_tags:
    description:
      - Tags whose systems get a name in this zone automatically.
      - Compared as a set. V([]) removes every tag.
    type: list
    elements: str
  state:
    description:
      - V(present) creates the zone when it is missing and otherwise updates the options that differ.
      - V(absent) deletes the zone B(and every record in it). The API cannot undo this.
    type: str
    choices: [present, absent]
    default: present
notes:
  - In check mode, a zone that would be created is returned with a null RV(dns_zone.id) and RV(dns_zone.created).
seealso:
  - module: enclave.networks.dns_zone_info
  - module: enclave.networks.dns_record
extends_documentation_fragment:
  - enclave.networks.api
  - enclave.networks.attributes
  - enclave.networks.attributes.full_check_and_diff
"""

EXAMPLES = r"""
- name: Make sure a zone for internal services exists
  enclave.networks.dns_zone:
    name: internal.example
    notes: Services that only Enclave systems reach.
    auto_dns_tags: [web, db]
  register: internal_zone

- name: Rename the zone by id
  enclave.networks.dns_zone:
    id: "{{ internal_zone.dns_zone.id }}"
    name: corp.example

- name: Delete the zone and its records
  enclave.networks.dns_zone:
    name: corp.example
    state: absent
"""

RETURN = r"""
dns_zone:
  description:
    - The zone after the task, as the API returned it, in snake_case.
    - Null with O(state=absent) when the zone did not exist. After a delete, the zone as it was deleted.
    - In check mode, the zone as the task would leave it.
  returned: success
  type: dict
  contains:
    id:
      description: ID of the zone.
      type: int
      sample: 4
    name:
      description: Name of the zone.
      type: str
      sample: internal.example
    created:
      description: When the zone was created, in UTC ISO 8601.
      type: str
      sample: "2026-03-30T17:20:45.1230000Z"
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
      sample: [{"tag": "web", "ref": "ref:5f0c1a2b3c4d4e5f8a9b0c1d2e3f4a5b", "colour": "#3b82f6"}]
    notes:
      description: Notes on the zone, or null.
      type: str
      sample: null
"""

from ..module_utils._dns import find_zone, normalise_zone_name, tag_set, zone_result
from ..module_utils._errors import EnclaveError
from ..module_utils._lookup import check_identity, create_entity, get_or_none
from ..module_utils._resource import ResourceModule
from ..module_utils._tags import check_tag_names, tag_names, tag_references, unique_names


def diff_view(model):
    """Return the fields of a zone that diff mode shows, with tags as sorted names."""
    if not model:
        return {}
    return {
        "name": model.get("name"),
        "notes": model.get("notes"),
        "auto_dns_tags": sorted(tag_names(model.get("autoDnsTags"))),
    }


class DnsZone(ResourceModule):
    result_key = "dns_zone"
    convert_result = staticmethod(zone_result)
    diff_view = staticmethod(diff_view)
    collection_path = ("dns", "zones")

    argument_spec = {
        "id": {"type": "int"},
        "name": {"type": "str"},
        "notes": {"type": "str"},
        "auto_dns_tags": {"type": "list", "elements": "str"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    module_kwargs = {"required_one_of": [("id", "name")]}

    def run(self):
        check_identity(self.params, "id", "name", "DNS zone", "find or create the zone by its name")
        self.name = None
        if self.params["name"] is not None:
            self.name = normalise_zone_name("name", self.params["name"])
        check_tag_names("auto_dns_tags", self.params["auto_dns_tags"])

        current = self._fetch()
        if self.params["state"] == "absent":
            return self._absent(current)
        if current is None:
            return self._create()
        return self._update(current)

    def _path(self, zone_id):
        return self.client.org_path("dns", "zones", zone_id)

    def _fetch(self):
        zone_id = self.params["id"]
        if zone_id is not None:
            current = get_or_none(self.client, self._path(zone_id))
            if current is None and self.params["state"] != "absent":
                raise EnclaveError(
                    "DNS zone id {0} was not found in organisation {1}. Check the id, or leave id out to find or "
                    "create the zone by name.".format(zone_id, self.client.organisation_id)
                )
            return current
        match = find_zone(self.client, self.name)
        if match is None:
            return None
        # List items lack the notes and automatic DNS tags, which the comparison needs.
        return self.client.get(self._path(match["id"]))

    def _changes(self, current):
        changes = {}
        if self.name is not None and self.name != current.get("name"):
            changes["name"] = self.name
        notes = self.params["notes"]
        if notes is not None and (notes or None) != current.get("notes"):
            changes["notes"] = notes or None
        tags = self.params["auto_dns_tags"]
        if tags is not None and tag_set(tags) != tag_set(current.get("autoDnsTags")):
            changes["autoDnsTags"] = unique_names(tags)
        return changes

    def _create(self):
        body = {"name": self.name}
        if self.params["notes"]:
            body["notes"] = self.params["notes"]
        if self.params["auto_dns_tags"]:
            body["autoDnsTags"] = unique_names(self.params["auto_dns_tags"])
        if self.module.check_mode:
            predicted = {
                "id": None,
                "name": self.name,
                "created": None,
                "recordCount": 0,
                "recordTypeCounts": {},
                "autoDnsTags": tag_references([], body.get("autoDnsTags", [])),
                "notes": body.get("notes"),
            }
            return self._result(True, None, predicted)
        name = self.name
        model = create_entity(
            self.client,
            self.client.org_path("dns", "zones"),
            body,
            lambda item: str(item.get("name") or "").lower() == name,
        )
        return self._result(True, None, model)

    def _update(self, current):
        changes = self._changes(current)
        if not changes:
            return self._result(False, current, current)
        if self.module.check_mode:
            predicted = dict(current)
            predicted.update(changes)
            if "autoDnsTags" in changes:
                predicted["autoDnsTags"] = tag_references(current.get("autoDnsTags"), changes["autoDnsTags"])
            return self._result(True, current, predicted)
        return self._result(True, current, self.client.patch(self._path(current["id"]), changes))


def main():
    DnsZone().execute()


if __name__ == "__main__":
    main()
