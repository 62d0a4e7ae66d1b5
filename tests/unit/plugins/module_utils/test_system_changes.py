from __future__ import annotations

import json

import pytest
from ansible_collections.enclave.networks.plugins.module_utils._client import EnclaveClient
from ansible_collections.enclave.networks.plugins.module_utils._errors import EnclaveError, ProblemDetailsError
from ansible_collections.enclave.networks.plugins.module_utils._system_changes import (
    STATES,
    SystemChanges,
    conflict_message,
    plan_step,
)

TOKEN = "UnitTestToken0123456789012345678901234567890123456789012345678"
ORG = "33a606d6b09c4557a01c62cd4c0b405b"
PROBLEM = "application/problem+json; charset=utf-8"


def make_client(api):
    return EnclaveClient(api_token=TOKEN, api_url=api.url, organisation_id=ORG)


def params(**overrides):
    values = {
        "system_id": None,
        "system_ids": None,
        "state": None,
        "description": None,
        "tags": None,
        "purge_tags": True,
        "notes": None,
        "enable_until": None,
    }
    values.update(overrides)
    return values


def one_page(items):
    return {
        "metadata": {"total": len(items), "firstPage": 0, "prevPage": None, "lastPage": 0, "nextPage": None},
        "links": {},
        "items": items,
    }


def enrolled(system_id, enabled=True):
    return {"systemId": system_id, "isEnabled": enabled, "state": "Connected" if enabled else "Disabled", "tags": []}


def not_found(api, path, slug):
    body = {"type": "https://api.enclave.io/problems/type/" + slug, "title": "Not found", "status": 404}
    api.reply("GET", path, (404, {"Content-Type": PROBLEM}, json.dumps(body)))


def writes(api):
    return [request for request in api.requests if request["method"] != "GET"]


# Requested state -> current status -> expected step, or KeyError when the state cannot be reached.
STEP_TABLE = {
    None: {"enabled": None, "disabled": None, "waiting": None, "absent": KeyError},
    "enabled": {"enabled": None, "disabled": "enable", "waiting": KeyError, "absent": KeyError},
    "disabled": {"enabled": "disable", "disabled": None, "waiting": KeyError, "absent": KeyError},
    "approved": {"enabled": None, "disabled": None, "waiting": "approve", "absent": KeyError},
    "declined": {"enabled": KeyError, "disabled": KeyError, "waiting": "decline", "absent": None},
    "revoked": {"enabled": "revoke", "disabled": "revoke", "waiting": "decline", "absent": None},
}


@pytest.mark.parametrize(
    "state, status, expected",
    [(state, status, step) for state, steps in STEP_TABLE.items() for status, step in steps.items()],
)
def test_plan_step(state, status, expected):
    if expected is KeyError:
        with pytest.raises(KeyError):
            plan_step(state, status)
    else:
        assert plan_step(state, status) == expected


def test_absent_is_revoked():
    assert "absent" in STATES
    assert SystemChanges(None, params(system_id="A", state="absent")).state == "revoked"


@pytest.mark.parametrize(
    "status, state, ids, expected",
    [
        ("absent", "enabled", ["ZZZZ9"], "System 'ZZZZ9' not found: it is neither enrolled nor waiting"),
        ("absent", "enabled", ["A", "B"], "Systems 'A', 'B' not found: they are neither enrolled nor waiting"),
        ("waiting", "disabled", ["NW7WB"], "System 'NW7WB' is waiting for approval, so it cannot be disabled yet"),
        ("enabled", "declined", ["K5Y9F"], "System 'K5Y9F' is enrolled, so it cannot be declined"),
        ("disabled", "declined", ["A", "B"], "Systems 'A', 'B' are enrolled, so they cannot be declined"),
    ],
)
def test_conflict_message(status, state, ids, expected):
    message = conflict_message(state, status, ids, ORG)

    assert expected in message


def test_conflict_message_names_organisation_and_revoked():
    assert ORG in conflict_message("enabled", "absent", ["A"], ORG)
    assert "state=revoked" in conflict_message("declined", "enabled", ["A"], ORG)


def test_conflict_message_shortens_long_lists():
    ids = ["S{0:03d}".format(number) for number in range(25)]

    message = conflict_message("enabled", "absent", ids, ORG)

    assert "'S019'" in message
    assert "'S020'" not in message
    assert "and 5 more" in message


def test_bulk_disable_chunks_450_ids(api):
    items = [enrolled("S{0:03d}".format(number)) for number in range(450)]
    api.reply_json("GET", "/org/{0}/systems".format(ORG), one_page(items))
    api.reply(
        "PUT",
        "/org/{0}/systems/disable".format(ORG),
        (200, {"Content-Type": "application/json"}, json.dumps({"systemsUpdated": 200})),
        (200, {"Content-Type": "application/json"}, json.dumps({"systemsUpdated": 200})),
        (200, {"Content-Type": "application/json"}, json.dumps({"systemsUpdated": 50})),
    )
    changes = SystemChanges(make_client(api), params(system_ids=[item["systemId"] for item in items], state="disabled"))

    changes.plan()
    changes.apply()

    bodies = [json.loads(request["body"])["systemIds"] for request in writes(api)]
    assert [len(body) for body in bodies] == [200, 200, 50]
    assert bodies[0][0] == "S000"
    assert bodies[2][-1] == "S449"
    assert changes.counts["disabled"] == 450
    assert changes.changed
    assert changes.warnings == []


def test_bulk_skip_counts_and_warns(api):
    items = [enrolled("S{0:02d}".format(number)) for number in range(11)] + [enrolled("D00", enabled=False)]
    api.reply_json("GET", "/org/{0}/systems".format(ORG), one_page(items))
    # The API skips ids that changed meanwhile, and reports only how many it disabled.
    api.reply_json("PUT", "/org/{0}/systems/disable".format(ORG), {"systemsUpdated": 9})
    changes = SystemChanges(make_client(api), params(system_ids=[item["systemId"] for item in items], state="disabled"))

    changes.plan()
    changes.apply()

    sent = json.loads(writes(api)[0]["body"])["systemIds"]
    assert "D00" not in sent
    assert len(sent) == 11
    assert changes.counts["disabled"] == 9
    assert changes.changed
    assert len(changes.warnings) == 1
    assert "reported 9 of 11 systems disabled" in changes.warnings[0]


def test_bulk_reporting_zero_is_not_changed(api):
    items = [enrolled("S{0:02d}".format(number)) for number in range(11)]
    api.reply_json("GET", "/org/{0}/systems".format(ORG), one_page(items))
    api.reply_json("PUT", "/org/{0}/systems/disable".format(ORG), {"systemsUpdated": 0})
    changes = SystemChanges(make_client(api), params(system_ids=[item["systemId"] for item in items], state="disabled"))

    changes.plan()
    changes.apply()

    assert not changes.changed
    assert changes.warnings


def test_predict_sends_no_write(api):
    items = [enrolled("S{0:02d}".format(number)) for number in range(11)] + [enrolled("D00", enabled=False)]
    api.reply_json("GET", "/org/{0}/systems".format(ORG), one_page(items))
    changes = SystemChanges(
        make_client(api),
        params(system_ids=[item["systemId"] for item in items], state="disabled", description="Quarantined"),
    )

    changes.plan()
    changes.predict()

    assert writes(api) == []
    assert changes.counts["disabled"] == 11
    assert changes.counts["edited"] == 12
    results = changes.results()
    assert {result["status"] for result in results} == {"disabled"}
    assert {result["description"] for result in results} == {"Quarantined"}


def test_conflict_fails_before_any_write(api):
    api.reply_json("GET", "/org/{0}/systems/A".format(ORG), enrolled("A"))
    api.reply_json("GET", "/org/{0}/systems/B".format(ORG), enrolled("B"))
    not_found(api, "/org/{0}/systems/ZZZZ9".format(ORG), "system-not-found")
    not_found(api, "/org/{0}/unapproved-systems/ZZZZ9".format(ORG), "unapproved-system-not-found")
    changes = SystemChanges(make_client(api), params(system_ids=["A", "ZZZZ9", "B"], state="disabled"))

    with pytest.raises(EnclaveError) as caught:
        changes.plan()

    assert "System 'ZZZZ9' not found" in str(caught.value)
    assert writes(api) == []


def test_organisation_not_found_is_not_a_missing_system(api):
    not_found(api, "/org/{0}/systems/A".format(ORG), "organisation-not-found")
    changes = SystemChanges(make_client(api), params(system_id="A", state="revoked"))

    with pytest.raises(ProblemDetailsError) as caught:
        changes.plan()

    assert caught.value.status == 404
    assert writes(api) == []


@pytest.mark.parametrize(
    "overrides, expected",
    [
        ({"state": "revoked", "description": "x"}, "description cannot be combined with state=revoked"),
        ({"state": "enabled", "tags": ["web", "Web Servers"]}, "tags[1] 'Web Servers' is not a valid tag name"),
        ({"state": "declined", "tags": ["web"], "notes": "x"}, "tags and notes cannot be combined with state=declined"),
        (
            {
                "state": "disabled",
                "enable_until": {"expiry": "2027-01-15T17:00:00Z", "time_zone_id": None, "action": "disable"},
            },
            "enable_until needs state=enabled or state=approved, not state=disabled",
        ),
        (
            {"state": "enabled", "enable_until": {"expiry": "tomorrow", "time_zone_id": None, "action": "disable"}},
            "enable_until.expiry 'tomorrow' is invalid",
        ),
        (
            {"enable_until": {"expiry": "2027-01-15T17:00:00Z", "time_zone_id": None, "action": "disable"}},
            "enable_until needs state, and state is not set",
        ),
    ],
)
def test_invalid_options_fail_before_requests(api, overrides, expected):
    changes = SystemChanges(make_client(api), params(system_id="A", **overrides))

    with pytest.raises(EnclaveError) as caught:
        changes.plan()

    assert expected in str(caught.value)
    assert api.requests == []


def test_no_state_message_names_no_state(api):
    expiry = {"expiry": "2027-01-15T17:00:00Z", "time_zone_id": None, "action": "disable"}
    changes = SystemChanges(make_client(api), params(system_id="A", enable_until=expiry))

    with pytest.raises(EnclaveError) as caught:
        changes.plan()

    assert "state=None" not in str(caught.value)
    assert "Set state=enabled" in str(caught.value)


@pytest.mark.parametrize(
    "action, expected",
    [
        ("disable", "so the API is expected to disable the system at once"),
        ("revoke", "so the API is expected to revoke the system at once, which is permanent"),
    ],
)
def test_past_expiry_warns(api, action, expected):
    api.reply_json("GET", "/org/{0}/systems/A".format(ORG), enrolled("A"))
    expiry = {"expiry": "2020-01-15T17:00:00Z", "time_zone_id": None, "action": action}
    changes = SystemChanges(make_client(api), params(system_id="A", state="enabled", enable_until=expiry))

    changes.plan()

    assert len(changes.warnings) == 1
    assert "enable_until.expiry '2020-01-15T17:00:00Z' is in the past" in changes.warnings[0]
    assert expected in changes.warnings[0]
    assert writes(api) == []


def test_future_expiry_gives_no_warning(api):
    api.reply_json("GET", "/org/{0}/systems/A".format(ORG), enrolled("A"))
    expiry = {"expiry": "2999-01-15T17:00:00Z", "time_zone_id": None, "action": "disable"}
    changes = SystemChanges(make_client(api), params(system_id="A", state="enabled", enable_until=expiry))

    changes.plan()

    assert changes.warnings == []
