"""The request log: one JSON object per request, kept in memory and optionally appended to a file.

Entries look like ``{"time", "method", "path", "query", "status", "duration_ms", "user_agent"}``, and
control requests add ``"control": true``. Entries never contain request headers other than the
User-Agent, so a token cannot reach the log.
"""

from __future__ import annotations

import json
import threading


class RequestLog:
    """A thread-safe list of request entries, written through to a JSON Lines file when one is given."""

    def __init__(self, path=None):
        self._lock = threading.Lock()
        self._entries = []
        self._file = None
        if path:
            # The file stays open while the server runs; close() closes it.
            self._file = open(path, "a", encoding="utf-8")  # noqa: SIM115  # pylint: disable=consider-using-with

    def record(self, entry):
        """Append one entry and write it to the file, if any."""
        with self._lock:
            self._entries.append(entry)
            if self._file is not None:
                self._file.write(json.dumps(entry, ensure_ascii=False) + "\n")
                self._file.flush()

    def entries(self, include_control=False):
        """Return a copy of the entries in order; control requests only when asked for."""
        with self._lock:
            return [dict(entry) for entry in self._entries if include_control or not entry.get("control")]

    def clear(self):
        """Forget every in-memory entry and return how many API (not control) entries there were.

        The file keeps everything already written.
        """
        with self._lock:
            count = sum(1 for entry in self._entries if not entry.get("control"))
            self._entries = []
            return count

    def close(self):
        """Close the log file, if any."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
