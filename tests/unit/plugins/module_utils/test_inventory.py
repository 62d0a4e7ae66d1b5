from __future__ import annotations

import copy

import pytest
from ansible_collections.enclave.networks.plugins.module_utils._errors import EnclaveError
from ansible_collections.enclave.networks.plugins.module_utils._inventory import (
    ALWAYS_SET,
    api_query,
    avoid_reserved_names,
    connect_address,
    default_groups,
    describe_renamed_hosts,
    describe_reserved_hosts,
    host_variables,
    normalise_tags,
    safe_host_name,
    system_filter,
    unique_host_names,
    unique_systems,
)

WEB = {
    "systemId": "K5Y9F",
    "description": "Web server 1",
    "systemType": "GeneralPurpose",
    "state": "Connected",
    "connectedAt": "2026-11-30T06:02:45.1180000+00:00",
    "lastSeen": "2026-12-04T15:58:10.2030000+00:00",
    "enrolledAt": "2025-09-02T08:15:12.4410000+00:00",
    "enrolmentKeyId": 2,
    "enrolmentKeyDescription": "Servers",
    "enrolmentKeyIsDeleted": False,
    "isEnabled": True,
    "connectedFrom": "198.51.100.21",
    "virtualAddress": "100.64.0.10",
    "virtualNetwork": "100.64.0.0/10",
    "hostname": "web-01",
    "platformType": "Linux",
    "osVersion": "Ubuntu 24.04.2 LTS",
    "enclaveVersion": "2026.6.3.2419",
    "gatewayRoutes": [{"subnet": "10.0.0.0/24", "userEntered": True, "weight": 0, "name": None}],
    "tags": [{"tag": "prod", "ref": "ref:1", "colour": None}, {"tag": "eu-west.1", "ref": "ref:2", "colour": "#fff"}],
    "disconnectedRetentionMinutes": None,
    "autoExpire": None,
}
BARE = {"systemId": "CI5EP", "state": "Disconnected", "tags": [], "enclaveVersion": None, "platformType": None}


def test_host_variables_cover_every_field():
    variables = host_variables(WEB)

    assert variables["system_id"] == "K5Y9F"
    assert variables["enabled"] is True
    assert variables["platform"] == "Linux"
    assert variables["agent_version"] == "2026.6.3.2419"
    assert variables["tags"] == ["prod", "eu-west.1"]
    assert variables["enrolment_key_is_deleted"] is False
    assert variables["gateway_routes"] == [{"subnet": "10.0.0.0/24", "user_entered": True, "weight": 0, "name": None}]
    assert variables["dns_name"] == "k5y9f.id.enclave"
    assert set(variables) == set(ALWAYS_SET)


def test_host_variables_fill_missing_fields_with_null():
    variables = host_variables(BARE)

    assert set(variables) == set(ALWAYS_SET)
    assert variables["agent_version"] is None
    assert variables["hostname"] is None
    assert variables["tags"] == []


def test_host_variables_keep_unknown_fields():
    variables = host_variables({"systemId": "A1", "futureField": {"innerValue": 1}})

    assert variables["future_field"] == {"inner_value": 1}


def test_host_variables_read_old_type_field():
    assert host_variables({"systemId": "A1", "type": "Ephemeral"})["system_type"] == "Ephemeral"
    assert host_variables({"systemId": "A1", "type": "X", "systemType": "Ephemeral"})["system_type"] == "Ephemeral"


def test_host_variables_leave_item_unchanged():
    item = copy.deepcopy(WEB)
    variables = host_variables(item)
    variables["gateway_routes"][0]["subnet"] = "changed"
    variables["tags"].append("changed")

    assert item == WEB


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("web-01", "web-01"),
        ("JOHN-LAPTOP", "JOHN-LAPTOP"),
        ("Bob's MacBook Air", "Bob-s-MacBook-Air"),
        ("  padded name  ", "padded-name"),
        ("db:5432,primary", "db-5432-primary"),
        ("Zoë's laptop", "Zoë-s-laptop"),
        ("host.example.com", "host.example.com"),
        ("under_score", "under_score"),
        ("!!!", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_host_name(text, expected):
    assert safe_host_name(text) == expected


@pytest.mark.parametrize(
    ("candidates", "names", "shared", "unnamed"),
    [
        ([("A1", "web"), ("B2", "db")], ["web", "db"], {}, []),
        ([("A1", "web"), ("B2", "web")], ["web_A1", "web_B2"], {"web": ["A1", "B2"]}, []),
        ([("A1", ""), ("B2", "db")], ["A1", "db"], {}, ["A1"]),
        ([("A1", "web"), ("B2", "web"), ("C3", "web_A1")], ["web_A1_2", "web_B2", "web_A1"], {"web": ["A1", "B2"]}, []),
        ([("A1", ""), ("B2", "A1")], ["A1_2", "A1"], {}, ["A1"]),
        ([("A1", "Web"), ("B2", "web")], ["Web", "web"], {}, []),
    ],
    ids=["distinct", "shared", "empty", "disambiguated-taken", "id-taken", "case-differs"],
)
def test_unique_host_names(candidates, names, shared, unnamed):
    result = unique_host_names(candidates)

    assert result == (names, shared, unnamed)
    assert len(set(result[0])) == len(candidates)


def test_renamed_hosts_message_names_them():
    message = describe_renamed_hosts({"web": ["A1", "B2"]}, ["C3"])

    assert "web (A1, B2)" in message
    assert "named by its system id: C3." in message
    assert describe_renamed_hosts({}, []) is None


def test_renamed_hosts_message_is_bounded():
    message = describe_renamed_hosts({}, ["S{0}".format(number) for number in range(500)])

    assert "S19" in message
    assert "S20" not in message
    assert "480 more" in message


@pytest.mark.parametrize(
    ("options", "groups"),
    [
        ({}, ["enclave_tag_prod", "enclave_tag_eu-west.1", "enclave_state_connected", "enclave_platform_linux"]),
        ({"tags": False}, ["enclave_state_connected", "enclave_platform_linux"]),
        ({"states": False}, ["enclave_tag_prod", "enclave_tag_eu-west.1", "enclave_platform_linux"]),
        ({"platforms": False}, ["enclave_tag_prod", "enclave_tag_eu-west.1", "enclave_state_connected"]),
        ({"tags": False, "states": False, "platforms": False}, []),
    ],
)
def test_default_groups(options, groups):
    assert default_groups(WEB, **options) == groups


def test_default_groups_without_tags_or_platform():
    assert default_groups(BARE) == ["enclave_state_disconnected"]


@pytest.mark.parametrize(
    ("options", "query"),
    [
        ({}, {}),
        ({"include_disabled": True}, {"include_disabled": "true"}),
        ({"search": "  web  "}, {"search": "web"}),
        ({"tags": ["web", "prod"]}, {"search": "tags:web,prod"}),
        ({"search": "os:linux", "tags": ["web"]}, {"search": "os:linux tags:web"}),
        ({"enrolment_key": 0}, {"enrolment_key": 0}),
        ({"states": ["connected"]}, {}),
        ({"states": ["connected", "disabled"]}, {"include_disabled": "true"}),
    ],
)
def test_api_query(options, query):
    assert api_query(**options) == query


@pytest.mark.parametrize(
    ("options", "expected_ids"),
    [
        ({}, ["K5Y9F", "CI5EP", "OL9DB"]),
        ({"exclude_tags": ["prod"]}, ["CI5EP", "OL9DB"]),
        ({"exclude_tags": ["eu-west.1", "db"]}, ["CI5EP"]),
        ({"states": ["connected"]}, ["K5Y9F"]),
        ({"states": ["disconnected", "disabled"]}, ["CI5EP", "OL9DB"]),
        ({"platforms": ["LINUX"]}, ["K5Y9F", "OL9DB"]),
        ({"platforms": ["windows"]}, []),
        ({"states": ["disabled"], "platforms": ["linux"], "exclude_tags": ["prod"]}, ["OL9DB"]),
    ],
)
def test_system_filter(options, expected_ids):
    old_db = {"systemId": "OL9DB", "state": "Disabled", "platformType": "Linux", "tags": [{"tag": "db"}]}
    matches = system_filter(**options)

    assert [item["systemId"] for item in (WEB, BARE, old_db) if matches(item)] == expected_ids


@pytest.mark.parametrize("tag", ["Web", "eu-west.1", " prod "])
def test_tags_normalised(tag):
    assert normalise_tags([tag], "tags") == [tag.strip().lower()]


@pytest.mark.parametrize("tag", ["web,prod", "two words", "-web", "web.", "a" * 65, ""])
def test_invalid_tag_named(tag):
    with pytest.raises(EnclaveError) as error:
        normalise_tags([tag], "exclude_tags")

    assert "exclude_tags entry '{0}'".format(tag) in str(error.value)


@pytest.mark.parametrize(
    ("connect_with", "expected"),
    [
        ("virtual_address", "100.64.0.10"),
        ("dns_name", "k5y9f.id.enclave"),
        ("connected_from", "198.51.100.21"),
        ("hostname", "web-01"),
    ],
)
def test_connect_address(connect_with, expected):
    assert connect_address(WEB, connect_with) == expected


@pytest.mark.parametrize("connect_with", ["virtual_address", "connected_from", "hostname"])
def test_connect_address_missing(connect_with):
    assert connect_address(dict(BARE, hostname="  "), connect_with) is None


def test_unique_systems_keeps_first():
    items = [{"systemId": "A1", "n": 1}, {"systemId": "B2"}, {"systemId": "A1", "n": 2}]

    assert unique_systems(items) == [{"systemId": "A1", "n": 1}, {"systemId": "B2"}]


def test_avoid_reserved_names_renames_only_reserved():
    candidates = [("A1", "all"), ("B2", "web-01"), ("C3", "enclave_tag_web")]

    renamed_candidates, renamed = avoid_reserved_names(candidates, {"all", "enclave_tag_web"})

    assert renamed_candidates == [("A1", "all_A1"), ("B2", "web-01"), ("C3", "enclave_tag_web_C3")]
    assert renamed == [("all", "A1"), ("enclave_tag_web", "C3")]
    assert "all (A1)" in describe_reserved_hosts(renamed)
    assert describe_reserved_hosts([]) is None
