"""Enrolled systems: listing, filters, detail, PATCH, enable and disable, revoke and bulk calls."""

from __future__ import annotations

import re

import pytest
from emulator_helpers import assert_problem

DATETIME_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}\+00:00$")
VALIDATION_TYPE = "https://tools.ietf.org/html/rfc9110#section-15.5.1"
DETAIL_FIELDS = [
    "systemId",
    "description",
    "systemType",
    "state",
    "connectedAt",
    "lastSeen",
    "enrolledAt",
    "enrolmentKeyId",
    "enrolmentKeyDescription",
    "enrolmentKeyIsDeleted",
    "isEnabled",
    "connectedFrom",
    "virtualAddress",
    "virtualNetwork",
    "hostname",
    "platformType",
    "osVersion",
    "enclaveVersion",
    "gatewayRoutes",
    "tags",
    "dns",
    "knownSubnets",
    "notes",
    "disconnectedRetentionMinutes",
    "autoExpire",
]


def system_ids(response):
    assert response.status_code == 200, response.text
    return [item["systemId"] for item in response.json()["items"]]


# Listing and filters


def test_list_items_lack_detail_fields(api):
    items = api.get("~/systems").json()["items"]
    assert items
    for item in items:
        assert list(item) == [field for field in DETAIL_FIELDS if field not in ("dns", "knownSubnets", "notes")]


def test_list_hides_disabled_by_default(api):
    assert "OL9DB" not in system_ids(api.get("~/systems"))


@pytest.mark.parametrize("value", ["true", "True", "TRUE"])
def test_include_disabled_true(api, value):
    assert "OL9DB" in system_ids(api.get("~/systems", params={"include_disabled": value}))


def test_include_disabled_false(api):
    assert "OL9DB" not in system_ids(api.get("~/systems", params={"include_disabled": "False"}))


def test_include_disabled_invalid(api):
    body = assert_problem(api.get("~/systems", params={"include_disabled": "yes"}), 400, VALIDATION_TYPE)
    assert "include_disabled" in body["errors"]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("WEB SERVER", {"K5Y9F", "Q1BCD"}),
        ("k5y9f", {"K5Y9F"}),
        ("john-laptop", {"488Q"}),
        ("tags:web,prod", {"K5Y9F", "Q1BCD", "WN2AP"}),
        ("tags:|db,gateway", {"DB7RX", "GW3TQ"}),
        ("tags: laptop", {"MC8AL", "MC3BB", "LT6SW"}),
        ("state:disconnected", {"488Q", "DV4KM", "MC3BB"}),
        ("os:Mac", {"MC8AL", "MC3BB"}),
        ("os:windows state:connected", {"WN2AP", "LT6SW"}),
        ("type:ephemeral", {"CI5EP"}),
        ("key:Workstations", {"488Q", "MC8AL", "MC3BB", "LT6SW"}),
        ('key:"ci build agents"', {"CI5EP"}),
        ("gateway:true", {"GW3TQ"}),
        ("version:<2026.6", {"488Q", "DV4KM", "MC3BB"}),
        ('tags:web "web server 2"', {"Q1BCD"}),
        ("tags:web server", {"K5Y9F", "Q1BCD", "WN2AP"}),
    ],
)
def test_search_forms(api, search, expected):
    assert set(system_ids(api.get("~/systems", params={"search": search, "per_page": 200}))) == expected


def test_search_unknown_key_rejected(api):
    body = assert_problem(api.get("~/systems", params={"search": "colour:red"}), 400, VALIDATION_TYPE)
    assert "Search" in body["errors"]


def test_search_bad_value_rejected(api):
    body = assert_problem(api.get("~/systems", params={"search": "state:sleepy"}), 400, VALIDATION_TYPE)
    assert "Search" in body["errors"]


def test_sort_description(api):
    response = api.get("~/systems", params={"sort": "Description", "per_page": 200})
    descriptions = [item["description"].lower() for item in response.json()["items"]]
    assert descriptions == sorted(descriptions)


def test_sort_any_case_and_number(api):
    by_name = system_ids(api.get("~/systems", params={"sort": "description"}))
    by_number = system_ids(api.get("~/systems", params={"sort": "2"}))
    assert by_name == by_number


def test_sort_recently_enrolled_default(api):
    items = api.get("~/systems").json()["items"]
    enrolled = [item["enrolledAt"] for item in items]
    assert enrolled == sorted(enrolled, reverse=True)
    assert items[0]["systemId"] == "CI5EP"


def test_sort_recently_connected(api):
    ids = system_ids(api.get("~/systems", params={"sort": "RecentlyConnected"}))
    assert ids[0] == "CI5EP"
    # Systems without connectedAt come last.
    assert set(ids[-3:]) == {"488Q", "DV4KM", "MC3BB"}


def test_sort_unknown_rejected(api):
    body = assert_problem(api.get("~/systems", params={"sort": "Newest"}), 400, VALIDATION_TYPE)
    assert "sort" in body["errors"]


def test_filter_enrolment_key(api):
    assert set(system_ids(api.get("~/systems", params={"enrolment_key": 3}))) == {"CI5EP"}
    assert_problem(api.get("~/systems", params={"enrolment_key": "three"}), 400)


def test_filter_dns_name(api):
    assert system_ids(api.get("~/systems", params={"dns": "k5y9f.id.enclave"})) == ["K5Y9F"]
    assert system_ids(api.get("~/systems", params={"dns": "K5Y9F.ID.ENCLAVE."})) == ["K5Y9F"]
    assert system_ids(api.get("~/systems", params={"dns": "nothing.id.enclave"})) == []


# Detail


def test_detail_fields_and_formats(api):
    body = api.get("~/systems/K5Y9F").json()
    assert list(body) == DETAIL_FIELDS
    for field in ("connectedAt", "lastSeen", "enrolledAt"):
        assert DATETIME_OFFSET.match(body[field]), body[field]
    assert body["systemType"] == "GeneralPurpose"
    assert body["state"] == "Connected"
    assert body["virtualNetwork"] == "100.64.0.0/10"
    assert body["dns"][0]["fqdn"] == "k5y9f.id.enclave"
    assert body["tags"] == [
        {"tag": "prod", "ref": "ref:8c3d4e5f6a7b4c9d0e1f2a3b4c5d6e7f", "colour": "#ef4444"},
        {"tag": "web", "ref": "ref:5f0c1a2b3c4d4e5f8a9b0c1d2e3f4a5b", "colour": "#3b82f6"},
    ]


def test_documented_example_system(api):
    body = api.get("~/systems/488q").json()
    assert body["systemId"] == "488Q"
    assert body["description"] == "John's Laptop"
    assert body["hostname"] == "JOHN-LAPTOP"
    assert body["lastSeen"] == "2021-03-31T11:31:44.3846701+00:00"
    assert body["enrolmentKeyDescription"] == "Workstations"
    assert [tag["tag"] for tag in body["tags"]] == ["quickstart"]


def test_disabled_system_state(api):
    body = api.get("~/systems/OL9DB").json()
    assert body["isEnabled"] is False
    assert body["state"] == "Disabled"


def test_unknown_system_404_everywhere(api):
    expected = "https://api.enclave.io/problems/type/system-not-found"
    assert_problem(api.get("~/systems/NOPE"), 404, expected)
    assert_problem(api.patch("~/systems/NOPE", json={"description": "x"}), 404, expected)
    assert_problem(api.delete("~/systems/NOPE"), 404, expected)
    assert_problem(api.put("~/systems/NOPE/enable"), 404, expected)
    assert_problem(api.put("~/systems/NOPE/disable"), 404, expected)
    until = {"expiryDateTime": "2027-01-01T00:00:00Z", "expiryAction": "Disable"}
    assert_problem(api.put("~/systems/NOPE/enable-until", json=until), 404, expected)


# PATCH


def test_patch_pascal_case_keys(api):
    response = api.patch("~/systems/K5Y9F", json={"Description": "Front end", "NOTES": "rebuilt", "Tags": ["web"]})
    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "Front end"
    assert body["notes"] == "rebuilt"
    assert [tag["tag"] for tag in body["tags"]] == ["web"]
    assert api.get("~/systems/K5Y9F").json()["description"] == "Front end"


def test_patch_leaves_unsent_fields(api):
    before = api.get("~/systems/DB7RX").json()
    after = api.patch("~/systems/DB7RX", json={"description": "Main DB"}).json()
    assert after["notes"] == before["notes"]
    assert after["tags"] == before["tags"]


def test_patch_null_clears(api):
    body = api.patch("~/systems/DB7RX", json={"notes": None, "description": None}).json()
    assert body["notes"] is None
    assert body["description"] is None


def test_patch_ignores_unknown_properties(api):
    response = api.patch("~/systems/K5Y9F", json={"description": "x", "colour": "red", "systemId": "ZZZ"})
    assert response.status_code == 200
    assert response.json()["systemId"] == "K5Y9F"


def test_patch_tags_replace_and_keep_refs(api):
    ref = api.get("~/systems/K5Y9F").json()["tags"][1]["ref"]
    body = api.patch("~/systems/Q1BCD", json={"tags": ["web", "new-tag.1"]}).json()
    assert body["tags"][0] == {"tag": "web", "ref": ref, "colour": "#3b82f6"}
    assert body["tags"][1]["tag"] == "new-tag.1"
    assert re.fullmatch(r"ref:[0-9a-f]{32}", body["tags"][1]["ref"])
    other = api.patch("~/systems/K5Y9F", json={"tags": ["new-tag.1"]}).json()
    assert other["tags"][0]["ref"] == body["tags"][1]["ref"]


def test_patch_duplicate_tag_rejected(api):
    body = assert_problem(api.patch("~/systems/K5Y9F", json={"tags": ["web", "web"]}), 400, VALIDATION_TYPE)
    assert body["title"] == "One or more validation errors occurred."
    assert body["errors"] == {"Tags": ["The tag 'web' appears more than once."]}


@pytest.mark.parametrize("tag", ["Web", "web_1", "-web", "web-", "a..b", "", "x" * 65])
def test_patch_invalid_tag_rejected(api, tag):
    body = assert_problem(api.patch("~/systems/K5Y9F", json={"tags": [tag]}), 400, VALIDATION_TYPE)
    assert "Tags[0]" in body["errors"]


def test_patch_wrong_types_rejected(api):
    response = api.patch("~/systems/K5Y9F", json={"description": 5, "isEnabled": "yes", "tags": "web"})
    body = assert_problem(response, 400, VALIDATION_TYPE)
    assert set(body["errors"]) == {"Description", "IsEnabled", "Tags"}


def test_patch_gateway_routes(api):
    routes = [{"subnet": "10.30.0.0/16", "weight": 5, "name": "Lab"}, {"Subnet": "192.168.1.0/24"}]
    body = api.patch("~/systems/GW3TQ", json={"GatewayRoutes": routes}).json()
    assert body["gatewayRoutes"] == [
        {"subnet": "10.30.0.0/16", "userEntered": True, "weight": 5, "name": "Lab"},
        {"subnet": "192.168.1.0/24", "userEntered": True, "weight": 0, "name": None},
    ]
    assert api.patch("~/systems/GW3TQ", json={"gatewayRoutes": []}).json()["gatewayRoutes"] == []


def test_patch_gateway_routes_invalid(api):
    duplicate = [{"subnet": "10.30.0.0/16"}, {"subnet": "10.30.0.0/16"}]
    body = assert_problem(api.patch("~/systems/GW3TQ", json={"gatewayRoutes": duplicate}), 400)
    assert "GatewayRoutes" in body["errors"]
    body = assert_problem(api.patch("~/systems/GW3TQ", json={"gatewayRoutes": [{"subnet": "nope"}]}), 400)
    assert "GatewayRoutes[0].Subnet" in body["errors"]


def test_patch_is_enabled(api):
    body = api.patch("~/systems/K5Y9F", json={"IsEnabled": False}).json()
    assert body["isEnabled"] is False
    assert body["state"] == "Disabled"


# Enable, disable, enable-until and revoke


def test_disable_and_enable_idempotent(api):
    first = api.put("~/systems/K5Y9F/disable")
    assert first.status_code == 200
    assert first.json()["state"] == "Disabled"
    second = api.put("~/systems/K5Y9F/disable").json()
    assert second == first.json()
    enabled = api.put("~/systems/K5Y9F/enable").json()
    assert enabled["isEnabled"] is True
    assert enabled["state"] == "Connected"
    assert api.put("~/systems/K5Y9F/enable").json() == enabled


def test_enable_disabled_fixture_system(api):
    body = api.put("~/systems/OL9DB/enable").json()
    assert body["isEnabled"] is True
    assert body["state"] == "Disconnected"
    assert "OL9DB" in system_ids(api.get("~/systems"))


def test_enable_until(api):
    api.put("~/systems/OL9DB/disable")
    until = {
        "timeZoneId": "Europe/London",
        "expiryDateTime": "2027-01-01T09:00:00.0000000+00:00",
        "expiryAction": "delete",
    }
    response = api.put("~/systems/OL9DB/enable-until", json=until)
    assert response.status_code == 200
    body = response.json()
    assert body["isEnabled"] is True
    assert body["autoExpire"] == {
        "timeZoneId": "Europe/London",
        "expiryDateTime": "2027-01-01T09:00:00.0000000Z",
        "expiryAction": "Delete",
    }
    assert api.get("~/systems/OL9DB").json()["autoExpire"] == body["autoExpire"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"expiryDateTime": "next tuesday", "expiryAction": "Disable"}, "ExpiryDateTime"),
        ({"expiryDateTime": "2027-01-01T00:00:00Z", "expiryAction": "Explode"}, "ExpiryAction"),
        ({"expiryAction": "Disable"}, "ExpiryDateTime"),
        ({"expiryDateTime": "2027-01-01T00:00:00Z"}, "ExpiryAction"),
    ],
)
def test_enable_until_invalid(api, body, field):
    problem = assert_problem(api.put("~/systems/K5Y9F/enable-until", json=body), 400, VALIDATION_TYPE)
    assert field in problem["errors"]


def test_revoke_returns_model_then_404(api):
    response = api.delete("~/systems/K5Y9F")
    assert response.status_code == 200
    assert response.json()["systemId"] == "K5Y9F"
    assert list(response.json()) == DETAIL_FIELDS
    assert_problem(api.get("~/systems/K5Y9F"), 404)
    assert "K5Y9F" not in system_ids(api.get("~/systems", params={"include_disabled": "true"}))
    assert api.get("~").json()["enrolledSystems"] == 11


# Bulk


def test_bulk_disable_counts_changes_only(api):
    response = api.put("~/systems/disable", json={"systemIds": ["K5Y9F", "q1bcd", "OL9DB", "NOPE"]})
    assert response.json() == {"systemsUpdated": 2}
    assert api.get("~/systems/Q1BCD").json()["state"] == "Disabled"
    again = api.put("~/systems/disable", json={"SystemIds": ["K5Y9F", "Q1BCD"]})
    assert again.json() == {"systemsUpdated": 0}


def test_bulk_enable(api):
    assert api.put("~/systems/enable", json={"systemIds": ["OL9DB", "K5Y9F"]}).json() == {"systemsUpdated": 1}


def test_bulk_revoke(api):
    response = api.delete("~/systems", json={"systemIds": ["K5Y9F", "Q1BCD", "NOPE", "K5Y9F"]})
    assert response.json() == {"systemsRevoked": 2}
    assert_problem(api.get("~/systems/Q1BCD"), 404)


def test_bulk_over_200_ids_rejected(api):
    ids = [f"S{index:04d}" for index in range(201)]
    for method, path in (("PUT", "~/systems/enable"), ("PUT", "~/systems/disable"), ("DELETE", "~/systems")):
        body = assert_problem(api.request(method, path, json={"systemIds": ids}), 400, VALIDATION_TYPE)
        assert "SystemIds" in body["errors"]


def test_bulk_exactly_200_ids_accepted(api):
    ids = [f"S{index:04d}" for index in range(199)] + ["K5Y9F"]
    assert api.put("~/systems/disable", json={"systemIds": ids}).json() == {"systemsUpdated": 1}


def test_bulk_body_errors(api):
    assert "SystemIds" in assert_problem(api.put("~/systems/disable", json={}), 400)["errors"]
    assert "SystemIds[0]" in assert_problem(api.put("~/systems/disable", json={"systemIds": [5]}), 400)["errors"]
