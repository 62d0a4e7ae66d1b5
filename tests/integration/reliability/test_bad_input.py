"""Bad input to every module: each case fails with a message naming the value and sends no write.

The connection options and system_info's options are checked before any request. The other modules
read the organisation and the current object before some checks, but never write.
"""

from __future__ import annotations

import pytest
from reliability_helpers import DEMO_TOKEN, run_module, write_requests

UNREACHABLE_ORG = "c2c2855b754645809780c13264bd4575"
KEY = {"description": "Bad input key"}

# (module, options, text the message must contain)
LOCAL_CASES = [
    # Connection options, shared by every module.
    ("system_info", {"organisation_id": "acme"}, "organisation_id 'acme' is invalid"),
    ("system_info", {"organisation_id": "33a606d6b09c4557a01c62cd4c0b405"}, "'33a606d6b09c4557a01c62cd4c0b405'"),
    ("system_info", {"organisation_id": "33a606d6-b09c-4557-a01c-62cd4c0b405z"}, "32 hexadecimal digits"),
    ("system_info", {"api_url": "not a url"}, "api_url 'not a url' is invalid"),
    ("system_info", {"api_url": "ftp://127.0.0.1:9"}, "api_url 'ftp://127.0.0.1:9' is invalid"),
    ("system_info", {"api_url": "https://"}, "api_url 'https://' is invalid"),
    ("system_info", {"api_url": "http://127.0.0.1:9/?page=1"}, "remove the query string"),
    ("system_info", {"api_token": ""}, "No API token"),
    ("system_info", {"api_token": "two words"}, "whitespace or control characters"),
    ("system_info", {"timeout": 0}, "timeout '0.0' is invalid"),
    ("system_info", {"timeout": -5}, "timeout '-5.0' is invalid"),
    # ansible-core's own type check names the option but not the value.
    ("system_info", {"timeout": "soon"}, "argument 'timeout'"),
    ("system_info", {"retries": -1}, "retries '-1' is invalid"),
    ("system_info", {"retries": 21}, "retries '21' is invalid"),
    ("system_info", {"retries": "many"}, "many"),
    ("system_info", {"retry_max_delay": -1}, "retry_max_delay '-1.0' is invalid"),
    ("system_info", {"validate_certs": "maybe"}, "maybe"),
    ("system_info", {"ca_path": "/nonexistent/enclave-ca.pem"}, "ca_path '/nonexistent/enclave-ca.pem'"),
    # system_info
    ("system_info", {"system_id": "bad/id"}, "system_id 'bad/id' is invalid"),
    ("system_info", {"sort": "newest"}, "newest"),
    ("system_info", {"include_disabled": "perhaps"}, "perhaps"),
    ("system_info", {"enrolment_key": "abc"}, "abc"),
    # enrolment_key: tag names, IP constraints, uses, retention, expiry, choices and types.
    ("enrolment_key", dict(KEY, tags=["Bad Tag"]), "Bad Tag"),
    ("enrolment_key", dict(KEY, tags=["web_servers"]), "web_servers"),
    ("enrolment_key", dict(KEY, tags=["-web"]), "-web"),
    ("enrolment_key", dict(KEY, tags=["web..prod"]), "web..prod"),
    ("enrolment_key", dict(KEY, tags=["a" * 65]), "a" * 65),
    ("enrolment_key", dict(KEY, tags=["{{ 7 * 7 }}"]), "{{ 7 * 7 }}"),
    ("enrolment_key", dict(KEY, uses_remaining=-2), "-2"),
    ("enrolment_key", dict(KEY, uses_remaining="lots"), "lots"),
    ("enrolment_key", dict(KEY, ip_constraints=[{"range": "10.0.0.300"}]), "10.0.0.300"),
    ("enrolment_key", dict(KEY, ip_constraints=[{"range": "10.0.0.0/33"}]), "10.0.0.0/33"),
    ("enrolment_key", dict(KEY, ip_constraints=[{"range": "example.com"}]), "example.com"),
    ("enrolment_key", dict(KEY, ip_constraints=[{"range": "10.0.0.9 - 10.0.0.1"}]), "10.0.0.9 - 10.0.0.1"),
    ("enrolment_key", dict(KEY, type="general_purpose", disconnected_retention_minutes=30), "30"),
    ("enrolment_key", dict(KEY, auto_expire={"expiry": "next tuesday"}), "next tuesday"),
    ("enrolment_key", dict(KEY, auto_expire={"expiry": "2026-13-45T00:00:00Z"}), "2026-13-45T00:00:00Z"),
    ("enrolment_key", dict(KEY, auto_expire={"expiry": "2030-01-01T00:00:00Z", "action": "explode"}), "explode"),
    ("enrolment_key", dict(KEY, type="permanent"), "permanent"),
    ("enrolment_key", dict(KEY, approval_mode="sometimes"), "sometimes"),
    ("enrolment_key", dict(KEY, state="gone"), "gone"),
    ("enrolment_key", {"id": "seven"}, "seven"),
    # enrolment_key_info
    ("enrolment_key_info", {"id": "seven"}, "seven"),
    ("enrolment_key_info", {"sort": "newest"}, "newest"),
    # system_state
    ("system_state", {"system_id": "bad/id", "state": "enabled"}, "bad/id"),
    ("system_state", {"system_id": "488Q", "tags": ["UPPER"]}, "UPPER"),
    ("system_state", {"system_id": "488Q", "state": "paused"}, "paused"),
    ("system_state", {"system_id": "488Q", "state": "enabled", "enable_until": {"expiry": "soon-ish"}}, "soon-ish"),
]


def case_id(case):
    module, options, _expected = case
    return "{0}-{1}".format(module, "-".join(sorted(options)))


@pytest.mark.parametrize("case", LOCAL_CASES, ids=[case_id(case) for case in LOCAL_CASES])
def test_bad_input_rejected_without_write(emulator, case):
    module, options, expected = case
    args = {"api_url": emulator.url, "api_token": DEMO_TOKEN}
    args.update(options)

    rc, result = run_module(module, args)
    assert rc != 0
    assert result.get("failed") is True
    assert expected in result["msg"]
    assert DEMO_TOKEN not in result["msg"]
    assert write_requests(emulator) == []
    if module == "system_info":
        assert emulator.requests() == []


@pytest.mark.parametrize("module, options", [("system_info", {}), ("enrolment_key", KEY)])
def test_unknown_organisation_named_without_write(emulator, module, options):
    args = {"api_url": emulator.url, "api_token": DEMO_TOKEN, "organisation_id": UNREACHABLE_ORG}
    args.update(options)

    rc, result = run_module(module, args)
    assert rc != 0
    assert UNREACHABLE_ORG in result["msg"]
    assert result["failure"]["status"] == 404
    assert write_requests(emulator) == []


def test_case_count_meets_floor():
    # Inventory cases live in test_inventory_bad_input.py.
    assert len(LOCAL_CASES) >= 40


# (module, options with a null identity, text the message must contain)
NULL_IDENTITY_CASES = [
    ("enrolment_key", {"id": None}, "id is null and description is not set"),
    ("enrolment_key", {"id": None, "description": "Servers renamed"}, "id is null: give the id of an existing"),
    ("enrolment_key", {"description": None}, "id is not set and description is null"),
    ("policy", {"id": None}, "id is null and description is not set"),
    ("policy", {"id": None, "description": "Renamed policy"}, "id is null: give the id of an existing policy"),
    ("tag", {"ref": None}, "ref is null and name is not set"),
    ("tag", {"ref": None, "name": "renamed"}, "ref is null: give the ref of an existing tag"),
    ("tag", {"name": None}, "ref is not set and name is null"),
    ("dns_zone", {"id": None}, "id is null and name is not set"),
    ("dns_zone", {"id": None, "name": "corp.example"}, "id is null: give the id of an existing DNS zone"),
    ("dns_record", {"id": None}, "id is null and name is not set"),
    ("dns_record", {"id": None, "name": "app"}, "id is null: give the id of an existing DNS record"),
    ("trust_requirement", {"id": None}, "id is null and description is not set"),
    ("trust_requirement", {"id": None, "description": "MFA"}, "id is null: give the id of an existing trust"),
    ("enrolment_key_info", {"id": None}, "id is null: give the id of an existing enrolment key"),
    ("enrolment_key_info", {"description": None}, "description is null"),
    ("policy_info", {"id": None}, "id is null"),
    ("tag_info", {"name": None}, "name is null"),
    ("dns_zone_info", {"id": None}, "id is null"),
    ("dns_zone_info", {"name": None}, "name is null"),
    ("dns_record_info", {"id": None}, "id is null"),
    ("trust_requirement_info", {"id": None}, "id is null"),
]


@pytest.mark.parametrize(
    "case",
    NULL_IDENTITY_CASES,
    ids=["{0}-{1}".format(case[0], "-".join(sorted(case[1]))) for case in NULL_IDENTITY_CASES],
)
def test_null_identity_rejected_without_request(emulator, case):
    module, options, expected = case
    args = {"api_url": emulator.url, "api_token": DEMO_TOKEN}
    args.update(options)

    rc, result = run_module(module, args)
    assert rc != 0
    assert expected in result["msg"]
    assert emulator.requests() == []


def test_null_identity_in_check_mode(emulator):
    args = {"api_url": emulator.url, "api_token": DEMO_TOKEN, "id": None, "_ansible_check_mode": True}

    rc, result = run_module("enrolment_key", args)
    assert rc != 0
    assert "In check mode, a task that would create the enrolment key returns a null id" in result["msg"]
    assert emulator.requests() == []


# (module, options that reference an object that does not exist, text the message must contain)
UNKNOWN_REFERENCE_CASES = [
    (
        "policy",
        {"description": "Unknown requirement", "trust_requirements": [999]},
        "trust_requirements is invalid: no trust requirement has the id 999",
    ),
    ("tag", {"name": "unknown-requirement", "trust_requirements": [999, 998]}, "has the ids 998, 999"),
    ("dns_record", {"name": "nosys", "systems": ["NOSYS"]}, "systems is invalid: no system has the id NOSYS"),
    # An update: the enclave zone's record intranet exists.
    ("dns_record", {"name": "intranet", "systems": ["NOSYS"]}, "NOSYS"),
]


@pytest.mark.parametrize(
    "case",
    UNKNOWN_REFERENCE_CASES,
    ids=[
        "{0}-{1}".format(case[0], case[1].get("name") or case[1].get("description")) for case in UNKNOWN_REFERENCE_CASES
    ],
)
def test_unknown_reference_rejected_before_write(emulator, case):
    module, options, expected = case
    args = {"api_url": emulator.url, "api_token": DEMO_TOKEN}
    args.update(options)

    rc, result = run_module(module, args)
    assert rc != 0
    assert expected in result["msg"]
    assert "List the" in result["msg"]
    assert write_requests(emulator) == []
