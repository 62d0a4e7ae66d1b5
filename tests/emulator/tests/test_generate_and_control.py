"""Fixture generation, the control endpoints and the request log."""

from __future__ import annotations

import concurrent.futures
import json
import re

import requests
import urllib3
from emulator_helpers import ACME_ORG, DEMO_TOKEN, USER_AGENT, ApiClient, assert_problem
from enclave_emulator.generate import generate_fixture
from enclave_emulator.server import EmulatorServer, RequestHandler
from enclave_emulator.store import Store


def default_org(fixture):
    return next(org for org in fixture["orgs"] if org["id"] == ACME_ORG)


# Generation


def test_generator_deterministic():
    assert generate_fixture(systems=50, unapproved=3, seed=7) == generate_fixture(systems=50, unapproved=3, seed=7)
    assert generate_fixture(systems=50, seed=7) != generate_fixture(systems=50, seed=8)


def test_generator_450_systems():
    fixture = generate_fixture(systems=450, unapproved=2, seed=1)
    org = default_org(fixture)
    assert len(org["systems"]) == 450
    assert len(org["unapprovedSystems"]) == 2
    ids = [system["systemId"] for system in org["systems"] + org["unapprovedSystems"]]
    assert len(set(ids)) == len(ids)
    for system_id in ids:
        assert re.fullmatch(r"[A-Z0-9]{5}", system_id)
    addresses = [system["virtualAddress"] for system in org["systems"]]
    assert len(set(addresses)) == 450
    key_ids = {key["id"] for key in org["enrolmentKeys"]}
    assert {system["enrolmentKeyId"] for system in org["systems"]} <= key_ids
    # The fixture must load, and other orgs stay as they were.
    Store(fixture)
    assert len(next(org for org in fixture["orgs"] if org["name"] == "Acme Labs")["systems"]) == 2


def test_generator_keeps_unapproved_when_not_asked():
    fixture = generate_fixture(systems=10)
    assert [system["systemId"] for system in default_org(fixture)["unapprovedSystems"]] == ["NW7WB", "KS2WN"]


def test_generated_org_over_api():
    server = EmulatorServer(fixture=generate_fixture(systems=450, unapproved=2, seed=1)).start()
    try:
        client = ApiClient(server.url)
        body = client.get("~/systems", params={"include_disabled": "true", "per_page": 200}).json()
        assert body["metadata"]["total"] == 450
        assert client.get("~").json()["enrolledSystems"] == 450
        assert client.get("~/unapproved-systems").json()["metadata"]["total"] == 2
    finally:
        server.stop()


# Request log


def test_request_log_entries(server, api):
    api.get("~/systems", params={"page": 1, "per_page": 5})
    api.get("~/systems/NOPE")
    entries = server.requests()
    assert [entry["path"] for entry in entries] == [f"/org/{ACME_ORG}/systems", f"/org/{ACME_ORG}/systems/NOPE"]
    first = entries[0]
    assert set(first) == {"time", "method", "path", "query", "status", "duration_ms", "user_agent"}
    assert first["method"] == "GET"
    assert first["query"] == {"page": "1", "per_page": "5"}
    assert first["status"] == 200
    assert first["user_agent"] == USER_AGENT
    assert first["duration_ms"] >= 0
    assert first["time"].endswith("Z")
    assert entries[1]["status"] == 404


def test_request_log_counts_rejected_requests(server):
    requests.get(server.url + "/account/orgs", headers={"User-Agent": USER_AGENT}, timeout=10)
    assert [entry["status"] for entry in server.requests()] == [401]


def test_request_log_file_without_token(tmp_path):
    log_path = tmp_path / "requests.jsonl"
    server = EmulatorServer(log_path=str(log_path)).start()
    try:
        client = ApiClient(server.url)
        client.get("~/systems")
        client.patch("~/systems/K5Y9F", json={"description": "x"})
        client.get("/_emulator/requests")
        ApiClient(server.url, token="Z" * 63).get("/account/orgs")
    finally:
        server.stop()
    text = log_path.read_text(encoding="utf-8")
    assert DEMO_TOKEN not in text
    assert "Z" * 63 not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert [line["method"] for line in lines] == ["GET", "PATCH", "GET", "GET"]
    assert lines[2]["control"] is True
    assert "control" not in lines[0]


def test_in_memory_log_never_holds_token(server, api):
    api.get("~/systems")
    assert DEMO_TOKEN not in json.dumps(server.requests(include_control=True))


# Control endpoints


def test_control_requests_lists_api_calls_only(server, api):
    api.get("~/systems")
    api.get("/_emulator/requests")
    body = requests.get(server.url + "/_emulator/requests", timeout=10).json()
    assert [entry["path"] for entry in body["requests"]] == [f"/org/{ACME_ORG}/systems"]
    assert len(server.requests(include_control=True)) == 3


def test_control_clear_requests(server, api):
    api.get("~/systems")
    api.get("~/enrolment-keys")
    response = requests.delete(server.url + "/_emulator/requests", timeout=10)
    assert response.json() == {"cleared": 2}
    assert server.requests() == []


def test_control_needs_no_token_or_user_agent(server):
    response = requests.get(
        server.url + "/_emulator/state", headers={"User-Agent": urllib3.util.SKIP_HEADER}, timeout=10
    )
    assert response.status_code == 200


def test_control_get_state_round_trip(server, api):
    api.patch("~/systems/K5Y9F", json={"description": "Changed"})
    state = requests.get(server.url + "/_emulator/state", timeout=10).json()
    assert DEMO_TOKEN not in json.dumps(state)
    system = next(item for item in default_org(state)["systems"] if item["systemId"] == "K5Y9F")
    assert system["description"] == "Changed"
    api.patch("~/systems/K5Y9F", json={"description": "Changed again"})
    response = requests.put(server.url + "/_emulator/state", json=state, timeout=10)
    assert response.status_code == 200
    assert api.get("~/systems/K5Y9F").json()["description"] == "Changed"
    # Tokens are stored as hashes in the dump, and still work after it is loaded.
    assert api.get("/account/orgs").status_code == 200


def test_control_put_state_generate(server, api):
    api.get("~/systems")
    body = {"generate": {"systems": 120, "unapproved": 5, "seed": 3}}
    response = requests.put(server.url + "/_emulator/state", json=body, timeout=10)
    assert response.status_code == 200
    summary = next(org for org in response.json()["orgs"] if org["id"] == ACME_ORG)
    assert summary["systems"] == 120
    assert summary["unapprovedSystems"] == 5
    assert server.requests() == []
    total = api.get("~/systems", params={"include_disabled": "true"}).json()["metadata"]["total"]
    assert total == 120


def test_control_put_state_fixture(server, api):
    fixture = {
        "tokens": [{"token": DEMO_TOKEN, "orgs": [{"orgId": ACME_ORG, "role": "Admin"}]}],
        "orgs": [{"id": ACME_ORG, "name": "Tiny Org"}],
    }
    assert requests.put(server.url + "/_emulator/state", json=fixture, timeout=10).status_code == 200
    orgs = api.get("/account/orgs").json()["orgs"]
    assert orgs == [{"orgId": ACME_ORG, "orgName": "Tiny Org", "role": "Admin", "partnerAccess": False}]
    assert api.get("~/systems").json()["metadata"]["total"] == 0


def test_control_put_state_invalid(server):
    response = requests.put(server.url + "/_emulator/state", json={"orgs": [{"id": "not-a-guid"}]}, timeout=10)
    assert_problem(response, 400)
    response = requests.put(server.url + "/_emulator/state", json={"generate": {"systems": -1}}, timeout=10)
    assert_problem(response, 400)
    response = requests.put(server.url + "/_emulator/state", data="{", timeout=10)
    assert_problem(response, 400)


def test_control_unknown_path_and_method(server):
    assert_problem(requests.get(server.url + "/_emulator/nothing", timeout=10), 404)
    assert_problem(requests.post(server.url + "/_emulator/state", json={}, timeout=10), 405)


def test_parallel_requests_consistent(server):
    client = ApiClient(server.url)

    def disable_then_read(system_id):
        client_for_thread = ApiClient(server.url)
        try:
            client_for_thread.put(f"~/systems/{system_id}/disable")
            return client_for_thread.get(f"~/systems/{system_id}").json()["state"]
        finally:
            client_for_thread.session.close()

    system_ids = [item["systemId"] for item in client.get("~/systems").json()["items"]]
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        states = list(pool.map(disable_then_read, system_ids * 3))
    assert states == ["Disabled"] * len(system_ids) * 3
    assert len(server.requests()) == 1 + 2 * len(system_ids) * 3
    client.session.close()


def test_load_fixture_python_api(server, api):
    api.get("~/systems")
    server.load_fixture(generate_fixture(systems=3, seed=2))
    assert server.requests() == []
    assert api.get("~/systems", params={"include_disabled": "true"}).json()["metadata"]["total"] == 3


def test_keep_alive_connections_disable_nagle(api):
    # With Nagle's algorithm on, each keep-alive response stalls about 40 ms on the client's delayed ACK,
    # which would distort every benchmark. The handler asks socketserver to set TCP_NODELAY.
    assert RequestHandler.disable_nagle_algorithm is True
    assert api.get("/account/orgs").status_code == 200
