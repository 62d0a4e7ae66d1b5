# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: Enclave enrolment keys as the enrolment_key modules request, compare and return them.

This is the one place that maps module options to the API's key fields, and the one place that
decides whether a requested value equals the API's, after the normalisation the API applies itself.
"""

from __future__ import annotations

import copy

from ._auto_expire import apply_enable_action, desired_auto_expire, enable_action
from ._case import snake_dict, to_snake
from ._diff import changed_fields_diff
from ._errors import EnclaveError, ProblemDetailsError
from ._ip_ranges import EXPECTED_FORMS, canonical_ip_range, request_ip_range
from ._lookup import create_entity, get_or_none, is_missing_entity
from ._tags import check_tag_names, desired_tags, tag_names, tag_references

# Module choice -> the API's enum member.
KEY_TYPES = {"general_purpose": "GeneralPurpose", "ephemeral": "Ephemeral"}
APPROVAL_MODES = {"automatic": "Automatic", "manual": "Manual"}
EXPIRY_ACTIONS = {"disable": "Disable", "delete": "Delete"}
SORT_ORDERS = {
    "description": "Description",
    "last_used": "LastUsed",
    "approval_mode": "ApprovalMode",
    "uses_remaining": "UsesRemaining",
}

# The API's defaults for fields that a create request leaves out.
DEFAULT_KEY_TYPE = "GeneralPurpose"
DEFAULT_APPROVAL_MODE = "Manual"
UNLIMITED_USES = -1

# Module option -> API property, for every option that the PATCH route changes. The key type is set
# only on create; tags go through desired_tags because purge_tags decides their value.
PATCH_OPTIONS = {
    "description": "description",
    "approval_mode": "approvalMode",
    "uses_remaining": "usesRemaining",
    "ip_constraints": "ipConstraints",
    "disconnected_retention_minutes": "disconnectedRetentionMinutes",
    "notes": "notes",
}

# Fields shown in diff mode, in the order of the API's model. The secret 'key' is never among them.
DIFF_FIELDS = (
    "description",
    "type",
    "approvalMode",
    "isEnabled",
    "usesRemaining",
    "tags",
    "ipConstraints",
    "disconnectedRetentionMinutes",
    "notes",
    "autoExpire",
)


def _text(value):
    return value


def _enum(value):
    return value.lower() if isinstance(value, str) else value


def _optional_text(value):
    # The API clears notes with null; an empty string from a task means the same.
    return value or None


def _ip_constraints(value):
    # Constraints compare as a multiset: the API keeps them as sent, and their order has no effect.
    items = []
    for constraint in value or []:
        items.append((canonical_ip_range(constraint.get("range")), constraint.get("description") or None))
    return tuple(sorted(items, key=repr))


def _tag_set(value):
    return frozenset(tag_names(value))


# API property -> the function that turns a requested or current value into a comparable one.
_CANONICAL = {
    "description": _text,
    "type": _enum,
    "approvalMode": _enum,
    "usesRemaining": _text,
    "ipConstraints": _ip_constraints,
    "disconnectedRetentionMinutes": _text,
    "notes": _optional_text,
    "tags": _tag_set,
    "isEnabled": bool,
}


def same_value(field, requested, current):
    """Tell whether a requested API value equals the current one once both are normalised."""
    canonical = _CANONICAL[field]
    return canonical(requested) == canonical(current)


def key_status(model):
    """Return the status the API derives: Disabled, NoUsesRemaining or Enabled."""
    if not model.get("isEnabled", True):
        return "Disabled"
    if model.get("usesRemaining") == 0:
        return "NoUsesRemaining"
    return "Enabled"


def describe_key(model):
    """Name a key in messages by its description and id."""
    return "enrolment key '{0}' (id {1})".format(model.get("description"), model.get("id"))


def key_result(model):
    """Convert a key from the API (list item or detail) to its snake_case return value, secret included."""
    return snake_dict(model)


def diff_view(model):
    """Return the fields of a key shown in diff mode, tags as sorted names and without the secret."""
    if not model:
        return {}
    view = {}
    for field in DIFF_FIELDS:
        value = model.get(field)
        if field == "tags":
            value = sorted(tag_names(value))
        view[to_snake(field)] = snake_dict(value)
    return view


def key_diff(before, after):
    """Return the diff-mode before and after of a key: every field on create and delete, else those that differ."""
    return changed_fields_diff(diff_view(before), diff_view(after))


def _ip_constraints_request(option_value):
    constraints = []
    for index, constraint in enumerate(option_value):
        try:
            range_text = request_ip_range(constraint.get("range"))
        except ValueError:
            raise EnclaveError(
                "ip_constraints[{0}].range '{1}' is invalid: expected {2}.".format(
                    index, constraint.get("range"), EXPECTED_FORMS
                )
            ) from None
        constraints.append({"range": range_text, "description": constraint.get("description") or None})
    return constraints


def _option_to_api(option, value):
    if option == "approval_mode":
        return APPROVAL_MODES[value]
    if option == "ip_constraints":
        return _ip_constraints_request(value)
    if option == "notes":
        return value or None
    return value


class KeyRequest:
    """The enrolment key a task requests, as API values for the options it sets.

    The constructor checks every option that can be checked without the API, so an invalid value fails
    the task before any request. Options left unset are not managed and never count as a change.
    """

    def __init__(self, params):
        self.key_type = KEY_TYPES[params["type"]] if params.get("type") else None
        self.tags = params.get("tags")
        check_tag_names("tags", self.tags)
        self.purge_tags = params.get("purge_tags", True)
        self.enabled = {"enabled": True, "disabled": False}.get(params.get("state"))

        if params.get("description") is not None and not params["description"].strip():
            raise EnclaveError(
                "description '{0}' is invalid: give the key a description that is not blank.".format(
                    params["description"]
                )
            )
        uses = params.get("uses_remaining")
        if uses is not None and uses < UNLIMITED_USES:
            raise EnclaveError(
                "uses_remaining {0} is invalid: expected -1 for unlimited uses, or 0 or more.".format(uses)
            )
        retention = params.get("disconnected_retention_minutes")
        if retention is not None and retention < 0:
            raise EnclaveError(
                "disconnected_retention_minutes {0} is invalid: expected 0 or more minutes.".format(retention)
            )
        if retention is not None and self.key_type == "GeneralPurpose":
            raise EnclaveError(
                "disconnected_retention_minutes {0} is invalid with type general_purpose: only ephemeral keys "
                "remove their systems after a disconnection. Leave the option out, or set type "
                "ephemeral.".format(retention)
            )

        self.fields = {}
        for option, field in PATCH_OPTIONS.items():
            if params.get(option) is not None:
                self.fields[field] = _option_to_api(option, params[option])

        self.auto_expire = None
        if params.get("auto_expire"):
            if self.enabled is False:
                raise EnclaveError(
                    "auto_expire cannot be combined with state=disabled: setting an expiry enables the key. "
                    "Use state=present or state=enabled with auto_expire."
                )
            self.auto_expire = desired_auto_expire("auto_expire", params["auto_expire"], EXPIRY_ACTIONS)

    def type_differs(self, current):
        """Tell whether the requested type differs from the key's, which the API cannot change."""
        return self.key_type is not None and not same_value("type", self.key_type, current.get("type"))

    def check_retention(self, key_type, key_label=None):
        """Raise EnclaveError when disconnected_retention_minutes is set for a key of a general-purpose type."""
        retention = self.fields.get("disconnectedRetentionMinutes")
        if retention is None or _enum(key_type) != "generalpurpose":
            return
        if key_label is None:
            raise EnclaveError(
                "disconnected_retention_minutes {0} is invalid for a new key without type: the API creates "
                "general_purpose keys by default, and only ephemeral keys take a retention. Set type "
                "ephemeral.".format(retention)
            )
        raise EnclaveError(
            "disconnected_retention_minutes {0} is invalid for {1}: it is a general_purpose key, and only "
            "ephemeral keys take a retention. Leave the option out.".format(retention, key_label)
        )

    def create_body(self, base=None):
        """Return the POST body for a new key: the base fields (a replaced key's), then the requested ones."""
        body = dict(base or {})
        body.update(self.fields)
        if self.key_type is not None:
            body["type"] = self.key_type
        if self.tags is not None:
            merged = desired_tags(body.get("tags") or [], self.tags, self.purge_tags)
            if merged is not None:
                body["tags"] = merged
        return body

    def patch_for(self, current):
        """Return the PATCH body of the requested fields that differ from the current key model."""
        patch = {}
        for field, value in self.fields.items():
            if not same_value(field, value, current.get(field)):
                patch[field] = value
        if self.tags is not None:
            tags = desired_tags(tag_names(current.get("tags")), self.tags, self.purge_tags)
            if tags is not None:
                patch["tags"] = tags
        return patch

    def state_action(self, model):
        """Return the PUT action that gives the key the requested state and expiry, or None.

        Returns ('enable-until', body) when the expiry differs, or when state=enabled meets a disabled key
        that already has the requested expiry: a plain enable could drop the expiry. Otherwise returns
        ('enable', None) or ('disable', None) when the enabled flag differs from the requested one.
        """
        return enable_action(model, self.enabled, self.auto_expire)


def carried_fields(current):
    """Return the create body fields that copy a key's settings, for a replacement key of another type."""
    return {
        "description": current.get("description"),
        "approvalMode": current.get("approvalMode"),
        "usesRemaining": current.get("usesRemaining", UNLIMITED_USES),
        "tags": tag_names(current.get("tags")),
        "ipConstraints": [
            {"range": constraint.get("range"), "description": constraint.get("description")}
            for constraint in current.get("ipConstraints") or []
        ],
        "notes": current.get("notes"),
    }


def carried_auto_expire(current):
    """Return the enable-until body that gives a replacement key the current key's expiry, or None."""
    expiry = current.get("autoExpire")
    if not isinstance(expiry, dict) or not expiry.get("expiryDateTime"):
        return None
    return {
        "timeZoneId": expiry.get("timeZoneId"),
        "expiryDateTime": expiry.get("expiryDateTime"),
        "expiryAction": expiry.get("expiryAction"),
    }


def predict_model(current, changes, action=None):
    """Return the key model the API should return after a PATCH of changes and one state action.

    Check mode returns this in place of a response. Tags already on the key keep their ref and colour;
    new ones have none yet.
    """
    model = copy.deepcopy(current)
    for field, value in changes.items():
        if field == "tags":
            model["tags"] = tag_references(current.get("tags"), value)
        else:
            model[field] = copy.deepcopy(value)
    apply_enable_action(model, action)
    model["status"] = key_status(model)
    return model


def new_key_model(body):
    """Return the model of a key not created yet, with the API's defaults for the fields the body leaves out.

    The id, the secret and the timestamps are null because only the API assigns them.
    """
    key_type = body.get("type", DEFAULT_KEY_TYPE)
    model = {
        "id": None,
        "created": None,
        "lastUsed": None,
        "type": key_type,
        "approvalMode": DEFAULT_APPROVAL_MODE,
        "status": "Enabled",
        "key": None,
        "description": None,
        "isEnabled": True,
        "usesRemaining": UNLIMITED_USES,
        "enrolledCount": 0,
        "unapprovedCount": 0,
        "tags": [],
        # NOTE: the API's default retention for an ephemeral key is undocumented (15 or 30 minutes), so a
        # prediction leaves it null.
        "disconnectedRetentionMinutes": None,
        "ipConstraints": [],
        "notes": None,
        "autoExpire": None,
    }
    return predict_model(model, {field: value for field, value in body.items() if field != "type"})


def get_key(client, key_id):
    """Return the detail model of the key with this id, or None when the API has no such key."""
    return get_or_none(client, client.org_path("enrolment-keys", key_id))


def find_keys_by_description(client, description):
    """Return the list items of every key, disabled ones included, whose description equals this one.

    The comparison is exact and case-sensitive. The API's search matches words anywhere in the
    description and reads 'name:' style terms as filters, so every key is listed and compared here.
    """
    path = client.org_path("enrolment-keys")
    return [
        item
        for item in client.paginate(path, {"include_disabled": "true"})
        if isinstance(item, dict) and item.get("description") == description
    ]


# Outcomes of delete_key.
DELETED = "deleted"
DISABLED = "disabled"
ALREADY_DISABLED = "already_disabled"


def create_key(client, body, known_ids=()):
    """POST a new key and return its detail model.

    When a failure leaves unknown whether the API created the key, the client looks for a key with
    the body's description whose id is not among known_ids before it sends the POST again, so a lost
    response never leads to a second key.
    """
    description = body.get("description")
    return create_entity(
        client,
        client.org_path("enrolment-keys"),
        body,
        lambda item: item.get("description") == description,
        list_query={"include_disabled": "true"},
        known_ids=known_ids,
    )


def delete_key(client, current, fallback=True):
    """Delete a key, or disable it where the API has no DELETE route for keys.

    Returns ``(model, outcome)``. The model is the one the API returned, the current one when no request
    changed it, or None when the API returned no body or the key was gone already. The outcome is
    DELETED when the key was deleted. API versions before 2026 have no DELETE route for keys and return
    404 or 405; the key is then disabled, with outcome DISABLED, or ALREADY_DISABLED when it was disabled
    before. Without fallback, that 404 or 405 raises EnclaveError instead, and nothing changes.
    """
    path = client.org_path("enrolment-keys", current["id"])
    try:
        return client.delete(path), DELETED
    except ProblemDetailsError as error:
        if error.status != 405 and not is_missing_entity(error):
            raise
        delete_error = error

    if not fallback:
        raise EnclaveError(
            "The API did not delete {0}: DELETE returned HTTP {1}, so this API version cannot delete "
            "enrolment keys. Delete the key in the Enclave portal, or give the new key another "
            "description, then run the task again.".format(describe_key(current), delete_error.status),
            method="DELETE",
            path=path,
        )
    if not current.get("isEnabled", True):
        return current, ALREADY_DISABLED
    try:
        return client.put(path + "/disable"), DISABLED
    except ProblemDetailsError as error:
        # A 404 from both DELETE and disable means that someone else deleted the key meanwhile.
        if delete_error.status == 404 and is_missing_entity(error):
            return None, DELETED
        raise
