"""Load fixture files (tenants, clients, entities and seed data) and say exactly which file is wrong."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zuora_mock.core.formats import is_uuid

_HEX32 = re.compile(r"^[0-9a-f]{32}$")
DEFAULT_SEED_DIR = "seed"
TENANT_KEYS = ("name", "tenantId", "user", "entities", "orgs", "clients", "limits", "permissions")
USER_KEYS = ("id", "email", "password")
CLIENT_KEYS = ("clientId", "clientSecret", "permissions")
PERMISSION_KEYS = ("customObjects", "massUpdater")
# Zuora's Custom Objects permissions (View, Edit, Delete Custom Objects) as tenants.json names them.
CUSTOM_OBJECT_PERMISSIONS = ("view", "edit", "delete")
# Settings a tenant may override for itself in tenants.json ("limits": {"rate_limit_minute": 100, ...}).
TENANT_LIMIT_KEYS = (
    "rate_limit_minute",
    "rate_limit_hour",
    "rate_limit_day",
    "auth_rate_limit_minute",
    "concurrency_limit",
)


class FixtureError(ValueError):
    """A fixture file is missing, unreadable or inconsistent; the message names the file."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


@dataclass(frozen=True)
class SeedFile:
    """The parsed content of one seed file, with the path it came from for error messages."""

    path: str
    data: Any


@dataclass(frozen=True)
class Seed:
    """Seed data copied into every entity of every tenant at start-up and on reset."""

    # Custom objects: the definitions file (Zuora's POST body format) and one records file per object.
    definitions: SeedFile | None = None
    records: dict[str, SeedFile] = field(default_factory=dict)
    # Mass-action objects (revenue schedules, accounting codes, ...), keyed by file stem.
    finance: dict[str, SeedFile] = field(default_factory=dict)


@dataclass(frozen=True)
class Permissions:
    """What a tenant or an OAuth client may do; everything unless tenants.json takes some away."""

    custom_objects: frozenset[str] = frozenset(CUSTOM_OBJECT_PERMISSIONS)
    mass_updater: bool = True


ALL_PERMISSIONS = Permissions()


@dataclass(frozen=True)
class ClientSpec:
    client_id: str
    client_secret: str
    permissions: Permissions | None = None  # None: the tenant's


@dataclass(frozen=True)
class EntitySpec:
    id: str
    name: str


@dataclass(frozen=True)
class TenantSpec:
    name: str
    tenant_id: str
    user_id: str
    user_email: str
    entities: tuple[EntitySpec, ...]
    orgs: tuple[str, ...]
    clients: tuple[ClientSpec, ...]
    limits: tuple[tuple[str, int], ...] = ()
    # v1 sign-in by HTTP Basic or apiAccessKeyId/apiSecretAccessKey (user email + password); None: refused.
    user_password: str | None = None
    permissions: Permissions = ALL_PERMISSIONS


@dataclass(frozen=True)
class Fixtures:
    tenants: tuple[TenantSpec, ...]
    seed: Seed
    source: str


def default_fixtures_dir() -> Path:
    """The bundled demo fixtures: inside the installed package, or at the root of a source checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "fixtures", package.parent / "fixtures"):
        if (candidate / "tenants.json").is_file():
            return candidate
    raise FixtureError(package / "fixtures", "bundled demo fixtures not found; pass --fixtures DIR")


def read_json(path: Path) -> Any:
    """Parse one JSON file or raise a FixtureError naming it and the line of the problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FixtureError(path, f"cannot read file ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise FixtureError(path, "not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FixtureError(path, f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None


def _require(path: Path, obj: Any, key: str, kind: type, where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise FixtureError(path, f"{where}: missing '{key}'")
    value = obj[key]
    if not isinstance(value, kind) or (kind is str and not value):
        raise FixtureError(path, f"{where}: '{key}' must be a non-empty {kind.__name__}")
    return value


def _no_unknown_keys(path: Path, obj: dict, allowed: tuple[str, ...], where: str) -> None:
    """A misspelt key would otherwise be ignored silently and its default used."""
    unknown = [key for key in obj if key not in allowed]
    if unknown:
        raise FixtureError(path, f"{where}: unknown key '{unknown[0]}' (expected {', '.join(allowed)})")


def _parse_tenant(path: Path, raw: Any, index: int) -> TenantSpec:
    where = f"tenants[{index}]"
    if not isinstance(raw, dict):
        raise FixtureError(path, f"{where} must be an object")
    _no_unknown_keys(path, raw, TENANT_KEYS, where)
    name = _require(path, raw, "name", str, where)
    tenant_id = str(_require(path, raw, "tenantId", str, where))
    user = _require(path, raw, "user", dict, where)
    user_id, email = _parse_user(path, user, f"{where}.user")
    password = _optional_str(path, user, "password", f"{where}.user")
    entities = _parse_entities(path, _require(path, raw, "entities", list, where), f"{where}.entities")
    orgs = raw.get("orgs", [])
    if not isinstance(orgs, list) or not all(isinstance(o, str) and o for o in orgs):
        raise FixtureError(path, f"{where}.orgs must be a list of org ids")
    clients = _parse_clients(path, _require(path, raw, "clients", list, where), f"{where}.clients")
    limits = _parse_limits(path, raw.get("limits", {}), f"{where}.limits")
    permissions = _parse_permissions(path, raw.get("permissions", {}), f"{where}.permissions")
    return TenantSpec(
        name, tenant_id, user_id, email, entities, tuple(orgs), clients, limits, password, permissions
    )


def _optional_str(path: Path, obj: dict[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise FixtureError(path, f"{where}: '{key}' must be a non-empty str")
    return value


def _parse_permissions(path: Path, raw: Any, where: str) -> Permissions:
    """{"customObjects": ["view", "edit", "delete"], "massUpdater": true}; a missing key grants it."""
    if not isinstance(raw, dict):
        raise FixtureError(path, f"{where} must be an object")
    _no_unknown_keys(path, raw, PERMISSION_KEYS, where)
    objects = raw.get("customObjects", list(CUSTOM_OBJECT_PERMISSIONS))
    if not isinstance(objects, list) or not all(p in CUSTOM_OBJECT_PERMISSIONS for p in objects):
        allowed = ", ".join(CUSTOM_OBJECT_PERMISSIONS)
        raise FixtureError(path, f"{where}.customObjects must be a list of: {allowed}")
    mass_updater = raw.get("massUpdater", True)
    if not isinstance(mass_updater, bool):
        raise FixtureError(path, f"{where}.massUpdater must be true or false")
    return Permissions(frozenset(objects), mass_updater)


def _parse_user(path: Path, user: dict[str, Any], where: str) -> tuple[str, str]:
    """The tenant's user: a 32-hex id, as Zuora's user ids are, and an email."""
    _no_unknown_keys(path, user, USER_KEYS, where)
    user_id = _require(path, user, "id", str, where)
    if not _HEX32.match(user_id):
        raise FixtureError(path, f"{where}.id must be 32 lowercase hex characters, got {user_id!r}")
    return user_id, _require(path, user, "email", str, where)


def _parse_entities(path: Path, raw: list[Any], where: str) -> tuple[EntitySpec, ...]:
    """At least one entity, each with a distinct lowercase UUID."""
    entities = []
    for index, entity in enumerate(raw):
        e_where = f"{where}[{index}]"
        entity_id = _require(path, entity, "id", str, e_where)
        # One trailing line break has always been let through (a `^...$` pattern with match()); kept.
        if not is_uuid(entity_id.removesuffix("\n"), lowercase=True):
            raise FixtureError(path, f"{e_where}.id must be a lowercase UUID, got {entity_id!r}")
        entities.append(EntitySpec(entity_id, _require(path, entity, "name", str, e_where)))
    if not entities:
        raise FixtureError(path, f"{where} must name at least one entity")
    if len({e.id for e in entities}) != len(entities):
        raise FixtureError(path, f"{where} has duplicate ids")
    return tuple(entities)


def _parse_clients(path: Path, raw: list[Any], where: str) -> tuple[ClientSpec, ...]:
    """OAuth clients with Zuora's id and secret lengths."""
    clients = []
    for index, client in enumerate(raw):
        c_where = f"{where}[{index}]"
        client_id = _require(path, client, "clientId", str, c_where)
        _no_unknown_keys(path, client, CLIENT_KEYS, c_where)
        if len(client_id) != 36:
            raise FixtureError(path, f"{c_where}.clientId must be 36 characters, got {len(client_id)}")
        secret = _require(path, client, "clientSecret", str, c_where)
        if len(secret) > 42:
            raise FixtureError(path, f"{c_where}.clientSecret must be at most 42 characters")
        permissions = None
        if "permissions" in client:
            permissions = _parse_permissions(path, client["permissions"], f"{c_where}.permissions")
        clients.append(ClientSpec(client_id, secret, permissions))
    return tuple(clients)


def _parse_limits(path: Path, limits: Any, where: str) -> tuple[tuple[str, int], ...]:
    """The tenant's own rate and concurrency limits: known settings, positive integers."""
    if not isinstance(limits, dict):
        raise FixtureError(path, f"{where} must be an object")
    _no_unknown_keys(path, limits, TENANT_LIMIT_KEYS, where)
    for key, value in limits.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise FixtureError(path, f"{where}.{key} must be a positive integer, got {value!r}")
    return tuple(limits.items())


def _load_seed(seed_dir: Path, declared: bool) -> Seed:
    """Read every seed file; a missing seed directory is an error only when tenants.json names one."""
    if not seed_dir.is_dir():
        if declared:
            raise FixtureError(seed_dir, "seed directory not found (named by 'seed' in tenants.json)")
        return Seed()
    definitions_path = seed_dir / "custom_objects" / "definitions.json"
    definitions = None
    if definitions_path.is_file():
        definitions = SeedFile(str(definitions_path), read_json(definitions_path))
    records = {}
    records_dir = seed_dir / "custom_objects" / "records"
    if records_dir.is_dir():
        for path in sorted(records_dir.glob("*.json")):
            records[path.stem] = SeedFile(str(path), read_json(path))
    finance = {}
    finance_dir = seed_dir / "finance"
    if finance_dir.is_dir():
        for path in sorted(finance_dir.glob("*.json")):
            finance[path.stem] = SeedFile(str(path), read_json(path))
    return Seed(definitions=definitions, records=records, finance=finance)


def load_fixtures(directory: str | Path | None = None) -> Fixtures:
    """Read tenants.json and the seed directory it names; raise FixtureError on the first problem."""
    root = Path(directory) if directory is not None else default_fixtures_dir()
    if not root.is_dir():
        raise FixtureError(root, "fixtures directory not found")
    tenants_path = root / "tenants.json"
    if not tenants_path.is_file():
        raise FixtureError(tenants_path, "file not found (every fixtures directory needs tenants.json)")
    raw = read_json(tenants_path)
    if not isinstance(raw, dict) or not isinstance(raw.get("tenants"), list) or not raw["tenants"]:
        raise FixtureError(tenants_path, "expected an object with a non-empty 'tenants' list")
    _no_unknown_keys(tenants_path, raw, ("seed", "tenants"), "top level")
    tenants = tuple(_parse_tenant(tenants_path, t, i) for i, t in enumerate(raw["tenants"]))
    seen: dict[str, str] = {}
    for tenant in tenants:
        for client in tenant.clients:
            if client.client_id in seen:
                raise FixtureError(tenants_path, f"client {client.client_id} is declared twice")
            seen[client.client_id] = tenant.name
    if len({t.name for t in tenants}) != len(tenants):
        raise FixtureError(tenants_path, "tenant names must be unique")
    seed_name = raw.get("seed", DEFAULT_SEED_DIR)
    if not isinstance(seed_name, str) or not seed_name:
        raise FixtureError(tenants_path, "'seed' must be a directory name")
    seed = _load_seed(root / seed_name, declared="seed" in raw)
    return Fixtures(tenants=tenants, seed=seed, source=str(root))
