# Copyright: Enclave collection contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""PRIVATE: error types raised by the Enclave API client.

Modules and the inventory plugin catch EnclaveError; nothing else parses error bodies.
"""

from __future__ import annotations

import json
import re

# Short enough for a one-line failure message, long enough to recognise a proxy page.
EXCERPT_LENGTH = 200

# Hints for the statuses that usually come from the task's own settings, such as a wrong token.
STATUS_HINTS = {
    401: "Check api_token (or ENCLAVE_TOKEN), and that api_url is the API that issued the token.",
    403: "The token lacks a permission this request needs; use a token whose account may make this change.",
}

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


class EnclaveError(Exception):
    """An error talking to the Enclave API: bad configuration, a transport failure or an unusable response."""

    def __init__(self, message, method=None, path=None, attempts=None):
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path
        # How many times the request was sent; None for errors raised before sending anything.
        self.attempts = attempts

    def __str__(self):
        return self.message

    def to_failure(self):
        """Return the structured data a module adds to fail_json next to msg."""
        failure = {"method": self.method, "path": self.path, "attempts": self.attempts}
        return {key: value for key, value in failure.items() if value is not None}


class ProblemDetailsError(EnclaveError):
    """An HTTP error response from the API, read as RFC 7807 problem details where the body allows.

    A body that is not problem details (an HTML page from a proxy, for example) still gives the status
    and a short excerpt of the body.
    """

    def __init__(
        self,
        method,
        path,
        status,
        title=None,
        detail=None,
        problem_type=None,
        instance=None,
        trace_id=None,
        errors=None,
        excerpt=None,
        attempts=1,
    ):
        self.status = status
        self.title = title
        self.detail = detail
        self.problem_type = problem_type
        self.instance = instance
        self.trace_id = trace_id
        self.errors = errors or {}
        self.excerpt = excerpt
        self.attempts = attempts
        super().__init__(self._format(method, path), method=method, path=path, attempts=attempts)

    @classmethod
    def from_response(cls, method, path, status, content_type, body, attempts=1):
        """Build the error from a response's status, Content-Type header and body text."""
        problem = _parse_problem(content_type, body)
        if problem is None:
            return cls(method, path, status, excerpt=_excerpt(body), attempts=attempts)

        errors = problem.get("errors")
        return cls(
            method,
            path,
            status,
            title=_text_or_none(problem.get("title")),
            detail=_text_or_none(problem.get("detail")),
            problem_type=_text_or_none(problem.get("type")),
            instance=_text_or_none(problem.get("instance")),
            trace_id=_text_or_none(problem.get("traceId")),
            errors=_normalise_errors(errors) if isinstance(errors, dict) else None,
            attempts=attempts,
        )

    def _format(self, method, path):
        headline = "{0} {1} failed with HTTP {2}".format(method, path, self.status)
        if self.title:
            headline += ": " + self.title
        sentences = [_sentence(headline)]
        if self.detail:
            sentences.append(_sentence(self.detail))
        for field, messages in sorted(self.errors.items()):
            sentences.append(_sentence("{0}: {1}".format(field, " ".join(messages))))
        if self.excerpt:
            sentences.append(_sentence("Response body: " + self.excerpt))
        if self.status in STATUS_HINTS:
            sentences.append(STATUS_HINTS[self.status])
        if self.attempts > 1:
            sentences.append("Gave up after {0} attempts.".format(self.attempts))
        if self.trace_id:
            sentences.append("Quote traceId {0} to Enclave support.".format(self.trace_id))
        return " ".join(sentences)

    def to_failure(self):
        failure = super().to_failure()
        failure.update(
            {
                "status": self.status,
                "title": self.title,
                "detail": self.detail,
                "type": self.problem_type,
                "instance": self.instance,
                "trace_id": self.trace_id,
                "errors": self.errors or None,
                "attempts": self.attempts,
            }
        )
        return {key: value for key, value in failure.items() if value is not None}


def _parse_problem(content_type, body):
    if not body or "json" not in (content_type or "").lower():
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    return data


def _normalise_errors(errors):
    normalised = {}
    for field, messages in errors.items():
        if isinstance(messages, list):
            normalised[str(field)] = [str(message) for message in messages]
        else:
            normalised[str(field)] = [str(messages)]
    return normalised


def _sentence(text):
    text = text.strip()
    if text.endswith((".", "!", "?")):
        return text
    return text + "."


def _text_or_none(value):
    if value is None:
        return None
    return str(value)


def _excerpt(body):
    if not body:
        return None
    text = _SPACE.sub(" ", _TAG.sub(" ", body)).strip()
    if len(text) > EXCERPT_LENGTH:
        text = text[:EXCERPT_LENGTH].rstrip() + "..."
    return text or None
