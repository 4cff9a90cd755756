"""IdempotencyCache with real threads: one owner per key, replay, 409 while in flight, 422 on mismatch,
expiry."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from zuora_mock.backend.idempotency import IdempotencyCache, StoredResponse
from zuora_mock.core.errors import (
    MSG_IDEMPOTENCY_IN_PROGRESS,
    MSG_IDEMPOTENCY_MISMATCH,
    IdempotencyInProgress,
    IdempotencyMismatch,
)

TTL = 86400
OK = StoredResponse(200, b'{"success":true}', [("Zuora-Request-Id", "r-1")])


def test_first_request_reserves_then_replays():
    cache = IdempotencyCache(TTL)
    owner = object()
    assert cache.begin("k", "POST", "/v1/bulk", 0.0, owner) is None
    cache.complete("k", owner, OK)
    assert cache.begin("k", "POST", "/v1/bulk", 1.0, object()) is OK


def test_in_flight_key_is_409():
    cache = IdempotencyCache(TTL)
    cache.begin("k", "POST", "/v1/bulk", 0.0, object())
    with pytest.raises(IdempotencyInProgress) as info:
        cache.begin("k", "POST", "/v1/bulk", 0.0, object())
    assert (info.value.status, info.value.category, info.value.message) == (
        409,
        50,
        MSG_IDEMPOTENCY_IN_PROGRESS,
    )


@pytest.mark.parametrize(
    ("method", "url", "scope"),
    [
        ("PATCH", "/v1/bulk", "e1"),
        ("POST", "/objects/records/default/Vehicle", "e1"),
        ("POST", "/v1/bulk?x=1", "e1"),
        ("POST", "/v1/bulk", "e2"),
    ],
)
def test_other_method_url_or_entity_is_422(method, url, scope):
    cache = IdempotencyCache(TTL)
    owner = object()
    cache.begin("k", "POST", "/v1/bulk", 0.0, owner, scope="e1")
    cache.complete("k", owner, OK)
    with pytest.raises(IdempotencyMismatch) as info:
        cache.begin("k", method, url, 1.0, object(), scope=scope)
    assert (info.value.status, info.value.category) == (422, 30)
    assert info.value.message == MSG_IDEMPOTENCY_MISMATCH.format(method="POST", url="/v1/bulk")


def test_key_expires_after_ttl():
    cache = IdempotencyCache(TTL)
    owner = object()
    cache.begin("k", "POST", "/v1/bulk", 0.0, owner)
    cache.complete("k", owner, OK)
    assert cache.begin("k", "POST", "/v1/bulk", TTL - 0.001, object()) is OK
    assert cache.begin("k", "POST", "/v1/bulk", TTL, object()) is None
    # After expiry it may even be used on another URL.
    assert cache.begin("j", "POST", "/a", 0.0, object()) is None
    assert cache.begin("j", "PATCH", "/b", TTL + 1, object()) is None


def test_abandoned_key_is_free_again_and_only_the_owner_completes():
    cache = IdempotencyCache(TTL)
    owner, stranger = object(), object()
    cache.begin("k", "POST", "/v1/bulk", 0.0, owner)
    cache.complete("k", stranger, OK)
    cache.abandon("k", stranger)
    with pytest.raises(IdempotencyInProgress):
        cache.begin("k", "POST", "/v1/bulk", 0.0, object())
    cache.abandon("k", owner)
    assert cache.begin("k", "POST", "/v1/bulk", 0.0, object()) is None


def test_failures_are_stored_too():
    cache = IdempotencyCache(TTL)
    owner = object()
    failed = StoredResponse(400, b'{"code":71012520}', [])
    cache.begin("k", "POST", "/objects/records/default/V", 0.0, owner)
    cache.complete("k", owner, failed)
    assert cache.begin("k", "POST", "/objects/records/default/V", 0.0, object()) is failed


def test_expired_keys_are_pruned():
    cache = IdempotencyCache(10)
    for n in range(300):
        owner = object()
        cache.begin(f"k{n}", "POST", "/v1/bulk", float(n), owner)
        cache.complete(f"k{n}", owner, OK)
    assert len(cache) < 300


def test_concurrent_retries_have_exactly_one_owner():
    cache = IdempotencyCache(TTL)
    threads = 32
    barrier = threading.Barrier(threads)
    side_effects = []
    outcomes = []
    lock = threading.Lock()

    def retry(n: int) -> None:
        barrier.wait()
        owner = object()
        try:
            replay = cache.begin("k", "POST", "/v1/bulk", 0.0, owner)
        except IdempotencyInProgress:
            result = "409"
        else:
            if replay is None:
                side_effects.append(n)
                cache.complete("k", owner, StoredResponse(200, str(n).encode(), []))
                result = "owner"
            else:
                result = "replay"
        with lock:
            outcomes.append(result)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(retry, range(threads)))
    assert len(side_effects) == 1
    assert outcomes.count("owner") == 1
    assert outcomes.count("409") + outcomes.count("replay") == threads - 1
    assert cache.begin("k", "POST", "/v1/bulk", 0.0, object()).body == str(side_effects[0]).encode()
