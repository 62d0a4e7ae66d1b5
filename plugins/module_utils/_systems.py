# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: Enclave systems as modules and the inventory return them."""

from __future__ import annotations

import re

from ._case import snake_dict
from ._errors import EnclaveError

# The API writes system ids in upper case; they hold letters and digits only, such as 488Q.
_SYSTEM_ID = re.compile(r"^[A-Za-z0-9]{1,64}$")

# Module choice -> the API's sort enum member.
SORT_ORDERS = {
    "recently_enrolled": "RecentlyEnrolled",
    "recently_connected": "RecentlyConnected",
    "description": "Description",
    "description_or_hostname": "DescriptionOrHostname",
    "enrolment_key_used": "EnrolmentKeyUsed",
}


def normalise_system_id(value):
    """Return a system id in the API's upper-case form, or raise EnclaveError naming the bad value."""
    candidate = str(value).strip()
    if not _SYSTEM_ID.fullmatch(candidate):
        raise EnclaveError(
            "system_id '{0}' is invalid: system ids contain only letters and digits, such as 488Q.".format(value)
        )
    return candidate.upper()


def system_result(item):
    """Convert one system from the API (list item or detail) to its snake_case return value.

    API versions before 2026 name the type field 'type'; both forms come back as system_type.
    """
    system = snake_dict(item)
    if "system_type" not in system and "type" in system:
        system["system_type"] = system.pop("type")
    return system
