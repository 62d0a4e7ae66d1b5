"""Reading fixture files; the default fixture ships in ``tests/emulator/fixtures/default.json``."""

from __future__ import annotations

import json
import os

DEFAULT_FIXTURE_PATH = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "default.json"
)


def load_fixture_file(path=None):
    """Read a fixture file (the default fixture when path is None) and return its JSON object.

    Raises OSError when the file cannot be read and ValueError when it is not valid JSON.
    """
    with open(path or DEFAULT_FIXTURE_PATH, encoding="utf-8") as handle:
        return json.load(handle)
