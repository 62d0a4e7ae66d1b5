"""Bad input to the inventory plugin: each source fails with a message naming the value and sends no write."""

from __future__ import annotations

import os
import subprocess

import pytest
from reliability_helpers import BIN, DEMO_TOKEN, write_requests

CASES = [
    ("organisation_id: acme", "acme"),
    ("organisation_id: c2c2855b754645809780c13264bd4575", "c2c2855b754645809780c13264bd4575"),
    ("api_url: not a url", "not a url"),
    ("api_url: ftp://127.0.0.1:9", "ftp://127.0.0.1:9"),
    ("states: [asleep]", "asleep"),
    ("connect_with: carrier_pigeon", "carrier_pigeon"),
    ("page_workers: 0", "page_workers 0 is invalid"),
    ("timeout: -1", "timeout '-1.0' is invalid"),
    ("enrolment_key: seven", "seven"),
]


@pytest.mark.parametrize("option, expected", CASES, ids=[case[0].split(":")[0] + "-" + case[1] for case in CASES])
def test_inventory_rejects_bad_option(emulator, tmp_path, option, expected):
    source = tmp_path / "bad.enclave.yml"
    lines = ["plugin: enclave.networks.enclave", option]
    if not option.startswith("api_url"):
        lines.append("api_url: " + emulator.url)
    source.write_text("\n".join(lines) + "\n")
    env = dict(os.environ, ENCLAVE_TOKEN=DEMO_TOKEN, ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED="true")
    for variable in ("ENCLAVE_ORG_ID", "ENCLAVE_API_URL", "ENCLAVE_API_KEY"):
        env.pop(variable, None)

    result = subprocess.run(
        [os.path.join(BIN, "ansible-inventory"), "-i", str(source), "--list"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode != 0
    assert expected in result.stderr
    assert DEMO_TOKEN not in result.stderr + result.stdout
    assert write_requests(emulator) == []
