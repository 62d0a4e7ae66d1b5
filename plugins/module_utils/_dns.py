# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: Enclave DNS zones and records as the DNS modules find, compare and return them.

Every organisation has a zone named 'enclave'. Its id is not fixed, so modules always find zones by name.
"""

from __future__ import annotations

import re

from ._case import snake_dict
from ._errors import EnclaveError
from ._lookup import unique_match
from ._tags import tag_names

DEFAULT_ZONE = "enclave"
APEX_NAME = "@"
# Labels of letters, digits and inner hyphens, joined by dots; names compare in lower case.
_DNS_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
MAX_DNS_NAME_LENGTH = 253


def zone_result(model):
    """Convert a zone from the API to its snake_case return value; record type names stay as the API sends them."""
    return snake_dict(model, keep_keys_of=frozenset(["recordTypeCounts"]))


def record_result(model):
    """Convert a record from the API to its snake_case return value."""
    return snake_dict(model)


def normalise_zone_name(option, name):
    """Return a zone name in the API's lower-case form, or raise EnclaveError naming the option."""
    normalised = name.strip().lower().rstrip(".")
    if len(normalised) > MAX_DNS_NAME_LENGTH or not _DNS_NAME.match(normalised):
        raise EnclaveError(
            "{0} '{1}' is not a valid DNS zone name: use labels of letters, digits and inner hyphens, "
            "joined by dots, such as internal.example.".format(option, name)
        )
    return normalised


def normalise_record_name(option, name):
    """Return a record name in the API's lower-case form ('@' for the zone apex), or raise EnclaveError."""
    normalised = name.strip().lower()
    if normalised == APEX_NAME:
        return normalised
    if len(normalised) > MAX_DNS_NAME_LENGTH or not _DNS_NAME.match(normalised):
        raise EnclaveError(
            "{0} '{1}' is not a valid DNS record name: use letters, digits, '-' and '.', such as intranet "
            "or app.eu, or @ for the zone itself.".format(option, name)
        )
    return normalised


def find_zones_by_name(client, name):
    """Return the list items of every zone with this (normalised) name."""
    return [
        item
        for item in client.paginate(client.org_path("dns", "zones"))
        if isinstance(item, dict) and str(item.get("name") or "").lower() == name
    ]


def find_zone(client, name):
    """Return the list item of the zone with this name, or None; several zones of one name raise EnclaveError."""
    return unique_match(find_zones_by_name(client, name), "DNS zones", "name", name)


def require_zone(client, zone_id=None, zone_name=None):
    """Return the zone a record task names, by id or else by name, or raise EnclaveError when it is missing."""
    if zone_id is not None:
        for item in client.paginate(client.org_path("dns", "zones")):
            if isinstance(item, dict) and item.get("id") == zone_id:
                return item
        raise EnclaveError(
            "No DNS zone has the id {0} in organisation {1}. Check zone_id, or name the zone with zone.".format(
                zone_id, client.organisation_id
            )
        )
    zone = find_zone(client, zone_name)
    if zone is None:
        raise EnclaveError(
            "No DNS zone is named '{0}' in organisation {1}. Create it with enclave.networks.dns_zone "
            "first, or check the zone option.".format(zone_name, client.organisation_id)
        )
    return zone


def find_records(client, zone_id, name):
    """Return the list items of the records of one zone whose name equals this (normalised) name."""
    return [
        item
        for item in client.paginate(client.org_path("dns", "records"), {"zoneId": zone_id})
        if isinstance(item, dict) and str(item.get("name") or "").lower() == name and item.get("zoneId") == zone_id
    ]


def record_fqdn(name, zone_name):
    """Return the name a record answers to: the zone name for '@', else '<name>.<zone>'."""
    if name == APEX_NAME:
        return zone_name
    return "{0}.{1}".format(name, zone_name)


def system_ids(systems):
    """Return the system ids of an API system reference list, or of a list of ids, in upper case."""
    ids = []
    for item in systems or []:
        system_id = item.get("id") if isinstance(item, dict) else item
        if isinstance(system_id, str):
            ids.append(system_id.upper())
    return ids


def tag_set(value):
    """Return the tag names of an API tag list or a list of names, as a set for comparison."""
    return frozenset(tag_names(value))
