"""The custom-object store of one entity (stub: filled in by the custom objects work)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..clock import Clock
from ..domain.fixtures import Seed


class CustomObjectStore:
    """Definitions and records of one entity, guarded by the tenant's lock."""

    def __init__(self, *, clock: Clock, user_id: str, lock: threading.RLock,
                 zuora_object_exists: Callable[[str, str], bool]) -> None:
        self.clock = clock
        self.user_id = user_id
        self.lock = lock
        self.zuora_object_exists = zuora_object_exists

    @classmethod
    def from_seed(cls, seed: Seed, **kwargs) -> CustomObjectStore:
        """Build the store and load the seed definitions and records; raise FixtureError on bad seed data."""
        return cls(**kwargs)

    def close(self) -> None:
        """Nothing runs in the background here."""
