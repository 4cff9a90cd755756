"""Snapshot files: read one at start-up (--state) with an error that names the file and the problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from zuora_mock.backend.state.load import load_state
from zuora_mock.backend.tenants import Registry
from zuora_mock.core.clock import Clock
from zuora_mock.core.errors import ZuoraError
from zuora_mock.core.settings import ConfigError


def read_state_file(path: str | Path) -> Any:
    """The parsed document of a snapshot file, or a ConfigError naming the file."""
    try:
        return orjson.loads(Path(path).read_bytes())
    except OSError as exc:
        raise ConfigError(f"state file {path}: {exc.strerror or exc}") from None
    except orjson.JSONDecodeError as exc:
        raise ConfigError(f"state file {path}: not JSON ({exc})") from None


def load_state_file(registry: Registry, clock: Clock, path: str | Path) -> list[str]:
    """Replace the state with a snapshot file; a bad file is a ConfigError and the start-up stops."""
    document = read_state_file(path)
    try:
        return load_state(registry, clock, document)
    except ZuoraError as err:
        raise ConfigError(f"state file {path}: {err.message}") from None
