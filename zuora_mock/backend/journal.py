"""The request journal: a bounded ring of what clients sent and what they got, for tests to verify."""

from __future__ import annotations

import fnmatch
import itertools
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Exchange:
    """One answered request, as the pipeline saw it; bodies are kept raw and described only when read."""

    time: float
    tenant: str | None
    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: Any  # raw bytes (cut), or a description made at record time (forms, multipart parts)
    status: int | None  # None: the connection was dropped without an answer (fault reset)
    response_type: str
    response_body: bytes
    duration_ms: float
    fault: str | None = None

    @property
    def size(self) -> int:
        """Bytes this entry holds on to, for the journal's memory budget."""
        body = len(self.body) if isinstance(self.body, bytes | str) else 256 if self.body else 0
        return body + len(self.response_body) + 512


@dataclass(frozen=True, slots=True)
class Entry:
    """A journal entry with the id it was given."""

    id: int
    exchange: Exchange


@dataclass(frozen=True, slots=True)
class JournalFilter:
    """What GET /_mock/requests may narrow the journal down to; None matches everything."""

    method: str | None = None
    path: str | None = None
    tenant: str | None = None
    status: int | None = None
    limit: int | None = None
    tenants: frozenset[str] | None = field(default=None)

    def matches(self, exchange: Exchange) -> bool:
        """Whether one exchange passes every filter that is set."""
        if self.method is not None and exchange.method != self.method.upper():
            return False
        if self.path is not None and not path_matches(self.path, exchange.path):
            return False
        if self.tenant is not None and exchange.tenant != self.tenant:
            return False
        if self.tenants is not None and exchange.tenant not in self.tenants:
            return False
        return self.status is None or exchange.status == self.status


def path_matches(pattern: str, path: str) -> bool:
    """An exact path, or a glob where `*` stands for any run of characters (slashes included)."""
    if "*" not in pattern and "?" not in pattern and "[" not in pattern:
        return pattern == path
    return fnmatch.fnmatchcase(path, pattern)


class Journal:
    """Oldest-first entries, bounded by count and by bytes; oldest dropped first. size 0 records nothing."""

    def __init__(self, size: int, max_bytes: int) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._entries: deque[Entry] = deque()
        self._bytes = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """Recording is off with journal_size 0."""
        return self.size > 0

    def record(self, exchange: Exchange) -> None:
        """Append one exchange, dropping the oldest beyond the count or the byte budget."""
        if not self.enabled:
            return
        with self._lock:
            self._entries.append(Entry(next(self._ids), exchange))
            self._bytes += exchange.size
            while len(self._entries) > self.size or (self._bytes > self.max_bytes and len(self._entries) > 1):
                self._bytes -= self._entries.popleft().exchange.size

    def entries(self, wanted: JournalFilter) -> tuple[list[Entry], int]:
        """(entries that match, oldest first and cut to `limit` newest, total matching)."""
        with self._lock:
            snapshot = list(self._entries)
        found = [entry for entry in snapshot if wanted.matches(entry.exchange)]
        total = len(found)
        if wanted.limit is not None:
            found = found[-wanted.limit :] if wanted.limit else []
        return found, total

    def get(self, entry_id: int) -> Entry | None:
        """One entry by id, while it is still kept."""
        with self._lock:
            return next((entry for entry in self._entries if entry.id == entry_id), None)

    def clear(self, tenants: Iterable[str] | None = None) -> int:
        """Forget every entry, or those of some tenants; returns how many were dropped."""
        with self._lock:
            if tenants is None:
                dropped = len(self._entries)
                self._entries.clear()
                self._bytes = 0
                return dropped
            names = set(tenants)
            kept = deque(entry for entry in self._entries if entry.exchange.tenant not in names)
            dropped = len(self._entries) - len(kept)
            self._entries = kept
            self._bytes = sum(entry.exchange.size for entry in kept)
            return dropped

    def __len__(self) -> int:
        return len(self._entries)
