"""Every emulator fault on every kind of operation, through the installed collection's client.

Each case injects one fault on the operation's route and checks the outcome, the number of requests
the route received, how many of them the emulator carried out, and the resulting state.
"""

from __future__ import annotations

import copy

import pytest
from ansible_collections.enclave.networks.plugins.module_utils._errors import EnclaveError, ProblemDetailsError
from ansible_collections.enclave.networks.plugins.module_utils._retry import created_item_finder
from enclave_emulator.faults import FaultRule, parse_rules
from reliability_helpers import ACME_ORG, DEMO_TOKEN, applied, make_client, route_requests, run_module

NEW_KEY = "Fault matrix key"
ORG_PATH = "/org/" + ACME_ORG


def keys(emulator):
    return list(emulator.store.orgs[ACME_ORG]["enrolmentKeys"].values())


def key(emulator, key_id):
    return emulator.store.orgs[ACME_ORG]["enrolmentKeys"].get(key_id)


def create_key(client):
    path = client.org_path("enrolment-keys")
    find_created = created_item_finder(
        lambda: client.paginate(path, {"include_disabled": "true"}),
        lambda item: item.get("description") == NEW_KEY,
        known_ids=[],
        fetch_detail=lambda key_id: client.get(client.org_path("enrolment-keys", key_id)),
    )
    return client.post(path, {"description": NEW_KEY, "approvalMode": "Automatic"}, find_created=find_created)


# name -> (method, path, call, check of the state after one successful run)
OPERATIONS = {
    "list": (
        "GET",
        ORG_PATH + "/systems",
        lambda client: list(client.paginate(client.org_path("systems"))),
        lambda emulator, result: len(result) == 11,
    ),
    "get": (
        "GET",
        ORG_PATH + "/systems/488Q",
        lambda client: client.get(client.org_path("systems", "488Q")),
        lambda emulator, result: result["systemId"] == "488Q",
    ),
    "create": (
        "POST",
        ORG_PATH + "/enrolment-keys",
        create_key,
        lambda emulator, result: (
            result["description"] == NEW_KEY and [item["description"] for item in keys(emulator)].count(NEW_KEY) == 1
        ),
    ),
    "patch": (
        "PATCH",
        ORG_PATH + "/enrolment-keys/2",
        lambda client: client.patch(client.org_path("enrolment-keys", 2), {"description": "Servers renamed"}),
        lambda emulator, result: key(emulator, 2)["description"] == "Servers renamed",
    ),
    "enable": (
        "PUT",
        ORG_PATH + "/enrolment-keys/1/enable",
        lambda client: client.put(client.org_path("enrolment-keys", 1, "enable")),
        lambda emulator, result: key(emulator, 1)["isEnabled"] is True,
    ),
    "disable": (
        "PUT",
        ORG_PATH + "/enrolment-keys/2/disable",
        lambda client: client.put(client.org_path("enrolment-keys", 2, "disable")),
        lambda emulator, result: key(emulator, 2)["isEnabled"] is False,
    ),
    "delete": (
        "DELETE",
        ORG_PATH + "/enrolment-keys/3",
        lambda client: client.delete(client.org_path("enrolment-keys", 3)),
        lambda emulator, result: key(emulator, 3) is None,
    ),
}

# Faults that a retry gets past. For the ones the API handles first, the request took effect.
RETRIED = ["429", "502", "503", "504", "reset-before-body", "slow", "truncated-json"]
# Faults reported at once: a server error, a validation problem, and a success body that is not JSON.
NOT_RETRIED = {"500": 500, "validation-problem": 400}


def inject(emulator, method, path, kind, attempts=(1,)):
    spec = {"kind": kind}
    if kind == "429":
        spec["retryAfter"] = "0"
    if kind == "slow":
        spec["delay"] = 5
    rule = {"method": method, "path": path, "fault": spec}
    if attempts:
        rule["attempts"] = list(attempts)
    emulator.faults.set_rules(parse_rules({"rules": [rule]}))


@pytest.mark.parametrize("kind", RETRIED)
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_retry_recovers(emulator, operation, kind):
    method, path, call, check = OPERATIONS[operation]
    client = make_client(emulator)
    inject(emulator, method, path, kind)
    handled = FaultRule.from_dict({"fault": kind}).fault.handled

    if operation == "delete" and handled:
        # The first DELETE removed the key, so the repeat finds nothing; modules read that 404 as done.
        with pytest.raises(ProblemDetailsError) as caught:
            call(client)
        assert caught.value.status == 404
        assert caught.value.attempts == 2
        result = None
    else:
        result = call(client)

    assert check(emulator, result)
    sent = route_requests(emulator, method, path)
    if operation == "create" and handled:
        # The lost response's key was found, so the POST was not sent again.
        assert len(sent) == 1
    else:
        assert len(sent) == 2
    if operation in ("patch", "enable", "disable") and handled:
        # Both attempts took effect: a repeated PATCH or PUT leaves the same state.
        assert sum(1 for entry in sent if applied(entry)) == 2
    elif method != "GET":
        assert sum(1 for entry in sent if applied(entry)) == 1
    if operation == "create" and handled:
        assert len(client.lines) == 2
        assert "found the object the failed attempt created" in client.lines[1]
    else:
        assert len(client.lines) == 1
    assert method + " " + path in client.lines[0]
    assert DEMO_TOKEN not in " ".join(client.lines)


@pytest.mark.parametrize("kind", sorted(NOT_RETRIED))
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_error_status_not_retried(emulator, operation, kind):
    method, path, call, _check = OPERATIONS[operation]
    client = make_client(emulator)
    before = copy.deepcopy(keys(emulator))
    inject(emulator, method, path, kind)

    with pytest.raises(ProblemDetailsError) as caught:
        call(client)
    assert caught.value.status == NOT_RETRIED[kind]
    assert caught.value.attempts == 1
    assert len(route_requests(emulator, method, path)) == 1
    assert keys(emulator) == before
    assert client.lines == []


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_malformed_body_reported_once(emulator, operation):
    method, path, call, check = OPERATIONS[operation]
    client = make_client(emulator)
    inject(emulator, method, path, "malformed-json")

    with pytest.raises(EnclaveError, match="body that is not JSON"):
        call(client)
    sent = route_requests(emulator, method, path)
    assert len(sent) == 1
    if method != "GET":
        # The API carried out the request before the body was spoiled, so the state changed once.
        assert applied(sent[0])
    if operation in ("patch", "enable", "disable", "delete"):
        assert check(emulator, None)
    if operation == "create":
        assert [item["description"] for item in keys(emulator)].count(NEW_KEY) == 1


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_connection_reset_after_body_needs_no_retry(emulator, operation):
    method, path, call, check = OPERATIONS[operation]
    client = make_client(emulator)
    inject(emulator, method, path, "reset-after-body")

    result = call(client)
    assert check(emulator, result)
    assert len(route_requests(emulator, method, path)) == 1
    assert client.lines == []


@pytest.mark.parametrize("kind", ["429", "502", "503", "504", "reset-before-body", "truncated-json"])
@pytest.mark.parametrize("operation", ["list", "get", "patch", "enable", "disable"])
def test_budget_exhausted_reports_attempts(emulator, operation, kind):
    method, path, call, _check = OPERATIONS[operation]
    client = make_client(emulator, retries=2)
    inject(emulator, method, path, kind, attempts=None)

    with pytest.raises(EnclaveError) as caught:
        call(client)
    error = caught.value
    assert error.attempts == 3
    assert "Gave up after 3 attempts." in str(error)
    assert len(route_requests(emulator, method, path)) == 3
    assert len(client.lines) == 2
    if isinstance(error, ProblemDetailsError):
        assert error.status == int(kind)


@pytest.mark.parametrize("kind", ["429", "502", "503", "504"])
def test_create_budget_exhausted_creates_nothing(emulator, kind):
    client = make_client(emulator, retries=2)
    method, path = "POST", ORG_PATH + "/enrolment-keys"
    inject(emulator, method, path, kind, attempts=None)

    with pytest.raises(ProblemDetailsError) as caught:
        create_key(client)
    assert caught.value.status == int(kind)
    assert caught.value.attempts == 3
    assert len(route_requests(emulator, method, path)) == 3
    assert NEW_KEY not in [item["description"] for item in keys(emulator)]


@pytest.mark.parametrize("kind", ["reset-before-body", "slow", "truncated-json", "502", "504"])
def test_create_lost_response_never_duplicates(emulator, kind):
    client = make_client(emulator, retries=3)
    method, path = "POST", ORG_PATH + "/enrolment-keys"
    rule = {"method": method, "path": path, "fault": {"kind": kind, "handled": True}}
    if kind == "slow":
        rule["fault"]["delay"] = 5
    emulator.faults.set_rules(parse_rules({"rules": [rule]}))

    result = create_key(client)
    assert result["description"] == NEW_KEY
    assert [item["description"] for item in keys(emulator)].count(NEW_KEY) == 1
    assert len(route_requests(emulator, method, path)) == 1


def test_create_without_hook_not_repeated(emulator):
    client = make_client(emulator)
    method, path = "POST", ORG_PATH + "/enrolment-keys"
    inject(emulator, method, path, "reset-before-body")

    with pytest.raises(EnclaveError, match="was not sent again"):
        client.post(client.org_path("enrolment-keys"), {"description": NEW_KEY})
    assert len(route_requests(emulator, method, path)) == 1
    assert [item["description"] for item in keys(emulator)].count(NEW_KEY) == 1


def test_create_hook_rejects_two_new_matches(emulator):
    client = make_client(emulator)
    path = client.org_path("enrolment-keys")
    client.post(path, {"description": NEW_KEY})
    client.post(path, {"description": NEW_KEY})
    inject(emulator, "POST", path, "503")

    with pytest.raises(EnclaveError, match="Found 2 new objects"):
        create_key(client)
    assert len(route_requests(emulator, "POST", path)) == 3


def test_retry_after_longer_than_max_delay_fails_fast(emulator):
    client = make_client(emulator, retry_max_delay=1)
    path = ORG_PATH + "/systems/488Q"
    emulator.faults.set_rules(
        parse_rules({"rules": [{"method": "GET", "path": path, "fault": {"kind": "429", "retryAfter": 30}}]})
    )

    with pytest.raises(ProblemDetailsError) as caught:
        client.get(path)
    assert "wait 30 seconds" in str(caught.value)
    assert len(route_requests(emulator, "GET", path)) == 1


def test_concurrent_page_reads_retry(emulator):
    client = make_client(emulator)
    path = ORG_PATH + "/systems"
    emulator.faults.set_rules(
        parse_rules({"rules": [{"method": "GET", "path": path, "attempts": [2, 3], "fault": "503"}]})
    )

    items = client.fetch_all(path, {"include_disabled": "true"}, workers=4, per_page=3)
    assert len(items) == 12
    assert len({item["systemId"] for item in items}) == 12
    assert len(client.lines) == 2


# module -> (API collection, options that create one object, how to tell a created object by its identity)
MODULE_CREATES = {
    "enrolment_key": (
        "enrolment-keys",
        {"description": "Fault module key"},
        lambda item: item.get("description") == "Fault module key",
    ),
    "policy": (
        "policies",
        {
            "description": "Fault policy",
            "sender_tags": ["dev"],
            "receiver_tags": ["web"],
            "acls": [{"protocol": "any"}],
        },
        lambda item: item.get("description") == "Fault policy",
    ),
    "tag": ("tags", {"name": "fault-tag"}, lambda item: item.get("tag") == "fault-tag"),
    "dns_zone": ("dns/zones", {"name": "fault.example"}, lambda item: item.get("name") == "fault.example"),
    "dns_record": (
        "dns/records",
        {"zone": "enclave", "name": "fault-record"},
        lambda item: item.get("name") == "fault-record" and item.get("zoneName") == "enclave",
    ),
    "trust_requirement": (
        "trust-requirements",
        {"description": "Fault requirement", "public_ip": {"conditions": [{"type": "country", "value": "GB"}]}},
        lambda item: item.get("description") == "Fault requirement",
    ),
}


@pytest.mark.parametrize("module", sorted(MODULE_CREATES))
def test_module_create_recovers_lost_response(emulator, module):
    collection, options, matches = MODULE_CREATES[module]
    path = ORG_PATH + "/" + collection
    rule = {"method": "POST", "path": path, "attempts": [1], "fault": {"kind": "504", "handled": True}}
    emulator.faults.set_rules(parse_rules({"rules": [rule]}))
    args = {"api_url": emulator.url, "api_token": DEMO_TOKEN, "retry_max_delay": 0.05}
    args.update(options)

    rc, result = run_module(module, args)
    assert rc == 0, result.get("msg")
    assert result["changed"] is True
    assert len(route_requests(emulator, "POST", path)) == 1
    client = make_client(emulator)
    listed = [item for item in client.paginate(path) if matches(item)]
    assert len(listed) == 1
    # Tags are addressed by ref; every other object has an integer id.
    id_field = "ref" if module == "tag" else "id"
    assert result[module][id_field] == listed[0][id_field]


REPLACE_KEY = {"description": "CI build agents", "type": "general_purpose", "replace_on_type_change": True}


def run_replacement(emulator, method, path):
    rule = {"method": method, "path": path, "fault": "500"}
    emulator.faults.set_rules(parse_rules({"rules": [rule]}))
    args = {"api_url": emulator.url, "api_token": DEMO_TOKEN, "retry_max_delay": 0.05}
    args.update(REPLACE_KEY)
    return run_module("enrolment_key", args)


def test_replacement_failed_create_keeps_old_key(emulator):
    before = copy.deepcopy(key(emulator, 3))

    rc, result = run_replacement(emulator, "POST", ORG_PATH + "/enrolment-keys")
    assert rc != 0
    # fail_json leaves changed out when nothing changed, and Ansible reports that as changed: false.
    assert result.get("changed", False) is False
    assert result["failure"]["status"] == 500
    assert key(emulator, 3) == before
    assert route_requests(emulator, "DELETE", ORG_PATH + "/enrolment-keys/3") == []


def test_replacement_failed_delete_reports_change(emulator):
    rc, result = run_replacement(emulator, "DELETE", ORG_PATH + "/enrolment-keys/3")
    assert rc != 0
    assert result["changed"] is True
    assert result["failure"]["status"] == 500
    created = [item for item in keys(emulator) if item["description"] == "CI build agents" and item["id"] != 3]
    assert len(created) == 1
    assert created[0]["type"] == "GeneralPurpose"
    assert key(emulator, 3)["type"] == "Ephemeral"
    assert "created enrolment key 'CI build agents' (id {0})".format(created[0]["id"]) in result["msg"]
    assert "Both keys exist now: the new key id {0} and the old key id 3".format(created[0]["id"]) in result["msg"]
