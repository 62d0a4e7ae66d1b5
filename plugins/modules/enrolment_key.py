#!/usr/bin/python
# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: enrolment_key
short_description: Create, update, enable, disable or delete an Enclave enrolment key
version_added: 0.1.0
description:
  - Manages one enrolment key of an Enclave organisation. Systems enrol into the organisation with a
    key's secret, and take the key's tags, approval mode and type.
  - Finds the key by O(id), or by O(description) among all the organisation's keys, disabled ones
    included. When several keys share the description, the task fails and lists their ids.
  - Changes only the options a task sets. Tags compare as a set, and IP ranges compare in the API's
    own form, so V(192.0.2.1-192.0.2.9) equals V(192.0.2.1 - 192.0.2.9); neither counts as a change.
  - Returns the key with its secret in RV(enrolment_key.key). A task that prints the result, or runs
    with C(-v), shows that secret; set C(no_log) to true on it, or print only the fields you need.
    The secret never appears in the diff.
author:
  - Enclave collection maintainers (@enclave-networks)
options:
  id:
    description:
      - ID of the key to manage.
      - The task fails when no key has this id, except with O(state=absent), which then changes nothing.
      - With O(id), O(description) is the description to set, not a way to find the key.
      - A null value, such as the id of a task in check mode that would create the key, fails the task
        before any request. Leave the option out to find the key by O(description).
    type: int
  description:
    description:
      - Description of the key. Without O(id), it identifies the key, and the module creates the key
        when no key has it.
      - Needed to create a key. Compared exactly, case included.
    type: str
  state:
    description:
      - V(present) creates the key when it is missing and otherwise updates the options that differ,
        leaving the key enabled or disabled as it is.
      - V(enabled) and V(disabled) do the same and then make sure the key is enabled or disabled.
      - V(absent) deletes the key. Where the API answers that it cannot delete keys (HTTP 404 or 405),
        the module disables the key instead and reports that in a warning.
    type: str
    choices: [present, enabled, disabled, absent]
    default: present
  type:
    description:
      - Type of the key. Systems enrolled with an V(ephemeral) key are removed after they disconnect,
        once O(disconnected_retention_minutes) have passed.
      - The API creates V(general_purpose) keys when this is not set.
      - The API cannot change the type of a key. When this differs from the key's type, the task fails,
        unless O(replace_on_type_change) is set.
    type: str
    choices: [general_purpose, ephemeral]
  approval_mode:
    description:
      - Whether systems enrolled with the key join at once (V(automatic)) or wait for an administrator
        to approve them (V(manual)).
      - The API creates keys with V(manual) approval when this is not set.
    type: str
    choices: [automatic, manual]
  uses_remaining:
    description:
      - Number of enrolments the key allows; V(-1) for unlimited, the API's default.
      - The API counts it down as systems enrol, so a task that sets a positive number sets it back
        up on its next run after an enrolment.
    type: int
  tags:
    description:
      - Names of the tags that systems enrolled with the key receive.
      - Compared as a set, so their order and repeats do not count as a change.
      - V([]) with O(purge_tags=true) removes every tag.
    type: list
    elements: str
  purge_tags:
    description:
      - Whether to remove tags that are on the key but not in O(tags).
      - With V(false), O(tags) are added to the key's tags.
      - Has no effect without O(tags).
    type: bool
    default: true
  ip_constraints:
    description:
      - Public IP addresses that systems may enrol from. An empty list allows every address.
      - Replaces the key's whole list; the order of the items does not count as a change.
    type: list
    elements: dict
    suboptions:
      range:
        description:
          - A CIDR block such as V(198.51.100.0/24), one address such as V(192.0.2.10), or a range
            V(first - last) such as V(203.0.113.1 - 203.0.113.200) (the spaces are optional).
          - IPv4 and IPv6 are accepted. The task fails before any request when a range does not parse.
        type: str
        required: true
      description:
        description:
          - Label of the range.
        type: str
  disconnected_retention_minutes:
    description:
      - For V(ephemeral) keys, minutes a disconnected system is kept before the API removes it.
      - The task fails for a V(general_purpose) key, or a new key without O(type), before any write.
      - When it is not set, the API applies a default of its own to new ephemeral keys.
    type: int
  notes:
    description:
      - Free text notes on the key. V("") removes them.
    type: str
  auto_expire:
    description:
      - Schedule on which the API disables or deletes the key.
      - Applied through the API's enable-until route, which also enables the key. So it cannot be
        combined with O(state=disabled), and with O(state=present) it enables a disabled key whose
        expiry differs.
      - The module does not remove an expiry that is set; a plain enable or disable may clear it,
        depending on the API version.
    type: dict
    suboptions:
      expiry:
        description:
          - When the key expires, as an ISO 8601 date and time such as V(2026-12-31T17:00:00Z) or
            V(2026-12-31T18:00:00+01:00). A value without a UTC offset is read as UTC.
          - Compared as an instant, so V(17:00:00Z) and V(18:00:00+01:00) on the same day are equal.
        type: str
        required: true
      time_zone_id:
        description:
          - IANA or Windows time zone of the expiry, such as V(Europe/London). When set, the API moves
            the expiry if the zone's rules change.
        type: str
      action:
        description:
          - What happens to the key at the expiry.
        type: str
        choices: [disable, delete]
        default: disable
  replace_on_type_change:
    description:
      - What to do when O(type) differs from the type of the existing key.
      - With V(false), the task fails and changes nothing.
      - With V(true), the module creates a key of the new type with the old key's settings and the
        options of the task, and then deletes the old key. The new key has a new id and a B(new secret),
        so every system or script that enrols with the old secret must get the new one.
      - Where the API cannot delete keys (HTTP 404 or 405), the module disables the old key and renames
        it to V(<description> (replaced by key <new id>\)), and reports that in a warning.
      - When the create fails, nothing changes. When a later step fails, the task fails with
        C(changed=true) and a message that lists the steps done and the ids of both keys, which
        then both exist.
    type: bool
    default: false
notes:
  - In check mode, a key that would be created is returned with the values it would get, and with
    a null RV(enrolment_key.id), RV(enrolment_key.key) and timestamps.
  - In check mode with O(state=absent), the module reports a change for a disabled key. Where the API
    cannot delete keys, the real run leaves that key as it is and reports no change.
seealso:
  - module: enclave.networks.enrolment_key_info
extends_documentation_fragment:
  - enclave.networks.api
  - enclave.networks.attributes
  - enclave.networks.attributes.full_check_and_diff
attributes:
  diff_mode:
    details: The diff never contains the key's secret.
"""

EXAMPLES = r"""
- name: Make sure a key for the web servers exists
  enclave.networks.enrolment_key:
    description: Web servers
    approval_mode: manual
    tags: [web, prod]
    ip_constraints:
      - range: 198.51.100.0/24
        description: London data centre
      - range: 203.0.113.1 - 203.0.113.200
        description: Office
    notes: Used by the web server build playbook.
  register: web_key
  no_log: true

- name: Pass the secret to the agent role without printing it
  ansible.builtin.set_fact:
    enclave_enrolment_key: "{{ web_key.enrolment_key.key }}"
  no_log: true

- name: Create an ephemeral key for CI runners that deletes itself at the end of the year
  enclave.networks.enrolment_key:
    description: CI runners
    type: ephemeral
    approval_mode: automatic
    disconnected_retention_minutes: 30
    tags: [ci]
    auto_expire:
      expiry: "2026-12-31T17:00:00Z"
      time_zone_id: Europe/London
      action: delete
  register: ci_key
  no_log: true

- name: Add a tag to the key, keeping the tags it has
  enclave.networks.enrolment_key:
    description: Web servers
    tags: [monitored]
    purge_tags: false

- name: Disable the key by id, changing nothing else
  enclave.networks.enrolment_key:
    id: 7
    state: disabled

- name: Delete the CI key, or disable it where the API cannot delete keys
  enclave.networks.enrolment_key:
    description: CI runners
    state: absent
"""

RETURN = r"""
enrolment_key:
  description:
    - The key after the task, as the API returned it, in snake_case.
    - Null with O(state=absent) when the key did not exist. After a delete, the key as it was deleted.
    - In check mode, the key as the task would leave it.
  returned: success
  type: dict
  contains:
    id:
      description: ID of the key.
      type: int
      sample: 7
    description:
      description: Description of the key.
      type: str
      sample: Web servers
    key:
      description:
        - The secret that systems enrol with. Keep it out of logs with C(no_log).
      type: str
      sample: H4D8Z-2M6QW-T9K3B-R5X7N-C8J2P
    type:
      description: V(GeneralPurpose) or V(Ephemeral).
      type: str
      sample: GeneralPurpose
    approval_mode:
      description: V(Automatic) or V(Manual).
      type: str
      sample: Manual
    status:
      description: V(Enabled), V(Disabled), or V(NoUsesRemaining) for an enabled key with no uses left.
      type: str
      sample: Enabled
    is_enabled:
      description: Whether systems can enrol with the key.
      type: bool
      sample: true
    uses_remaining:
      description: Enrolments left; V(-1) means unlimited.
      type: int
      sample: -1
    enrolled_count:
      description: Number of enrolled systems that used the key.
      type: int
      sample: 7
    unapproved_count:
      description: Number of systems that used the key and wait for approval.
      type: int
      sample: 0
    tags:
      description: Tags that systems enrolled with the key receive.
      type: list
      elements: dict
      contains:
        tag:
          description: Tag name.
          type: str
          sample: web
        ref:
          description: Stable reference of the tag, which survives renames; null in check mode for a new tag.
          type: str
          sample: ref:5f0c1a2b3c4d4e5f8a9b0c1d2e3f4a5b
        colour:
          description: Colour of the tag in the portal, as a hex string, or null.
          type: str
          sample: "#3b82f6"
    ip_constraints:
      description: Public IP ranges that systems may enrol from; empty when every address may.
      type: list
      elements: dict
      contains:
        range:
          description: A CIDR block, one address, or V(first - last).
          type: str
          sample: 203.0.113.1 - 203.0.113.200
        description:
          description: Label of the range, or null.
          type: str
          sample: Office
    disconnected_retention_minutes:
      description: For ephemeral keys, minutes a disconnected system is kept; null for general-purpose keys.
      type: int
      sample: 15
    notes:
      description: Notes on the key, or null.
      type: str
      sample: Used by the web server build playbook.
    auto_expire:
      description: The scheduled expiry of the key, or null.
      type: dict
      contains:
        expiry_date_time:
          description: When the key expires, in ISO 8601.
          type: str
          sample: "2026-12-31T17:00:00Z"
        time_zone_id:
          description: Time zone of the expiry, or null.
          type: str
          sample: Europe/London
        expiry_action:
          description: V(Disable) or V(Delete).
          type: str
          sample: Delete
    created:
      description: When the key was created, in UTC ISO 8601.
      type: str
      sample: "2025-09-01T16:00:00.0000000Z"
    last_used:
      description: When a system last enrolled with the key, in UTC ISO 8601, or null.
      type: str
      sample: "2026-12-04T14:02:11.0000000Z"
"""

from ..module_utils._auto_expire import auto_expire_spec
from ..module_utils._case import to_snake
from ..module_utils._enrolment_keys import (
    ALREADY_DISABLED,
    APPROVAL_MODES,
    DEFAULT_KEY_TYPE,
    DELETED,
    DISABLED,
    EXPIRY_ACTIONS,
    KEY_TYPES,
    KeyRequest,
    carried_auto_expire,
    carried_fields,
    create_key,
    delete_key,
    describe_key,
    find_keys_by_description,
    get_key,
    key_diff,
    key_result,
    new_key_model,
    predict_model,
)
from ..module_utils._errors import EnclaveError
from ..module_utils._lookup import check_identity, unique_match
from ..module_utils._resource import ResourceModule


class EnrolmentKey(ResourceModule):
    result_key = "enrolment_key"
    convert_result = staticmethod(key_result)

    argument_spec = {
        "id": {"type": "int"},
        "description": {"type": "str"},
        "state": {"type": "str", "choices": ["present", "enabled", "disabled", "absent"], "default": "present"},
        "type": {"type": "str", "choices": sorted(KEY_TYPES)},
        "approval_mode": {"type": "str", "choices": sorted(APPROVAL_MODES)},
        "uses_remaining": {"type": "int"},
        "tags": {"type": "list", "elements": "str"},
        "purge_tags": {"type": "bool", "default": True},
        "ip_constraints": {
            "type": "list",
            "elements": "dict",
            "options": {
                "range": {"type": "str", "required": True},
                "description": {"type": "str"},
            },
        },
        "disconnected_retention_minutes": {"type": "int"},
        "notes": {"type": "str"},
        "auto_expire": auto_expire_spec(EXPIRY_ACTIONS),
        "replace_on_type_change": {"type": "bool", "default": False},
    }
    module_kwargs = {"required_one_of": [("id", "description")]}

    def run(self):
        # Every check that needs no API runs first, so an invalid option fails before any request.
        check_identity(self.params, "id", "description", "enrolment key", "find or create the key by its description")
        self.request = KeyRequest(self.params)
        current = self._fetch()
        if self.params["state"] == "absent":
            return self._absent(current)
        if current is None:
            return self._create()
        if self.request.type_differs(current):
            return self._replace(current)
        return self._update(current)

    def _fetch(self):
        key_id = self.params["id"]
        if key_id is not None:
            current = get_key(self.client, key_id)
            if current is None and self.params["state"] != "absent":
                raise EnclaveError(
                    "Enrolment key id {0} was not found in organisation {1}. Check the id, or leave id out "
                    "to find or create the key by its description.".format(key_id, self.client.organisation_id)
                )
            return current

        description = self.params["description"]
        match = unique_match(
            find_keys_by_description(self.client, description), "enrolment keys", "description", description
        )
        if match is None:
            return None
        # List items lack ipConstraints and notes, which the comparison needs.
        return get_key(self.client, match["id"])

    def _create(self):
        self.request.check_retention(self.request.key_type or DEFAULT_KEY_TYPE)
        body = self.request.create_body()
        predicted = new_key_model(body)
        action = self.request.state_action(predicted)
        if self.module.check_mode:
            return self._result(True, None, predict_model(predicted, {}, action))

        model = create_key(self.client, body)
        return self._result(True, None, self._apply(model, action))

    def _update(self, current):
        self.request.check_retention(current.get("type"), describe_key(current))
        patch = self.request.patch_for(current)
        action = self.request.state_action(current)
        if not patch and action is None:
            return self._result(False, current, current)
        if self.module.check_mode:
            return self._result(True, current, predict_model(current, patch, action))

        model = current
        if patch:
            model = self.client.patch(self._path(current), patch) or self._reread(current)
        return self._result(True, current, self._apply(model, action))

    def _replace(self, current):
        if not self.params["replace_on_type_change"]:
            raise EnclaveError(
                "{0} has type {1}, and the API cannot change the type of a key. Set type to {1}, or set "
                "replace_on_type_change to true to replace the key with a {2} key that has a new "
                "secret.".format(describe_key(current), to_snake(str(current.get("type"))), self.params["type"])
            )
        body = self.request.create_body(carried_fields(current))
        predicted = new_key_model(body)
        action = self._replacement_action(current, predicted)
        if self.module.check_mode:
            return self._result(True, current, predict_model(predicted, {}, action))

        # The new key goes first, so a failed create leaves the old key in place. Until the old key is
        # deleted, two keys share the description; known_ids keeps the old one from being taken for
        # the created key after a lost response.
        model = create_key(self.client, body, known_ids=[current["id"]])
        done = ["created {0} of type {1}".format(describe_key(model), model.get("type"))]
        try:
            model = self._apply(model, action)
            self._retire(current, model, done)
        except EnclaveError as error:
            self._fail_after_writes(error, current, model, done)
        return self._result(True, current, model)

    def _retire(self, current, model, done):
        """Delete the replaced key, or disable and rename it where the API cannot delete keys."""
        _deleted_model, outcome = delete_key(self.client, current)
        if outcome == DELETED:
            done.append("deleted the old {0}".format(describe_key(current)))
            return
        if outcome == DISABLED:
            done.append("disabled the old {0}".format(describe_key(current)))
        # Renamed, the disabled key no longer shares the description that finds the new key.
        description = "{0} (replaced by key {1})".format(current.get("description"), model.get("id"))
        self.client.patch(self._path(current), {"description": description})
        done.append("renamed the old key to '{0}'".format(description))
        self.module.warn(
            "The API cannot delete enrolment keys (DELETE was not accepted), so the old {0} is left disabled "
            "and renamed to '{1}'. Delete it in the Enclave portal if it must go.".format(
                describe_key(current), description
            )
        )

    def _fail_after_writes(self, error, current, model, done):
        """Fail with changed=true, saying which writes of a replacement succeeded and which keys exist."""
        error.message = (
            "Replacing {0} failed after the module {1}. {2} Both keys exist now: the new key id {3} and the "
            "old key id {4}, which was not deleted. Delete the key you do not want in the Enclave portal "
            "or with state=absent and its id, then run the task again.".format(
                describe_key(current), ", then ".join(done), error.message, model.get("id"), current.get("id")
            )
        )
        self.fail(error, changed=True)

    def _replacement_action(self, current, predicted):
        action = self.request.state_action(predicted)
        if action is not None or self.request.auto_expire is not None:
            return action
        # Options the task leaves unset keep the old key's values, its enabled flag and expiry included.
        if self.request.enabled is None and not current.get("isEnabled", True):
            return "disable", None
        expiry = carried_auto_expire(current)
        if expiry is not None:
            return "enable-until", expiry
        return None

    def _absent(self, current):
        if current is None:
            return self._result(False, None, None)
        if self.module.check_mode:
            return self._result(True, current, None, returned=current)

        model, outcome = delete_key(self.client, current)
        if outcome == DELETED:
            return self._result(True, current, None, returned=model or current)
        if outcome == ALREADY_DISABLED:
            self.module.warn(
                "The API cannot delete enrolment keys (DELETE was not accepted), and {0} is disabled already, "
                "which is the nearest state to absent. Delete it in the Enclave portal if it must go.".format(
                    describe_key(current)
                )
            )
            return self._result(False, current, current)
        self.module.warn(
            "The API cannot delete enrolment keys (DELETE was not accepted), so {0} was disabled instead. "
            "Delete it in the Enclave portal if it must go.".format(describe_key(current))
        )
        return self._result(True, current, model or self._reread(current))

    def _apply(self, model, action):
        """Send the PUT that sets the key's enabled flag or expiry, and return the key after it."""
        if action is None:
            return model
        name, body = action
        return self.client.put(self._path(model, name), body) or self._reread(model)

    def _path(self, model, *segments):
        return self.client.org_path("enrolment-keys", model["id"], *segments)

    def _reread(self, model):
        # The API documents a model in every write response; this covers one that returns no body.
        return self.client.get(self._path(model))

    def _diff(self, before, after):
        return key_diff(before, after)


def main():
    EnrolmentKey().execute()


if __name__ == "__main__":
    main()
