"""IdempotencyCache within its memory budget: the oldest answered keys go first, keys in flight stay."""

from __future__ import annotations

from zuora_mock.backend.idempotency import ENTRY_OVERHEAD, IdempotencyCache, StoredResponse

BODY = b"x" * 1000
ONE = ENTRY_OVERHEAD + len("k0") + len("/v1/bulk") + len(BODY)


def _answer(cache: IdempotencyCache, key: str) -> None:
    owner = object()
    assert cache.begin(key, "POST", "/v1/bulk", 0.0, owner) is None
    cache.complete(key, owner, StoredResponse(200, BODY, []))


def test_the_oldest_answered_keys_are_forgotten_past_the_budget() -> None:
    cache = IdempotencyCache(86400, max_bytes=3 * ONE)
    in_flight = object()
    assert cache.begin("busy", "POST", "/v1/bulk", 0.0, in_flight) is None
    for n in range(5):
        _answer(cache, f"k{n}")
    assert [cache.holds(f"k{n}", 1.0) for n in range(5)] == [False, False, True, True, True]
    assert cache.holds("busy", 1.0)
    assert len(cache) == 4


def test_expired_keys_give_their_bytes_back() -> None:
    cache = IdempotencyCache(10, max_bytes=2 * ONE)
    _answer(cache, "k0")
    _answer(cache, "k1")
    cache._prune(100.0)
    _answer(cache, "k2")
    _answer(cache, "k3")
    assert [cache.holds(f"k{n}", 1.0) for n in (2, 3)] == [True, True]
