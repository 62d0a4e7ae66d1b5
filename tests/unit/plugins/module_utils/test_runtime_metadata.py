"""Checks that the collection's metadata agrees with its files."""

from __future__ import annotations

import os

import yaml
from ansible_collections.enclave.networks.plugins.module_utils._version import COLLECTION_VERSION

COLLECTION_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))


def load_yaml(*path):
    with open(os.path.join(COLLECTION_ROOT, *path)) as handle:
        return yaml.safe_load(handle)


def module_names():
    modules = os.path.join(COLLECTION_ROOT, "plugins", "modules")
    return sorted(name[:-3] for name in os.listdir(modules) if name.endswith(".py") and not name.startswith("_"))


def test_action_group_lists_every_module():
    group = load_yaml("meta", "runtime.yml")["action_groups"]["all"]

    assert sorted(group) == module_names()
    assert len(group) == len(set(group))


def test_galaxy_version_matches_user_agent_version():
    assert load_yaml("galaxy.yml")["version"] == COLLECTION_VERSION


def test_changelog_latest_release_matches_galaxy_version():
    releases = load_yaml("changelogs", "changelog.yaml")["releases"]
    latest = max(releases, key=lambda version: tuple(int(part) for part in version.split(".")))

    assert latest == load_yaml("galaxy.yml")["version"]
    assert latest == COLLECTION_VERSION


def test_requires_ansible_declared():
    assert load_yaml("meta", "runtime.yml")["requires_ansible"].startswith(">=")
