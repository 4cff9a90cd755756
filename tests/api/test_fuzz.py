"""Seeded fuzzing: hundreds of malformed requests get Zuora envelopes, never a 5xx, and change no stored
data."""

from __future__ import annotations

import gzip
import json
import random
import string
import zlib

import pytest

from tests.api.probe import install_probe
from tests.conftest import DEMO_ENTITY, fetch_token

SEEDS = (20240611, 7, 99)
REQUESTS_PER_SEED = 150
PRINTABLE = string.ascii_letters + string.digits + string.punctuation + " "
PATHS = (
    ("POST", "/v1/probe/items"),
    ("POST", "/objects/probe/items"),
    ("POST", "/v1/bulk"),
    ("GET", "/v1/bulk/ffffffffffffffffffffffffffffffff"),
    ("PUT", "/v1/bulk/ffffffffffffffffffffffffffffffff/stop"),
    ("POST", "/objects/definitions/default"),
    ("POST", "/objects/records/default/Vehicle"),
    ("PATCH", "/objects/records/default/Vehicle/00000000-0000-4000-8000-000000000000"),
    ("POST", "/objects/batch/default/Vehicle"),
    ("POST", "/oauth/token"),
    ("POST", "/_mock/clock"),
)
SNAPSHOT_PATHS = (
    "/v1/probe/items",
    "/objects/probe/items",
    "/objects/definitions/default",
    "/objects/records/default/Vehicle",
)


def _text(rng: random.Random, low: int = 0, high: int = 40) -> str:
    return "".join(rng.choice(PRINTABLE) for _ in range(rng.randint(low, high)))


def _body(rng: random.Random) -> bytes:
    kind = rng.randrange(7)
    if kind == 0:
        return rng.randbytes(rng.randint(0, 300))
    if kind == 1:
        return json.dumps({"records": [{"x": _text(rng)}]}).encode()[: rng.randint(0, 30)]
    if kind == 2:
        return json.dumps([_text(rng), rng.random()]).encode()
    if kind == 3:
        return gzip.compress(json.dumps({"name": _text(rng)}).encode())[: rng.randint(0, 25)]
    if kind == 4:
        return b'{"name": "' + _text(rng).encode() + b'", }'
    if kind == 5:
        return zlib.compress(b'{"name":"x"}')
    return ("{" * rng.randint(1, 200)).encode()


DEFECTS = (
    "no_auth",
    "bad_auth",
    "track_id",
    "idempotency_key",
    "gzip_garbage",
    "unknown_encoding",
    "content_type",
    "entity",
    "org",
    "bad_json",
    "method",
    "path",
    "oversize",
)


def _request(rng: random.Random, token: str) -> tuple[str, str, dict[str, str], bytes]:
    """One request with at least one defect, so no side effect may happen."""
    method, path = rng.choice(PATHS)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = b'{"name":"fuzz"}'
    for defect in rng.sample(DEFECTS, rng.randint(1, 3)):
        if defect == "no_auth":
            headers.pop("Authorization")
        elif defect == "bad_auth":
            headers["Authorization"] = rng.choice(
                ["Bearer " + _text(rng, 1), _text(rng), "Basic " + _text(rng)]
            )
        elif defect == "track_id":
            headers["Zuora-Track-Id"] = _text(rng, 0, 30) + rng.choice(":;\"'") + _text(rng, 0, 30)
        elif defect == "idempotency_key":
            headers["Idempotency-Key"] = "k" * rng.randint(256, 600)
        elif defect == "gzip_garbage":
            headers["Content-Encoding"] = "gzip"
            body = rng.choice(
                [rng.randbytes(rng.randint(1, 200)), gzip.compress(body)[: -rng.randint(1, 10)]]
            )
        elif defect == "unknown_encoding":
            headers["Content-Encoding"] = rng.choice(["br", "deflate", "compress", _text(rng, 1, 10)])
        elif defect == "content_type":
            headers["Content-Type"] = rng.choice(["text/plain", "application/xml", _text(rng, 1, 20)])
        elif defect == "entity":
            headers["Zuora-Entity-Ids"] = rng.choice([_text(rng, 1), f"{DEMO_ENTITY},{DEMO_ENTITY}x"])
        elif defect == "org":
            headers["Zuora-Org-Ids"] = _text(rng, 1) + "x"
        elif defect == "bad_json":
            body = _body(rng)
        elif defect == "method":
            method = rng.choice(["DELETE", "OPTIONS", "TRACE", "PROPFIND"])
        elif defect == "path":
            path = rng.choice(["/v1/", "/objects/", "/oauth/", "/_mock/", "/"]) + _text(rng, 1, 30).replace(
                "?", ""
            )
        elif defect == "oversize":
            body = rng.randbytes(5000)
    for name in rng.sample(["Zuora-Version", "Accept-Encoding", "X-Random", "Accept"], rng.randint(0, 2)):
        headers[name] = rng.choice(["gzip", "186.0", _text(rng)])
    if path.startswith("/oauth") and rng.random() < 0.5:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = rng.choice([b"grant_type=password", b"client_id=" + _text(rng).encode(), rng.randbytes(40)])
    return method, path, headers, body


def _decoded(response) -> object:
    data = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return json.loads(data) if data else None


def _assert_zuora_envelope(response, path: str) -> None:
    assert response.status_code < 500, (path, response.status_code, response.data[:300])
    assert len(response.headers["Zuora-Request-Id"]) == 36
    if response.request.method == "OPTIONS" and response.status_code == 200:
        assert response.data == b"" and "Content-Type" not in response.headers
        return
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    body = _decoded(response)
    if response.status_code == 200 and not (isinstance(body, dict) and body.get("success") is False):
        return
    assert isinstance(body, dict), body
    keys = list(body)
    allowed = (
        ["success", "processId", "reasons", "requestId"],
        ["code", "message"],
        ["code", "message", "details"],
        ["message"],
        ["reasons"],
        ["timestamp", "status", "error", "message", "path"],
    )
    assert keys in [list(a) for a in allowed], (path, body)
    if keys[0] == "success":
        assert body["success"] is False and isinstance(body["reasons"][0]["code"], int)
    if keys[0] == "code":
        assert isinstance(body["code"], int) and len(str(body["code"])) == 8


def _snapshot(web, auth) -> list:
    return [(path, web.get(path, headers=auth).data) for path in SNAPSHOT_PATHS]


@pytest.mark.parametrize("seed", SEEDS)
def test_malformed_requests_get_envelopes_and_change_nothing(make_app, seed):
    app = make_app(max_body_bytes=4096, max_decompressed_bytes=4096, bulk_progression="manual")
    probe = install_probe(app)
    web = app.test_client()
    token = fetch_token(web)
    auth = {"Authorization": f"Bearer {token}"}
    web.post("/v1/probe/items", json={"name": "before"}, headers=auth)
    web.post("/objects/probe/items", json={"name": "before-too"}, headers=auth)
    before = _snapshot(web, auth)
    tenants_before = web.get("/_mock/tenants").data
    calls_before = probe.calls
    rng = random.Random(seed)
    for _ in range(REQUESTS_PER_SEED):
        method, path, headers, body = _request(rng, token)
        response = web.open(path, method=method, headers=headers, data=body)
        _assert_zuora_envelope(response, path)
    assert probe.calls == calls_before
    assert _snapshot(web, auth) == before
    assert web.get("/_mock/tenants").data == tenants_before
