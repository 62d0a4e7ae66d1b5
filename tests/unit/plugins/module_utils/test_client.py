from __future__ import annotations

import json
import socket

import pytest
from ansible_collections.enclave.networks.plugins.module_utils._client import (
    DEFAULT_API_URL,
    EnclaveClient,
    normalise_api_url,
    normalise_organisation_id,
    user_agent,
)
from ansible_collections.enclave.networks.plugins.module_utils._errors import EnclaveError, ProblemDetailsError
from ansible_collections.enclave.networks.plugins.module_utils._version import COLLECTION_VERSION

TOKEN = "UnitTestToken0123456789012345678901234567890123456789012345678"
ORG = "33a606d6b09c4557a01c62cd4c0b405b"
OTHER_ORG = "fb4561c7b7934481b62dd27bd131ca16"


def make_client(api, **kwargs):
    # Retries have tests of their own in test_client_retries.py; here each request is sent once.
    options = {"api_token": TOKEN, "api_url": api.url, "organisation_id": ORG, "retries": 0}
    options.update(kwargs)
    return EnclaveClient(**options)


def page(items, number, last, per_page=200):
    return {
        "metadata": {
            "total": (last + 1) * per_page,
            "firstPage": 0,
            "prevPage": number - 1 if number else None,
            "lastPage": last,
            "nextPage": number + 1 if number < last else None,
        },
        "links": {},
        "items": items,
    }


def test_request_headers(api):
    api.reply_json("GET", "/account/orgs", {"orgs": []})
    make_client(api).get("/account/orgs")

    headers = api.requests[0]["headers"]
    assert headers["Authorization"] == "Bearer " + TOKEN
    assert headers["User-Agent"] == user_agent()
    assert headers["Accept"] == "application/json"


def test_user_agent_names_collection_and_core():
    agent = user_agent()

    assert agent.startswith("enclave.networks/" + COLLECTION_VERSION + " ")
    assert " ansible-core/2." in agent


def test_json_body_sent_with_content_type(api):
    api.reply_json("PATCH", "/org/{0}/systems/ABC".format(ORG), {"systemId": "ABC"})
    make_client(api).patch("/org/{0}/systems/ABC".format(ORG), {"description": "web"})

    request = api.requests[0]
    assert request["headers"]["Content-Type"] == "application/json"
    assert json.loads(request["body"]) == {"description": "web"}


def test_delete_carries_json_body(api):
    api.reply_json("DELETE", "/org/{0}/systems".format(ORG), {"systemsRevoked": 2})
    result = make_client(api).delete("/org/{0}/systems".format(ORG), {"systemIds": ["A", "B"]})

    assert result == {"systemsRevoked": 2}
    assert json.loads(api.requests[0]["body"]) == {"systemIds": ["A", "B"]}
    assert api.requests[0]["headers"]["Content-Type"] == "application/json"


def test_empty_success_body_returns_none(api):
    api.reply("PUT", "/org/{0}/unapproved-systems/ABC/approve".format(ORG), (200, {}, ""))

    assert make_client(api).put("/org/{0}/unapproved-systems/ABC/approve".format(ORG)) is None


def test_org_path_quotes_segments(api):
    client = make_client(api)

    assert client.org_path("systems", "a/b c") == "/org/{0}/systems/a%2Fb%20c".format(ORG)


def test_single_organisation_selected(api):
    api.reply_json("GET", "/account/orgs", {"orgs": [{"orgId": ORG, "orgName": "Acme", "role": "Owner"}]})
    client = make_client(api, organisation_id=None)

    assert client.organisation_id == ORG
    assert client.organisation_id == ORG
    assert len(api.requests) == 1


def test_several_organisations_listed_in_error(api):
    api.reply_json(
        "GET",
        "/account/orgs",
        {"orgs": [{"orgId": ORG, "orgName": "Acme Networks"}, {"orgId": OTHER_ORG, "orgName": "Acme Labs"}]},
    )
    client = make_client(api, organisation_id=None)

    with pytest.raises(EnclaveError) as caught:
        client.org_path("systems")
    message = str(caught.value)
    assert "2 organisations" in message
    assert "Acme Networks ({0})".format(ORG) in message
    assert "Acme Labs ({0})".format(OTHER_ORG) in message
    assert "organisation_id" in message


def test_no_organisation_error(api):
    api.reply_json("GET", "/account/orgs", {"orgs": []})
    client = make_client(api, organisation_id=None)

    with pytest.raises(EnclaveError, match="can reach no organisation"):
        client.org_path("systems")


@pytest.mark.parametrize(
    "value, expected",
    [
        (ORG, ORG),
        (ORG.upper(), ORG),
        ("33a606d6-b09c-4557-a01c-62cd4c0b405b", ORG),
        ("  " + ORG + " ", ORG),
    ],
)
def test_organisation_id_normalised(value, expected):
    assert normalise_organisation_id(value) == expected


@pytest.mark.parametrize("value", ["acme", "33a606d6b09c4557a01c62cd4c0b405", ORG + "0", "g" * 32, ""])
def test_organisation_id_invalid(value):
    with pytest.raises(EnclaveError) as caught:
        normalise_organisation_id(value)
    assert "'{0}'".format(value) in str(caught.value)
    assert "32 hexadecimal digits" in str(caught.value)


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, DEFAULT_API_URL),
        ("", DEFAULT_API_URL),
        ("https://api.enclave.io/", DEFAULT_API_URL),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("https://proxy.example.com/enclave/", "https://proxy.example.com/enclave"),
    ],
)
def test_api_url_normalised(value, expected):
    assert normalise_api_url(value) == expected


@pytest.mark.parametrize("value", ["api.enclave.io", "ftp://api.enclave.io", "https://", "https://h/?x=1"])
def test_api_url_invalid(value):
    with pytest.raises(EnclaveError, match="api_url"):
        normalise_api_url(value)


@pytest.mark.parametrize("token", [None, ""])
def test_missing_token_names_variables(token):
    with pytest.raises(EnclaveError) as caught:
        EnclaveClient(api_token=token, organisation_id=ORG)
    assert "ENCLAVE_TOKEN" in str(caught.value)
    assert "ENCLAVE_API_KEY" in str(caught.value)


def test_token_with_newline_rejected_without_echo():
    token = TOKEN + "\n"
    with pytest.raises(EnclaveError) as caught:
        EnclaveClient(api_token=token, organisation_id=ORG)
    assert "whitespace" in str(caught.value)
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize("timeout", [0, -1])
def test_timeout_must_be_positive(timeout):
    with pytest.raises(EnclaveError, match="timeout"):
        EnclaveClient(api_token=TOKEN, organisation_id=ORG, timeout=timeout)


def test_missing_ca_path_rejected(tmp_path):
    missing = str(tmp_path / "missing.pem")
    with pytest.raises(EnclaveError, match="ca_path"):
        EnclaveClient(api_token=TOKEN, organisation_id=ORG, ca_path=missing)


def test_unauthorised_error_has_status_and_no_token(api):
    api.reply_json(
        "GET",
        "/account/orgs",
        {"type": "about:blank", "title": "Unauthorized", "status": 401, "detail": "Token " + TOKEN + " is invalid"},
        status=401,
        content_type="application/problem+json; charset=utf-8",
    )
    with pytest.raises(ProblemDetailsError) as caught:
        make_client(api).get("/account/orgs")

    assert caught.value.status == 401
    assert "HTTP 401" in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert TOKEN not in json.dumps(caught.value.to_failure())


def test_not_found_problem_fields(api):
    path = "/org/{0}/systems/ZZZZ".format(ORG)
    problem = {
        "type": "https://api.enclave.io/problems/type/system-not-found",
        "title": "System cannot be found",
        "status": 404,
        "detail": "System ZZZZ does not exist, or your access rights do not allow access.",
        "instance": "https://api.enclave.io/problems/instance/0af7651916cd43dd8448eb211c80319c",
        "traceId": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00",
    }
    api.reply_json("GET", path, problem, status=404, content_type="application/problem+json; charset=utf-8")

    with pytest.raises(ProblemDetailsError) as caught:
        make_client(api).get(path)

    error = caught.value
    assert error.status == 404
    assert error.title == "System cannot be found"
    assert error.trace_id == problem["traceId"]
    assert error.problem_type == problem["type"]
    assert str(error).startswith("GET {0} failed with HTTP 404: System cannot be found.".format(path))
    assert problem["detail"] in str(error)
    assert problem["traceId"] in str(error)


def test_non_json_success_body_is_error(api):
    api.reply("GET", "/account/orgs", (200, {"Content-Type": "text/html"}, "<html>maintenance</html>"))

    with pytest.raises(EnclaveError, match="not JSON"):
        make_client(api).get("/account/orgs")


def test_proxy_html_error_gives_excerpt(api):
    api.reply("GET", "/account/orgs", (502, {"Content-Type": "text/html"}, "<html><h1>502 Bad Gateway</h1></html>"))

    with pytest.raises(ProblemDetailsError) as caught:
        make_client(api).get("/account/orgs")
    assert caught.value.status == 502
    assert "502 Bad Gateway" in str(caught.value)


def test_connection_refused_is_enclave_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = EnclaveClient(api_token=TOKEN, api_url="http://127.0.0.1:{0}".format(port), organisation_id=ORG, retries=0)

    with pytest.raises(EnclaveError) as caught:
        client.get("/account/orgs")
    assert "could not reach http://127.0.0.1:{0}".format(port) in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_paginate_follows_next_page(api):
    path = "/org/{0}/systems".format(ORG)
    api.reply(
        "GET",
        path,
        *[(200, {"Content-Type": "application/json"}, json.dumps(page([number], number, 2))) for number in range(3)],
    )
    items = list(make_client(api).paginate(path, {"search": "web"}))

    assert items == [0, 1, 2]
    queries = [request["query"] for request in api.requests]
    assert queries == [
        "search=web&page=0&per_page=200",
        "search=web&page=1&per_page=200",
        "search=web&page=2&per_page=200",
    ]


def test_paginate_stops_on_repeated_page(api):
    path = "/org/{0}/systems".format(ORG)
    looping = page(["x"], 0, 5)
    looping["metadata"]["nextPage"] = 0
    api.reply_json("GET", path, looping)

    with pytest.raises(EnclaveError, match="nextPage 0 after page 0"):
        list(make_client(api).paginate(path))
    assert len(api.requests) == 1


def test_paginate_stops_past_last_page(api):
    path = "/org/{0}/systems".format(ORG)
    runaway = page(["x"], 0, 0)
    runaway["metadata"]["nextPage"] = 7
    api.reply_json("GET", path, runaway)

    with pytest.raises(EnclaveError, match="lastPage 0"):
        list(make_client(api).paginate(path))


def test_paginate_rejects_unexpected_body(api):
    path = "/org/{0}/systems".format(ORG)
    api.reply_json("GET", path, [1, 2, 3])

    with pytest.raises(EnclaveError, match="unexpected body"):
        list(make_client(api).paginate(path))


def test_netrc_does_not_replace_bearer_token(api, tmp_path, monkeypatch):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password hunter2\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    api.reply_json("GET", "/account/orgs", {"orgs": []})

    make_client(api).get("/account/orgs")

    assert api.requests[0]["headers"]["Authorization"] == "Bearer " + TOKEN


def test_non_json_body_masks_key_secret(api):
    secret = "H4D8Z-2M6QW-T9K3B-R5X7N-C8J2P"
    api.reply("GET", "/org/{0}/enrolment-keys/2".format(ORG), (200, {}, '{"id": 2, "key": "' + secret + '", "desc'))

    with pytest.raises(EnclaveError) as caught:
        make_client(api).get("/org/{0}/enrolment-keys/2".format(ORG))
    assert "not JSON" in str(caught.value)
    assert secret not in str(caught.value)
    assert "*****-*****-*****-*****-*****" in str(caught.value)


def test_error_body_masks_key_secret(api):
    secret = "H4D8Z-2M6QW-T9K3B-R5X7N-C8J2P"
    api.reply("POST", "/org/{0}/enrolment-keys".format(ORG), (500, {"Content-Type": "text/plain"}, "key " + secret))

    with pytest.raises(ProblemDetailsError) as caught:
        make_client(api, retries=0).post("/org/{0}/enrolment-keys".format(ORG), {"description": "x"})
    assert secret not in str(caught.value)


@pytest.mark.parametrize("status, hint", [(401, "Check api_token"), (403, "lacks a permission")])
def test_auth_statuses_give_hint(api, status, hint):
    api.reply_json("GET", "/account/orgs", {"title": "No", "status": status}, status=status)

    with pytest.raises(ProblemDetailsError) as caught:
        make_client(api).get("/account/orgs")
    assert hint in str(caught.value)


def test_api_url_unparseable_names_value():
    with pytest.raises(EnclaveError) as caught:
        normalise_api_url("http://[::1")
    assert "api_url 'http://[::1' is invalid" in str(caught.value)
