"""Run the enclave.networks.enclave inventory plugin through ansible-inventory against the emulator.

Each test gets a fresh emulator and writes its own inventory source. The golden files hold the
expected `ansible-inventory --list` output; after a deliberate change, rewrite them by running
`make integration PYTEST_ARGS="-k inventory"` with ENCLAVE_UPDATE_GOLDEN=1, and review the diff.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys

import pytest
from enclave_emulator.generate import generate_fixture
from enclave_emulator.server import EmulatorServer

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, "inventory")
DEMO_TOKEN = "EmulatorDemoToken0123456789012345678901234567890123456789012345"
ACME = "33a606d6b09c4557a01c62cd4c0b405b"
BIN = os.path.dirname(sys.executable)
SYSTEMS_PATH = "/org/{0}/systems".format(ACME)


def plain(value):
    """Replace the {"__ansible_unsafe": text} form that ansible-inventory writes for unsafe strings with the text."""
    if isinstance(value, dict):
        if list(value) == ["__ansible_unsafe"]:
            return value["__ansible_unsafe"]
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def load_json(name):
    with open(os.path.join(FILES, name)) as handle:
        return json.load(handle)


@pytest.fixture
def emulator():
    server = EmulatorServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def hard_cases(emulator):
    emulator.load_fixture(load_json("hard_cases.json"))
    return emulator


class Inventory:
    """Writes an inventory source next to the test and runs Ansible's commands on it."""

    def __init__(self, emulator, directory):
        self.emulator = emulator
        self.directory = directory
        self.path = str(directory / "enclave.yml")

    def write(self, text):
        with open(self.path, "w") as handle:
            handle.write("plugin: enclave.networks.enclave\n" + text)

    def env(self, **extra):
        collections_path = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
        assert collections_path, "ANSIBLE_COLLECTIONS_PATH is not set: run these tests with `make integration`"
        env = dict(
            os.environ,
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            # A source the plugin fails on fails the command, rather than leaving an empty inventory.
            ANSIBLE_INVENTORY_UNPARSED_FAILED="true",
            ANSIBLE_INVENTORY_ENABLED="enclave.networks.enclave",
            ENCLAVE_API_URL=self.emulator.url,
            ENCLAVE_TOKEN=DEMO_TOKEN,
        )
        for name in ("ENCLAVE_ORG_ID", "ENCLAVE_API_KEY"):
            env.pop(name, None)
        env.update(extra)
        return env

    def run(self, *args, command="ansible-inventory", source=None, environment=None):
        return subprocess.run(
            [os.path.join(BIN, command), "-i", source or self.path, *args],
            env=environment or self.env(),
            capture_output=True,
            text=True,
            check=False,
        )

    def list(self, *args):
        """Return the --list output with unsafe strings unwrapped, and stderr on one line."""
        result = self.run("--list", *args)
        assert result.returncode == 0, result.stderr
        return plain(json.loads(result.stdout)), " ".join(result.stderr.split())

    def list_raw(self):
        result = self.run("--list")
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    def list_requests(self):
        return [entry for entry in self.emulator.requests() if entry["path"] == SYSTEMS_PATH]


@pytest.fixture
def inventory(emulator, tmp_path):
    return Inventory(emulator, tmp_path)


def check_golden(name, actual):
    path = os.path.join(FILES, name)
    if os.environ.get("ENCLAVE_UPDATE_GOLDEN") == "1":
        with open(path, "w") as handle:
            json.dump(actual, handle, indent=2, sort_keys=True, ensure_ascii=False)
            handle.write("\n")
    assert actual == load_json(name)


def groups_of(listing, host):
    return sorted(name for name, group in listing.items() if host in (group.get("hosts") or []))


def test_default_fixture_matches_golden(inventory):
    inventory.write("")

    check_golden("golden_default.json", inventory.list_raw())


def test_hard_cases_match_golden(hard_cases, inventory):
    inventory.write("keyed_groups:\n  - key: enclave_agent_version\n    prefix: agent\n")

    check_golden("golden_hard_cases.json", inventory.list_raw())


def test_shared_hostname_gets_system_id(hard_cases, inventory):
    inventory.write("")
    listing, warnings = inventory.list()
    hostvars = listing["_meta"]["hostvars"]

    assert "web-01" not in hostvars
    assert hostvars["web-01_K5Y9F"]["enclave_system_id"] == "K5Y9F"
    assert hostvars["web-01_Q1BCD"]["enclave_system_id"] == "Q1BCD"
    assert warnings.count("[WARNING]") == 1
    assert "web-01 (" in warnings
    assert "K5Y9F" in warnings
    assert "Q1BCD" in warnings


def test_missing_hostname_falls_back_to_system_id(hard_cases, inventory):
    inventory.write("")
    listing, warnings = inventory.list()

    assert listing["_meta"]["hostvars"]["DV4KM"]["enclave_hostname"] is None
    assert "DV4KM" not in warnings


def test_missing_name_warns_with_system_id(hard_cases, inventory):
    inventory.write("hostnames: [hostname]\n")
    listing, warnings = inventory.list()

    assert listing["_meta"]["hostvars"]["DV4KM"]["enclave_system_id"] == "DV4KM"
    assert warnings.count("[WARNING]") == 1
    assert "named by its system id: DV4KM." in warnings
    assert "web-01 (" in warnings


def test_hostname_with_spaces_made_usable(hard_cases, inventory):
    inventory.write("")
    listing, _warnings = inventory.list()
    hostvars = listing["_meta"]["hostvars"]

    assert hostvars["Bob-s-MacBook-Air"]["enclave_hostname"] == "Bob's MacBook Air"
    assert hostvars["Bob-s-MacBook-Air"]["enclave_system_id"] == "MC3BB"


def test_tags_with_dots_and_dashes_sanitised(hard_cases, inventory):
    inventory.write("")
    listing, _warnings = inventory.list()

    assert listing["enclave_tag_eu_west_1"]["hosts"] == ["db-01"]
    assert listing["_meta"]["hostvars"]["db-01"]["enclave_tags"] == ["db", "eu-west.1", "prod"]


def test_keyed_group_on_null_version_skipped(hard_cases, inventory):
    inventory.write("keyed_groups:\n  - key: enclave_agent_version\n    prefix: agent\n")
    listing, _warnings = inventory.list()
    ci_groups = groups_of(listing, "ci-runner-7f3a")

    assert listing["_meta"]["hostvars"]["ci-runner-7f3a"]["enclave_agent_version"] is None
    assert listing["_meta"]["hostvars"]["ci-runner-7f3a"]["enclave_tags"] == []
    assert not [name for name in ci_groups if name.startswith("agent_")]
    assert not [name for name in ci_groups if name.startswith("enclave_tag_")]
    assert "ci-runner-7f3a" in listing["enclave_state_connected"]["hosts"]
    assert "web-01_K5Y9F" in listing["agent_2026_6_3_2419"]["hosts"]


def test_keyed_group_on_null_version_default_value(hard_cases, inventory):
    inventory.write(
        "strict: true\nkeyed_groups:\n  - key: enclave_agent_version\n    prefix: agent\n    default_value: unknown\n"
    )
    listing, _warnings = inventory.list()

    assert listing["agent_unknown"]["hosts"] == ["ci-runner-7f3a"]


def test_keyed_group_on_null_version_strict_fails(hard_cases, inventory):
    inventory.write("strict: true\nkeyed_groups:\n  - key: enclave_agent_version\n    prefix: agent\n")
    result = inventory.run("--list")
    errors = " ".join(result.stderr.split())

    assert result.returncode != 0
    assert "enclave_agent_version" in errors
    assert "ci-runner-7f3a" in errors


def test_keyed_group_on_empty_tags_strict_passes(hard_cases, inventory):
    # An empty list is a valid key that makes no group, even under strict.
    inventory.write("strict: true\nkeyed_groups:\n  - key: enclave_tags\n    prefix: tag\n")
    listing, _warnings = inventory.list()

    assert "ci-runner-7f3a" in listing["_meta"]["hostvars"]
    assert listing["tag_eu_west_1"]["hosts"] == ["db-01"]


def test_template_in_description_printed(hard_cases, inventory, tmp_path):
    inventory.write("compose:\n  description_copy: enclave_description\n")
    hostvars = inventory.list_raw()["_meta"]["hostvars"]["gw-01"]
    description = "{{ lookup('ansible.builtin.pipe', 'echo rendered') }} {{ 6 * 7 }}"

    assert hostvars["enclave_description"] == {"__ansible_unsafe": description}
    assert hostvars["description_copy"] == {"__ansible_unsafe": description}

    playbook = tmp_path / "show.yml"
    playbook.write_text(
        "- hosts: gw-01\n  connection: local\n  gather_facts: false\n  tasks:\n"
        "    - ansible.builtin.debug:\n        msg: 'description={{ enclave_description }}'\n"
    )
    result = inventory.run(str(playbook), command="ansible-playbook")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "description={{ lookup('ansible.builtin.pipe', 'echo rendered') }} {{ 6 * 7 }}" in result.stdout
    assert "rendered 42" not in result.stdout


def test_cold_and_warm_cache_identical(hard_cases, inventory, tmp_path):
    cache_dir = tmp_path / "cache"
    inventory.write("cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: {0}\n".format(cache_dir))
    cold, _warnings = inventory.list()
    cold_requests = len(hard_cases.requests())
    hard_cases.request_log.clear()
    warm, _warnings = inventory.list()

    assert cold_requests == 2
    assert hard_cases.requests() == []
    assert warm == cold

    cache_text = "".join(path.read_text() for path in cache_dir.iterdir())
    assert DEMO_TOKEN not in cache_text
    assert "GW3TQ" in cache_text


def test_flush_cache_reads_api(hard_cases, inventory, tmp_path):
    inventory.write(
        "cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: {0}\n".format(tmp_path / "cache")
    )
    inventory.list()
    hard_cases.request_log.clear()
    inventory.list("--flush-cache")

    assert len(inventory.list_requests()) == 1


def test_changed_filter_misses_cache(hard_cases, inventory, tmp_path):
    cache = "cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: {0}\n".format(tmp_path / "cache")
    inventory.write(cache)
    inventory.list()
    inventory.write(cache + "tags: [prod]\n")
    hard_cases.request_log.clear()
    listing, _warnings = inventory.list()

    assert len(inventory.list_requests()) == 1
    assert inventory.list_requests()[0]["query"]["search"] == "tags:prod"
    assert sorted(listing["_meta"]["hostvars"]) == ["WIN-APP-01", "db-01", "gw-01", "web-01_K5Y9F", "web-01_Q1BCD"]


def test_refresh_inventory_reads_api(inventory, tmp_path):
    inventory.write(
        "cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: {0}\n".format(tmp_path / "cache")
    )
    inventory.list()
    inventory.emulator.request_log.clear()
    playbook = tmp_path / "refresh.yml"
    playbook.write_text(
        "- hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n"
        "    - ansible.builtin.meta: refresh_inventory\n"
    )
    result = inventory.run(str(playbook), command="ansible-playbook")

    assert result.returncode == 0, result.stdout + result.stderr
    assert len(inventory.list_requests()) == 1


@pytest.mark.parametrize(
    ("systems", "organisation", "extra_requests"),
    [(450, True, 0), (450, False, 1), (400, True, 0), (1, False, 1), (0, True, 0)],
)
def test_list_request_count(inventory, systems, organisation, extra_requests):
    inventory.emulator.load_fixture(generate_fixture(systems=systems, seed=3))
    enabled = len([item for item in inventory.emulator.store.orgs[ACME]["systems"].values() if item["isEnabled"]])
    inventory.write("page_workers: 3\n" + ("organisation_id: {0}\n".format(ACME) if organisation else ""))
    listing, _warnings = inventory.list()
    pages = inventory.list_requests()

    assert len(listing["_meta"]["hostvars"]) == enabled
    assert len(pages) == max(1, math.ceil(enabled / 200))
    assert sorted(int(entry["query"]["page"]) for entry in pages) == list(range(len(pages)))
    assert all(entry["query"]["per_page"] == "200" for entry in pages)
    assert len(inventory.emulator.requests()) == len(pages) + extra_requests


def api_order(emulator):
    """Return the system ids the API lists, in its order, read page by page without the plugin."""
    import requests

    order = []
    page = 0
    while page is not None:
        response = requests.get(
            emulator.url + SYSTEMS_PATH,
            params={"page": page, "per_page": 200},
            headers={"Authorization": "Bearer " + DEMO_TOKEN, "User-Agent": "inventory-test"},
            timeout=30,
        )
        response.raise_for_status()
        body = response.json()
        order.extend(item["systemId"] for item in body["items"])
        page = body["metadata"]["nextPage"]
    return order


def test_host_order_follows_api(inventory):
    inventory.emulator.load_fixture(generate_fixture(systems=900, seed=5))
    inventory.write("page_workers: 8\nhostnames: [system_id]\n")
    concurrent, _warnings = inventory.list()
    inventory.write("page_workers: 1\nhostnames: [system_id]\n")
    sequential, _warnings = inventory.list()
    expected = api_order(inventory.emulator)

    assert len(expected) > 800
    assert concurrent == sequential
    for group in ("enclave_tag_web", "enclave_state_connected", "enclave_platform_linux"):
        members = set(concurrent[group]["hosts"])
        assert concurrent[group]["hosts"] == [system_id for system_id in expected if system_id in members]


def test_strict_connect_with_fails_for_missing_value(hard_cases, inventory):
    hard_cases.store.orgs[ACME]["systems"]["MC8AL"]["connectedFrom"] = None
    inventory.write("connect_with: connected_from\nstrict: true\n")
    result = inventory.run("--list")
    errors = " ".join(result.stderr.split())

    assert result.returncode != 0
    assert "MC8AL" in errors
    assert "connected_from" in errors


def test_connect_with_skips_missing_value(hard_cases, inventory):
    hard_cases.store.orgs[ACME]["systems"]["MC8AL"]["connectedFrom"] = None
    inventory.write("connect_with: connected_from\n")
    listing, warnings = inventory.list()

    assert "alice-mbp" not in listing["_meta"]["hostvars"]
    assert listing["_meta"]["hostvars"]["db-01"]["ansible_host"] == "198.51.100.30"
    assert "MC8AL" in warnings


def test_bad_token_names_status_not_token(inventory):
    inventory.write("")
    bad_token = "WrongToken" + "0" * 53
    result = inventory.run("--list", environment=inventory.env(ENCLAVE_TOKEN=bad_token))
    errors = " ".join(result.stderr.split())

    assert result.returncode != 0
    assert "HTTP 401" in errors
    assert bad_token not in result.stderr + result.stdout


def test_templated_token_from_extra_vars(inventory):
    inventory.write('api_token: "{{ enclave_token_from_vault }}"\norganisation_id: ' + ACME + "\n")
    environment = inventory.env()
    environment.pop("ENCLAVE_TOKEN")
    result = inventory.run("--list", "-e", "enclave_token_from_vault=" + DEMO_TOKEN, environment=environment)

    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["_meta"]["hostvars"]) == 11


def test_other_file_names_ignored(inventory, tmp_path):
    other = tmp_path / "hosts.yml"
    other.write_text("plugin: enclave.networks.enclave\n")
    result = inventory.run("--list", source=str(other))

    assert re.search(r"did not meet|Unable to parse|No inventory was parsed", result.stderr)
    assert inventory.emulator.requests() == []
