"""A second zuora-mock as the upstream of a recording: its own app on a real socket on 127.0.0.1, which also
notes every token it issues (so that tests can check that none reaches a cassette)."""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Self

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from zuora_mock import create_app
from zuora_mock.app import emulator_of

DEMO_CLIENT_ID = "5e6f7a8b-0c1d-4e2f-9a3b-4c5d6e7f8a9b"
DEMO_CLIENT_SECRET = "demo-secret-2fQ9xLk7TzR4vW1p"


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _TokenSpy:
    """WSGI middleware: the access tokens and jtis of every /oauth/token answer."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.issued: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        chunks = list(self.app(environ, start_response))
        if environ.get("PATH_INFO") == "/oauth/token":
            body = b"".join(chunks)
            try:
                answer = json.loads(gzip.decompress(body) if body[:2] == b"\x1f\x8b" else body)
            except ValueError:
                answer = None
            if isinstance(answer, dict):
                with self._lock:
                    self.issued += [str(answer[key]) for key in ("access_token", "jti") if key in answer]
        return chunks


class Upstream:
    """`create_app(config)` served by Werkzeug's threaded server on a free port; stop() ends it."""

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        self.app = create_app(dict(config or {}), environ={})
        self.spy = _TokenSpy(self.app.wsgi_app)
        self.app.wsgi_app = self.spy  # type: ignore[method-assign]
        self.server: BaseWSGIServer = make_server(
            "127.0.0.1", 0, self.app, threaded=True, request_handler=_Quiet
        )
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name="upstream", daemon=True
        )

    @property
    def issued_tokens(self) -> list[str]:
        """Every access token and jti this upstream has issued."""
        return list(self.spy.issued)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
        emulator_of(self.app).close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
