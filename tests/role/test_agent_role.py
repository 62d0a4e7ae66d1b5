"""Scenarios of the enclave.networks.agent role, run through the enrol playbook against a chroot host.

Each test gets a fresh copy of the Debian root, a fresh emulator and the signed stub repository; see
conftest.py and README.md in this directory.
"""

from __future__ import annotations

import requests
from conftest import ACME_ORG, DEMO_TOKEN, HOSTNAME, NEW_VERSION, OLD_VERSION

PROFILE = "/etc/enclave/profiles/Universe.profile"
BOGUS_KEY = "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE"


def api(emulator, method, path, **kwargs):
    """Send an API request to the emulator's organisation as the demo token."""
    headers = {"Authorization": "Bearer " + DEMO_TOKEN, "User-Agent": "enclave-role-tests"}
    response = requests.request(method, f"{emulator.url}/org/{ACME_ORG}{path}", headers=headers, timeout=10, **kwargs)
    assert response.status_code == 200, response.text
    return response.json()


def create_key(emulator, **fields):
    """Create an enrolment key with automatic approval and return it, secret included."""
    body = {"description": "Role tests", "approvalMode": "Automatic"}
    body.update(fields)
    return api(emulator, "POST", "/enrolment-keys", json=body)


def host_systems(emulator, collection="systems"):
    """Return the systems of a collection (systems, unapprovedSystems) whose hostname is the test host's."""
    with emulator.store.lock:
        return [
            dict(system)
            for system in emulator.store.orgs[ACME_ORG][collection].values()
            if system.get("hostname") == HOSTNAME
        ]


def enrol_calls(host):
    return [call for call in host.cli_calls() if call[:1] == ["enrol"]]


def test_install_enrol_and_rerun(host):
    key = create_key(host.emulator, tags=["ci"], usesRemaining=5)

    first = host.run({"enclave_agent_enrolment_key": key["key"]})

    assert first.rc == 0, first.tail()
    assert host.installed_version() == NEW_VERSION
    assert host.exists(PROFILE)
    assert host.service_running()
    systems = host_systems(host.emulator)
    assert len(systems) == 1
    assert systems[0]["tags"] == ["ci"]
    assert f"system {systems[0]['systemId']}, address {systems[0]['virtualAddress']}" in first.output
    assert api(host.emulator, "GET", "/enrolment-keys/{}".format(key["id"]))["usesRemaining"] == 4
    # The key went through the environment: the CLI was called as `enclave enrol` with no argument.
    assert enrol_calls(host) == [["enrol"]]
    assert key["key"] not in first.output

    rerun = host.run()

    assert rerun.rc == 0, rerun.tail()
    assert rerun.changed == 0, rerun.tail()
    assert len(host_systems(host.emulator)) == 1
    assert len(enrol_calls(host)) == 1


def test_check_mode_on_enrolled_host_changes_nothing(host):
    key = create_key(host.emulator)
    assert host.run({"enclave_agent_enrolment_key": key["key"]}).rc == 0

    check = host.run(check=True)

    assert check.rc == 0, check.tail()
    assert check.changed == 0, check.tail()
    assert len(enrol_calls(host)) == 1


def test_check_mode_on_fresh_host_changes_nothing(host):
    key = create_key(host.emulator, usesRemaining=1)

    check = host.run({"enclave_agent_enrolment_key": key["key"]}, check=True)

    assert check.rc == 0, check.tail()
    assert check.changed > 0, check.tail()
    assert host.installed_version() is None
    assert not host.exists(PROFILE)
    assert not host.exists("/etc/apt/sources.list.d/enclave.sources")
    assert not host.exists("/etc/apt/keyrings/enclave-stable.asc")
    assert host_systems(host.emulator) == []
    assert api(host.emulator, "GET", "/enrolment-keys/{}".format(key["id"]))["usesRemaining"] == 1


def test_tags_description_and_notes_applied(host):
    key = create_key(host.emulator, tags=["ci"])
    variables = {
        "enclave_agent_enrolment_key": key["key"],
        "enclave_agent_tags": ["web", "linux"],
        "enclave_agent_description": "Web server in the role tests",
        "enclave_agent_notes": "Enrolled by the agent role's tests.",
    }

    first = host.run(variables)

    assert first.rc == 0, first.tail()
    [system] = host_systems(host.emulator)
    assert sorted(system["tags"]) == ["ci", "linux", "web"]
    assert system["description"] == "Web server in the role tests"
    assert system["notes"] == "Enrolled by the agent role's tests."

    rerun = host.run(
        {"enclave_agent_tags": ["web", "linux"], "enclave_agent_description": "Web server in the role tests"}
    )

    assert rerun.rc == 0, rerun.tail()
    assert rerun.changed == 0, rerun.tail()

    purged = host.run({"enclave_agent_tags": ["web"], "enclave_agent_purge_tags": True})

    assert purged.rc == 0, purged.tail()
    assert purged.changed == 1, purged.tail()
    [system] = host_systems(host.emulator)
    assert system["tags"] == ["web"]


def test_pinned_version_then_latest(host):
    key = create_key(host.emulator)

    pinned = host.run({"enclave_agent_enrolment_key": key["key"], "enclave_agent_version": OLD_VERSION})

    assert pinned.rc == 0, pinned.tail()
    assert host.installed_version() == OLD_VERSION
    [system] = host_systems(host.emulator)
    assert system["enclaveVersion"] == OLD_VERSION

    present = host.run()

    assert present.rc == 0, present.tail()
    assert present.changed == 0, present.tail()
    assert host.installed_version() == OLD_VERSION

    latest = host.run({"enclave_agent_state": "latest"})

    assert latest.rc == 0, latest.tail()
    assert latest.changed > 0, latest.tail()
    assert host.installed_version() == NEW_VERSION
    assert host.service_running()
    assert f"agent {NEW_VERSION}" in latest.output
    assert [found["systemId"] for found in host_systems(host.emulator)] == [system["systemId"]]
    assert len(enrol_calls(host)) == 1


def test_absent_revoke_then_reenrol(host):
    key = create_key(host.emulator)
    assert host.run({"enclave_agent_enrolment_key": key["key"]}).rc == 0
    [old] = host_systems(host.emulator)

    removed = host.run(
        {"enclave_agent_state": "absent", "enclave_agent_revoke_on_remove": True, "enclave_agent_purge": True}
    )

    assert removed.rc == 0, removed.tail()
    assert host_systems(host.emulator) == []
    assert host.installed_version() is None
    assert not host.service_running()
    assert not host.exists("/etc/enclave")
    assert not host.exists("/etc/apt/sources.list.d/enclave.sources")
    assert not host.exists("/etc/apt/keyrings/enclave-stable.asc")

    removed_again = host.run(
        {"enclave_agent_state": "absent", "enclave_agent_revoke_on_remove": True, "enclave_agent_purge": True}
    )

    assert removed_again.rc == 0, removed_again.tail()
    assert removed_again.changed == 0, removed_again.tail()

    reenrolled = host.run({"enclave_agent_enrolment_key": key["key"]})

    assert reenrolled.rc == 0, reenrolled.tail()
    [new] = host_systems(host.emulator)
    assert new["systemId"] != old["systemId"]
    assert host.service_running()


def test_rejected_key_then_good_key_recovers(host):
    rejected = host.run({"enclave_agent_enrolment_key": BOGUS_KEY})

    assert rejected.rc != 0
    assert rejected.failed == 1, rejected.tail()
    assert "enclave enrol failed with exit code 1" in rejected.output
    assert "rejected (403): The enrolment key is not valid" in rejected.output
    assert "<enrolment key>" in rejected.output
    assert BOGUS_KEY not in rejected.output
    assert not host.exists(PROFILE)
    assert host_systems(host.emulator) == []

    key = create_key(host.emulator)
    recovered = host.run({"enclave_agent_enrolment_key": key["key"]})

    assert recovered.rc == 0, recovered.tail()
    assert len(host_systems(host.emulator)) == 1
    assert host.exists(PROFILE)
    assert host.service_running()


def test_created_key_enrols_and_is_deleted(host):
    keys_before = api(host.emulator, "GET", "/enrolment-keys", params={"include_disabled": "true"})["items"]

    result = host.run(
        {
            "enclave_agent_enrolment_key_create": True,
            "enclave_agent_enrolment_key_tags": ["build"],
            "enclave_agent_enrolment_key_type": "ephemeral",
            "enclave_agent_enrolment_key_retention_minutes": 30,
        }
    )

    assert result.rc == 0, result.tail()
    [system] = host_systems(host.emulator)
    assert system["tags"] == ["build"]
    assert system["systemType"] == "Ephemeral"
    assert system["disconnectedRetentionMinutes"] == 30
    keys_after = api(host.emulator, "GET", "/enrolment-keys", params={"include_disabled": "true"})["items"]
    assert [found["id"] for found in keys_after] == [found["id"] for found in keys_before]
    created = [
        entry
        for entry in host.emulator.requests()
        if entry["method"] == "POST" and entry["path"].endswith("/enrolment-keys")
    ]
    assert len(created) == 1


def test_manual_approval_leaves_system_waiting(host):
    result = host.run(
        {
            "enclave_agent_enrolment_key_create": True,
            "enclave_agent_enrolment_key_approval_mode": "manual",
            "enclave_agent_tags": ["web"],
        }
    )

    assert result.rc == 0, result.tail()
    assert host_systems(host.emulator) == []
    [waiting] = host_systems(host.emulator, "unapprovedSystems")
    assert waiting["tags"] == ["web"]
    assert f"system {waiting['systemId']}, address none yet" in result.output


def test_missing_key_fails_before_install(host):
    result = host.run()

    assert result.rc != 0
    assert "needs an enrolment key: set enclave_agent_enrolment_key" in result.output
    assert host.installed_version() is None


def test_latest_with_version_fails_early(host):
    result = host.run({"enclave_agent_state": "latest", "enclave_agent_version": OLD_VERSION})

    assert result.rc != 0
    assert "cannot be combined with enclave_agent_version" in result.output
    assert host.installed_version() is None
