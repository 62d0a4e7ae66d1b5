"""Untrusted data: Jinja in a system's description and tag is printed as text, never evaluated.

The values come from the API, so a playbook must show them literally, through system_info and
through the inventory plugin. {{ 7 * 7 }} would print 49 if it were evaluated.
"""

from __future__ import annotations

import json
import os
import subprocess

from enclave_emulator.fixture_file import load_fixture_file
from enclave_emulator.server import EmulatorServer
from reliability_helpers import ACME_ORG, BIN, DEMO_TOKEN

DESCRIPTION = "Build {{ 7 * 7 }} {{ lookup('ansible.builtin.env', 'HOME') }}"
# NOTE: the API accepts only tag names of lower-case letters, digits, '-' and '.', so this tag can reach
# a playbook only from a fixture. It stands for whatever a changed API or a proxy might send.
TAG = "{{ 6 * 7 }}"

PLAYBOOK = """
- name: Show untrusted values from system_info
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Read the system
      enclave.networks.system_info:
        system_id: 488Q
      register: one

    - name: Print its description and tags
      vars:
        system: "{{ one.systems[0] }}"
      ansible.builtin.debug:
        msg: "DESCRIPTION=[{{ system.description }}] TAGS=[{{ system.tags | map(attribute='tag') | join(',') }}]"

- name: Show untrusted values from the inventory
  hosts: all
  gather_facts: false
  tasks:
    - name: Print the host's description
      ansible.builtin.debug:
        msg: "INVENTORY=[{{ enclave_description }}]"
      when: enclave_system_id == '488Q'
"""


def make_fixture():
    fixture = load_fixture_file()
    org = next(org for org in fixture["orgs"] if org["id"] == ACME_ORG)
    system = next(system for system in org["systems"] if system["systemId"] == "488Q")
    system["description"] = DESCRIPTION
    system["tags"] = [TAG]
    return fixture


def test_jinja_from_api_printed_literally(tmp_path):
    with EmulatorServer(fixture=make_fixture()) as emulator:
        inventory = tmp_path / "untrusted.enclave.yml"
        inventory.write_text("plugin: enclave.networks.enclave\ninclude_disabled: true\n")
        playbook = tmp_path / "untrusted.yml"
        playbook.write_text(PLAYBOOK)
        env = dict(os.environ, ENCLAVE_TOKEN=DEMO_TOKEN, ENCLAVE_API_URL=emulator.url, ANSIBLE_NOCOLOR="1")
        env.pop("ENCLAVE_ORG_ID", None)

        play = subprocess.run(
            [os.path.join(BIN, "ansible-playbook"), "-i", str(inventory), str(playbook)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        listing = subprocess.run(
            [os.path.join(BIN, "ansible-inventory"), "-i", str(inventory), "--list"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    assert play.returncode == 0, play.stdout[-3000:] + play.stderr[-2000:]
    printed = play.stdout.replace('\\"', '"')
    assert "DESCRIPTION=[{0}]".format(DESCRIPTION) in printed
    assert "TAGS=[{0}]".format(TAG) in printed
    assert "INVENTORY=[{0}]".format(DESCRIPTION) in printed
    assert "Build 49" not in printed
    assert "[42]" not in printed

    assert listing.returncode == 0, listing.stderr[-3000:]
    hostvars = json.loads(listing.stdout)["_meta"]["hostvars"]
    described = [host for host in hostvars.values() if unwrap(host.get("enclave_system_id")) == "488Q"]
    assert len(described) == 1
    # ansible-inventory writes values marked unsafe, which templating never evaluates, in this form.
    assert described[0]["enclave_description"] == {"__ansible_unsafe": DESCRIPTION}


def unwrap(value):
    if isinstance(value, dict) and "__ansible_unsafe" in value:
        return value["__ansible_unsafe"]
    return value
