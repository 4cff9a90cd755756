"""The request pool starts two threads and grows one thread per request that finds none idle, to its limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from zuora_mock.server.pool import FIRST_THREADS, GrowingTaskDispatcher

WAIT = 10.0


class Task:
    """A request stand-in: runs until released, says when it started."""

    def __init__(self, release: threading.Event) -> None:
        self.release = release
        self.started = threading.Event()
        self.cancelled = False

    def service(self) -> None:
        self.started.set()
        self.release.wait(WAIT)

    def cancel(self) -> None:
        self.cancelled = True


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.005)


def test_starts_small_and_grows_to_the_limit_as_requests_wait() -> None:
    pool = GrowingTaskDispatcher(5)
    release = threading.Event()
    try:
        assert len(pool.threads) == FIRST_THREADS
        tasks = [Task(release) for _ in range(8)]
        for task in tasks:
            pool.add_task(task)
        wait_until(lambda: sum(task.started.is_set() for task in tasks) == 5)
        assert len(pool.threads) == 5
        assert sum(task.started.is_set() for task in tasks) == 5  # the other three wait their turn
        release.set()
        for task in tasks:
            assert task.started.wait(WAIT)
        assert len(pool.threads) == 5
    finally:
        release.set()
        pool.shutdown()
    assert not pool.threads


def test_one_request_after_another_needs_no_new_thread() -> None:
    pool = GrowingTaskDispatcher(48)
    done = threading.Event()
    done.set()
    try:
        wait_until(lambda: pool.active_count == 0)  # a thread counts as busy until it first waits for work
        for _ in range(50):
            task = Task(done)
            pool.add_task(task)
            assert task.started.wait(WAIT)
        assert len(pool.threads) == FIRST_THREADS
    finally:
        pool.shutdown()


def test_a_pool_of_one_stays_at_one() -> None:
    pool = GrowingTaskDispatcher(1)
    release = threading.Event()
    try:
        tasks = [Task(release) for _ in range(3)]
        for task in tasks:
            pool.add_task(task)
        assert tasks[0].started.wait(WAIT)
        assert len(pool.threads) == 1 and not tasks[1].started.is_set()
    finally:
        release.set()
        pool.shutdown()


def test_no_thread_starts_after_shutdown() -> None:
    pool = GrowingTaskDispatcher(4)
    pool.shutdown()
    task = Task(threading.Event())
    pool.add_task(task)
    assert not pool.threads and not task.started.is_set()
