"""Control endpoints under ``/_emulator/`` for tests: the request log, the whole state and the faults.

They need no token, and only loopback clients are served. Their own requests are logged with
``"control": true`` and never appear in ``GET /_emulator/requests``.
"""

from __future__ import annotations

import ipaddress
import json

from .faults import FaultError, parse_rules
from .generate import generate_fixture
from .problems import status_problem, validation_problem
from .store import FixtureError

CONTROL_PREFIX = "/_emulator"


def is_control_path(path):
    """Return whether a path belongs to the control endpoints."""
    return path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")


def is_loopback_peer(address):
    """Return whether a peer address is loopback, including IPv4-mapped IPv6 such as ::ffff:127.0.0.1."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_loopback


def handle_control(emulator, method, path, raw_body, peer_address):
    """Handle one control request and return the JSON body; raises ProblemError for errors."""
    if not is_loopback_peer(peer_address):
        raise status_problem(403, "Control endpoints are served only to loopback clients.")
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]

    handlers = {
        (CONTROL_PREFIX + "/requests", "GET"): lambda: {"requests": emulator.requests()},
        (CONTROL_PREFIX + "/requests", "DELETE"): lambda: {"cleared": emulator.request_log.clear()},
        (CONTROL_PREFIX + "/state", "GET"): emulator.store.to_fixture,
        (CONTROL_PREFIX + "/state", "PUT"): lambda: _replace_state(emulator, raw_body),
        (CONTROL_PREFIX + "/faults", "GET"): emulator.faults.to_dict,
        (CONTROL_PREFIX + "/faults", "PUT"): lambda: _replace_faults(emulator, raw_body),
        (CONTROL_PREFIX + "/faults", "DELETE"): lambda: {"cleared": emulator.faults.clear()},
    }
    handler = handlers.get((path, method))
    if handler is not None:
        return handler()
    allowed = sorted(known_method for known_path, known_method in handlers if known_path == path)
    if allowed:
        raise status_problem(
            405,
            "The method {} is not allowed on {}. Allowed methods: {}.".format(method, path, ", ".join(allowed)),
            headers={"Allow": ", ".join(allowed)},
        )
    raise status_problem(404, "No control endpoint matches {} {}.".format(method, path))


def _replace_state(emulator, raw_body):
    """Load a fixture, or ``{"generate": {"systems", "unapproved", "seed"}}``, and clear the request log."""
    try:
        document = json.loads((raw_body or b"").decode("utf-8"))
    except ValueError as error:
        raise validation_problem({"$": ["The request body is not a valid JSON fixture: {}".format(error)]}) from error
    if not isinstance(document, dict):
        raise validation_problem({"$": ['The request body must be a fixture object or {"generate": {...}}.']})

    try:
        if "generate" in document:
            options = document["generate"]
            if not isinstance(options, dict):
                raise FixtureError('generate must be an object such as {"systems": 450, "unapproved": 2, "seed": 1}.')
            fixture = generate_fixture(
                systems=options.get("systems"),
                unapproved=options.get("unapproved"),
                seed=options.get("seed", 1),
            )
        else:
            fixture = document
        emulator.store.load(fixture)
    except ValueError as error:
        # FixtureError is a ValueError, and generate_fixture raises ValueError for bad counts.
        raise validation_problem({"fixture": [str(error)]}) from error

    emulator.request_log.clear()
    with emulator.store.lock:
        orgs = [
            {
                "id": org["id"],
                "name": org["name"],
                "systems": len(org["systems"]),
                "unapprovedSystems": len(org["unapprovedSystems"]),
                "enrolmentKeys": len(org["enrolmentKeys"]),
            }
            for org in emulator.store.orgs.values()
        ]
    return {"orgs": orgs, "tokens": len(emulator.store.tokens)}


def _replace_faults(emulator, raw_body):
    """Replace the fault rules with those of a ``{"rules": [...]}`` body and restart the attempt counts."""
    try:
        document = json.loads(raw_body or b"null")
    except ValueError as error:
        raise validation_problem({"faults": ["The body is not valid JSON: {}".format(error)]}) from error
    try:
        rules = parse_rules(document)
    except FaultError as error:
        raise validation_problem({"faults": [str(error)]}) from error
    emulator.faults.set_rules(rules)
    return emulator.faults.to_dict()
