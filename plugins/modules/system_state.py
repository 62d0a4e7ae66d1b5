#!/usr/bin/python
# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: system_state
short_description: Enable, disable, approve, decline, revoke and edit Enclave systems
version_added: 0.1.0
description:
  - Changes what Enclave systems may do, one system by O(system_id) or a fleet by O(system_ids).
  - Enables or disables enrolled systems, approves or declines systems waiting for approval
    (enrolled with a key that needs manual approval), and revokes systems for good.
  - Edits the description, tags and notes of enrolled systems and of systems waiting for approval,
    and schedules an enrolled system to be disabled or revoked at a given time.
  - Sends a request only for what differs, so a rerun changes nothing.
    A list of systems is changed through the API's bulk routes, at most 200 systems a request;
    edits and O(enable_until) take one request per system, because the API has no bulk form of them.
  - All ids are looked up before any change is made, and the task fails without changing anything
    when one of them cannot reach the requested state.
author:
  - Enclave collection maintainers (@enclave-networks)
options:
  system_id:
    description:
      - ID of the system to change, such as V(488Q). Case does not matter.
      - The system may be enrolled or waiting for approval.
      - Exactly one of O(system_id) and O(system_ids) is required.
    type: str
  system_ids:
    description:
      - IDs of the systems to change, all in the same way. Repeated ids count once.
      - Exactly one of O(system_id) and O(system_ids) is required.
    type: list
    elements: str
  state:
    description:
      - V(enabled) and V(disabled) set whether an enrolled system may connect. A system waiting for
        approval cannot be enabled or disabled; the task fails and names it.
      - V(approved) approves a system waiting for approval, which then starts enabled. A system that is
        already enrolled, enabled or not, is left as it is. An id that is neither enrolled nor waiting fails.
      - V(declined) declines a system waiting for approval. An id that is already gone is fine. An enrolled
        system fails, because declining applies only to waiting systems; use V(revoked) for it.
      - V(revoked) revokes an enrolled system. B(Revoking is permanent)
        and cannot be undone; the system has to enrol again with an enrolment key to rejoin.
        A system still waiting for approval is declined instead, and an id that is already gone is fine.
        V(absent) is the same as V(revoked).
      - Left out, the module changes only the fields given (O(description), O(tags), O(notes)) and
        fails for an id that is neither enrolled nor waiting.
    type: str
    choices: [enabled, disabled, approved, declined, revoked, absent]
  description:
    description:
      - Description of the system. An empty string clears it.
      - Cannot be combined with O(state=declined), O(state=revoked) or O(state=absent).
    type: str
  tags:
    description:
      - Names of the tags the system should carry, compared as a set, so order does not matter.
      - Tags set on a system waiting for approval carry over when it is approved.
      - Cannot be combined with O(state=declined), O(state=revoked) or O(state=absent).
    type: list
    elements: str
  purge_tags:
    description:
      - Whether to remove tags that are not in O(tags). With V(false), O(tags) are only added.
      - Has no effect without O(tags).
    type: bool
    default: true
  notes:
    description:
      - Free-text notes on the system. An empty string clears them.
      - Cannot be combined with O(state=declined), O(state=revoked) or O(state=absent).
    type: str
  enable_until:
    description:
      - Enables the system until the given time, when the API disables or revokes it.
      - The current schedule of the system is compared first, so a rerun sends nothing.
      - Needs O(state=enabled) or O(state=approved). It enables a disabled system.
    type: dict
    suboptions:
      expiry:
        description:
          - When the schedule runs out, as an ISO 8601 date and time such as V(2026-12-31T17:00:00Z)
            or V(2026-12-31T18:00:00+01:00). A time without an offset is taken as UTC.
          - A time in the past is sent as it is, with a warning that the API is expected to apply
            O(enable_until.action) at once. How the API treats it is undocumented.
        type: str
        required: true
      time_zone_id:
        description:
          - Time zone to store with the schedule, as an IANA name such as V(Europe/London) or a Windows
            time zone id. It does not change the instant that O(enable_until.expiry) names.
          - Compared only when given.
        type: str
      action:
        description:
          - What happens at the expiry. V(revoke) is permanent, as for O(state=revoked).
        type: str
        choices: [disable, revoke]
        default: disable
notes:
  - The API skips ids in a bulk request that are already in the requested state, and reports how many
    systems it changed. The module sends only the ids that differ, and reports the API's counts in RV(counts).
  - In check mode the module reads the systems, sends no write request, and returns them as they
    would be, with the same C(changed) status as a real run.
  - In check mode, a system that would be enabled or approved is returned with the state V(Disconnected),
    because its connection state is known only after a real run. A system that would be approved has no
    virtual address yet.
seealso:
  - module: enclave.networks.system_info
    description: List enrolled and waiting systems, or read one system.
extends_documentation_fragment:
  - enclave.networks.api
  - enclave.networks.attributes
  - enclave.networks.attributes.full_check_and_diff
attributes:
  diff_mode:
    details: The diff shows each changed system's status, description, tags, notes and expiry schedule.
"""

EXAMPLES = r"""
- name: Quarantine a laptop
  enclave.networks.system_state:
    system_id: MC8AL
    state: disabled

- name: Approve the servers waiting for approval, tagged on the way in
  enclave.networks.system_state:
    system_ids: [NW7WB, KS2WN]
    state: approved
    tags: [web, prod]

- name: Give a contractor's laptop access until Friday evening, then disable it
  enclave.networks.system_state:
    system_id: LT6SW
    state: enabled
    enable_until:
      expiry: "2026-12-04T18:00:00+00:00"
      time_zone_id: Europe/London
      action: disable

- name: Add a tag and a note to a system without changing anything else
  enclave.networks.system_state:
    system_id: DB7RX
    tags: [audited]
    purge_tags: false
    notes: PostgreSQL 16. Audited in December.

- name: Retire decommissioned hosts for good
  enclave.networks.system_state:
    system_ids: "{{ decommissioned_ids }}"
    state: revoked

- name: Disable every system tagged dev
  block:
    - name: List the systems tagged dev
      enclave.networks.system_info:
        search: "tags:dev"
      register: dev_systems

    - name: Disable them, 200 a request
      enclave.networks.system_state:
        system_ids: "{{ dev_systems.systems | map(attribute='system_id') }}"
        state: disabled
      register: disabled

    - name: Show how many systems the API disabled
      ansible.builtin.debug:
        msg: "{{ disabled.counts.disabled }} systems disabled"
"""

RETURN = r"""
system:
  description:
    - The system after the change, in snake_case, with the module's RV(system.status).
    - Holds the system's detail model, or the unapproved system's model while it waits for approval.
      M(enclave.networks.system_info) documents the fields of both.
    - A revoked or declined system is returned as it was last read; an id that was already gone returns
      only RV(system.system_id) and RV(system.status).
  returned: with O(system_id)
  type: dict
  contains:
    system_id:
      description: ID of the system.
      type: str
      sample: MC8AL
    status:
      description:
        - Where the system stands after the change.
        - V(enabled) or V(disabled) for an enrolled system, V(waiting) for one waiting for approval,
          V(revoked) or V(declined) when this run removed it, and V(absent) when it was already gone.
      type: str
      sample: disabled
    description:
      description: Description of the system, or null.
      type: str
      sample: Alice's MacBook Pro
    is_enabled:
      description: Whether the system may connect.
      type: bool
      returned: when the system is enrolled
      sample: false
    state:
      description: V(Connected), V(Disconnected) or V(Disabled), as the API reports it.
      type: str
      returned: when the system is enrolled
      sample: Disabled
    tags:
      description: Tags on the system.
      type: list
      elements: dict
      sample: [{"tag": "laptop", "ref": "ref:3b5d5c3712955042212316173ccf37be", "colour": "#64748b"}]
    notes:
      description: Notes on the system, or null.
      type: str
      returned: when the API returned the detail model
      sample: null
    auto_expire:
      description: The system's expiry schedule, or null.
      type: dict
      returned: when the system is enrolled
      contains:
        expiry_date_time:
          description: When the schedule runs out, in UTC ISO 8601.
          type: str
          sample: "2026-12-04T18:00:00.0000000Z"
        time_zone_id:
          description: Time zone stored with the schedule, or null.
          type: str
          sample: Europe/London
        expiry_action:
          description: V(Disable), or V(Delete), which revokes the system.
          type: str
          sample: Disable
systems:
  description:
    - The systems after the change, one per id in O(system_ids) in the order given, each as RV(system).
  returned: with O(system_ids)
  type: list
  elements: dict
  sample: [{"system_id": "NW7WB", "status": "enabled", "is_enabled": true, "state": "Disconnected"}]
counts:
  description:
    - How many systems each kind of request changed. Bulk requests count what the API reported, which
      leaves out systems that changed meanwhile; in check mode, how many would change.
  returned: always
  type: dict
  contains:
    edited:
      description: Systems whose description, tags or notes changed.
      type: int
      sample: 0
    enabled:
      description: Systems enabled.
      type: int
      sample: 0
    disabled:
      description: Systems disabled.
      type: int
      sample: 450
    approved:
      description: Systems approved.
      type: int
      sample: 0
    declined:
      description: Systems declined.
      type: int
      sample: 0
    revoked:
      description: Systems revoked.
      type: int
      sample: 0
    enabled_until:
      description: Systems given a new expiry schedule through O(enable_until).
      type: int
      sample: 0
"""

from ..module_utils._auto_expire import auto_expire_spec
from ..module_utils._base import EnclaveModule
from ..module_utils._system_changes import EXPIRY_ACTIONS, STATES, SystemChanges


class SystemState(EnclaveModule):
    argument_spec = {
        "system_id": {"type": "str"},
        "system_ids": {"type": "list", "elements": "str"},
        "state": {"type": "str", "choices": list(STATES)},
        "description": {"type": "str"},
        "tags": {"type": "list", "elements": "str"},
        "purge_tags": {"type": "bool", "default": True},
        "notes": {"type": "str"},
        "enable_until": auto_expire_spec(EXPIRY_ACTIONS),
    }
    module_kwargs = {
        "mutually_exclusive": [("system_id", "system_ids")],
        "required_one_of": [("system_id", "system_ids")],
    }

    def run(self):
        changes = SystemChanges(self.client, self.params)
        changes.plan()
        if self.module.check_mode:
            changes.predict()
        else:
            changes.apply()
        for warning in changes.warnings:
            self.module.warn(warning)

        result = {"changed": changes.changed, "counts": changes.counts}
        if self.params["system_id"] is not None:
            result["system"] = changes.results()[0]
        else:
            result["systems"] = changes.results()
        if self.module._diff:
            result["diff"] = changes.diff(single=self.params["system_id"] is not None)
        return result


def main():
    SystemState().execute()


if __name__ == "__main__":
    main()
