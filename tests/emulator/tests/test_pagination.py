"""The paginated envelope: 0-based pages, per_page limits and absolute links."""

from __future__ import annotations

import urllib.parse

import pytest
from emulator_helpers import ApiClient, assert_problem
from enclave_emulator.generate import generate_fixture
from enclave_emulator.server import EmulatorServer


@pytest.fixture
def big_api():
    server = EmulatorServer(fixture=generate_fixture(systems=450, unapproved=2, seed=1)).start()
    client = ApiClient(server.url)
    yield client
    client.session.close()
    server.stop()


def enabled_count(client):
    return client.get("~/systems", params={"per_page": 1}).json()["metadata"]["total"]


def test_envelope_shape(api):
    body = api.get("~/systems").json()
    assert list(body) == ["metadata", "links", "items"]
    assert list(body["metadata"]) == ["total", "firstPage", "prevPage", "lastPage", "nextPage"]
    assert list(body["links"]) == ["first", "prev", "next", "last"]


def test_total_zero(api):
    body = api.get("~/systems", params={"search": "no-such-system-anywhere"}).json()
    assert body["metadata"] == {"total": 0, "firstPage": 0, "prevPage": None, "lastPage": 0, "nextPage": None}
    assert body["items"] == []
    assert body["links"]["prev"] is None
    assert body["links"]["next"] is None
    assert body["links"]["first"] is not None


def test_exact_multiple_of_per_page(api):
    # The default fixture has 11 enabled systems and 12 in all.
    body = api.get("~/systems", params={"include_disabled": "true", "per_page": 4, "page": 2}).json()
    assert body["metadata"]["total"] == 12
    assert body["metadata"]["lastPage"] == 2
    assert body["metadata"]["nextPage"] is None
    assert body["metadata"]["prevPage"] == 1
    assert len(body["items"]) == 4


def test_pages_cover_every_item_once(big_api):
    seen = []
    page = 0
    while page is not None:
        body = big_api.get("~/systems", params={"per_page": 100, "page": page}).json()
        seen.extend(item["systemId"] for item in body["items"])
        page = body["metadata"]["nextPage"]
    assert len(seen) == enabled_count(big_api)
    assert len(set(seen)) == len(seen)


def test_per_page_clamped_to_200(big_api):
    body = big_api.get("~/systems", params={"per_page": 1000, "include_disabled": "true"}).json()
    assert body["metadata"]["total"] == 450
    assert len(body["items"]) == 200
    assert body["metadata"]["lastPage"] == 2
    assert body["metadata"]["nextPage"] == 1


def test_default_page_size_is_50(big_api):
    body = big_api.get("~/systems").json()
    assert len(body["items"]) == 50


def test_page_past_end(api):
    body = api.get("~/systems", params={"page": 7, "per_page": 5}).json()
    assert body["items"] == []
    assert body["metadata"]["nextPage"] is None
    assert body["metadata"]["lastPage"] == 2
    assert body["links"]["next"] is None


def test_links_absolute_and_repeat_query(api):
    params = {"per_page": 3, "page": 1, "search": "web", "include_disabled": "True"}
    body = api.get("~/systems", params=params).json()
    next_link = body["links"]["next"]
    assert next_link is None or next_link.startswith(api.base_url)
    first = urllib.parse.urlsplit(body["links"]["first"])
    assert f"{first.scheme}://{first.netloc}" == api.base_url
    assert first.path == api.org_path + "/systems"
    query = dict(urllib.parse.parse_qsl(first.query))
    assert query == {"per_page": "3", "page": "0", "search": "web", "include_disabled": "True"}


def test_links_follow_to_every_page(big_api):
    url = big_api.base_url + big_api.org_path + "/systems?per_page=150&sort=Description"
    pages = 0
    while url:
        body = big_api.session.get(url, timeout=10).json()
        pages += 1
        url = body["links"]["next"]
    assert pages == 3


def test_links_use_host_header(api):
    body = api.get("~/systems", headers={"Host": "api.example.test:8443"}).json()
    assert body["links"]["first"].startswith("http://api.example.test:8443/org/")


@pytest.mark.parametrize(
    ("name", "value"),
    [("page", "abc"), ("page", "-1"), ("per_page", "0"), ("per_page", "-5"), ("per_page", "1.5")],
)
def test_invalid_paging_gives_400(api, name, value):
    body = assert_problem(api.get("~/systems", params={name: value}), 400)
    assert name in body["errors"]


def test_enrolment_keys_paginate(api):
    body = api.get("~/enrolment-keys", params={"per_page": 1, "include_disabled": "true"}).json()
    assert body["metadata"]["total"] == 3
    assert body["metadata"]["lastPage"] == 2
    assert len(body["items"]) == 1
