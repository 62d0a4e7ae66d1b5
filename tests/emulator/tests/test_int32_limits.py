"""Numbers beyond Int32: 400 in the query and in bodies, and no route match in the path."""

from __future__ import annotations

import pytest
from emulator_helpers import assert_problem

INT32_MAX = 2**31 - 1
GENERIC_NOT_FOUND = "https://tools.ietf.org/html/rfc9110#section-15.5.5"


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("~/systems", "page", "99999999999999999999"),
        ("~/systems", "page", str(INT32_MAX + 1)),
        ("~/systems", "per_page", str(INT32_MAX + 1)),
        ("~/systems", "enrolment_key", "99999999999"),
        ("~/systems", "enrolment_key", str(-(2**31) - 1)),
        ("~/unapproved-systems", "enrolment_key", "99999999999"),
        ("~/dns/records", "zoneId", "99999999999"),
    ],
)
def test_query_beyond_int32_gives_400(api, path, name, value):
    body = assert_problem(api.get(path, params={name: value}), 400)
    assert body["errors"] == {name: [f"The value '{value}' is not valid."]}


def test_query_int32_max_accepted(api):
    response = api.get("~/systems", params={"page": str(INT32_MAX), "enrolment_key": str(INT32_MAX)})
    assert response.status_code == 200, response.text
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "~/enrolment-keys/99999999999"),
        ("PATCH", "~/enrolment-keys/99999999999"),
        ("PUT", "~/enrolment-keys/99999999999/enable"),
        ("GET", "~/policies/2147483648"),
        ("DELETE", "~/policies/-2147483649"),
        ("GET", "~/dns/zones/99999999999"),
        ("GET", "~/dns/records/99999999999"),
        ("GET", "~/trust-requirements/99999999999"),
    ],
)
def test_path_id_beyond_int32_matches_no_route(api, method, path):
    body = assert_problem(api.request(method, path, json={}), 404, GENERIC_NOT_FOUND)
    assert "No API route matches" in body["detail"]


def test_path_id_int32_max_is_entity_not_found(api):
    assert_problem(
        api.get(f"~/enrolment-keys/{INT32_MAX}"),
        404,
        "https://api.enclave.io/problems/type/enrolment-key-not-found",
    )


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("~/enrolment-keys/enable", "KeyIds[0]"),
        ("~/policies/disable", "PolicyIds[0]"),
    ],
)
def test_bulk_id_beyond_int32_gives_400(api, path, field):
    name = field.split("[")[0]
    body = {name[:1].lower() + name[1:]: [INT32_MAX + 1]}
    problem = assert_problem(api.put(path, json=body), 400)
    assert problem["errors"] == {field: ["The JSON value could not be converted to System.Int32."]}


def test_trust_id_beyond_int32_gives_400(api):
    body = {"tag": "edge", "trustRequirements": [INT32_MAX + 1]}
    problem = assert_problem(api.post("~/tags", json=body), 400)
    assert problem["errors"] == {"TrustRequirements[0]": ["The JSON value could not be converted to System.Int32."]}
