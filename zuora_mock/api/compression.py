"""gzip both ways: inflate request bodies under a hard cap, compress large JSON responses."""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Callable, Iterable
from typing import Any

from zuora_mock.core.errors import (
    MSG_BODY_TOO_LARGE,
    MSG_GZIP_INVALID,
    MSG_GZIP_TOO_LARGE,
    MSG_UNSUPPORTED_ENCODING,
    InvalidValue,
    MalformedRequest,
    PayloadTooLarge,
    ZuoraError,
)
from zuora_mock.core.settings import Settings

BODY_ERROR_KEY = "zuora_mock.body_error"
# Set when the middleware read the whole request body from the client (the connection can be reused).
BODY_CONSUMED_KEY = "zuora_mock.body_consumed"
COMPRESS_MIN_BYTES = 1000  # "Zuora automatically compresses responses that contain over 1000 bytes"
COMPRESSIBLE_TYPES = ("application/json", "application/xml", "text/html", "text/csv", "text/plain")
_CHUNK = 64 * 1024
# A WSGI application as this middleware calls it: (environ, start_response) -> body chunks.
WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def inflate(stream: Any, compressed_limit: int, inflated_limit: int) -> bytes:
    """Read a gzip stream and inflate it, refusing as soon as either limit is passed (gzip-bomb guard)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = io.BytesIO()
    read = 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        read += len(chunk)
        if read > compressed_limit:
            raise PayloadTooLarge(MSG_BODY_TOO_LARGE.format(limit=compressed_limit))
        try:
            data = inflater.decompress(chunk, inflated_limit + 1 - out.tell())
        except zlib.error:
            raise MalformedRequest(MSG_GZIP_INVALID) from None
        out.write(data)
        if out.tell() > inflated_limit or inflater.unconsumed_tail:
            raise PayloadTooLarge(MSG_GZIP_TOO_LARGE.format(limit=inflated_limit))
        if inflater.eof:
            break
    if not inflater.eof:
        raise MalformedRequest(MSG_GZIP_INVALID)
    return out.getvalue()


class GzipRequestMiddleware:
    """WSGI middleware: a body sent with Content-Encoding: gzip reaches the app inflated, or as an error."""

    def __init__(self, app: WsgiApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        encoding = environ.get("HTTP_CONTENT_ENCODING", "").strip().lower()
        if encoding and encoding != "identity":
            environ[BODY_ERROR_KEY] = self._inflate_into(environ, encoding)
        return self.app(environ, start_response)

    def _inflate_into(self, environ: dict[str, Any], encoding: str) -> ZuoraError | None:
        """Replace wsgi.input with the inflated body; return the error to raise instead, if any."""
        if encoding not in ("gzip", "x-gzip"):
            return InvalidValue(MSG_UNSUPPORTED_ENCODING.format(encoding=encoding[:40]), status=415)
        limit = self.settings.max_body_bytes
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return PayloadTooLarge(MSG_BODY_TOO_LARGE.format(limit=limit))
        stream = environ["wsgi.input"]
        bounded = _Bounded(stream, length) if length else None
        try:
            if bounded is not None or environ.get("wsgi.input_terminated"):
                body = inflate(bounded or stream, limit, self.settings.max_decompressed_bytes)
            else:
                body = b""
        except ZuoraError as err:
            # The compressed size is known and within max_body_bytes: read the rest so the answer is not
            # lost to a connection reset (cheap even for a bomb: it is the *compressed* bytes).
            if bounded is not None and bounded.drain():
                environ[BODY_CONSUMED_KEY] = True
            return err
        except OSError:
            return MalformedRequest(MSG_GZIP_INVALID)
        if bounded is not None:
            bounded.drain()  # bytes after the end of the gzip member are ignored
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("HTTP_CONTENT_ENCODING", None)
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ.pop("wsgi.input_terminated", None)
        environ[BODY_CONSUMED_KEY] = True
        return None


class _Bounded:
    """Reads at most `length` bytes from a WSGI input that is not terminated."""

    def __init__(self, stream: Any, length: int) -> None:
        self._stream, self._left = stream, length
        self._short = False

    def read(self, size: int) -> bytes:
        if self._left <= 0:
            return b""
        data: bytes = self._stream.read(min(size, self._left))
        if not data:
            self._short, self._left = True, 0
        self._left -= len(data)
        return data

    def drain(self) -> bool:
        """Discard what is left; True when the declared length was read in full."""
        try:
            while self._left > 0:
                self.read(_CHUNK)
        except OSError:
            return False
        return not self._short


def wants_gzip(accept_encoding: str) -> bool:
    """Whether the client accepts gzip (q=0 refuses it)."""
    for part in accept_encoding.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            q = params.strip()
            return not (q.startswith("q=") and q[2:].strip() in ("0", "0.0", "0.00", "0.000"))
    return False


def maybe_compress(body: bytes, mimetype: str, accept_encoding: str) -> bytes | None:
    """The gzip form of a response body when Zuora would compress it, else None."""
    if (
        len(body) <= COMPRESS_MIN_BYTES
        or mimetype not in COMPRESSIBLE_TYPES
        or not wants_gzip(accept_encoding)
    ):
        return None
    return gzip.compress(body, compresslevel=5, mtime=0)
