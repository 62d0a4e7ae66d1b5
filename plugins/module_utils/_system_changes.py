# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: planning and applying the state changes and edits of the system_state module.

Every system is read first and planned in full, so that no request is sent when any system cannot
reach the requested state. A plan then either runs (apply) or is only predicted (predict, for check mode).
"""

from __future__ import annotations

import copy
import datetime

from ._auto_expire import auto_expire_matches, desired_auto_expire, parse_timestamp
from ._bulk import bulk_count, chunked
from ._case import snake_dict
from ._errors import EnclaveError
from ._systems import ENROLLED, WAITING, normalise_system_id, read_system, read_systems, system_result
from ._tags import check_tag_names, desired_tags, tag_names

STATES = ("enabled", "disabled", "approved", "declined", "revoked", "absent")

# Module choice -> the API's ExpiryAction; the API calls revoking a system deleting it.
EXPIRY_ACTIONS = {"disable": "Disable", "revoke": "Delete"}

# Statuses the module reports for a system, before and after a change.
ENABLED = "enabled"
DISABLED = "disabled"
ABSENT = "absent"
REVOKED = "revoked"
DECLINED = "declined"

# Steps that change a system's status.
ENABLE = "enable"
DISABLE = "disable"
APPROVE = "approve"
DECLINE = "decline"
REVOKE = "revoke"

# Requested state -> current status -> the step that reaches the state, or None when the system is
# there already. A status missing from a state's table cannot reach that state.
STEPS = {
    None: {ENABLED: None, DISABLED: None, WAITING: None},
    "enabled": {ENABLED: None, DISABLED: ENABLE},
    "disabled": {ENABLED: DISABLE, DISABLED: None},
    "approved": {ENABLED: None, DISABLED: None, WAITING: APPROVE},
    "declined": {WAITING: DECLINE, ABSENT: None},
    "revoked": {ENABLED: REVOKE, DISABLED: REVOKE, WAITING: DECLINE, ABSENT: None},
}

# Step -> (HTTP method, path segments under the organisation, the count field of the response).
BULK_ROUTES = {
    ENABLE: ("PUT", ("systems", "enable"), "systemsUpdated"),
    DISABLE: ("PUT", ("systems", "disable"), "systemsUpdated"),
    APPROVE: ("PUT", ("unapproved-systems", "approve"), "systemsApproved"),
    DECLINE: ("DELETE", ("unapproved-systems",), "systemsDeclined"),
    REVOKE: ("DELETE", ("systems",), "systemsRevoked"),
}

# Step -> the key of the counts return value.
STEP_COUNTS = {ENABLE: "enabled", DISABLE: "disabled", APPROVE: "approved", DECLINE: "declined", REVOKE: "revoked"}
COUNT_KEYS = ("edited", "enabled", "disabled", "approved", "declined", "revoked", "enabled_until")

EDIT_OPTIONS = ("description", "tags", "notes")

# Ids named in one failure message at most; the rest are counted.
MAX_IDS_IN_MESSAGE = 20


def status_of(system):
    """Return the status of a FoundSystem (or None for a missing one): enabled, disabled, waiting or absent."""
    if system is None:
        return ABSENT
    if system.place == WAITING:
        return WAITING
    return ENABLED if system.is_enabled else DISABLED


def plan_step(state, status):
    """Return the step that takes a system from status to the requested state, or None when it is there.

    Raises KeyError when no step leads there, such as declining an enrolled system.
    """
    return STEPS[state][status]


def conflict_message(state, status, system_ids, organisation_id):
    """Describe why the systems with a status cannot reach the requested state, naming their ids."""
    listed_ids = ", ".join("'{0}'".format(system_id) for system_id in system_ids[:MAX_IDS_IN_MESSAGE])
    if len(system_ids) > MAX_IDS_IN_MESSAGE:
        listed_ids += " and {0} more".format(len(system_ids) - MAX_IDS_IN_MESSAGE)
    single = len(system_ids) == 1
    subject = ("System " if single else "Systems ") + listed_ids
    if status == ABSENT:
        return (
            "{0} not found: {1} neither enrolled nor waiting for approval in organisation {2}. Check the id{3}.".format(
                subject, "it is" if single else "they are", organisation_id, "" if single else "s"
            )
        )
    if status == WAITING:
        return (
            "{0} {1} waiting for approval, so {2} cannot be {3} yet. Approve {2} with state=approved, which "
            "enables {2}, or decline {2} with state=declined.".format(
                subject, "is" if single else "are", "it" if single else "they", state
            )
        )
    return (
        "{0} {1} enrolled, so {2} cannot be declined: declining applies only to systems waiting for approval. "
        "Use state=revoked to remove an enrolled system for good.".format(
            subject, "is" if single else "are", "it" if single else "they"
        )
    )


def predicted_tags(current, names):
    """Return the tag references a system would carry with these names, keeping the known references."""
    known = {item.get("tag"): item for item in current or [] if isinstance(item, dict)}
    return [dict(known.get(name) or {"tag": name}) for name in names]


class PlannedSystem:
    """The changes planned for one system: its edits (an API PATCH body), its status step and its expiry schedule."""

    def __init__(self, system_id, found, step):
        self.system_id = system_id
        self.found = found
        self.step = step
        self.edits = {}
        self.auto_expire = None
        self.before_status = status_of(found)
        # The system after the change: its API model (or None when nothing is known) and its status.
        self.place = found.place if found else None
        self.model = copy.deepcopy(found.model) if found else None
        self.status = self.before_status


class SystemChanges:
    """Plan the system_state module's changes for its params, then apply or predict them."""

    def __init__(self, client, params):
        self.client = client
        self.params = params
        self.state = "revoked" if params["state"] == "absent" else params["state"]
        self.planned = []
        self.counts = dict.fromkeys(COUNT_KEYS, 0)
        self.warnings = []

    @property
    def changed(self):
        return any(self.counts.values())

    # Planning

    def plan(self):
        """Read every system and plan its changes.

        Raises EnclaveError, before any write, when an option is invalid or any system cannot reach the state.
        """
        self._check_options()
        expiry = None
        if self.params["enable_until"] is not None:
            expiry = desired_auto_expire("enable_until", self.params["enable_until"], EXPIRY_ACTIONS)
            self._warn_past_expiry(expiry)
        system_ids = self._system_ids()
        found = self._read(system_ids)

        conflicts = {}
        for system_id in system_ids:
            system = found.get(system_id)
            status = status_of(system)
            try:
                step = plan_step(self.state, status)
            except KeyError:
                conflicts.setdefault(status, []).append(system_id)
                continue
            planned = PlannedSystem(system_id, system, step)
            if step not in (DECLINE, REVOKE) and system is not None:
                planned.edits = self._edits(system.model)
                planned.auto_expire = self._auto_expire(system, step, expiry)
                if planned.auto_expire is not None and step == ENABLE:
                    # The enable-until route enables the system itself.
                    planned.step = None
            self.planned.append(planned)

        if conflicts:
            organisation_id = self.client.organisation_id
            raise EnclaveError(
                " ".join(
                    conflict_message(self.params["state"], status, ids, organisation_id)
                    for status, ids in sorted(conflicts.items())
                )
            )

    def _warn_past_expiry(self, expiry):
        # NOTE: how the API treats an expiry in the past is undocumented. The module sends it as it is,
        # and expects the API to apply the expiry action at once.
        when = parse_timestamp(expiry["expiryDateTime"])
        if when > datetime.datetime.now(datetime.timezone.utc):
            return
        if expiry["expiryAction"] == EXPIRY_ACTIONS["revoke"]:
            outcome = "revoke the system at once, which is permanent. Set a future expiry to keep it enrolled."
        else:
            outcome = "disable the system at once. Set a future expiry to keep it enabled until then."
        self.warnings.append(
            "enable_until.expiry '{0}' is in the past, so the API is expected to {1}".format(
                self.params["enable_until"]["expiry"], outcome
            )
        )

    def _check_options(self):
        edit_options = [name for name in EDIT_OPTIONS if self.params[name] is not None]
        if edit_options and self.state in ("declined", "revoked"):
            raise EnclaveError(
                "{0} cannot be combined with state={1}: a {2} system is removed, so there is nothing to edit. "
                "Leave out {0}, or edit the system in a task before this one.".format(
                    " and ".join(edit_options), self.params["state"], self.state
                )
            )
        if self.params["tags"] is not None:
            check_tag_names("tags", self.params["tags"])
        if self.params["enable_until"] is not None and self.params["state"] is None:
            raise EnclaveError(
                "enable_until needs state, and state is not set: the schedule enables the system until its "
                "expiry. Set state=enabled, or state=approved for a system that waits for approval."
            )
        if self.params["enable_until"] is not None and self.state not in ("enabled", "approved"):
            raise EnclaveError(
                "enable_until needs state=enabled or state=approved, not state={0}: the schedule enables the "
                "system until its expiry.".format(self.params["state"])
            )

    def _system_ids(self):
        if self.params["system_id"] is not None:
            return [normalise_system_id(self.params["system_id"])]
        system_ids = []
        for value in self.params["system_ids"]:
            system_id = normalise_system_id(value)
            if system_id not in system_ids:
                system_ids.append(system_id)
        return system_ids

    def _read(self, system_ids):
        if self.params["system_id"] is not None:
            system = read_system(self.client, system_ids[0])
            return {system_ids[0]: system} if system else {}
        return read_systems(self.client, system_ids, self._detail_fields())

    def _detail_fields(self):
        """Return the API fields the options compare that list items may lack."""
        fields = []
        if self.params["notes"] is not None:
            fields.append("notes")
        if self.params["enable_until"] is not None:
            fields.append("autoExpire")
        return fields

    def _edits(self, model):
        """Return the PATCH body for the edit options that differ from the model; empty when none differ."""
        edits = {}
        for option, field in (("description", "description"), ("notes", "notes")):
            value = self.params[option]
            # The API clears a field sent as null, so an empty string is sent as null.
            if value is not None and (model.get(field) or None) != (value or None):
                edits[field] = value or None
        if self.params["tags"] is not None:
            tags = desired_tags(tag_names(model.get("tags")), self.params["tags"], self.params["purge_tags"])
            if tags is not None:
                edits["tags"] = tags
        return edits

    def _auto_expire(self, system, step, expiry):
        """Return the enable-until body to send, or None when the system already has that schedule."""
        if expiry is None:
            return None
        if step != APPROVE and system.is_enabled and auto_expire_matches(system.model.get("autoExpire"), expiry):
            return None
        return expiry

    # Check mode

    def predict(self):
        """Count the planned changes and predict each system after them, without sending a write."""
        for planned in self.planned:
            if planned.edits:
                self.counts["edited"] += 1
                for field, value in planned.edits.items():
                    if field == "tags":
                        value = predicted_tags(planned.model.get("tags"), value)
                    planned.model[field] = value
            if planned.step is not None:
                self.counts[STEP_COUNTS[planned.step]] += 1
                self._predict_step(planned)
            if planned.auto_expire is not None:
                self.counts["enabled_until"] += 1
                self._predict_enabled(planned)
                planned.model["autoExpire"] = dict(planned.auto_expire)

    def _predict_step(self, planned):
        if planned.step in (ENABLE, APPROVE):
            self._predict_enabled(planned)
        elif planned.step == DISABLE:
            planned.model["isEnabled"] = False
            planned.model["state"] = "Disabled"
            planned.status = DISABLED
        else:
            planned.status = DECLINED if planned.step == DECLINE else REVOKED

    @staticmethod
    def _predict_enabled(planned):
        planned.place = ENROLLED
        planned.status = ENABLED
        planned.model["isEnabled"] = True
        # NOTE: the connection state after enabling is known only once the API reports it.
        if planned.model.get("state") in (None, "Disabled"):
            planned.model["state"] = "Disconnected"

    # Real run

    def apply(self):
        """Send the planned requests, count what changed and read back the systems they changed."""
        for planned in self.planned:
            if planned.edits:
                self._patch(planned)
        if self.params["system_id"] is not None:
            for planned in self.planned:
                self._apply_step(planned)
        else:
            self._apply_bulk_steps()
        for planned in self.planned:
            if planned.auto_expire is not None:
                self._enable_until(planned)
        self._read_back()

    def _collection(self, planned):
        return "systems" if planned.place == ENROLLED else "unapproved-systems"

    def _patch(self, planned):
        path = self.client.org_path(self._collection(planned), planned.system_id)
        planned.model = self.client.patch(path, planned.edits)
        self.counts["edited"] += 1

    def _apply_step(self, planned):
        """Take one system's step through the single-system routes."""
        if planned.step is None:
            return
        system_id = planned.system_id
        if planned.step in (ENABLE, DISABLE):
            planned.model = self.client.put(self.client.org_path("systems", system_id, planned.step))
            planned.status = ENABLED if planned.step == ENABLE else DISABLED
        elif planned.step == APPROVE:
            # The approve route's response body is undocumented, so the system is read back afterwards.
            self.client.put(self.client.org_path("unapproved-systems", system_id, "approve"))
            planned.place = ENROLLED
            planned.status = ENABLED
        else:
            collection = "unapproved-systems" if planned.step == DECLINE else "systems"
            removed = self.client.delete(self.client.org_path(collection, system_id))
            if isinstance(removed, dict):
                planned.model = removed
            planned.status = DECLINED if planned.step == DECLINE else REVOKED
        self.counts[STEP_COUNTS[planned.step]] += 1

    def _apply_bulk_steps(self):
        """Take each step for all its systems through the bulk routes, at most 200 ids a request."""
        for step, (method, segments, count_field) in BULK_ROUTES.items():
            systems = [planned for planned in self.planned if planned.step == step]
            if not systems:
                continue
            path = self.client.org_path(*segments)
            changed = 0
            for chunk in chunked([planned.system_id for planned in systems]):
                body = self.client.request(method, path, body={"systemIds": chunk})
                changed += bulk_count(method, path, body, count_field)
            self.counts[STEP_COUNTS[step]] += changed
            if changed != len(systems):
                self.warnings.append(
                    "{0} {1} reported {2} of {3} systems {4}; the others changed or were removed by someone else "
                    "while this task ran.".format(method, path, changed, len(systems), STEP_COUNTS[step])
                )
            for planned in systems:
                if step in (DECLINE, REVOKE):
                    planned.status = DECLINED if step == DECLINE else REVOKED
                else:
                    planned.place = ENROLLED

    def _enable_until(self, planned):
        path = self.client.org_path("systems", planned.system_id, "enable-until")
        planned.model = self.client.put(path, planned.auto_expire)
        planned.place = ENROLLED
        planned.status = ENABLED
        self.counts["enabled_until"] += 1

    def _read_back(self):
        """Read the systems whose last step was a bulk change or an approval, whose responses hold no model."""
        stale = [
            planned
            for planned in self.planned
            if planned.step in (APPROVE, ENABLE, DISABLE)
            and planned.auto_expire is None
            and (planned.step == APPROVE or self.params["system_id"] is None)
        ]
        if not stale:
            return
        found = read_systems(self.client, [planned.system_id for planned in stale], self._detail_fields())
        for planned in stale:
            system = found.get(planned.system_id)
            planned.place = system.place if system else None
            planned.model = system.model if system else planned.model
            planned.status = status_of(system)

    # Results

    def results(self):
        """Return each system after the change, in snake_case with its status, in the order of the ids."""
        results = []
        for planned in self.planned:
            result = {"system_id": planned.system_id} if planned.model is None else system_result(planned.model)
            result["status"] = planned.status
            results.append(result)
        return results

    def diff(self, single):
        """Return the before and after of the managed fields that changed, per system id for a list."""
        before = {}
        after = {}
        for planned in self.planned:
            old = self._diff_view(planned.found.model if planned.found else None, planned.before_status)
            new = self._diff_view(planned.model, planned.status)
            changed = [key for key in old if old[key] != new[key]]
            if changed:
                before[planned.system_id] = {key: old[key] for key in changed}
                after[planned.system_id] = {key: new[key] for key in changed}
        if single:
            system_id = self.planned[0].system_id if self.planned else None
            return {"before": before.get(system_id, {}), "after": after.get(system_id, {})}
        return {"before": before, "after": after}

    def _diff_view(self, model, status):
        """Return the fields a diff compares: the status, and the fields that the task's options manage."""
        model = model or {}
        view = {"status": status}
        if self.params["description"] is not None:
            view["description"] = model.get("description")
        if self.params["tags"] is not None:
            view["tags"] = sorted(tag_names(model.get("tags")))
        if self.params["notes"] is not None:
            view["notes"] = model.get("notes")
        if self.params["enable_until"] is not None:
            view["auto_expire"] = snake_dict(model.get("autoExpire"))
        return view
