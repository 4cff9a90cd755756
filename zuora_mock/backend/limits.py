"""Per-tenant rate-limit windows and concurrency gauges, computed from real counters."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from zuora_mock.core.errors import MSG_RATE_LIMIT, RateLimited

WINDOW_NAMES = {60: "minute", 3600: "hour", 86400: "day"}


@dataclass(frozen=True)
class RateState:
    """What one request learned from the rate limiter: the headers to send and whether it was refused."""

    limit_header: str
    remaining: int
    reset: int
    exceeded_window: str | None = None

    def refuse_if_exceeded(self) -> None:
        """Raise the 429 Zuora answers once a window is used up, with the seconds until it resets."""
        if self.exceeded_window:
            raise RateLimited(
                MSG_RATE_LIMIT.format(window=self.exceeded_window, seconds=self.reset),
                headers={"Retry-After": str(self.reset)},
            )


class RateLimiter:
    """Fixed windows (minute, hour, day) counted per tenant; unsuccessful requests count too, as in Zuora."""

    def __init__(self, limits: dict[int, int]) -> None:
        self._limits = dict(sorted(limits.items()))
        self._counts = dict.fromkeys(self._limits, 0)
        self._starts = dict.fromkeys(self._limits, 0.0)
        self._lock = threading.Lock()

    def _roll(self, now: float) -> None:
        for window in self._limits:
            start = now - (now % window)
            if start != self._starts[window]:
                self._starts[window], self._counts[window] = start, 0

    def hit(self, now: float) -> RateState:
        """Count one request and report the window closest to exhaustion."""
        with self._lock:
            self._roll(now)
            exceeded = None
            for window, limit in self._limits.items():
                if self._counts[window] >= limit:
                    exceeded = exceeded or window
            if exceeded is None:
                for window in self._limits:
                    self._counts[window] += 1
            return self._state(now, exceeded)

    def peek(self, now: float) -> RateState:
        """The current state without counting a request."""
        with self._lock:
            self._roll(now)
            return self._state(now, None)

    def _state(self, now: float, exceeded: int | None) -> RateState:
        remaining = {w: max(limit - self._counts[w], 0) for w, limit in self._limits.items()}
        tightest = exceeded or min(self._limits, key=lambda w: (remaining[w] / self._limits[w], w))
        parts = [str(self._limits[tightest])] + [f"{limit};w={w}" for w, limit in self._limits.items()]
        reset = int(self._starts[tightest] + tightest - now + 0.999)
        return RateState(
            limit_header=", ".join(parts),
            remaining=remaining[tightest],
            reset=max(reset, 1),
            exceeded_window=WINDOW_NAMES.get(exceeded) if exceeded else None,
        )


class ConcurrencyGauge:
    """Counts the requests of one tenant in flight; refuses beyond the limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._in_flight = 0
        self._lock = threading.Lock()

    def acquire(self) -> bool:
        with self._lock:
            if self._in_flight >= self.limit:
                return False
            self._in_flight += 1
            return True

    def release(self) -> None:
        with self._lock:
            self._in_flight = max(self._in_flight - 1, 0)

    @property
    def remaining(self) -> int:
        return max(self.limit - self._in_flight, 0)


class RateLimiterPool:
    """One RateLimiter per key (client id, IP address) made on first use; the least recent go past `cap`."""

    def __init__(self, limits: dict[int, int], cap: int = 10_000) -> None:
        self._limits = limits
        self._cap = cap
        self._limiters: OrderedDict[str, RateLimiter] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, key: str) -> RateLimiter:
        """The limiter of one key; a key forgotten past the cap starts again from zero."""
        with self._lock:
            limiter = self._limiters.get(key)
            if limiter is None:
                limiter = self._limiters[key] = RateLimiter(self._limits)
                if len(self._limiters) > self._cap:
                    self._limiters.popitem(last=False)
            else:
                self._limiters.move_to_end(key)
            return limiter

    def __len__(self) -> int:
        return len(self._limiters)
