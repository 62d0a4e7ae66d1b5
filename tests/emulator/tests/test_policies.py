"""Policies: create defaults, ACL ports, General and Gateway rules, state, PATCH, enable and delete."""

from __future__ import annotations

import pytest
from emulator_helpers import assert_problem

NOT_FOUND_TYPE = "https://api.enclave.io/problems/type/policy-not-found"
DETAIL_FIELDS = [
    "id",
    "type",
    "created",
    "description",
    "isEnabled",
    "state",
    "senderTags",
    "receiverTags",
    "acls",
    "gatewayAllowedIpRanges",
    "gateways",
    "gatewayTrafficDirection",
    "gatewayPriority",
    "senderTrustRequirements",
    "notes",
    "autoExpire",
    "activeHours",
]
HTTPS = {"protocol": "Tcp", "ports": "443", "description": "HTTPS"}


def create(api, **body):
    response = api.post("~/policies", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def gateway_body(**extra):
    body = {
        "type": "Gateway",
        "description": "Office LAN",
        "senderTags": ["laptop"],
        "gateways": [{"systemId": "gw3tq", "routes": ["192.168.10.0/24"]}],
        "gatewayTrafficDirection": "Exit",
        "acls": [{"protocol": "Any"}],
    }
    body.update(extra)
    return body


def test_list_policies(api):
    items = api.get("~/policies").json()["items"]
    assert [item["description"] for item in items] == ["Laptops to web servers", "Web servers to databases"]
    assert list(items[0]) == DETAIL_FIELDS


def test_fixture_policy_detail(api):
    policy = api.get("~/policies/1").json()
    assert policy["state"] == "Active"
    assert policy["acls"][1]["ports"] == "8000 - 8100"
    assert policy["senderTrustRequirements"] == [
        {"id": 1, "description": "Portal sign-in with MFA", "type": "UserAuthentication"}
    ]


def test_create_defaults(api):
    policy = create(api, description="dev to web", senderTags=["dev"], receiverTags=["web"], acls=[HTTPS])
    assert policy["type"] == "General"
    assert policy["isEnabled"] is True
    assert policy["state"] == "Active"
    assert [tag["tag"] for tag in policy["senderTags"]] == ["dev"]
    assert policy["gatewayPriority"] is None
    assert policy["activeHours"] is None


def test_port_range_written_with_spaces(api):
    policy = create(api, description="range", acls=[{"protocol": "udp", "ports": "8000-8100"}])
    assert policy["acls"] == [{"protocol": "Udp", "ports": "8000 - 8100", "description": None}]


def test_no_acls_gives_inactive_state(api):
    assert create(api, description="empty")["state"] == "InactiveNoAcls"


def test_disabled_on_create(api):
    policy = create(api, description="off", isEnabled=False, acls=[HTTPS])
    assert policy["state"] == "Disabled"
    ids = [item["id"] for item in api.get("~/policies").json()["items"]]
    assert policy["id"] not in ids
    ids = [item["id"] for item in api.get("~/policies", params={"include_disabled": "True"}).json()["items"]]
    assert policy["id"] in ids


@pytest.mark.parametrize(
    ("acl", "field"),
    [
        ({"protocol": "Tcp"}, "Acls[0].Ports"),
        ({"protocol": "Tcp", "ports": "0"}, "Acls[0].Ports"),
        ({"protocol": "Tcp", "ports": "70000"}, "Acls[0].Ports"),
        ({"protocol": "Udp", "ports": "9000-8000"}, "Acls[0].Ports"),
        ({"protocol": "Icmp", "ports": "80"}, "Acls[0].Ports"),
        ({"protocol": "Sctp"}, "Acls[0].Protocol"),
        ({}, "Acls[0].Protocol"),
    ],
)
def test_invalid_acl_rejected(api, acl, field):
    body = assert_problem(api.post("~/policies", json={"description": "x", "acls": [acl]}), 400)
    assert field in body["errors"]


def test_duplicate_tags_rejected(api):
    body = assert_problem(api.post("~/policies", json={"description": "x", "senderTags": ["dev", "dev"]}), 400)
    assert "SenderTags" in body["errors"]


def test_duplicate_trust_requirements_rejected(api):
    body = assert_problem(api.post("~/policies", json={"description": "x", "senderTrustRequirements": [1, 1]}), 400)
    assert "SenderTrustRequirements" in body["errors"]


def test_legacy_trust_requirements_name_accepted(api):
    policy = create(api, description="legacy", TrustRequirements=[1])
    assert [item["id"] for item in policy["senderTrustRequirements"]] == [1]


def test_repeated_acls_kept(api):
    assert len(create(api, description="twice", acls=[HTTPS, HTTPS])["acls"]) == 2


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"gateways": [{"systemId": "GW3TQ", "routes": ["10.0.0.0/8"]}]}, "Gateways"),
        ({"gatewayTrafficDirection": "Exit"}, "GatewayTrafficDirection"),
        ({"gatewayAllowedIpRanges": [{"ipRange": "10.0.0.0/8"}]}, "GatewayAllowedIpRanges"),
    ],
)
def test_general_policy_rejects_gateway_fields(api, extra, field):
    body = assert_problem(api.post("~/policies", json=dict({"description": "x"}, **extra)), 400)
    assert field in body["errors"]


def test_create_gateway_policy(api):
    policy = create(api, **gateway_body(gatewayAllowedIpRanges=[{"ipRange": "192.168.10.1-192.168.10.9"}]))
    assert policy["type"] == "Gateway"
    assert policy["gatewayTrafficDirection"] == "Exit"
    assert policy["gatewayPriority"] == "Balanced"
    assert policy["gateways"][0]["systemId"] == "GW3TQ"
    assert policy["gateways"][0]["routes"] == ["192.168.10.0/24"]
    assert policy["gatewayAllowedIpRanges"] == [{"ipRange": "192.168.10.1 - 192.168.10.9", "description": None}]


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"gatewayTrafficDirection": "Entry"}, "GatewayTrafficDirection"),
        ({"gatewayTrafficDirection": None}, "GatewayTrafficDirection"),
        ({"receiverTags": ["web"]}, "ReceiverTags"),
        ({"gatewayPriority": "Prioritised"}, "GatewayPriority"),
        ({"gateways": [{"systemId": "NOPE", "routes": ["10.0.0.0/8"]}]}, "Gateways[0].SystemId"),
        ({"gateways": [{"systemId": "GW3TQ", "routes": ["10.0.0.300/8"]}]}, "Gateways[0].Routes[0]"),
        ({"gateways": [{"systemId": "GW3TQ"}]}, "Gateways[0].Routes"),
    ],
)
def test_gateway_policy_rules(api, extra, field):
    body = assert_problem(api.post("~/policies", json=gateway_body(**extra)), 400)
    assert field in body["errors"]


def test_active_hours(api):
    hours = {
        "timeZoneId": "Europe/London",
        "daysOfWeek": ["monday", "Friday"],
        "startTime": {"hours": 8, "minutes": 0},
        "endTime": {"hours": 18, "minutes": 30},
    }
    policy = create(api, description="office hours", activeHours=hours)
    assert policy["activeHours"]["daysOfWeek"] == ["Monday", "Friday"]
    cleared = api.patch("~/policies/{}".format(policy["id"]), json={"ActiveHours": None}).json()
    assert cleared["activeHours"] is None


def test_active_hours_rejects_bad_time(api):
    hours = {"timeZoneId": "UTC", "daysOfWeek": ["Funday"], "startTime": {"hours": 25, "minutes": 0}}
    body = assert_problem(api.post("~/policies", json={"description": "x", "activeHours": hours}), 400)
    assert "ActiveHours.DaysOfWeek[0]" in body["errors"]
    assert "ActiveHours.StartTime.Hours" in body["errors"]
    assert "ActiveHours.EndTime" in body["errors"]


def test_patch_replaces_lists_and_keeps_others(api):
    body = api.patch("~/policies/1", json={"Acls": [{"protocol": "Tcp", "ports": "22"}], "ReceiverTags": ["db"]}).json()
    assert body["acls"] == [{"protocol": "Tcp", "ports": "22", "description": None}]
    assert [tag["tag"] for tag in body["receiverTags"]] == ["db"]
    assert body["description"] == "Laptops to web servers"
    assert body["notes"] == "Staff laptops reach the web tier."


def test_patch_empty_acls_gives_inactive(api):
    assert api.patch("~/policies/2", json={"Acls": []}).json()["state"] == "InactiveNoAcls"


def test_patch_rejects_null_list(api):
    body = assert_problem(api.patch("~/policies/1", json={"SenderTags": None}), 400)
    assert "SenderTags" in body["errors"]


def test_enable_disable(api):
    assert api.put("~/policies/1/disable").json()["state"] == "Disabled"
    assert api.put("~/policies/1/disable").json()["isEnabled"] is False
    assert api.put("~/policies/1/enable").json()["state"] == "Active"


def test_enable_until(api):
    expiry = {"expiryDateTime": "2030-01-01T00:00:00Z", "expiryAction": "delete"}
    body = api.put("~/policies/2/enable-until", json=expiry).json()
    assert body["autoExpire"]["expiryAction"] == "Delete"


def test_bulk_enable_disable_and_delete(api):
    assert api.put("~/policies/disable", json={"policyIds": [1, 2, 99]}).json() == {"policiesUpdated": 2}
    assert api.put("~/policies/enable", json={"policyIds": [1]}).json() == {"policiesUpdated": 1}
    assert api.delete("~/policies", json={"policyIds": [1, 99]}).json() == {"policiesDeleted": 1}
    assert_problem(api.get("~/policies/1"), 404, NOT_FOUND_TYPE)


def test_delete_returns_model(api):
    body = api.delete("~/policies/2").json()
    assert body["description"] == "Web servers to databases"
    assert_problem(api.delete("~/policies/2"), 404, NOT_FOUND_TYPE)


@pytest.mark.parametrize(
    ("search", "expected"),
    [("databases", [2]), ("tags:laptop", [1]), ("tags:web", [1, 2]), ("state:enabled", [1, 2])],
)
def test_search_policies(api, search, expected):
    items = api.get("~/policies", params={"search": search}).json()["items"]
    assert [item["id"] for item in items] == expected
