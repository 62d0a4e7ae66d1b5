from __future__ import annotations

import pytest
from ansible_collections.enclave.networks.plugins.module_utils._case import snake_dict, to_snake


@pytest.mark.parametrize(
    "name, expected",
    [
        ("systemId", "system_id"),
        ("virtualAddress", "virtual_address"),
        ("platformType", "platform_type"),
        ("traceId", "trace_id"),
        ("ipConstraints", "ip_constraints"),
        ("disconnectedRetentionMinutes", "disconnected_retention_minutes"),
        ("Description", "description"),
        ("HTMLBody", "html_body"),
        ("osVersion", "os_version"),
        ("tag", "tag"),
        ("already_snake", "already_snake"),
    ],
)
def test_to_snake(name, expected):
    assert to_snake(name) == expected


def test_snake_dict_converts_nested_keys():
    value = {"systemId": "A", "tags": [{"tag": "web", "ref": "ref:1"}], "autoExpire": {"timeZoneId": None}}

    assert snake_dict(value) == {
        "system_id": "A",
        "tags": [{"tag": "web", "ref": "ref:1"}],
        "auto_expire": {"time_zone_id": None},
    }


def test_snake_dict_keeps_data_keys():
    value = {"recordTypeCounts": {"ENCLAVE": 3}, "zoneName": "enclave"}

    assert snake_dict(value, keep_keys_of={"recordTypeCounts"}) == {
        "record_type_counts": {"ENCLAVE": 3},
        "zone_name": "enclave",
    }


def test_snake_dict_leaves_values_alone():
    assert snake_dict(["camelCase", 1, None]) == ["camelCase", 1, None]
