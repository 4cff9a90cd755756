"""gzip both ways: responses over 1,000 bytes for gzip clients, gzip request bodies under a hard cap."""

from __future__ import annotations

import gzip
import time
import tracemalloc

import pytest

from tests.api.probe import gzip_bomb, install_probe
from tests.conftest import fetch_token
from zuora_mock.core.errors import (
    MSG_BODY_TOO_LARGE,
    MSG_GZIP_INVALID,
    MSG_GZIP_TOO_LARGE,
    MSG_UNSUPPORTED_ENCODING,
)

LIMIT = 8 * 1024 * 1024


@pytest.fixture
def setup(app):
    install_probe(app)
    web = app.test_client()
    return web, {"Authorization": f"Bearer {fetch_token(web)}"}


@pytest.mark.parametrize(
    ("size", "accept", "compressed"),
    [
        (1000, "gzip", False),
        (1001, "gzip", True),
        (50_000, "gzip", True),
        (50_000, "", False),
        (50_000, "identity", False),
        (50_000, "br", False),
        (50_000, "gzip;q=0", False),
        (50_000, "br, gzip;q=0.5", True),
        (50_000, "GZIP", True),
        (50_000, "*", True),
        (50_000, "deflate, gzip", True),
    ],
)
def test_response_compression_threshold(setup, size, accept, compressed):
    web, auth = setup
    headers = {**auth, "Accept-Encoding": accept} if accept else auth
    response = web.get(f"/v1/probe/big?size={size}", headers=headers)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=utf-8"
    if compressed:
        assert response.headers["Content-Encoding"] == "gzip"
        body = gzip.decompress(response.data)
        assert int(response.headers["Content-Length"]) == len(response.data) < len(body)
    else:
        assert "Content-Encoding" not in response.headers
        body = response.data
    assert len(body) == size
    assert body.startswith(b'{"success":true,"pad":"')


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "GZIP", " gzip "])
def test_gzip_request_body_is_inflated(setup, encoding):
    web, auth = setup
    response = web.post(
        "/v1/probe/items",
        data=gzip.compress(b'{"name":"zipped"}'),
        headers={**auth, "Content-Encoding": encoding, "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    assert response.get_json() == {"success": True, "id": 1, "name": "zipped"}


@pytest.mark.parametrize(
    ("family", "payload", "encoding", "status", "message"),
    [
        ("v1", b"not gzip at all", "gzip", 400, MSG_GZIP_INVALID),
        ("v1", gzip.compress(b'{"name":"x"}')[:-6], "gzip", 400, MSG_GZIP_INVALID),
        ("v1", gzip.compress(b'{"name":"x"}')[:5], "gzip", 400, MSG_GZIP_INVALID),
        ("v1", b"{}", "br", 415, MSG_UNSUPPORTED_ENCODING.format(encoding="br")),
        ("v1", b"{}", "deflate", 415, MSG_UNSUPPORTED_ENCODING.format(encoding="deflate")),
        ("objects", b"\x1f\x8b\x08\x00garbage", "gzip", 400, MSG_GZIP_INVALID),
        ("objects", b"{}", "compress", 415, MSG_UNSUPPORTED_ENCODING.format(encoding="compress")),
    ],
)
def test_bad_gzip_bodies(setup, family, payload, encoding, status, message):
    web, auth = setup
    response = web.post(
        f"/{family}/probe/items",
        data=payload,
        headers={**auth, "Content-Encoding": encoding, "Content-Type": "application/json"},
    )
    assert response.status_code == status
    body = response.get_json()
    if family == "v1":
        code = 50000090 if status == 400 else 50000020
        assert body["reasons"] == [{"code": code, "message": message}]
    else:
        code = 71012590 if status == 400 else 71012520
        assert body == {"code": code, "message": message}
    assert web.get(f"/{family}/probe/items", headers=auth).status_code == 200
    listed = web.get(f"/{family}/probe/items", headers=auth).get_json()
    assert listed.get("items", listed.get("records")) == []


def test_gzip_bomb_is_refused_quickly_with_little_memory(setup):
    web, auth = setup
    bomb = gzip_bomb(1024)  # 1 GiB of zeros in about 1 MB
    tracemalloc.start()
    started = time.perf_counter()
    response = web.post(
        "/v1/probe/items",
        data=bomb,
        headers={**auth, "Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 413
    assert response.get_json()["reasons"] == [
        {"code": 50000020, "message": MSG_GZIP_TOO_LARGE.format(limit=LIMIT)}
    ]
    assert elapsed < 2.0
    assert peak < 4 * LIMIT


def test_decompressed_cap_is_a_setting(make_app):
    app = make_app(max_decompressed_bytes=100)
    install_probe(app)
    web = app.test_client()
    auth = {
        "Authorization": f"Bearer {fetch_token(web)}",
        "Content-Encoding": "gzip",
        "Content-Type": "application/json",
    }
    ok = web.post("/v1/probe/items", data=gzip.compress(b'{"name":"' + b"a" * 80 + b'"}'), headers=auth)
    assert ok.status_code == 200
    refused = web.post("/v1/probe/items", data=gzip.compress(b'{"name":"' + b"a" * 90 + b'"}'), headers=auth)
    assert refused.status_code == 413
    assert refused.get_json()["reasons"][0]["message"] == MSG_GZIP_TOO_LARGE.format(limit=100)


@pytest.mark.parametrize("gzipped", [False, True])
@pytest.mark.parametrize("family", ["v1", "objects"])
def test_oversize_body_is_413_in_the_family_envelope(make_app, family, gzipped):
    app = make_app(max_body_bytes=1000)
    install_probe(app)
    web = app.test_client()
    auth = {"Authorization": f"Bearer {fetch_token(web)}"}
    payload = b'{"name":"' + bytes(range(33, 127)) * 20 + b'"}'
    headers = {**auth, "Content-Type": "application/json"}
    if gzipped:
        payload = gzip.compress(payload, compresslevel=0)
        headers["Content-Encoding"] = "gzip"
    response = web.post(f"/{family}/probe/items", data=payload, headers=headers)
    assert response.status_code == 413
    message = MSG_BODY_TOO_LARGE.format(limit=1000)
    body = response.get_json()
    if family == "v1":
        assert body["reasons"] == [{"code": 50000020, "message": message}]
    else:
        assert body == {"code": 71012520, "message": message}
