"""EnclaveClient.fetch_all against the emulator, which pages the way the API does."""

from __future__ import annotations

import math
import os
import sys
import threading
import time

import pytest
from ansible_collections.enclave.networks.plugins.module_utils._client import MAX_PAGE_WORKERS, EnclaveClient
from ansible_collections.enclave.networks.plugins.module_utils._errors import EnclaveError, ProblemDetailsError

# ansible-test runs the unit tests without tests/emulator on the path; the emulator is stdlib-only.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "emulator"))

from enclave_emulator.generate import generate_fixture
from enclave_emulator.server import EmulatorServer

TOKEN = "EmulatorDemoToken0123456789012345678901234567890123456789012345"
ORG = "33a606d6b09c4557a01c62cd4c0b405b"
SYSTEMS = "/org/{0}/systems".format(ORG)


@pytest.fixture(scope="module")
def fleet():
    server = EmulatorServer(fixture=generate_fixture(systems=1030, seed=7))
    server.start()
    yield server
    server.stop()


def make_client(server):
    return EnclaveClient(api_token=TOKEN, api_url=server.url, organisation_id=ORG)


def list_requests(server):
    return [entry for entry in server.requests() if entry["path"] == SYSTEMS]


def settled_requests(server, expected):
    """Return the logged requests once ``expected`` have arrived; the emulator logs each one after replying."""
    deadline = time.monotonic() + 5
    while len(server.requests()) < expected and time.monotonic() < deadline:
        time.sleep(0.01)
    return server.requests()


@pytest.mark.parametrize("workers", [1, 2, 4, MAX_PAGE_WORKERS])
def test_fetch_all_matches_paginate(fleet, workers):
    client = make_client(fleet)
    # An explicit sort, the API's default order, marks paginate's requests in the log.
    expected = list(client.paginate(SYSTEMS, {"include_disabled": "true", "sort": "RecentlyEnrolled"}))
    items = client.fetch_all(SYSTEMS, {"include_disabled": "true"}, workers=workers)
    pages = math.ceil(1030 / 200)
    logged = settled_requests(fleet, 2 * pages)

    assert len(expected) == 1030
    assert [item["systemId"] for item in items] == [item["systemId"] for item in expected]
    assert len([entry for entry in logged if entry["path"] == SYSTEMS and "sort" not in entry["query"]]) == pages


def test_fetch_all_sends_query_on_every_page(fleet):
    make_client(fleet).fetch_all(SYSTEMS, {"include_disabled": "true", "search": "tags:web"}, workers=4)
    requests = [entry for entry in list_requests(fleet) if entry["query"].get("search") == "tags:web"]

    assert {entry["query"]["search"] for entry in requests} == {"tags:web"}
    assert {entry["query"]["per_page"] for entry in requests} == {"200"}
    assert sorted(int(entry["query"]["page"]) for entry in requests) == list(range(len(requests)))


def test_fetch_all_single_page_sends_one_request(fleet):
    items = make_client(fleet).fetch_all(SYSTEMS, {"search": "Web server 1"}, workers=4)
    time.sleep(0.2)
    requests = [entry for entry in list_requests(fleet) if entry["query"].get("search") == "Web server 1"]

    assert items
    assert len(requests) == 1


def test_fetch_all_reuses_connections(fleet):
    client = make_client(fleet)
    opened = []
    adapter = client._session.get_adapter(fleet.url + "/")
    original = adapter.poolmanager.connection_from_host

    # Every pool the adapter hands out is recorded, to count the connections it ever created.
    def record(*args, **kwargs):
        pool = original(*args, **kwargs)
        opened.append(pool)
        return pool

    adapter.poolmanager.connection_from_host = record
    for _attempt in range(3):
        client.fetch_all(SYSTEMS, {"include_disabled": "true"}, workers=MAX_PAGE_WORKERS)
    pool = opened[0]

    assert len({id(item) for item in opened}) == 1
    assert pool.num_connections <= MAX_PAGE_WORKERS
    assert pool.pool.maxsize == MAX_PAGE_WORKERS


@pytest.mark.parametrize("workers", [0, MAX_PAGE_WORKERS + 1, "4", True, None])
def test_fetch_all_rejects_worker_count(fleet, workers):
    with pytest.raises(EnclaveError) as error:
        make_client(fleet).fetch_all(SYSTEMS, workers=workers)

    assert repr(workers) in str(error.value)


def test_fetch_all_raises_page_failure(fleet):
    client = make_client(fleet)
    original = client.get
    calls = []
    lock = threading.Lock()

    def failing_get(path, params=None):
        with lock:
            calls.append(params["page"])
        if params["page"] == 2:
            raise ProblemDetailsError("GET", path, 503, title="Service Unavailable")
        return original(path, params=params)

    client.get = failing_get
    with pytest.raises(ProblemDetailsError) as error:
        client.fetch_all(SYSTEMS, {"include_disabled": "true"}, workers=2)

    assert error.value.status == 503
    assert 2 in calls


def test_fetch_all_follows_pages_added_during_read(fleet):
    client = make_client(fleet)
    original = client.get

    # The last page of the first read claims one more page, as when systems enrol during the read.
    def growing_get(path, params=None):
        body = original(path, params=params)
        if params["page"] == 5:
            body["metadata"]["nextPage"] = 6
        return body

    client.get = growing_get
    items = client.fetch_all(SYSTEMS, {"include_disabled": "true"}, workers=3)

    assert len(items) == 1030


def test_fetch_all_stops_on_repeated_next_page(fleet):
    client = make_client(fleet)
    original = client.get

    def looping_get(path, params=None):
        body = original(path, params=params)
        if params["page"] == 5:
            body["metadata"]["nextPage"] = 2
        return body

    client.get = looping_get
    with pytest.raises(EnclaveError) as error:
        client.fetch_all(SYSTEMS, {"include_disabled": "true"}, workers=3)

    assert "nextPage 2" in str(error.value)
