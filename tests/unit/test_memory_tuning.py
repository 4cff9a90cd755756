"""Freed heap goes back to the OS after a large request: the trim works on Linux with glibc."""

from __future__ import annotations

import sys

import pytest

from zuora_mock.core.memory import trim


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim is Linux-only")
def test_trim_takes_and_may_run_again() -> None:
    assert trim() is True
    assert trim() is True
