from __future__ import annotations

import datetime

import pytest
from ansible_collections.enclave.networks.plugins.module_utils._auto_expire import (
    auto_expire_matches,
    auto_expire_spec,
    desired_auto_expire,
    format_timestamp,
    parse_timestamp,
)
from ansible_collections.enclave.networks.plugins.module_utils._errors import EnclaveError

ACTIONS = {"disable": "Disable", "revoke": "Delete"}
UTC = datetime.timezone.utc


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2027-01-15T17:00:00Z", datetime.datetime(2027, 1, 15, 17, 0, tzinfo=UTC)),
        ("2027-01-15T17:00Z", datetime.datetime(2027, 1, 15, 17, 0, tzinfo=UTC)),
        ("2027-01-15 17:00:00", datetime.datetime(2027, 1, 15, 17, 0, tzinfo=UTC)),
        ("2027-01-15T18:00:00+01:00", datetime.datetime(2027, 1, 15, 17, 0, tzinfo=UTC)),
        ("2027-01-15T12:00:00-0500", datetime.datetime(2027, 1, 15, 17, 0, tzinfo=UTC)),
        ("2027-01-15T17:00:00.0000000+00:00", datetime.datetime(2027, 1, 15, 17, 0, tzinfo=UTC)),
        ("2027-01-15T17:00:00.1234567Z", datetime.datetime(2027, 1, 15, 17, 0, 0, 123456, tzinfo=UTC)),
    ],
)
def test_parse_timestamp(text, expected):
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "next friday",
        "2027-01-15",
        "2027-13-01T00:00:00Z",
        "2027-01-15T25:00:00Z",
        "2027-01-15T17:00:00+24:00",
        "",
        None,
    ],
)
def test_parse_timestamp_rejects(text):
    with pytest.raises(ValueError):
        parse_timestamp(text)


def test_format_timestamp():
    assert format_timestamp(
        datetime.datetime(2027, 1, 15, 18, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    ) == ("2027-01-15T17:00:00Z")
    assert format_timestamp(datetime.datetime(2027, 1, 15, 17, 0, 0, 5, tzinfo=UTC)) == "2027-01-15T17:00:00.000005Z"


def test_wanted_auto_expire_body():
    body = desired_auto_expire(
        "enable_until",
        {"expiry": "2027-01-15T18:00:00+01:00", "time_zone_id": "Europe/London", "action": "revoke"},
        ACTIONS,
    )

    assert body == {"timeZoneId": "Europe/London", "expiryDateTime": "2027-01-15T17:00:00Z", "expiryAction": "Delete"}


def test_wanted_auto_expire_names_bad_value():
    with pytest.raises(EnclaveError) as caught:
        desired_auto_expire("enable_until", {"expiry": "soon", "time_zone_id": None, "action": "disable"}, ACTIONS)

    assert "enable_until.expiry 'soon' is invalid" in str(caught.value)


def test_auto_expire_spec_choices():
    spec = auto_expire_spec(ACTIONS)

    assert spec["options"]["action"]["choices"] == ["disable", "revoke"]
    assert spec["options"]["expiry"]["required"] is True


WANTED = {"timeZoneId": None, "expiryDateTime": "2027-01-15T17:00:00Z", "expiryAction": "Disable"}


@pytest.mark.parametrize(
    "current, desired, matches",
    [
        # The API's seven-digit form of the same instant matches.
        (
            {"timeZoneId": None, "expiryDateTime": "2027-01-15T17:00:00.0000000Z", "expiryAction": "Disable"},
            WANTED,
            True,
        ),
        ({"timeZoneId": None, "expiryDateTime": "2027-01-15T18:00:00+01:00", "expiryAction": "disable"}, WANTED, True),
        # A time zone counts only when desired names one.
        (
            {"timeZoneId": "Europe/London", "expiryDateTime": "2027-01-15T17:00:00Z", "expiryAction": "Disable"},
            WANTED,
            True,
        ),
        (
            {"timeZoneId": "Europe/Paris", "expiryDateTime": "2027-01-15T17:00:00Z", "expiryAction": "Disable"},
            dict(WANTED, timeZoneId="Europe/London"),
            False,
        ),
        ({"timeZoneId": None, "expiryDateTime": "2027-01-15T17:00:01Z", "expiryAction": "Disable"}, WANTED, False),
        ({"timeZoneId": None, "expiryDateTime": "2027-01-15T17:00:00Z", "expiryAction": "Delete"}, WANTED, False),
        ({"timeZoneId": None, "expiryDateTime": "not a date", "expiryAction": "Disable"}, WANTED, False),
        (None, WANTED, False),
    ],
)
def test_auto_expire_matches(current, desired, matches):
    assert auto_expire_matches(current, desired) is matches
