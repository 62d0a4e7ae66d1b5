#!/usr/bin/python
# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: tag
short_description: Create, rename, update or delete an Enclave tag
version_added: 0.1.0
description:
  - Manages the name, colour and notes of one tag of an Enclave organisation, and the trust
    requirements that systems with the tag must meet.
  - A tag that is named on a system, enrolment key, policy or DNS record exists without being created,
    and disappears when nothing uses it. A tag this module creates stays until it is deleted.
  - Finds the tag by O(ref), which survives renames, or by its current O(name).
  - Changes only the options a task sets. Trust requirements compare as a set.
author:
  - Enclave collection maintainers (@enclave-networks)
options:
  name:
    description:
      - Name of the tag. Without O(ref), it identifies the tag, and the module creates the tag when no
        tag has it.
      - With O(ref), the name to give the tag found by its ref, which renames it when it differs.
      - Tag names are 1 to 64 lower-case letters and digits, with V(-) or V(.) between them, such as
        V(web-servers) or V(eu.prod). The task fails before any request for another name.
    type: str
  ref:
    description:
      - Reference of the tag to manage, such as V(ref:5f0c1a2b3c4d4e5f8a9b0c1d2e3f4a5b), as
        RV(tag.ref) returns it.
      - The task fails when no tag has this ref, except with O(state=absent), which then changes nothing.
      - A null value, such as the ref of a task in check mode that would create the tag, fails the task
        before any request. Leave the option out to find the tag by O(name).
    type: str
  new_name:
    description:
      - New name for the tag found by O(name). Every system, key, policy and record that names the tag
        follows the rename.
      - When no tag has O(name) but one has O(new_name), the rename is taken as done and that tag is
        managed, so running the task again changes nothing.
      - When neither exists, the module creates the tag with this name.
    type: str
  colour:
    description:
      - Colour of the tag in the Enclave portal, as V(#) and six hexadecimal digits such as V(#3b82f6).
        Compared without regard to case.
      - V("") removes the colour.
    type: str
  notes:
    description:
      - Free text notes on the tag. V("") removes them.
    type: str
  trust_requirements:
    description:
      - IDs of the trust requirements that systems with this tag must meet, as
        RV(enclave.networks.trust_requirement#module:trust_requirement.id) returns them.
      - Compared as a set. V([]) removes every requirement.
    type: list
    elements: int
  state:
    description:
      - V(present) creates the tag when it is missing and otherwise updates the options that differ.
      - V(absent) deletes the tag, which removes it from every system, key, policy and record that names it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - In check mode, a tag that would be created is returned with a null RV(tag.ref) and timestamps.
seealso:
  - module: enclave.networks.tag_info
  - module: enclave.networks.trust_requirement
extends_documentation_fragment:
  - enclave.networks.api
  - enclave.networks.attributes
  - enclave.networks.attributes.full_check_and_diff
"""

EXAMPLES = r"""
- name: Make sure the web tag has a colour and notes
  enclave.networks.tag:
    name: web
    colour: "#3b82f6"
    notes: Public web servers, managed by the web team.

- name: Require multi-factor sign-in for systems tagged remote-staff
  enclave.networks.tag:
    name: remote-staff
    trust_requirements: [1]

- name: Rename the web tag to web-servers, everywhere it is used
  enclave.networks.tag:
    name: web
    new_name: web-servers

- name: Rename a tag by its ref, which does not change with the name
  enclave.networks.tag:
    ref: ref:5f0c1a2b3c4d4e5f8a9b0c1d2e3f4a5b
    name: frontend

- name: Delete a tag and remove it from every system that has it
  enclave.networks.tag:
    name: old-project
    state: absent
"""

RETURN = r"""
tag:
  description:
    - The tag after the task, as the API returned it, in snake_case.
    - Null with O(state=absent) when the tag did not exist. After a delete, the tag as it was deleted.
    - In check mode, the tag as the task would leave it.
  returned: success
  type: dict
  contains:
    tag:
      description: Name of the tag.
      type: str
      sample: web
    ref:
      description: Stable reference of the tag, which survives renames.
      type: str
      sample: ref:5f0c1a2b3c4d4e5f8a9b0c1d2e3f4a5b
    colour:
      description: Colour of the tag as a hex string, or null.
      type: str
      sample: "#3b82f6"
    notes:
      description: Notes on the tag, or null.
      type: str
      sample: Public web servers.
    created:
      description: When the tag was created, in UTC ISO 8601.
      type: str
      sample: "2026-02-10T09:00:00.0000000Z"
    last_modified:
      description: When the tag was last changed, in UTC ISO 8601, or null.
      type: str
      sample: "2026-02-10T09:00:00.0000000Z"
    last_referenced:
      description: When the tag was last used, in UTC ISO 8601, or null.
      type: str
      sample: null
    systems:
      description: Number of enrolled systems with the tag.
      type: int
      sample: 3
    keys:
      description: Number of enrolment keys that give the tag.
      type: int
      sample: 1
    policies:
      description: Number of policies that name the tag as a sender or receiver.
      type: int
      sample: 2
    dns_zones:
      description: Number of DNS zones that name the tag for automatic DNS.
      type: int
      sample: 0
    dns_records:
      description: Number of DNS records that name the tag.
      type: int
      sample: 1
    trust_requirements:
      description: The trust requirements that systems with the tag must meet.
      type: list
      elements: dict
      contains:
        id:
          description: ID of the trust requirement.
          type: int
          sample: 1
        description:
          description: Description of the trust requirement.
          type: str
          sample: Portal sign-in with MFA
        type:
          description: V(UserAuthentication) or V(PublicIp).
          type: str
          sample: UserAuthentication
"""

import re

from ..module_utils._case import snake_dict
from ..module_utils._errors import EnclaveError
from ..module_utils._lookup import check_identity, check_trust_requirements, create_entity, get_or_none
from ..module_utils._resource import ResourceModule
from ..module_utils._tags import check_tag_name

# The portal's colour form; the API's own rule is undocumented.
COLOUR_PATTERN = re.compile(r"^#[0-9A-Fa-f]{6}$")
REF_PATTERN = re.compile(r"^ref:[0-9A-Fa-f]{32}$")


def diff_view(model):
    """Return the fields of a tag that diff mode shows, with trust requirements as sorted ids."""
    if not model:
        return {}
    return {
        "tag": model.get("tag"),
        "colour": model.get("colour"),
        "notes": model.get("notes"),
        "trust_requirements": sorted(item.get("id") for item in model.get("trustRequirements") or []),
    }


class Tag(ResourceModule):
    result_key = "tag"
    convert_result = staticmethod(snake_dict)
    diff_view = staticmethod(diff_view)
    collection_path = ("tags",)
    id_field = "ref"

    argument_spec = {
        "name": {"type": "str"},
        "ref": {"type": "str"},
        "new_name": {"type": "str"},
        "colour": {"type": "str"},
        "notes": {"type": "str"},
        "trust_requirements": {"type": "list", "elements": "int"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    module_kwargs = {
        "required_one_of": [("name", "ref")],
        "mutually_exclusive": [("ref", "new_name")],
    }

    def run(self):
        self._check_options()
        current = self._fetch()
        if self.params["state"] == "absent":
            return self._absent(current)
        if current is None:
            return self._create()
        return self._update(current)

    def _check_options(self):
        check_identity(self.params, "ref", "name", "tag", "find or create the tag by its name")
        for option in ("name", "new_name"):
            if self.params[option] is not None:
                check_tag_name(option, self.params[option])
        ref = self.params["ref"]
        if ref is not None and not REF_PATTERN.match(ref):
            raise EnclaveError(
                "ref '{0}' is invalid: expected 'ref:' and 32 hexadecimal digits, as tag.ref returns it.".format(ref)
            )
        colour = self.params["colour"]
        if colour and not COLOUR_PATTERN.match(colour):
            raise EnclaveError(
                "colour '{0}' is invalid: expected '#' and six hexadecimal digits, such as #3b82f6, "
                "or '' to remove the colour.".format(colour)
            )

    def _path(self, name_or_ref):
        return self.client.org_path("tags", name_or_ref)

    def _fetch(self):
        ref = self.params["ref"]
        if ref is not None:
            current = get_or_none(self.client, self._path(ref))
            if current is None and self.params["state"] != "absent":
                raise EnclaveError(
                    "No tag has the ref '{0}' in organisation {1}. Check the ref, or leave it out to find or "
                    "create the tag by name.".format(ref, self.client.organisation_id)
                )
            return current
        current = get_or_none(self.client, self._path(self.params["name"]))
        if current is None and self.params["new_name"] is not None:
            # A rename that an earlier run made: the tag now has the new name.
            current = get_or_none(self.client, self._path(self.params["new_name"]))
        return current

    def _desired_name(self):
        if self.params["ref"] is not None:
            return self.params["name"]
        return self.params["new_name"] or self.params["name"]

    def _changes(self, current):
        """Return the PATCH body of the requested fields that differ from the tag."""
        changes = {}
        name = self._desired_name()
        if name is not None and name != current.get("tag"):
            changes["tag"] = name
        colour = self.params["colour"]
        if colour is not None and colour.lower() != (current.get("colour") or "").lower():
            changes["colour"] = colour or None
        notes = self.params["notes"]
        if notes is not None and (notes or None) != current.get("notes"):
            changes["notes"] = notes or None
        desired_ids = self.params["trust_requirements"]
        if desired_ids is not None:
            current_ids = {item.get("id") for item in current.get("trustRequirements") or []}
            if set(desired_ids) != current_ids:
                changes["trustRequirements"] = sorted(set(desired_ids))
        return changes

    def _create(self):
        name = self._desired_name()
        body = {"tag": name}
        if self.params["colour"]:
            body["colour"] = self.params["colour"]
        if self.params["notes"]:
            body["notes"] = self.params["notes"]
        if self.params["trust_requirements"]:
            body["trustRequirements"] = sorted(set(self.params["trust_requirements"]))
        check_trust_requirements(self.client, "trust_requirements", body.get("trustRequirements"))
        if self.module.check_mode:
            return self._result(True, None, _predict(_new_tag(name), body))
        model = create_entity(
            self.client, self.client.org_path("tags"), body, lambda item: item.get("tag") == name, id_field="ref"
        )
        return self._result(True, None, model)

    def _update(self, current):
        changes = self._changes(current)
        if not changes:
            return self._result(False, current, current)
        check_trust_requirements(self.client, "trust_requirements", changes.get("trustRequirements"))
        if self.module.check_mode:
            return self._result(True, current, _predict(current, changes))
        # The ref stays with the tag through a rename, so the PATCH addresses it by ref.
        model = self.client.patch(self._path(current["ref"]), changes)
        return self._result(True, current, model)


def _new_tag(name):
    # Only the API assigns the ref and the timestamps.
    return {
        "tag": name,
        "ref": None,
        "colour": None,
        "created": None,
        "lastModified": None,
        "lastReferenced": None,
        "systems": 0,
        "keys": 0,
        "policies": 0,
        "dnsZones": 0,
        "dnsRecords": 0,
        "notes": None,
        "trustRequirements": [],
    }


def _predict(current, changes):
    """Return the tag the API should return after changes; new trust requirements carry only their id."""
    model = dict(current)
    for field, value in changes.items():
        if field == "trustRequirements":
            known = {item.get("id"): item for item in current.get("trustRequirements") or []}
            value = [known.get(requirement_id) or {"id": requirement_id} for requirement_id in value]
        model[field] = value
    return model


def main():
    Tag().execute()


if __name__ == "__main__":
    main()
