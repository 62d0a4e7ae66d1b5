"""Query parameter names bind in any case, as ASP.NET Core binds them."""

from __future__ import annotations

import urllib.parse


def get_raw(api, path_and_query):
    """Send a GET with the query string exactly as written, relative to the org path."""
    return api.session.get(api.base_url + api.org_path + path_and_query, timeout=10)


def test_include_disabled_upper_case(api):
    body = get_raw(api, "/systems?INCLUDE_DISABLED=true").json()
    assert body["metadata"]["total"] == 12


def test_search_pascal_case(api):
    body = get_raw(api, "/dns/records?Search=intra").json()
    assert [record["name"] for record in body["items"]] == ["intranet"]


def test_per_page_upper_case(api):
    body = get_raw(api, "/systems?PER_PAGE=1").json()
    assert len(body["items"]) == 1
    assert body["metadata"]["lastPage"] == 10


def test_page_pascal_case(api):
    body = get_raw(api, "/systems?Page=1&per_page=4").json()
    assert body["metadata"]["prevPage"] == 0
    assert body["metadata"]["nextPage"] == 2


def test_zone_id_lower_case(api):
    body = get_raw(api, "/dns/records?zoneid=999").json()
    assert body["metadata"]["total"] == 0
    assert body["items"] == []


def test_sort_and_enrolment_key_any_case(api):
    body = get_raw(api, "/systems?SORT=description&Enrolment_Key=2&per_page=200").json()
    items = body["items"]
    assert items
    assert {item["enrolmentKeyId"] for item in items} == {2}
    descriptions = [item["description"].lower() for item in items]
    assert descriptions == sorted(descriptions)


def test_first_value_wins_across_cases(api):
    body = get_raw(api, "/systems?per_page=4&page=1&PAGE=0").json()
    assert body["metadata"]["prevPage"] == 0


def test_invalid_value_named_as_canonical(api):
    response = get_raw(api, "/systems?PAGE=abc")
    assert response.status_code == 400
    assert "page" in response.json()["errors"]


def test_links_keep_names_as_sent(api):
    body = get_raw(api, "/systems?Page=1&PER_PAGE=4&Sort=Description").json()
    next_link = urllib.parse.urlsplit(body["links"]["next"])
    pairs = urllib.parse.parse_qsl(next_link.query)
    assert pairs == [("Page", "2"), ("PER_PAGE", "4"), ("Sort", "Description")]


def test_links_replace_every_page_casing(api):
    body = get_raw(api, "/systems?page=1&PAGE=3&per_page=4").json()
    first_link = urllib.parse.urlsplit(body["links"]["first"])
    pairs = urllib.parse.parse_qsl(first_link.query)
    assert pairs == [("page", "0"), ("per_page", "4")]


def test_request_log_keeps_query_as_sent(server, api):
    get_raw(api, "/systems?INCLUDE_DISABLED=true&Search=web")
    entry = server.requests()[-1]
    assert entry["query"] == {"INCLUDE_DISABLED": "true", "Search": "web"}
