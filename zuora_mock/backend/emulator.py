"""The Emulator façade: settings, clock, fixtures, every tenant, the request journal and the fault rules."""

from __future__ import annotations

import random
import threading
from typing import TYPE_CHECKING

from zuora_mock.backend.faults import Faults, load_fault_file
from zuora_mock.backend.journal import Journal
from zuora_mock.backend.limits import RateLimiter, RateLimiterPool, RateState
from zuora_mock.backend.tenants import Registry
from zuora_mock.core.clock import Clock
from zuora_mock.core.fixtures import load_fixtures
from zuora_mock.core.settings import Settings, parse_latency

if TYPE_CHECKING:
    from zuora_mock.backend.persistence import Persistence

# Keys of a token request that names no known client are cut to this length (a client id is 36 characters).
_CLIENT_KEY_LENGTH = 64


class Emulator:
    """The state behind one app: settings, clock and every tenant; reset re-seeds it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock = Clock()
        self.fixtures = load_fixtures(settings.fixtures)
        self.registry = Registry(self.fixtures, self.clock, settings)
        if settings.state:
            # Snapshots (zuora_mock.backend.state) load only when a state file is asked for: faster start-up.
            from zuora_mock.backend.state.files import load_state_file

            load_state_file(self.registry, self.clock, settings.state)
        self.persistence: Persistence | None = None
        if settings.data_dir:
            # Loaded only with a data directory: the in-memory emulator starts as fast as before.
            from zuora_mock.backend.persistence import open_persistence

            self.persistence = open_persistence(settings.data_dir, self.registry, self.clock)
        # Unauthenticated requests still see RateLimit-* headers; they are counted in their own bucket.
        self.anonymous_rate = RateLimiter(
            {
                60: settings.limit("rate_limit_minute"),
                3600: settings.limit("rate_limit_hour"),
                86400: settings.limit("rate_limit_day"),
            }
        )
        # Token requests of client ids no tenant has yet count per client id, never in one shared bucket:
        # one CI job's flood of bad or new client ids must not lock every other job out.
        self.unknown_client_auth = RateLimiterPool({60: settings.limit("auth_rate_limit_minute")})
        ip_limit = settings.limit("auth_ip_rate_limit_minute")
        self.ip_auth = RateLimiterPool({60: ip_limit}) if ip_limit else None
        self.journal = Journal(settings.journal_size, settings.journal_max_bytes)
        self.faults = Faults(settings.fault_seed)
        if settings.faults:
            for spec in load_fault_file(settings.faults):
                self.faults.add(spec)
        self.latency = parse_latency(settings.latency) if settings.latency else None
        self._latency_random = random.Random(settings.fault_seed)
        # Set on close: requests held by latency, delay and timeout faults stop waiting.
        self.closing = threading.Event()

    def auth_rate_for(self, client_id: str) -> RateLimiter:
        """The per-minute token quota a client id counts against: its tenant's, or its own until then."""
        tenant = self.registry.tenant_for_client(client_id)
        if tenant is not None:
            return tenant.auth_rate
        return self.unknown_client_auth.of(client_id[:_CLIENT_KEY_LENGTH])

    def token_quota(self, client_id: str, address: str | None) -> RateState:
        """Count one token request against the caller's IP quota (when on), then its client's quota."""
        now = self.clock.now()
        if self.ip_auth is not None and address:
            by_ip = self.ip_auth.of(address).hit(now)
            if by_ip.exceeded_window:
                return by_ip
        return self.auth_rate_for(client_id).hit(now)

    def latency_seconds(self) -> float:
        """The delay the `latency` setting adds to one Zuora response (0 without it)."""
        if self.latency is None:
            return 0.0
        low, high = self.latency
        return self._latency_random.uniform(low, high) / 1000

    def close(self) -> None:
        """Stop background work (mass action workers) of every tenant and release held requests."""
        self.closing.set()
        persistence, self.persistence = self.persistence, None
        if persistence is not None:
            persistence.close(self.registry, self.clock)
        self.registry.close()

    def persist(self, tenant_name: str | None) -> None:
        """Commit a write before its response leaves: one tenant, or (None) every tenant and the clock."""
        persistence = self.persistence
        if persistence is not None:
            persistence.save(self.registry, self.clock, None if tenant_name is None else [tenant_name])
