"""What the pipeline learns about one request, typed and in one place instead of loose flask.g attributes."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g, request

from zuora_mock.api.families import Family, family_for_path
from zuora_mock.backend.emulator import Emulator
from zuora_mock.backend.faults import FaultRule
from zuora_mock.backend.idempotency import IdempotencyCache
from zuora_mock.backend.limits import ConcurrencyGauge, RateState
from zuora_mock.backend.massactions.jobs import JobFailure
from zuora_mock.backend.tenants import EntityData, Tenant, Token
from zuora_mock.core import ids

# Where create_app keeps the Emulator of an app.
EXTENSION_KEY = "zuora_mock"
_CONTEXT_KEY = "zuora_mock_context"
MSG_NO_ENTITY = "the pipeline selects an entity before a tenant's view runs"


@dataclass(frozen=True)
class PendingKey:
    """An idempotency key this request reserved: its response is stored, or the key freed, when it ends."""

    cache: IdempotencyCache
    key: str
    owner: object


@dataclass
class RequestContext:
    """One request as the pipeline knows it; the optional fields are filled as each check passes."""

    request_id: str
    family: Family
    track_id: str | None = None
    token: Token | None = None
    tenant: Tenant | None = None
    rate: RateState | None = None
    entity_id: str | None = None
    data: EntityData | None = None
    slot: ConcurrencyGauge | None = None
    idempotency: PendingKey | None = None
    replayed: bool = False
    auth_rate: RateState | None = None
    # The request journal and fault rules (api.testdouble): start time, the rule that answered, admin scope.
    started: float = 0.0
    fault: FaultRule | None = None
    job_failure: JobFailure | None = None
    admin_tenant: str | None = None
    rule_tenant: str | None = None  # the tenant fault rules were matched against (the client's, for /oauth)

    def entity_data(self) -> EntityData:
        """The stores of the selected entity, for the views of tenant paths (/v1, /objects)."""
        if self.data is None:
            raise RuntimeError(MSG_NO_ENTITY)
        return self.data


def start_context() -> RequestContext:
    """A fresh context for the request that is starting: its id and the API family of its path."""
    ctx = RequestContext(request_id=ids.request_id(), family=family_for_path(request.path))
    setattr(g, _CONTEXT_KEY, ctx)
    return ctx


def peek_context() -> RequestContext | None:
    """The current request's context if one was started, for teardown (which must not start one)."""
    ctx = g.get(_CONTEXT_KEY)
    return ctx if isinstance(ctx, RequestContext) else None


def context() -> RequestContext:
    """The current request's context (started on first use if the pipeline has not run for it)."""
    return peek_context() or start_context()


def emulator_of(app: Flask) -> Emulator:
    """The Emulator behind an app made by create_app."""
    found = app.extensions[EXTENSION_KEY]
    assert isinstance(found, Emulator)
    return found


def emulator() -> Emulator:
    """The Emulator of the app handling the current request (registry, clock, settings)."""
    return emulator_of(current_app)


def public_base_url() -> str:
    """Where generated links point: the base_url setting, else the URL this request came in on."""
    return emulator().settings.base_url or request.host_url
