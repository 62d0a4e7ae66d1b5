"""Time zone ids, country codes and CIDR blocks: which values the emulator accepts and rejects."""

from __future__ import annotations

import pytest
import zoneinfo
from emulator_helpers import assert_problem
from enclave_emulator.countries import COUNTRY_CODES
from enclave_emulator.timezones import WINDOWS_TIME_ZONES

EXPIRY = "2030-01-01T00:00:00Z"


def auto_expire(time_zone_id):
    return {"timeZoneId": time_zone_id, "expiryDateTime": EXPIRY, "expiryAction": "Disable"}


def active_hours(time_zone_id):
    return {
        "timeZoneId": time_zone_id,
        "daysOfWeek": ["Monday"],
        "startTime": {"hours": 8, "minutes": 0},
        "endTime": {"hours": 18, "minutes": 0},
    }


def country_requirement(value):
    condition = {"type": "country", "value": value, "isBlocked": "false", "description": None}
    return {
        "description": "Countries",
        "type": "PublicIp",
        "settings": {"configuration": {}, "conditions": [condition]},
    }


# Time zones


@pytest.mark.parametrize("time_zone_id", ["Mars/Olympus", "europe/london", "GMT standard time", "", "  "])
def test_enable_until_unknown_time_zone(api, time_zone_id):
    response = api.put("~/systems/K5Y9F/enable-until", json=auto_expire(time_zone_id))
    body = assert_problem(response, 400)
    assert list(body["errors"]) == ["TimeZoneId"]
    assert f"'{time_zone_id}' is not a known time zone id" in body["errors"]["TimeZoneId"][0]


def test_enable_until_unknown_zone_changes_nothing(api):
    api.put("~/systems/K5Y9F/enable-until", json=auto_expire("Mars/Olympus"))
    assert api.get("~/systems/K5Y9F").json()["autoExpire"] is None


@pytest.mark.parametrize("time_zone_id", ["Europe/London", "UTC", "America/Argentina/Buenos_Aires", None])
def test_enable_until_iana_or_null_accepted(api, time_zone_id):
    response = api.put("~/policies/1/enable-until", json=auto_expire(time_zone_id))
    assert response.status_code == 200, response.text
    assert response.json()["autoExpire"]["timeZoneId"] == time_zone_id


@pytest.mark.parametrize("time_zone_id", ["GMT Standard Time", "Pacific Standard Time", "AUS Eastern Standard Time"])
def test_windows_time_zone_accepted(api, time_zone_id):
    response = api.put("~/enrolment-keys/2/enable-until", json=auto_expire(time_zone_id))
    assert response.status_code == 200, response.text
    assert response.json()["autoExpire"]["timeZoneId"] == time_zone_id


def test_key_create_unknown_time_zone(api):
    body = {"description": "Temporary", "autoExpire": auto_expire("Mars/Olympus")}
    problem = assert_problem(api.post("~/enrolment-keys", json=body), 400)
    assert list(problem["errors"]) == ["AutoExpire.TimeZoneId"]


def test_active_hours_unknown_time_zone(api):
    body = {"description": "Office hours", "activeHours": active_hours("Mars/Olympus")}
    problem = assert_problem(api.post("~/policies", json=body), 400)
    assert list(problem["errors"]) == ["ActiveHours.TimeZoneId"]


def test_active_hours_patch_unknown_time_zone(api):
    response = api.patch("~/policies/2", json={"ActiveHours": active_hours("Olympus Standard Time")})
    problem = assert_problem(response, 400)
    assert list(problem["errors"]) == ["ActiveHours.TimeZoneId"]
    assert api.get("~/policies/2").json()["activeHours"]["timeZoneId"] == "Europe/London"


def test_active_hours_windows_time_zone(api):
    body = {"description": "Office hours", "activeHours": active_hours("W. Europe Standard Time")}
    response = api.post("~/policies", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["activeHours"]["timeZoneId"] == "W. Europe Standard Time"


def test_windows_table_maps_to_iana_zones():
    known = zoneinfo.available_timezones()
    for windows_id, iana_name in WINDOWS_TIME_ZONES.items():
        assert iana_name in known, windows_id


# Countries


@pytest.mark.parametrize("value", ["XX", "XK", "ZZ", "UK", "GBR", "G"])
def test_unassigned_country_rejected(api, value):
    problem = assert_problem(api.post("~/trust-requirements", json=country_requirement(value)), 400)
    assert list(problem["errors"]) == ["Settings.conditions[0].value"]
    assert (
        f"'{value}' is not an ISO 3166-1 alpha-2 country code" in problem["errors"]["Settings.conditions[0].value"][0]
    )


@pytest.mark.parametrize(("value", "stored"), [("GB", "GB"), ("de", "DE"), ("Us", "US"), ("AQ", "AQ")])
def test_assigned_country_accepted(api, value, stored):
    response = api.post("~/trust-requirements", json=country_requirement(value))
    assert response.status_code == 200, response.text
    assert response.json()["settings"]["conditions"][0]["value"] == stored


def test_country_patch_rejected(api):
    created = api.post("~/trust-requirements", json=country_requirement("FR")).json()
    settings = country_requirement("XX")["settings"]
    response = api.patch(f"~/trust-requirements/{created['id']}", json={"Settings": settings})
    assert_problem(response, 400)
    stored = api.get(f"~/trust-requirements/{created['id']}").json()
    assert stored["settings"]["conditions"][0]["value"] == "FR"


def test_country_list_size():
    assert len(COUNTRY_CODES) == 249
    for code in COUNTRY_CODES:
        assert len(code) == 2
        assert code.isupper()


# CIDR blocks with host bits set are accepted, because the API's parser is unknown.


def test_gateway_route_host_bits_normalised(api):
    route = {"subnet": "10.1.2.3/8", "userEntered": True, "weight": 0, "name": None}
    response = api.patch("~/systems/GW3TQ", json={"GatewayRoutes": [route]})
    assert response.status_code == 200, response.text
    assert [item["subnet"] for item in response.json()["gatewayRoutes"]] == ["10.0.0.0/8"]


def test_policy_gateway_route_host_bits_normalised(api):
    body = {
        "type": "Gateway",
        "description": "Office LAN",
        "senderTags": ["laptop"],
        "gateways": [{"systemId": "GW3TQ", "routes": ["192.168.10.7/24"]}],
        "gatewayTrafficDirection": "Exit",
        "acls": [{"protocol": "Any"}],
    }
    response = api.post("~/policies", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["gateways"][0]["routes"] == ["192.168.10.0/24"]


def test_ip_condition_host_bits_accepted(api):
    condition = {"type": "ip", "value": "10.1.2.3/8", "isBlocked": "false", "description": None}
    body = {"description": "Office", "type": "PublicIp", "settings": {"configuration": {}, "conditions": [condition]}}
    response = api.post("~/trust-requirements", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["settings"]["conditions"][0]["value"] == "10.1.2.3/8"
