"""A real multi-threaded WSGI server in one process (the store is in memory), quiet unless asked."""

from __future__ import annotations

import threading
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    """Werkzeug's handler without a log line per request."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        return None

    def log(self, type: str, message: str, *args: Any) -> None:  # noqa: A002 - werkzeug's signature
        if type == "error":
            super().log(type, message, *args)


def build_server(app: Any, host: str, port: int, *, log_requests: bool = False) -> BaseWSGIServer:
    """Bind a threaded server; raises OSError when the address is taken."""
    handler = WSGIRequestHandler if log_requests else _QuietHandler
    server = make_server(host, port, app, threaded=True, request_handler=handler)
    server.daemon_threads = True
    return server


def base_url(server: BaseWSGIServer) -> str:
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
        self._thread = threading.Thread(target=self.server.serve_forever, name="zuora-mock", daemon=True)

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
        emulator = self.app.extensions.get("zuora_mock") if hasattr(self.app, "extensions") else None
        if emulator is not None:
            emulator.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
