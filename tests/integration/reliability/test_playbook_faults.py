"""Faults seen through ansible-playbook: retries shown at -vvv, budgets reported, creates never doubled."""

from __future__ import annotations

import json
import os
import subprocess

from enclave_emulator.faults import parse_fault_option
from reliability_helpers import ACME_ORG, BIN, DEMO_TOKEN, route_requests

PLAYBOOK = """
- name: Modules under injected faults
  hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/enclave.networks.all:
      retries: 2
      retry_max_delay: 0.05
  tasks:
    - name: Read a system through one 503
      enclave.networks.system_info:
        system_id: 488Q
      register: recovered

    - name: Read a system that keeps failing with 502
      enclave.networks.system_info:
        system_id: K5Y9F
      register: exhausted
      ignore_errors: true

    - name: Create a key whose response is lost
      enclave.networks.enrolment_key:
        description: Playbook fault key
        approval_mode: automatic
      register: created
      ignore_errors: true
      no_log: true

    - name: Save the results
      ansible.builtin.copy:
        content: "{{{{ {{'recovered': recovered, 'exhausted': exhausted}} | to_json }}}}"
        dest: "{results}"
        mode: "0600"
"""


def test_faults_through_playbook(emulator, tmp_path):
    emulator.faults.set_rules(
        [
            parse_fault_option("GET /org/*/systems/488Q 503 1"),
            parse_fault_option("GET /org/*/systems/K5Y9F 502"),
            parse_fault_option("POST /org/*/enrolment-keys reset-before-body 1"),
        ]
    )
    results = tmp_path / "results.json"
    playbook = tmp_path / "faults.yml"
    playbook.write_text(PLAYBOOK.format(results=results))
    env = dict(os.environ, ENCLAVE_TOKEN=DEMO_TOKEN, ENCLAVE_API_URL=emulator.url, ANSIBLE_NOCOLOR="1")
    env.pop("ENCLAVE_ORG_ID", None)

    play = subprocess.run(
        [os.path.join(BIN, "ansible-playbook"), "-vvv", str(playbook)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert play.returncode == 0, play.stdout[-3000:]
    outcome = json.loads(results.read_text())

    recovered = outcome["recovered"]
    assert recovered["systems"][0]["system_id"] == "488Q"
    assert len(recovered["api_retries"]) == 1
    assert "GET /org/{0}/systems/488Q failed with HTTP 503".format(ACME_ORG) in recovered["api_retries"][0]

    exhausted = outcome["exhausted"]
    assert exhausted["failed"] is True
    assert "HTTP 502" in exhausted["msg"]
    assert "502 Bad Gateway" in exhausted["msg"]
    assert "Gave up after 3 attempts." in exhausted["msg"]
    assert exhausted["failure"]["attempts"] == 3
    assert len(exhausted["api_retries"]) == 2
    assert len(route_requests(emulator, "GET", "/org/{0}/systems/K5Y9F".format(ACME_ORG))) == 3

    keys = emulator.store.orgs[ACME_ORG]["enrolmentKeys"].values()
    assert [key["description"] for key in keys].count("Playbook fault key") == 1
    assert len(route_requests(emulator, "POST", "/org/{0}/enrolment-keys".format(ACME_ORG))) == 1
    assert DEMO_TOKEN not in play.stdout


def test_inventory_retries_shown_at_vvv(emulator, tmp_path):
    emulator.faults.set_rules([parse_fault_option("GET /org/*/systems 503 1")])
    source = tmp_path / "faults.enclave.yml"
    source.write_text("plugin: enclave.networks.enclave\nretries: 2\nretry_max_delay: 0.05\n")
    output = tmp_path / "inventory.json"
    env = dict(os.environ, ENCLAVE_TOKEN=DEMO_TOKEN, ENCLAVE_API_URL=emulator.url, ANSIBLE_NOCOLOR="1")
    env.pop("ENCLAVE_ORG_ID", None)

    listing = subprocess.run(
        [os.path.join(BIN, "ansible-inventory"), "-vvv", "-i", str(source), "--list", "--output", str(output)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )

    assert listing.returncode == 0, listing.stderr[-3000:]
    assert "GET /org/{0}/systems failed with HTTP 503".format(ACME_ORG) in listing.stdout + listing.stderr
    assert DEMO_TOKEN not in listing.stdout + listing.stderr
    hosts = json.loads(output.read_text())["_meta"]["hostvars"]
    assert len(hosts) == 11
    assert len(route_requests(emulator, "GET", "/org/{0}/systems".format(ACME_ORG))) == 2
