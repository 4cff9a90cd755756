"""Bodies in a cassette: readable (JSON as JSON, forms as pairs, multipart as parts), small, and replayable.

A body is a JSON object with a `kind`:

- `empty`; `json` (`json`: the parsed value, key order kept); `text` (`text`, optionally `truncated` and
  `size` when only the start was kept);
- `form` (`form`: [[name, value], ...]); `multipart` (`parts`: [{`headers`, and `text` or `base64`}]);
- `zip` (responses: `size`, `sha256`, `members`: [{`name`, `size`, `text` (maybe `truncated`) or `sha256`}]);
- `binary` (`size`, `sha256`, and `base64` in requests); `omitted` (`size`, `sha256`: too large to keep).

Requests keep every byte they need to be sent again, up to the size limit; responses keep what the
comparison reads (a result file's CSV text, not its compressed bytes).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from email.message import Message
from typing import Any
from urllib.parse import parse_qsl, urlencode

DEFAULT_MAX_BYTES = 256 * 1024
ZIP_MAGIC = b"PK\x03\x04"


class NotReplayable(ValueError):
    """A recorded request body that was too large to keep, or that cannot be rebuilt."""


def _media_type(content_type: str | None) -> tuple[str, dict[str, str]]:
    message = Message()
    message["content-type"] = content_type or "application/octet-stream"
    params = {key.lower(): value for key, value in (message.get_params() or [])[1:]}
    return message.get_content_type(), params


def _digest(data: bytes) -> dict[str, Any]:
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _reject_constant(name: str) -> Any:
    raise ValueError(f"not JSON: {name}")


def _as_json(data: bytes) -> Any:
    return json.loads(data.decode("utf-8"), parse_constant=_reject_constant)


def _as_text(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def capture(data: bytes, content_type: str | None, *, request: bool, limit: int = DEFAULT_MAX_BYTES) -> dict:
    """The cassette form of a (decoded) body."""
    if not data:
        return {"kind": "empty"}
    media, params = _media_type(content_type)
    if media == "application/json" or media.endswith("+json"):
        try:
            return {"kind": "json", "json": _as_json(data)}
        except ValueError:
            pass
    if media == "application/x-www-form-urlencoded" and request:
        text = _as_text(data)
        if text is not None:
            return {"kind": "form", "form": [list(pair) for pair in parse_qsl(text, keep_blank_values=True)]}
    if media == "multipart/form-data" and "boundary" in params:
        parts = split_multipart(data, params["boundary"].encode("latin-1"))
        if parts is not None:
            return {"kind": "multipart", "parts": [_part(headers, body, limit) for headers, body in parts]}
    if not request and data.startswith(ZIP_MAGIC):
        summary = _zip_summary(data, limit)
        if summary is not None:
            return summary
    return _text_or_binary(data, request=request, limit=limit)


def _text_or_binary(data: bytes, *, request: bool, limit: int) -> dict:
    text = _as_text(data)
    if len(data) > limit:
        if request:
            return {"kind": "omitted", **_digest(data)}
        if text is not None:
            return {"kind": "text", "text": text[:limit], "truncated": True, "size": len(data)}
        return {"kind": "binary", **_digest(data)}
    if text is not None:
        return {"kind": "text", "text": text}
    if request:
        return {"kind": "binary", **_digest(data), "base64": base64.b64encode(data).decode("ascii")}
    return {"kind": "binary", **_digest(data)}


def _part(headers: list[list[str]], body: bytes, limit: int) -> dict:
    if len(body) > limit:
        return {"headers": headers, "omitted": _digest(body)}
    text = _as_text(body)
    if text is not None:
        return {"headers": headers, "text": text}
    return {"headers": headers, "base64": base64.b64encode(body).decode("ascii")}


def split_multipart(data: bytes, boundary: bytes) -> list[tuple[list[list[str]], bytes]] | None:
    """The parts of a multipart body, byte for byte; None when it is not well formed."""
    chunks = data.split(b"--" + boundary)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        return None
    parts = []
    for chunk in chunks[1:-1]:
        if not chunk.startswith(b"\r\n") or not chunk.endswith(b"\r\n"):
            return None
        inner = chunk[2:-2]
        if inner.startswith(b"\r\n"):
            head, body = b"", inner[2:]
        else:
            head, sep, body = inner.partition(b"\r\n\r\n")
            if not sep:
                return None
        headers = _part_headers(head)
        if headers is None:
            return None
        parts.append((headers, body))
    return parts


def _part_headers(head: bytes) -> list[list[str]] | None:
    headers = []
    for line in head.split(b"\r\n") if head else []:
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon:
            return None
        headers.append([name.strip(), value.strip()])
    return headers


def _zip_summary(data: bytes, limit: int) -> dict | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [_member(info, archive.read(info), limit) for info in archive.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return None
    return {"kind": "zip", **_digest(data), "members": members}


def _member(info: zipfile.ZipInfo, content: bytes, limit: int) -> dict:
    text = _as_text(content)
    if text is None:
        return {"name": info.filename, **_digest(content)}
    if len(content) > limit:
        return {"name": info.filename, "size": len(content), "text": text[:limit], "truncated": True}
    return {"name": info.filename, "size": len(content), "text": text}


# ---- back to bytes, for the replay -----------------------------------------------------------------------


def rebuild(body: dict, content_type: str | None) -> bytes:
    """The bytes of a recorded request body; NotReplayable when the recorder kept only its digest."""
    kind = body.get("kind")
    if kind == "empty":
        return b""
    if kind == "json":
        return json.dumps(body["json"], separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if kind == "form":
        return urlencode([tuple(pair) for pair in body["form"]]).encode("ascii")
    if kind == "text" and not body.get("truncated"):
        return str(body["text"]).encode("utf-8")
    if kind == "binary" and "base64" in body:
        return base64.b64decode(body["base64"])
    if kind == "multipart":
        return _join_multipart(body["parts"], content_type)
    raise NotReplayable(f"the recorded {kind} body was not kept whole")


def _join_multipart(parts: list[dict], content_type: str | None) -> bytes:
    boundary = _media_type(content_type)[1].get("boundary")
    if not boundary:
        raise NotReplayable("the multipart body has no boundary in its Content-Type")
    marker = b"--" + boundary.encode("latin-1")
    out = []
    for part in parts:
        if "omitted" in part:
            raise NotReplayable("a part of the multipart body was too large to keep")
        head = b"".join(f"{name}: {value}\r\n".encode("latin-1") for name, value in part["headers"])
        content = base64.b64decode(part["base64"]) if "base64" in part else part["text"].encode("utf-8")
        out.append(marker + b"\r\n" + head + b"\r\n" + content + b"\r\n")
    return b"".join(out) + marker + b"--\r\n"
