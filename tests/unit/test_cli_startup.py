"""The CLI pauses the cyclic collector while it starts and gives it back, whatever start-up ends in."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from zuora_mock.cli import _collector_paused, main


@pytest.fixture
def collector() -> Iterator[None]:
    """Restore the test process's collector as it was, start-up's frozen objects included."""
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_paused_during_start_up_and_running_after(collector: None) -> None:
    gc.enable()
    with _collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0


def test_running_after_a_failed_start(collector: None, capsys: pytest.CaptureFixture[str]) -> None:
    gc.enable()
    assert main(["--port", "0", "--set", "token_ttl=soon"]) == 1
    assert gc.isenabled()
    assert "token_ttl" in capsys.readouterr().err


def test_left_off_when_it_was_off(collector: None) -> None:
    gc.disable()
    with _collector_paused():
        pass
    assert not gc.isenabled()
