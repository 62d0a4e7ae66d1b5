"""Fixtures of the reliability tests: an in-process emulator and the installed collection's client.

`make integration` installs the collection into ANSIBLE_COLLECTIONS_PATH; the tests import its
module_utils from there, so they exercise the code users install.
"""

from __future__ import annotations

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
_COLLECTIONS = os.environ.get("ANSIBLE_COLLECTIONS_PATH", "")
if _COLLECTIONS:
    sys.path.insert(0, _COLLECTIONS.split(os.pathsep)[0])

from enclave_emulator.server import EmulatorServer  # noqa: E402


@pytest.fixture
def emulator():
    assert _COLLECTIONS, "ANSIBLE_COLLECTIONS_PATH is not set: run these tests with `make integration`"
    server = EmulatorServer().start()
    yield server
    server.stop()
