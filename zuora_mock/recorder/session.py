"""A recording session: which cassette the next exchange goes to, its number in the session, and the file."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from zuora_mock import __version__
from zuora_mock.recorder import cassette
from zuora_mock.recorder.redact import Redactor

DEFAULT_CASSETTE = "session"
# Host name fragments -> the environment names of the official SDK (ZuoraEnvironment), first match wins.
TENANT_KINDS: tuple[tuple[str, str], ...] = (
    ("apisandbox.", "SBX"),
    (".sandbox.", "SBX"),
    ("rest.test.", "CSBX"),
    ("zuora.com", "PROD"),
    ("127.0.0.1", "local"),
    ("localhost", "local"),
    ("[::1]", "local"),
)


def tenant_kind(upstream: str) -> str:
    """SBX, CSBX, PROD (the SDK's names of Zuora's environments), local or unknown, from the host."""
    host = urlsplit(upstream).netloc.rpartition("@")[2].lower()
    return next((kind for fragment, kind in TENANT_KINDS if fragment in host), "unknown")


def public_url(upstream: str) -> str:
    """The upstream URL without any user:password part, as it is written into cassettes."""
    parts = urlsplit(upstream)
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class RecordingSession:
    """Cassettes of one recording into one directory; every method is thread-safe."""

    def __init__(
        self, directory: Path, *, upstream: str, kind: str | None = None, default_name: str = DEFAULT_CASSETTE
    ) -> None:
        self.directory = directory
        self.upstream = public_url(upstream)
        self.kind = kind or tenant_kind(upstream)
        self.default_name = default_name
        self.redactor = Redactor()
        self.written: list[Path] = []
        self._ordinal = cassette.next_ordinal(directory) if directory.is_dir() else 1
        self._lock = threading.Lock()
        self._seq = 0
        self._current: _Open | None = None
        self._default: _Open | None = None

    @property
    def recorded(self) -> int:
        """How many exchanges this session has recorded."""
        return self._seq

    def begin(self, name: str, case: dict[str, Any] | None = None) -> None:
        """Send the next exchanges to a new cassette (one per test, for the contract suite)."""
        with self._lock:
            self._current = self._new(name, case)

    def end(self, outcome: str | None = None) -> None:
        """Close the current cassette, with the test's outcome; later exchanges go to the session cassette."""
        with self._lock:
            current, self._current = self._current, None
            if current is None:
                return
            if outcome is not None and current.data.get("case") is not None:
                current.data["case"]["outcome"] = outcome
            if current.rendered:
                self._write(current)

    def add(self, exchange: dict[str, Any]) -> None:
        """Redact an exchange, number it and write its cassette."""
        with self._lock:
            self._seq += 1
            exchange = {"seq": self._seq, **self.redactor.redact(exchange)}
            current = self._current
            if current is None:
                if self._default is None:
                    self._default = self._new(self.default_name, None)
                current = self._default
            current.rendered.append(cassette.render_exchange(exchange))
            self._write(current)

    def _new(self, name: str, case: dict[str, Any] | None) -> _Open:
        path = self.directory / cassette.file_name(self._ordinal, name)
        self._ordinal += 1
        data: dict[str, Any] = {
            "version": cassette.CASSETTE_VERSION,
            "name": name,
            "recorded": {
                "at": now_iso(),
                "by": f"zuora-mock {__version__}",
                "upstream": self.upstream,
                "tenantKind": self.kind,
            },
            "case": dict(case) if case is not None else None,
            "exchanges": [],
        }
        return _Open(path, data, [])

    def _write(self, current: _Open) -> None:
        """(Re)write a cassette; a cassette that never got an exchange has no file."""
        cassette.write(current.path, current.data, current.rendered)
        if current.path not in self.written:
            self.written.append(current.path)


@dataclass
class _Open:
    """A cassette being recorded: its file, its head, and its exchanges rendered once each."""

    path: Path
    data: dict[str, Any]
    rendered: list[str]
