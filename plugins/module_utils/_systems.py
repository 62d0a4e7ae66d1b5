# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: Enclave systems as modules and the inventory return them."""

from __future__ import annotations

import re

from ._case import snake_dict
from ._errors import EnclaveError, ProblemDetailsError

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
# The sort orders the list of systems waiting for approval takes, a subset of SORT_ORDERS.
UNAPPROVED_SORT_ORDERS = {
    name: SORT_ORDERS[name] for name in ("recently_enrolled", "description", "enrolment_key_used")
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


# The two places a system can be in: enrolled (listed under /systems) or waiting for approval (under
# /unapproved-systems).
ENROLLED = "enrolled"
WAITING = "waiting"

# Fields of the detail models that list items may lack: the API leaves notes out of list items, and
# whether enrolled systems' list items carry autoExpire is undocumented.
_DETAIL_FIELDS = {
    ENROLLED: ("notes", "autoExpire"),
    WAITING: ("notes",),
}

# Lists of up to this many ids are read with one GET per id, or two for a waiting system. Longer lists
# are found by listing every enrolled and waiting system, 200 a page. Ten ids cost at most 20 requests,
# as many as listing 4,000 systems.
PER_ID_LOOKUP_LIMIT = 10


class FoundSystem:
    """A system as the API returned it (camelCase JSON), and whether it is enrolled or waiting."""

    def __init__(self, place, model):
        self.place = place
        self.model = model

    @property
    def is_enabled(self):
        return self.place == ENROLLED and self.model.get("isEnabled", True) is not False


def is_system_not_found(error):
    """Tell whether an API error is the 404 for a system id that does not exist.

    A 404 for another reason, such as an organisation the token cannot reach, does not count.
    NOTE: only the type slug system-not-found is documented; any 404 type that names a system
    (unapproved-system-not-found, for one) is taken to mean the same.
    """
    if not isinstance(error, ProblemDetailsError) or error.status != 404:
        return False
    slug = (error.problem_type or "").rstrip("/").rsplit("/", 1)[-1].lower()
    return "system" in slug


def read_system(client, system_id):
    """Return the FoundSystem with this id, with its detail model, or None when it is neither enrolled nor waiting."""
    for place, collection in ((ENROLLED, "systems"), (WAITING, "unapproved-systems")):
        try:
            return FoundSystem(place, client.get(client.org_path(collection, system_id)))
        except ProblemDetailsError as error:
            if not is_system_not_found(error):
                raise
    return None


def read_systems(client, system_ids, detail_fields=()):
    """Return a dict of the FoundSystem for each id that is enrolled or waiting; other ids are left out.

    detail_fields names API fields the caller compares. A system whose list item lacks one of them is
    read again through its detail route.
    """
    if len(system_ids) <= PER_ID_LOOKUP_LIMIT:
        found = {}
        for system_id in system_ids:
            system = read_system(client, system_id)
            if system is not None:
                found[system_id] = system
        return found

    desired = set(system_ids)
    found = {}
    for place, collection, query in (
        (ENROLLED, "systems", {"include_disabled": "true"}),
        (WAITING, "unapproved-systems", {}),
    ):
        if len(found) == len(desired):
            break
        for item in client.paginate(client.org_path(collection), query):
            system_id = str(item.get("systemId", "")).upper()
            if system_id in desired and system_id not in found:
                found[system_id] = FoundSystem(place, item)

    for system_id, system in found.items():
        missing = [field for field in detail_fields if field in _DETAIL_FIELDS[system.place]]
        if any(field not in system.model for field in missing):
            collection = "systems" if system.place == ENROLLED else "unapproved-systems"
            system.model = client.get(client.org_path(collection, system_id))
    return found
