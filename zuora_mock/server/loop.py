"""waitress's I/O loop and thread pool in one process: one loop thread reads each request whole and only then
hands it to the bounded pool, so slow or stalled clients hold a socket, never a thread; timeouts and a
connection limit bound the sockets too."""

from __future__ import annotations

import logging
import socket
import time
from dataclasses import dataclass
from typing import Any

from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.server import TcpWSGIServer

from zuora_mock.server.pool import GrowingTaskDispatcher
from zuora_mock.server.wire import ZuoraChannel, closing_middleware

# How long one turn of the loop may wait for sockets; a stop or new work wakes it at once.
LOOP_SECONDS = 1.0
# How long a stop waits for requests in flight to finish and their answers to go out.
DRAIN_SECONDS = 5.0
# Request bodies up to this size stay in memory while they arrive; larger ones go to a temporary file.
INBUF_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class ServerOptions:
    """The server's own limits (the settings server_threads, connection_limit, read_timeout, idle_timeout)."""

    threads: int
    connection_limit: int
    read_timeout: float
    idle_timeout: float
    max_body_bytes: int
    log_requests: bool
    log_format: str = "text"


class ZuoraWSGIServer(TcpWSGIServer):
    """waitress's TCP server with Zuora's wire, a read timeout per request, an idle timeout per connection."""

    channel_class = ZuoraChannel
    stopping = False

    def __init__(self, app: Any, sock: socket.socket, options: ServerOptions) -> None:
        self.options = options
        self.log_requests = options.log_requests
        # "Task queue depth is N": requests waiting for the bounded pool is the design, not news.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        adjustments = Adjustments(
            sockets=[sock],
            threads=options.threads,
            connection_limit=options.connection_limit,
            cleanup_interval=1,
            asyncore_use_poll=True,
            backlog=1024,
            recv_bytes=65536,
            inbuf_overflow=INBUF_BYTES,
            max_request_body_size=options.max_body_bytes + 1,
            clear_untrusted_proxy_headers=False,
            ident="",
            log_socket_errors=False,
        )
        dispatcher = GrowingTaskDispatcher(options.threads)
        sockinfo = (sock.family, sock.type, sock.proto, sock.getsockname())
        super().__init__(
            closing_middleware(app),
            map={},
            _sock=sock,
            dispatcher=dispatcher,
            adj=adjustments,
            sockinfo=sockinfo,
            bind_socket=False,
        )

    def maintenance(self, now: float) -> None:
        """Close connections idle too long, and those whose request has not arrived whole in time."""
        options = self.options
        for channel in list(self.active_channels.values()):
            if channel.requests:
                continue  # being answered
            if channel.request is not None:
                late = now - channel.request_started > options.read_timeout
            else:
                late = now - channel.last_activity > options.idle_timeout
            if late:
                channel.will_close = True

    def serve_forever(self) -> None:
        """Serve until stop() is called, then let requests in flight finish and close every connection."""
        while not self.stopping:
            wasyncore.loop(timeout=LOOP_SECONDS, use_poll=True, map=self._map, count=1)
        self.shutdown()

    def stop(self) -> None:
        """Ask serve_forever() to return; safe from a signal handler or another thread."""
        if self.stopping:
            return
        self.stopping = True
        self.pull_trigger()

    def shutdown(self) -> None:
        """Stop accepting, let requests in flight finish (for a few seconds at most), close every socket."""
        self.accepting = False
        deadline = time.monotonic() + DRAIN_SECONDS
        while self._busy() and time.monotonic() < deadline:
            wasyncore.loop(timeout=0.05, use_poll=True, map=self._map, count=1)
        self.task_dispatcher.shutdown(timeout=max(0.0, deadline - time.monotonic()))
        wasyncore.close_all(self._map, ignore_all=True)

    def _busy(self) -> bool:
        """A request is being answered or an answer is still being sent."""
        return any(channel.requests or channel.total_outbufs_len for channel in self.active_channels.values())

    def url(self) -> str:
        """The URL clients use, with the real port when 0 was asked for."""
        host, port = self.socket.getsockname()[:2]
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"
