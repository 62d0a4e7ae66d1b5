"""Constants and helpers shared by the reliability tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from ansible_collections.enclave.networks.plugins.module_utils._client import EnclaveClient

DEMO_TOKEN = "EmulatorDemoToken0123456789012345678901234567890123456789012345"
ACME_ORG = "33a606d6b09c4557a01c62cd4c0b405b"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
BIN = os.path.dirname(sys.executable)


def make_client(emulator, **options):
    """Return a client with small delays and a short timeout, and its retry log lines in .lines."""
    settings = {
        "api_token": DEMO_TOKEN,
        "api_url": emulator.url,
        "organisation_id": ACME_ORG,
        "retries": 2,
        "retry_max_delay": 0.01,
        "retry_base_delay": 0.01,
        "timeout": 0.5,
    }
    settings.update(options)
    lines = []
    client = EnclaveClient(log=lines.append, **settings)
    client.lines = lines
    return client


def route_requests(emulator, method, path):
    """Return the logged requests of one method and concrete path."""
    return [entry for entry in emulator.requests() if entry["method"] == method and entry["path"] == path]


def applied(entry):
    """Return whether the emulator carried out a logged request.

    A faulted request counts when the fault let the API handle it; the requests in these tests are
    valid, so the API's own answer to them is a success.
    """
    if "fault" in entry:
        return entry["handled"]
    return entry["status"] is not None and entry["status"] < 400


def write_requests(emulator):
    return [entry for entry in emulator.requests() if entry["method"] in WRITE_METHODS]


def run_module(name, args, env=None):
    """Run a module of the installed collection the way Ansible does, and return (rc, result dict)."""
    collections = os.environ["ANSIBLE_COLLECTIONS_PATH"].split(os.pathsep)[0]
    command = [sys.executable, "-m", "ansible_collections.enclave.networks.plugins.modules." + name]
    full_env = dict(os.environ, PYTHONPATH=collections)
    for variable in ("ENCLAVE_TOKEN", "ENCLAVE_API_KEY", "ENCLAVE_ORG_ID", "ENCLAVE_API_URL"):
        full_env.pop(variable, None)
    full_env.update(env or {})
    result = subprocess.run(
        command,
        input=json.dumps({"ANSIBLE_MODULE_ARGS": args}),
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    try:
        return result.returncode, json.loads(result.stdout)
    except ValueError:
        raise AssertionError(
            "module {0} printed no JSON: {1}\n{2}".format(name, result.stdout, result.stderr)
        ) from None
