"""The progression thread: started by a kick, ended when nothing moves, restarted by the next kick."""

from __future__ import annotations

import threading

from zuora_mock.backend.progression import Progression

WAIT = 5.0


def test_a_kick_starts_the_thread_and_it_ends_when_nothing_moves() -> None:
    ticks: list[int] = []
    done = threading.Event()

    def tick() -> float | None:
        ticks.append(1)
        if len(ticks) < 3:
            return 0.0
        done.set()
        return None

    progression = Progression("test-progression", tick)
    assert progression.thread is None
    progression.kick()
    thread = progression.thread
    assert thread is not None and thread.name == "test-progression" and thread.daemon
    assert done.wait(WAIT)
    thread.join(WAIT)
    assert not thread.is_alive() and progression.thread is None
    assert len(ticks) == 3
    done.clear()
    progression.kick()  # new work after the thread ended: a new thread
    assert done.wait(WAIT)
    progression.close()
    assert len(ticks) == 4


def test_a_kick_during_a_tick_is_not_lost() -> None:
    inside, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def tick() -> float | None:
        calls.append(1)
        if len(calls) == 1:
            inside.set()
            release.wait(WAIT)
        return None  # nothing moves: only the kick made during the first tick brings a second

    progression = Progression("test-progression", tick)
    progression.kick()
    assert inside.wait(WAIT)
    progression.kick()
    release.set()
    thread = progression.thread
    assert thread is not None
    thread.join(WAIT)
    assert len(calls) == 2


def test_close_stops_a_waiting_thread_and_later_kicks_do_nothing() -> None:
    progression = Progression("test-progression", lambda: 60.0)
    progression.kick()
    thread = progression.thread
    assert thread is not None
    progression.close()
    assert not thread.is_alive()
    progression.kick()
    assert progression.thread is None
