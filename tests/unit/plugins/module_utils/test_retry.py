from __future__ import annotations

import datetime

import pytest
from ansible_collections.enclave.networks.plugins.module_utils._retry import RetryPolicy, parse_retry_after

NOW = datetime.datetime(2026, 3, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0", 0.0),
        ("7", 7.0),
        (" 2.5 ", 2.5),
        ("Sun, 01 Mar 2026 12:00:30 GMT", 30.0),
        ("Sun, 01 Mar 2026 11:59:00 GMT", 0.0),
    ],
)
def test_retry_after_parsed(value, expected):
    assert parse_retry_after(value, now=NOW) == expected


@pytest.mark.parametrize("value", [None, "", "soon", "-3", "nan", "Someday, 99 Foo 2026"])
def test_retry_after_invalid_is_none(value):
    assert parse_retry_after(value, now=NOW) is None


def test_backoff_doubles_within_jitter():
    policy = RetryPolicy(retries=5, max_delay=60, base_delay=1)

    for attempt, ceiling in [(1, 1), (2, 2), (3, 4), (4, 8)]:
        for _repeat in range(50):
            delay = policy.backoff(attempt)
            assert ceiling / 2 <= delay <= ceiling


def test_backoff_capped_by_max_delay():
    policy = RetryPolicy(retries=20, max_delay=3, base_delay=1)

    delays = [policy.backoff(10) for _repeat in range(50)]
    assert max(delays) <= 3
    assert min(delays) >= 1.5


def test_backoff_is_jittered():
    policy = RetryPolicy(retries=5, max_delay=60, base_delay=1)

    assert len({policy.backoff(3) for _repeat in range(20)}) > 1


def test_status_delay_prefers_retry_after():
    policy = RetryPolicy(retries=5, max_delay=60, base_delay=1)

    assert policy.delay_after_status(1, 12.0) == 12.0


def test_status_delay_gives_up_past_max_delay():
    policy = RetryPolicy(retries=5, max_delay=10, base_delay=1)

    assert policy.delay_after_status(1, 11.0) is None


def test_status_delay_without_header_backs_off():
    policy = RetryPolicy(retries=5, max_delay=60, base_delay=4)

    assert 2 <= policy.delay_after_status(1, None) <= 4


def test_max_attempts_counts_first_try():
    assert RetryPolicy(retries=0).max_attempts == 1
    assert RetryPolicy(retries=5).max_attempts == 6
