"""Idempotency keys: the first response is kept and replayed; one side effect however many retries arrive."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol

from zuora_mock.core.errors import MSG_IDEMPOTENCY_MISMATCH, IdempotencyInProgress, IdempotencyMismatch

# Says nothing of the other tenant's request: the key is all the two callers share.
MSG_IDEMPOTENCY_OTHER_TENANT = "The Idempotency-Key is already in use by another tenant."


@dataclass
class StoredResponse:
    """What is replayed: status, body bytes and the headers that belong to the original response."""

    status: int
    body: bytes
    headers: list[tuple[str, str]]


@dataclass
class _Entry:
    method: str
    url: str
    scope: str
    expires_at: float
    response: StoredResponse | None = None
    owner: object = field(default=None, repr=False)


# What an answered key costs besides its response body (entry, key and URL strings), for the memory budget.
ENTRY_OVERHEAD = 256
DEFAULT_MAX_BYTES = 64 * 1024 * 1024


def _cost(key: str, entry: _Entry) -> int:
    body = entry.response.body if entry.response is not None else b""
    return ENTRY_OVERHEAD + len(key) + len(entry.url) + len(body)


class IdempotencyCache:
    """Keys of one tenant; an entry is in flight until its response is stored.

    Answered keys are kept for `ttl` seconds within a memory budget: past `max_bytes` the oldest go.
    """

    def __init__(self, ttl: float, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.ttl = ttl
        self.max_bytes = max_bytes
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._inserts = 0
        self._bytes = 0

    def begin(
        self, key: str, method: str, url: str, now: float, owner: object, scope: str = ""
    ) -> StoredResponse | None:
        """Reserve the key for this request, or return the response to replay; raise 409/422 as Zuora does.

        `scope` (the entity) is part of what the key is bound to: one entity never replays another's response.
        """
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.expires_at <= now:
                entry = None
            if entry is None:
                self._entries[key] = _Entry(method, url, scope, now + self.ttl, owner=owner)
                self._inserts += 1
                if self._inserts % 256 == 0:
                    self._prune(now)
                return None
            if entry.method != method or entry.url != url or entry.scope != scope:
                raise IdempotencyMismatch(MSG_IDEMPOTENCY_MISMATCH.format(method=entry.method, url=entry.url))
            if entry.response is None:
                raise IdempotencyInProgress()
            return entry.response

    def complete(self, key: str, owner: object, response: StoredResponse) -> None:
        """Store the response of the request that reserved the key."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.owner is owner and entry.response is None:
                entry.response = response
                self._bytes += _cost(key, entry)
                if self._bytes > self.max_bytes:
                    self._evict()

    def abandon(self, key: str, owner: object) -> None:
        """Free a key whose request ended without a response to store."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.owner is owner and entry.response is None:
                del self._entries[key]

    def holds(self, key: str, now: float) -> bool:
        """Whether the key is reserved or answered here and not yet expired."""
        with self._lock:
            entry = self._entries.get(key)
            return entry is not None and entry.expires_at > now

    def _prune(self, now: float) -> None:
        """Forget expired keys (amortised: runs every 256 new keys)."""
        for key in [k for k, e in self._entries.items() if e.expires_at <= now]:
            self._forget(key)

    def _evict(self) -> None:
        """Forget the oldest answered keys until the budget holds again (keys in flight stay)."""
        for key in list(self._entries):
            if self._bytes <= self.max_bytes:
                return
            if self._entries[key].response is not None:
                self._forget(key)

    def _forget(self, key: str) -> None:
        entry = self._entries.pop(key)
        if entry.response is not None:
            self._bytes -= _cost(key, entry)

    def __len__(self) -> int:
        return len(self._entries)


class HasKeys(Protocol):
    """A tenant, as far as key ownership goes: its current cache (a reset replaces it)."""

    idempotency: IdempotencyCache


class KeyOwners:
    """Which tenant holds each key: Zuora answers 422 to "a mismatch of tenant IDs": keys are not shared."""

    def __init__(self) -> None:
        self._owners: dict[str, HasKeys] = {}
        self._lock = threading.Lock()

    def claim(self, key: str, tenant: HasKeys, now: float) -> None:
        """Make the tenant the key's owner, or raise the 422 while another tenant still holds it."""
        with self._lock:
            owner = self._owners.get(key)
            if owner is not None and owner is not tenant and owner.idempotency.holds(key, now):
                raise IdempotencyMismatch(MSG_IDEMPOTENCY_OTHER_TENANT)
            self._owners[key] = tenant
            if len(self._owners) % 256 == 0:
                self._prune(now)

    def _prune(self, now: float) -> None:
        """Forget keys no tenant holds any more (expired, or the tenant was reset)."""
        for key in [k for k, t in self._owners.items() if not t.idempotency.holds(k, now)]:
            del self._owners[key]
