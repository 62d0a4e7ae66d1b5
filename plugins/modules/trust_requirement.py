#!/usr/bin/python
# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: trust_requirement
short_description: Create, update or delete an Enclave trust requirement
version_added: 0.1.0
description:
  - Manages one trust requirement of an Enclave organisation. Tags and policies refer to trust
    requirements by id, and a system passes traffic under them only while it meets them.
  - A user authentication requirement (O(user_authentication)) makes the system's user sign in with
    an identity provider. A public IP requirement (O(public_ip)) allows or blocks systems by the
    country or address they connect from.
  - Finds the requirement by O(id), or by O(description) among all the organisation's requirements.
    When several share the description, the task fails and lists their ids.
  - Changes only the options a task sets. Conditions compare as a multiset, so their order does not
    count as a change.
author:
  - Enclave collection maintainers (@enclave-networks)
options:
  id:
    description:
      - ID of the requirement to manage.
      - The task fails when no requirement has this id, except with O(state=absent), which then changes nothing.
      - With O(id), O(description) is the description to set.
      - A null value, such as the id of a task in check mode that would create the requirement, fails the task
        before any request. Leave the option out to find the requirement by O(description).
    type: int
  description:
    description:
      - Description of the requirement. Without O(id), it identifies the requirement, and the module
        creates the requirement when none has it.
      - Needed to create a requirement. Compared exactly, case included.
    type: str
  notes:
    description:
      - Free text notes on the requirement. V("") removes them.
    type: str
  user_authentication:
    description:
      - Settings of a user authentication requirement. Needed to create one.
      - The API cannot change the type of a requirement, so the task fails when the existing
        requirement is a public IP one.
    type: dict
    suboptions:
      authority:
        description:
          - Identity provider the user signs in with. V(portal) is the Enclave portal's own sign-in.
        type: str
        choices: [portal, azure, google, okta, jumpcloud, duo, oidc]
        required: true
      tenant_id:
        description:
          - For V(azure), the Entra ID tenant id. Required with V(azure).
        type: str
      authority_uri:
        description:
          - For V(okta), V(jumpcloud), V(duo) and V(oidc), which require it, the https URI of the
            identity provider.
        type: str
      client_id:
        description:
          - For V(okta), V(jumpcloud), V(duo) and V(oidc), which require it, the client id of the
            application registered with the identity provider.
        type: str
      audience:
        description:
          - Audience (V(aud) claim) the identity provider's tokens must carry, where it differs from
            O(user_authentication.client_id).
        type: str
      conditions:
        description:
          - Claims the user's token must carry, such as V(amr) = V(mfa) for multi-factor sign-in, or
            V(groups) = a group's object id.
          - When not set, the requirement keeps the conditions it has; a new requirement has none.
        type: list
        elements: dict
        suboptions:
          claim:
            description: Name of the claim.
            type: str
            required: true
          value:
            description: Value the claim must have.
            type: str
            required: true
  public_ip:
    description:
      - Settings of a public IP requirement. Needed to create one.
      - The API cannot change the type of a requirement, so the task fails when the existing
        requirement is a user authentication one.
    type: dict
    suboptions:
      conditions:
        description:
          - Countries and addresses that systems connect from, each allowed or blocked.
          - Replaces the whole list.
        type: list
        elements: dict
        required: true
        suboptions:
          type:
            description:
              - V(country) for a two-letter ISO 3166 code such as V(GB), V(ip) for an address, a CIDR
                block or a range V(first - last).
            type: str
            choices: [country, ip]
            required: true
          value:
            description:
              - The country code or address. Country codes compare without regard to case, and ranges
                in the API's form, so V(10.0.0.1-10.0.0.9) equals V(10.0.0.1 - 10.0.0.9).
            type: str
            required: true
          blocked:
            description:
              - Whether the condition blocks systems that match it, rather than allowing them.
            type: bool
            default: false
          description:
            description: Label of the condition.
            type: str
  state:
    description:
      - V(present) creates the requirement when it is missing and otherwise updates the options that differ.
      - V(absent) deletes the requirement, which removes it from every tag and policy that refers to it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - In check mode, a requirement that would be created is returned with a null RV(trust_requirement.id)
    and timestamps.
seealso:
  - module: enclave.networks.trust_requirement_info
  - module: enclave.networks.tag
  - module: enclave.networks.policy
extends_documentation_fragment:
  - enclave.networks.api
  - enclave.networks.attributes
  - enclave.networks.attributes.full_check_and_diff
"""

EXAMPLES = r"""
- name: Require sign-in to the Enclave portal with multi-factor authentication
  enclave.networks.trust_requirement:
    description: Portal sign-in with MFA
    user_authentication:
      authority: portal
      conditions:
        - claim: amr
          value: mfa
  register: mfa

- name: Require it of every system tagged remote-staff
  enclave.networks.tag:
    name: remote-staff
    trust_requirements: ["{{ mfa.trust_requirement.id }}"]

- name: Require members of an Entra ID group
  enclave.networks.trust_requirement:
    description: Engineering group
    user_authentication:
      authority: azure
      tenant_id: 0f0e0d0c-0000-4000-8000-000000000000
      conditions:
        - claim: groups
          value: 5b8e1c6a-1111-4222-8333-444455556666

- name: Allow systems in the UK, but not from one range
  enclave.networks.trust_requirement:
    description: UK only
    public_ip:
      conditions:
        - type: country
          value: GB
        - type: ip
          value: 203.0.113.0/24
          blocked: true
          description: Guest Wi-Fi

- name: Delete a requirement
  enclave.networks.trust_requirement:
    description: UK only
    state: absent
"""

RETURN = r"""
trust_requirement:
  description:
    - The requirement after the task, as the API returned it, in snake_case; the keys inside
      RV(trust_requirement.settings) keep the API's names.
    - Null with O(state=absent) when the requirement did not exist. After a delete, the requirement as it was deleted.
    - In check mode, the requirement as the task would leave it.
  returned: success
  type: dict
  contains:
    id:
      description: ID of the requirement.
      type: int
      sample: 1
    description:
      description: Description of the requirement.
      type: str
      sample: Portal sign-in with MFA
    type:
      description: V(UserAuthentication) or V(PublicIp).
      type: str
      sample: UserAuthentication
    created:
      description: When the requirement was created, in UTC ISO 8601.
      type: str
      sample: "2026-02-11T10:00:00.0000000Z"
    modified:
      description: When the requirement was last changed, in UTC ISO 8601.
      type: str
      sample: "2026-02-11T10:00:00.0000000Z"
    used_in_tags:
      description: Number of tags that refer to the requirement.
      type: int
      sample: 1
    used_in_policies:
      description: Number of policies that refer to the requirement.
      type: int
      sample: 1
    notes:
      description: Notes on the requirement, or null.
      type: str
      sample: null
    settings:
      description:
        - The requirement's V(configuration) map and V(conditions) list, with string values, as the API
          keeps them (V(isBlocked) is V("true") or V("false")).
      type: dict
      sample:
        configuration: {authority: portal}
        conditions: [{claim: amr, value: mfa}]
"""

from ..module_utils._errors import EnclaveError
from ..module_utils._lookup import check_identity, create_entity, get_or_none, unique_match
from ..module_utils._resource import ResourceModule
from ..module_utils._trust_requirements import (
    AUTHORITIES,
    RequirementRequest,
    describe_requirement,
    requirement_result,
    same_settings,
)


def diff_view(model):
    """Return the fields of a requirement that diff mode shows."""
    if not model:
        return {}
    return {
        "description": model.get("description"),
        "type": model.get("type"),
        "notes": model.get("notes"),
        "settings": model.get("settings"),
    }


class TrustRequirement(ResourceModule):
    result_key = "trust_requirement"
    convert_result = staticmethod(requirement_result)
    diff_view = staticmethod(diff_view)
    collection_path = ("trust-requirements",)

    argument_spec = {
        "id": {"type": "int"},
        "description": {"type": "str"},
        "notes": {"type": "str"},
        "user_authentication": {
            "type": "dict",
            "options": {
                "authority": {"type": "str", "choices": list(AUTHORITIES), "required": True},
                "tenant_id": {"type": "str"},
                "authority_uri": {"type": "str"},
                "client_id": {"type": "str"},
                "audience": {"type": "str"},
                "conditions": {
                    "type": "list",
                    "elements": "dict",
                    "options": {
                        "claim": {"type": "str", "required": True},
                        "value": {"type": "str", "required": True},
                    },
                },
            },
        },
        "public_ip": {
            "type": "dict",
            "options": {
                "conditions": {
                    "type": "list",
                    "elements": "dict",
                    "required": True,
                    "options": {
                        "type": {"type": "str", "choices": ["country", "ip"], "required": True},
                        "value": {"type": "str", "required": True},
                        "blocked": {"type": "bool", "default": False},
                        "description": {"type": "str"},
                    },
                },
            },
        },
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
    module_kwargs = {
        "required_one_of": [("id", "description")],
        "mutually_exclusive": [("user_authentication", "public_ip")],
    }

    def run(self):
        check_identity(
            self.params, "id", "description", "trust requirement", "find or create the requirement by its description"
        )
        self.request = RequirementRequest(self.params)
        current = self._fetch()
        if self.params["state"] == "absent":
            return self._absent(current)
        if current is None:
            return self._create()
        return self._update(current)

    def _path(self, requirement_id):
        return self.client.org_path("trust-requirements", requirement_id)

    def _fetch(self):
        requirement_id = self.params["id"]
        if requirement_id is not None:
            current = get_or_none(self.client, self._path(requirement_id))
            if current is None and self.params["state"] != "absent":
                raise EnclaveError(
                    "Trust requirement id {0} was not found in organisation {1}. Check the id, or leave id out to "
                    "find or create the requirement by its description.".format(
                        requirement_id, self.client.organisation_id
                    )
                )
            return current
        description = self.params["description"]
        listed = self.client.paginate(self.client.org_path("trust-requirements"))
        matches = [item for item in listed if isinstance(item, dict) and item.get("description") == description]
        match = unique_match(matches, "trust requirements", "description", description)
        # List items carry a summary in place of the notes and settings, which the comparison needs.
        return self.client.get(self._path(match["id"])) if match else None

    def _create(self):
        if self.request.requirement_type is None:
            raise EnclaveError(
                "No trust requirement has the description '{0}', and creating one needs user_authentication "
                "or public_ip.".format(self.params["description"])
            )
        body = {
            "description": self.params["description"],
            "type": self.request.requirement_type,
            "settings": self.request.desired_settings(),
        }
        if self.params["notes"]:
            body["notes"] = self.params["notes"]
        if self.module.check_mode:
            predicted = {
                "id": None,
                "description": body["description"],
                "created": None,
                "modified": None,
                "type": body["type"],
                "usedInTags": 0,
                "usedInPolicies": 0,
                "notes": body.get("notes"),
                "settings": body["settings"],
            }
            return self._result(True, None, predicted)
        description = body["description"]
        model = create_entity(
            self.client,
            self.client.org_path("trust-requirements"),
            body,
            lambda item: item.get("description") == description,
        )
        return self._result(True, None, model)

    def _changes(self, current):
        changes = {}
        description = self.params["description"]
        if self.params["id"] is not None and description is not None and description != current.get("description"):
            changes["description"] = description
        notes = self.params["notes"]
        if notes is not None and (notes or None) != current.get("notes"):
            changes["notes"] = notes or None
        if self.request.requirement_type is not None:
            settings = self.request.desired_settings(current.get("settings"))
            if not same_settings(settings, current.get("settings")):
                changes["settings"] = settings
        return changes

    def _update(self, current):
        desired_type = self.request.requirement_type
        if desired_type is not None and desired_type != current.get("type"):
            raise EnclaveError(
                "{0} is a {1} requirement, and the API cannot change the type of a trust requirement. Use the "
                "settings option of its type, or delete it and create it again.".format(
                    describe_requirement(current), current.get("type")
                )
            )
        changes = self._changes(current)
        if not changes:
            return self._result(False, current, current)
        if self.module.check_mode:
            predicted = dict(current)
            predicted.update(changes)
            return self._result(True, current, predicted)
        return self._result(True, current, self.client.patch(self._path(current["id"]), changes))


def main():
    TrustRequirement().execute()


if __name__ == "__main__":
    main()
