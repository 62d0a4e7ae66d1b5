"""``/account/orgs`` and the organisation properties."""

from __future__ import annotations

from emulator_helpers import ACME_ORG, LABS_ORG, MULTI_ORG_TOKEN, NO_ORG_TOKEN, ApiClient, assert_problem


def test_demo_token_sees_one_org(api):
    body = api.get("/account/orgs").json()
    assert body == {"orgs": [{"orgId": ACME_ORG, "orgName": "Acme Networks", "role": "Owner", "partnerAccess": False}]}


def test_multi_org_token_sees_two_orgs(server):
    body = ApiClient(server.url, token=MULTI_ORG_TOKEN).get("/account/orgs").json()
    assert [org["orgId"] for org in body["orgs"]] == [ACME_ORG, LABS_ORG]
    assert [org["orgName"] for org in body["orgs"]] == ["Acme Networks", "Acme Labs"]


def test_no_org_token_sees_none(server):
    response = ApiClient(server.url, token=NO_ORG_TOKEN).get("/account/orgs")
    assert response.status_code == 200
    assert response.json() == {"orgs": []}


def test_get_org_properties(api):
    body = api.get("~").json()
    expected_fields = [
        "id",
        "created",
        "name",
        "plan",
        "billingIsPaidYearly",
        "billingRate",
        "billingDisableUpdate",
        "billingCurrencySymbol",
        "website",
        "phone",
        "maxSystems",
        "enrolledSystems",
        "unapprovedSystems",
        "featureLimits",
        "trialExpiry",
        "trialState",
        "isSuspendedByAdmin",
        "partner",
    ]
    assert list(body) == expected_fields
    assert body["id"] == ACME_ORG
    assert body["name"] == "Acme Networks"
    assert body["enrolledSystems"] == 12
    assert body["unapprovedSystems"] == 2
    assert body["created"].endswith("Z")


def test_patch_org_pascal_case(api):
    response = api.patch("~", json={"Name": "Acme Networks Ltd", "Website": None, "PHONE": "+44 20 7946 0999"})
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Acme Networks Ltd"
    assert body["website"] is None
    assert body["phone"] == "+44 20 7946 0999"
    assert api.get("/account/orgs").json()["orgs"][0]["orgName"] == "Acme Networks Ltd"


def test_patch_org_empty_name_rejected(api):
    body = assert_problem(api.patch("~", json={"name": "  "}), 400)
    assert "Name" in body["errors"]
    body = assert_problem(api.patch("~", json={"name": None}), 400)
    assert "Name" in body["errors"]


def test_patch_org_wrong_type_rejected(api):
    body = assert_problem(api.patch("~", json={"website": 5}), 400)
    assert "Website" in body["errors"]
