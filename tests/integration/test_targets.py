"""Run each integration target against a fresh Enclave API emulator.

A target is a role under targets/ whose tasks exercise one module through ansible-playbook, using
the collection installed from the built tarball (ANSIBLE_COLLECTIONS_PATH, set by `make integration`).
Each target gets its own emulator on a free loopback port, so targets cannot see each other's changes.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from enclave_emulator.server import EmulatorServer

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS_ROOT = os.path.join(HERE, "targets")
DEMO_TOKEN = "EmulatorDemoToken0123456789012345678901234567890123456789012345"
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")

# Lines of ansible-playbook output shown when a target fails.
OUTPUT_TAIL = 80


def targets():
    return sorted(
        name
        for name in os.listdir(TARGETS_ROOT)
        if os.path.isfile(os.path.join(TARGETS_ROOT, name, "tasks", "main.yml"))
    )


@pytest.fixture
def emulator():
    server = EmulatorServer()
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("target", targets())
def test_target(target, emulator, tmp_path):
    collections_path = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    assert collections_path, "ANSIBLE_COLLECTIONS_PATH is not set: run the integration tests with `make integration`"

    playbook = tmp_path / "play.yml"
    playbook.write_text(
        "- name: Integration target {0}\n"
        "  hosts: localhost\n"
        "  connection: local\n"
        "  gather_facts: false\n"
        "  roles:\n"
        "    - {0}\n".format(target)
    )
    env = dict(
        os.environ,
        ANSIBLE_ROLES_PATH=TARGETS_ROOT,
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ENCLAVE_API_URL=emulator.url,
        ENCLAVE_TOKEN=DEMO_TOKEN,
    )
    for name in ("ENCLAVE_ORG_ID", "ENCLAVE_API_KEY"):
        env.pop(name, None)

    result = subprocess.run(
        [ANSIBLE_PLAYBOOK, str(playbook), "-e", "emulator_url=" + emulator.url],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    tail = "\n".join(result.stdout.splitlines()[-OUTPUT_TAIL:])
    assert result.returncode == 0, "target {0} failed:\n{1}".format(target, tail)
