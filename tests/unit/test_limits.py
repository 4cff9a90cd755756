"""RateLimiter windows and ConcurrencyGauge: real counters, resets, the window closest to exhaustion."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from zuora_mock.backend.limits import ConcurrencyGauge, RateLimiter

T0 = 1_800_000_000.0  # a multiple of 86400: every window starts here


def test_counts_down_and_names_every_window():
    limiter = RateLimiter({60: 3, 3600: 100, 86400: 1000})
    state = limiter.hit(T0 + 10)
    assert state.limit_header == "3, 3;w=60, 100;w=3600, 1000;w=86400"
    assert (state.remaining, state.reset, state.exceeded_window) == (2, 50, None)
    assert limiter.peek(T0 + 10).remaining == 2


@pytest.mark.parametrize(
    ("limits", "hits", "window"),
    [
        ({60: 2, 3600: 100, 86400: 1000}, 2, "minute"),
        ({60: 100, 3600: 2, 86400: 1000}, 2, "hour"),
        ({60: 100, 3600: 100, 86400: 2}, 2, "day"),
    ],
)
def test_exceeded_window(limits, hits, window):
    limiter = RateLimiter(limits)
    for _ in range(hits):
        assert limiter.hit(T0).exceeded_window is None
    refused = limiter.hit(T0)
    assert refused.exceeded_window == window
    assert refused.remaining == 0
    assert refused.limit_header.startswith("2, ")


def test_refused_requests_do_not_count_and_window_rolls():
    limiter = RateLimiter({60: 1})
    limiter.hit(T0)
    assert limiter.hit(T0 + 30).reset == 30
    assert limiter.hit(T0 + 59.5).exceeded_window == "minute"
    fresh = limiter.hit(T0 + 60)
    assert (fresh.exceeded_window, fresh.remaining, fresh.reset) == (None, 0, 60)


def test_header_reports_the_tightest_window():
    limiter = RateLimiter({60: 100, 3600: 10})
    for _ in range(5):
        state = limiter.hit(T0)
    assert state.limit_header == "10, 100;w=60, 10;w=3600"
    assert (state.remaining, state.reset) == (5, 3600)


def test_concurrent_hits_are_all_counted():
    limiter = RateLimiter({60: 1000})
    with ThreadPoolExecutor(16) as pool:
        states = list(pool.map(lambda _: limiter.hit(T0), range(1200)))
    assert sum(s.exceeded_window is None for s in states) == 1000
    assert limiter.peek(T0).remaining == 0


def test_gauge_acquire_release():
    gauge = ConcurrencyGauge(2)
    assert gauge.acquire() and gauge.acquire()
    assert gauge.remaining == 0
    assert not gauge.acquire()
    gauge.release()
    assert gauge.remaining == 1
    gauge.release()
    gauge.release()  # never below zero in flight
    assert gauge.remaining == 2


def test_gauge_under_threads():
    gauge = ConcurrencyGauge(5)
    barrier = threading.Barrier(20)
    results = []

    def grab(_: int) -> None:
        barrier.wait()
        results.append(gauge.acquire())

    with ThreadPoolExecutor(20) as pool:
        list(pool.map(grab, range(20)))
    assert results.count(True) == 5
    assert gauge.remaining == 0
