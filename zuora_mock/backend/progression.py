"""The background thread of a store's time progression: started when work arrives, gone when nothing moves."""

from __future__ import annotations

import threading
from collections.abc import Callable

JOIN_SECONDS = 2.0


class Progression:
    """Runs `tick` on a daemon thread until it answers None (nothing moves); `kick` starts or wakes it.

    `tick` returns the seconds until it should run again. A kick that lands while a tick runs is not lost: the
    thread runs another tick at once instead of sleeping or ending.
    """

    def __init__(self, name: str, tick: Callable[[], float | None]) -> None:
        self._name = name
        self._tick = tick
        self._wake = threading.Condition(threading.Lock())
        self._thread: threading.Thread | None = None
        self._kicked = False
        self._closed = False

    @property
    def thread(self) -> threading.Thread | None:
        """The thread while one runs (tests watch it end)."""
        return self._thread

    def kick(self) -> None:
        """Work was added or changed: tick soon, starting the thread when none runs."""
        with self._wake:
            if self._closed:
                return
            self._kicked = True
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._wake.notify()

    def close(self) -> None:
        """Stop ticking for good and wait briefly for the thread (never for itself: a tick may close)."""
        with self._wake:
            self._closed = True
            self._wake.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=JOIN_SECONDS)

    def _run(self) -> None:
        while True:
            with self._wake:
                if self._closed:
                    self._thread = None
                    return
                self._kicked = False
            wait = self._tick()
            with self._wake:
                if self._closed or (wait is None and not self._kicked):
                    self._thread = None
                    return
                if not self._kicked:
                    self._wake.wait(timeout=wait)
