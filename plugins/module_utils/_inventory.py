# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: Enclave systems as inventory hosts: API query, filters, host names, host variables and groups.

The inventory plugin does Ansible's side: templating, unsafe values and the inventory itself. These
functions work on the API's list items alone, so they can be tested without Ansible.
"""

from __future__ import annotations

import collections
import re

from ._case import snake_dict, to_snake
from ._errors import EnclaveError

# The API's rule for tag names.
TAG_NAME = re.compile(r"^([a-z0-9]+[-.])*[a-z0-9]+$")
# A host variable prefix must keep every variable name a valid Python identifier, as Ansible requires.
VARIABLE_PREFIX = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Runs of characters that break host patterns, --limit or shell quoting in an inventory host name.
UNSAFE_HOST_NAME_CHARACTERS = re.compile(r"[^\w.-]+")

STATES = ("connected", "disconnected", "disabled")
HOSTNAME_FIELDS = {"hostname": "hostname", "description": "description", "system_id": "systemId"}
CONNECT_WITH = ("virtual_address", "dns_name", "connected_from", "hostname", "none")

# API field of a system list item -> host variable name without the prefix. Fields not named here
# become the snake_case form of their API name, so a field the API adds later still reaches the hosts.
HOST_VARIABLES = {
    "systemId": "system_id",
    "description": "description",
    "hostname": "hostname",
    "state": "state",
    "isEnabled": "enabled",
    "virtualAddress": "virtual_address",
    "virtualNetwork": "virtual_network",
    "platformType": "platform",
    "osVersion": "os_version",
    "enclaveVersion": "agent_version",
    "tags": "tags",
    "connectedFrom": "connected_from",
    "connectedAt": "connected_at",
    "lastSeen": "last_seen",
    "enrolledAt": "enrolled_at",
    "enrolmentKeyId": "enrolment_key_id",
    "enrolmentKeyDescription": "enrolment_key_description",
    "enrolmentKeyIsDeleted": "enrolment_key_is_deleted",
    "systemType": "system_type",
    # API versions before 2026 name the type field "type".
    "type": "system_type",
    "gatewayRoutes": "gateway_routes",
    "disconnectedRetentionMinutes": "disconnected_retention_minutes",
    "autoExpire": "auto_expire",
}
# Variables every host carries, null when the API leaves the field out, so templates can rely on them.
ALWAYS_SET = tuple(sorted(set(HOST_VARIABLES.values()) | {"dns_name"}))

# Host names listed in full in a warning; the rest are counted.
MAX_NAMES_IN_MESSAGE = 20


def tag_names(item):
    """Return the names of a system's tags; the API sends tag references, older versions plain names."""
    names = []
    for tag in item.get("tags") or []:
        name = tag.get("tag") if isinstance(tag, dict) else tag
        if name:
            names.append(str(name))
    return names


def dns_name(item):
    """Return the DNS name every system has on the Enclave network: ``<system id>.id.enclave``, lower case."""
    return "{0}.id.enclave".format(str(item.get("systemId", "")).lower())


def host_variables(item):
    """Return a system's host variables, without the prefix, as new objects; the item is left unchanged."""
    variables = dict.fromkeys(ALWAYS_SET)
    for field, value in item.items():
        if field == "type" and "systemType" in item:
            continue
        name = HOST_VARIABLES.get(field) or to_snake(field)
        variables[name] = tag_names(item) if field == "tags" else snake_dict(value)
    variables["dns_name"] = dns_name(item)
    return variables


def normalise_tags(tags, option):
    """Return tag names in lower case, or raise EnclaveError naming one that the API cannot hold."""
    names = []
    for tag in tags or []:
        name = str(tag).strip().lower()
        if not TAG_NAME.fullmatch(name) or len(name) > 64:
            raise EnclaveError(
                "{0} entry '{1}' is not a valid Enclave tag name: use up to 64 lower-case letters and digits, "
                "separated by single '-' or '.' characters, such as web or eu-west.1.".format(option, tag)
            )
        names.append(name)
    return names


def api_query(include_disabled=False, search=None, enrolment_key=None, tags=None, states=None):
    """Return the query parameters of GET /systems for the filters the API applies itself.

    Tags go into the search text as ``tags:a,b``, which matches systems that carry every one of them.
    A ``states`` list holding ``disabled`` fetches disabled systems too, as include_disabled does.
    """
    query = {}
    terms = []
    if search and search.strip():
        terms.append(search.strip())
    if tags:
        terms.append("tags:" + ",".join(tags))
    if terms:
        query["search"] = " ".join(terms)
    if include_disabled or "disabled" in (states or ()):
        query["include_disabled"] = "true"
    if enrolment_key is not None:
        query["enrolment_key"] = enrolment_key
    return query


def system_filter(exclude_tags=None, states=None, platforms=None):
    """Return a predicate over list items for the filters applied after the API's own.

    A system passes when it has none of ``exclude_tags``, its state is one of ``states`` and its
    platform is one of ``platforms``. An empty list leaves that check out, and comparisons ignore case.
    """
    excluded = {tag.lower() for tag in exclude_tags or ()}
    desired_states = {state.lower() for state in states or ()}
    desired_platforms = {platform.lower() for platform in platforms or ()}

    def matches(item):
        if excluded and excluded.intersection(name.lower() for name in tag_names(item)):
            return False
        if desired_states and str(item.get("state") or "").lower() not in desired_states:
            return False
        return not (desired_platforms and str(item.get("platformType") or "").lower() not in desired_platforms)

    return matches


def safe_host_name(text):
    """Return text as an inventory host name: other characters than letters, digits, '.', '_' and '-' become '-'."""
    if text is None:
        return ""
    return UNSAFE_HOST_NAME_CHARACTERS.sub("-", str(text).strip()).strip("-")


def field_host_name(item, entry):
    """Return the host name a ``hostnames`` keyword entry gives for a system, or '' when the field is empty."""
    return safe_host_name(item.get(HOSTNAME_FIELDS[entry]))


# Host names Ansible gives a meaning of its own: the two built-in groups and the implicit local host.
RESERVED_HOST_NAMES = frozenset(["all", "ungrouped", "localhost"])


def avoid_reserved_names(candidates, reserved):
    """Rename candidates whose name is reserved, such as a group name, to ``<name>_<system id>``.

    A host named like a group breaks the inventory: Ansible then reads the host as that group.
    ``candidates`` is a list of ``(system id, name)``. Returns ``(candidates, renamed)``, where
    renamed lists the ``(name, system id)`` pairs that changed.
    """
    result = []
    renamed = []
    for system_id, name in candidates:
        if name in reserved:
            renamed.append((name, system_id))
            name = "{0}_{1}".format(name, system_id)
        result.append((system_id, name))
    return result, renamed


def describe_reserved_hosts(renamed):
    """Return one message naming the hosts renamed away from reserved names, or None when there are none."""
    if not renamed:
        return None
    listed = ["{0} ({1})".format(name, system_id) for name, system_id in renamed[:MAX_NAMES_IN_MESSAGE]]
    if len(renamed) > MAX_NAMES_IN_MESSAGE:
        listed.append("{0} more".format(len(renamed) - MAX_NAMES_IN_MESSAGE))
    return (
        "{0} system name(s) are also group names or names Ansible reserves, so each of those hosts is named "
        "<name>_<system id>: {1}.".format(len(renamed), ", ".join(listed))
    )


def unique_host_names(candidates):
    """Make inventory host names unique, in the order given.

    ``candidates`` is a list of ``(system id, preferred name)``. A name that several systems share
    becomes ``<name>_<system id>`` for each of them, and an empty one becomes the system id. An
    underscore never appears in a DNS host name, so these forms rarely meet another system's name;
    when one does, a counter is added. Returns ``(names, shared, unnamed)``: the final names in input
    order, a dict of each shared name to its system ids, and the ids of systems without a name.
    """
    counts = collections.Counter(name for _system_id, name in candidates if name)
    shared = collections.OrderedDict()
    unnamed = []
    for system_id, name in candidates:
        if not name:
            unnamed.append(system_id)
        elif counts[name] > 1:
            shared.setdefault(name, []).append(system_id)

    taken = {name for name, count in counts.items() if count == 1}
    names = []
    for system_id, name in candidates:
        if name and counts[name] == 1:
            names.append(name)
            continue
        final = "{0}_{1}".format(name, system_id) if name else str(system_id)
        number = 2
        base = final
        while final in taken:
            final = "{0}_{1}".format(base, number)
            number += 1
        taken.add(final)
        names.append(final)
    return names, dict(shared), unnamed


def describe_renamed_hosts(shared, unnamed):
    """Return one message naming the shared and empty host names, or None when there are none."""
    parts = []
    if shared:
        listed = ["{0} ({1})".format(name, ", ".join(ids)) for name, ids in list(shared.items())[:MAX_NAMES_IN_MESSAGE]]
        if len(shared) > MAX_NAMES_IN_MESSAGE:
            listed.append("{0} more".format(len(shared) - MAX_NAMES_IN_MESSAGE))
        parts.append(
            "{0} inventory name(s) are shared by several systems, so each of those hosts is named "
            "<name>_<system id>: {1}.".format(len(shared), "; ".join(listed))
        )
    if unnamed:
        listed = list(unnamed[:MAX_NAMES_IN_MESSAGE])
        if len(unnamed) > MAX_NAMES_IN_MESSAGE:
            listed.append("{0} more".format(len(unnamed) - MAX_NAMES_IN_MESSAGE))
        parts.append(
            "{0} system(s) have no name from the hostnames option, so each is named by its system id: {1}.".format(
                len(unnamed), ", ".join(listed)
            )
        )
    if not parts:
        return None
    return " ".join(parts)


def connect_address(item, connect_with):
    """Return the value of ansible_host for a system, or None when the system has no such value."""
    if connect_with == "virtual_address":
        value = item.get("virtualAddress")
    elif connect_with == "dns_name":
        value = dns_name(item) if item.get("systemId") else None
    elif connect_with == "connected_from":
        value = item.get("connectedFrom")
    elif connect_with == "hostname":
        value = item.get("hostname")
    else:
        raise ValueError("connect_with {0!r} has no address".format(connect_with))
    if value is None or not str(value).strip():
        return None
    return str(value).strip()


def default_groups(item, tags=True, states=True, platforms=True):
    """Return the default group names of a system, before Ansible's group-name sanitising.

    ``enclave_tag_<tag>`` for each tag, ``enclave_state_<state>`` and ``enclave_platform_<platform>``,
    the state and platform in lower case. A system without a platform gets no platform group.
    """
    groups = []
    if tags:
        groups.extend("enclave_tag_" + name for name in tag_names(item))
    if states and item.get("state"):
        groups.append("enclave_state_" + str(item["state"]).lower())
    if platforms and item.get("platformType"):
        groups.append("enclave_platform_" + str(item["platformType"]).lower())
    return groups


def unique_systems(items):
    """Return the items without repeats of a system id, keeping the first; offset paging can repeat an item."""
    seen = set()
    unique = []
    for item in items:
        system_id = item.get("systemId")
        if system_id in seen:
            continue
        seen.add(system_id)
        unique.append(item)
    return unique
