"""Shared fixtures: a fresh emulator per test, reached over real HTTP on a loopback port."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from emulator_helpers import ApiClient
from enclave_emulator.server import EmulatorServer


@pytest.fixture
def server():
    emulator = EmulatorServer().start()
    yield emulator
    emulator.stop()


@pytest.fixture
def api(server):
    client = ApiClient(server.url)
    yield client
    client.session.close()
