from __future__ import annotations

import pytest
from ansible_collections.enclave.networks.plugins.module_utils._bulk import MAX_BULK_IDS, bulk_count, chunked
from ansible_collections.enclave.networks.plugins.module_utils._errors import EnclaveError


@pytest.mark.parametrize(
    "count, sizes",
    [
        (0, []),
        (1, [1]),
        (200, [200]),
        (201, [200, 1]),
        (450, [200, 200, 50]),
        (1000, [200, 200, 200, 200, 200]),
    ],
)
def test_chunked_sizes(count, sizes):
    ids = ["S{0}".format(number) for number in range(count)]

    chunks = chunked(ids)

    assert [len(chunk) for chunk in chunks] == sizes
    assert [system_id for chunk in chunks for system_id in chunk] == ids


def test_chunked_default_is_api_limit():
    assert MAX_BULK_IDS == 200


def test_chunked_custom_size():
    assert chunked(["A", "B", "C"], size=2) == [["A", "B"], ["C"]]


def test_chunked_rejects_zero_size():
    with pytest.raises(ValueError):
        chunked(["A"], size=0)


def test_bulk_count_reads_field():
    assert bulk_count("PUT", "/org/x/systems/disable", {"systemsUpdated": 3}, "systemsUpdated") == 3


@pytest.mark.parametrize("body", [None, {}, {"systemsUpdated": "3"}, {"systemsUpdated": True}, {"other": 1}, []])
def test_bulk_count_unexpected_body(body):
    with pytest.raises(EnclaveError) as caught:
        bulk_count("PUT", "/org/x/systems/disable", body, "systemsUpdated")

    assert "'systemsUpdated'" in str(caught.value)
    assert caught.value.path == "/org/x/systems/disable"
