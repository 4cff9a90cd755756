"""Tenants, their entities, OAuth clients and tokens: who may see which store."""

from __future__ import annotations

import base64
import binascii
import hmac
import math
import threading
import uuid
from dataclasses import dataclass

from zuora_mock.backend.commands import IssueToken
from zuora_mock.backend.customobjects.store import CustomObjectStore
from zuora_mock.backend.idempotency import IdempotencyCache, KeyOwners
from zuora_mock.backend.limits import ConcurrencyGauge, RateLimiter
from zuora_mock.backend.massactions import messages as bulk_messages
from zuora_mock.backend.massactions.store import MassActionStore
from zuora_mock.core import ids
from zuora_mock.core.clock import Clock
from zuora_mock.core.errors import AuthenticationFailed, NotFound, OAuthError
from zuora_mock.core.fixtures import (
    ALL_PERMISSIONS,
    ClientSpec,
    EntitySpec,
    Fixtures,
    Permissions,
    Seed,
    TenantSpec,
)
from zuora_mock.core.settings import Settings

MSG_OAUTH_MISSING = "Missing required parameter: {name}"
MSG_OAUTH_GRANT = "Unsupported grant type: {grant}"
MSG_OAUTH_CLIENT = "Invalid client id"
MSG_OAUTH_SECRET_LENGTH = "Invalid client secret"
MSG_OAUTH_CREDENTIALS = "Bad credentials"
MSG_OAUTH_ENTITY = "Invalid entity id: {entity}"
MSG_UNKNOWN_TENANT = "Unknown tenant '{name}'."
MSG_TOO_MANY_TENANTS = (
    "Too many tenants made for unknown client ids ({count}, the max_on_the_fly_tenants setting): "
    "POST /_mock/reset removes them, or raise the setting."
)


class EntityData:
    """Everything one entity stores; the stores share the tenant's lock so a step across them is atomic."""

    def __init__(self, seed: Seed, tenant: Tenant, clock: Clock, settings: Settings) -> None:
        self.bulk = MassActionStore.from_seed(
            seed,
            clock=clock,
            user_id=tenant.user_id,
            user_email=tenant.user_email,
            lock=tenant.lock,
            settings=settings,
        )
        self.objects = CustomObjectStore.from_seed(
            seed,
            clock=clock,
            user_id=tenant.user_id,
            lock=tenant.lock,
            zuora_object_exists=self.bulk.exists,
        )

    def close(self) -> None:
        self.bulk.close()
        self.objects.close()


class Tenant:
    """One Zuora tenant: its entities' data, idempotency keys and limit counters."""

    def __init__(self, spec: TenantSpec, seed: Seed, clock: Clock, settings: Settings) -> None:
        self.name = spec.name
        self.tenant_id = spec.tenant_id
        self.user_id = spec.user_id
        self.user_email = spec.user_email
        self.entities: tuple[EntitySpec, ...] = spec.entities
        self.orgs = frozenset(spec.orgs)
        self.limits = dict(spec.limits)
        self.spec = spec
        # Made for a client id no fixture declared (non-strict mode): reset removes it.
        self.on_the_fly = False
        self.lock = threading.RLock()
        self._seed = seed
        self._clock = clock
        self._settings = settings
        self._data: dict[str, EntityData] = {}
        self.reset()

    def reset(self) -> None:
        """Back to the seed state: fresh stores, no idempotency keys, counters at zero."""
        with self.lock:
            old = self._data
            budget = self._settings.idempotency_max_bytes
            self._data = {
                e.id: EntityData(self._seed, self, self._clock, self._settings) for e in self.entities
            }
            self.idempotency = IdempotencyCache(self._settings.idempotency_ttl, budget)
            self.rate = RateLimiter(
                {
                    60: self.limit("rate_limit_minute"),
                    3600: self.limit("rate_limit_hour"),
                    86400: self.limit("rate_limit_day"),
                }
            )
            self.auth_rate = RateLimiter({60: self.limit("auth_rate_limit_minute")})
            self.concurrency = {
                e.id: ConcurrencyGauge(self.limit("concurrency_limit")) for e in self.entities
            }
        for data in old.values():
            data.close()

    def replace_data(self, data: dict[str, EntityData]) -> None:
        """Swap in stores built from a snapshot in one step; the old state's idempotency keys are dropped."""
        with self.lock:
            old, self._data = self._data, data
            self.idempotency = IdempotencyCache(
                self._settings.idempotency_ttl, self._settings.idempotency_max_bytes
            )
        for entity_data in old.values():
            entity_data.close()

    def limit(self, name: str) -> int:
        """A limit of this tenant: its own from tenants.json, else the emulator-wide setting."""
        return self.limits.get(name, self._settings.limit(name))

    def data(self, entity_id: str) -> EntityData:
        return self._data[entity_id]

    def close(self) -> None:
        with self.lock:
            for data in self._data.values():
                data.close()


@dataclass(frozen=True)
class Token:
    """An issued access token and what it grants."""

    access_token: str
    jti: str
    tenant: Tenant
    client_id: str
    entity_ids: tuple[str, ...]
    expires_at: float
    # The client's own permissions if tenants.json gives it some, else the tenant's.
    permissions: Permissions = ALL_PERMISSIONS

    @property
    def scope(self) -> str:
        entities = " ".join(f"entity.{e}" for e in self.entity_ids)
        return f"user.{self.tenant.user_id} {entities} service.echo.read tenant.{self.tenant.tenant_id}"


class Registry:
    """All tenants of one emulator, their clients and the tokens issued to them."""

    def __init__(self, fixtures: Fixtures, clock: Clock, settings: Settings) -> None:
        self.fixtures = fixtures
        self.clock = clock
        self.settings = settings
        self._lock = threading.Lock()
        self.tenants: dict[str, Tenant] = {}
        self._clients: dict[str, tuple[Tenant, ClientSpec]] = {}
        self._tokens: dict[str, Token] = {}
        self.key_owners = KeyOwners()  # Idempotency-Key -> tenant, across tenants
        self._next_tenant_id = 1
        for spec in fixtures.tenants:
            self._add_tenant(spec)

    def _add_tenant(self, spec: TenantSpec) -> Tenant:
        tenant = Tenant(spec, self.fixtures.seed, self.clock, self.settings)
        self.tenants[spec.name] = tenant
        for client in spec.clients:
            self._clients[client.client_id] = (tenant, client)
        if spec.tenant_id.isdigit():
            self._next_tenant_id = max(self._next_tenant_id, int(spec.tenant_id) + 1)
        return tenant

    def _fresh_tenant(self, client_id: str, secret: str) -> tuple[Tenant, ClientSpec]:
        """A new tenant, seeded like the fixtures, for a client id nobody declared (non-strict mode)."""
        count = sum(1 for tenant in self.tenants.values() if tenant.on_the_fly)
        if count >= self.settings.max_on_the_fly_tenants:
            raise OAuthError(MSG_TOO_MANY_TENANTS.format(count=count))
        template = self.fixtures.tenants[0]
        entity = EntitySpec(str(uuid.uuid4()), template.entities[0].name)
        client = ClientSpec(client_id, secret)
        spec = TenantSpec(
            name=f"client-{client_id}",
            tenant_id=str(self._next_tenant_id),
            user_id=ids.zuora_id(),
            user_email=f"api.user+{client_id[:8]}@example.com",
            entities=(entity,),
            orgs=template.orgs,
            clients=(client,),
        )
        tenant = self._add_tenant(spec)
        tenant.on_the_fly = True
        return tenant, client

    def adopt(self, tenant: Tenant) -> None:
        """Register a tenant built from a snapshot (one made on the fly that this registry does not have)."""
        with self._lock:
            self.tenants[tenant.name] = tenant
            for client in tenant.spec.clients:
                self._clients[client.client_id] = (tenant, client)
            if tenant.tenant_id.isdigit():
                self._next_tenant_id = max(self._next_tenant_id, int(tenant.tenant_id) + 1)

    def remove(self, name: str) -> None:
        """Forget an on-the-fly tenant: its clients, its tokens and its stores (which are closed)."""
        with self._lock:
            tenant = self.tenants.pop(name, None)
            if tenant is None:
                return
            for client in tenant.spec.clients:
                self._clients.pop(client.client_id, None)
            for key in [k for k, t in self._tokens.items() if t.tenant is tenant]:
                del self._tokens[key]
        tenant.close()

    def issue_token(self, request: IssueToken) -> Token:
        """Check a client_credentials request and issue a token, or raise the OAuth error Zuora gives."""
        client_id, secret, grant = request.client_id, request.client_secret, request.grant_type
        for name, value in (("client_id", client_id), ("client_secret", secret), ("grant_type", grant)):
            if not value:
                raise OAuthError(MSG_OAUTH_MISSING.format(name=name))
        if grant != "client_credentials":
            raise OAuthError(MSG_OAUTH_GRANT.format(grant=grant))
        if len(client_id) != 36:
            raise OAuthError(MSG_OAUTH_CLIENT)
        if len(secret) > 42:
            raise OAuthError(MSG_OAUTH_SECRET_LENGTH)
        with self._lock:
            found = self._clients.get(client_id)
            if found is None:
                if self.settings.strict_clients:
                    raise OAuthError(MSG_OAUTH_CLIENT)
                found = self._fresh_tenant(client_id, secret)
            tenant, client = found
            if client.client_secret != secret:
                raise OAuthError(MSG_OAUTH_CREDENTIALS, status=401)
            entity_ids = tuple(e.id for e in tenant.entities)
            if request.entity_header:
                wanted = request.entity_header.strip()
                if wanted not in entity_ids:
                    raise OAuthError(MSG_OAUTH_ENTITY.format(entity=wanted))
                entity_ids = (wanted,)
            token = Token(
                access_token=ids.token(),
                jti=ids.token(),
                tenant=tenant,
                client_id=client_id,
                entity_ids=entity_ids,
                expires_at=self.clock.now() + self.settings.token_ttl,
                permissions=client.permissions or tenant.spec.permissions,
            )
            self._tokens[token.access_token] = token
            if len(self._tokens) % 1024 == 0:
                self._prune_tokens()
            return token

    def tenant_for_client(self, client_id: str) -> Tenant | None:
        with self._lock:
            found = self._clients.get(client_id)
            return found[0] if found else None

    def authenticate(
        self, authorization: str | None, access_keys: tuple[str, str] | None = None, *, basic: bool = False
    ) -> Token:
        """Resolve the credentials to a live token, or raise the gateway's 401.

        OAuth everywhere; with `basic` (v1 only, as in Zuora) also HTTP Basic, and `access_keys` (the
        apiAccessKeyId / apiSecretAccessKey headers) when no Authorization header is sent.
        """
        if not authorization:
            if access_keys is not None:
                return self._user_sign_in(*access_keys)
            raise AuthenticationFailed()
        scheme, _, value = authorization.partition(" ")
        if basic and scheme.lower() == "basic":
            return self._user_sign_in(*_basic_credentials(value))
        if scheme.lower() != "bearer" or not value.strip():
            raise AuthenticationFailed()
        token = self._tokens.get(value.strip())
        if token is None or token.expires_at <= self.clock.now():
            raise AuthenticationFailed()
        return token

    def _user_sign_in(self, username: str, password: str) -> Token:
        """A tenant user's email and password: a session without a token, on all of the tenant's entities."""
        with self._lock:
            tenant = next((t for t in self.tenants.values() if t.user_email == username), None)
        secret = tenant.spec.user_password if tenant is not None else None
        if tenant is None or secret is None or not hmac.compare_digest(secret.encode(), password.encode()):
            raise AuthenticationFailed()
        return Token(
            "", "", tenant, "", tuple(e.id for e in tenant.entities), math.inf, tenant.spec.permissions
        )

    def _prune_tokens(self) -> None:
        now = self.clock.now()
        for key in [k for k, t in self._tokens.items() if t.expires_at <= now]:
            del self._tokens[key]

    def reset(self, tenant_name: str | None = None) -> list[str]:
        """Restore the seed state of one tenant or all; issued tokens stay valid so clients keep working.

        A tenant made on the fly for an unknown client id is removed instead, with its tokens and data.
        """
        if tenant_name is not None and tenant_name not in self.tenants:
            raise NotFound(MSG_UNKNOWN_TENANT.format(name=tenant_name[:100]))
        with self._lock:
            targets = [self.tenants[tenant_name]] if tenant_name else list(self.tenants.values())
        for tenant in targets:
            if tenant.on_the_fly:
                self.remove(tenant.name)
            else:
                tenant.reset()
        return [t.name for t in targets]

    def bulk_store_of(self, bulk_key: str) -> MassActionStore:
        """The mass-action store holding a job, whichever tenant and entity it belongs to (admin API)."""
        for tenant in list(self.tenants.values()):
            for entity in tenant.entities:
                store = tenant.data(entity.id).bulk
                if store.find(bulk_key):
                    return store
        raise NotFound(bulk_messages.MSG_NOT_FOUND.format(key=bulk_key[:100]))

    def close(self) -> None:
        for tenant in list(self.tenants.values()):
            tenant.close()


def _basic_credentials(value: str) -> tuple[str, str]:
    """user:password from an HTTP Basic credential; anything undecodable is the gateway's 401."""
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise AuthenticationFailed() from None
    username, colon, password = decoded.partition(":")
    if not colon:
        raise AuthenticationFailed()
    return username, password
