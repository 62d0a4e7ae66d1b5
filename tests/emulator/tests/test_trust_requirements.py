"""Trust requirements: user authentication and public IP settings, usage counts, PATCH and delete."""

from __future__ import annotations

import pytest
from emulator_helpers import assert_problem

NOT_FOUND_TYPE = "https://api.enclave.io/problems/type/trust-requirement-not-found"


def create(api, **body):
    response = api.post("~/trust-requirements", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def public_ip(*conditions):
    return {"configuration": {}, "conditions": list(conditions)}


def test_list_summary(api):
    items = api.get("~/trust-requirements").json()["items"]
    assert len(items) == 1
    assert items[0]["usedInTags"] == 1
    assert items[0]["usedInPolicies"] == 1
    assert "summary" in items[0]
    assert "settings" not in items[0]


def test_detail(api):
    body = api.get("~/trust-requirements/1").json()
    assert body["type"] == "UserAuthentication"
    assert body["settings"] == {
        "configuration": {"authority": "portal"},
        "conditions": [{"claim": "amr", "value": "mfa"}],
    }


def test_create_public_ip(api):
    settings = public_ip(
        {"type": "country", "value": "gb", "isBlocked": "false", "description": "UK"},
        {"type": "ip", "value": "203.0.113.0/24", "isBlocked": "true", "description": None},
    )
    body = create(api, description="UK only", type="publicip", settings=settings)
    assert body["type"] == "PublicIp"
    assert body["settings"]["conditions"][0]["value"] == "GB"
    assert body["usedInTags"] == 0


def test_create_azure(api):
    configuration = {"authority": "azure", "tenantId": "0f0e0d0c-0000-4000-8000-000000000000"}
    body = create(api, description="Azure", type="UserAuthentication", settings={"configuration": configuration})
    assert body["settings"]["conditions"] == []


@pytest.mark.parametrize(
    ("requirement_type", "settings", "field"),
    [
        ("UserAuthentication", {"configuration": {"authority": "myspace"}}, "Settings.configuration.authority"),
        ("UserAuthentication", {"configuration": {"authority": "azure"}}, "Settings.configuration.tenantId"),
        (
            "UserAuthentication",
            {"configuration": {"authority": "oidc", "authorityUri": "http://id.example", "clientId": "c"}},
            "Settings.configuration.authorityUri",
        ),
        (
            "UserAuthentication",
            {"configuration": {"authority": "okta", "authorityUri": "https://x"}},
            "Settings.configuration.clientId",
        ),
        (
            "PublicIp",
            public_ip({"type": "ip", "value": "300.1.1.1", "isBlocked": "true"}),
            "Settings.conditions[0].value",
        ),
        (
            "PublicIp",
            public_ip({"type": "country", "value": "GBR", "isBlocked": "true"}),
            "Settings.conditions[0].value",
        ),
        (
            "PublicIp",
            public_ip({"type": "city", "value": "London", "isBlocked": "true"}),
            "Settings.conditions[0].type",
        ),
        (
            "PublicIp",
            public_ip({"type": "ip", "value": "10.0.0.1", "isBlocked": True}),
            "Settings.conditions[0].isBlocked",
        ),
        (
            "PublicIp",
            public_ip({"type": "ip", "value": "10.0.0.1", "isBlocked": "yes"}),
            "Settings.conditions[0].isBlocked",
        ),
    ],
)
def test_invalid_settings_rejected(api, requirement_type, settings, field):
    body = {"description": "x", "type": requirement_type, "settings": settings}
    assert field in assert_problem(api.post("~/trust-requirements", json=body), 400)["errors"]


def test_missing_fields_rejected(api):
    errors = assert_problem(api.post("~/trust-requirements", json={"description": "x"}), 400)["errors"]
    assert "Type" in errors


def test_patch_settings_keeps_type(api):
    settings = {"configuration": {"authority": "google"}, "conditions": []}
    body = api.patch("~/trust-requirements/1", json={"Settings": settings, "Type": "PublicIp", "Notes": None}).json()
    assert body["type"] == "UserAuthentication"
    assert body["settings"] == settings
    assert body["notes"] is None


def test_search_by_type(api):
    create(api, description="Blocked range", type="PublicIp", settings=public_ip())
    items = api.get("~/trust-requirements", params={"search": "type:publicip"}).json()["items"]
    assert [item["description"] for item in items] == ["Blocked range"]


def test_delete_removes_references(api):
    body = api.delete("~/trust-requirements/1").json()
    assert body["description"] == "Portal sign-in with MFA"
    assert api.get("~/tags/remote-staff").json()["trustRequirements"] == []
    assert api.get("~/policies/1").json()["senderTrustRequirements"] == []
    assert_problem(api.get("~/trust-requirements/1"), 404, NOT_FOUND_TYPE)


def test_bulk_delete(api):
    assert api.delete("~/trust-requirements", json={"requirementIds": [1, 42]}).json() == {"requirementsDeleted": 1}
