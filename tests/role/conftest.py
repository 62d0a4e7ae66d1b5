"""Fixtures of the agent role's tests: a signed stub repository, the emulator and a disposable host.

Run them with `make role-tests`, which installs the collection from the built tarball, the Debian tools
the harness needs (debootstrap, apt-utils for apt-ftparchive, gnupg) and sets ROLE_TEST_CACHE.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import pytest
from enclave_emulator.server import EmulatorServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO_TOKEN = "EmulatorDemoToken0123456789012345678901234567890123456789012345"
ACME_ORG = "33a606d6b09c4557a01c62cd4c0b405b"
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
OLD_VERSION = "2026.5.1.1000"
NEW_VERSION = "2026.6.3.2419"
HOSTNAME = "role-test-host"
# Lines of ansible-playbook output shown when an assertion on a run fails.
OUTPUT_TAIL = 60
_RECAP = re.compile(r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.MULTILINE)


def pytest_configure(config):
    missing = [
        tool for tool in ("debootstrap", "apt-ftparchive", "gpg", "dpkg-deb", "chroot") if not shutil.which(tool)
    ]
    if os.geteuid() != 0 or missing:
        raise pytest.UsageError(
            "The agent role tests need root and the tools {}; run them with `make role-tests`, which installs "
            "debootstrap, apt-utils and gnupg. Missing: {}.".format(
                "debootstrap, apt-ftparchive, gpg, dpkg-deb, chroot", ", ".join(missing) or "root"
            )
        )


@pytest.fixture(scope="session")
def base_root():
    cache = os.environ.get("ROLE_TEST_CACHE") or os.path.join(HERE, "..", "..", "build", "role-tests")
    return harness.ensure_base_root(os.path.abspath(cache))


@pytest.fixture(scope="session")
def repository(tmp_path_factory):
    """The stub agent in two versions in the stable channel, served as a signed apt repository."""
    work = tmp_path_factory.mktemp("repository")
    debs = [harness.build_stub_package(version, str(work)) for version in (OLD_VERSION, NEW_VERSION)]
    repo_dir = work / "repo"
    # gpg's agent socket path must be short, so its home lives directly under the temporary directory.
    gpg_home = tempfile.mkdtemp(prefix="gpg-")
    try:
        key_path = harness.build_repository(str(repo_dir), {"stable": debs}, gpg_home)
    finally:
        subprocess.run(["gpgconf", "--homedir", gpg_home, "--kill", "all"], check=False, capture_output=True)
        shutil.rmtree(gpg_home, ignore_errors=True)
    server = harness.RepositoryServer(str(repo_dir)).start()
    yield {"url": server.url, "key_url": server.url + "/" + os.path.basename(key_path)}
    server.stop()


@pytest.fixture
def emulator():
    server = EmulatorServer().start()
    yield server
    server.stop()


class RunResult:
    """One ansible-playbook run: exit code, output and the PLAY RECAP counts of the host."""

    def __init__(self, process):
        self.rc = process.returncode
        self.output = process.stdout
        counts = [match.groups() for match in _RECAP.finditer(self.output) if match.group(1) == HOSTNAME]
        self.changed = int(counts[-1][2]) if counts else None
        self.failed = int(counts[-1][4]) if counts else None

    def tail(self):
        return "\n".join(self.output.splitlines()[-OUTPUT_TAIL:])


class ManagedHost:
    """A disposable Debian root that plays one managed host, reached through the enclave_chroot plugin."""

    def __init__(self, root, workdir, emulator, repository):
        self.root = root
        self.workdir = workdir
        self.emulator = emulator
        self.repository = repository
        self.inventory = os.path.join(workdir, "inventory.ini")
        with open(self.inventory, "w", encoding="utf-8") as inventory:
            inventory.write(
                "[enclave_agents]\n"
                f"{HOSTNAME} ansible_host={root} ansible_connection=enclave_chroot "
                "ansible_python_interpreter=/usr/bin/python3\n"
            )

    def path(self, inside):
        return os.path.join(self.root, inside.lstrip("/"))

    def exists(self, inside):
        return os.path.lexists(self.path(inside))

    def read(self, inside):
        with open(self.path(inside), encoding="utf-8") as file:
            return file.read()

    def run_in_root(self, *command):
        return subprocess.run(["chroot", self.root, *command], capture_output=True, text=True, check=False)

    def installed_version(self):
        """Return the installed stub version, or None when the package is not installed."""
        query = self.run_in_root("dpkg-query", "--show", "--showformat=${db:Status-Status} ${Version}", "enclave")
        status, _space, version = query.stdout.partition(" ")
        return version if query.returncode == 0 and status == "installed" else None

    def service_running(self):
        return self.run_in_root("/etc/init.d/enclave", "status").returncode == 0

    def cli_calls(self):
        """Return the argument lists of every call of the stub CLI in this root."""
        if not self.exists("/var/log/enclave/cli.log"):
            return []
        return [json.loads(line)["argv"] for line in self.read("/var/log/enclave/cli.log").splitlines()]

    def run(self, variables=None, check=False, playbook="enclave.networks.enrol"):
        """Run a playbook of the installed collection against this host with the repository's URLs."""
        extra = {
            "enclave_agent_apt_repository_url": self.repository["url"],
            "enclave_agent_apt_key_url": self.repository["key_url"],
        }
        extra.update(variables or {})
        extra_file = os.path.join(self.workdir, "extra-vars.json")
        with open(extra_file, "w", encoding="utf-8") as extra_vars:
            json.dump(extra, extra_vars)
        env = dict(
            os.environ,
            ANSIBLE_CONNECTION_PLUGINS=os.path.join(HERE, "connection_plugins"),
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_HOST_KEY_CHECKING="false",
            ANSIBLE_LOCALHOST_WARNING="false",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
            ENCLAVE_API_URL=self.emulator.url,
            ENCLAVE_TOKEN=DEMO_TOKEN,
        )
        for name in ("ENCLAVE_ORG_ID", "ENCLAVE_API_KEY"):
            env.pop(name, None)
        command = [ANSIBLE_PLAYBOOK, "-i", self.inventory, playbook, "-e", "@" + extra_file]
        if check:
            command.append("--check")
        process = subprocess.run(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False
        )
        return RunResult(process)


@pytest.fixture
def host(base_root, repository, emulator, tmp_path):
    root = str(tmp_path / "root")
    harness.copy_root(base_root, root)
    with open(os.path.join(root, "etc/hostname"), "w", encoding="utf-8") as hostname:
        hostname.write(HOSTNAME + "\n")
    os.makedirs(os.path.join(root, "etc/enclave-test"))
    with open(os.path.join(root, "etc/enclave-test/authority-url"), "w", encoding="utf-8") as authority:
        authority.write(emulator.url + "\n")
    yield ManagedHost(root, str(tmp_path), emulator, repository)
    harness.stop_processes_in_root(root)
    shutil.rmtree(root, ignore_errors=True)
