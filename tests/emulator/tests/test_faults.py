"""Scripted faults and HTTPS: each fault's response, attempt counting, the control endpoint and the CLI form."""

from __future__ import annotations

import json
import ssl

import pytest
import requests
from emulator_helpers import ACME_ORG, DEMO_TOKEN, USER_AGENT, ApiClient, assert_problem
from enclave_emulator.__main__ import parse_args
from enclave_emulator.control import is_loopback_peer
from enclave_emulator.faults import FaultError, parse_fault_option, parse_rules
from enclave_emulator.server import EmulatorServer
from enclave_emulator.tls import generate_tls_files

SYSTEM = "~/systems/488Q"
KEYS = "~/enrolment-keys"


def set_faults(api, *rules):
    response = api.put("/_emulator/faults", json={"rules": list(rules)})
    assert response.status_code == 200, response.text
    return response.json()


def key_count(server):
    return len(server.store.orgs[ACME_ORG]["enrolmentKeys"])


def test_no_faults_by_default(server, api):
    assert api.get("/_emulator/faults").json() == {"rules": [], "attempts": {}}
    assert api.get(SYSTEM).status_code == 200
    assert "fault" not in server.requests()[0]


def test_fault_applies_to_listed_attempts_only(server, api):
    set_faults(api, {"method": "GET", "path": "/org/*/systems/488Q", "attempts": [1, 2], "fault": "503"})

    statuses = [api.get(SYSTEM).status_code for _attempt in range(3)]
    assert statuses == [503, 503, 200]
    log = server.requests()
    assert [entry["attempt"] for entry in log] == [1, 2, 3]
    assert [entry.get("fault") for entry in log] == ["503", "503", None]


def test_attempts_counted_per_path(server, api):
    set_faults(api, {"method": "GET", "path": "/org/*/systems/*", "attempts": [1], "fault": "500"})

    assert api.get(SYSTEM).status_code == 500
    assert api.get("~/systems/K5Y9F").status_code == 500
    assert api.get(SYSTEM).status_code == 200


def test_fault_without_attempts_repeats(api):
    set_faults(api, {"method": "GET", "path": "/org/*/systems/488Q", "fault": "504"})

    assert [api.get(SYSTEM).status_code for _attempt in range(4)] == [504] * 4


def test_method_filter(api):
    set_faults(api, {"method": "PATCH", "path": "/org/*/systems/488Q", "fault": "503"})

    assert api.get(SYSTEM).status_code == 200
    assert api.patch(SYSTEM, json={"description": "x"}).status_code == 503


def test_rate_limit_sends_retry_after(api):
    set_faults(api, {"path": "/org/*/systems/488Q", "fault": {"kind": "429", "retryAfter": 7}})

    response = api.get(SYSTEM)
    assert_problem(response, 429)
    assert response.headers["Retry-After"] == "7"


def test_rate_limit_retry_after_default(api):
    set_faults(api, {"path": "/org/*/systems/488Q", "fault": "429"})

    assert api.get(SYSTEM).headers["Retry-After"] == "1"


def test_unavailable_may_send_http_date(api):
    date = "Wed, 21 Oct 2026 07:28:00 GMT"
    set_faults(api, {"path": "/org/*/systems/488Q", "fault": {"kind": "503", "retryAfter": date}})

    response = api.get(SYSTEM)
    assert_problem(response, 503)
    assert response.headers["Retry-After"] == date


@pytest.mark.parametrize("kind, phrase", [("502", "502 Bad Gateway"), ("504", "504 Gateway Timeout")])
def test_gateway_errors_send_html(api, kind, phrase):
    set_faults(api, {"path": "/org/*/systems/488Q", "fault": kind})

    response = api.get(SYSTEM)
    assert response.status_code == int(kind)
    assert response.headers["Content-Type"].startswith("text/html")
    assert phrase in response.text


def test_server_error_is_problem(api):
    set_faults(api, {"path": "/org/*/systems/488Q", "fault": "500"})

    assert_problem(api.get(SYSTEM), 500)


def test_validation_problem_has_errors(api):
    errors = {"UsesRemaining": ["Must be -1 or more."]}
    set_faults(api, {"path": "/org/*/enrolment-keys", "fault": {"kind": "validation-problem", "errors": errors}})

    body = assert_problem(api.post(KEYS, json={"description": "x"}), 400)
    assert body["errors"] == errors


def test_status_fault_leaves_state_alone(server, api):
    before = key_count(server)
    set_faults(api, {"method": "POST", "path": "/org/*/enrolment-keys", "fault": "503"})

    assert api.post(KEYS, json={"description": "lost"}).status_code == 503
    assert key_count(server) == before
    assert server.requests()[0]["handled"] is False


def test_handled_status_fault_applies_request(server, api):
    before = key_count(server)
    set_faults(api, {"method": "POST", "path": "/org/*/enrolment-keys", "fault": {"kind": "504", "handled": True}})

    assert api.post(KEYS, json={"description": "applied"}).status_code == 504
    assert key_count(server) == before + 1
    assert server.requests()[0]["handled"] is True


def test_reset_before_body_applies_request(server, api):
    before = key_count(server)
    set_faults(api, {"method": "POST", "path": "/org/*/enrolment-keys", "fault": "reset-before-body"})

    with pytest.raises(requests.exceptions.ConnectionError):
        api.post(KEYS, json={"description": "applied"})
    assert key_count(server) == before + 1
    entry = server.requests()[0]
    assert entry["status"] is None
    assert entry["fault"] == "reset-before-body"


def test_reset_after_body_delivers_response(server, api):
    set_faults(api, {"path": "/org/*/systems/488Q", "fault": "reset-after-body"})

    response = api.get(SYSTEM)
    assert response.status_code == 200
    assert response.json()["systemId"] == "488Q"
    assert api.get("~/systems/K5Y9F").status_code == 200


def test_malformed_json_keeps_length(api):
    set_faults(api, {"path": "/org/*/systems/488Q", "fault": "malformed-json"})

    response = api.get(SYSTEM)
    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) == len(response.content)
    with pytest.raises(ValueError):
        json.loads(response.content)


def test_truncated_json_breaks_connection(api):
    set_faults(api, {"path": "/org/*/systems/488Q", "fault": "truncated-json"})

    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        api.get(SYSTEM)


def test_slow_response_passes_client_timeout(server, api):
    set_faults(api, {"path": "/org/*/systems/488Q", "fault": {"kind": "slow", "delay": 30}})

    with pytest.raises(requests.exceptions.ReadTimeout):
        api.session.get(server.url + "/org/{0}/systems/488Q".format(ACME_ORG), timeout=0.2)
    server.faults.release()


def test_faults_cleared(api):
    set_faults(api, {"path": "*", "fault": "503"})

    assert api.delete("/_emulator/faults").json() == {"cleared": 1}
    assert api.get(SYSTEM).status_code == 200


def test_faults_listed_with_attempts(api):
    set_faults(api, {"method": "get", "path": "/org/*/systems/488Q", "attempts": [2], "fault": "503"})
    api.get(SYSTEM)

    listed = api.get("/_emulator/faults").json()
    assert listed["rules"] == [
        {
            "method": "GET",
            "path": "/org/*/systems/488Q",
            "attempts": [2],
            "fault": {"kind": "503", "handled": False},
        }
    ]
    assert listed["attempts"] == {"GET /org/{0}/systems/488q".format(ACME_ORG): 1}


@pytest.mark.parametrize(
    "document, message",
    [
        ({}, '"rules" list'),
        ({"rules": [{"path": "*"}]}, "has no 'fault'"),
        ({"rules": [{"path": "*", "fault": "418"}]}, "'418' is unknown"),
        ({"rules": [{"path": "*", "fault": "503", "attempts": [0]}]}, "'attempts' [0] is invalid"),
        ({"rules": [{"path": "*", "fault": {"kind": "slow", "delay": -1}}]}, "'delay' -1 is invalid"),
        ({"rules": [{"path": "*", "fault": {"kind": "503", "handled": "yes"}}]}, "'handled' 'yes' is invalid"),
        ({"rules": [{"path": "*", "fault": "503", "when": 1}]}, "when are unknown"),
    ],
)
def test_invalid_fault_rules_rejected(api, document, message):
    response = api.put("/_emulator/faults", json=document)

    body = assert_problem(response, 400)
    assert message in body["errors"]["faults"][0]


def test_control_endpoint_needs_loopback():
    assert is_loopback_peer("127.0.0.1")
    assert not is_loopback_peer("192.0.2.10")


def test_command_line_fault_form():
    rule = parse_fault_option("POST /org/*/enrolment-keys 429=5 1,3")

    assert rule.to_dict() == {
        "method": "POST",
        "path": "/org/*/enrolment-keys",
        "attempts": [1, 3],
        "fault": {"kind": "429", "handled": False, "retryAfter": "5"},
    }


def test_command_line_slow_delay():
    assert parse_fault_option("GET * slow=0.5").fault.delay == 0.5


@pytest.mark.parametrize("text", ["GET *", "GET * 503 one", "GET * slow=soon", "GET * teapot"])
def test_command_line_fault_invalid(text):
    with pytest.raises(FaultError):
        parse_fault_option(text)


def test_command_line_reads_faults_file(tmp_path):
    path = tmp_path / "faults.json"
    path.write_text(json.dumps({"rules": [{"path": "*", "fault": "502"}]}))

    args = parse_args(["--faults", str(path), "--fault", "GET /account/orgs 503 1"])
    assert [rule.fault.kind for rule in args.fault_rules] == ["502", "503"]


def test_server_takes_rules_at_start():
    with EmulatorServer(faults=parse_rules({"rules": [{"path": "/account/orgs", "fault": "503"}]})) as emulator:
        client = ApiClient(emulator.url)
        assert client.get("/account/orgs").status_code == 503


def test_https_served_with_generated_certificate(tmp_path):
    files = generate_tls_files(str(tmp_path))
    with EmulatorServer(tls_files=files) as emulator:
        assert emulator.url.startswith("https://127.0.0.1:")
        headers = {"Authorization": "Bearer " + DEMO_TOKEN, "User-Agent": USER_AGENT}

        with pytest.raises(requests.exceptions.SSLError):
            requests.get(emulator.url + "/account/orgs", headers=headers, timeout=10)
        trusted = requests.get(emulator.url + "/account/orgs", headers=headers, timeout=10, verify=files.ca_path)
        assert trusted.status_code == 200
        assert trusted.json()["orgs"][0]["orgId"] == ACME_ORG


def test_https_page_links_use_https(tmp_path):
    files = generate_tls_files(str(tmp_path))
    with EmulatorServer(tls_files=files) as emulator:
        client = ApiClient(emulator.url)
        links = client.get("~/systems", verify=files.ca_path).json()["links"]
        assert links["first"].startswith("https://")


def test_generated_key_is_private(tmp_path):
    files = generate_tls_files(str(tmp_path))

    assert (tmp_path / "server-key.pem").stat().st_mode & 0o077 == 0
    context = ssl.create_default_context(cafile=files.ca_path)
    assert context.cert_store_stats()["x509_ca"] == 1
