# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: expiry schedules set through the enable-until routes (the API's AutoExpireModel).

The API body is {timeZoneId, expiryDateTime, expiryAction}. Systems, enrolment keys and policies all
take it, each with its own expiry actions.
"""

from __future__ import annotations

import datetime
import re

from ._errors import EnclaveError

# Date, time and an optional UTC offset. The API writes seven fractional digits and either Z or +00:00;
# datetime.fromisoformat cannot read either form before Python 3.11.
_TIMESTAMP = re.compile(
    r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[Tt ]"
    r"(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    r"(?P<offset>[Zz]|[+-]\d{2}:?\d{2})?$"
)


def auto_expire_spec(actions):
    """Return the argument spec of an expiry option; actions maps each module choice to the API's ExpiryAction."""
    return {
        "type": "dict",
        "options": {
            "expiry": {"type": "str", "required": True},
            "time_zone_id": {"type": "str"},
            "action": {"type": "str", "choices": sorted(actions), "default": "disable"},
        },
    }


def parse_timestamp(text):
    """Parse an ISO 8601 date and time into an aware UTC datetime; a value without an offset is UTC.

    Raises ValueError for anything else, a date without a time included.
    """
    match = _TIMESTAMP.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError("not an ISO 8601 date and time: {0!r}".format(text))
    fraction = (match.group("fraction") or "0")[:6].ljust(6, "0")
    value = datetime.datetime(
        int(match.group("year")),
        int(match.group("month")),
        int(match.group("day")),
        int(match.group("hour")),
        int(match.group("minute")),
        int(match.group("second") or 0),
        int(fraction),
        tzinfo=_offset(match.group("offset")),
    )
    return value.astimezone(datetime.timezone.utc)


def _offset(text):
    if not text or text in ("Z", "z"):
        return datetime.timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError("invalid UTC offset: {0!r}".format(text))
    return datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))


def format_timestamp(value):
    """Format an aware datetime in UTC with a Z suffix, with microseconds only when there are some."""
    value = value.astimezone(datetime.timezone.utc)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += ".{0:06d}".format(value.microsecond)
    return text + "Z"


def desired_auto_expire(option_name, value, actions):
    """Return the AutoExpireModel body for an expiry option's value.

    Raises EnclaveError naming the option and the value when the expiry is not an ISO 8601 date and time.
    """
    try:
        expiry = parse_timestamp(value["expiry"])
    except ValueError:
        raise EnclaveError(
            "{0}.expiry '{1}' is invalid: expected an ISO 8601 date and time such as 2026-12-31T17:00:00Z "
            "or 2026-12-31T18:00:00+01:00.".format(option_name, value["expiry"])
        ) from None
    return {
        "timeZoneId": value.get("time_zone_id"),
        "expiryDateTime": format_timestamp(expiry),
        "expiryAction": actions[value["action"]],
    }


def auto_expire_matches(current, desired):
    """Tell whether the API's current AutoExpireModel already has the desired expiry and action.

    The expiry times are compared as instants, so 17:00:00Z and 17:00:00.0000000+00:00 match. The time
    zone counts only when desired sets one.
    """
    if not isinstance(current, dict):
        return False
    try:
        current_expiry = parse_timestamp(current.get("expiryDateTime"))
    except ValueError:
        return False
    if current_expiry != parse_timestamp(desired["expiryDateTime"]):
        return False
    if str(current.get("expiryAction") or "").lower() != desired["expiryAction"].lower():
        return False
    return desired["timeZoneId"] is None or current.get("timeZoneId") == desired["timeZoneId"]


def enable_action(model, enabled, auto_expire):
    """Return the PUT that gives an entity the requested enabled flag and expiry, or None when it has them.

    enabled is True, False or None (not managed); auto_expire is a desired_auto_expire body or None.
    Returns ('enable-until', body) when the expiry differs, or when an enable meets a disabled entity that
    already has the requested expiry, because a plain enable may drop the expiry. Otherwise returns
    ('enable', None) or ('disable', None) when the enabled flag differs.
    """
    is_enabled = bool(model.get("isEnabled", True))
    if auto_expire is not None:
        if not auto_expire_matches(model.get("autoExpire"), auto_expire):
            return "enable-until", auto_expire
        if enabled and not is_enabled:
            return "enable-until", auto_expire
        return None
    if enabled is None or enabled == is_enabled:
        return None
    return ("enable" if enabled else "disable"), None


def apply_enable_action(model, action):
    """Set the enabled flag and expiry that an enable_action PUT gives the entity, in its model.

    Check mode uses this to predict the model. An action of None leaves the model as it is.
    """
    if action is not None:
        name, body = action
        model["isEnabled"] = name != "disable"
        if name == "enable-until":
            model["autoExpire"] = dict(body)
