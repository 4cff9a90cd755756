"""The mass-action store of one entity (stub: filled in by the mass actions work)."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from ..clock import Clock
from ..domain.fixtures import Seed


class MassActionStore:
    """Jobs, result files and the billing objects mass actions touch, guarded by the tenant's lock."""

    def __init__(self, *, clock: Clock, user_id: str, user_email: str, lock: threading.RLock,
                 settings: Mapping[str, Any]) -> None:
        self.clock = clock
        self.user_id = user_id
        self.user_email = user_email
        self.lock = lock
        self.settings = settings

    @classmethod
    def from_seed(cls, seed: Seed, **kwargs) -> MassActionStore:
        """Build the store and load the seed billing objects; raise FixtureError on bad seed data."""
        return cls(**kwargs)

    def exists(self, object_type: str, key: str) -> bool:
        """Whether a Zuora (com_zuora) object with this id exists, for custom-object relationships."""
        return False

    def close(self) -> None:
        """Stop background processing of this store's jobs."""
