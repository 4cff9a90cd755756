"""Probe routes for the pipeline tests: side effects in each API family, independent of the real endpoints."""

from __future__ import annotations

import functools
import struct
import threading
import zlib
from typing import Any

from flask import Blueprint, Flask, Response, request

from zuora_mock.api.commands import read_json
from zuora_mock.api.context import context
from zuora_mock.api.responses import json_response
from zuora_mock.core.errors import InvalidValue

GATE_TIMEOUT = 10.0


class Probe:
    """Controls of the probe routes: a gate that holds requests in flight, and a count of views entered."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.entered = threading.Semaphore(0)
        self.calls = 0
        self._lock = threading.Lock()

    def hold(self) -> None:
        self.gate.clear()

    def release(self) -> None:
        self.gate.set()

    def wait_entered(self, count: int = 1, timeout: float = GATE_TIMEOUT) -> None:
        for _ in range(count):
            assert self.entered.acquire(timeout=timeout), "a probe request never reached its view"

    def enter(self) -> None:
        with self._lock:
            self.calls += 1
        self.entered.release()
        assert self.gate.wait(GATE_TIMEOUT)


def _tenant_lock() -> Any:
    """The lock of the tenant the token belongs to."""
    tenant = context().tenant
    assert tenant is not None
    return tenant.lock


def _items() -> list[dict[str, Any]]:
    """The probe records of the entity the token selected (reset with the entity's stores)."""
    data = context().entity_data()
    with _tenant_lock():
        if not hasattr(data, "probe_items"):
            data.probe_items = []
        return data.probe_items


def _create(probe: Probe) -> dict[str, Any]:
    body = read_json()
    probe.enter()
    with _tenant_lock():
        items = _items()
        item = {"id": len(items) + 1, "name": body.get("name")}
        items.append(item)
    return item


def install_probe(app: Flask) -> Probe:
    """Register the probe routes on a fresh app (before its first request)."""
    probe = Probe()
    bp = Blueprint("probe", __name__)

    @bp.post("/v1/probe/items")
    def v1_create() -> Response:
        return json_response({"success": True, **_create(probe)})

    @bp.get("/v1/probe/items")
    def v1_list() -> Response:
        with _tenant_lock():
            return json_response({"success": True, "items": list(_items())})

    @bp.post("/v1/probe/fail")
    def v1_fail() -> Response:
        probe.enter()
        raise InvalidValue("'name' value should be one of: A, B")

    @bp.get("/v1/probe/big")
    def v1_big() -> Response:
        size = int(request.args.get("size", "0"))
        body = {"success": True, "pad": ""}
        empty = len(b'{"success":true,"pad":""}')
        body["pad"] = "x" * max(size - empty, 0)
        return json_response(body)

    @bp.get("/v1/probe/boom")
    def v1_boom() -> Response:
        raise RuntimeError("probe failure")

    @bp.get("/v1/probe/slow")
    def v1_slow() -> Response:
        probe.enter()
        return json_response({"success": True})

    @bp.post("/objects/probe/items")
    def objects_create() -> Response:
        return json_response({"records": [_create(probe)]})

    @bp.get("/objects/probe/items")
    def objects_list() -> Response:
        with _tenant_lock():
            return json_response({"records": list(_items())})

    @bp.get("/objects/probe/slow")
    def objects_slow() -> Response:
        probe.enter()
        return json_response({"records": []})

    app.register_blueprint(bp)
    return probe


@functools.lru_cache(maxsize=2)
def gzip_bomb(megabytes: int = 1024) -> bytes:
    """A valid gzip member that inflates to `megabytes` MiB of zeros, built in well under a second
    (~1 KB/MiB).

    Each 1 MiB block is compressed after a full flush, so every block after the first has the same bytes.
    """
    chunk = bytes(1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    first = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
    tail = deflate.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    trailer = struct.pack("<II", crc, (megabytes << 20) & 0xFFFFFFFF)
    return first + block * (megabytes - 1) + tail[:-8] + trailer


def align_clock(client: Any) -> None:
    """Move the emulator's clock to just after a day boundary (also a minute and hour boundary).

    Rate-limit windows are fixed and follow the clock, so a test counting requests gets a full minute before
    any window rolls over. Tokens issued earlier may expire: fetch them afterwards.
    """
    now = client.get("/_mock/clock").get_json()["now"]
    client.post("/_mock/clock", json={"advance": 86400 - now % 86400 + 0.001})
