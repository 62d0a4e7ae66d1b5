from __future__ import annotations

import pytest
from ansible_collections.enclave.networks.plugins.module_utils._ip_ranges import (
    canonical_ip_range,
    parse_ip_range,
    request_ip_range,
)


@pytest.mark.parametrize(
    ("text", "kind", "canonical"),
    [
        ("198.51.100.0/24", "network", "198.51.100.0/24"),
        (" 198.51.100.0/24 ", "network", "198.51.100.0/24"),
        ("10.0.0.1/8", "network", "10.0.0.0/8"),
        ("192.0.2.10", "address", "192.0.2.10"),
        ("2001:db8::1", "address", "2001:db8::1"),
        ("2001:DB8:0::1", "address", "2001:db8::1"),
        ("2001:db8::/32", "network", "2001:db8::/32"),
        ("192.0.2.1-192.0.2.9", "range", "192.0.2.1 - 192.0.2.9"),
        ("192.0.2.1 - 192.0.2.9", "range", "192.0.2.1 - 192.0.2.9"),
        ("192.0.2.1  -192.0.2.9", "range", "192.0.2.1 - 192.0.2.9"),
        ("192.0.2.5-192.0.2.5", "range", "192.0.2.5 - 192.0.2.5"),
        ("2001:db8::1-2001:db8::ff", "range", "2001:db8::1 - 2001:db8::ff"),
    ],
)
def test_parse_valid_range(text, kind, canonical):
    assert parse_ip_range(text) == (kind, canonical)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "10.0.0.300",
        "10.0.0.0/33",
        "192.0.2.9 - 192.0.2.1",
        "192.0.2.1 - 2001:db8::1",
        "192.0.2.1 - ",
        "192.0.2.1 - 192.0.2.5 - 192.0.2.9",
        "web-servers",
        None,
        42,
    ],
)
def test_parse_invalid_range(text):
    with pytest.raises(ValueError):
        parse_ip_range(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("192.0.2.1-192.0.2.9", "192.0.2.1 - 192.0.2.9"),
        (" 10.0.0.1/8 ", "10.0.0.1/8"),
        ("192.0.2.10", "192.0.2.10"),
    ],
)
def test_request_form(text, expected):
    assert request_ip_range(text) == expected


def test_request_form_rejects_invalid():
    with pytest.raises(ValueError):
        request_ip_range("10.0.0.300")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("192.0.2.1-192.0.2.9", "192.0.2.1 - 192.0.2.9"),
        (" not a range ", "not a range"),
        (None, None),
    ],
)
def test_canonical_keeps_unparsable_values(text, expected):
    assert canonical_ip_range(text) == expected
