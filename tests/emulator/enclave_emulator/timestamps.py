"""UTC ISO 8601 timestamps in the two forms the Enclave API writes.

.NET ``DateTime`` values are written with a ``Z`` suffix and ``DateTimeOffset`` values with ``+00:00``.
Both carry seven fractional digits, as in ``2021-03-31T11:31:44.3846701Z``.
"""

from __future__ import annotations

import datetime
import functools
import re

_ISO_8601 = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)(?:\.(?P<fraction>\d{1,9}))?)?"
    r"(?P<zone>Z|z|[+-]\d{2}:?\d{2})?$"
)


# Stored timestamps are strings that list requests parse and format again and again, so both steps are cached.
@functools.lru_cache(maxsize=65536)
def parse(text):
    """Parse an ISO 8601 date or date-time string into an aware UTC datetime.

    A value without a zone is taken as UTC. Raises ValueError when the text is not ISO 8601.
    """
    if not isinstance(text, str):
        raise ValueError("timestamp must be a string")
    match = _ISO_8601.match(text.strip())
    if not match:
        raise ValueError("'{}' is not an ISO 8601 date-time".format(text))
    time_part = match.group("time") or "00:00:00"
    if len(time_part) == 5:
        time_part += ":00"
    fraction = (match.group("fraction") or "0")[:6].ljust(6, "0")
    zone = match.group("zone") or "+00:00"
    if zone in ("Z", "z"):
        zone = "+00:00"
    elif ":" not in zone:
        zone = zone[:3] + ":" + zone[3:]
    value = datetime.datetime.fromisoformat("{}T{}.{}{}".format(match.group("date"), time_part, fraction, zone))
    return value.astimezone(datetime.timezone.utc)


def now():
    """Return the current time as an aware UTC datetime."""
    return datetime.datetime.now(datetime.timezone.utc)


@functools.lru_cache(maxsize=65536)
def _format(value, suffix):
    if value is None:
        return None
    # .NET keeps 100 ns ticks, one digit more than Python's microseconds; keep a seventh digit that was sent.
    seventh_digit = "0"
    if isinstance(value, str):
        match = _ISO_8601.match(value.strip())
        fraction = match.group("fraction") if match else None
        if fraction and len(fraction) >= 7:
            seventh_digit = fraction[6]
        value = parse(value)
    value = value.astimezone(datetime.timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond:06d}" + seventh_digit + suffix


def format_datetime(value):
    """Format a datetime or ISO 8601 string as a .NET DateTime in UTC (``...0000000Z``); None stays None."""
    return _format(value, "Z")


def format_datetime_offset(value):
    """Format a datetime or ISO 8601 string as a .NET DateTimeOffset in UTC (``...0000000+00:00``)."""
    return _format(value, "+00:00")
