"""Retries of the shared client against a scripted server: what is repeated, how often, and the errors."""

from __future__ import annotations

import json
import socket

import pytest
from ansible_collections.enclave.networks.plugins.module_utils._client import EnclaveClient
from ansible_collections.enclave.networks.plugins.module_utils._errors import EnclaveError, ProblemDetailsError

TOKEN = "UnitTestToken0123456789012345678901234567890123456789012345678"
ORG = "33a606d6b09c4557a01c62cd4c0b405b"
SYSTEM_PATH = "/org/{0}/systems/ABC".format(ORG)
KEYS_PATH = "/org/{0}/enrolment-keys".format(ORG)
PROBLEM = "application/problem+json; charset=utf-8"
JSON = {"Content-Type": "application/json"}


def make_client(api, **kwargs):
    options = {"api_token": TOKEN, "api_url": api.url, "organisation_id": ORG, "retries": 3, "retry_max_delay": 5}
    options.update(kwargs)
    client = EnclaveClient(**options)
    client.delays = []
    client.lines = []
    client._sleep = client.delays.append
    client._log = client.lines.append
    return client


def status(code, headers=None, body=""):
    merged = {"Content-Type": "text/plain"}
    merged.update(headers or {})
    return (code, merged, body)


def ok(body):
    return (200, JSON, json.dumps(body))


@pytest.mark.parametrize("code", [429, 502, 503, 504])
def test_get_retried_after_transient_status(api, code):
    api.reply("GET", SYSTEM_PATH, status(code), ok({"systemId": "ABC"}))
    client = make_client(api)

    assert client.get(SYSTEM_PATH) == {"systemId": "ABC"}
    assert len(api.requests) == 2
    assert len(client.delays) == 1


@pytest.mark.parametrize("code", [400, 401, 403, 404, 409, 500])
def test_other_status_not_retried(api, code):
    api.reply("GET", SYSTEM_PATH, status(code), ok({"systemId": "ABC"}))
    client = make_client(api)

    with pytest.raises(ProblemDetailsError) as caught:
        client.get(SYSTEM_PATH)
    assert caught.value.status == code
    assert caught.value.attempts == 1
    assert len(api.requests) == 1
    assert client.delays == []


def test_retry_after_seconds_honoured(api):
    api.reply("GET", SYSTEM_PATH, status(429, {"Retry-After": "3"}), ok({"systemId": "ABC"}))
    client = make_client(api)

    client.get(SYSTEM_PATH)
    assert client.delays == [3.0]


def test_retry_after_http_date_honoured(api):
    api.reply(
        "GET", SYSTEM_PATH, status(503, {"Retry-After": "Thu, 01 Jan 1970 00:00:00 GMT"}), ok({"systemId": "ABC"})
    )
    client = make_client(api)

    client.get(SYSTEM_PATH)
    assert client.delays == [0.0]


def test_retry_after_past_max_delay_fails_at_once(api):
    api.reply("GET", SYSTEM_PATH, status(429, {"Retry-After": "120"}), ok({"systemId": "ABC"}))
    client = make_client(api, retry_max_delay=10)

    with pytest.raises(ProblemDetailsError) as caught:
        client.get(SYSTEM_PATH)
    message = str(caught.value)
    assert "HTTP 429" in message
    assert "wait 120 seconds" in message
    assert "retry_max_delay (10)" in message
    assert len(api.requests) == 1


def test_backoff_capped_by_retry_max_delay(api):
    api.reply("GET", SYSTEM_PATH, status(503))
    client = make_client(api, retries=6, retry_max_delay=0.5, retry_base_delay=1)

    with pytest.raises(ProblemDetailsError):
        client.get(SYSTEM_PATH)
    assert len(client.delays) == 6
    assert max(client.delays) <= 0.5


def test_exhausted_retries_report_status_problem_and_attempts(api):
    problem = {
        "type": "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "Down for maintenance.",
        "traceId": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00",
    }
    api.reply("GET", SYSTEM_PATH, (503, {"Content-Type": PROBLEM}, json.dumps(problem)))
    client = make_client(api, retries=2)

    with pytest.raises(ProblemDetailsError) as caught:
        client.get(SYSTEM_PATH)
    error = caught.value
    assert error.status == 503
    assert error.attempts == 3
    assert "Down for maintenance." in str(error)
    assert "Gave up after 3 attempts." in str(error)
    assert error.to_failure()["attempts"] == 3
    assert len(api.requests) == 3


def test_zero_retries_sends_once(api):
    api.reply("GET", SYSTEM_PATH, status(503), ok({"systemId": "ABC"}))
    client = make_client(api, retries=0)

    with pytest.raises(ProblemDetailsError) as caught:
        client.get(SYSTEM_PATH)
    assert caught.value.attempts == 1
    assert len(api.requests) == 1


def test_retry_logged_without_token(api):
    api.reply("PATCH", SYSTEM_PATH, status(502), ok({"systemId": "ABC"}))
    client = make_client(api)

    client.patch(SYSTEM_PATH, {"description": TOKEN})
    assert len(client.lines) == 1
    line = client.lines[0]
    assert line.startswith("PATCH {0} failed with HTTP 502 on attempt 1 of 4; retrying in ".format(SYSTEM_PATH))
    assert TOKEN not in line


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_idempotent_writes_retried_on_gateway_error(api, method):
    api.reply(method, SYSTEM_PATH, status(504), ok({"systemId": "ABC"}))
    client = make_client(api)

    assert client.request(method, SYSTEM_PATH, body={}) == {"systemId": "ABC"}
    assert len(api.requests) == 2


def test_post_retried_after_rate_limit(api):
    api.reply("POST", KEYS_PATH, status(429, {"Retry-After": "0"}), ok({"id": 9}))
    client = make_client(api)

    assert client.post(KEYS_PATH, {"description": "ci"}) == {"id": 9}
    assert len(api.requests) == 2


@pytest.mark.parametrize("code", [502, 503, 504])
def test_post_not_repeated_without_hook(api, code):
    api.reply("POST", KEYS_PATH, status(code), ok({"id": 9}))
    client = make_client(api)

    with pytest.raises(ProblemDetailsError) as caught:
        client.post(KEYS_PATH, {"description": "ci"})
    assert caught.value.status == code
    assert "was not sent again" in str(caught.value)
    assert len(api.requests) == 1


def test_post_hook_result_returned_without_repeat(api):
    api.reply("POST", KEYS_PATH, status(504), ok({"id": 9}))
    client = make_client(api)
    calls = []

    def find_created():
        calls.append(len(api.requests))
        return {"id": 7, "description": "ci"}

    assert client.post(KEYS_PATH, {"description": "ci"}, find_created=find_created) == {"id": 7, "description": "ci"}
    assert calls == [1]
    assert len(api.requests) == 1
    assert "found the object" in client.lines[-1]


def test_post_repeated_when_hook_finds_nothing(api):
    api.reply("POST", KEYS_PATH, status(503), ok({"id": 9}))
    client = make_client(api)
    calls = []

    def find_created():
        calls.append(len(api.requests))

    assert client.post(KEYS_PATH, {"description": "ci"}, find_created=find_created) == {"id": 9}
    assert calls == [1]
    assert len(api.requests) == 2
    assert "looking for the created object" in client.lines[0]


def test_post_hook_failure_reported(api):
    api.reply("POST", KEYS_PATH, status(502))
    client = make_client(api)

    def find_created():
        raise EnclaveError("GET {0} failed with HTTP 500.".format(KEYS_PATH))

    with pytest.raises(EnclaveError) as caught:
        client.post(KEYS_PATH, {"description": "ci"}, find_created=find_created)
    message = str(caught.value)
    assert "POST {0} failed with HTTP 502".format(KEYS_PATH) in message
    assert "looking for the object it may have created failed too" in message
    assert len(api.requests) == 1


def test_post_hook_called_once_per_ambiguous_attempt(api):
    api.reply("POST", KEYS_PATH, status(503))
    client = make_client(api, retries=2)
    calls = []

    def find_created():
        calls.append(1)

    with pytest.raises(ProblemDetailsError) as caught:
        client.post(KEYS_PATH, {"description": "ci"}, find_created=find_created)
    assert caught.value.attempts == 3
    assert len(calls) == 2
    assert len(api.requests) == 3


def test_connection_refused_retried_then_reported():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = EnclaveClient(api_token=TOKEN, api_url="http://127.0.0.1:{0}".format(port), organisation_id=ORG, retries=2)
    delays = []
    client._sleep = delays.append

    with pytest.raises(EnclaveError) as caught:
        client.post("/org/{0}/enrolment-keys".format(ORG), {"description": "ci"})
    message = str(caught.value)
    assert "could not reach http://127.0.0.1:{0}".format(port) in message
    assert "Gave up after 3 attempts." in message
    assert caught.value.attempts == 3
    assert caught.value.to_failure()["attempts"] == 3
    assert len(delays) == 2
    assert TOKEN not in message


@pytest.mark.parametrize("retries", [-1, 21, 1.5, True, "3"])
def test_retries_option_validated(retries):
    with pytest.raises(EnclaveError) as caught:
        EnclaveClient(api_token=TOKEN, organisation_id=ORG, retries=retries)
    assert "retries '{0}' is invalid".format(retries) in str(caught.value)


@pytest.mark.parametrize("delay", [-1, None])
def test_retry_max_delay_validated(delay):
    with pytest.raises(EnclaveError) as caught:
        EnclaveClient(api_token=TOKEN, organisation_id=ORG, retry_max_delay=delay)
    assert "retry_max_delay '{0}' is invalid".format(delay) in str(caught.value)
