"""Agent enrolment: ``POST /authority/enrol``, which the Enclave agent calls with an enrolment key.

The real agent sends its new public key, the enrolment key and a nonce to Enclave's authority, which
checks the key and creates the system. The route takes no bearer token: the enrolment key is the
credential. The agent tests of the collection's role use it through a stub ``enclave`` command.

NOTE: the authority's request and response beyond ``publicKey``, ``enrolmentKey`` and ``nonce`` are
undocumented. The emulator also reads the host facts the agent reports to the API (``hostname``,
``platformType``, ``osVersion``, ``enclaveVersion``, ``description``), returns 403 problems whose type
names the reason a key was rejected, and returns for a repeated request with the same public key the
system that the first request created, so an agent that lost the response can enrol again safely.
"""

from __future__ import annotations

import ipaddress
import secrets

from .. import timestamps
from ..generate import SYSTEM_ID_ALPHABET
from ..jsonbody import MISSING
from ..problems import ENCLAVE_PROBLEM_TYPE, ProblemError
from .enrolment_keys import key_status
from .systems import VIRTUAL_NETWORK, allocate_virtual_address

ENROL_PATH = "/authority/enrol"
# The real agent's key pairs are Curve25519; the emulator checks only that a public key is given.
MAX_PUBLIC_KEY_LENGTH = 1024
# Optional strings the agent reports about its host, stored on the system as the API shows them.
HOST_FACTS = ("hostname", "platformType", "osVersion", "enclaveVersion", "description")


def register(router):
    """Register the enrolment route, which needs no bearer token."""
    router.add("POST", ENROL_PATH, enrol, anonymous=True)


def rejected(slug, detail):
    """Build the 403 problem for an enrolment key that cannot enrol this system."""
    return ProblemError(403, "Enrolment rejected", detail=detail, problem_type=ENCLAVE_PROBLEM_TYPE + slug)


def find_key_by_secret(store, secret):
    """Return ``(org, key)`` for the key with this secret in any organisation, or ``(None, None)``."""
    expected = secret.strip().upper()
    for org in store.orgs.values():
        for key in org["enrolmentKeys"].values():
            if secrets.compare_digest((key.get("key") or "").upper(), expected):
                return org, key
    return None, None


def address_allowed(key, client_address):
    """Tell whether the client's address is inside one of the key's IP constraints, or there are none."""
    constraints = key.get("ipConstraints") or []
    if not constraints:
        return True
    address = ipaddress.ip_address(client_address)
    for constraint in constraints:
        range_text = constraint["range"]
        if " - " in range_text:
            first, last = (ipaddress.ip_address(part) for part in range_text.split(" - "))
            if first.version == address.version and first <= address <= last:
                return True
        elif address in ipaddress.ip_network(range_text, strict=False):
            return True
    return False


def _new_system_id(store):
    used = set()
    for org in store.orgs.values():
        used.update(org["systems"])
        used.update(org["unapprovedSystems"])
    while True:
        system_id = "".join(secrets.choice(SYSTEM_ID_ALPHABET) for _position in range(5))
        if system_id not in used:
            return system_id


def _existing_system(org, public_key):
    for collection in ("systems", "unapprovedSystems"):
        for system in org[collection].values():
            if system.get("publicKey") == public_key:
                return system, collection == "unapprovedSystems"
    return None, False


def _result(org, system, waiting, nonce):
    return {
        "systemId": system["systemId"],
        "orgId": org["id"],
        "orgName": org.get("name"),
        "systemType": system.get("systemType", "GeneralPurpose"),
        "approvalRequired": waiting,
        "virtualAddress": None if waiting else system.get("virtualAddress"),
        "virtualNetwork": None if waiting else system.get("virtualNetwork", VIRTUAL_NETWORK),
        "tags": list(system.get("tags") or []),
        "nonce": nonce,
    }


def enrol(ctx):
    """POST /authority/enrol: checks the key, counts one use and creates the system.

    A key with Manual approval creates a system waiting for approval. The system takes the key's tags
    and type, and an Ephemeral key's retention.
    """
    body = ctx.body()
    public_key = body.string(
        "publicKey", nullable=False, required=True, non_empty=True, max_length=MAX_PUBLIC_KEY_LENGTH
    )
    secret = body.string("enrolmentKey", nullable=False, required=True, non_empty=True)
    nonce = body.string("nonce", nullable=False, required=True, non_empty=True)
    facts = {name: body.string(name) for name in HOST_FACTS}
    body.raise_if_invalid()
    facts = {name: None if value is MISSING else value for name, value in facts.items()}

    # The server holds the store lock while a handler runs, so the checks and the changes are atomic.
    org, key = find_key_by_secret(ctx.store, secret)
    if key is None:
        raise rejected("enrolment-key-invalid", "The enrolment key is not valid. Check it for typing errors.")

    system, waiting = _existing_system(org, public_key)
    if system is not None:
        return _result(org, system, waiting, nonce)

    status = key_status(key)
    if status == "Disabled":
        raise rejected("enrolment-key-disabled", "The enrolment key {} is disabled.".format(key["id"]))
    if status == "NoUsesRemaining":
        raise rejected("enrolment-key-no-uses-remaining", f"The enrolment key {key['id']} has no uses remaining.")
    if not address_allowed(key, ctx.client_address):
        raise rejected(
            "enrolment-key-ip-constraint",
            "The enrolment key {} does not allow enrolment from {}.".format(key["id"], ctx.client_address),
        )

    enrolled_at = timestamps.format_datetime(timestamps.now())
    if key.get("usesRemaining", -1) > 0:
        key["usesRemaining"] -= 1
    key["lastUsed"] = enrolled_at
    system_type = key.get("type", "GeneralPurpose")
    common = {
        "systemId": _new_system_id(ctx.store),
        "publicKey": public_key,
        "systemType": system_type,
        "description": facts["description"],
        "enrolledAt": enrolled_at,
        "enrolmentKeyId": key["id"],
        "enrolmentKeyDescription": key.get("description"),
        "tags": list(key.get("tags") or []),
        "notes": None,
        "hostname": facts["hostname"],
        "platformType": facts["platformType"],
        "osVersion": facts["osVersion"],
        "enclaveVersion": facts["enclaveVersion"],
        "connectedFrom": ctx.client_address,
    }
    if key.get("approvalMode", "Manual") == "Manual":
        system = dict(common, enrolledFrom=ctx.client_address)
        org["unapprovedSystems"][system["systemId"]] = system
        return _result(org, system, True, nonce)

    # An agent connects as soon as it has enrolled.
    system = dict(
        common,
        state="Connected",
        connectedAt=enrolled_at,
        lastSeen=enrolled_at,
        isEnabled=True,
        virtualAddress=allocate_virtual_address(org),
        virtualNetwork=VIRTUAL_NETWORK,
        gatewayRoutes=[],
        knownSubnets=[],
        disconnectedRetentionMinutes=key.get("disconnectedRetentionMinutes") if system_type == "Ephemeral" else None,
        autoExpire=None,
    )
    org["systems"][system["systemId"]] = system
    return _result(org, system, False, nonce)
