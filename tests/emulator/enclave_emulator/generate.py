"""Fixtures with many generated systems, for scale tests and benchmarks.

Generation is deterministic: the same counts and seed always give the same fixture, because every
random choice comes from ``random.Random(seed)`` and timestamps count back from a fixed date.
"""

from __future__ import annotations

import copy
import datetime
import ipaddress
import random
import string

from .fixture_file import load_fixture_file
from .store import normalize_org_id

# Generated timestamps count back from this instant, so output does not depend on the clock.
BASE_TIME = datetime.datetime(2026, 12, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
FIRST_GENERATED_ADDRESS = ipaddress.ip_address("100.64.1.1")
SYSTEM_ID_ALPHABET = string.ascii_uppercase + string.digits

# (role tag, hostname prefix, description) for generated servers.
ROLES = (
    ("web", "web", "Web server"),
    ("db", "db", "Database server"),
    ("gateway", "gw", "Gateway"),
    ("dev", "dev", "Development box"),
    ("laptop", "laptop", "Staff laptop"),
)
PLATFORMS = (
    ("Linux", "Ubuntu 24.04.2 LTS (6.8.0-60-generic)", 6),
    ("Linux", "Debian GNU/Linux 12 (bookworm) (6.1.0-35-amd64)", 3),
    ("Windows", "Microsoft Windows Server 2022 Standard (10.0.20348)", 2),
    ("Windows", "Microsoft Windows 11 Pro (10.0.26100)", 2),
    ("Darwin", "macOS 15.5 (24F74)", 1),
)
ENCLAVE_VERSIONS = ("2026.6.3.2419", "2026.6.3.2419", "2026.4.1.2301", "2025.11.2.2107")
PUBLIC_PREFIXES = ("203.0.113.", "198.51.100.", "192.0.2.")


def _timestamp(value):
    return value.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


def _new_system_id(rng, used):
    while True:
        system_id = "".join(rng.choice(SYSTEM_ID_ALPHABET) for _position in range(5))
        if system_id not in used:
            used.add(system_id)
            return system_id


def _pick_platform(rng):
    weights = [platform_entry[2] for platform_entry in PLATFORMS]
    platform, os_version = rng.choices(PLATFORMS, weights=weights)[0][:2]
    return platform, os_version


def _keys_by_type(org):
    """Return the org's (general-purpose keys, ephemeral keys), preferring enabled ones."""
    keys = org.get("enrolmentKeys") or []
    general = [key for key in keys if key.get("type", "GeneralPurpose") == "GeneralPurpose"] or keys
    ephemeral = [key for key in keys if key.get("type") == "Ephemeral"] or general
    return general, ephemeral


def generate_systems(org, count, rng, used_ids):
    """Return ``count`` enrolled systems for an org, referring to its enrolment keys.

    About 5% are disabled, 70% of the rest are connected, and every tenth system is ephemeral.
    """
    general_keys, ephemeral_keys = _keys_by_type(org)
    systems = []
    for index in range(count):
        role_tag, prefix, description = ROLES[index % len(ROLES)]
        platform, os_version = _pick_platform(rng)
        ephemeral = index % 10 == 9
        key = None
        if general_keys:
            key = rng.choice(ephemeral_keys if ephemeral else general_keys)
        enrolled_at = BASE_TIME - datetime.timedelta(days=rng.randint(1, 700), seconds=rng.randint(0, 86399))
        enabled = rng.random() >= 0.05
        connected = enabled and rng.random() < 0.7
        last_seen = BASE_TIME - datetime.timedelta(minutes=rng.randint(0, 60 * 24 * 30))
        tags = sorted({role_tag, rng.choice(("prod", "prod", "dev"))})
        system = {
            "systemId": _new_system_id(rng, used_ids),
            "description": f"{description} {index + 1}",
            "systemType": "Ephemeral" if ephemeral else "GeneralPurpose",
            "state": "Connected" if connected else "Disconnected",
            "connectedAt": _timestamp(last_seen - datetime.timedelta(hours=rng.randint(1, 72))) if connected else None,
            "lastSeen": _timestamp(max(last_seen, enrolled_at)),
            "enrolledAt": _timestamp(enrolled_at),
            "enrolmentKeyId": key["id"] if key else None,
            "enrolmentKeyDescription": key.get("description") if key else None,
            "isEnabled": enabled,
            "connectedFrom": rng.choice(PUBLIC_PREFIXES) + str(rng.randint(1, 254)),
            "virtualAddress": str(FIRST_GENERATED_ADDRESS + index),
            "virtualNetwork": "100.64.0.0/10",
            "hostname": f"{prefix}-{index + 1:03d}",
            "platformType": platform,
            "osVersion": os_version,
            "enclaveVersion": rng.choice(ENCLAVE_VERSIONS),
            "gatewayRoutes": [],
            "tags": tags,
            "knownSubnets": [],
            "notes": None,
            "disconnectedRetentionMinutes": (key or {}).get("disconnectedRetentionMinutes") if ephemeral else None,
            "autoExpire": None,
        }
        if role_tag == "gateway":
            subnet = f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.0/24"
            system["gatewayRoutes"] = [{"subnet": subnet, "userEntered": True, "weight": 0, "name": None}]
            system["knownSubnets"] = [subnet]
        systems.append(system)
    return systems


def generate_unapproved(org, count, rng, used_ids):
    """Return ``count`` unapproved systems for an org, enrolled with its general-purpose keys."""
    general_keys = _keys_by_type(org)[0]
    systems = []
    for index in range(count):
        platform, os_version = _pick_platform(rng)
        key = rng.choice(general_keys) if general_keys else None
        address = rng.choice(PUBLIC_PREFIXES) + str(rng.randint(1, 254))
        enrolled_at = BASE_TIME - datetime.timedelta(minutes=rng.randint(1, 60 * 24 * 7))
        systems.append(
            {
                "systemId": _new_system_id(rng, used_ids),
                "systemType": "GeneralPurpose",
                "description": None,
                "enrolledFrom": address,
                "enrolledAt": _timestamp(enrolled_at),
                "tags": [],
                "enrolmentKeyId": key["id"] if key else None,
                "enrolmentKeyDescription": key.get("description") if key else None,
                "notes": None,
                "hostname": f"pending-{index + 1:03d}",
                "platformType": platform,
                "osVersion": os_version,
                "enclaveVersion": rng.choice(ENCLAVE_VERSIONS),
                "connectedFrom": address,
            }
        )
    return systems


def apply_generation(fixture, systems=None, unapproved=None, seed=1):
    """Return a copy of the fixture with generated systems in its default org.

    ``systems`` replaces the default org's enrolled systems and ``unapproved`` its unapproved systems.
    None leaves that list as it is. The default org is ``defaultOrgId``, else the first org.
    """
    for name, value in (("systems", systems), ("unapproved", unapproved)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ValueError("{} must be a whole number of 0 or more, not {!r}.".format(name, value))
    fixture = copy.deepcopy(fixture)
    orgs = fixture.get("orgs") or []
    if not orgs:
        raise ValueError("The fixture has no org to generate systems in.")
    default_id = normalize_org_id(fixture.get("defaultOrgId")) if fixture.get("defaultOrgId") else None
    org = next((org for org in orgs if normalize_org_id(org.get("id")) == default_id), orgs[0])

    rng = random.Random(seed)
    used_ids = set()
    for candidate in orgs:
        for collection in ("systems", "unapprovedSystems"):
            used_ids.update(str(item.get("systemId", "")).upper() for item in candidate.get(collection) or [])
    if systems is not None:
        for old in org.get("systems") or []:
            used_ids.discard(str(old.get("systemId", "")).upper())
        org["systems"] = generate_systems(org, systems, rng, used_ids)
    if unapproved is not None:
        org["unapprovedSystems"] = generate_unapproved(org, unapproved, rng, used_ids)
    return fixture


def generate_fixture(systems=None, unapproved=None, seed=1):
    """Return the default fixture with ``systems`` and ``unapproved`` generated systems in its default org."""
    return apply_generation(load_fixture_file(), systems=systems, unapproved=unapproved, seed=seed)
