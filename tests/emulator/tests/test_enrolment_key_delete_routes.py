"""The enrolmentKeyDeleteRoutes fixture switch: an API without the enrolment key DELETE routes."""

from __future__ import annotations

from emulator_helpers import ACME_ORG, LABS_ORG, MULTI_ORG_TOKEN, ApiClient, assert_problem

METHOD_NOT_ALLOWED_TYPE = "https://tools.ietf.org/html/rfc9110#section-15.5.6"


def without_delete_routes(server, org_id=ACME_ORG):
    fixture = server.store.to_fixture()
    for org in fixture["orgs"]:
        if org["id"] == org_id:
            org["enrolmentKeyDeleteRoutes"] = False
    server.load_fixture(fixture)


def test_single_delete_405(server, api):
    without_delete_routes(server)
    response = api.delete("~/enrolment-keys/2")
    body = assert_problem(response, 405, METHOD_NOT_ALLOWED_TYPE)
    assert response.headers["Allow"] == "GET, PATCH"
    assert "DELETE" in body["detail"]
    assert api.get("~/enrolment-keys/2").status_code == 200


def test_single_delete_405_before_404(server, api):
    without_delete_routes(server)
    assert_problem(api.delete("~/enrolment-keys/999"), 405, METHOD_NOT_ALLOWED_TYPE)


def test_bulk_delete_405(server, api):
    without_delete_routes(server)
    response = api.delete("~/enrolment-keys", json={"keyIds": [1, 2]})
    assert_problem(response, 405, METHOD_NOT_ALLOWED_TYPE)
    assert response.headers["Allow"] == "GET, POST"
    body = api.get("~/enrolment-keys", params={"include_disabled": "true"}).json()
    assert sorted(item["id"] for item in body["items"]) == [1, 2, 3]


def test_disable_still_allowed(server, api):
    without_delete_routes(server)
    response = api.put("~/enrolment-keys/2/disable")
    assert response.status_code == 200
    assert response.json()["isEnabled"] is False


def test_switch_is_per_organisation(server):
    without_delete_routes(server, ACME_ORG)
    labs = ApiClient(server.url, token=MULTI_ORG_TOKEN, org_id=LABS_ORG)
    try:
        assert labs.delete("~/enrolment-keys/4").status_code == 200
    finally:
        labs.session.close()


def test_switch_survives_state_dump(server, api):
    without_delete_routes(server)
    dumped = server.store.to_fixture()
    acme = next(org for org in dumped["orgs"] if org["id"] == ACME_ORG)
    assert acme["enrolmentKeyDeleteRoutes"] is False
    assert "enrolmentKeyDeleteRoutes" not in api.get("~").json()


def test_delete_routes_on_by_default(api):
    assert api.delete("~/enrolment-keys/2").status_code == 200
