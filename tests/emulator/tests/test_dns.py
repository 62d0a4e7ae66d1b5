"""DNS: the default zone, zone create and rename, records with fqdn, unknown systems, zone delete."""

from __future__ import annotations

import pytest
from emulator_helpers import assert_problem

ZONE_NOT_FOUND = "https://api.enclave.io/problems/type/dns-zone-not-found"
RECORD_NOT_FOUND = "https://api.enclave.io/problems/type/dns-record-not-found"
NO_SUCH_SYSTEM = "https://api.enclave.io/problems/type/no-such-system"


def create_zone(api, **body):
    response = api.post("~/dns/zones", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def create_record(api, **body):
    response = api.post("~/dns/records", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_summary(api):
    assert api.get("~/dns").json() == {"zoneCount": 1, "totalRecordCount": 2}


def test_default_zone(api):
    items = api.get("~/dns/zones").json()["items"]
    assert items == [
        {
            "id": 1,
            "name": "enclave",
            "created": "2021-03-30T17:20:45.1230000Z",
            "recordCount": 2,
            "recordTypeCounts": {"ENCLAVE": 2},
        }
    ]
    detail = api.get("~/dns/zones/1").json()
    assert detail["autoDnsTags"] == []
    assert detail["notes"] is None


def test_create_zone(api):
    zone = create_zone(api, name="Internal.Example", notes="Lab", autoDnsTags=["dev"])
    assert zone["name"] == "internal.example"
    assert zone["recordCount"] == 0
    assert [tag["tag"] for tag in zone["autoDnsTags"]] == ["dev"]
    assert api.get("~/tags/dev").json()["dnsZones"] == 1


@pytest.mark.parametrize("name", ["enclave", "bad_name", "-x", ""])
def test_create_zone_rejects_name(api, name):
    body = assert_problem(api.post("~/dns/zones", json={"name": name}), 400)
    assert "Name" in body["errors"]


def test_rename_zone_renames_fqdns(api):
    zone = create_zone(api, name="corp")
    record = create_record(api, name="www", zoneId=zone["id"])
    assert record["fqdn"] == "www.corp"
    api.patch("~/dns/zones/{}".format(zone["id"]), json={"Name": "corp.internal"})
    assert api.get("~/dns/records/{}".format(record["id"])).json()["fqdn"] == "www.corp.internal"


def test_unknown_zone_gives_404(api):
    assert_problem(api.get("~/dns/zones/99"), 404, ZONE_NOT_FOUND)


def test_record_detail(api):
    record = api.get("~/dns/records/2").json()
    assert record["fqdn"] == "postgres.enclave"
    assert record["zoneName"] == "enclave"
    assert record["systems"][0]["id"] == "DB7RX"
    assert record["systems"][0]["state"] == "Connected"
    assert record["notes"] is None


def test_create_record_upper_cases_systems(api):
    record = create_record(api, name="Files", zoneId=1, systems=["k5y9f"], tags=["prod"], notes="n")
    assert record["name"] == "files"
    assert record["type"] == "ENCLAVE"
    assert record["fqdn"] == "files.enclave"
    assert [system["id"] for system in record["systems"]] == ["K5Y9F"]
    assert [tag["tag"] for tag in record["tags"]] == ["prod"]


def test_apex_record(api):
    zone = create_zone(api, name="corp")
    assert create_record(api, name="@", zoneId=zone["id"])["fqdn"] == "corp"


def test_unknown_system_gives_no_such_system(api):
    assert_problem(
        api.post("~/dns/records", json={"name": "x", "zoneId": 1, "systems": ["ZZZZZ"]}), 404, NO_SUCH_SYSTEM
    )
    assert_problem(api.patch("~/dns/records/1", json={"Systems": ["ZZZZZ"]}), 404, NO_SUCH_SYSTEM)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x"}, "ZoneId"),
        ({"name": "x", "zoneId": 99}, "ZoneId"),
        ({"zoneId": 1}, "Name"),
        ({"name": "bad name", "zoneId": 1}, "Name"),
        ({"name": "intranet", "zoneId": 1}, "Name"),
        ({"name": "x", "zoneId": 1, "type": "A"}, "Type"),
        ({"name": "x", "zoneId": 1, "tags": ["Bad"]}, "Tags[0]"),
    ],
)
def test_create_record_validation(api, body, field):
    assert field in assert_problem(api.post("~/dns/records", json=body), 400)["errors"]


def test_patch_record(api):
    body = api.patch("~/dns/records/1", json={"Name": "portal", "Tags": [], "Systems": ["Q1BCD"], "Notes": None}).json()
    assert body["fqdn"] == "portal.enclave"
    assert body["tags"] == []
    assert [system["id"] for system in body["systems"]] == ["Q1BCD"]
    assert body["notes"] is None


def test_list_records_by_zone_and_search(api):
    zone = create_zone(api, name="corp")
    create_record(api, name="intranet", zoneId=zone["id"])
    assert [item["id"] for item in api.get("~/dns/records", params={"zoneId": 1}).json()["items"]] == [1, 2]
    found = api.get("~/dns/records", params={"search": "intranet.corp"}).json()["items"]
    assert [item["zoneName"] for item in found] == ["corp"]
    assert "notes" not in found[0]


def test_delete_zone_removes_records(api):
    zone = create_zone(api, name="corp")
    record = create_record(api, name="www", zoneId=zone["id"])
    deleted = api.delete("~/dns/zones/{}".format(zone["id"])).json()
    assert deleted["recordCount"] == 1
    assert_problem(api.get("~/dns/records/{}".format(record["id"])), 404, RECORD_NOT_FOUND)
    assert api.get("~/dns").json() == {"zoneCount": 1, "totalRecordCount": 2}


def test_delete_records(api):
    assert api.delete("~/dns/records/1").json()["name"] == "intranet"
    assert api.delete("~/dns/records", json={"recordIds": [1, 2]}).json() == {"dnsRecordsDeleted": 1}
