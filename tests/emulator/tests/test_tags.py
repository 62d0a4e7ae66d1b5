"""Tags: implicit and permanent tags, counts, create, rename, colour, notes, delete by name or ref."""

from __future__ import annotations

import re

import pytest
from emulator_helpers import assert_problem

NOT_FOUND_TYPE = "https://api.enclave.io/problems/type/tag-not-found"
REF = re.compile(r"^ref:[0-9a-f]{32}$")
DETAIL_FIELDS = [
    "tag",
    "ref",
    "colour",
    "created",
    "lastModified",
    "lastReferenced",
    "systems",
    "keys",
    "policies",
    "dnsZones",
    "dnsRecords",
    "notes",
    "trustRequirements",
]
SUMMARY_FIELDS = ["tag", "ref", "colour", "lastReferenced", "systems", "keys", "policies", "dnsZones", "dnsRecords"]


def tag_names(api, **params):
    response = api.get("~/tags", params=params)
    assert response.status_code == 200, response.text
    return [item["tag"] for item in response.json()["items"]]


def test_list_tags_alphabetical(api):
    names = tag_names(api)
    assert names == ["db", "dev", "gateway", "laptop", "monitoring", "prod", "quickstart", "remote-staff", "web"]


def test_list_item_shape(api):
    item = api.get("~/tags").json()["items"][0]
    assert list(item) == SUMMARY_FIELDS


def test_tag_counts(api):
    web = api.get("~/tags/web").json()
    assert list(web) == DETAIL_FIELDS
    assert web["systems"] == 3
    assert web["policies"] == 2
    assert web["dnsRecords"] == 1
    assert web["keys"] == 0


def test_tag_named_on_system_appears_implicitly(api):
    response = api.patch("~/systems/488Q", json={"Tags": ["quickstart", "kiosk"]})
    assert response.status_code == 200, response.text
    kiosk = api.get("~/tags/kiosk").json()
    assert REF.match(kiosk["ref"])
    assert kiosk["systems"] == 1
    assert "kiosk" in tag_names(api)


def test_unused_implicit_tag_disappears(api):
    response = api.patch("~/systems/488Q", json={"Tags": []})
    assert response.status_code == 200, response.text
    assert "quickstart" not in tag_names(api)
    assert_problem(api.get("~/tags/quickstart"), 404, NOT_FOUND_TYPE)


def test_permanent_tag_stays_when_unused(api):
    monitoring = api.get("~/tags/monitoring").json()
    assert monitoring["systems"] == 0
    assert monitoring["notes"] == "Systems that the monitoring stack scrapes."


def test_create_tag(api):
    response = api.post(
        "~/tags", json={"tag": "edge", "colour": "#123abc", "notes": "Edge nodes", "trustRequirements": [1]}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["tag"] == "edge"
    assert REF.match(body["ref"])
    assert body["colour"] == "#123abc"
    assert body["notes"] == "Edge nodes"
    assert body["trustRequirements"] == [
        {"id": 1, "description": "Portal sign-in with MFA", "type": "UserAuthentication"}
    ]
    assert "edge" in tag_names(api)


@pytest.mark.parametrize("name", ["Web", "web_servers", "-web", "web-", "a" * 65, ""])
def test_create_rejects_invalid_name(api, name):
    body = assert_problem(api.post("~/tags", json={"tag": name}), 400)
    assert "Tag" in body["errors"]


def test_create_rejects_existing_name(api):
    body = assert_problem(api.post("~/tags", json={"tag": "web"}), 400)
    assert "already exists" in body["errors"]["Tag"][0]


def test_create_rejects_bad_colour(api):
    body = assert_problem(api.post("~/tags", json={"tag": "edge", "colour": "blue"}), 400)
    assert "Colour" in body["errors"]


def test_create_rejects_unknown_trust_requirement(api):
    body = assert_problem(api.post("~/tags", json={"tag": "edge", "trustRequirements": [99]}), 400)
    assert "TrustRequirements[0]" in body["errors"]


def test_get_tag_by_ref(api):
    web = api.get("~/tags/web").json()
    assert api.get("~/tags/" + web["ref"]).json()["tag"] == "web"


def test_rename_keeps_ref_and_references(api):
    ref = api.get("~/tags/web").json()["ref"]
    response = api.patch("~/tags/web", json={"Tag": "www"})
    assert response.status_code == 200, response.text
    assert response.json()["ref"] == ref
    assert [tag["tag"] for tag in api.get("~/systems/K5Y9F").json()["tags"]] == ["prod", "www"]
    assert [tag["tag"] for tag in api.get("~/policies/1").json()["receiverTags"]] == ["www"]
    assert_problem(api.get("~/tags/web"), 404, NOT_FOUND_TYPE)


def test_rename_to_existing_name_rejected(api):
    body = assert_problem(api.patch("~/tags/web", json={"Tag": "db"}), 400)
    assert "already exists" in body["errors"]["Tag"][0]


def test_patch_colour_and_notes(api):
    body = api.patch("~/tags/dev", json={"Colour": "#000000", "Notes": "Developers"}).json()
    assert body["colour"] == "#000000"
    assert body["notes"] == "Developers"
    # Other objects show the new colour in their tag references.
    assert api.get("~/systems/DV4KM").json()["tags"][0]["colour"] == "#000000"


def test_patch_unknown_tag_gives_404(api):
    assert_problem(api.patch("~/tags/nothing", json={"Colour": "#000000"}), 404, NOT_FOUND_TYPE)


def test_delete_tag_by_name_removes_references(api):
    response = api.delete("~/tags/laptop")
    assert response.status_code == 200, response.text
    assert response.json()["systems"] == 3
    assert api.get("~/systems/MC3BB").json()["tags"] == []
    assert api.get("~/policies/1").json()["senderTags"] == []
    assert "laptop" not in tag_names(api)


def test_delete_tag_by_ref(api):
    ref = api.get("~/tags/monitoring").json()["ref"]
    assert api.delete("~/tags/" + ref).status_code == 200
    assert "monitoring" not in tag_names(api)


def test_bulk_delete_skips_unknown(api):
    ref = api.get("~/tags/monitoring").json()["ref"]
    response = api.delete("~/tags", json={"tags": ["remote-staff", ref, "nothing"]})
    assert response.json() == {"tagsDeleted": 2}


@pytest.mark.parametrize(
    ("search", "expected"),
    [("mon", ["monitoring"]), ("tag:staff", ["remote-staff"]), ("uses:>5", ["prod", "web"])],
)
def test_search_tags(api, search, expected):
    assert tag_names(api, search=search) == expected


def test_sort_by_referenced_systems(api):
    assert tag_names(api, sort="ReferencedSystems")[:2] == ["prod", "dev"]
