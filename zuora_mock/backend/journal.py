"""The request journal: a bounded ring of what clients sent and what they got, for tests to verify."""

from __future__ import annotations

import fnmatch
import itertools
import marshal
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Exchange(NamedTuple):
    """One answered request, as the pipeline saw it; bodies are kept raw and described only when read.

    Strings, numbers, bytes and tuples of them, so that the journal can keep it marshalled (see Journal).
    """

    time: float
    tenant: str | None
    method: str
    path: str
    query: str
    headers: tuple[tuple[str, str], ...]
    body: Any  # raw bytes (cut), or a description made at record time (forms, multipart parts) as tuples
    status: int | None  # None: the connection was dropped without an answer (fault reset)
    response_type: str  # the response's Content-Type header as sent (its mimetype is taken on read)
    response_body: bytes
    duration_ms: float
    fault: str | None = None

    @property
    def size(self) -> int:
        """Bytes this entry holds on to, for the journal's memory budget."""
        return held_bytes(self.body, self.response_body)


def held_bytes(body: Any, response_body: bytes) -> int:
    """What one exchange keeps: its raw bodies, a flat guess for a described body, and the rest of the row."""
    return (len(body) if type(body) is bytes else 256 if body else 0) + len(response_body) + 512


class Entry(NamedTuple):
    """A journal entry with the id it was given and the bytes it counts against the budget."""

    id: int
    exchange: Exchange
    size: int = 0


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


_TENANT, _BODY, _RESPONSE = (Exchange._fields.index(name) for name in ("tenant", "body", "response_body"))
# A kept row: (id, size, tenant, the exchange's fields marshalled).
Row = tuple[int, int, str | None, bytes]


def _entry(raw: Row) -> Entry:
    return Entry(raw[0], Exchange._make(marshal.loads(raw[3])), raw[1])


class Journal:
    """Oldest-first entries, bounded by count and by bytes; oldest dropped first. size 0 records nothing."""

    def __init__(self, size: int, max_bytes: int) -> None:
        self.size = size
        self.max_bytes = max_bytes
        # Rows of atoms, the fields marshalled to bytes (about 1 us). As nested tuples many stayed
        # tracked (the collector untracks a tuple only once its items are, in an order its passes
        # reshuffle), were promoted and brought on full collections: a 1,000-record batch spent twice
        # as long in them with a full journal. Entry and Exchange are made on read.
        self._entries: deque[Row] = deque()
        self._bytes = 0
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """Recording is off with journal_size 0."""
        return self.size > 0

    def record(self, exchange: Exchange) -> None:
        """Append one exchange, dropping the oldest beyond the count or the byte budget."""
        self.add(tuple(exchange))

    def add(self, fields: tuple[Any, ...]) -> None:
        """record() for the pipeline: the exchange's fields as a plain tuple, in Exchange's order."""
        if not self.enabled:
            return
        size = held_bytes(fields[_BODY], fields[_RESPONSE])
        kept = marshal.dumps(fields)
        entries = self._entries
        with self._lock:
            entries.append((next(self._ids), size, fields[_TENANT], kept))
            self._bytes += size
            while len(entries) > self.size or (self._bytes > self.max_bytes and len(entries) > 1):
                self._bytes -= entries.popleft()[1]

    def entries(self, wanted: JournalFilter) -> tuple[list[Entry], int]:
        """(entries that match, oldest first and cut to `limit` newest, total matching)."""
        with self._lock:
            snapshot = [_entry(raw) for raw in self._entries]
        found = [entry for entry in snapshot if wanted.matches(entry.exchange)]
        total = len(found)
        if wanted.limit is not None:
            found = found[-wanted.limit :] if wanted.limit else []
        return found, total

    def get(self, entry_id: int) -> Entry | None:
        """One entry by id, while it is still kept."""
        with self._lock:
            found = next((raw for raw in self._entries if raw[0] == entry_id), None)
        return _entry(found) if found is not None else None

    def clear(self, tenants: Iterable[str] | None = None) -> int:
        """Forget every entry, or those of some tenants; returns how many were dropped."""
        with self._lock:
            if tenants is None:
                dropped = len(self._entries)
                self._entries.clear()
                self._bytes = 0
                return dropped
            names = set(tenants)
            kept = deque(raw for raw in self._entries if raw[2] not in names)
            dropped = len(self._entries) - len(kept)
            self._entries = kept
            self._bytes = sum(raw[1] for raw in kept)
            return dropped

    def __len__(self) -> int:
        return len(self._entries)
