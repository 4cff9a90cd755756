"""The recording proxy: each request goes to the upstream unchanged, the answer comes back unchanged, and the
exchange is written to a cassette.

"Unchanged" within HTTP's rules: hop-by-hop headers (Connection, Transfer-Encoding, ...) belong to each leg,
`Host` names the upstream (Zuora routes by it), and a chunked answer is passed on with a Content-Length.
Bodies are forwarded byte for byte, gzip included; the cassette holds them decoded.

`/_recorder/cassette` is the proxy's own (never forwarded): `PUT` with `{"name": ..., "case": {...}}` starts a
cassette, `DELETE` with `{"outcome": ...}` ends it. Zuora has no path under `/_recorder/`.
"""

from __future__ import annotations

import gzip
import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

import httpx

from zuora_mock.recorder import bodies
from zuora_mock.recorder.session import RecordingSession

CONTROL_PATH = "/_recorder/cassette"
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "expect",  # answered here (100 Continue) before the body is read; the upstream gets the whole body
    }
)
# Zuora answers within 120 s or times out itself; the proxy waits a little longer than that.
UPSTREAM_TIMEOUT = {"connect": 15.0, "read": 130.0, "write": 130.0, "pool": 15.0}
POLL_INTERVAL = 0.05
MAX_CHUNK_LINE = 1024


def decoded(data: bytes, encoding: str | None) -> bytes:
    """A gzip or deflate body as its plain bytes (what the cassette keeps); other bodies unchanged."""
    name = (encoding or "").strip().lower()
    try:
        if name == "gzip":
            return gzip.decompress(data)
        if name == "deflate":
            return zlib.decompress(data)
    except (OSError, zlib.error, EOFError):
        return data
    return data


def _header(headers: list[list[str]], name: str) -> str | None:
    return next((value for key, value in headers if key == name), None)


class _Handler(BaseHTTPRequestHandler):
    """One client connection; every method is proxied the same way."""

    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes: without TCP_NODELAY, Nagle and delayed ACKs add ~40 ms to each.
    disable_nagle_algorithm = True
    server: _ProxyServer

    def log_message(self, format: str, *args: Any) -> None:
        return None

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _handle(self) -> None:
        try:
            body = self._read_body()
        except ValueError as exc:
            self.close_connection = True
            self._answer(400, [["content-type", "application/json"]], _message(f"unreadable request: {exc}"))
            return
        parts = urlsplit(self.path)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if parts.path == CONTROL_PATH:
            self._control(body)
            return
        proxy = self.server.proxy
        headers = [[name.lower(), value] for name, value in self.headers.items()]
        forwarded = [(name, value) for name, value in headers if name not in HOP_BY_HOP]
        try:
            request = httpx.Request(
                self.command,
                proxy.upstream + target,
                headers=forwarded,
                content=body,
                extensions={"timeout": UPSTREAM_TIMEOUT},
            )
        except (httpx.InvalidURL, ValueError) as exc:
            self._answer(400, [["content-type", "application/json"]], _message(f"unusable request: {exc}"))
            return
        try:
            response = proxy.transport.handle_request(request)
            try:
                raw = b"".join(response.iter_raw())
            finally:
                response.close()
        except httpx.HTTPError as exc:
            self._answer(
                502, [["content-type", "application/json"]], _message(f"upstream unreachable: {exc}")
            )
            return
        answer = [[name.lower(), value] for name, value in response.headers.multi_items()]
        # Recorded before the client gets its answer: once a client call returns, its exchange is on disk.
        try:
            proxy.record(self.command, target, headers, body, response.status_code, answer, raw)
        except Exception as exc:  # the client still gets its answer; the gap is reported
            self.log_error("zuora-mock record: exchange not recorded: %r", exc)
        passed = [pair for pair in answer if pair[0] not in HOP_BY_HOP]
        length = _header(answer, "content-length") if self.command == "HEAD" else None
        self._answer(response.status_code, passed, raw, response.reason_phrase, length)

    def _read_body(self) -> bytes:
        """The whole request body; ValueError when its length or its chunks cannot be read."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            size = int(self.rfile.readline(MAX_CHUNK_LINE).split(b";")[0].strip() or b"0", 16)
            if size < 0:
                raise ValueError("negative chunk size")
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline()

    def _control(self, body: bytes) -> None:
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            payload = None
        session = self.server.proxy.session
        if self.command == "PUT" and isinstance(payload, dict) and isinstance(payload.get("name"), str):
            case = payload.get("case")
            session.begin(payload["name"], case if isinstance(case, dict) else None)
        elif self.command == "DELETE" and isinstance(payload, dict):
            outcome = payload.get("outcome")
            session.end(outcome if isinstance(outcome, str) else None)
        else:
            message = _message('PUT {"name": ...} starts a cassette, DELETE {"outcome": ...} ends it')
            self._answer(400, [["content-type", "application/json"]], message)
            return
        self._answer(200, [["content-type", "application/json"]], b'{"success":true}')

    def _answer(
        self,
        status: int,
        headers: list[list[str]],
        body: bytes,
        reason: str | None = None,
        length: str | None = None,
    ) -> None:
        """Send an answer with a Content-Length (a HEAD answer keeps the upstream's)."""
        self.send_response_only(status, reason)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("content-length", length if length is not None else str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _message(text: str) -> bytes:
    return json.dumps({"message": f"zuora-mock record: {text}"}).encode()


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    proxy: RecordingProxy


class RecordingProxy:
    """A local recording proxy in front of `upstream`; start() serves on a background thread."""

    def __init__(
        self,
        upstream: str,
        out: str | Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tenant_kind: str | None = None,
        cassette: str | None = None,
        max_body_bytes: int = bodies.DEFAULT_MAX_BYTES,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.session = RecordingSession(
            Path(out), upstream=self.upstream, kind=tenant_kind, default_name=cassette or "session"
        )
        self.max_body_bytes = max_body_bytes
        self.transport = transport or httpx.HTTPTransport(retries=0)
        self.server = _ProxyServer((host, port), _Handler)
        self.server.proxy = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def record(
        self,
        method: str,
        target: str,
        headers: list[list[str]],
        body: bytes,
        status: int,
        response_headers: list[list[str]],
        raw: bytes,
    ) -> None:
        """Turn one forwarded exchange into its cassette form and hand it to the session."""
        parts = urlsplit(target)
        limit = self.max_body_bytes
        kept = [pair for pair in headers if pair[0] not in HOP_BY_HOP]
        kept_response = [pair for pair in response_headers if pair[0] not in HOP_BY_HOP]
        request_body = decoded(body, _header(headers, "content-encoding"))
        response_body = decoded(raw, _header(response_headers, "content-encoding"))
        exchange = {
            "request": {
                "method": method,
                "path": parts.path,
                "query": [list(pair) for pair in parse_qsl(parts.query, keep_blank_values=True)],
                "headers": kept,
                "body": bodies.capture(
                    request_body, _header(headers, "content-type"), request=True, limit=limit
                ),
            },
            "response": {
                "status": status,
                "headers": kept_response,
                "body": bodies.capture(
                    response_body, _header(response_headers, "content-type"), request=False, limit=limit
                ),
            },
        }
        self.session.add(exchange)

    # ---- cassettes, from Python (the contract suite) or over HTTP (/_recorder/cassette) -------------------

    def begin_cassette(self, name: str, case: dict[str, Any] | None = None) -> None:
        self.session.begin(name, case)

    def end_cassette(self, outcome: str | None = None) -> None:
        self.session.end(outcome)

    # ---- lifecycle -----------------------------------------------------------------------------------------

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL},
            name="zuora-mock-record",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on the calling thread until shutdown() is called from another one (the CLI)."""
        self.server.serve_forever(poll_interval=POLL_INTERVAL)

    def shutdown(self) -> None:
        self.server.shutdown()

    def stop(self) -> None:
        """Stop serving, close the upstream connections and the open cassette."""
        if self._thread is not None:
            self.server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server.server_close()
        self.transport.close()
        self.session.end()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
