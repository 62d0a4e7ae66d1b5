from __future__ import annotations

import pytest
from ansible_collections.enclave.networks.plugins.module_utils._tags import desired_tags, tag_names


def test_tag_names_from_references_and_plain_names():
    tags = [{"tag": "web", "ref": "ref:1", "colour": "#fff"}, "prod", {"ref": "ref:2"}, None]

    assert tag_names(tags) == ["web", "prod"]


def test_tag_names_of_none():
    assert tag_names(None) == []


@pytest.mark.parametrize(
    "current, tags, purge, expected",
    [
        # Same set: no change, whatever the order or repeats.
        (["web", "prod"], ["prod", "web"], True, None),
        (["web", "prod"], ["prod", "web", "web"], True, None),
        # Purging replaces the set.
        (["web", "prod"], ["web"], True, ["web"]),
        (["web"], [], True, []),
        ([], ["web", "web", "db"], True, ["web", "db"]),
        # Without purging, only additions count.
        (["web", "prod"], ["web"], False, None),
        (["web", "prod"], ["audited"], False, ["web", "prod", "audited"]),
        (["web"], [], False, None),
    ],
)
def test_wanted_tags(current, tags, purge, expected):
    assert desired_tags(current, tags, purge) == expected
