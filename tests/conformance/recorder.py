"""Record what the test suite's apps answer on Zuora's paths, for the session-end conformance check."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, Response, request, request_finished

from tests.conformance.check import Exchange
from tests.conformance.routes import ZUORA_PREFIXES, normalise, served_routes
from zuora_mock.api.context import peek_context

PER_KEY = 12  # exchanges kept per (operation, status): enough variety, a bounded cost


class Recorder:
    """Keeps up to PER_KEY exchanges per operation and status, thread-safe."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, int], list[Exchange]] = {}
        self.seen: dict[tuple[str, int], int] = {}
        self._lock = threading.Lock()

    def add(self, exchange: Exchange) -> None:
        key = (exchange.operation, exchange.status)
        with self._lock:
            self.seen[key] = self.seen.get(key, 0) + 1
            kept = self.kept.setdefault(key, [])
            if len(kept) < PER_KEY:
                kept.append(exchange)

    def exchanges(self) -> list[Exchange]:
        with self._lock:
            return [e for kept in self.kept.values() for e in kept]

    def install(self, app: Flask) -> None:
        """Record each finished response of the app (after compression: what the client receives)."""
        request_finished.connect(self._finished, app, weak=False)

    def _finished(self, sender: Flask, response: Response, **_: Any) -> None:
        operation = _operation()
        if operation is None or response.is_streamed:
            return
        ctx = peek_context()
        if ctx is not None and getattr(ctx, "fault", None) is not None:
            return  # a fault rule's answer is the test's own, not a claim about Zuora
        headers = {name.lower(): value for name, value in response.headers.items()}
        self.add(Exchange(operation, response.status_code, headers, response.get_data(), request.path))


def _operation() -> str | None:
    """The Zuora operation of the current request; None off Zuora's paths and on routes a test installed."""
    if not request.path.startswith(ZUORA_PREFIXES):
        return None
    rule = request.url_rule
    if rule is None:
        return normalise(request.method, request.path)  # a routing miss: the path as sent
    operation = normalise(request.method, rule.rule)
    template = normalise("GET", rule.rule).split(" ", 1)[1]
    if not any(key.split(" ", 1)[1] == template for key in served_routes()):
        return None  # e.g. tests/api/probe.py's /v1/probe/...
    return operation


SESSION = Recorder()
