"""Tokens, User-Agent, organisation access and the problem+json error format."""

from __future__ import annotations

import re

import requests
import urllib3
from emulator_helpers import (
    ACME_ORG,
    DEMO_TOKEN,
    LABS_ORG,
    MULTI_ORG_TOKEN,
    OTHER_ORG,
    USER_AGENT,
    ApiClient,
    assert_problem,
)
from enclave_emulator.server import EmulatorServer

# urllib3 adds its own User-Agent unless the header is set to SKIP_HEADER.
NO_USER_AGENT = {"User-Agent": urllib3.util.SKIP_HEADER}
VALIDATION_TYPE = "https://tools.ietf.org/html/rfc9110#section-15.5.1"


def test_missing_token_gives_401(server):
    response = ApiClient(server.url, token=None).get("/account/orgs")
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_gives_401(server):
    response = ApiClient(server.url, token="X" * 63).get("/account/orgs")
    assert_problem(response, 401)


def test_malformed_authorization_gives_401(server):
    for header in (f"Basic {DEMO_TOKEN}", "Bearer", f"Bearer{DEMO_TOKEN}", DEMO_TOKEN):
        response = requests.get(
            server.url + "/account/orgs",
            headers={"Authorization": header, "User-Agent": USER_AGENT},
            timeout=10,
        )
        assert_problem(response, 401)


def test_bearer_scheme_any_case(server):
    response = requests.get(
        server.url + "/account/orgs",
        headers={"Authorization": f"bearer {DEMO_TOKEN}", "User-Agent": USER_AGENT},
        timeout=10,
    )
    assert response.status_code == 200


def test_missing_user_agent_gives_400(api):
    response = api.get("/account/orgs", headers=NO_USER_AGENT)
    body = assert_problem(response, 400)
    assert "User-Agent" in body["detail"]


def test_user_agent_checked_before_token(server):
    response = requests.get(server.url + "/account/orgs", headers=NO_USER_AGENT, timeout=10)
    assert_problem(response, 400)


def test_missing_user_agent_status_configurable():
    server = EmulatorServer(missing_user_agent_status=403).start()
    try:
        response = ApiClient(server.url).get("/account/orgs", headers=NO_USER_AGENT)
        assert_problem(response, 403)
    finally:
        server.stop()


def test_unreachable_org_gives_404(api):
    body = assert_problem(api.get(f"/org/{OTHER_ORG}/systems"), 404)
    assert body["type"] == "https://api.enclave.io/problems/type/organisation-not-found"
    assert OTHER_ORG in body["detail"]
    assert_problem(api.get(f"/org/{OTHER_ORG}"), 404)


def test_demo_token_cannot_reach_labs(api):
    assert_problem(api.get(f"/org/{LABS_ORG}/systems"), 404)


def test_multi_org_token_reaches_labs(server):
    client = ApiClient(server.url, token=MULTI_ORG_TOKEN, org_id=LABS_ORG)
    response = client.get("~/systems")
    assert response.status_code == 200
    assert {item["systemId"] for item in response.json()["items"]} == {"LB1K8", "LB2PI"}


def test_org_id_with_hyphens_and_upper_case(api):
    hyphenated = "33A606D6-B09C-4557-A01C-62CD4C0B405B"
    response = api.get(f"/org/{hyphenated}")
    assert response.status_code == 200
    assert response.json()["id"] == ACME_ORG


def test_problem_fields_and_headers(api):
    response = api.get("~/systems/NOTASYSTEM")
    body = assert_problem(response, 404, "https://api.enclave.io/problems/type/system-not-found")
    assert body["title"] == "System cannot be found"
    assert "NOTASYSTEM" in body["detail"]
    assert "access rights" in body["detail"]
    match = re.fullmatch(r"https://api\.enclave\.io/problems/instance/([0-9a-f]{32})", body["instance"])
    assert match
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-00", body["traceId"])
    assert body["traceId"].split("-")[1] == match.group(1)
    assert response.headers["Cache-Control"] == "no-cache, no-store, must-revalidate"
    assert response.headers["Pragma"] == "no-cache"
    assert response.headers["Expires"] == "0"


def test_trace_ids_differ_between_errors(api):
    first = api.get("~/systems/NOPE1").json()["traceId"]
    second = api.get("~/systems/NOPE2").json()["traceId"]
    assert first != second


def test_unknown_route_gives_404(api):
    assert_problem(api.get("/no/such/route"), 404)
    assert_problem(api.get("~/no-such-collection"), 404)


def test_wrong_method_gives_405(api):
    response = api.post("~/systems", json={})
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]
    assert "DELETE" in response.headers["Allow"]


def test_malformed_json_gives_400(api):
    response = api.patch("~/systems/K5Y9F", data="{not json", headers={"Content-Type": "application/json"})
    body = assert_problem(response, 400, VALIDATION_TYPE)
    assert body["title"] == "One or more validation errors occurred."
    assert isinstance(body["errors"], dict)
    assert body["errors"]


def test_empty_body_gives_400(api):
    response = api.patch("~/systems/K5Y9F", headers={"Content-Type": "application/json"})
    body = assert_problem(response, 400, VALIDATION_TYPE)
    assert body["errors"]


def test_json_array_body_gives_400(api):
    assert_problem(api.patch("~/systems/K5Y9F", json=[1, 2]), 400, VALIDATION_TYPE)


def test_non_json_content_type_gives_415(api):
    response = api.patch("~/systems/K5Y9F", data='{"description": "x"}', headers={"Content-Type": "text/plain"})
    assert_problem(response, 415)


def test_token_never_in_responses(server):
    client = ApiClient(server.url)
    bad = ApiClient(server.url, token="Y" * 63)
    responses = [
        client.get("/account/orgs"),
        client.get(f"/org/{OTHER_ORG}"),
        bad.get("/account/orgs"),
        client.get("/_emulator/state"),
        client.get("/_emulator/requests"),
    ]
    for response in responses:
        assert DEMO_TOKEN not in response.text
        assert "Y" * 63 not in response.text


def test_success_content_type(api):
    response = api.get("/account/orgs")
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


def test_non_loopback_host_rejected():
    for host in ("0.0.0.0", "192.0.2.1", "example.com", "::"):
        try:
            EmulatorServer(host=host)
        except ValueError as error:
            assert "loopback" in str(error)
        else:
            raise AssertionError(f"host {host} was accepted")


def test_ipv6_loopback_server():
    server = EmulatorServer(host="::1")
    try:
        server.start()
    except OSError:
        # Hosts without IPv6 cannot bind ::1; nothing else to check there.
        return
    try:
        assert server.url.startswith("http://[::1]:")
        assert ApiClient(server.url).get("/account/orgs").status_code == 200
    finally:
        server.stop()
