"""Run the collection's API playbooks against a fresh emulator: stale systems, key rotation, report.

The playbooks come from the collection installed from the built tarball (`make integration` sets
ANSIBLE_COLLECTIONS_PATH), and run as users run them: ansible-playbook enclave.networks.<name>.
The enrol playbook needs a managed host and runs in tests/role instead.
"""

from __future__ import annotations

import csv
import datetime
import os
import re
import stat
import subprocess
import sys

import pytest
from enclave_emulator.server import EmulatorServer

DEMO_TOKEN = "EmulatorDemoToken0123456789012345678901234567890123456789012345"
ACME_ORG = "33a606d6b09c4557a01c62cd4c0b405b"
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
OUTPUT_TAIL = 60


@pytest.fixture
def emulator():
    server = EmulatorServer().start()
    yield server
    server.stop()


def run_playbook(emulator, name, *arguments):
    assert os.environ.get("ANSIBLE_COLLECTIONS_PATH"), "run the integration tests with `make integration`"
    env = dict(
        os.environ,
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ENCLAVE_API_URL=emulator.url,
        ENCLAVE_TOKEN=DEMO_TOKEN,
    )
    for variable in ("ENCLAVE_ORG_ID", "ENCLAVE_API_KEY"):
        env.pop(variable, None)
    process = subprocess.run(
        [ANSIBLE_PLAYBOOK, "enclave.networks." + name, *arguments],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    return process.returncode, process.stdout


def tail(output):
    return "\n".join(output.splitlines()[-OUTPUT_TAIL:])


def org(emulator):
    return emulator.store.orgs[ACME_ORG]


def iso_days_ago(days):
    moment = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=days)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")


@pytest.fixture
def stale_fleet(emulator):
    """Every system seen a day ago and connected, except two stale ones and one that never connected."""
    systems = org(emulator)["systems"]
    with emulator.store.lock:
        for system in systems.values():
            system["lastSeen"] = iso_days_ago(1)
            system["state"] = "Connected"
        stale_ids = sorted(system_id for system_id, system in systems.items() if system.get("isEnabled", True))[:3]
        for system_id in stale_ids[:2]:
            systems[system_id]["lastSeen"] = iso_days_ago(100)
            systems[system_id]["state"] = "Disconnected"
        never_seen = systems[stale_ids[2]]
        never_seen.update(lastSeen=None, connectedAt=None, state="Disconnected", enrolledAt=iso_days_ago(90))
    return stale_ids


def enabled_ids(emulator):
    return sorted(system_id for system_id, system in org(emulator)["systems"].items() if system.get("isEnabled", True))


def test_stale_check_mode_reports_and_changes_nothing(emulator, stale_fleet):
    before = enabled_ids(emulator)

    rc, output = run_playbook(emulator, "disable_stale_systems", "--check", "-e", "stale_days=30")

    assert rc == 0, tail(output)
    assert "3 of {} systems have not been seen".format(len(before)) in output
    assert "would be disabled" in output
    for system_id in stale_fleet:
        assert system_id in output
    assert enabled_ids(emulator) == before
    assert [entry for entry in emulator.requests() if entry["method"] != "GET"] == []


def test_stale_systems_disabled(emulator, stale_fleet):
    before = enabled_ids(emulator)

    rc, output = run_playbook(emulator, "disable_stale_systems", "-e", "stale_days=30")

    assert rc == 0, tail(output)
    assert enabled_ids(emulator) == sorted(set(before) - set(stale_fleet))
    assert "Have disabled 3 systems." in output


def test_stale_systems_revoked(emulator, stale_fleet):
    rc, output = run_playbook(emulator, "disable_stale_systems", "-e", "stale_days=30", "-e", "stale_action=revoke")

    assert rc == 0, tail(output)
    for system_id in stale_fleet:
        assert system_id not in org(emulator)["systems"]


def test_stale_max_changes_stops_play(emulator, stale_fleet):
    before = enabled_ids(emulator)

    rc, output = run_playbook(emulator, "disable_stale_systems", "-e", "stale_days=30", "-e", "stale_max_changes=2")

    assert rc != 0
    assert "more than stale_max_changes (2)" in output
    assert enabled_ids(emulator) == before


def test_rotate_key_replaces_secret(emulator, tmp_path):
    old = dict(org(emulator)["enrolmentKeys"][2])
    secret_file = tmp_path / "servers.key"

    rc, output = run_playbook(
        emulator,
        "rotate_enrolment_key",
        "-e",
        "rotate_key_description=Servers",
        "-e",
        f"rotate_secret_file={secret_file}",
    )

    assert rc == 0, tail(output)
    keys = org(emulator)["enrolmentKeys"]
    [new] = [key for key in keys.values() if key["description"] == "Servers"]
    assert new["id"] != old["id"]
    assert new["key"] != old["key"]
    assert new["approvalMode"] == old["approvalMode"]
    assert new["type"] == old["type"]
    assert sorted(new["tags"]) == sorted(old["tags"])
    assert new["ipConstraints"] == old["ipConstraints"]
    assert keys[old["id"]]["isEnabled"] is False
    assert keys[old["id"]]["description"].startswith("Servers (replaced ")
    assert secret_file.read_text() == new["key"] + "\n"
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    assert new["key"] not in output
    assert old["key"] not in output


def test_rotate_key_check_mode_changes_nothing(emulator):
    before = {key_id: dict(key) for key_id, key in org(emulator)["enrolmentKeys"].items()}

    rc, output = run_playbook(emulator, "rotate_enrolment_key", "--check", "-e", "rotate_key_id=2")

    assert rc == 0, tail(output)
    assert org(emulator)["enrolmentKeys"] == before


def test_rotate_key_unknown_description_fails(emulator):
    rc, output = run_playbook(emulator, "rotate_enrolment_key", "-e", '{"rotate_key_description": "Nothing like it"}')

    assert rc != 0
    assert 'No enrolment key has the description \\"Nothing like it\\"' in output


def test_systems_report_markdown_and_csv(emulator, tmp_path):
    systems = org(emulator)["systems"]
    with emulator.store.lock:
        first_id = sorted(systems)[0]
        systems[first_id]["description"] = 'Web "blue" | green'
    report_dir = tmp_path / "report"

    rc, output = run_playbook(emulator, "systems_report", "-e", f"report_dir={report_dir}")

    assert rc == 0, tail(output)
    with open(report_dir / "systems.csv", newline="", encoding="utf-8") as report:
        rows = list(csv.DictReader(report))
    expected = len(systems) + len(org(emulator)["unapprovedSystems"])
    assert len(rows) == expected
    by_id = {row["system_id"]: row for row in rows}
    assert by_id[first_id]["description"] == 'Web "blue" | green'
    assert by_id[first_id]["platform"] == (systems[first_id].get("platformType") or "")
    waiting_id = sorted(org(emulator)["unapprovedSystems"])[0]
    assert by_id[waiting_id]["state"] == "Waiting for approval"
    markdown = (report_dir / "systems.md").read_text()
    assert f"{expected} systems, reported" in markdown
    assert 'Web "blue" \\| green' in markdown
    # A table row of the systems has 12 cell borders that no backslash escapes.
    table_rows = [
        line for line in markdown.splitlines() if line.startswith("| ") and len(re.findall(r"(?<!\\)\|", line)) == 12
    ]
    assert len(table_rows) == expected + 1
