"""The DNS names systems answer to: the dns= filter and the detail model's dns entries."""

from __future__ import annotations

ENTRY_FIELDS = [
    "fqdn",
    "fromZoneId",
    "fromZoneName",
    "fromRecordId",
    "fromRecordName",
    "fromDirectAssignment",
    "tags",
]


def system_ids(api, dns_name):
    response = api.get("~/systems", params={"dns": dns_name, "include_disabled": "true"})
    assert response.status_code == 200, response.text
    return sorted(item["systemId"] for item in response.json()["items"])


def entries_by_fqdn(api, system_id):
    body = api.get(f"~/systems/{system_id}").json()
    return {entry["fqdn"]: entry for entry in body["dns"]}


def test_filter_by_tagged_record(api):
    # The fixture's record intranet has the tag web, which K5Y9F, Q1BCD and WN2AP carry.
    assert system_ids(api, "intranet.enclave") == ["K5Y9F", "Q1BCD", "WN2AP"]


def test_filter_by_assigned_record(api):
    assert system_ids(api, "postgres.enclave") == ["DB7RX"]


def test_filter_any_case_trailing_dot(api):
    assert system_ids(api, "POSTGRES.Enclave.") == ["DB7RX"]


def test_filter_by_system_id_name(api):
    assert system_ids(api, "db7rx.id.enclave") == ["DB7RX"]


def test_filter_unknown_name_empty(api):
    assert system_ids(api, "nothing.enclave") == []


def test_filter_follows_record_changes(api):
    created = api.post("~/dns/records", json={"name": "files", "zoneId": 1, "tags": ["laptop"]}).json()
    assert system_ids(api, "files.enclave") == ["LT6SW", "MC3BB", "MC8AL"]

    api.patch(f"~/dns/records/{created['id']}", json={"Tags": [], "Systems": ["gw3tq"]})
    assert system_ids(api, "files.enclave") == ["GW3TQ"]

    api.delete(f"~/dns/records/{created['id']}")
    assert system_ids(api, "files.enclave") == []


def test_filter_follows_zone_rename(api):
    zone = api.post("~/dns/zones", json={"name": "corp.internal"}).json()
    api.post("~/dns/records", json={"name": "db", "zoneId": zone["id"], "systems": ["DB7RX"]})
    assert system_ids(api, "db.corp.internal") == ["DB7RX"]

    api.patch(f"~/dns/zones/{zone['id']}", json={"Name": "corp.example"})
    assert system_ids(api, "db.corp.internal") == []
    assert system_ids(api, "db.corp.example") == ["DB7RX"]


def test_apex_record_answers_zone_name(api):
    zone = api.post("~/dns/zones", json={"name": "apex.test"}).json()
    api.post("~/dns/records", json={"name": "@", "zoneId": zone["id"], "tags": ["gateway"]})
    assert system_ids(api, "apex.test") == ["GW3TQ"]


def test_detail_keeps_system_id_entry(api):
    body = api.get("~/systems/K5Y9F").json()
    assert body["dns"][0] == {
        "fqdn": "k5y9f.id.enclave",
        "fromZoneId": None,
        "fromZoneName": None,
        "fromRecordId": None,
        "fromRecordName": None,
        "fromDirectAssignment": False,
        "tags": [],
    }


def test_detail_entry_from_tagged_record(api):
    entries = entries_by_fqdn(api, "K5Y9F")
    assert list(entries) == ["k5y9f.id.enclave", "intranet.enclave"]
    entry = entries["intranet.enclave"]
    assert list(entry) == ENTRY_FIELDS
    assert entry["fromZoneId"] == 1
    assert entry["fromZoneName"] == "enclave"
    assert entry["fromRecordId"] == 1
    assert entry["fromRecordName"] == "intranet"
    assert entry["fromDirectAssignment"] is False
    web_tag = api.get("~/tags/web").json()
    assert entry["tags"] == [{"tag": "web", "ref": web_tag["ref"], "colour": web_tag["colour"]}]


def test_detail_entry_from_assigned_record(api):
    entry = entries_by_fqdn(api, "DB7RX")["postgres.enclave"]
    assert entry["fromRecordId"] == 2
    assert entry["fromDirectAssignment"] is True
    assert entry["tags"] == []


def test_detail_entry_assigned_and_tagged(api):
    api.post("~/dns/records", json={"name": "both", "zoneId": 1, "tags": ["db", "web"], "systems": ["DB7RX"]})
    entries = entries_by_fqdn(api, "DB7RX")
    assert list(entries) == ["db7rx.id.enclave", "postgres.enclave", "both.enclave"]
    entry = entries["both.enclave"]
    assert entry["fromDirectAssignment"] is True
    assert [tag["tag"] for tag in entry["tags"]] == ["db"]


def test_detail_without_records_has_id_entry_only(api):
    assert list(entries_by_fqdn(api, "488Q")) == ["488q.id.enclave"]


def test_list_items_have_no_dns(api):
    items = api.get("~/systems", params={"dns": "intranet.enclave"}).json()["items"]
    assert items
    for item in items:
        assert "dns" not in item
