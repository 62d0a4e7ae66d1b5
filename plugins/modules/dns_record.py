#!/usr/bin/python
# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: dns_record
short_description: Create, update or delete an Enclave DNS record
version_added: 0.1.0
description:
  - Manages one DNS record of an Enclave organisation. The record's name resolves, for systems on the
    Enclave network, to the systems it names and to every system with one of its tags.
  - Finds the record by O(id), or by O(name) within its zone. When several records of the zone share
    the name, the task fails and lists their ids.
  - Finds the zone by name, V(enclave) by default, because the default zone's id differs between
    organisations.
  - Changes only the options a task sets. Tags and systems compare as sets.
author:
  - Enclave collection maintainers (@enclave-networks)
options:
  id:
    description:
      - ID of the record to manage.
      - The task fails when no record has this id, except with O(state=absent), which then changes nothing.
      - With O(id), O(name) is the name to give the record.
      - A null value, such as the id of a task in check mode that would create the record, fails the task
        before any request. Leave the option out to find the record by O(name).
    type: int
  name:
    description:
      - Name of the record within its zone, such as V(intranet), which answers as V(intranet.enclave)
        in the V(enclave) zone. V(@) names the zone itself.
      - Without O(id), it identifies the record, and the module creates the record when the zone has
        no record of this name. Compared in lower case.
    type: str
  zone:
    description:
      - Name of the zone the record belongs to.
      - When neither O(zone) nor O(zone_id) is set, the V(enclave) zone, or with O(id) the record's own zone.
      - The API cannot move a record to another zone, so with O(id) and a zone the task fails when the
        record is in a different zone.
    type: str
  zone_id:
    description:
      - ID of the zone the record belongs to, in place of O(zone).
    type: int
  tags:
    description:
      - Tags whose systems the name resolves to.
      - Compared as a set, so their order and repeats do not count as a change. V([]) removes every tag.
    type: list
    elements: str
  systems:
    description:
      - IDs of the enrolled systems the name resolves to, such as V(DB7RX). Compared as a set and
        without regard to case. V([]) removes every system.
      - The API fails the task when a system does not exist.
    type: list
    elements: str
  notes:
    description:
      - Free text notes on the record. V("") removes them.
    type: str
  state:
    description:
      - V(present) creates the record when it is missing and otherwise updates the options that differ.
      - V(absent) deletes the record.
    type: str
    choices: [present, absent]
    default: present
notes:
  - In check mode, a record that would be created is returned with a null RV(dns_record.id), and its
    systems carry only their ids.
  - In check mode, a zone that an earlier task of the same play would create does not exist yet, so a
    record task in that zone fails with C(No DNS zone is named ...). The module cannot tell a zone that
    check mode did not create from a zone that is missing. Skip such record tasks in check mode with a
    C(when) condition on C(ansible_check_mode), or create the zone in a real run first.
seealso:
  - module: enclave.networks.dns_record_info
  - module: enclave.networks.dns_zone
extends_documentation_fragment:
  - enclave.networks.api
  - enclave.networks.attributes
  - enclave.networks.attributes.full_check_and_diff
"""

EXAMPLES = r"""
- name: Point intranet.enclave at every web server
  enclave.networks.dns_record:
    name: intranet
    tags: [web]
    notes: The staff intranet.

- name: Give the primary database a name in a custom zone
  enclave.networks.dns_record:
    zone: internal.example
    name: postgres
    systems: [DB7RX]

- name: Delete a record
  enclave.networks.dns_record:
    name: old-app
    state: absent
"""

RETURN = r"""
dns_record:
  description:
    - The record after the task, as the API returned it, in snake_case.
    - Null with O(state=absent) when the record did not exist. After a delete, the record as it was deleted.
    - In check mode, the record as the task would leave it.
  returned: success
  type: dict
  contains:
    id:
      description: ID of the record.
      type: int
      sample: 3
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
      sample: [{"tag": "web", "ref": "ref:5f0c1a2b3c4d4e5f8a9b0c1d2e3f4a5b", "colour": "#3b82f6"}]
    systems:
      description: Systems the name resolves to.
      type: list
      elements: dict
      contains:
        id:
          description: ID of the system.
          type: str
          sample: DB7RX
        name:
          description: Description of the system.
          type: str
          sample: Primary database
        machine_name:
          description: Host name of the system.
          type: str
          sample: db-01
        platform_type:
          description: Operating system family.
          type: str
          sample: Linux
        state:
          description: V(Connected), V(Disconnected) or V(Disabled).
          type: str
          sample: Connected
        connected_from:
          description: Public IP address the system last connected from, or null.
          type: str
          sample: 198.51.100.30
    auto_generated:
      description: Whether the API made the record itself.
      type: bool
      sample: false
    notes:
      description: Notes on the record, or null.
      type: str
      sample: null
"""

from ..module_utils._dns import (
    DEFAULT_ZONE,
    find_records,
    normalise_record_name,
    normalise_zone_name,
    record_fqdn,
    record_result,
    require_zone,
    system_ids,
    tag_set,
)
from ..module_utils._errors import EnclaveError
from ..module_utils._lookup import check_identity, check_systems, create_entity, get_or_none, unique_match
from ..module_utils._resource import ResourceModule
from ..module_utils._tags import check_tag_names, tag_names, tag_references, unique_names


def diff_view(model):
    """Return the fields of a record that diff mode shows, with tags and systems as sorted names and ids."""
    if not model:
        return {}
    return {
        "name": model.get("name"),
        "fqdn": model.get("fqdn"),
        "tags": sorted(tag_names(model.get("tags"))),
        "systems": sorted(system_ids(model.get("systems"))),
        "notes": model.get("notes"),
    }


class DnsRecord(ResourceModule):
    result_key = "dns_record"
    convert_result = staticmethod(record_result)
    diff_view = staticmethod(diff_view)
    collection_path = ("dns", "records")

    argument_spec = {
        "id": {"type": "int"},
        "name": {"type": "str"},
        "zone": {"type": "str"},
        "zone_id": {"type": "int"},
        "tags": {"type": "list", "elements": "str"},
        "systems": {"type": "list", "elements": "str"},
        "notes": {"type": "str"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    module_kwargs = {
        "required_one_of": [("id", "name")],
        "mutually_exclusive": [("zone", "zone_id")],
    }

    def run(self):
        check_identity(self.params, "id", "name", "DNS record", "find or create the record by its name and zone")
        self.name = None
        if self.params["name"] is not None:
            self.name = normalise_record_name("name", self.params["name"])
        self.zone_name = normalise_zone_name("zone", self.params["zone"] or DEFAULT_ZONE)
        check_tag_names("tags", self.params["tags"])
        self.systems = None
        if self.params["systems"] is not None:
            self.systems = unique_names(system_id.strip().upper() for system_id in self.params["systems"])

        # A record found by id lies in its own zone, so the zone is looked up only when the task names one.
        self.zone = None
        if self.params["id"] is None or self.params["zone"] is not None or self.params["zone_id"] is not None:
            self.zone = require_zone(self.client, self.params["zone_id"], self.zone_name)
        current = self._fetch()
        if self.params["state"] == "absent":
            return self._absent(current)
        if current is None:
            return self._create()
        return self._update(current)

    def _path(self, record_id):
        return self.client.org_path("dns", "records", record_id)

    def _fetch(self):
        record_id = self.params["id"]
        if record_id is None:
            matches = find_records(self.client, self.zone["id"], self.name)
            where = "name in zone '{0}'".format(self.zone["name"])
            match = unique_match(matches, "DNS records", where, self.name)
            # List items lack the notes, which the comparison needs.
            return self.client.get(self._path(match["id"])) if match else None

        current = get_or_none(self.client, self._path(record_id))
        if current is None:
            if self.params["state"] != "absent":
                raise EnclaveError(
                    "DNS record id {0} was not found in organisation {1}. Check the id, or leave id out to find "
                    "or create the record by name.".format(record_id, self.client.organisation_id)
                )
            return None
        if self.zone is None:
            self.zone = {"id": current.get("zoneId"), "name": current.get("zoneName")}
        elif current.get("zoneId") != self.zone["id"]:
            raise EnclaveError(
                "DNS record id {0} is in zone '{1}', not '{2}', and the API cannot move a record to another "
                "zone. Set zone to '{1}', or create a new record in '{2}'.".format(
                    record_id, current.get("zoneName"), self.zone["name"]
                )
            )
        return current

    def _changes(self, current):
        changes = {}
        if self.name is not None and self.name != current.get("name"):
            changes["name"] = self.name
        tags = self.params["tags"]
        if tags is not None and tag_set(tags) != tag_set(current.get("tags")):
            changes["tags"] = unique_names(tags)
        if self.systems is not None and set(self.systems) != set(system_ids(current.get("systems"))):
            changes["systems"] = self.systems
        notes = self.params["notes"]
        if notes is not None and (notes or None) != current.get("notes"):
            changes["notes"] = notes or None
        return changes

    def _predict(self, current, changes):
        model = dict(current)
        model.update(changes)
        if "tags" in changes:
            model["tags"] = tag_references(current.get("tags"), changes["tags"])
        if "systems" in changes:
            known = {item.get("id"): item for item in current.get("systems") or [] if isinstance(item, dict)}
            model["systems"] = [dict(known.get(system_id) or {"id": system_id}) for system_id in changes["systems"]]
        model["fqdn"] = record_fqdn(model["name"], self.zone["name"])
        return model

    def _create(self):
        body = {"name": self.name, "zoneId": self.zone["id"], "type": "ENCLAVE"}
        body["tags"] = unique_names(self.params["tags"] or [])
        body["systems"] = self.systems or []
        if self.params["notes"]:
            body["notes"] = self.params["notes"]
        check_systems(self.client, "systems", body["systems"])
        if self.module.check_mode:
            empty = {
                "id": None,
                "name": self.name,
                "type": "ENCLAVE",
                "zoneId": self.zone["id"],
                "zoneName": self.zone["name"],
                "fqdn": None,
                "tags": [],
                "systems": [],
                "autoGenerated": False,
                "notes": None,
            }
            changes = {field: body[field] for field in ("tags", "systems") if body[field]}
            changes["notes"] = body.get("notes")
            return self._result(True, None, self._predict(empty, changes))
        zone_id = self.zone["id"]
        name = self.name
        model = create_entity(
            self.client,
            self.client.org_path("dns", "records"),
            body,
            lambda item: item.get("zoneId") == zone_id and str(item.get("name") or "").lower() == name,
            list_query={"zoneId": zone_id},
        )
        return self._result(True, None, model)

    def _update(self, current):
        changes = self._changes(current)
        if not changes:
            return self._result(False, current, current)
        # Only systems that the record does not have yet are read; the others exist already.
        known = set(system_ids(current.get("systems")))
        check_systems(self.client, "systems", [item for item in changes.get("systems") or [] if item not in known])
        if self.module.check_mode:
            return self._result(True, current, self._predict(current, changes))
        return self._result(True, current, self.client.patch(self._path(current["id"]), changes))


def main():
    DnsRecord().execute()


if __name__ == "__main__":
    main()
