"""TLS against the emulator's HTTPS mode: verification rejects its test CA unless ca_path names it."""

from __future__ import annotations

import pytest
from ansible_collections.enclave.networks.plugins.module_utils._errors import EnclaveError
from enclave_emulator.server import EmulatorServer
from enclave_emulator.tls import generate_tls_files
from reliability_helpers import DEMO_TOKEN, make_client, run_module


@pytest.fixture
def https_emulator(tmp_path):
    files = generate_tls_files(str(tmp_path / "tls"))
    server = EmulatorServer(tls_files=files).start()
    yield server
    server.stop()


def test_client_rejects_unknown_ca(https_emulator):
    client = make_client(https_emulator)

    with pytest.raises(EnclaveError) as caught:
        client.get("/account/orgs")
    message = str(caught.value)
    assert "TLS verification of {0} failed".format(https_emulator.url) in message
    assert "ca_path" in message
    assert caught.value.attempts == 1
    assert https_emulator.requests() == []


def test_client_accepts_ca_path(https_emulator):
    client = make_client(https_emulator, ca_path=https_emulator.tls_files.ca_path)

    assert client.get("/account/orgs")["orgs"][0]["orgName"] == "Acme Networks"


def test_client_accepts_without_verification(https_emulator):
    client = make_client(https_emulator, validate_certs=False)

    assert client.get("/account/orgs")["orgs"][0]["orgName"] == "Acme Networks"


@pytest.mark.parametrize(
    "options, succeeds",
    [({}, False), ({"ca_path": "CA"}, True), ({"validate_certs": False}, True)],
    ids=["validate_certs", "ca_path", "no_validation"],
)
def test_module_verification(https_emulator, options, succeeds):
    args = {"api_url": https_emulator.url, "api_token": DEMO_TOKEN, "system_id": "488Q"}
    args.update(options)
    if args.get("ca_path") == "CA":
        args["ca_path"] = https_emulator.tls_files.ca_path

    rc, result = run_module("system_info", args)
    if succeeds:
        assert rc == 0, result
        assert result["systems"][0]["system_id"] == "488Q"
    else:
        assert rc != 0
        assert "TLS verification" in result["msg"]
        assert "certificate verify failed" in result["msg"]
