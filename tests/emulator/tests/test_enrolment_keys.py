"""Enrolment keys: create defaults, derived status, validation, PATCH, enable and disable, delete."""

from __future__ import annotations

import re

import pytest
from emulator_helpers import assert_problem

NOT_FOUND_TYPE = "https://api.enclave.io/problems/type/enrolment-key-not-found"
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$")
SECRET = re.compile(r"^[A-Z0-9]{5}(-[A-Z0-9]{5}){4}$")
DETAIL_FIELDS = [
    "id",
    "created",
    "lastUsed",
    "type",
    "approvalMode",
    "status",
    "key",
    "description",
    "isEnabled",
    "usesRemaining",
    "enrolledCount",
    "unapprovedCount",
    "tags",
    "disconnectedRetentionMinutes",
    "ipConstraints",
    "notes",
    "autoExpire",
]


def create(api, **body):
    response = api.post("~/enrolment-keys", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_list_keys(api):
    body = api.get("~/enrolment-keys").json()
    assert [item["description"] for item in body["items"]] == ["CI build agents", "Servers"]
    for item in body["items"]:
        assert list(item) == [field for field in DETAIL_FIELDS if field not in ("ipConstraints", "notes")]
        assert SECRET.match(item["key"])


def test_list_keys_include_disabled(api):
    body = api.get("~/enrolment-keys", params={"include_disabled": "True"}).json()
    assert [item["id"] for item in body["items"]] == [3, 2, 1]
    assert body["items"][2]["status"] == "Disabled"


def test_key_counts(api):
    servers = api.get("~/enrolment-keys/2").json()
    assert servers["enrolledCount"] == 7
    assert servers["unapprovedCount"] == 2


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("servers", [2]),
        ("name:build", [3]),
        ("approval:gated", [2]),
        ("approval:automatic", [3, 1]),
        ("state:disabled", [1]),
        ("uses:>0", [1]),
        ("enrolled:>5", [2]),
        ("tags:dev", [3]),
    ],
)
def test_search_keys(api, search, expected):
    params = {"search": search, "include_disabled": "true"}
    assert [item["id"] for item in api.get("~/enrolment-keys", params=params).json()["items"]] == expected


def test_sort_keys(api):
    params = {"sort": "UsesRemaining", "include_disabled": "true"}
    assert [item["id"] for item in api.get("~/enrolment-keys", params=params).json()["items"]] == [2, 3, 1]
    assert_problem(api.get("~/enrolment-keys", params={"sort": "Newest"}), 400)


def test_create_defaults(api):
    body = create(api, description="Build servers")
    assert list(body) == DETAIL_FIELDS
    assert body["type"] == "GeneralPurpose"
    assert body["approvalMode"] == "Manual"
    assert body["usesRemaining"] == -1
    assert body["status"] == "Enabled"
    assert body["isEnabled"] is True
    assert body["disconnectedRetentionMinutes"] is None
    assert body["ipConstraints"] == []
    assert body["tags"] == []
    assert body["lastUsed"] is None
    assert body["autoExpire"] is None
    assert DATETIME.match(body["created"])
    assert SECRET.match(body["key"])
    assert isinstance(body["id"], int)
    assert body["id"] > 5
    assert api.get(f"~/enrolment-keys/{body['id']}").json() == body


def test_create_ids_and_secrets_unique(api):
    first = create(api, description="One")
    second = create(api, description="Two")
    assert second["id"] == first["id"] + 1
    assert first["key"] != second["key"]


def test_create_ephemeral_pascal_case(api):
    body = create(
        api,
        Description="Runners",
        Type="ephemeral",
        ApprovalMode="AUTOMATIC",
        UsesRemaining=10,
        Tags=["ci", "dev"],
        Notes="for CI",
    )
    assert body["type"] == "Ephemeral"
    assert body["approvalMode"] == "Automatic"
    assert body["disconnectedRetentionMinutes"] == 15
    assert body["usesRemaining"] == 10
    assert [tag["tag"] for tag in body["tags"]] == ["ci", "dev"]
    assert body["notes"] == "for CI"


def test_create_ephemeral_retention(api):
    body = create(api, description="Short", type="Ephemeral", disconnectedRetentionMinutes=5)
    assert body["disconnectedRetentionMinutes"] == 5


def test_create_retention_on_general_rejected(api):
    body = {"description": "General", "disconnectedRetentionMinutes": 15}
    problem = assert_problem(api.post("~/enrolment-keys", json=body), 400)
    assert "DisconnectedRetentionMinutes" in problem["errors"]


def test_create_ip_constraints_normalised(api):
    constraints = [
        {"range": "10.0.0.0/8", "description": "Private"},
        {"range": "192.0.2.7"},
        {"range": "198.51.100.1-198.51.100.9", "description": "Office"},
        {"Range": "203.0.113.1 - 203.0.113.2"},
    ]
    body = create(api, description="Constrained", ipConstraints=constraints)
    assert body["ipConstraints"] == [
        {"range": "10.0.0.0/8", "description": "Private"},
        {"range": "192.0.2.7", "description": None},
        {"range": "198.51.100.1 - 198.51.100.9", "description": "Office"},
        {"range": "203.0.113.1 - 203.0.113.2", "description": None},
    ]


def test_create_ipv6_constraints_normalised(api):
    constraints = [
        {"range": "2001:db8::/32"},
        {"range": "2001:DB8::7"},
        {"range": "2001:db8::1-2001:db8::9"},
        {"range": "2001:db8::a - 2001:db8::a"},
    ]
    body = create(api, description="IPv6", ipConstraints=constraints)
    assert body["ipConstraints"] == [
        {"range": "2001:db8::/32", "description": None},
        {"range": "2001:DB8::7", "description": None},
        {"range": "2001:db8::1 - 2001:db8::9", "description": None},
        {"range": "2001:db8::a - 2001:db8::a", "description": None},
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "Description"),
        ({"description": ""}, "Description"),
        ({"description": "   "}, "Description"),
        ({"description": None}, "Description"),
        ({"description": "x", "usesRemaining": -2}, "UsesRemaining"),
        ({"description": "x", "usesRemaining": "ten"}, "UsesRemaining"),
        ({"description": "x", "type": "Permanent"}, "Type"),
        ({"description": "x", "approvalMode": "Sometimes"}, "ApprovalMode"),
        ({"description": "x", "ipConstraints": [{"range": "10.0.0.300"}]}, "IpConstraints[0].Range"),
        ({"description": "x", "ipConstraints": [{"range": "10.0.0.9 - 10.0.0.1"}]}, "IpConstraints[0].Range"),
        ({"description": "x", "ipConstraints": [{"range": "2001:db8::9 - 2001:db8::1"}]}, "IpConstraints[0].Range"),
        ({"description": "x", "ipConstraints": [{"range": "192.0.2.1 - 2001:db8::1"}]}, "IpConstraints[0].Range"),
        ({"description": "x", "ipConstraints": [{"range": "2001:db8::1 - 2001:db8::g"}]}, "IpConstraints[0].Range"),
        ({"description": "x", "ipConstraints": [{}]}, "IpConstraints[0].Range"),
        ({"description": "x", "tags": ["a", "a"]}, "Tags"),
        (
            {"description": "x", "autoExpire": {"expiryDateTime": "soon", "expiryAction": "Disable"}},
            "AutoExpire.ExpiryDateTime",
        ),
    ],
)
def test_create_validation(api, body, field):
    problem = assert_problem(api.post("~/enrolment-keys", json=body), 400)
    assert problem["title"] == "One or more validation errors occurred."
    assert field in problem["errors"], problem["errors"]


def test_create_with_auto_expire(api):
    expiry = {"expiryDateTime": "2027-03-01T00:00:00Z", "expiryAction": "Delete", "timeZoneId": None}
    body = create(api, description="Temporary", autoExpire=expiry)
    assert body["autoExpire"] == {
        "timeZoneId": None,
        "expiryDateTime": "2027-03-01T00:00:00.0000000Z",
        "expiryAction": "Delete",
    }


def test_status_no_uses_remaining(api):
    body = api.patch("~/enrolment-keys/2", json={"UsesRemaining": 0}).json()
    assert body["status"] == "NoUsesRemaining"
    body = api.patch("~/enrolment-keys/2", json={"usesRemaining": -1}).json()
    assert body["status"] == "Enabled"


def test_patch_key(api):
    patch = {
        "Description": "Servers (prod)",
        "ApprovalMode": "automatic",
        "IpConstraints": [{"range": "10.1.0.0/16"}],
        "Tags": ["prod", "web"],
        "Notes": None,
        "Type": "Ephemeral",
    }
    body = api.patch("~/enrolment-keys/2", json=patch).json()
    assert body["description"] == "Servers (prod)"
    assert body["approvalMode"] == "Automatic"
    assert body["ipConstraints"] == [{"range": "10.1.0.0/16", "description": None}]
    assert [tag["tag"] for tag in body["tags"]] == ["prod", "web"]
    assert body["type"] == "GeneralPurpose"
    assert body["key"] == "H4D8Z-2M6QW-T9K3B-R5X7N-C8J2P"
    system = api.get("~/systems/K5Y9F").json()
    assert system["enrolmentKeyDescription"] == "Servers (prod)"


def test_patch_retention_rules(api):
    problem = assert_problem(api.patch("~/enrolment-keys/2", json={"disconnectedRetentionMinutes": 30}), 400)
    assert "DisconnectedRetentionMinutes" in problem["errors"]
    assert api.patch("~/enrolment-keys/2", json={"disconnectedRetentionMinutes": None}).status_code == 200
    body = api.patch("~/enrolment-keys/3", json={"DisconnectedRetentionMinutes": 30}).json()
    assert body["disconnectedRetentionMinutes"] == 30


def test_patch_empty_description_rejected(api):
    assert "Description" in assert_problem(api.patch("~/enrolment-keys/2", json={"description": ""}), 400)["errors"]


def test_unknown_key_404(api):
    until = {"expiryDateTime": "2027-01-01T00:00:00Z", "expiryAction": "Disable"}
    assert_problem(api.get("~/enrolment-keys/999"), 404, NOT_FOUND_TYPE)
    assert_problem(api.patch("~/enrolment-keys/999", json={"notes": "x"}), 404, NOT_FOUND_TYPE)
    assert_problem(api.delete("~/enrolment-keys/999"), 404, NOT_FOUND_TYPE)
    assert_problem(api.put("~/enrolment-keys/999/enable"), 404, NOT_FOUND_TYPE)
    assert_problem(api.put("~/enrolment-keys/999/disable"), 404, NOT_FOUND_TYPE)
    assert_problem(api.put("~/enrolment-keys/999/enable-until", json=until), 404, NOT_FOUND_TYPE)


def test_key_of_other_org_404(api):
    assert_problem(api.get("~/enrolment-keys/4"), 404, NOT_FOUND_TYPE)


def test_non_integer_key_id_404(api):
    assert_problem(api.get("~/enrolment-keys/abc"), 404)


def test_enable_disable_idempotent(api):
    disabled = api.put("~/enrolment-keys/2/disable").json()
    assert disabled["isEnabled"] is False
    assert disabled["status"] == "Disabled"
    assert api.put("~/enrolment-keys/2/disable").json() == disabled
    enabled = api.put("~/enrolment-keys/2/enable").json()
    assert enabled["status"] == "Enabled"
    assert api.put("~/enrolment-keys/2/enable").json() == enabled


def test_enable_until_key(api):
    until = {"expiryDateTime": "2027-06-30T17:00:00+02:00", "expiryAction": "Disable", "timeZoneId": "Europe/Paris"}
    body = api.put("~/enrolment-keys/1/enable-until", json=until).json()
    assert body["isEnabled"] is True
    assert body["status"] == "Enabled"
    assert body["autoExpire"] == {
        "timeZoneId": "Europe/Paris",
        "expiryDateTime": "2027-06-30T15:00:00.0000000Z",
        "expiryAction": "Disable",
    }


def test_delete_key_then_404(api):
    response = api.delete("~/enrolment-keys/1")
    assert response.status_code == 200
    assert list(response.json()) == DETAIL_FIELDS
    assert_problem(api.get("~/enrolment-keys/1"), 404, NOT_FOUND_TYPE)
    system = api.get("~/systems/488Q").json()
    assert system["enrolmentKeyIsDeleted"] is True
    assert system["enrolmentKeyDescription"] == "Workstations"


def test_bulk_enable_disable_keys(api):
    assert api.put("~/enrolment-keys/disable", json={"keyIds": [2, 3, 1, 999]}).json() == {"keysModified": 2}
    assert api.put("~/enrolment-keys/enable", json={"KeyIds": [1, 2]}).json() == {"keysModified": 2}
    assert api.put("~/enrolment-keys/enable", json={"keyIds": [1, 2]}).json() == {"keysModified": 0}


def test_bulk_delete_keys(api):
    assert api.delete("~/enrolment-keys", json={"keyIds": [1, 3, 999]}).json() == {"keysDeleted": 2}
    body = api.get("~/enrolment-keys", params={"include_disabled": "true"}).json()
    assert [item["id"] for item in body["items"]] == [2]


def test_bulk_key_ids_validation(api):
    ids = list(range(1000, 1201))
    assert "KeyIds" in assert_problem(api.put("~/enrolment-keys/enable", json={"keyIds": ids}), 400)["errors"]
    assert "KeyIds" in assert_problem(api.delete("~/enrolment-keys", json={"keyIds": ids}), 400)["errors"]
    assert "KeyIds[0]" in assert_problem(api.put("~/enrolment-keys/enable", json={"keyIds": ["2"]}), 400)["errors"]
