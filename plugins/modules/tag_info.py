#!/usr/bin/python
# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: tag_info
short_description: List Enclave tags or read one tag's details
version_added: 0.1.0
description:
  - Lists the tags of an Enclave organisation across all pages, with how many systems, keys, policies,
    DNS zones and records use each.
  - With O(name), returns the full details of that one tag, its notes and trust requirements included.
  - The list holds every tag in use and every tag created on its own, even when nothing uses it.
author:
  - Enclave collection maintainers (@enclave-networks)
options:
  name:
    description:
      - Name or ref (V(ref:) and 32 hexadecimal digits) of one tag to read.
      - When no tag has it, RV(tags) is empty and the task does not fail.
      - A null value fails the task before any request; leave the option out to list the tags.
      - Cannot be combined with O(search) or O(sort).
    type: str
  search:
    description:
      - Search text, applied as the Enclave portal applies it. Plain words match the tag name;
        V(tag:name) matches part of a name and V(uses:>5) or V(uses:<1) filter by how many objects
        use the tag.
    type: str
  sort:
    description:
      - Order of the returned list. V(referenced_systems) puts the tags of most systems first.
    type: str
    choices: [alphabetical, recently_used, referenced_systems]
seealso:
  - module: enclave.networks.tag
extends_documentation_fragment:
  - enclave.networks.api
  - enclave.networks.attributes
  - enclave.networks.attributes.info_module
"""

EXAMPLES = r"""
- name: List every tag
  enclave.networks.tag_info:
  register: enclave_tags

- name: Print each tag with the number of systems that have it
  ansible.builtin.debug:
    msg: "{{ item.tag }}: {{ item.systems }} systems"
  loop: "{{ enclave_tags.tags }}"

- name: Find tags that nothing uses
  enclave.networks.tag_info:
    search: "uses:<1"
  register: unused_tags

- name: Read one tag with its notes and trust requirements
  enclave.networks.tag_info:
    name: remote-staff
  register: remote_staff
"""

RETURN = r"""
tags:
  description:
    - The tags found, in the order the API returned them.
    - With O(name), a list holding that one tag with its full details, or an empty list when it does not exist.
  returned: success
  type: list
  elements: dict
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
    created:
      description: When the tag was created, in UTC ISO 8601.
      type: str
      returned: with O(name)
      sample: "2026-02-10T09:00:00.0000000Z"
    last_modified:
      description: When the tag was last changed, in UTC ISO 8601, or null.
      type: str
      returned: with O(name)
      sample: "2026-02-10T09:00:00.0000000Z"
    notes:
      description: Notes on the tag, or null.
      type: str
      returned: with O(name)
      sample: Public web servers.
    trust_requirements:
      description:
        - The trust requirements that systems with the tag must meet, each with V(id), V(description)
          and V(type).
      type: list
      elements: dict
      returned: with O(name)
      sample: [{"id": 1, "description": "Portal sign-in with MFA", "type": "UserAuthentication"}]
"""

from ..module_utils._base import EnclaveModule
from ..module_utils._case import snake_dict
from ..module_utils._lookup import check_identity, get_or_none

SORT_ORDERS = {
    "alphabetical": "Alphabetical",
    "recently_used": "RecentlyUsed",
    "referenced_systems": "ReferencedSystems",
}


class TagInfo(EnclaveModule):
    argument_spec = {
        "name": {"type": "str"},
        "search": {"type": "str"},
        "sort": {"type": "str", "choices": sorted(SORT_ORDERS)},
    }
    module_kwargs = {"mutually_exclusive": [("name", "search"), ("name", "sort")]}

    def run(self):
        check_identity(self.params, "name", None, "tag", "list the tags")
        if self.params["name"] is not None:
            detail = get_or_none(self.client, self.client.org_path("tags", self.params["name"]))
            return {"changed": False, "tags": [snake_dict(detail)] if detail else []}

        query = {}
        if self.params["search"]:
            query["search"] = self.params["search"]
        if self.params["sort"]:
            query["sort"] = SORT_ORDERS[self.params["sort"]]
        tags = [snake_dict(item) for item in self.client.paginate(self.client.org_path("tags"), query)]
        return {"changed": False, "tags": tags}


def main():
    TagInfo().execute()


if __name__ == "__main__":
    main()
