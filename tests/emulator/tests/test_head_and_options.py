"""HEAD and OPTIONS: no route takes them, so they get problem+json 405 or 404 like other wrong methods."""

from __future__ import annotations

import http.client
import json
import urllib.parse

from emulator_helpers import ACME_ORG, DEMO_TOKEN, USER_AGENT, assert_problem
from enclave_emulator.faults import parse_rules

PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8"
API_HEADERS = {"Authorization": f"Bearer {DEMO_TOKEN}", "User-Agent": USER_AGENT}


def open_connection(server):
    address = urllib.parse.urlsplit(server.url)
    return http.client.HTTPConnection(address.hostname, address.port, timeout=10)


def send_raw(connection, method, path, headers=None):
    """Send one request on a kept-alive connection and return the response with its body read.

    ``headers`` defaults to the User-Agent and the demo token.
    """
    connection.request(method, path, headers=API_HEADERS if headers is None else headers)
    response = connection.getresponse()
    return response, response.read()


def test_head_known_path_gives_405(server):
    connection = open_connection(server)
    response, body = send_raw(connection, "HEAD", f"/org/{ACME_ORG}/systems")
    assert response.status == 405
    assert response.getheader("Content-Type") == PROBLEM_CONTENT_TYPE
    assert response.getheader("Allow") == "DELETE, GET"
    assert body == b""
    connection.close()


def test_head_sends_no_body_on_keep_alive(server):
    # A body after the HEAD response would be read as the start of the next response.
    connection = open_connection(server)
    send_raw(connection, "HEAD", f"/org/{ACME_ORG}/systems/K5Y9F")
    response, body = send_raw(connection, "GET", f"/org/{ACME_ORG}/systems/K5Y9F")
    assert response.status == 200
    assert json.loads(body)["systemId"] == "K5Y9F"
    connection.close()


def test_head_unknown_path_gives_404(server):
    connection = open_connection(server)
    response, body = send_raw(connection, "HEAD", "/no/such/route")
    assert response.status == 404
    assert response.getheader("Content-Type") == PROBLEM_CONTENT_TYPE
    assert response.getheader("Allow") is None
    assert body == b""
    connection.close()


def test_head_without_token_gives_401(server):
    connection = open_connection(server)
    response, body = send_raw(connection, "HEAD", f"/org/{ACME_ORG}/systems", headers={"User-Agent": USER_AGENT})
    assert response.status == 401
    assert body == b""
    connection.close()


def test_options_known_path_gives_405(api):
    response = api.request("OPTIONS", "~/enrolment-keys/1")
    body = assert_problem(response, 405)
    assert response.headers["Allow"] == "DELETE, GET, PATCH"
    assert "OPTIONS" in body["detail"]


def test_options_unknown_path_gives_404(api):
    response = api.request("OPTIONS", "~/no-such-collection")
    assert_problem(response, 404)
    assert "Allow" not in response.headers


def test_head_and_options_logged(server, api):
    api.request("OPTIONS", "~/systems")
    api.request("HEAD", "~/systems")
    entries = [(entry["method"], entry["status"]) for entry in server.requests()]
    assert entries == [("OPTIONS", 405), ("HEAD", 405)]


def test_head_control_endpoint_gives_405(server):
    connection = open_connection(server)
    response, body = send_raw(connection, "HEAD", "/_emulator/requests", headers={})
    assert response.status == 405
    assert response.getheader("Allow") == "DELETE, GET"
    assert body == b""
    connection.close()


def test_head_with_body_fault_sends_no_body(server):
    rule = {"method": "HEAD", "path": "/org/*/systems", "attempts": [1], "fault": "malformed-json"}
    server.faults.set_rules(parse_rules({"rules": [rule]}))
    connection = open_connection(server)
    response, body = send_raw(connection, "HEAD", f"/org/{ACME_ORG}/systems")
    assert response.status == 200
    assert body == b""
    response, body = send_raw(connection, "GET", f"/org/{ACME_ORG}/systems")
    assert response.status == 200
    assert json.loads(body)["metadata"]["total"] == 11
    connection.close()
