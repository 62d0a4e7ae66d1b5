# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: when the client repeats a request, and how long it waits first.

The client asks this policy after each failed attempt. Reads and state changes (GET, PUT, PATCH,
DELETE) are repeated on rate limiting, gateway errors and lost connections. A create (POST) is
repeated blindly only when the server cannot have acted on it. After an ambiguous failure, the
caller's find_created hook looks for the created object first.
"""

from __future__ import annotations

import datetime
import math
import random
from email.utils import parsedate_to_datetime

from ._errors import EnclaveError

DEFAULT_RETRIES = 5
DEFAULT_RETRY_MAX_DELAY = 60.0
# The first backoff delay in seconds; each later one doubles, up to retry_max_delay.
DEFAULT_RETRY_BASE_DELAY = 1.0
# Upper bound of the retries option: with the default delays, 20 retries already span several minutes.
MAX_RETRIES = 20

# The server rejected these before acting on the request, so any method may be sent again.
REJECTED_STATUSES = frozenset([429])
# A gateway or an overloaded server responded, and the API may or may not have acted on the request.
GATEWAY_STATUSES = frozenset([502, 503, 504])
RETRYABLE_STATUSES = REJECTED_STATUSES | GATEWAY_STATUSES

IDEMPOTENT_METHODS = frozenset(["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"])


def parse_retry_after(value, now=None):
    """Return the seconds a Retry-After header value requests to wait, or None when it is missing or invalid.

    The header contains either a number of seconds or an HTTP date (RFC 9110, section 10.2.3). A date in
    the past means no wait.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = None
    if seconds is not None:
        if math.isnan(seconds) or seconds < 0:
            return None
        return seconds
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return max(0.0, (when - now).total_seconds())


class RetryPolicy:
    """The retry budget and backoff of one client.

    retries is the number of repeats after the first attempt, so a request is sent at most
    retries + 1 times. Backoff delays double from base_delay and are capped at max_delay. Each is
    drawn at random between half and all of that value, so that parallel clients spread out.
    """

    def __init__(self, retries=DEFAULT_RETRIES, max_delay=DEFAULT_RETRY_MAX_DELAY, base_delay=DEFAULT_RETRY_BASE_DELAY):
        self.retries = retries
        self.max_delay = max_delay
        self.base_delay = base_delay
        self._random = random.Random()

    @property
    def max_attempts(self):
        return self.retries + 1

    def backoff(self, attempt):
        """Return the delay in seconds before attempt + 1, after attempt (counted from 1) failed."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return self._random.uniform(ceiling / 2.0, ceiling)

    def delay_after_status(self, attempt, retry_after):
        """Return the delay before the next attempt after a retryable status, or None to give up.

        A Retry-After longer than max_delay gives up at once: sending earlier than the server allows
        only spends the rate limit again.
        """
        if retry_after is None:
            return self.backoff(attempt)
        if retry_after > self.max_delay:
            return None
        return retry_after


def created_item_finder(list_items, matches, known_ids, fetch_detail=None, id_field="id"):
    """Return a find_created hook for EnclaveClient.post that looks for the one new matching item.

    list_items() returns the current list items (for example ``lambda: client.paginate(path, query)``),
    matches(item) returns whether an item is what the POST requested, and known_ids contains the ids of
    matching items that existed before the POST. fetch_detail(id), when given, turns the found list
    item into the detail model that the POST returns.

    The hook returns None when no new item matches, and raises EnclaveError when several do, because
    then another client created one too and neither can be told apart.
    """
    known = set(known_ids)

    def find_created():
        new_items = [
            item
            for item in list_items()
            if isinstance(item, dict) and item.get(id_field) not in known and matches(item)
        ]
        if not new_items:
            return None
        if len(new_items) > 1:
            ids = ", ".join(str(item.get(id_field)) for item in new_items)
            raise EnclaveError(
                "Found {0} new objects ({1}) that match the one being created; another client may have created "
                "one at the same time. Remove the extra one and run the task again.".format(len(new_items), ids)
            )
        if fetch_detail is None:
            return new_items[0]
        return fetch_detail(new_items[0][id_field])

    return find_created
