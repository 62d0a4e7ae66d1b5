"""Scripted faults: per route and per attempt, respond with an error in place of the API's response.

Faults are off until rules are set, from the command line (``--fault``, ``--faults``) or with
``PUT /_emulator/faults``. A rule names a method, a path pattern, the attempts it applies to and the
fault. Attempts are counted per method and concrete path from the moment the rules are set, so
``"attempts": [1, 2]`` fails the first two requests of ``GET /org/<id>/systems/488Q`` and lets the
third through.

Some faults replace the response before the API handles the request (the request has no effect);
others let the API handle it and then spoil the response, which is what makes a retried create
dangerous. Each fault kind has a default for this, and a rule can override it with ``"handled"``.
"""

from __future__ import annotations

import fnmatch
import json
import select
import socket
import struct
import threading

from .problems import PROBLEM_CONTENT_TYPE, PROBLEM_HEADERS, ProblemError, status_problem, validation_problem

# Kind -> whether the API handles the request before the fault spoils the response, by default.
# Status faults stand for a rate limiter, proxy or overloaded server that responds in the API's place.
# The connection and body faults stand for a response lost or damaged after the API did the work.
FAULT_KINDS = {
    "429": False,
    "500": False,
    "502": False,
    "503": False,
    "504": False,
    "validation-problem": False,
    "reset-before-body": True,
    "reset-after-body": True,
    "slow": True,
    "malformed-json": True,
    "truncated-json": True,
}

DEFAULT_RETRY_AFTER = "1"
DEFAULT_SLOW_SECONDS = 5.0
# A slow response waits at most this long, so a stuck test cannot hold a server thread for long.
MAX_SLOW_SECONDS = 300.0
DEFAULT_VALIDATION_ERRORS = {"Description": ["The Description field is required."]}

# What a reverse proxy in front of the API sends when the API is down or too slow.
_PROXY_PAGE = (
    "<html>\r\n<head><title>{status} {phrase}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {phrase}</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
)
_HTML_CONTENT_TYPE = "text/html; charset=UTF-8"
_JSON_CONTENT_TYPE = "application/json; charset=utf-8"


class FaultError(ValueError):
    """A fault rule that cannot be used; the message names the field and the value."""


class Fault:
    """One fault to inject: its kind, whether the API handles the request first, and its settings."""

    def __init__(self, kind, handled=None, retry_after=None, delay=None, errors=None):
        if kind not in FAULT_KINDS:
            raise FaultError("fault kind {!r} is unknown; use one of: {}.".format(kind, ", ".join(FAULT_KINDS)))
        self.kind = kind
        self.handled = FAULT_KINDS[kind] if handled is None else handled
        self.retry_after = retry_after
        if kind == "429" and retry_after is None:
            self.retry_after = DEFAULT_RETRY_AFTER
        self.delay = DEFAULT_SLOW_SECONDS if delay is None else delay
        self.errors = errors or DEFAULT_VALIDATION_ERRORS

    @classmethod
    def from_spec(cls, spec):
        """Build a fault from a kind name such as ``"503"``, or an object such as ``{"kind": "429", "retryAfter": 2}``.

        Raises FaultError for an unknown kind or field, or a setting of the wrong type.
        """
        if isinstance(spec, str):
            return cls(spec)
        if not isinstance(spec, dict):
            raise FaultError("fault {!r} is invalid: give a kind name or an object with 'kind'.".format(spec))
        unknown = set(spec) - {"kind", "handled", "retryAfter", "delay", "errors"}
        if unknown:
            raise FaultError("fault field(s) {} are unknown.".format(", ".join(sorted(unknown))))
        handled = spec.get("handled")
        if handled is not None and not isinstance(handled, bool):
            raise FaultError("fault 'handled' {!r} is invalid: expected true or false.".format(handled))
        retry_after = spec.get("retryAfter")
        if retry_after is not None:
            if isinstance(retry_after, bool) or not isinstance(retry_after, (int, float, str)):
                raise FaultError(
                    "fault 'retryAfter' {!r} is invalid: give seconds or an HTTP date.".format(retry_after)
                )
            retry_after = str(retry_after)
        delay = spec.get("delay")
        if delay is not None and (
            isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay <= MAX_SLOW_SECONDS
        ):
            raise FaultError(
                "fault 'delay' {!r} is invalid: expected 0 to {:g} seconds.".format(delay, MAX_SLOW_SECONDS)
            )
        errors = spec.get("errors")
        if errors is not None and not (
            isinstance(errors, dict) and all(isinstance(value, list) for value in errors.values())
        ):
            raise FaultError(
                "fault 'errors' {!r} is invalid: map each field name to a list of messages.".format(errors)
            )
        return cls(spec.get("kind"), handled=handled, retry_after=retry_after, delay=delay, errors=errors)

    def to_dict(self):
        spec = {"kind": self.kind, "handled": self.handled}
        if self.retry_after is not None:
            spec["retryAfter"] = self.retry_after
        if self.kind == "slow":
            spec["delay"] = self.delay
        if self.kind == "validation-problem":
            spec["errors"] = self.errors
        return spec

    def problem(self):
        """Return the ProblemError that a status fault responds with, or None for the other kinds."""
        headers = {}
        if self.retry_after is not None:
            headers["Retry-After"] = self.retry_after
        if self.kind == "429":
            return ProblemError(
                429,
                "Too Many Requests",
                detail="Rate limit exceeded; retry after the time in the Retry-After header.",
                problem_type="https://tools.ietf.org/html/rfc6585#section-4",
                headers=headers,
            )
        if self.kind == "500":
            return status_problem(500, "The emulator injected a server error.")
        if self.kind == "503":
            return ProblemError(
                503,
                "Service Unavailable",
                detail="The service is temporarily unavailable.",
                problem_type="https://tools.ietf.org/html/rfc9110#section-15.6.4",
                headers=headers,
            )
        if self.kind == "validation-problem":
            return validation_problem(self.errors)
        return None


class FaultRule:
    """Which requests get a fault: method, path pattern and attempt numbers (None for every attempt)."""

    def __init__(self, fault, method="*", path="*", attempts=None):
        self.fault = fault
        self.method = method.upper()
        self.path = path
        self.attempts = attempts

    @classmethod
    def from_dict(cls, rule):
        if not isinstance(rule, dict):
            raise FaultError("fault rule {!r} is invalid: expected an object.".format(rule))
        unknown = set(rule) - {"method", "path", "attempts", "fault"}
        if unknown:
            raise FaultError("fault rule field(s) {} are unknown.".format(", ".join(sorted(unknown))))
        if "fault" not in rule:
            raise FaultError("fault rule {!r} has no 'fault'.".format(rule))
        method = rule.get("method", "*")
        path = rule.get("path", "*")
        if not isinstance(method, str) or not isinstance(path, str) or not path:
            raise FaultError("fault rule method {!r} and path {!r} must be non-empty strings.".format(method, path))
        attempts = rule.get("attempts")
        if attempts is not None and not (
            isinstance(attempts, list)
            and attempts
            and all(isinstance(number, int) and not isinstance(number, bool) and number >= 1 for number in attempts)
        ):
            raise FaultError("fault rule 'attempts' {!r} is invalid: give a list of numbers from 1.".format(attempts))
        return cls(Fault.from_spec(rule["fault"]), method, path, set(attempts) if attempts else None)

    def matches(self, method, path):
        if self.method != "*" and self.method != method:
            return False
        # API paths match in any case, as the router does.
        return fnmatch.fnmatchcase(path.lower(), self.path.lower())

    def to_dict(self):
        rule = {"method": self.method, "path": self.path, "fault": self.fault.to_dict()}
        if self.attempts is not None:
            rule["attempts"] = sorted(self.attempts)
        return rule


def parse_fault_option(text):
    """Build a rule from the command line form ``METHOD PATH KIND[=VALUE] [ATTEMPTS]``.

    VALUE is the Retry-After of 429 and 503, or the seconds a slow response waits. ATTEMPTS is a
    comma-separated list such as ``1,2``; without it the fault applies to every attempt.
    """
    parts = text.split()
    if len(parts) not in (3, 4):
        raise FaultError(
            "--fault {!r} is invalid: expected 'METHOD PATH KIND[=VALUE] [ATTEMPTS]', "
            "such as 'GET /org/*/systems 503 1,2'.".format(text)
        )
    kind, _separator, value = parts[2].partition("=")
    fault = {"kind": kind}
    if value:
        if kind == "slow":
            try:
                fault["delay"] = float(value)
            except ValueError as error:
                raise FaultError("--fault {!r}: the slow delay {!r} is not a number.".format(text, value)) from error
        else:
            fault["retryAfter"] = value
    rule = {"method": parts[0], "path": parts[1], "fault": fault}
    if len(parts) == 4:
        try:
            rule["attempts"] = [int(number) for number in parts[3].split(",")]
        except ValueError as error:
            raise FaultError(
                "--fault {!r}: attempts {!r} must be numbers such as 1,2.".format(text, parts[3])
            ) from error
    return FaultRule.from_dict(rule)


def parse_rules(document):
    """Build the rules of a ``{"rules": [...]}`` document, as PUT /_emulator/faults takes it."""
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise FaultError('The fault document must be an object with a "rules" list.')
    return [FaultRule.from_dict(rule) for rule in document["rules"]]


class FaultPlan:
    """The active rules and the attempt count per method and path; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._rules = []
        self._attempts = {}
        self._released = threading.Event()

    def set_rules(self, rules):
        """Replace the rules and start counting attempts from zero."""
        with self._lock:
            self._rules = list(rules)
            self._attempts = {}

    def clear(self):
        """Remove every rule; return how many there were."""
        with self._lock:
            count = len(self._rules)
            self._rules = []
            self._attempts = {}
            return count

    def next_fault(self, method, path):
        """Count this request and return (fault, attempt) for it, or (None, attempt) to serve it normally."""
        with self._lock:
            matching = [rule for rule in self._rules if rule.matches(method, path)]
            if not matching:
                return None, None
            key = "{} {}".format(method, path.lower())
            attempt = self._attempts.get(key, 0) + 1
            self._attempts[key] = attempt
            for rule in matching:
                if rule.attempts is None or attempt in rule.attempts:
                    return rule.fault, attempt
            return None, attempt

    def to_dict(self):
        with self._lock:
            return {"rules": [rule.to_dict() for rule in self._rules], "attempts": dict(self._attempts)}

    def wait(self, seconds):
        """Sleep for a slow fault; returns early once release() is called."""
        self._released.wait(seconds)

    def release(self):
        """Wake every slow fault, so that a stopping server does not wait for them."""
        self._released.set()


def fault_status(fault, status):
    """Return the status that send_with_fault sends for the API's status, or None for a reset without response."""
    problem = fault.problem()
    if problem is not None:
        return problem.status
    if fault.kind in ("502", "504"):
        return int(fault.kind)
    if fault.kind == "reset-before-body":
        return None
    if fault.kind == "malformed-json":
        return 200
    return status


def send_with_fault(handler, fault, status, body, content_type, headers):
    """Answer a request that a fault applies to; return the status sent, or None when nothing was sent.

    ``status, body, content_type, headers`` are the API's response when the fault lets the API handle
    the request, and are ignored otherwise.
    """
    problem = fault.problem()
    if problem is not None:
        handler._send(problem.status, problem.to_body(), PROBLEM_CONTENT_TYPE, dict(PROBLEM_HEADERS, **problem.headers))
        return problem.status
    if fault.kind in ("502", "504"):
        phrase = "Bad Gateway" if fault.kind == "502" else "Gateway Timeout"
        page = _PROXY_PAGE.format(status=fault.kind, phrase=phrase).encode("utf-8")
        _write_raw(handler, int(fault.kind), _HTML_CONTENT_TYPE, page, {})
        return int(fault.kind)
    if fault.kind == "reset-before-body":
        _reset(handler)
        return None
    if fault.kind == "slow":
        handler.server.emulator.faults.wait(fault.delay)
        handler._send(status, body, content_type, headers)
        return status

    payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if fault.kind == "reset-after-body":
        # Connection: close keeps the client from sending its next request into the coming reset.
        _write_raw(handler, status, content_type, payload, dict(headers, Connection="close"))
        _finish_sending(handler.connection)
        _reset(handler)
    elif fault.kind == "malformed-json":
        # A leading brace before any JSON value can never parse, and the Content-Length still matches.
        _write_raw(handler, 200, _JSON_CONTENT_TYPE, b"{" + payload, {})
        return 200
    elif fault.kind == "truncated-json":
        # Content-Length promises the whole body, but the connection closes after half of it.
        _write_raw(handler, status, content_type, payload[: len(payload) // 2], headers, length=len(payload))
        handler.close_connection = True
    return status


def _write_raw(handler, status, content_type, payload, headers, length=None):
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload) if length is None else length))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(payload)
        handler.wfile.flush()
    except (BrokenPipeError, ConnectionResetError):
        handler.close_connection = True


# How long the client has to close its side after the response before the reset.
FINISH_WAIT_SECONDS = 1.0


def _finish_sending(connection):
    """End the response with a FIN and wait for the client to close, so the reset cannot overtake the body.

    A reset that reaches the client before it has read the body makes its kernel drop the unread data,
    and a client that reuses the connection would send its next request into the reset.
    """
    try:
        connection.shutdown(socket.SHUT_WR)
        select.select([connection], [], [], FINISH_WAIT_SECONDS)
    except OSError:
        return


def _reset(handler):
    """Close the connection with a TCP reset: SO_LINGER with a zero timeout makes close() send RST."""
    handler.close_connection = True
    try:
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        return
    handler.connection.close()
