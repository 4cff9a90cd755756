"""The allocator tuning the CLI applies: it takes on Linux with glibc and may be applied again."""

from __future__ import annotations

import sys

import pytest

from zuora_mock.core.memory import tune_malloc


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux-only")
def test_tuning_takes_and_is_idempotent() -> None:
    assert tune_malloc() is True
    assert tune_malloc() is True
