"""The command line: start on a free port, print the URL line, stop cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from emulator_helpers import ApiClient

EMULATOR_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
URL_LINE_PREFIX = "Enclave API emulator listening on http://127.0.0.1:"


def start_cli(*args):
    env = dict(os.environ, PYTHONPATH=EMULATOR_ROOT)
    return subprocess.Popen(
        [sys.executable, "-m", "enclave_emulator", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def read_url(process):
    line = process.stdout.readline().rstrip("\n")
    assert line.startswith(URL_LINE_PREFIX), line + process.stderr.read()
    return line.split()[-1]


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_cli_serves_and_stops(stop_signal):
    process = start_cli()
    try:
        url = read_url(process)
        assert ApiClient(url).get("/account/orgs").status_code == 200
    finally:
        process.send_signal(stop_signal)
        return_code = process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()
    assert return_code == 0


def test_cli_generate_and_log(tmp_path):
    log_path = tmp_path / "requests.jsonl"
    process = start_cli(
        "--generate-systems", "450", "--generate-unapproved", "4", "--seed", "5", "--log", str(log_path)
    )
    try:
        client = ApiClient(read_url(process))
        body = client.get("~/systems", params={"include_disabled": "true"}).json()
        assert body["metadata"]["total"] == 450
        assert client.get("~/unapproved-systems").json()["metadata"]["total"] == 4
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        process.stdout.close()
        process.stderr.close()
    assert len(log_path.read_text(encoding="utf-8").splitlines()) == 2


def test_cli_rejects_non_loopback_host():
    process = start_cli("--host", "0.0.0.0")
    stderr = process.communicate(timeout=10)[1]
    assert process.returncode == 2
    assert "loopback" in stderr


def test_cli_rejects_missing_fixture(tmp_path):
    process = start_cli("--fixture", str(tmp_path / "missing.json"))
    stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 2
    assert stdout == ""
    assert "missing.json" in stderr
