from __future__ import annotations

import json

import pytest
from ansible_collections.enclave.networks.plugins.module_utils._client import EnclaveClient
from ansible_collections.enclave.networks.plugins.module_utils._enrolment_keys import (
    ALREADY_DISABLED,
    DELETED,
    DISABLED,
    KeyRequest,
    carried_auto_expire,
    carried_fields,
    create_key,
    delete_key,
    diff_view,
    find_keys_by_description,
    get_key,
    key_diff,
    key_result,
    key_status,
    new_key_model,
    predict_model,
    same_value,
)
from ansible_collections.enclave.networks.plugins.module_utils._errors import EnclaveError, ProblemDetailsError

TOKEN = "UnitTestToken0123456789012345678901234567890123456789012345678"
ORG = "33a606d6b09c4557a01c62cd4c0b405b"
KEYS_PATH = "/org/{0}/enrolment-keys".format(ORG)
PROBLEM = "application/problem+json; charset=utf-8"
KEY_NOT_FOUND = "https://api.enclave.io/problems/type/enrolment-key-not-found"
ORG_NOT_FOUND = "https://api.enclave.io/problems/type/organisation-not-found"

# The options of enrolment_key as AnsibleModule passes them when a task sets none of them.
UNSET_OPTIONS = {
    "id": None,
    "description": None,
    "state": "present",
    "type": None,
    "approval_mode": None,
    "uses_remaining": None,
    "tags": None,
    "purge_tags": True,
    "ip_constraints": None,
    "disconnected_retention_minutes": None,
    "notes": None,
    "auto_expire": None,
    "replace_on_type_change": False,
}


def options(**values):
    params = dict(UNSET_OPTIONS)
    params.update(values)
    return params


def servers_key(**changes):
    """Return the emulator fixture's key 2 as the API's detail model, with changes applied."""
    model = {
        "id": 2,
        "created": "2025-09-01T16:00:00.0000000Z",
        "lastUsed": "2026-12-04T14:02:11.0000000Z",
        "type": "GeneralPurpose",
        "approvalMode": "Manual",
        "status": "Enabled",
        "key": "H4D8Z-2M6QW-T9K3B-R5X7N-C8J2P",
        "description": "Servers",
        "isEnabled": True,
        "usesRemaining": -1,
        "enrolledCount": 7,
        "unapprovedCount": 2,
        "tags": [{"tag": "prod", "ref": "ref:8c3d4e5f6a7b4c9d0e1f2a3b4c5d6e7f", "colour": "#ef4444"}],
        "disconnectedRetentionMinutes": None,
        "ipConstraints": [
            {"range": "198.51.100.0/24", "description": "Data centre"},
            {"range": "203.0.113.1 - 203.0.113.200", "description": "Office"},
        ],
        "notes": None,
        "autoExpire": None,
    }
    model.update(changes)
    return model


def make_client(api):
    return EnclaveClient(api_token=TOKEN, api_url=api.url, organisation_id=ORG, retries=0)


def reply_problem(api, method, path, status, problem_type):
    body = {"type": problem_type, "title": "Error", "status": status, "traceId": "00-abc-def-00"}
    api.reply(method, path, (status, {"Content-Type": PROBLEM}, json.dumps(body)))


def page(items):
    metadata = {"total": len(items), "firstPage": 0, "prevPage": None, "lastPage": 0, "nextPage": None}
    return {"metadata": metadata, "links": {}, "items": items}


# Comparison


@pytest.mark.parametrize(
    ("field", "requested", "current", "expected"),
    [
        ("description", "Servers", "Servers", True),
        ("description", "servers", "Servers", False),
        ("type", "Ephemeral", "ephemeral", True),
        ("type", "GeneralPurpose", "Ephemeral", False),
        ("approvalMode", "Manual", "MANUAL", True),
        ("approvalMode", "Automatic", "Manual", False),
        ("usesRemaining", -1, -1, True),
        ("usesRemaining", 5, 4, False),
        ("disconnectedRetentionMinutes", 30, 30, True),
        ("disconnectedRetentionMinutes", 30, None, False),
        ("notes", None, None, True),
        ("notes", None, "", True),
        ("notes", "Audited", "Audited", True),
        ("notes", None, "Audited", False),
        ("isEnabled", True, True, True),
        ("isEnabled", False, True, False),
        ("tags", ["web", "prod"], [{"tag": "prod"}, {"tag": "web"}], True),
        ("tags", ["web", "web"], ["web"], True),
        ("tags", ["web"], [{"tag": "web"}, {"tag": "prod"}], False),
        (
            "ipConstraints",
            [{"range": "192.0.2.1-192.0.2.9", "description": "Lab"}],
            [{"range": "192.0.2.1 - 192.0.2.9", "description": "Lab"}],
            True,
        ),
        (
            "ipConstraints",
            [{"range": "10.0.0.0/8", "description": None}, {"range": "192.0.2.1", "description": "One"}],
            [{"range": "192.0.2.1", "description": "One"}, {"range": "10.0.0.0/8", "description": None}],
            True,
        ),
        (
            "ipConstraints",
            [{"range": "10.0.0.0/8", "description": None}],
            [{"range": "10.0.0.0/8", "description": ""}],
            True,
        ),
        (
            "ipConstraints",
            [{"range": "10.0.0.0/8", "description": "Old"}],
            [{"range": "10.0.0.0/8", "description": "New"}],
            False,
        ),
        (
            "ipConstraints",
            [{"range": "10.0.0.0/8", "description": None}],
            [{"range": "10.0.0.0/8", "description": None}, {"range": "10.0.0.0/8", "description": None}],
            False,
        ),
        ("ipConstraints", [], None, True),
        ("ipConstraints", [], [{"range": "10.0.0.0/8", "description": None}], False),
    ],
)
def test_same_value(field, requested, current, expected):
    assert same_value(field, requested, current) is expected


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ({"isEnabled": True, "usesRemaining": -1}, "Enabled"),
        ({"isEnabled": True, "usesRemaining": 3}, "Enabled"),
        ({"isEnabled": True, "usesRemaining": 0}, "NoUsesRemaining"),
        ({"isEnabled": False, "usesRemaining": 0}, "Disabled"),
        ({"isEnabled": False, "usesRemaining": -1}, "Disabled"),
    ],
)
def test_key_status(model, expected):
    assert key_status(model) == expected


# Option mapping


@pytest.mark.parametrize(
    ("values", "expected_fields"),
    [
        ({}, {}),
        ({"description": "Servers"}, {"description": "Servers"}),
        ({"approval_mode": "automatic"}, {"approvalMode": "Automatic"}),
        ({"approval_mode": "manual"}, {"approvalMode": "Manual"}),
        ({"uses_remaining": -1}, {"usesRemaining": -1}),
        ({"uses_remaining": 0}, {"usesRemaining": 0}),
        ({"type": "ephemeral", "disconnected_retention_minutes": 30}, {"disconnectedRetentionMinutes": 30}),
        ({"notes": "Audited"}, {"notes": "Audited"}),
        ({"notes": ""}, {"notes": None}),
        ({"ip_constraints": []}, {"ipConstraints": []}),
        (
            {"ip_constraints": [{"range": "192.0.2.1-192.0.2.9", "description": "Lab"}, {"range": " 10.0.0.0/8 "}]},
            {
                "ipConstraints": [
                    {"range": "192.0.2.1 - 192.0.2.9", "description": "Lab"},
                    {"range": "10.0.0.0/8", "description": None},
                ]
            },
        ),
        ({"tags": ["web"], "purge_tags": False}, {}),
    ],
)
def test_request_fields(values, expected_fields):
    assert KeyRequest(options(**values)).fields == expected_fields


@pytest.mark.parametrize(
    ("values", "key_type", "enabled"),
    [
        ({}, None, None),
        ({"type": "general_purpose"}, "GeneralPurpose", None),
        ({"type": "ephemeral", "state": "enabled"}, "Ephemeral", True),
        ({"state": "disabled"}, None, False),
        ({"state": "absent"}, None, None),
    ],
)
def test_request_type_and_state(values, key_type, enabled):
    request = KeyRequest(options(**values))

    assert request.key_type == key_type
    assert request.enabled is enabled


def test_request_auto_expire_body():
    expiry = {"expiry": "2030-01-01T12:00:00+01:00", "time_zone_id": "Europe/London", "action": "delete"}
    request = KeyRequest(options(auto_expire=expiry))

    assert request.auto_expire == {
        "timeZoneId": "Europe/London",
        "expiryDateTime": "2030-01-01T11:00:00Z",
        "expiryAction": "Delete",
    }


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"description": "  "}, "description '  ' is invalid"),
        ({"description": ""}, "description '' is invalid"),
        ({"uses_remaining": -2}, "uses_remaining -2 is invalid"),
        ({"tags": ["web", "Web Servers"]}, "tags[1] 'Web Servers' is not a valid tag name"),
        ({"type": "ephemeral", "disconnected_retention_minutes": -1}, "disconnected_retention_minutes -1 is invalid"),
        (
            {"type": "general_purpose", "disconnected_retention_minutes": 30},
            "disconnected_retention_minutes 30 is invalid with type general_purpose",
        ),
        ({"ip_constraints": [{"range": "10.0.0.300"}]}, "ip_constraints[0].range '10.0.0.300' is invalid"),
        (
            {"ip_constraints": [{"range": "10.0.0.0/8"}, {"range": "192.0.2.9-192.0.2.1"}]},
            "ip_constraints[1].range '192.0.2.9-192.0.2.1' is invalid",
        ),
        (
            {"state": "disabled", "auto_expire": {"expiry": "2030-01-01T00:00:00Z", "action": "disable"}},
            "auto_expire cannot be combined with state=disabled",
        ),
        ({"auto_expire": {"expiry": "soon", "action": "disable"}}, "auto_expire.expiry 'soon' is invalid"),
    ],
)
def test_request_rejects_invalid_options(values, message):
    with pytest.raises(EnclaveError) as error:
        KeyRequest(options(**values))

    assert message in str(error.value)


@pytest.mark.parametrize(
    ("values", "current_type", "differs"),
    [
        ({}, "Ephemeral", False),
        ({"type": "ephemeral"}, "Ephemeral", False),
        ({"type": "ephemeral"}, "GeneralPurpose", True),
        ({"type": "general_purpose"}, "Ephemeral", True),
    ],
)
def test_type_differs(values, current_type, differs):
    assert KeyRequest(options(**values)).type_differs({"type": current_type}) is differs


def test_retention_rejected_for_general_key():
    request = KeyRequest(options(disconnected_retention_minutes=30))

    with pytest.raises(EnclaveError) as error:
        request.check_retention("GeneralPurpose", "enrolment key 'Servers' (id 2)")

    assert "disconnected_retention_minutes 30 is invalid for enrolment key 'Servers' (id 2)" in str(error.value)


def test_retention_rejected_for_new_key_without_type():
    request = KeyRequest(options(disconnected_retention_minutes=30))

    with pytest.raises(EnclaveError) as error:
        request.check_retention("GeneralPurpose")

    assert "for a new key without type" in str(error.value)


@pytest.mark.parametrize(
    ("values", "key_type"),
    [
        ({"disconnected_retention_minutes": 30}, "Ephemeral"),
        ({}, "GeneralPurpose"),
    ],
)
def test_retention_accepted(values, key_type):
    KeyRequest(options(**values)).check_retention(key_type, "enrolment key 'CI' (id 3)")


# Comparison against a key


@pytest.mark.parametrize(
    ("values", "expected_patch"),
    [
        ({}, {}),
        ({"description": "Servers", "approval_mode": "manual", "uses_remaining": -1}, {}),
        ({"tags": ["prod"]}, {}),
        ({"tags": ["prod", "prod"]}, {}),
        ({"tags": ["prod"], "purge_tags": False}, {}),
        ({"tags": ["web"], "purge_tags": False}, {"tags": ["prod", "web"]}),
        ({"tags": ["web"]}, {"tags": ["web"]}),
        ({"tags": []}, {"tags": []}),
        (
            {
                "ip_constraints": [
                    {"range": "203.0.113.1-203.0.113.200", "description": "Office"},
                    {"range": "198.51.100.0/24", "description": "Data centre"},
                ]
            },
            {},
        ),
        (
            {"ip_constraints": [{"range": "198.51.100.0/24", "description": "Data centre"}]},
            {"ipConstraints": [{"range": "198.51.100.0/24", "description": "Data centre"}]},
        ),
        ({"notes": ""}, {}),
        ({"notes": "Audited"}, {"notes": "Audited"}),
        (
            {"description": "Web servers", "approval_mode": "automatic", "uses_remaining": 5},
            {"description": "Web servers", "approvalMode": "Automatic", "usesRemaining": 5},
        ),
        ({"state": "disabled"}, {}),
    ],
)
def test_patch_for_servers_key(values, expected_patch):
    assert KeyRequest(options(**values)).patch_for(servers_key()) == expected_patch


EXPIRY = {"expiry": "2030-01-01T11:00:00Z", "time_zone_id": None, "action": "disable"}
STORED_EXPIRY = {"timeZoneId": None, "expiryDateTime": "2030-01-01T11:00:00.0000000Z", "expiryAction": "Disable"}


@pytest.mark.parametrize(
    ("values", "current", "expected_action"),
    [
        ({}, {"isEnabled": True}, None),
        ({}, {"isEnabled": False}, None),
        ({"state": "enabled"}, {"isEnabled": True}, None),
        ({"state": "enabled"}, {"isEnabled": False}, "enable"),
        ({"state": "disabled"}, {"isEnabled": True}, "disable"),
        ({"state": "disabled"}, {"isEnabled": False}, None),
        ({"auto_expire": EXPIRY}, {"isEnabled": True, "autoExpire": None}, "enable-until"),
        ({"auto_expire": EXPIRY}, {"isEnabled": True, "autoExpire": STORED_EXPIRY}, None),
        ({"auto_expire": EXPIRY}, {"isEnabled": False, "autoExpire": STORED_EXPIRY}, None),
        (
            {"auto_expire": EXPIRY, "state": "enabled"},
            {"isEnabled": False, "autoExpire": STORED_EXPIRY},
            "enable-until",
        ),
        ({"auto_expire": EXPIRY, "state": "enabled"}, {"isEnabled": True, "autoExpire": STORED_EXPIRY}, None),
        (
            {"auto_expire": dict(EXPIRY, action="delete")},
            {"isEnabled": True, "autoExpire": STORED_EXPIRY},
            "enable-until",
        ),
    ],
)
def test_state_action(values, current, expected_action):
    action = KeyRequest(options(**values)).state_action(current)

    assert (action[0] if action else None) == expected_action


def test_state_action_enable_until_body():
    request = KeyRequest(options(auto_expire=EXPIRY))

    assert request.state_action({"isEnabled": True}) == ("enable-until", request.auto_expire)


# Create bodies, replacement and predictions


def test_create_body_for_new_key():
    request = KeyRequest(
        options(
            description="Build agents",
            type="ephemeral",
            approval_mode="automatic",
            tags=["ci", "build", "ci"],
            disconnected_retention_minutes=30,
        )
    )

    assert request.create_body() == {
        "description": "Build agents",
        "approvalMode": "Automatic",
        "disconnectedRetentionMinutes": 30,
        "type": "Ephemeral",
        "tags": ["ci", "build"],
    }


def test_create_body_leaves_defaults_to_api():
    assert KeyRequest(options(description="Plain")).create_body() == {"description": "Plain"}


def test_replacement_body_carries_settings():
    request = KeyRequest(options(description="Servers", type="ephemeral", tags=["edge"], purge_tags=False))
    body = request.create_body(carried_fields(servers_key(notes="Racked", usesRemaining=4)))

    assert body == {
        "description": "Servers",
        "approvalMode": "Manual",
        "usesRemaining": 4,
        "tags": ["prod", "edge"],
        "ipConstraints": [
            {"range": "198.51.100.0/24", "description": "Data centre"},
            {"range": "203.0.113.1 - 203.0.113.200", "description": "Office"},
        ],
        "notes": "Racked",
        "type": "Ephemeral",
    }


def test_carried_auto_expire():
    assert carried_auto_expire(servers_key()) is None
    assert carried_auto_expire(servers_key(autoExpire=STORED_EXPIRY)) == STORED_EXPIRY


def test_predict_model_keeps_known_tag_refs():
    model = predict_model(servers_key(), {"tags": ["prod", "web"], "usesRemaining": 0})

    assert model["tags"][0] == servers_key()["tags"][0]
    assert model["tags"][1] == {"tag": "web", "ref": None, "colour": None}
    assert model["status"] == "NoUsesRemaining"
    assert model["key"] == servers_key()["key"]


def test_predict_model_state_actions():
    disabled = predict_model(servers_key(), {}, ("disable", None))
    expiring = predict_model(servers_key(isEnabled=False), {}, ("enable-until", STORED_EXPIRY))

    assert disabled["isEnabled"] is False
    assert disabled["status"] == "Disabled"
    assert expiring["isEnabled"] is True
    assert expiring["autoExpire"] == STORED_EXPIRY


def test_new_key_model_applies_api_defaults():
    model = new_key_model({"description": "Plain", "tags": ["web"]})

    assert model["id"] is None
    assert model["key"] is None
    assert model["type"] == "GeneralPurpose"
    assert model["approvalMode"] == "Manual"
    assert model["usesRemaining"] == -1
    assert model["isEnabled"] is True
    assert model["status"] == "Enabled"
    assert model["tags"] == [{"tag": "web", "ref": None, "colour": None}]


# Results and diffs


def test_key_result_is_snake_case_with_secret():
    result = key_result(servers_key())

    assert result["key"] == "H4D8Z-2M6QW-T9K3B-R5X7N-C8J2P"
    assert result["approval_mode"] == "Manual"
    assert result["ip_constraints"][1]["range"] == "203.0.113.1 - 203.0.113.200"
    assert result["disconnected_retention_minutes"] is None


def test_diff_view_never_contains_secret():
    view = diff_view(servers_key())

    assert "key" not in view
    assert "H4D8Z-2M6QW-T9K3B-R5X7N-C8J2P" not in json.dumps(view)
    assert view["tags"] == ["prod"]


@pytest.mark.parametrize(
    ("before", "after", "expected_before", "expected_after"),
    [
        (None, None, {}, {}),
        (servers_key(), servers_key(), {}, {}),
        (
            servers_key(),
            servers_key(isEnabled=False, status="Disabled"),
            {"is_enabled": True},
            {"is_enabled": False},
        ),
        (
            servers_key(),
            servers_key(key="NEW00-NEW00-NEW00-NEW00-NEW00", lastUsed=None),
            {},
            {},
        ),
    ],
)
def test_key_diff_changed_fields(before, after, expected_before, expected_after):
    assert key_diff(before, after) == {"before": expected_before, "after": expected_after}


def test_key_diff_create_and_delete_show_every_field():
    created = key_diff(None, servers_key())
    deleted = key_diff(servers_key(), None)

    assert created["before"] == {}
    assert created["after"] == diff_view(servers_key())
    assert deleted["before"] == diff_view(servers_key())
    assert deleted["after"] == {}


# Requests


def test_get_key_found(api):
    api.reply_json("GET", KEYS_PATH + "/2", servers_key())

    assert get_key(make_client(api), 2)["description"] == "Servers"


def test_get_key_missing(api):
    reply_problem(api, "GET", KEYS_PATH + "/999", 404, KEY_NOT_FOUND)

    assert get_key(make_client(api), 999) is None


def test_get_key_organisation_missing(api):
    reply_problem(api, "GET", KEYS_PATH + "/2", 404, ORG_NOT_FOUND)

    with pytest.raises(ProblemDetailsError) as error:
        get_key(make_client(api), 2)

    assert error.value.status == 404


def test_find_keys_by_exact_description(api):
    items = [
        servers_key(),
        servers_key(id=5, description="servers"),
        servers_key(id=6, description="Servers", isEnabled=False),
        servers_key(id=7, description="Servers old"),
    ]
    api.reply_json("GET", KEYS_PATH, page(items))

    found = find_keys_by_description(make_client(api), "Servers")

    assert [item["id"] for item in found] == [2, 6]
    assert "include_disabled=true" in api.requests[0]["query"]


def test_create_key_posts_body(api):
    api.reply_json("POST", KEYS_PATH, servers_key(id=9))

    model = create_key(make_client(api), {"description": "Servers"})

    assert model["id"] == 9
    assert json.loads(api.requests[0]["body"]) == {"description": "Servers"}


def test_create_key_finds_key_after_lost_response(api):
    # After a 502 it is unknown whether the API created the key. The finder lists key 9 as new, so no
    # second POST is sent.
    api.reply("POST", KEYS_PATH, (502, {"Content-Type": "text/plain"}, "Bad gateway"))
    api.reply_json("GET", KEYS_PATH, page([servers_key(id=9)]))
    api.reply_json("GET", KEYS_PATH + "/9", servers_key(id=9))
    client = EnclaveClient(api_token=TOKEN, api_url=api.url, organisation_id=ORG, retries=1, retry_max_delay=0)

    model = create_key(client, {"description": "Servers"})

    assert model["id"] == 9
    assert [request["method"] for request in api.requests].count("POST") == 1


def test_delete_key_deleted(api):
    api.reply_json("DELETE", KEYS_PATH + "/2", servers_key())

    model, outcome = delete_key(make_client(api), servers_key())

    assert outcome == DELETED
    assert model["id"] == 2
    assert [request["method"] for request in api.requests] == ["DELETE"]


@pytest.mark.parametrize(
    ("status", "problem_type"),
    [
        (405, "https://tools.ietf.org/html/rfc9110#section-15.5.6"),
        (404, KEY_NOT_FOUND),
        (404, None),
    ],
)
def test_delete_key_falls_back_to_disable(api, status, problem_type):
    reply_problem(api, "DELETE", KEYS_PATH + "/2", status, problem_type)
    api.reply_json("PUT", KEYS_PATH + "/2/disable", servers_key(isEnabled=False, status="Disabled"))

    model, outcome = delete_key(make_client(api), servers_key())

    assert outcome == DISABLED
    assert model["isEnabled"] is False
    assert [request["method"] for request in api.requests] == ["DELETE", "PUT"]


def test_delete_key_already_disabled(api):
    reply_problem(api, "DELETE", KEYS_PATH + "/2", 405, None)
    current = servers_key(isEnabled=False)

    model, outcome = delete_key(make_client(api), current)

    assert outcome == ALREADY_DISABLED
    assert model is current
    assert [request["method"] for request in api.requests] == ["DELETE"]


def test_delete_key_gone_meanwhile(api):
    reply_problem(api, "DELETE", KEYS_PATH + "/2", 404, KEY_NOT_FOUND)
    reply_problem(api, "PUT", KEYS_PATH + "/2/disable", 404, KEY_NOT_FOUND)

    assert delete_key(make_client(api), servers_key()) == (None, DELETED)


def test_delete_key_disable_fails_after_405(api):
    reply_problem(api, "DELETE", KEYS_PATH + "/2", 405, None)
    reply_problem(api, "PUT", KEYS_PATH + "/2/disable", 404, KEY_NOT_FOUND)

    with pytest.raises(ProblemDetailsError) as error:
        delete_key(make_client(api), servers_key())

    assert error.value.method == "PUT"


@pytest.mark.parametrize(
    ("status", "problem_type"),
    [
        (404, ORG_NOT_FOUND),
        (403, None),
        (500, None),
    ],
)
def test_delete_key_other_errors_raise(api, status, problem_type):
    reply_problem(api, "DELETE", KEYS_PATH + "/2", status, problem_type)

    with pytest.raises(ProblemDetailsError) as error:
        delete_key(make_client(api), servers_key())

    assert error.value.status == status
    assert [request["method"] for request in api.requests] == ["DELETE"]


def test_delete_key_without_fallback_changes_nothing(api):
    reply_problem(api, "DELETE", KEYS_PATH + "/2", 405, None)

    with pytest.raises(EnclaveError) as error:
        delete_key(make_client(api), servers_key(), fallback=False)

    assert "The API did not delete enrolment key 'Servers' (id 2): DELETE returned HTTP 405" in str(error.value)
    assert [request["method"] for request in api.requests] == ["DELETE"]
