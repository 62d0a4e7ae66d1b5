"""POST /authority/enrol: the enrolment a real agent performs with an enrolment key."""

from __future__ import annotations

import secrets

import pytest
import requests
from emulator_helpers import ACME_ORG, USER_AGENT, assert_problem

PROBLEM_TYPE = "https://api.enclave.io/problems/type/"


def enrol(server, enrolment_key, public_key=None, **facts):
    """Send an enrolment request without a bearer token, as the agent does."""
    body = {
        "publicKey": public_key or secrets.token_hex(32),
        "enrolmentKey": enrolment_key,
        "nonce": secrets.token_hex(8),
    }
    body.update(facts)
    return requests.post(server.url + "/authority/enrol", json=body, headers={"User-Agent": USER_AGENT}, timeout=10)


def create_key(api, **fields):
    body = {"description": "Agent tests", "approvalMode": "Automatic"}
    body.update(fields)
    response = api.post("~/enrolment-keys", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_enrol_creates_connected_system(server, api):
    key = create_key(api, tags=["web"], usesRemaining=2)

    response = enrol(server, key["key"], hostname="web-01", platformType="Linux", enclaveVersion="2026.6.3.2419")

    assert response.status_code == 200, response.text
    result = response.json()
    assert result["orgId"] == ACME_ORG
    assert result["approvalRequired"] is False
    assert result["tags"] == ["web"]
    system = api.get("~/systems/" + result["systemId"]).json()
    assert system["hostname"] == "web-01"
    assert system["state"] == "Connected"
    assert system["enclaveVersion"] == "2026.6.3.2419"
    assert system["enrolmentKeyId"] == key["id"]
    assert [tag["tag"] for tag in system["tags"]] == ["web"]
    assert system["virtualAddress"] == result["virtualAddress"]
    assert system["lastSeen"] is not None


def test_enrol_counts_down_uses(server, api):
    key = create_key(api, usesRemaining=2)

    assert enrol(server, key["key"]).status_code == 200

    stored = api.get("~/enrolment-keys/{}".format(key["id"])).json()
    assert stored["usesRemaining"] == 1
    assert stored["enrolledCount"] == 1
    assert stored["lastUsed"] is not None


def test_enrol_manual_key_waits_for_approval(server, api):
    key = create_key(api, approvalMode="Manual", tags=["prod"])

    response = enrol(server, key["key"], hostname="db-01")

    assert response.status_code == 200, response.text
    result = response.json()
    assert result["approvalRequired"] is True
    assert result["virtualAddress"] is None
    waiting = api.get("~/unapproved-systems/" + result["systemId"])
    assert waiting.status_code == 200
    assert waiting.json()["hostname"] == "db-01"
    assert waiting.json()["enrolledFrom"] == "127.0.0.1"
    assert api.get("~/systems/" + result["systemId"]).status_code == 404


def test_enrol_ephemeral_key_sets_retention(server, api):
    key = create_key(api, type="Ephemeral", disconnectedRetentionMinutes=30)

    result = enrol(server, key["key"]).json()

    system = api.get("~/systems/" + result["systemId"]).json()
    assert system["systemType"] == "Ephemeral"
    assert system["disconnectedRetentionMinutes"] == 30


def test_enrol_repeated_public_key_returns_same_system(server, api):
    key = create_key(api, usesRemaining=5)
    public_key = secrets.token_hex(32)

    first = enrol(server, key["key"], public_key=public_key).json()
    second = enrol(server, key["key"], public_key=public_key).json()

    assert second["systemId"] == first["systemId"]
    stored = api.get("~/enrolment-keys/{}".format(key["id"])).json()
    assert stored["usesRemaining"] == 4


def test_enrol_needs_no_token(server, api):
    key = create_key(api)

    response = enrol(server, key["key"])

    assert response.status_code == 200, response.text
    assert "WWW-Authenticate" not in response.headers


def test_enrol_is_logged(server, api):
    key = create_key(api)
    server.request_log.clear()

    enrol(server, key["key"])

    logged = [(entry["method"], entry["path"], entry["status"]) for entry in server.requests()]
    assert logged == [("POST", "/authority/enrol", 200)]


@pytest.mark.parametrize(
    ("key_fields", "slug"),
    [
        ({}, None),
        ({"usesRemaining": 0}, "enrolment-key-no-uses-remaining"),
        ({"ipConstraints": [{"range": "198.51.100.0/24"}]}, "enrolment-key-ip-constraint"),
    ],
)
def test_enrol_rejected_key_creates_nothing(server, api, key_fields, slug):
    key = create_key(api, **key_fields)
    secret = key["key"] if slug else "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"
    before = len(server.store.orgs[ACME_ORG]["systems"])

    response = enrol(server, secret)

    body = assert_problem(response, 403, PROBLEM_TYPE + (slug or "enrolment-key-invalid"))
    assert secret not in body["detail"]
    assert len(server.store.orgs[ACME_ORG]["systems"]) == before
    assert len(server.store.orgs[ACME_ORG]["unapprovedSystems"]) == 2


def test_enrol_disabled_key_rejected(server, api):
    key = create_key(api)
    assert api.put("~/enrolment-keys/{}/disable".format(key["id"])).status_code == 200

    response = enrol(server, key["key"])

    assert_problem(response, 403, PROBLEM_TYPE + "enrolment-key-disabled")


def test_enrol_ip_range_constraint_allows_loopback(server, api):
    key = create_key(api, ipConstraints=[{"range": "127.0.0.1 - 127.0.0.9"}])

    response = enrol(server, key["key"])

    assert response.status_code == 200, response.text


@pytest.mark.parametrize("missing", ["publicKey", "enrolmentKey", "nonce"])
def test_enrol_missing_field_rejected(server, api, missing):
    key = create_key(api)
    body = {"publicKey": secrets.token_hex(32), "enrolmentKey": key["key"], "nonce": "n1"}
    del body[missing]

    response = requests.post(server.url + "/authority/enrol", json=body, headers={"User-Agent": USER_AGENT}, timeout=10)

    problem = assert_problem(response, 400)
    assert missing[0].upper() + missing[1:] in problem["errors"]


def test_enrol_other_routes_still_need_token(server):
    response = requests.get(server.url + "/account/orgs", headers={"User-Agent": USER_AGENT}, timeout=10)

    assert_problem(response, 401)
