"""Sort keys shared by the list endpoints."""

from __future__ import annotations

import math

from . import timestamps


def newest_first(value):
    """Return a sort key that puts later timestamps first and missing ones last."""
    if not value:
        return math.inf
    return -timestamps.parse(value).timestamp()


def text_key(value):
    """Return a case-insensitive sort key for optional text."""
    return (value or "").lower()
