"""Comparison, lookup and diff helpers of the tag, policy, DNS and trust requirement modules."""

from __future__ import annotations

import pytest
from ansible_collections.enclave.networks.plugins.module_utils._auto_expire import enable_action
from ansible_collections.enclave.networks.plugins.module_utils._diff import changed_fields_diff
from ansible_collections.enclave.networks.plugins.module_utils._dns import normalise_record_name, record_fqdn
from ansible_collections.enclave.networks.plugins.module_utils._errors import EnclaveError
from ansible_collections.enclave.networks.plugins.module_utils._lookup import unique_match
from ansible_collections.enclave.networks.plugins.module_utils._policies import (
    PolicyRequest,
    canonical_ports,
    same_value,
)
from ansible_collections.enclave.networks.plugins.module_utils._tags import check_tag_name, unique_names
from ansible_collections.enclave.networks.plugins.module_utils._trust_requirements import same_settings

EXPIRY = {"timeZoneId": None, "expiryDateTime": "2030-01-01T00:00:00Z", "expiryAction": "Disable"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("443", "443"),
        (" 443 ", "443"),
        ("8000-8100", "8000 - 8100"),
        ("8000 - 8100", "8000 - 8100"),
        ("1-65535", "1 - 65535"),
        ("0", None),
        ("65536", None),
        ("9000-8000", None),
        ("http", None),
        ("", None),
    ],
)
def test_canonical_ports(text, expected):
    assert canonical_ports(text) == expected


def test_acls_equal_after_port_normalising():
    desired = [{"protocol": "Tcp", "ports": "8000 - 8100", "description": None}]
    current = [{"protocol": "Tcp", "ports": "8000-8100", "description": ""}]
    assert same_value("acls", desired, current)


def test_acls_compare_in_order():
    first = {"protocol": "Tcp", "ports": "443", "description": None}
    second = {"protocol": "Udp", "ports": "53", "description": None}
    assert not same_value("acls", [first, second], [second, first])


def test_tags_compare_as_sets():
    current = [{"tag": "web", "ref": "ref:1", "colour": None}, {"tag": "dev", "ref": "ref:2", "colour": None}]
    assert same_value("senderTags", ["dev", "web"], current)
    assert not same_value("senderTags", ["dev"], current)


def test_trust_requirements_compare_ids_as_set():
    current = [{"id": 2, "description": "b", "type": "PublicIp"}, {"id": 1, "description": "a", "type": "PublicIp"}]
    assert same_value("senderTrustRequirements", [1, 2], current)


def test_allowed_ranges_compare_in_canonical_form():
    desired = [{"ipRange": "10.0.0.1 - 10.0.0.9", "description": None}]
    current = [{"ipRange": "10.0.0.1-10.0.0.9", "description": None}]
    assert same_value("gatewayAllowedIpRanges", desired, current)


def test_active_hours_days_compare_as_set():
    desired = {
        "timeZoneId": "UTC",
        "daysOfWeek": ["Monday", "Friday"],
        "startTime": {"hours": 8, "minutes": 0},
        "endTime": {"hours": 17, "minutes": 0},
    }
    current = dict(desired, daysOfWeek=["Friday", "Monday"])
    assert same_value("activeHours", desired, current)
    assert not same_value("activeHours", None, current)


def policy_params(**options):
    params = dict.fromkeys(
        (
            "type",
            "state",
            "description",
            "sender_tags",
            "receiver_tags",
            "acls",
            "trust_requirements",
            "notes",
            "active_hours",
            "gateways",
            "gateway_priority",
            "gateway_allowed_ip_ranges",
            "auto_expire",
        )
    )
    params.update(options)
    return params


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"acls": [{"protocol": "tcp", "ports": None}]}, "acls[0] needs ports"),
        ({"acls": [{"protocol": "icmp", "ports": "80"}]}, "acls[0].ports '80' is invalid with protocol icmp"),
        ({"type": "general", "gateways": [{"system_id": "A", "routes": []}]}, "gateways is invalid"),
        ({"type": "gateway", "receiver_tags": ["web"]}, "receiver_tags is invalid"),
        ({"sender_tags": ["Web"]}, "sender_tags[0] 'Web' is not a valid tag name"),
        ({"active_hours": {"time_zone_id": "UTC", "days": None, "start": None, "end": None}}, "active_hours needs"),
        (
            {"active_hours": {"time_zone_id": "UTC", "days": ["monday"], "start": "25:00", "end": "10:00"}},
            "active_hours.start '25:00' is invalid",
        ),
        ({"gateways": [{"system_id": "A", "routes": ["10.0.0.0/33"]}], "type": "gateway"}, "routes[0] '10.0.0.0/33'"),
    ],
)
def test_policy_request_rejects(options, message):
    with pytest.raises(EnclaveError) as raised:
        PolicyRequest(policy_params(**options))
    assert message in str(raised.value)


def test_policy_request_empty_active_hours_clears():
    hours = {"time_zone_id": None, "days": None, "start": None, "end": None}
    request = PolicyRequest(policy_params(active_hours=hours))
    assert request.fields == {"activeHours": None}


def test_policy_patch_only_differences():
    request = PolicyRequest(policy_params(sender_tags=["dev", "dev"], notes=""))
    current = {"senderTags": [{"tag": "dev"}], "notes": "old"}
    assert request.patch_for(current) == {"notes": None}


@pytest.mark.parametrize(
    ("model", "enabled", "auto_expire", "expected"),
    [
        ({"isEnabled": True}, None, None, None),
        ({"isEnabled": True}, False, None, ("disable", None)),
        ({"isEnabled": False}, True, None, ("enable", None)),
        ({"isEnabled": True, "autoExpire": None}, None, EXPIRY, ("enable-until", EXPIRY)),
        ({"isEnabled": True, "autoExpire": EXPIRY}, True, EXPIRY, None),
        ({"isEnabled": False, "autoExpire": EXPIRY}, True, EXPIRY, ("enable-until", EXPIRY)),
    ],
)
def test_enable_action(model, enabled, auto_expire, expected):
    assert enable_action(model, enabled, auto_expire) == expected


def test_settings_conditions_compare_as_multiset():
    desired = {
        "configuration": {},
        "conditions": [
            {"type": "ip", "value": "10.0.0.1 - 10.0.0.9", "isBlocked": "true", "description": None},
            {"type": "country", "value": "GB", "isBlocked": "false", "description": None},
        ],
    }
    current = {
        "configuration": {},
        "conditions": [
            {"type": "country", "value": "gb", "isBlocked": "false", "description": ""},
            {"type": "ip", "value": "10.0.0.1-10.0.0.9", "isBlocked": "true", "description": None},
        ],
    }
    assert same_settings(desired, current)


def test_settings_configuration_differs():
    desired = {"configuration": {"authority": "google"}, "conditions": []}
    current = {"configuration": {"authority": "portal"}, "conditions": []}
    assert not same_settings(desired, current)


def test_settings_claim_values_keep_case():
    desired = {"configuration": {"authority": "portal"}, "conditions": [{"claim": "amr", "value": "mfa"}]}
    current = {"configuration": {"authority": "portal"}, "conditions": [{"claim": "amr", "value": "MFA"}]}
    assert not same_settings(desired, current)


def test_unique_match_lists_ids():
    with pytest.raises(EnclaveError) as raised:
        unique_match([{"id": 3}, {"id": 7}], "policies", "description", "web")
    assert str(raised.value) == "2 policies have the description 'web' (ids 3, 7). Set id to choose one of them."


def test_unique_match_one_or_none():
    assert unique_match([], "policies", "description", "web") is None
    assert unique_match([{"id": 3}], "policies", "description", "web") == {"id": 3}


def test_diff_on_update_shows_changed_fields():
    diff = changed_fields_diff({"name": "a", "notes": None}, {"name": "b", "notes": None})
    assert diff == {"before": {"name": "a"}, "after": {"name": "b"}}


def test_diff_on_create_shows_everything():
    diff = changed_fields_diff(None, {"name": "a", "notes": None})
    assert diff == {"before": {}, "after": {"name": "a", "notes": None}}


@pytest.mark.parametrize("name", ["web", "eu.prod", "web-servers-01", "a" * 64])
def test_tag_name_accepted(name):
    check_tag_name("name", name)


@pytest.mark.parametrize("name", ["Web", "web_servers", "-web", "web.", "a" * 65, ""])
def test_tag_name_rejected(name):
    with pytest.raises(EnclaveError):
        check_tag_name("name", name)


def test_unique_names_keeps_first_order():
    assert unique_names(["b", "a", "b"]) == ["b", "a"]


def test_record_names():
    assert normalise_record_name("name", " Intranet ") == "intranet"
    assert normalise_record_name("name", "@") == "@"
    assert record_fqdn("@", "corp.example") == "corp.example"
    assert record_fqdn("www", "enclave") == "www.enclave"
    with pytest.raises(EnclaveError):
        normalise_record_name("name", "bad name")
