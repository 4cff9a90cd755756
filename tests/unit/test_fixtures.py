"""Fixture loading: the bundled demo loads; every broken file fails naming its path and the exact problem."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from zuora_mock.core.fixtures import (
    TENANT_KEYS,
    FixtureError,
    Permissions,
    Seed,
    default_fixtures_dir,
    load_fixtures,
)

pytestmark = pytest.mark.emulator_only

TENANT: dict[str, Any] = {
    "name": "t",
    "tenantId": "1",
    "user": {"id": "0123456789abcdef0123456789abcdef", "email": "a@b.example"},
    "entities": [{"id": "00000000-0000-4000-8000-000000000000", "name": "E"}],
    "orgs": ["org-1"],
    "clients": [{"clientId": "00000000-0000-4000-8000-000000000001", "clientSecret": "s"}],
}


def tenants_file(root: Path, content: Any) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / "tenants.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def with_tenant(**changes: Any) -> dict[str, Any]:
    """{"tenants": [TENANT]} with top-level tenant keys replaced (None deletes the key)."""
    tenant = copy.deepcopy(TENANT)
    for key, value in changes.items():
        if value is None:
            tenant.pop(key)
        else:
            tenant[key] = value
    return {"tenants": [tenant]}


def test_the_bundled_demo_fixtures_load() -> None:
    fixtures = load_fixtures()
    assert Path(fixtures.source) == default_fixtures_dir()
    assert [t.name for t in fixtures.tenants] == ["demo", "multi-entity"]
    demo = fixtures.tenants[0]
    assert demo.clients[0].client_id == "5e6f7a8b-0c1d-4e2f-9a3b-4c5d6e7f8a9b"
    assert [e.id for e in fixtures.tenants[1].entities] == [
        "c92ed977-510c-4c48-9b51-8d5e848671e9",
        "f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
    ]
    assert fixtures.seed.definitions is not None
    assert set(fixtures.seed.records) >= {"Fleet", "Vehicle"}
    assert fixtures.seed.finance


def test_permissions_and_password_are_read(tmp_path: Path) -> None:
    client = {**TENANT["clients"][0], "permissions": {"customObjects": []}}
    user = {"id": "0123456789abcdef0123456789abcdef", "email": "a@b.example", "password": "pw"}
    tenants_file(tmp_path, with_tenant(user=user, clients=[client], permissions={"massUpdater": False}))
    (tenant,) = load_fixtures(tmp_path).tenants
    assert tenant.user_password == "pw"
    assert tenant.permissions == Permissions(frozenset({"view", "edit", "delete"}), mass_updater=False)
    assert tenant.clients[0].permissions == Permissions(frozenset(), mass_updater=True)


def test_a_directory_with_only_tenants_json_has_an_empty_seed(tmp_path: Path) -> None:
    tenants_file(tmp_path, with_tenant())
    fixtures = load_fixtures(tmp_path)
    assert fixtures.seed == Seed()
    assert fixtures.tenants[0].orgs == ("org-1",)


def test_seed_files_are_read_with_their_paths(tmp_path: Path) -> None:
    tenants_file(tmp_path, {"seed": "data", **with_tenant()})
    (tmp_path / "data" / "custom_objects" / "records").mkdir(parents=True)
    (tmp_path / "data" / "finance").mkdir()
    (tmp_path / "data" / "custom_objects" / "definitions.json").write_text('{"definitions": {}}')
    (tmp_path / "data" / "custom_objects" / "records" / "A.json").write_text('{"records": []}')
    (tmp_path / "data" / "finance" / "accounts.json").write_text("[]")
    seed = load_fixtures(tmp_path).seed
    assert seed.definitions.path == str(tmp_path / "data" / "custom_objects" / "definitions.json")
    assert seed.definitions.data == {"definitions": {}}
    assert {name: f.data for name, f in seed.records.items()} == {"A": {"records": []}}
    assert {name: f.data for name, f in seed.finance.items()} == {"accounts": []}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "invalid JSON at line 1 column 1: Expecting value"),
        (
            '{"tenants": [\n  {"name": "t",}\n]}',
            "invalid JSON at line 2 column 16: Expecting property name enclosed in double quotes",
        ),
        ("[]", "expected an object with a non-empty 'tenants' list"),
        ({"tenants": []}, "expected an object with a non-empty 'tenants' list"),
        ({"tenants": {}}, "expected an object with a non-empty 'tenants' list"),
        ({**with_tenant(), "tenant": []}, "top level: unknown key 'tenant' (expected seed, tenants)"),
        ({**with_tenant(), "seed": 3}, "'seed' must be a directory name"),
        ({"tenants": ["t"]}, "tenants[0] must be an object"),
        (with_tenant(name=None), "tenants[0]: missing 'name'"),
        (with_tenant(name=""), "tenants[0]: 'name' must be a non-empty str"),
        (with_tenant(tenantId=10019), "tenants[0]: 'tenantId' must be a non-empty str"),
        (with_tenant(users=[]), f"tenants[0]: unknown key 'users' (expected {', '.join(TENANT_KEYS)})"),
        (
            with_tenant(limits={"rate_limit_minute": 0}),
            "tenants[0].limits.rate_limit_minute must be a positive integer, got 0",
        ),
        (
            with_tenant(user={"id": "0123456789ABCDEF0123456789ABCDEF", "email": "a@b.example"}),
            "tenants[0].user.id must be 32 lowercase hex characters, got '0123456789ABCDEF0123456789ABCDEF'",
        ),
        (with_tenant(user={"id": "0123456789abcdef0123456789abcdef"}), "tenants[0].user: missing 'email'"),
        (with_tenant(entities=[]), "tenants[0].entities must name at least one entity"),
        (
            with_tenant(entities=[{"id": "E1", "name": "E"}]),
            "tenants[0].entities[0].id must be a lowercase UUID, got 'E1'",
        ),
        (
            with_tenant(entities=[{"id": "00000000-0000-4000-8000-000000000000"}]),
            "tenants[0].entities[0]: missing 'name'",
        ),
        (with_tenant(entities=[TENANT["entities"][0]] * 2), "tenants[0].entities has duplicate ids"),
        (with_tenant(orgs="org-1"), "tenants[0].orgs must be a list of org ids"),
        (
            with_tenant(clients=[{"clientId": "short", "clientSecret": "s"}]),
            "tenants[0].clients[0].clientId must be 36 characters, got 5",
        ),
        (
            with_tenant(
                clients=[{"clientId": "00000000-0000-4000-8000-000000000001", "clientSecret": "s" * 43}]
            ),
            "tenants[0].clients[0].clientSecret must be at most 42 characters",
        ),
        (
            with_tenant(clients=[{"clientId": "00000000-0000-4000-8000-000000000001"}]),
            "tenants[0].clients[0]: missing 'clientSecret'",
        ),
        (
            {"tenants": [TENANT, {**TENANT, "name": "u"}]},
            "client 00000000-0000-4000-8000-000000000001 is declared twice",
        ),
        ({"tenants": [TENANT, {**TENANT, "clients": []}]}, "tenant names must be unique"),
        (
            with_tenant(permissions={"customObjects": ["read"]}),
            "tenants[0].permissions.customObjects must be a list of: view, edit, delete",
        ),
        (
            with_tenant(permissions={"massUpdater": "no"}),
            "tenants[0].permissions.massUpdater must be true or false",
        ),
        (
            with_tenant(permissions={"bulk": True}),
            "tenants[0].permissions: unknown key 'bulk' (expected customObjects, massUpdater)",
        ),
        (
            with_tenant(
                user={"id": "0123456789abcdef0123456789abcdef", "email": "a@b.example", "password": ""}
            ),
            "tenants[0].user: 'password' must be a non-empty str",
        ),
        (
            with_tenant(clients=[{**TENANT["clients"][0], "permissions": []}]),
            "tenants[0].clients[0].permissions must be an object",
        ),
    ],
)
def test_a_broken_tenants_file_names_itself_and_the_problem(
    tmp_path: Path, content: Any, problem: str
) -> None:
    path = tenants_file(tmp_path, content)
    with pytest.raises(FixtureError) as caught:
        load_fixtures(tmp_path)
    assert (caught.value.path, caught.value.problem) == (str(path), problem)
    assert str(caught.value) == f"{path}: {problem}"


@pytest.mark.parametrize(
    ("relative", "content", "problem"),
    [
        (
            "seed/custom_objects/definitions.json",
            "{",
            "invalid JSON at line 1 column 2: Expecting property name enclosed in double quotes",
        ),
        (
            "seed/custom_objects/records/Vehicle.json",
            '{"records": [1,]}',
            "invalid JSON at line 1 column 16: Expecting value",
        ),
        ("seed/finance/accounts.json", b"\xff\xfe[]", "not UTF-8 text"),
    ],
)
def test_a_broken_seed_file_names_itself(
    tmp_path: Path, relative: str, content: str | bytes, problem: str
) -> None:
    tenants_file(tmp_path, with_tenant())
    path = tmp_path / relative
    path.parent.mkdir(parents=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(FixtureError) as caught:
        load_fixtures(tmp_path)
    assert str(caught.value) == f"{path}: {problem}"


@pytest.mark.parametrize(
    ("layout", "problem_path", "problem"),
    [
        ("missing dir", "absent", "fixtures directory not found"),
        ("no tenants.json", "tenants.json", "file not found (every fixtures directory needs tenants.json)"),
        (
            "tenants.json is a directory",
            "tenants.json",
            "file not found (every fixtures directory needs tenants.json)",
        ),
        ("named seed dir missing", "data", "seed directory not found (named by 'seed' in tenants.json)"),
    ],
)
def test_missing_files_and_directories(tmp_path: Path, layout: str, problem_path: str, problem: str) -> None:
    root = tmp_path / "absent" if layout == "missing dir" else tmp_path
    if layout == "tenants.json is a directory":
        (tmp_path / "tenants.json").mkdir()
    if layout == "named seed dir missing":
        tenants_file(tmp_path, {"seed": "data", **with_tenant()})
    with pytest.raises(FixtureError) as caught:
        load_fixtures(root)
    assert str(caught.value) == f"{tmp_path / problem_path if layout != 'missing dir' else root}: {problem}"


def test_a_seed_record_file_for_an_undefined_object_fails_when_the_app_is_built(tmp_path: Path) -> None:
    """Content checks belong to the stores, but they raise the same FixtureError naming the file."""
    from zuora_mock import create_app

    tenants_file(tmp_path, with_tenant())
    path = tmp_path / "seed" / "custom_objects" / "records" / "Ghost.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"records": []}')
    with pytest.raises(FixtureError) as caught:
        create_app({"fixtures": str(tmp_path)}, environ={})
    assert caught.value.path == str(path)
