"""A clock the admin API can move forward, so expiry can be tested without sleeping."""

from __future__ import annotations

import threading
import time


class Clock:
    """Wall-clock time plus an offset that only ever grows."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> float:
        """Move time forward; returns the new offset."""
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += seconds
            return self._offset

    def restore(self, offset: float) -> None:
        """Put the offset back to a saved value (a state snapshot); it may be below the current one."""
        with self._lock:
            self._offset = offset

    @property
    def offset(self) -> float:
        return self._offset
