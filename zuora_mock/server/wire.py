"""What goes on the wire, hooked into waitress: status lines and headers as Zuora sends them, keep-alive,
protocol errors in Zuora's v1 envelope, and request bodies over the limit left for the app to refuse."""

from __future__ import annotations

import contextlib
import socket
import struct
import sys
import time
from http import HTTPStatus
from typing import Any

from waitress.channel import ClientDisconnected, HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.task import WSGITask
from waitress.utilities import Error, RequestEntityTooLarge, RequestHeaderFieldsTooLarge, build_http_date

from zuora_mock.api.faulting import ABORT_KEY
from zuora_mock.core.memory import TRIM_AFTER_BYTES, trim
from zuora_mock.server.requestlog import log_line

# The request line and header count Werkzeug's server (http.server) accepted; beyond them: 414 and 431.
MAX_REQUEST_LINE = 65536
MAX_HEADERS = 100
# Set by the app's response (through a Connection header, which WSGI forbids the app to send): close after it.
CLOSE_KEY = "zuora_mock.close_connection"

# RFC 7231's phrases, the ones Zuora's Java services send (and its OAuth bodies repeat in "error"); Werkzeug
# would send them in capitals ("404 NOT FOUND") and Python's own table changes between versions.
REASON_PHRASES = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No Content",
    304: "Not Modified",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    408: "Request Timeout",
    409: "Conflict",
    411: "Length Required",
    412: "Precondition Failed",
    413: "Payload Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",  # Zuora's idempotency guide (and RFC 9110) name it so
    428: "Precondition Required",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
    505: "HTTP Version Not Supported",
}


def status_line(version: str, status: str) -> str:
    """`HTTP/1.1 404 Not Found` for the app's `404 NOT FOUND`."""
    code, _, phrase = status.partition(" ")
    try:
        number = int(code)
        phrase = REASON_PHRASES.get(number) or HTTPStatus(number).phrase
    except ValueError:
        pass
    return f"HTTP/{version} {code} {phrase}"


class UriTooLong(Error):
    code, reason = 414, "URI Too Long"


class VersionNotSupported(Error):
    code, reason = 505, "HTTP Version Not Supported"


class ZuoraRequestParser(HTTPRequestParser):
    """waitress's parser, plus the limits Werkzeug's server had, a 505 for unknown HTTP versions, and bodies
    over max_body_bytes read and dropped so that the app answers its own 413 in the family's envelope."""

    error: Error | None
    body_rcv: Any
    discarding = 0  # body bytes still to read and drop

    def received(self, data: bytes) -> int:
        if self.discarding:
            return self._discard(data)
        consumed: int = super().received(data)
        if isinstance(self.error, RequestEntityTooLarge) and self.body_rcv is not None and not self.chunked:
            # Content-Length over the limit: the app refuses it by its declared length, without a body.
            self.error, self.body_rcv, self.completed = None, None, False
            self.discarding = self.content_length
        return consumed

    def _discard(self, data: bytes) -> int:
        taken = min(len(data), self.discarding)
        self.discarding -= taken
        self.completed = not self.discarding
        return taken

    def parse_header(self, header_plus: bytes) -> None:
        first_line = header_plus.partition(b"\r\n")[0]
        if len(first_line) > MAX_REQUEST_LINE:
            self.error = UriTooLong(f"request line longer than {MAX_REQUEST_LINE} bytes")
            return
        if header_plus.count(b"\r\n") > MAX_HEADERS:
            self.error = RequestHeaderFieldsTooLarge(f"more than {MAX_HEADERS} headers")
            return
        super().parse_header(header_plus)
        if self.version not in ("1.0", "1.1"):
            shown = self.version or "none"
            self.error = VersionNotSupported(f"Invalid HTTP version ({shown})")
            self.body_rcv = None


class ZuoraTask(WSGITask):
    """waitress's WSGI task writing the app's headers in the app's order and spelling (waitress would sort
    them and write RateLimit-Limit as Ratelimit-Limit), with Connection: keep-alive or close said outright."""

    response_headers: list[tuple[str, str]]

    def build_response_header(self) -> bytes:
        headers = [(name, value) for name, value in self.response_headers if name.lower() != "connection"]
        names = {name.lower() for name, _ in headers}
        if "content-length" not in names and self.has_body:
            if self.content_length is not None:
                headers.append(("Content-Length", str(self.content_length)))
            elif self.version == "1.1":
                headers.append(("Transfer-Encoding", "chunked"))
                self.chunked_response = True
            else:
                self.close_on_finish = True
        if self._must_close():
            self.close_on_finish = True
        headers.append(("Connection", "close" if self.close_on_finish else "keep-alive"))
        if "date" not in names:
            headers.insert(0, ("Date", build_http_date(self.start_time)))
        self.response_headers = headers
        lines = [status_line(self.version, self.status), *(f"{name}: {value}" for name, value in headers)]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def _must_close(self) -> bool:
        """The client, the app or a stopping server ends the connection after this response."""
        asked = self.request.headers.get("CONNECTION", "").lower()
        if self.version == "1.0" and asked != "keep-alive":
            return True
        environ = self.environ or {}
        return asked == "close" or bool(environ.get(CLOSE_KEY)) or self.channel.server.stopping

    def finish(self) -> None:
        super().finish()
        if self.channel.server.log_requests:
            self._log()
        if (self.request.content_length or 0) >= TRIM_AFTER_BYTES:
            trim()  # a megabyte body and its parsed copies were just freed: hand the pages back

    def write(self, data: bytes) -> None:
        if not self.wrote_header and (self.environ or {}).get(ABORT_KEY):
            self._reset_connection()
        super().write(data)

    def _reset_connection(self) -> None:
        """Fault `reset`: no answer at all; the connection is closed with a TCP reset (SO_LINGER 0)."""
        with contextlib.suppress(OSError):
            self.channel.socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        raise ClientDisconnected

    def _log(self) -> None:
        """One line per request on stderr, in the log_format setting's format."""
        sys.stderr.write(log_line(self, self.channel.server.options.log_format))


class ProtocolErrorTask(ZuoraTask):
    """Requests the server refuses before the app sees them: a status line and Zuora's v1 error envelope."""

    complete = True

    def __init__(self, channel: Any, request: Any) -> None:
        super().__init__(channel, request)
        # The request's version may be unknown or unparsed: 1.1 is the answer every 1.x client reads.
        self.version = "1.1"

    def execute(self) -> None:
        error = self.request.error
        if isinstance(error, RequestEntityTooLarge) and self.request.chunked:
            # A chunked body past the limit: the app refuses it in its own envelope, by the length so far.
            self.request.headers["CONTENT_LENGTH"] = str(self.request.body_bytes_received)
            self.request.error, self.request.body_rcv = None, None
            self.complete = False
            super().execute()
            self.close_on_finish = True
            return
        from zuora_mock.api.envelopes import protocol_error_body
        from zuora_mock.api.responses import JSON_CONTENT_TYPE

        request_id, body = protocol_error_body(str(error.body))
        self.status = f"{error.code} {error.reason}"
        self.response_headers = [
            ("Content-Type", JSON_CONTENT_TYPE),
            ("Content-Length", str(len(body))),
            ("Zuora-Request-Id", request_id),
        ]
        self.close_on_finish = True
        self.content_length = len(body)
        self.write(body)

    def _must_close(self) -> bool:
        return True


class ZuoraChannel(HTTPChannel):
    """waitress's connection, remembering when the request being received began (for the read timeout)."""

    task_class = ZuoraTask
    error_task_class = ProtocolErrorTask
    parser_class = ZuoraRequestParser
    request_started = 0.0

    def received(self, data: bytes) -> bool:
        if self.request is None:
            self.request_started = time.time()
        result: bool = super().received(data)
        return result


def closing_middleware(app: Any) -> Any:
    """Turn the app's `Connection: close` header (hop-by-hop, which WSGI servers refuse) into a flag."""

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            kept = []
            for name, value in headers:
                if name.lower() == "connection":
                    environ[CLOSE_KEY] = environ.get(CLOSE_KEY) or value.lower() == "close"
                else:
                    kept.append((name, value))
            return start_response(status, kept, exc_info)

        return app(environ, start)

    return wsgi
