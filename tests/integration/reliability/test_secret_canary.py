"""Secret canary: a recognisable token and enrolment key secret must not leak at -vvvv.

Every module, the inventory (with its cache on) and the demo run through ansible-playbook against
an emulator that accepts the canary token and a key with a canary secret. Tasks that see the secret
set no_log. Afterwards every output, log, callback file and cache file is searched for both values.
"""

from __future__ import annotations

import hashlib
import os
import subprocess

from enclave_emulator.faults import parse_fault_option
from enclave_emulator.fixture_file import load_fixture_file
from enclave_emulator.server import EmulatorServer
from reliability_helpers import ACME_ORG, BIN

CANARY_TOKEN = "CanaryTokenZq7" + "x" * 49
CANARY_SECRET = "QZQZQ-CANRY-SECRT-VALUE-QZQZQ"
CANARY_KEY_ID = 77
# A fault on one read makes the client retry, so retry log lines are searched too.
RETRY_FAULT = "GET /org/*/systems/488Q 503 1"

PLAYBOOK = """
- name: Canary play over every module
  hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/enclave.networks.all:
      api_token: "{{{{ lookup('ansible.builtin.env', 'ENCLAVE_TOKEN') }}}}"
      api_url: "{{{{ emulator_url }}}}"
      retry_max_delay: 0.1
  tasks:
    - name: Read one system, retried once after a 503
      enclave.networks.system_info:
        system_id: 488Q

    - name: List systems
      enclave.networks.system_info:

    - name: Fail on an unknown system
      enclave.networks.system_info:
        system_id: NOPE1
      ignore_errors: true

    - name: Read the canary key
      enclave.networks.enrolment_key_info:
        id: {key_id}
      no_log: true
      register: canary_key

    - name: Check the secret reached the registered value
      ansible.builtin.assert:
        that: canary_key.enrolment_keys[0].key | hash('sha1') == "{secret_sha1}"
        quiet: true

    - name: Change the canary key
      enclave.networks.enrolment_key:
        id: {key_id}
        description: Canary key renamed
      no_log: true

    - name: Create a key
      enclave.networks.enrolment_key:
        description: Canary created key
        approval_mode: automatic
      no_log: true

    - name: Describe a system
      enclave.networks.system_state:
        system_id: 488Q
        state: enabled
        description: Canary described

    - name: Disable two systems in one bulk request
      enclave.networks.system_state:
        system_ids: [DV4KM, MC3BB]
        state: disabled

    - name: Create a tag
      enclave.networks.tag:
        name: canary-tag
        colour: "#112233"

    - name: List tags
      enclave.networks.tag_info:

    - name: Create a policy
      enclave.networks.policy:
        description: Canary policy
        sender_tags: [dev]
        receiver_tags: [canary-tag]
        acls:
          - protocol: tcp
            ports: "443"

    - name: List policies
      enclave.networks.policy_info:

    - name: Create a DNS zone
      enclave.networks.dns_zone:
        name: canary.example

    - name: List DNS zones
      enclave.networks.dns_zone_info:

    - name: Create a DNS record
      enclave.networks.dns_record:
        zone: canary.example
        name: app
        tags: [canary-tag]

    - name: List DNS records
      enclave.networks.dns_record_info:

    - name: Create a trust requirement
      enclave.networks.trust_requirement:
        description: Canary public IP
        public_ip:
          conditions:
            - type: country
              value: GB

    - name: List trust requirements
      enclave.networks.trust_requirement_info:

    - name: Fail with a bad token in a task argument
      enclave.networks.system_info:
        api_token: "{{{{ lookup('ansible.builtin.env', 'ENCLAVE_TOKEN') }}}}X"
      ignore_errors: true

- name: Canary play over the inventory
  hosts: all
  gather_facts: false
  tasks:
    - name: Print a host variable
      ansible.builtin.debug:
        var: enclave_description
"""


def make_fixture():
    fixture = load_fixture_file()
    fixture["tokens"].append(
        {"token": CANARY_TOKEN, "description": "canary", "orgs": [{"orgId": ACME_ORG, "role": "Owner"}]}
    )
    org = next(org for org in fixture["orgs"] if org["id"] == ACME_ORG)
    template = dict(org["enrolmentKeys"][0])
    template.update({"id": CANARY_KEY_ID, "description": "Canary key", "key": CANARY_SECRET, "isEnabled": True})
    org["enrolmentKeys"].append(template)
    return fixture


def run(command, env, output):
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=600)
    output.write_text(result.stdout + "\n" + result.stderr)
    return result


def test_no_secret_in_any_output(tmp_path):
    emulator = EmulatorServer(fixture=make_fixture())
    emulator.faults.set_rules([parse_fault_option(RETRY_FAULT)])
    emulator.start()
    try:
        inventory = tmp_path / "canary.enclave.yml"
        inventory.write_text(
            "plugin: enclave.networks.enclave\n"
            "api_url: {0}\n"
            "cache: true\n"
            "cache_plugin: ansible.builtin.jsonfile\n"
            "cache_connection: {1}\n".format(emulator.url, tmp_path / "inventory-cache")
        )
        playbook = tmp_path / "canary.yml"
        secret_sha1 = hashlib.sha1(CANARY_SECRET.encode()).hexdigest()
        playbook.write_text(PLAYBOOK.format(key_id=CANARY_KEY_ID, secret_sha1=secret_sha1))
        env = dict(
            os.environ,
            ENCLAVE_TOKEN=CANARY_TOKEN,
            ENCLAVE_API_URL=emulator.url,
            ANSIBLE_LOG_PATH=str(tmp_path / "ansible.log"),
            ANSIBLE_CALLBACKS_ENABLED="ansible.builtin.tree,ansible.builtin.junit",
            ANSIBLE_CALLBACK_TREE_DIR=str(tmp_path / "tree"),
            JUNIT_OUTPUT_DIR=str(tmp_path / "junit"),
            ANSIBLE_CALLBACK_RESULT_FORMAT="json",
            ANSIBLE_CACHE_PLUGIN="ansible.builtin.jsonfile",
            ANSIBLE_CACHE_PLUGIN_CONNECTION=str(tmp_path / "fact-cache"),
            ANSIBLE_KEEP_REMOTE_FILES="false",
            ANSIBLE_NOCOLOR="1",
        )
        env.pop("ENCLAVE_ORG_ID", None)
        env.pop("ENCLAVE_API_KEY", None)
        # The token reaches the play only through the environment: -vvvv prints the command line.
        extra = ["-e", "emulator_url=" + emulator.url]

        play = run(
            [os.path.join(BIN, "ansible-playbook"), "-vvvv", "-i", str(inventory), str(playbook), *extra],
            env,
            tmp_path / "play.out",
        )
        listing = run(
            [os.path.join(BIN, "ansible-inventory"), "-vvvv", "-i", str(inventory), "--list"],
            env,
            tmp_path / "inventory.out",
        )
        demo = run(
            [os.path.join(BIN, "ansible-playbook"), "-vvvv", "enclave.networks.demo"], env, tmp_path / "demo.out"
        )
    finally:
        emulator.stop()

    assert play.returncode == 0, play.stdout[-3000:]
    assert listing.returncode == 0, listing.stderr[-3000:]
    assert demo.returncode == 0, demo.stdout[-3000:]
    assert "api_retries" in play.stdout
    assert os.listdir(tmp_path / "inventory-cache")

    searched = 0
    for directory, _dirs, files in os.walk(tmp_path):
        for name in files:
            if name == "canary.yml":
                continue
            with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as handle:
                text = handle.read()
            searched += 1
            assert CANARY_TOKEN not in text, "token found in " + os.path.join(directory, name)
            assert CANARY_SECRET not in text, "key secret found in " + os.path.join(directory, name)
    assert searched >= 5


def test_canary_play_runs_every_module():
    modules = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "plugins", "modules")
    names = sorted(name[:-3] for name in os.listdir(modules) if name.endswith(".py"))

    missing = [name for name in names if "enclave.networks.{0}:".format(name) not in PLAYBOOK]
    assert missing == []
