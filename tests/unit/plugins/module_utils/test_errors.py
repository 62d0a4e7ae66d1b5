from __future__ import annotations

import json

from ansible_collections.enclave.networks.plugins.module_utils._errors import EXCERPT_LENGTH, ProblemDetailsError

PROBLEM_JSON = "application/problem+json; charset=utf-8"


def validation_problem():
    return {
        "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        "title": "One or more validation errors occurred.",
        "status": 400,
        "traceId": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
        "errors": {"Tags": ["Tag 'Web' is invalid."], "UsesRemaining": ["Must be -1 or more.", "Too big."]},
    }


def test_validation_errors_parsed():
    error = ProblemDetailsError.from_response(
        "POST", "/org/x/enrolment-keys", 400, PROBLEM_JSON, json.dumps(validation_problem())
    )

    assert error.status == 400
    assert error.errors == {"Tags": ["Tag 'Web' is invalid."], "UsesRemaining": ["Must be -1 or more.", "Too big."]}
    assert error.trace_id == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"


def test_validation_message_lists_fields():
    error = ProblemDetailsError.from_response(
        "POST", "/org/x/enrolment-keys", 400, PROBLEM_JSON, json.dumps(validation_problem())
    )
    message = str(error)

    assert message.startswith(
        "POST /org/x/enrolment-keys failed with HTTP 400: One or more validation errors occurred."
    )
    assert "Tags: Tag 'Web' is invalid." in message
    assert "UsesRemaining: Must be -1 or more. Too big." in message
    assert message.endswith("Quote traceId 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00 to Enclave support.")


def test_failure_dict_fields():
    problem = validation_problem()
    problem["instance"] = "https://api.enclave.io/problems/instance/4bf92f3577b34da6a3ce929d0e0e4736"
    failure = ProblemDetailsError.from_response("GET", "/p", 400, PROBLEM_JSON, json.dumps(problem)).to_failure()

    assert failure["method"] == "GET"
    assert failure["path"] == "/p"
    assert failure["status"] == 400
    assert failure["title"] == problem["title"]
    assert failure["type"] == problem["type"]
    assert failure["instance"] == problem["instance"]
    assert failure["trace_id"] == problem["traceId"]
    assert failure["errors"]["Tags"] == ["Tag 'Web' is invalid."]


def test_html_body_excerpted():
    body = "<html><head><title>502</title></head><body><h1>Bad   Gateway</h1>" + "x" * 1000 + "</body></html>"
    error = ProblemDetailsError.from_response("GET", "/p", 502, "text/html", body)

    assert error.title is None
    assert error.excerpt.startswith("502 Bad Gateway")
    assert len(error.excerpt) <= EXCERPT_LENGTH + 3
    assert "<h1>" not in str(error)
    assert str(error).startswith("GET /p failed with HTTP 502. Response body: 502 Bad Gateway")


def test_invalid_json_with_json_type_excerpted():
    error = ProblemDetailsError.from_response("GET", "/p", 500, PROBLEM_JSON, '{"title": "Oops", "sta')

    assert error.title is None
    assert error.excerpt == '{"title": "Oops", "sta'


def test_empty_body_gives_status_only():
    error = ProblemDetailsError.from_response("DELETE", "/p", 503, None, "")

    assert str(error) == "DELETE /p failed with HTTP 503."


def test_attempts_reported_after_retries():
    error = ProblemDetailsError.from_response("GET", "/p", 429, None, "", attempts=4)

    assert "Gave up after 4 attempts." in str(error)
    assert error.to_failure()["attempts"] == 4


def test_error_values_that_are_not_lists():
    problem = {"title": "Bad", "status": 400, "errors": {"Name": "Required"}}
    error = ProblemDetailsError.from_response("POST", "/p", 400, PROBLEM_JSON, json.dumps(problem))

    assert error.errors == {"Name": ["Required"]}
