# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: the API's bulk routes, which take a list of ids and return how many entities they changed."""

from __future__ import annotations

from ._errors import EnclaveError

# Ids sent in one bulk call at most, the same limit as the API's page size.
# NOTE: the API documents no limit for bulk calls, nor its response to a longer list.
MAX_BULK_IDS = 200


def chunked(ids, size=MAX_BULK_IDS):
    """Split a list of ids into consecutive lists of at most size ids, keeping their order."""
    if size < 1:
        raise ValueError("size must be at least 1, not {0}".format(size))
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def bulk_count(method, path, body, field):
    """Return the count a bulk route reports in field, such as systemsUpdated.

    Raises EnclaveError when the body lacks the count, because the module could not then tell
    whether anything changed.
    """
    count = body.get(field) if isinstance(body, dict) else None
    if not isinstance(count, int) or isinstance(count, bool):
        raise EnclaveError(
            "{0} {1} returned an unexpected body: expected an object with the count '{2}'.".format(method, path, field),
            method=method,
            path=path,
        )
    return count
