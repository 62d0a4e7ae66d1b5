"""Build the collection tarball, install it the way users do, and run it by FQCN from the install.

This does not reuse the Makefile's build: it builds from the source tree into a temporary
directory, so it checks exactly what `ansible-galaxy collection build` puts in the tarball.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile

import pytest
import yaml
from enclave_emulator.server import EmulatorServer

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)
DEMO_TOKEN = "EmulatorDemoToken0123456789012345678901234567890123456789012345"

# Path parts that mark development leftovers, which must never reach users.
FORBIDDEN_PARTS = {
    ".git",
    ".venv",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "build",
    "output",
    "emulator",
    "benchmarks",
    "harness",
    ".ci",
}
FORBIDDEN_SUFFIXES = (".pyc", ".tar.gz", ".log")


def run(command, **kwargs):
    result = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False, **kwargs)
    assert result.returncode == 0, "{0} failed:\n{1}".format(" ".join(command), result.stdout[-4000:])
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    work = tmp_path_factory.mktemp("install")
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(work), ROOT])
    with open(os.path.join(ROOT, "galaxy.yml")) as handle:
        version = yaml.safe_load(handle)["version"]
    tarball = work / "enclave-networks-{0}.tar.gz".format(version)
    collections = work / "collections"
    # --force: without it, ansible-galaxy skips the install when ANSIBLE_COLLECTIONS_PATH already
    # contains this version, as it does under `make integration`.
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--force", "-p", str(collections), str(tarball)])
    return tarball, collections


def test_tarball_holds_no_build_leftovers(installed):
    tarball = installed[0]
    with tarfile.open(tarball) as archive:
        names = archive.getnames()

    leftovers = [
        name for name in names if FORBIDDEN_PARTS.intersection(name.split("/")) or name.endswith(FORBIDDEN_SUFFIXES)
    ]
    assert leftovers == []
    assert "plugins/modules/system_info.py" in names
    assert "meta/runtime.yml" in names
    assert "requirements.txt" in names


def test_installed_module_runs_by_fqcn(installed):
    collections = installed[1]
    with EmulatorServer() as emulator:
        env = dict(
            os.environ,
            ANSIBLE_COLLECTIONS_PATH=str(collections),
            ANSIBLE_STDOUT_CALLBACK="default",
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            ENCLAVE_API_URL=emulator.url,
            ENCLAVE_TOKEN=DEMO_TOKEN,
        )
        env.pop("ENCLAVE_ORG_ID", None)
        output = run(
            [
                os.path.join(BIN, "ansible"),
                "localhost",
                "-m",
                "enclave.networks.system_info",
                "-a",
                "system_id=488Q",
                "-e",
                "ansible_python_interpreter=" + sys.executable,
            ],
            env=env,
        )
        requests_seen = emulator.requests()

    # Ad-hoc output reads "localhost | SUCCESS => {...}" with the module result as JSON.
    assert output.startswith("localhost | SUCCESS => "), output
    result = json.loads(output.split(" => ", 1)[1])
    assert result["systems"][0]["system_id"] == "488Q"
    assert [request["path"] for request in requests_seen] == [
        "/account/orgs",
        "/org/33a606d6b09c4557a01c62cd4c0b405b/systems/488Q",
    ]


def test_installed_inventory_runs_by_fqcn(installed, tmp_path):
    source = tmp_path / "install.enclave.yml"
    source.write_text("plugin: enclave.networks.enclave\n")
    output = tmp_path / "inventory.json"
    with EmulatorServer() as emulator:
        env = dict(
            os.environ,
            ANSIBLE_COLLECTIONS_PATH=str(installed[1]),
            ANSIBLE_INVENTORY_ENABLED="enclave.networks.enclave",
            ENCLAVE_API_URL=emulator.url,
            ENCLAVE_TOKEN=DEMO_TOKEN,
        )
        env.pop("ENCLAVE_ORG_ID", None)
        run(
            [os.path.join(BIN, "ansible-inventory"), "-i", str(source), "--list", "--output", str(output)],
            env=env,
        )

    inventory = json.loads(output.read_text())
    assert len(inventory["_meta"]["hostvars"]) == 11
    assert "enclave_tag_web" in inventory["all"]["children"]


def test_module_without_requests_names_library(installed, tmp_path):
    # A virtual environment made without pip holds only the standard library, so requests is missing.
    bare = tmp_path / "bare"
    run([sys.executable, "-m", "venv", "--without-pip", str(bare)])
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=str(installed[1]),
        ANSIBLE_STDOUT_CALLBACK="default",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        ENCLAVE_TOKEN=DEMO_TOKEN,
        ENCLAVE_API_URL="http://127.0.0.1:9",
    )
    result = subprocess.run(
        [
            os.path.join(BIN, "ansible"),
            "localhost",
            "-m",
            "enclave.networks.system_info",
            "-e",
            "ansible_python_interpreter=" + str(bare / "bin" / "python"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "Failed to import the required Python library (requests)" in result.stdout


def test_installed_docs_render(installed):
    collections = installed[1]
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections))
    output = run([os.path.join(BIN, "ansible-doc"), "enclave.networks.system_info"], env=env)

    assert "system_id" in output
    assert "RETURN VALUES" in output
