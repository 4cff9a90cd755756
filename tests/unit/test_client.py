"""zuora_mock.client: the auth flow, Zuora's headers, gzip and the one error type, without a socket."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from flask import Flask

from tests.conftest import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_ENTITY
from zuora_mock.client import TOKEN_REFRESH_MARGIN, ZuoraAPIError, ZuoraClient, raise_for_zuora

BASE = "http://zuora.test"
TOKEN_BODY = {"access_token": "t1", "expires_in": 3599, "jti": "j1", "scope": "s", "token_type": "bearer"}


class FakeZuora:
    """A scripted Zuora for the client's own logic: counts token requests, answers 401 for stale tokens."""

    def __init__(self) -> None:
        self.tokens_issued = 0
        self.valid: set[str] = set()
        self.requests: list[httpx.Request] = []
        # (path, Authorization, body) as each request was sent: a retry re-sends the same Request object.
        self.sent: list[tuple[str, str | None, bytes]] = []
        self.reply: Callable[[httpx.Request], httpx.Response] = lambda r: httpx.Response(
            200, json={"ok": True}
        )

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.sent.append((request.url.path, request.headers.get("Authorization"), request.read()))
        if request.url.path == "/oauth/token":
            self.tokens_issued += 1
            token = f"t{self.tokens_issued}"
            self.valid = {token}
            return httpx.Response(200, json={**TOKEN_BODY, "access_token": token})
        if request.headers.get("Authorization", "").removeprefix("Bearer ") not in self.valid:
            return httpx.Response(401, json={"message": "Authentication error"})
        return self.reply(request)


@pytest.fixture
def fake() -> FakeZuora:
    return FakeZuora()


def client_for(fake: FakeZuora, **kwargs: Any) -> ZuoraClient:
    return ZuoraClient(
        BASE, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, transport=httpx.MockTransport(fake), **kwargs
    )


def test_importing_the_client_does_not_import_flask_or_the_server() -> None:
    code = (
        "import sys, zuora_mock.client; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug', 'marshmallow', 'orjson') "
        "or m.startswith(('zuora_mock.api', 'zuora_mock.backend', 'zuora_mock.core'))]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"


def test_token_is_fetched_lazily_and_reused(fake: FakeZuora) -> None:
    client = client_for(fake)
    assert fake.tokens_issued == 0
    client.call("GET", "/v1/bulk/k")
    client.call("GET", "/v1/bulk/k")
    assert fake.tokens_issued == 1
    assert [r.headers["Authorization"] for r in fake.requests[1:]] == ["Bearer t1", "Bearer t1"]


def test_token_is_refreshed_shortly_before_it_expires(fake: FakeZuora) -> None:
    now = [1000.0]
    client = client_for(fake, clock=lambda: now[0])
    client.call("GET", "/v1/bulk/k")
    now[0] += 3599 - TOKEN_REFRESH_MARGIN - 1
    client.call("GET", "/v1/bulk/k")
    assert fake.tokens_issued == 1
    now[0] += 2
    client.call("GET", "/v1/bulk/k")
    assert fake.tokens_issued == 2
    assert fake.requests[-1].headers["Authorization"] == "Bearer t2"


def test_a_401_is_retried_once_with_a_fresh_token(fake: FakeZuora) -> None:
    client = client_for(fake)
    client.call("GET", "/v1/bulk/k")
    fake.valid = set()  # the server forgot the token (expired or revoked)
    assert client.call("GET", "/v1/bulk/k") == {"ok": True}
    assert fake.tokens_issued == 2
    assert [r.url.path for r in fake.requests] == [
        "/oauth/token",
        "/v1/bulk/k",
        "/v1/bulk/k",
        "/oauth/token",
        "/v1/bulk/k",
    ]


def test_a_second_401_is_raised_not_retried_again(fake: FakeZuora) -> None:
    fake.reply = lambda r: httpx.Response(
        401, json={"message": "Authentication error"}, headers={"WWW-Authenticate": "Bearer realm=Zuora API"}
    )
    client = client_for(fake)
    with pytest.raises(ZuoraAPIError) as info:
        client.call("GET", "/v1/bulk/k")
    assert (info.value.status, info.value.code, info.value.message) == (401, None, "Authentication error")
    assert fake.tokens_issued == 2
    assert len(fake.requests) == 4


def test_zuora_headers_are_sent(fake: FakeZuora) -> None:
    client = client_for(
        fake, entity_id=DEMO_ENTITY, org_ids="o1,o2", track_id="job-42", zuora_version="2019-08-24"
    )
    client.call("POST", "/objects/records/default/Vehicle", json_body={"records": []}, idempotency_key="k1")
    token_request, sent = fake.requests
    assert token_request.headers["Zuora-Entity-Ids"] == DEMO_ENTITY
    assert "Authorization" not in token_request.headers
    assert dict(httpx.QueryParams(token_request.content.decode())) == {
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
        "grant_type": "client_credentials",
    }
    expected = {
        "Zuora-Entity-Ids": DEMO_ENTITY,
        "Zuora-Org-Ids": "o1,o2",
        "Zuora-Track-Id": "job-42",
        "Zuora-Version": "2019-08-24",
        "Idempotency-Key": "k1",
        "Accept-Encoding": "gzip",
        "Content-Type": "application/json",
        "Accept": "application/json",
    }
    assert {name: sent.headers.get(name) for name in expected} == expected
    assert json.loads(sent.content) == {"records": []}


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_idempotency_key_is_refused_where_zuora_does_not_accept_it(fake: FakeZuora, method: str) -> None:
    with pytest.raises(ValueError, match="POST and PATCH only"):
        client_for(fake).request(method, "/v1/bulk/k", idempotency_key="k1")
    assert fake.requests == []


def test_request_bodies_can_be_gzipped(fake: FakeZuora) -> None:
    client_for(fake, compress_requests=True).call(
        "POST", "/objects/batch/default/V", json_body={"action": {}}
    )
    sent = fake.requests[-1]
    assert sent.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(sent.content)) == {"action": {}}


def test_gzipped_responses_are_decoded(fake: FakeZuora) -> None:
    payload = json.dumps({"records": ["x" * 2000]}).encode()
    fake.reply = lambda r: httpx.Response(
        200,
        content=gzip.compress(payload),
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert client_for(fake).call("GET", "/objects/records/default/V") == {"records": ["x" * 2000]}


def test_multipart_upload_shape(fake: FakeZuora) -> None:
    fake.reply = lambda r: httpx.Response(200, json={"success": True, "bulkKey": "a" * 32})
    result = client_for(fake).create_mass_action(
        "DeleteRevenueSchedule", b"Revenue Schedule Number\nRS-1\n", checksum="c" * 32, filename="rs.csv"
    )
    assert result == {"success": True, "bulkKey": "a" * 32}
    sent = fake.requests[-1]
    assert sent.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    body = sent.content
    assert (
        b'name="params"\r\n\r\n{"actionType": "DeleteRevenueSchedule", "checksum": "' + b"c" * 32 + b'"}'
        in body
    )
    assert (
        b'name="file"; filename="rs.csv"\r\nContent-Type: text/csv\r\n\r\nRevenue Schedule Number\nRS-1\n'
        in body
    )


# Each of Zuora's error envelopes -> (status, code, category, message, number of details).
ERROR_CASES = [
    (
        200,
        {
            "success": False,
            "processId": "747E0D5A53240416",
            "reasons": [{"code": 50000040, "message": "Cannot find entity by key: 'k'."}],
            "requestId": "r",
        },
        50000040,
        40,
        "Cannot find entity by key: 'k'.",
        1,
    ),
    (
        400,
        {"success": False, "reasons": [{"code": "53100320", "message": "bad termType"}]},
        53100320,
        20,
        "bad termType",
        1,
    ),
    (
        400,
        {
            "code": 71012520,
            "message": "invalid",
            "details": [{"code": 71012524, "message": "m", "record": {}}],
        },
        71012520,
        20,
        "invalid",
        1,
    ),
    (
        404,
        {"code": 71012540, "message": "Resource Request-URI not found."},
        71012540,
        40,
        "Resource Request-URI not found.",
        0,
    ),
    (401, {"message": "Authentication error"}, None, None, "Authentication error", 0),
    (
        400,
        {
            "timestamp": "2024-01-01T00:00:00.000+00:00",
            "status": 400,
            "error": "Bad Request",
            "message": "Invalid client id",
            "path": "/oauth/token",
        },
        None,
        None,
        "Invalid client id",
        0,
    ),
    (
        429,
        {
            "reasons": [
                {"code": 70, "message": "API Rate limit exceeded for the minute, retry after 5 seconds"}
            ]
        },
        70,
        70,
        "API Rate limit exceeded for the minute, retry after 5 seconds",
        1,
    ),
    (
        500,
        {
            "code": 71012561,
            "message": "later",
            "details": [{"code": 71012561, "message": "m", "record": {"Id": "x"}}],
        },
        71012561,
        61,
        "later",
        1,
    ),
    (502, "<html>Bad Gateway</html>", None, None, "<html>Bad Gateway</html>", 0),
]


@pytest.mark.parametrize(("status", "body", "code", "category", "message", "n_details"), ERROR_CASES)
def test_one_error_type_from_every_envelope(
    status: int, body: Any, code: int | None, category: int | None, message: str, n_details: int
) -> None:
    content = json.dumps(body).encode() if not isinstance(body, str) else body.encode()
    ctype = "application/json;charset=utf-8" if not isinstance(body, str) else "text/html"
    response = httpx.Response(
        status, content=content, headers={"Content-Type": ctype, "Zuora-Request-Id": "rid"}
    )
    with pytest.raises(ZuoraAPIError) as info:
        raise_for_zuora(response)
    err = info.value
    assert (err.status, err.code, err.category, err.message, len(err.details)) == (
        status,
        code,
        category,
        message,
        n_details,
    )
    assert err.body == body
    assert err.request_id == "rid"


@pytest.mark.parametrize(
    "body",
    [
        {"success": True, "bulkKey": "k"},
        {},
        {"error": {"code": 1, "message": "m"}},
        "/objects/records/default/V/x",
    ],
)
def test_successful_bodies_are_not_errors(body: Any) -> None:
    response = httpx.Response(200, json=body)
    raise_for_zuora(response)


# Against the real app in-process: the client reads the emulator's own bytes.


@pytest.fixture
def app_client(app: Flask) -> ZuoraClient:
    return ZuoraClient.for_app(app, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)


def test_token_from_the_emulator(app_client: ZuoraClient) -> None:
    token = app_client.token()
    assert list(token) == ["access_token", "expires_in", "jti", "scope", "token_type"]
    assert token["token_type"] == "bearer"
    assert app_client.last_response is not None
    assert "X-RateLimit-Remaining-minute" in app_client.last_response.headers


@pytest.mark.parametrize(
    ("client_id", "secret", "status"),
    [
        ("short", DEMO_CLIENT_SECRET, 400),
        (DEMO_CLIENT_ID, "wrong-secret", 401),
    ],
)
def test_oauth_errors_from_the_emulator(app: Flask, client_id: str, secret: str, status: int) -> None:
    client = ZuoraClient.for_app(app, client_id, secret)
    with pytest.raises(ZuoraAPIError) as info:
        client.token()
    assert info.value.status == status
    assert info.value.body["path"] == "/oauth/token"
    assert info.value.message == info.value.body["message"] != ""


def test_gateway_401_from_the_emulator(app_client: ZuoraClient) -> None:
    with pytest.raises(ZuoraAPIError) as info:
        app_client.request("GET", "/objects/definitions/default", authenticate=False)
    assert (info.value.status, info.value.body) == (401, {"message": "Authentication error"})
    assert info.value.headers["WWW-Authenticate"].endswith("Bearer realm=Zuora API")


@pytest.mark.parametrize("kind", ["multipart", "json"])
def test_the_retried_request_carries_the_same_body(fake: FakeZuora, kind: str) -> None:
    fake.reply = lambda r: httpx.Response(200, json={"success": True, "bulkKey": "a" * 32})
    client = client_for(fake)
    client.token()
    fake.valid = set()
    if kind == "multipart":
        client.create_mass_action("DeleteRevenueSchedule", b"Revenue Schedule Number\nRS-1\n")
    else:
        client.create_records("V", [{"A__c": "x"}], idempotency_key="k")
    (path, auth, body), token, (retried_path, retried_auth, retried_body) = fake.sent[-3:]
    assert (auth, token[0], retried_auth) == ("Bearer t1", "/oauth/token", "Bearer t2")
    assert (retried_path, retried_body) == (path, body) and body


def test_short_lived_tokens_are_refreshed_at_half_life(fake: FakeZuora) -> None:
    fake.reply = lambda r: httpx.Response(200, json={"ok": True})
    now = [0.0]
    client = client_for(fake, clock=lambda: now[0])
    client.auth.accept_token(httpx.Response(200, json={**TOKEN_BODY, "expires_in": 30}))
    fake.valid = {"t1"}
    now[0] = 14.0
    client.call("GET", "/v1/bulk/k")
    assert fake.tokens_issued == 0
    now[0] = 15.0
    client.call("GET", "/v1/bulk/k")
    assert fake.tokens_issued == 1
