"""Unapproved systems: listing, detail, PATCH, approve and decline, single and bulk."""

from __future__ import annotations

from emulator_helpers import assert_problem

NOT_FOUND_TYPE = "https://api.enclave.io/problems/type/unapproved-system-not-found"
DETAIL_FIELDS = [
    "systemId",
    "systemType",
    "description",
    "enrolledFrom",
    "enrolledAt",
    "tags",
    "enrolmentKeyId",
    "enrolmentKeyDescription",
    "enrolmentKeyIsDeleted",
    "notes",
    "hostname",
    "platformType",
    "osVersion",
    "enclaveVersion",
    "connectedFrom",
]


def unapproved_ids(api, **params):
    response = api.get("~/unapproved-systems", params=params)
    assert response.status_code == 200, response.text
    return [item["systemId"] for item in response.json()["items"]]


def test_list_unapproved(api):
    body = api.get("~/unapproved-systems").json()
    assert body["metadata"]["total"] == 2
    assert [item["systemId"] for item in body["items"]] == ["NW7WB", "KS2WN"]
    for item in body["items"]:
        assert "notes" not in item
        assert "enrolmentKeyIsDeleted" not in item
        assert item["enrolmentKeyDescription"] == "Servers"


def test_list_unapproved_filters(api):
    assert unapproved_ids(api, search="kiosk") == ["KS2WN"]
    assert unapproved_ids(api, search="os:windows") == ["KS2WN"]
    assert unapproved_ids(api, enrolment_key=1) == []
    assert unapproved_ids(api, sort="Description") == ["NW7WB", "KS2WN"]


def test_detail_fields(api):
    body = api.get("~/unapproved-systems/ks2wn").json()
    assert list(body) == DETAIL_FIELDS
    assert body["systemId"] == "KS2WN"
    assert body["enrolledAt"].endswith("Z")


def test_unknown_unapproved_404(api):
    assert_problem(api.get("~/unapproved-systems/NOPE"), 404, NOT_FOUND_TYPE)
    assert_problem(api.patch("~/unapproved-systems/NOPE", json={"notes": "x"}), 404, NOT_FOUND_TYPE)
    assert_problem(api.delete("~/unapproved-systems/NOPE"), 404, NOT_FOUND_TYPE)
    assert_problem(api.put("~/unapproved-systems/NOPE/approve"), 404, NOT_FOUND_TYPE)


def test_enrolled_system_is_not_unapproved(api):
    assert_problem(api.get("~/unapproved-systems/K5Y9F"), 404, NOT_FOUND_TYPE)


def test_patch_unapproved(api):
    response = api.patch("~/unapproved-systems/NW7WB", json={"Description": "Web server 3", "TAGS": ["web", "prod"]})
    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "Web server 3"
    assert [tag["tag"] for tag in body["tags"]] == ["web", "prod"]
    assert body["tags"][0]["ref"] == "ref:5f0c1a2b3c4d4e5f8a9b0c1d2e3f4a5b"


def test_patch_unapproved_invalid_tag(api):
    body = assert_problem(api.patch("~/unapproved-systems/NW7WB", json={"tags": ["Bad Tag"]}), 400)
    assert "Tags[0]" in body["errors"]


def test_approve_moves_system_with_tags(api):
    api.patch("~/unapproved-systems/NW7WB", json={"tags": ["web"], "notes": "approved in test"})
    response = api.put("~/unapproved-systems/NW7WB/approve")
    assert response.status_code == 200
    assert response.json()["systemId"] == "NW7WB"
    assert_problem(api.get("~/unapproved-systems/NW7WB"), 404, NOT_FOUND_TYPE)
    system = api.get("~/systems/NW7WB").json()
    assert system["isEnabled"] is True
    assert system["state"] == "Disconnected"
    assert [tag["tag"] for tag in system["tags"]] == ["web"]
    assert system["notes"] == "approved in test"
    assert system["hostname"] == "web-03"
    assert system["virtualAddress"].startswith("100.")
    org = api.get("~").json()
    assert org["enrolledSystems"] == 13
    assert org["unapprovedSystems"] == 1


def test_approved_addresses_are_unique(api):
    api.put("~/unapproved-systems/approve", json={"systemIds": ["NW7WB", "KS2WN"]})
    items = api.get("~/systems", params={"include_disabled": "true", "per_page": 200}).json()["items"]
    addresses = [item["virtualAddress"] for item in items]
    assert len(addresses) == len(set(addresses))


def test_decline_returns_model_then_404(api):
    response = api.delete("~/unapproved-systems/KS2WN")
    assert response.status_code == 200
    assert list(response.json()) == DETAIL_FIELDS
    assert_problem(api.get("~/unapproved-systems/KS2WN"), 404, NOT_FOUND_TYPE)
    assert_problem(api.get("~/systems/KS2WN"), 404)


def test_bulk_approve(api):
    response = api.put("~/unapproved-systems/approve", json={"systemIds": ["nw7wb", "KS2WN", "NOPE"]})
    assert response.json() == {"systemsApproved": 2}
    assert unapproved_ids(api) == []
    assert api.get("~/systems/KS2WN").status_code == 200
    assert api.put("~/unapproved-systems/approve", json={"systemIds": ["KS2WN"]}).json() == {"systemsApproved": 0}


def test_bulk_decline(api):
    response = api.delete("~/unapproved-systems", json={"systemIds": ["NW7WB", "NOPE"]})
    assert response.json() == {"systemsDeclined": 1}
    assert unapproved_ids(api) == ["KS2WN"]


def test_bulk_over_200_ids_rejected(api):
    ids = [f"U{index:04d}" for index in range(201)]
    assert (
        "SystemIds" in assert_problem(api.put("~/unapproved-systems/approve", json={"systemIds": ids}), 400)["errors"]
    )
    assert "SystemIds" in assert_problem(api.delete("~/unapproved-systems", json={"systemIds": ids}), 400)["errors"]
