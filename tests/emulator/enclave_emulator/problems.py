"""RFC 7807 problem details, in the shape the Enclave API returns them.

Every error response carries ``type, title, status, detail, instance, traceId``, plus ``errors`` for
validation failures. ``instance`` repeats the trace id, as in the API's own 404 example.
"""

from __future__ import annotations

import secrets

PROBLEM_CONTENT_TYPE = "application/problem+json; charset=utf-8"
PROBLEM_HEADERS = {
    "Cache-Control": "no-cache, no-store, must-revalidate",
    "Pragma": "no-cache",
    "Expires": "0",
}

ENCLAVE_PROBLEM_TYPE = "https://api.enclave.io/problems/type/"
INSTANCE_PREFIX = "https://api.enclave.io/problems/instance/"

# Types and titles that ASP.NET Core writes for plain HTTP status problems.
_RFC9110 = "https://tools.ietf.org/html/rfc9110#section-"
STATUS_TYPES = {
    400: (_RFC9110 + "15.5.1", "Bad Request"),
    401: (_RFC9110 + "15.5.2", "Unauthorized"),
    403: (_RFC9110 + "15.5.4", "Forbidden"),
    404: (_RFC9110 + "15.5.5", "Not Found"),
    405: (_RFC9110 + "15.5.6", "Method Not Allowed"),
    411: (_RFC9110 + "15.5.12", "Length Required"),
    413: (_RFC9110 + "15.5.14", "Content Too Large"),
    415: (_RFC9110 + "15.5.16", "Unsupported Media Type"),
    500: (_RFC9110 + "15.6.1", "An error occurred while processing your request."),
}

VALIDATION_TITLE = "One or more validation errors occurred."


class ProblemError(Exception):
    """An error that the request handler turns into a problem+json response."""

    def __init__(self, status, title, detail=None, problem_type=None, errors=None, headers=None):
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.problem_type = problem_type or STATUS_TYPES.get(status, (_RFC9110 + "15", ""))[0]
        self.errors = errors
        self.headers = headers or {}

    def to_body(self):
        """Build the problem document with a fresh W3C trace id."""
        trace_id = secrets.token_hex(16)
        span_id = secrets.token_hex(8)
        body = {
            "type": self.problem_type,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": INSTANCE_PREFIX + trace_id,
            "traceId": "00-{}-{}-00".format(trace_id, span_id),
        }
        if self.errors is not None:
            body["errors"] = self.errors
        return body


def status_problem(status, detail=None, headers=None):
    """Build a problem for a plain HTTP status, titled as ASP.NET Core titles it."""
    problem_type, title = STATUS_TYPES[status]
    return ProblemError(status, title, detail=detail, problem_type=problem_type, headers=headers)


def validation_problem(errors, detail=None):
    """Build a 400 problem whose ``errors`` maps each field name to a list of messages."""
    problem_type = STATUS_TYPES[400][0]
    return ProblemError(400, VALIDATION_TITLE, detail=detail, problem_type=problem_type, errors=errors)


def not_found(slug, title, detail):
    """Build a 404 problem with an Enclave problem type such as ``system-not-found``."""
    return ProblemError(404, title, detail=detail, problem_type=ENCLAVE_PROBLEM_TYPE + slug)


def system_not_found(system_id):
    """Build the 404 problem the API returns for an enrolled system that the token cannot reach."""
    return not_found(
        "system-not-found",
        "System cannot be found",
        f"System with Enclave identity {system_id} does not exist, or your access rights do not allow access to it.",
    )


# NOTE: only the system slug is documented; the slugs and titles below follow its pattern by assumption.
def unapproved_system_not_found(system_id):
    """Build the 404 problem for an unapproved system that the token cannot reach."""
    return not_found(
        "unapproved-system-not-found",
        "Unapproved system cannot be found",
        f"Unapproved system with Enclave identity {system_id} does not exist, "
        "or your access rights do not allow access to it.",
    )


def enrolment_key_not_found(key_id):
    """Build the 404 problem for an enrolment key that the token cannot reach."""
    return not_found(
        "enrolment-key-not-found",
        "Enrolment key cannot be found",
        "Enrolment key with id {} does not exist, or your access rights do not allow access to it.".format(key_id),
    )


def organisation_not_found(org_id):
    """Build the 404 problem for an organisation that the token cannot reach."""
    return not_found(
        "organisation-not-found",
        "Organisation cannot be found",
        "Organisation with id {} does not exist, or your access rights do not allow access to it.".format(org_id),
    )
