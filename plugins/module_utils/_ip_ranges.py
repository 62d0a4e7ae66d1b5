# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: IP ranges as the API writes them: a CIDR block, one address, or 'first - last'."""

from __future__ import annotations

import ipaddress

EXPECTED_FORMS = "a CIDR block (10.0.0.0/8), one IP address (192.0.2.1) or a range (192.0.2.1 - 192.0.2.9)"


def parse_ip_range(text):
    """Return ``(kind, canonical)`` for an IP range, where kind is 'network', 'address' or 'range'.

    The canonical form compares equal for equal ranges: '192.0.2.1-192.0.2.9' and '192.0.2.1 - 192.0.2.9'
    give the same value, as do '10.0.0.1/8' and '10.0.0.0/8'. Raises ValueError for anything else,
    including a range whose ends are of different IP versions or in descending order.
    NOTE: the API documents ranges only with IPv4 examples. Whether it accepts an IPv6 'first - last'
    range is unknown, so the real API may reject one with HTTP 400.
    """
    if not isinstance(text, str):
        raise ValueError("expected a string, not {0!r}".format(text))
    stripped = text.strip()
    if "/" in stripped:
        return "network", str(ipaddress.ip_network(stripped, strict=False))
    if "-" not in stripped:
        return "address", str(ipaddress.ip_address(stripped))

    # IPv6 addresses contain no '-', so a dash always separates the two ends of a range.
    first_text, _dash, last_text = stripped.partition("-")
    first = ipaddress.ip_address(first_text.strip())
    last = ipaddress.ip_address(last_text.strip())
    if first.version != last.version:
        raise ValueError("the ends of {0!r} are of different IP versions".format(text))
    if first > last:
        raise ValueError("the first address of {0!r} is above the last".format(text))
    return "range", "{0} - {1}".format(first, last)


def canonical_ip_range(text):
    """Return the canonical form of an IP range for comparison, or the stripped text when it does not parse.

    The API's own values go through this too, so a value it stored in an unexpected form still compares
    with itself instead of failing the task.
    """
    try:
        return parse_ip_range(text)[1]
    except ValueError:
        return text.strip() if isinstance(text, str) else text


def request_ip_range(text):
    """Return the form of a valid IP range to send: ranges as 'first - last', other forms as written.

    The API writes ranges back with a space on each side of the dash, so sending that form keeps the
    stored value equal to the one sent.
    """
    kind, canonical = parse_ip_range(text)
    if kind == "range":
        return canonical
    return text.strip()
