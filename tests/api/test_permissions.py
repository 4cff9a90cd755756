"""Permission errors: tenants.json may take Custom Objects permissions or the Mass Updater from a tenant or
from one OAuth client, and the emulator answers as Zuora does (7101251X on /objects, a 403 on /v1/bulk)."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest

from tests.api.test_bulk_upload import post_bulk
from tests.conftest import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, fetch_token
from zuora_mock.api import permissions as p
from zuora_mock.core.fixtures import default_fixtures_dir

RESTRICTED_CLIENT = "0f0e0d0c-0b0a-4908-8706-050403020100"
RESTRICTED_SECRET = "restricted-secret"
RECORDS = "/objects/records/default/Vehicle"
RECORD = RECORDS + "/00000000-0000-4000-8000-000000000000"
DEFINITIONS = "/objects/definitions/default"


def fixtures_with(
    tmp_path: Any, tenant: dict[str, Any] | None = None, client: dict[str, Any] | None = None
) -> str:
    """The bundled fixtures, the demo tenant's permissions replaced, plus a restricted second client."""
    target = tmp_path / "fixtures"
    shutil.copytree(default_fixtures_dir(), target)
    tenants = json.loads((target / "tenants.json").read_text())
    demo = tenants["tenants"][0]
    if tenant is not None:
        demo["permissions"] = tenant
    extra = {"clientId": RESTRICTED_CLIENT, "clientSecret": RESTRICTED_SECRET}
    demo["clients"].append({**extra, "permissions": client} if client is not None else extra)
    (target / "tenants.json").write_text(json.dumps(tenants))
    return str(target)


def bearer(web: Any, client_id: str = DEMO_CLIENT_ID, secret: str = DEMO_CLIENT_SECRET) -> dict[str, str]:
    return {"Authorization": f"Bearer {fetch_token(web, client_id, secret)}"}


def forbidden(code: int, message: str) -> tuple[int, dict[str, Any]]:
    return 403, {"code": code, "message": message}


def unauthorized(code: int, message: str) -> tuple[int, dict[str, Any]]:
    return 401, {"code": code, "message": p.MSG_RECORD_TOP, "details": [{"code": code, "message": message}]}


CASES = [
    (
        "get",
        DEFINITIONS,
        None,
        ["edit", "delete"],
        forbidden(71012512, "Unauthorized to view object definition."),
    ),
    ("get", RECORDS, None, ["edit"], forbidden(71012512, "Unauthorized to view object record.")),
    ("get", RECORD, None, [], forbidden(71012512, "Unauthorized to view object record.")),
    ("patch", RECORD, {}, ["view"], forbidden(71012513, "Unauthorized to update object record.")),
    ("delete", RECORD, None, ["view", "edit"], forbidden(71012514, "Unauthorized to delete object record.")),
    (
        "post",
        RECORDS,
        {"records": [{}]},
        ["view", "delete"],
        unauthorized(71012515, "Unauthorized to create object record."),
    ),
    (
        "post",
        "/objects/batch/default/Vehicle",
        {"action": {"type": "delete", "ids": []}},
        ["view", "edit"],
        unauthorized(71012514, "Unauthorized to delete object record."),
    ),
    (
        "post",
        "/objects/batch/default/Vehicle",
        {"action": {"type": "update", "records": {}}},
        ["view"],
        unauthorized(71012513, "Unauthorized to update object record."),
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "granted", "expected"), CASES)
def test_a_tenant_without_a_custom_objects_permission(
    make_app, tmp_path, method, path, body, granted, expected
):
    web = make_app(fixtures=fixtures_with(tmp_path, tenant={"customObjects": granted})).test_client()
    response = getattr(web, method)(path, json=body, headers=bearer(web))
    assert (response.status_code, response.get_json()) == expected


def test_a_client_may_have_fewer_permissions_than_its_tenant(make_app, tmp_path):
    web = make_app(fixtures=fixtures_with(tmp_path, client={"customObjects": ["view"]})).test_client()
    restricted = bearer(web, RESTRICTED_CLIENT, RESTRICTED_SECRET)
    assert web.get(RECORDS, headers=restricted).status_code == 200
    refused = web.post(RECORDS, json={"records": [{}]}, headers=restricted)
    assert refused.status_code == 401 and refused.get_json()["code"] == 71012515
    # The tenant's own client keeps every permission.
    assert web.post(DEFINITIONS, json={}, headers=bearer(web)).status_code != 403


@pytest.mark.parametrize("where", ["tenant", "client"])
def test_without_the_mass_updater(make_app, tmp_path, where):
    flags = {"massUpdater": False}
    fixtures = fixtures_with(tmp_path, **({"tenant": flags} if where == "tenant" else {"client": flags}))
    web = make_app(fixtures=fixtures).test_client()
    headers = bearer(web) if where == "tenant" else bearer(web, RESTRICTED_CLIENT, RESTRICTED_SECRET)
    for response in (
        post_bulk(web, headers, params={"actionType": "DeleteRevenueSchedule"}),
        web.get("/v1/bulk/" + "f" * 32, headers=headers),
        web.get("/v1/files/" + "f" * 32, headers=headers),
    ):
        assert response.status_code == 403
        assert response.get_json() == {"code": p.CODE_MASS_UPDATER, "message": p.MSG_MASS_UPDATER}
