"""Zuora's request and response headers: Request-Id, Track-Id, Authorization, Entity-Ids, Org-Ids, Version."""

from __future__ import annotations

import re

import pytest

from tests.api.probe import install_probe
from tests.conftest import DEMO_ENTITY, MULTI_CLIENT_ID, MULTI_CLIENT_SECRET, MULTI_ENTITIES, fetch_token
from zuora_mock.api.commands import MAX_JSON_DEPTH, MSG_JSON_TOO_DEEP
from zuora_mock.api.pipeline import CODE_ENTITY, CODE_ENTITY_MISSING, CODE_ORG
from zuora_mock.core.errors import (
    MSG_AUTHENTICATION,
    MSG_CONTENT_TYPE_JSON,
    MSG_ENTITY_INVALID,
    MSG_ENTITY_REQUIRED,
    MSG_ENTITY_SINGLE,
    MSG_INTERNAL,
    MSG_MALFORMED_JSON,
    MSG_METHOD_NOT_ALLOWED,
    MSG_NOT_FOUND_ROUTE,
    MSG_ORG_INVALID,
    MSG_TRACK_ID,
)

UUID36 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PROCESS_ID = re.compile(r"^[0-9A-F]{16}$")
WWW_AUTH = "Basic realm=Zuora API, ZSession realm=Zuora API, Bearer realm=Zuora API"
DEMO_ORG = "2c92c0f96a2f1b3e016a3bd4c8ab1f24"
MULTI_ORGS = ("2c92c0f96a2f1b3e016a3bd4c8ab2001", "2c92c0f96a2f1b3e016a3bd4c8ab2002")


@pytest.fixture
def web(app):
    install_probe(app)
    return app.test_client()


@pytest.fixture
def bearer(web):
    return {"Authorization": f"Bearer {fetch_token(web)}"}


def v1_error(response, status, code, message):
    """Assert the exact v1 error envelope and return it."""
    assert response.status_code == status, response.data
    body = response.get_json()
    assert list(body) == ["success", "processId", "reasons", "requestId"]
    assert body["success"] is False
    assert PROCESS_ID.match(body["processId"])
    assert body["reasons"] == [{"code": code, "message": message}]
    assert body["requestId"] == response.headers["Zuora-Request-Id"]
    return body


@pytest.mark.parametrize(
    ("method", "path", "authenticated"),
    [
        ("GET", "/v1/probe/items", True),
        ("GET", "/v1/probe/items", False),
        ("GET", "/objects/probe/items", True),
        ("GET", "/objects/probe/items", False),
        ("GET", "/v1/no/such/path", False),
        ("DELETE", "/v1/probe/items", True),
        ("GET", "/v1/probe/boom", True),
        ("POST", "/oauth/token", False),
        ("GET", "/_mock/health", False),
    ],
)
def test_every_response_has_a_fresh_request_id(web, bearer, method, path, authenticated):
    headers = bearer if authenticated else {}
    first = web.open(path, method=method, headers=headers)
    second = web.open(path, method=method, headers=headers)
    assert UUID36.match(first.headers["Zuora-Request-Id"])
    assert first.headers["Zuora-Request-Id"] != second.headers["Zuora-Request-Id"]
    assert "Zuora-Track-Id" not in first.headers


@pytest.mark.parametrize(
    "track_id",
    [
        "job-42",
        "a" * 64,
        "with space and =+/?.,!@#$%^&*()",
        "",
    ],
)
def test_valid_track_id_is_echoed(web, bearer, track_id):
    for path, headers in (
        ("/v1/probe/items", bearer),
        ("/objects/probe/items", bearer),
        ("/v1/probe/items", {}),
    ):
        response = web.get(path, headers={**headers, "Zuora-Track-Id": track_id})
        assert response.headers["Zuora-Track-Id"] == track_id


@pytest.mark.parametrize(
    "track_id",
    [
        "a" * 65,
        "job:42",
        "job;42",
        'job"42',
        "job'42",
        "caf\u00e9",
    ],
)
def test_invalid_track_id_is_refused_and_not_echoed(web, bearer, track_id):
    raw = track_id.encode("utf-8").decode("latin-1")
    response = web.get("/v1/probe/items", headers={**bearer, "Zuora-Track-Id": raw})
    v1_error(response, 400, 50000020, MSG_TRACK_ID)
    assert "Zuora-Track-Id" not in response.headers
    objects = web.get("/objects/probe/items", headers={**bearer, "Zuora-Track-Id": raw})
    assert objects.status_code == 400
    assert objects.get_json() == {"code": 71012520, "message": MSG_TRACK_ID}


def test_invalid_track_id_keeps_400_in_classic_mode(web, bearer):
    # Header errors are not business errors: they keep their HTTP status even with v1_error_status=200.
    response = web.post("/v1/probe/items", json={}, headers={**bearer, "Zuora-Track-Id": "a:b"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer not-a-token",
        "Basic dXNlcjpwYXNz",
        "Token 0123456789abcdef0123456789abcdef",
        "bearer",
    ],
)
@pytest.mark.parametrize("path", ["/v1/probe/items", "/objects/probe/items", "/v1/probe/boom"])
def test_missing_or_bad_token_is_the_gateway_401(web, authorization, path):
    headers = {} if authorization is None else {"Authorization": authorization}
    response = web.get(path, headers=headers)
    assert response.status_code == 401
    assert response.get_json() == {"message": MSG_AUTHENTICATION}
    assert response.headers["WWW-Authenticate"] == WWW_AUTH
    assert UUID36.match(response.headers["Zuora-Request-Id"])
    assert response.headers["RateLimit-Limit"]
    assert "Concurrency-Limit-Type" not in response.headers


def test_scheme_is_case_insensitive(web):
    token = fetch_token(web)
    assert web.get("/v1/probe/items", headers={"Authorization": f"bearer {token}"}).status_code == 200


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"{not json", None),
        (b"not gzip", "gzip"),
        (b"{}", "br"),
    ],
)
@pytest.mark.parametrize("path", ["/objects/probe/items", "/v1/probe/items"])
def test_401_even_when_the_body_is_bad(web, path, data, encoding):
    headers = {"Content-Encoding": encoding} if encoding else {}
    response = web.post(path, data=data, content_type="application/json", headers=headers)
    assert response.status_code == 401
    assert response.get_json() == {"message": MSG_AUTHENTICATION}


# --- Zuora-Entity-Ids ---------------------------------------------------------------------------------------


@pytest.fixture
def multi(web):
    return {"Authorization": f"Bearer {fetch_token(web, MULTI_CLIENT_ID, MULTI_CLIENT_SECRET)}"}


def test_multi_entity_token_requires_the_header(web, multi):
    v1_error(web.get("/v1/probe/items", headers=multi), 400, CODE_ENTITY_MISSING, MSG_ENTITY_REQUIRED)
    objects = web.get("/objects/probe/items", headers=multi)
    assert objects.status_code == 400
    assert objects.get_json() == {"code": CODE_ENTITY_MISSING, "message": MSG_ENTITY_REQUIRED}


@pytest.mark.parametrize(
    ("header", "code", "message"),
    [
        (DEMO_ENTITY, CODE_ENTITY, MSG_ENTITY_INVALID.format(entity=DEMO_ENTITY)),
        ("nope", CODE_ENTITY, MSG_ENTITY_INVALID.format(entity="nope")),
        (",".join(MULTI_ENTITIES), CODE_ENTITY, MSG_ENTITY_SINGLE),
    ],
)
def test_entity_header_errors(web, multi, header, code, message):
    v1_error(web.get("/v1/probe/items", headers={**multi, "Zuora-Entity-Ids": header}), 400, code, message)


def test_entity_header_selects_the_entity_store(web, multi):
    us = {**multi, "Zuora-Entity-Ids": MULTI_ENTITIES[0]}
    eu = {**multi, "Zuora-Entity-Ids": MULTI_ENTITIES[1]}
    assert web.post("/v1/probe/items", json={"name": "us-only"}, headers=us).status_code == 200
    assert web.get("/v1/probe/items", headers=us).get_json()["items"] == [{"id": 1, "name": "us-only"}]
    assert web.get("/v1/probe/items", headers=eu).get_json()["items"] == []


def test_token_narrowed_to_one_entity_cannot_use_another(web):
    token = fetch_token(web, MULTI_CLIENT_ID, MULTI_CLIENT_SECRET, **{"Zuora-Entity-Ids": MULTI_ENTITIES[0]})
    auth = {"Authorization": f"Bearer {token}"}
    assert web.get("/v1/probe/items", headers=auth).status_code == 200
    refused = web.get("/v1/probe/items", headers={**auth, "Zuora-Entity-Ids": MULTI_ENTITIES[1]})
    v1_error(refused, 400, CODE_ENTITY, MSG_ENTITY_INVALID.format(entity=MULTI_ENTITIES[1]))


def test_single_entity_token_accepts_its_own_entity(web, bearer):
    assert web.get("/v1/probe/items", headers={**bearer, "Zuora-Entity-Ids": DEMO_ENTITY}).status_code == 200


# --- Zuora-Org-Ids ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "ok"),
    [
        (DEMO_ORG, True),
        (f" {DEMO_ORG} ", True),
        ("", True),
        (MULTI_ORGS[0], False),
        (f"{DEMO_ORG},{MULTI_ORGS[1]}", False),
        ("x,y", False),
    ],
)
def test_org_ids_must_be_a_subset_of_the_tenants_orgs(web, bearer, header, ok):
    response = web.get("/v1/probe/items", headers={**bearer, "Zuora-Org-Ids": header})
    if ok:
        assert response.status_code == 200
        return
    wanted = {part.strip() for part in header.split(",")}
    unknown = ",".join(sorted(wanted - {DEMO_ORG}))
    # The spec's 403 model is CommonErrorResponse {code, message}, not the v1 envelope.
    assert response.status_code == 403
    assert response.get_json() == {"code": CODE_ORG, "message": MSG_ORG_INVALID.format(orgs=unknown)}


def test_multi_org_tenant_accepts_both_orgs(web, multi):
    headers = {**multi, "Zuora-Entity-Ids": MULTI_ENTITIES[0], "Zuora-Org-Ids": ",".join(MULTI_ORGS)}
    assert web.get("/v1/probe/items", headers=headers).status_code == 200


# --- Zuora-Version -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["186.0", "211.0", "999.0", "not-a-version", "2019-08-24", ""])
def test_any_zuora_version_is_accepted(web, bearer, version):
    # "An unsupported value is processed as the default version": never an error.
    response = web.get("/v1/probe/items", headers={**bearer, "Zuora-Version": version})
    assert response.status_code == 200
    assert web.get("/objects/probe/items", headers={**bearer, "Zuora-Version": version}).status_code == 200


def test_json_content_type_and_key_order(web, bearer):
    response = web.post("/v1/probe/items", json={"name": "n"}, headers=bearer)
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    assert response.data == b'{"success":true,"id":1,"name":"n"}'


# --- Error envelopes per family -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "status", "message"),
    [
        ("GET", "/v1/no/such", 404, MSG_NOT_FOUND_ROUTE.format(path="/v1/no/such")),
        ("GET", "/", 404, MSG_NOT_FOUND_ROUTE.format(path="/")),
        ("PUT", "/v1/probe/items", 405, MSG_METHOD_NOT_ALLOWED.format(method="PUT")),
        ("PATCH", "/v1/probe/fail", 405, MSG_METHOD_NOT_ALLOWED.format(method="PATCH")),
    ],
)
def test_routing_errors_in_the_v1_envelope(web, method, path, status, message):
    code = 50000040 if status == 404 else 50000045
    # Routing errors come before authentication and keep their status in classic mode.
    v1_error(web.open(path, method=method), status, code, message)


@pytest.mark.parametrize(
    ("method", "path", "status", "code", "message"),
    [
        ("GET", "/objects/no/such", 404, 71012540, MSG_NOT_FOUND_ROUTE.format(path="/objects/no/such")),
        ("DELETE", "/objects/probe/items", 405, 71012545, MSG_METHOD_NOT_ALLOWED.format(method="DELETE")),
    ],
)
def test_routing_errors_in_the_objects_envelope(web, method, path, status, code, message):
    response = web.open(path, method=method)
    assert response.status_code == status
    assert response.get_json() == {"code": code, "message": message}


def test_routing_errors_under_oauth_are_spring_style(web):
    response = web.get("/oauth/authorize")
    assert response.status_code == 404
    body = response.get_json()
    assert (body["status"], body["error"], body["path"]) == (404, "Not Found", "/oauth/authorize")


@pytest.mark.parametrize(
    ("data", "content_type", "code", "message"),
    [
        ("{bad", "application/json", 90, None),
        (
            "[1, 2]",
            "application/json",
            90,
            MSG_MALFORMED_JSON.format(detail="the body must be a JSON object"),
        ),
        ("", "application/json", 90, None),
        ("\xff\xfe", "application/json", 90, None),
        (
            '{"a": ' + "[" * 200 + "]" * 200 + "}",
            "application/json",
            90,
            MSG_MALFORMED_JSON.format(detail=MSG_JSON_TOO_DEEP.format(limit=MAX_JSON_DEPTH)),
        ),
        ("{}", "text/plain", 20, MSG_CONTENT_TYPE_JSON.format(content_type="text/plain")),
        (
            "a=b",
            "application/x-www-form-urlencoded",
            20,
            MSG_CONTENT_TYPE_JSON.format(content_type="application/x-www-form-urlencoded"),
        ),
    ],
)
@pytest.mark.parametrize("mode", ["200", "4xx"])
def test_body_errors_per_family_and_mode(make_app, data, content_type, code, message, mode):
    app = make_app(v1_error_status=mode)
    install_probe(app)
    web = app.test_client()
    auth = {"Authorization": f"Bearer {fetch_token(web)}"}
    status_4xx = 415 if code == 20 else 400
    v1 = web.post("/v1/probe/items", data=data.encode("latin-1"), content_type=content_type, headers=auth)
    body = v1_error(
        v1,
        200 if mode == "200" else status_4xx,
        50000000 + code,
        message or v1.get_json()["reasons"][0]["message"],
    )
    assert body["reasons"][0]["message"].startswith(message or "Malformed JSON in the request body: ")
    objects = web.post(
        "/objects/probe/items", data=data.encode("latin-1"), content_type=content_type, headers=auth
    )
    assert objects.status_code == status_4xx
    assert objects.get_json()["code"] == 71012500 + code
    assert web.get("/v1/probe/items", headers=auth).get_json()["items"] == []


@pytest.mark.parametrize(("mode", "status"), [("200", 200), ("4xx", 400)])
def test_v1_business_error_status_setting(make_app, mode, status):
    app = make_app(v1_error_status=mode)
    install_probe(app)
    web = app.test_client()
    response = web.post("/v1/probe/fail", json={}, headers={"Authorization": f"Bearer {fetch_token(web)}"})
    v1_error(response, status, 50000020, "'name' value should be one of: A, B")


def test_unexpected_exception_is_a_500_envelope_without_a_trace(web, bearer, capsys):
    response = web.get("/v1/probe/boom", headers=bearer)
    body = v1_error(response, 500, 50000060, MSG_INTERNAL)
    assert b"Traceback" not in response.data and b"probe failure" not in response.data
    assert body["requestId"] == response.headers["Zuora-Request-Id"]
    assert "RuntimeError: probe failure" in capsys.readouterr().err  # logged for the operator instead
