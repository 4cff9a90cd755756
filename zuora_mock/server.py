"""A real multi-threaded WSGI server in one process (the store is in memory), quiet unless asked."""

from __future__ import annotations

import socket
import threading
from typing import Any

from flask import Flask
from werkzeug.serving import (
    BaseWSGIServer,
    WSGIRequestHandler,
    get_sockaddr,
    make_server,
    select_address_family,
)

from zuora_mock.app import emulator_of

LISTEN_BACKLOG = 128


class _JsonErrorHandler(WSGIRequestHandler):
    """Werkzeug's handler whose own protocol errors (bad request line, huge headers) are JSON, never HTML."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        from zuora_mock.api.envelopes import protocol_error_body
        from zuora_mock.api.responses import JSON_CONTENT_TYPE

        request_id, body = protocol_error_body(message or self.responses.get(code, ("Error",))[0])
        self.log_error("code %d, message %s", code, message)
        self.send_response(code, message)
        self.send_header("Content-Type", JSON_CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Zuora-Request-Id", request_id)
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)


class _QuietHandler(_JsonErrorHandler):
    """Werkzeug's handler without a log line per request."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        return None

    def log(self, type: str, message: str, *args: Any) -> None:
        if type == "error":
            super().log(type, message, *args)


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind and listen ourselves: Werkzeug would print two lines and sys.exit(1) on a taken port."""
    if host.startswith("unix://"):
        raise OSError(f"unsupported host {host!r}: expected an IP address or a host name")
    family = select_address_family(host, port)
    address = get_sockaddr(host, port, family)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if hasattr(socket, "SO_REUSEADDR"):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(LISTEN_BACKLOG)
    except BaseException:
        sock.close()
        raise
    return sock


def build_server(app: Any, host: str, port: int, *, log_requests: bool = False) -> BaseWSGIServer:
    """Bind a threaded server; raises OSError (never exits) when the address is taken or invalid."""
    handler = _JsonErrorHandler if log_requests else _QuietHandler
    sock = bind_socket(host, port)
    try:
        # Werkzeug duplicates the descriptor; ours is closed right after.
        server = make_server(host, port, app, threaded=True, request_handler=handler, fd=sock.fileno())
    finally:
        sock.close()
    server.daemon_threads = True
    return server


def base_url(server: BaseWSGIServer) -> str:
    """The URL clients use, with the real port when 0 was asked for."""
    host, port = server.server_address[:2]
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


class BackgroundServer:
    """The server on a background thread, for the pytest plugin and end-to-end tests."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.server = build_server(app, host, port)
        self.url = base_url(self.server)
        # A short poll interval makes stop() take ~50 ms instead of 500 ms (the plugin may stop one per module).
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="zuora-mock", daemon=True
        )

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
        if isinstance(self.app, Flask):
            emulator_of(self.app).close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
