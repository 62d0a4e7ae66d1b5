#!/usr/bin/python
# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: trust_requirement_info
short_description: List Enclave trust requirements or read one requirement's settings
version_added: 0.1.0
description:
  - Lists the trust requirements of an Enclave organisation across all pages, with a summary of each
    and how many tags and policies use it.
  - With O(id), returns the full details of that one requirement, its notes and settings included.
author:
  - Enclave collection maintainers (@enclave-networks)
options:
  id:
    description:
      - ID of one requirement to read.
      - When no requirement has it, RV(trust_requirements) is empty and the task does not fail.
      - A null value fails the task before any request; leave the option out to list the requirements.
      - Cannot be combined with the list filters.
    type: int
  search:
    description:
      - Search text; plain words match the description.
    type: str
  type:
    description:
      - Only list requirements of this type.
    type: str
    choices: [user_authentication, public_ip]
  sort:
    description:
      - Order of the returned list.
    type: str
    choices: [description, recently_created]
seealso:
  - module: enclave.networks.trust_requirement
extends_documentation_fragment:
  - enclave.networks.api
  - enclave.networks.attributes
  - enclave.networks.attributes.info_module
"""

EXAMPLES = r"""
- name: List every trust requirement
  enclave.networks.trust_requirement_info:
  register: requirements

- name: List the public IP requirements
  enclave.networks.trust_requirement_info:
    type: public_ip
  register: public_ip_requirements

- name: Read one requirement's settings
  enclave.networks.trust_requirement_info:
    id: 1
  register: mfa
"""

RETURN = r"""
trust_requirements:
  description:
    - The requirements found, in the order the API returned them.
    - With O(id), a list holding that one requirement with its full details, or an empty list.
  returned: success
  type: list
  elements: dict
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
    summary:
      description: One line the API writes to describe the settings.
      type: str
      returned: without O(id)
      sample: Users must authenticate with portal.
    notes:
      description: Notes on the requirement, or null.
      type: str
      returned: with O(id)
      sample: null
    settings:
      description:
        - The V(configuration) map and V(conditions) list, with string values and the API's key names.
      type: dict
      returned: with O(id)
      sample:
        configuration: {authority: portal}
        conditions: [{claim: amr, value: mfa}]
"""

from ..module_utils._base import EnclaveModule
from ..module_utils._lookup import check_identity, get_or_none
from ..module_utils._trust_requirements import REQUIREMENT_TYPES, SORT_ORDERS, requirement_result


class TrustRequirementInfo(EnclaveModule):
    argument_spec = {
        "id": {"type": "int"},
        "search": {"type": "str"},
        "type": {"type": "str", "choices": sorted(REQUIREMENT_TYPES)},
        "sort": {"type": "str", "choices": sorted(SORT_ORDERS)},
    }
    module_kwargs = {"mutually_exclusive": [("id", "search"), ("id", "type"), ("id", "sort")]}

    def run(self):
        check_identity(self.params, "id", None, "trust requirement", "list the requirements")
        if self.params["id"] is not None:
            detail = get_or_none(self.client, self.client.org_path("trust-requirements", self.params["id"]))
            return {"changed": False, "trust_requirements": [requirement_result(detail)] if detail else []}

        terms = []
        if self.params["search"]:
            terms.append(self.params["search"])
        if self.params["type"]:
            terms.append("type:" + REQUIREMENT_TYPES[self.params["type"]])
        query = {}
        if terms:
            query["search"] = " ".join(terms)
        if self.params["sort"]:
            query["sort"] = SORT_ORDERS[self.params["sort"]]
        path = self.client.org_path("trust-requirements")
        requirements = [requirement_result(item) for item in self.client.paginate(path, query)]
        return {"changed": False, "trust_requirements": requirements}


def main():
    TrustRequirementInfo().execute()


if __name__ == "__main__":
    main()
