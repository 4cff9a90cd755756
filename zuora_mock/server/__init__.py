"""The HTTP server of the CLI, the Docker image and the pytest plugin: waitress, one process (the store is in
memory), a bounded thread pool, keep-alive, read and idle timeouts and a connection limit."""

from __future__ import annotations

import dataclasses
import resource
import socket
import threading
from typing import Any

from flask import Flask

from zuora_mock.api.context import EXTENSION_KEY
from zuora_mock.core.settings import Settings
from zuora_mock.server.loop import ServerOptions, ZuoraWSGIServer

__all__ = ["BackgroundServer", "ServerOptions", "ZuoraWSGIServer", "base_url", "bind_socket", "build_server"]

LISTEN_BACKLOG = 1024
# File descriptors kept for everything but client connections (listener, pipes, fixtures, temporary files).
RESERVED_DESCRIPTORS = 64


def options_from(settings: Settings) -> ServerOptions:
    """The server's limits from the emulator's settings."""
    return ServerOptions(
        threads=settings.server_threads,
        connection_limit=settings.connection_limit,
        read_timeout=settings.read_timeout,
        idle_timeout=settings.idle_timeout,
        max_body_bytes=settings.max_body_bytes,
        log_requests=settings.log_requests,
        log_format=settings.log_format,
    )


def _is_emulator(app: Any) -> bool:
    return isinstance(app, Flask) and EXTENSION_KEY in app.extensions


def options_for(app: Any) -> ServerOptions:
    """The emulator's settings when `app` is an emulator, else the defaults (the benchmarks' baselines)."""
    if _is_emulator(app):
        from zuora_mock.app import emulator_of

        return options_from(emulator_of(app).settings)
    return options_from(Settings())


def bind_socket(host: str, port: int) -> socket.socket:
    """Bind and listen ourselves, so that a taken port or a bad host is an OSError we word, not a crash."""
    if host.startswith("unix://"):
        raise OSError(f"unsupported host {host!r}: expected an IP address or a host name")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise OSError(exc.errno, exc.strerror) from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(LISTEN_BACKLOG)
    except BaseException:
        sock.close()
        raise
    return sock


def _usable_connection_limit(wanted: int) -> int:
    """The connection limit, lowered to what the process's file-descriptor limit allows."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - RESERVED_DESCRIPTORS))


def build_server(app: Any, host: str, port: int, options: ServerOptions | None = None) -> ZuoraWSGIServer:
    """Bind the server; raises OSError (never exits) when the address is taken or invalid."""
    options = options or options_for(app)
    limit = _usable_connection_limit(options.connection_limit)
    if limit != options.connection_limit:
        options = dataclasses.replace(options, connection_limit=limit)
    sock = bind_socket(host, port)
    try:
        return ZuoraWSGIServer(app, sock, options)
    except BaseException:
        sock.close()
        raise


def base_url(server: ZuoraWSGIServer) -> str:
    """The URL clients use, with the real port when 0 was asked for."""
    return server.url()


class BackgroundServer:
    """The server on a background thread, for the pytest plugin, end-to-end tests and benchmarks."""

    def __init__(
        self, app: Any, host: str = "127.0.0.1", port: int = 0, options: ServerOptions | None = None
    ) -> None:
        self.app = app
        self.server = build_server(app, host, port, options)
        self.url = base_url(self.server)
        self._thread = threading.Thread(target=self.server.serve_forever, name="zuora-mock", daemon=True)

    def start(self) -> BackgroundServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.stop()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        else:
            self.server.shutdown()
        if _is_emulator(self.app):
            from zuora_mock.app import emulator_of

            emulator_of(self.app).close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
