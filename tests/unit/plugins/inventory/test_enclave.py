"""The enclave inventory plugin, loaded by ansible-core's plugin loader and run against the emulator."""

from __future__ import annotations

import copy
import json
import os
import sys
import time

import pytest
from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

# ansible-test runs the unit tests without tests/emulator on the path; the emulator is stdlib-only.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "emulator"))

from enclave_emulator.server import EmulatorServer

TOKEN = "EmulatorDemoToken0123456789012345678901234567890123456789012345"
ORG = "33a606d6b09c4557a01c62cd4c0b405b"


@pytest.fixture
def emulator(monkeypatch):
    server = EmulatorServer()
    server.start()
    monkeypatch.setenv("ENCLAVE_API_URL", server.url)
    monkeypatch.setenv("ENCLAVE_TOKEN", TOKEN)
    monkeypatch.delenv("ENCLAVE_ORG_ID", raising=False)
    monkeypatch.delenv("ENCLAVE_API_KEY", raising=False)
    yield server
    server.stop()


def settled_requests(server, expected):
    """Return the logged requests once ``expected`` have arrived, or after 5 seconds.

    The emulator logs a request after replying to it, so the last one can arrive just after the client returns.
    """
    deadline = time.monotonic() + 5
    while len(server.requests()) < expected and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    return server.requests()


def load_plugin():
    plugin = inventory_loader.get("enclave.networks.enclave")
    assert plugin is not None, "the collection loader did not find enclave.networks.enclave"
    return plugin


def parse(plugin, path, cache=True):
    inventory = InventoryData()
    plugin.parse(inventory, DataLoader(), str(path), cache=cache)
    return inventory


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        ("enclave.yml", True),
        ("enclave.yaml", True),
        ("prod.enclave.yml", True),
        ("prod.enclave.yaml", True),
        ("enclave.json", False),
        ("myenclave.yml", False),
        ("hosts.yml", False),
        ("enclave.yml.bak", False),
    ],
)
def test_verify_file(tmp_path, name, accepted):
    path = tmp_path / name
    path.write_text("plugin: enclave.networks.enclave\n")

    assert load_plugin().verify_file(str(path)) is accepted


def test_verify_file_missing(tmp_path):
    assert load_plugin().verify_file(str(tmp_path / "enclave.yml")) is False


def test_cache_entry_not_mutated(emulator, tmp_path):
    cache_dir = tmp_path / "cache"
    path = tmp_path / "enclave.yml"
    path.write_text(
        "plugin: enclave.networks.enclave\ncache: true\ncache_plugin: ansible.builtin.jsonfile\n"
        "cache_connection: {0}\n"
        "compose:\n  enclave_tags: enclave_tags + ['extra']\n  enclave_state: \"'changed'\"\n".format(cache_dir)
    )
    plugin = load_plugin()
    cold = parse(plugin, path, cache=True)
    key = plugin.get_cache_key(str(path))
    # The entry that the cold run stored and populated the inventory from, before it is written out.
    cold_entry = copy.deepcopy(plugin._cache[key])
    plugin.update_cache_if_changed()
    (cache_file,) = cache_dir.iterdir()
    stored = json.loads(cache_file.read_text())
    # ansible-core 2.19 wraps the cached value in a versioned envelope with the JSON in __payload__.
    if "__payload__" in stored:
        stored = json.loads(stored["__payload__"])

    warm = parse(plugin, path, cache=True)

    assert stored == cold_entry
    assert plugin._cache[key] == stored
    assert [item["systemId"] for item in stored["systems"]][:1] == ["CI5EP"]
    assert all(item["state"] != "changed" for item in stored["systems"])
    assert all("extra" not in [tag["tag"] for tag in item["tags"]] for item in stored["systems"])
    assert len(settled_requests(emulator, 2)) == 2
    assert warm.hosts.keys() == cold.hosts.keys()
    assert warm.get_host("web-01").get_vars()["enclave_tags"] == ["prod", "web", "extra"]
    assert warm.get_host("web-01").get_vars()["enclave_state"] == "changed"
    assert TOKEN not in cache_file.read_text()
    assert TOKEN not in key


def test_cache_false_reads_api_and_replaces_entry(emulator, tmp_path):
    path = tmp_path / "enclave.yml"
    path.write_text("plugin: enclave.networks.enclave\ncache: true\ncache_plugin: ansible.builtin.memory\n")
    plugin = load_plugin()
    parse(plugin, path, cache=True)
    emulator.store.orgs[ORG]["systems"]["K5Y9F"]["description"] = "Renamed web server"
    refreshed = parse(plugin, path, cache=False)

    assert len(settled_requests(emulator, 4)) == 4
    assert refreshed.get_host("web-01").get_vars()["enclave_description"] == "Renamed web server"
    assert plugin._cache[plugin.get_cache_key(str(path))]["systems"]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("variable_prefix: 1bad", "variable_prefix '1bad' is invalid"),
        ("page_workers: 0", "page_workers 0 is invalid"),
        ("page_workers: 17", "page_workers 17 is invalid"),
        ("hostnames: []", "hostnames is empty"),
        ("hostnames: [fqdn]", "hostnames entry 'fqdn' is invalid"),
        ("tags: ['web,prod']", "tags entry 'web,prod' is not a valid Enclave tag name"),
        ("organisation_id: acme", "organisation_id 'acme' is invalid"),
        ("api_url: ftp://example.test", "api_url 'ftp://example.test' is invalid"),
    ],
)
def test_invalid_option_named(emulator, tmp_path, option, message):
    path = tmp_path / "enclave.yml"
    path.write_text("plugin: enclave.networks.enclave\n" + option + "\n")

    with pytest.raises(AnsibleParserError) as error:
        parse(load_plugin(), path)

    assert message in str(error.value)
    assert str(path) in str(error.value)
    assert emulator.requests() == []


def test_api_error_chained_without_token(emulator, tmp_path, monkeypatch):
    bad_token = "WrongToken" + "1" * 53
    monkeypatch.setenv("ENCLAVE_TOKEN", bad_token)
    path = tmp_path / "enclave.yml"
    path.write_text("plugin: enclave.networks.enclave\norganisation_id: " + ORG + "\n")

    with pytest.raises(AnsibleParserError) as error:
        parse(load_plugin(), path)

    assert "HTTP 401" in str(error.value)
    assert bad_token not in str(error.value)
    assert error.value.__cause__ is not None


def test_failed_token_template_hides_value(emulator, tmp_path):
    path = tmp_path / "enclave.yml"
    path.write_text('plugin: enclave.networks.enclave\napi_token: "{{ undefined_token_variable }}"\n')

    with pytest.raises(AnsibleParserError) as error:
        parse(load_plugin(), path)

    assert "the template in api_token failed" in str(error.value)
    assert "extra variables (-e) and lookups only" in str(error.value)


def test_env_token_precedence(emulator, tmp_path, monkeypatch):
    monkeypatch.setenv("ENCLAVE_API_KEY", "WrongToken" + "2" * 53)
    path = tmp_path / "enclave.yml"
    path.write_text("plugin: enclave.networks.enclave\n")
    inventory = parse(load_plugin(), path)

    assert "web-01" in inventory.hosts


@pytest.mark.parametrize("hostname", ["all", "ungrouped", "localhost", "enclave_tag_web", "enclave_state_connected"])
def test_host_named_like_group_renamed(emulator, tmp_path, hostname):
    fixture = emulator.store.to_fixture()
    acme = next(org for org in fixture["orgs"] if org["id"] == ORG)
    web = next(system for system in acme["systems"] if system["systemId"] == "K5Y9F")
    web["hostname"] = hostname
    emulator.load_fixture(fixture)
    source = tmp_path / "enclave.yml"
    source.write_text("plugin: enclave.networks.enclave\nhostnames: [hostname]\n")

    inventory = parse(load_plugin(), source, cache=False)

    assert hostname + "_K5Y9F" in inventory.hosts
    assert hostname not in inventory.hosts
    assert "web-02" in inventory.hosts
    assert hostname + "_K5Y9F" in [host.name for host in inventory.groups["enclave_tag_web"].get_hosts()]
