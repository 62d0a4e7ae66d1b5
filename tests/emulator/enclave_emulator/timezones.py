"""Time zone ids that ``autoExpire`` and ``activeHours`` take: IANA names, or common Windows ids.

IANA names are checked against the tz database that ``zoneinfo`` finds (the system's, or the
``tzdata`` package). The Windows ids are those in WINDOWS_TIME_ZONES, which maps each one to its IANA
zone as CLDR's ``windowsZones.xml`` does for territory 001. Both kinds match exactly as sent.
"""

from __future__ import annotations

import functools
import logging

import zoneinfo

LOG = logging.getLogger("enclave_emulator")

# NOTE: a subset of the Windows ids, so a rarer Windows id that the API takes gets 400 here.
WINDOWS_TIME_ZONES = {
    "Hawaiian Standard Time": "Pacific/Honolulu",
    "Alaskan Standard Time": "America/Anchorage",
    "Pacific Standard Time": "America/Los_Angeles",
    "US Mountain Standard Time": "America/Phoenix",
    "Mountain Standard Time": "America/Denver",
    "Central Standard Time": "America/Chicago",
    "Central Standard Time (Mexico)": "America/Mexico_City",
    "Canada Central Standard Time": "America/Regina",
    "SA Pacific Standard Time": "America/Bogota",
    "Eastern Standard Time": "America/New_York",
    "Atlantic Standard Time": "America/Halifax",
    "Newfoundland Standard Time": "America/St_Johns",
    "E. South America Standard Time": "America/Sao_Paulo",
    "Argentina Standard Time": "America/Buenos_Aires",
    "UTC": "Etc/UTC",
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "W. Europe Standard Time": "Europe/Berlin",
    "Central Europe Standard Time": "Europe/Budapest",
    "Romance Standard Time": "Europe/Paris",
    "Central European Standard Time": "Europe/Warsaw",
    "W. Central Africa Standard Time": "Africa/Lagos",
    "GTB Standard Time": "Europe/Bucharest",
    "E. Europe Standard Time": "Europe/Chisinau",
    "Egypt Standard Time": "Africa/Cairo",
    "South Africa Standard Time": "Africa/Johannesburg",
    "FLE Standard Time": "Europe/Kiev",
    "Israel Standard Time": "Asia/Jerusalem",
    "Turkey Standard Time": "Europe/Istanbul",
    "Arab Standard Time": "Asia/Riyadh",
    "Russian Standard Time": "Europe/Moscow",
    "E. Africa Standard Time": "Africa/Nairobi",
    "Arabian Standard Time": "Asia/Dubai",
    "India Standard Time": "Asia/Calcutta",
    "SE Asia Standard Time": "Asia/Bangkok",
    "China Standard Time": "Asia/Shanghai",
    "Singapore Standard Time": "Asia/Singapore",
    "Tokyo Standard Time": "Asia/Tokyo",
    "Korea Standard Time": "Asia/Seoul",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "New Zealand Standard Time": "Pacific/Auckland",
}

TIME_ZONE_HINT = "Use an IANA name such as Europe/London or a Windows id such as GMT Standard Time."


@functools.lru_cache(maxsize=1)
def _iana_names():
    names = frozenset(zoneinfo.available_timezones())
    if not names:
        LOG.warning("No IANA time zone database was found, so time zone ids are not checked; install tzdata.")
    return names


def is_time_zone_id(text):
    """Return whether text is an IANA time zone name or one of the Windows ids in WINDOWS_TIME_ZONES.

    Without a tz database on the host, every id that is not a known Windows id is accepted.
    """
    if text in WINDOWS_TIME_ZONES:
        return True
    names = _iana_names()
    return not names or text in names


def time_zone_error(text):
    """Build the validation message for an unknown time zone id."""
    return f"'{text}' is not a known time zone id. {TIME_ZONE_HINT}"
