"""AutoExpireModel ``{timeZoneId, expiryDateTime, expiryAction}``: the body of every enable-until call.

NOTE: the emulator stores the expiry but never acts on it; nothing is disabled or deleted when it passes.
"""

from __future__ import annotations

from . import timestamps
from .jsonbody import MISSING
from .timezones import is_time_zone_id, time_zone_error

EXPIRY_ACTIONS = ("Disable", "Delete")


def read_auto_expire(body):
    """Validate an AutoExpireModel object and return it in stored form, or MISSING after recording errors.

    ``expiryDateTime`` must parse as ISO 8601 and ``expiryAction`` must be Disable or Delete (any case).
    ``timeZoneId`` is null or an IANA or Windows time zone id (see timezones.py), stored as sent.
    NOTE: the expiry is written back in UTC with a Z suffix; the API's own output form is undocumented.
    """
    time_zone_id = body.string("timeZoneId", nullable=True)
    expiry_text = body.string("expiryDateTime", nullable=False, required=True)
    action = body.enum("expiryAction", EXPIRY_ACTIONS)
    if action is MISSING and not body.has("expiryAction"):
        body.add_error("expiryAction", "The ExpiryAction field is required.")

    if isinstance(time_zone_id, str) and not is_time_zone_id(time_zone_id):
        body.add_error("timeZoneId", time_zone_error(time_zone_id))
        time_zone_id = MISSING

    expiry = MISSING
    if isinstance(expiry_text, str):
        try:
            expiry = timestamps.format_datetime(timestamps.parse(expiry_text))
        except ValueError:
            body.add_error("expiryDateTime", "'{}' is not a valid ISO 8601 date and time.".format(expiry_text))

    bad_time_zone = time_zone_id is MISSING and body.has("timeZoneId")
    if expiry is MISSING or action is MISSING or bad_time_zone:
        return MISSING
    return {
        "timeZoneId": None if time_zone_id is MISSING else time_zone_id,
        "expiryDateTime": expiry,
        "expiryAction": action,
    }


def render_auto_expire(stored):
    """Return the stored AutoExpireModel as the API writes it, or None."""
    if not stored:
        return None
    return {
        "timeZoneId": stored.get("timeZoneId"),
        "expiryDateTime": timestamps.format_datetime(stored.get("expiryDateTime")),
        "expiryAction": stored.get("expiryAction"),
    }
