"""The Emulator façade: settings, clock, fixtures and every tenant of one emulated Zuora."""

from __future__ import annotations

from zuora_mock.backend.limits import RateLimiter
from zuora_mock.backend.state.files import load_state_file
from zuora_mock.backend.tenants import Registry
from zuora_mock.core.clock import Clock
from zuora_mock.core.fixtures import load_fixtures
from zuora_mock.core.settings import Settings


class Emulator:
    """The state behind one app: settings, clock and every tenant; reset re-seeds it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.clock = Clock()
        self.fixtures = load_fixtures(settings.fixtures)
        self.registry = Registry(self.fixtures, self.clock, settings)
        if settings.state:
            load_state_file(self.registry, self.clock, settings.state)
        # Unauthenticated requests still see RateLimit-* headers; they are counted in their own bucket.
        self.anonymous_rate = RateLimiter(
            {60: settings.rate_limit_minute, 3600: settings.rate_limit_hour, 86400: settings.rate_limit_day}
        )
        self.anonymous_auth_rate = RateLimiter({60: settings.auth_rate_limit_minute})

    def auth_rate_for(self, client_id: str) -> RateLimiter:
        """The per-minute token quota a client id counts against: its tenant's, or the anonymous one."""
        tenant = self.registry.tenant_for_client(client_id)
        return tenant.auth_rate if tenant is not None else self.anonymous_auth_rate

    def close(self) -> None:
        """Stop background work (mass action workers) of every tenant."""
        self.registry.close()
