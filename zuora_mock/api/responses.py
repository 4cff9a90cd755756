"""JSON in and out with orjson, in Zuora's key order and content type."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response, request
from flask.json.provider import JSONProvider

from zuora_mock.core.errors import MSG_CONTENT_TYPE_JSON, MSG_MALFORMED_JSON, InvalidValue, MalformedRequest

JSON_CONTENT_TYPE = "application/json;charset=utf-8"
# orjson reads up to 1024 levels but writes at most 254; error details echo request values a few levels
# deeper than they were sent, so a body is refused past this depth rather than failing when it is echoed.
MAX_JSON_DEPTH = 200
_WRITABLE_DEPTH = 254
MSG_JSON_TOO_DEEP = "the body is nested more than {limit} levels deep"


class OrjsonProvider(JSONProvider):
    """Flask's JSON provider on orjson: 3x faster parsing and 10x faster encoding of large bodies."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return orjson.dumps(obj).decode()

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return orjson.loads(s)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        obj = self._prepare_response_obj(args, kwargs)
        return json_response(obj)


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response exactly as Zuora sends it: compact, insertion-ordered keys, charset in the type."""
    response = Response(orjson.dumps(body), status=status, headers=headers)
    response.headers["Content-Type"] = JSON_CONTENT_TYPE
    return response


def read_json(require_object: bool = True) -> Any:
    """Parse the request body as JSON, or raise the malformed-request error of the family."""
    content_type = request.mimetype
    if content_type and content_type != "application/json" and not content_type.endswith("+json"):
        raise InvalidValue(MSG_CONTENT_TYPE_JSON.format(content_type=request.content_type), status=415)
    data = request.get_data(cache=True)
    try:
        body = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise MalformedRequest(MSG_MALFORMED_JSON.format(detail=str(exc))) from None
    if require_object and not isinstance(body, dict):
        raise MalformedRequest(MSG_MALFORMED_JSON.format(detail="the body must be a JSON object"))
    if _too_deep(data, body):
        raise MalformedRequest(
            MSG_MALFORMED_JSON.format(detail=MSG_JSON_TOO_DEEP.format(limit=MAX_JSON_DEPTH))
        )
    return body


def _too_deep(data: bytes, body: Any) -> bool:
    """Deeper than MAX_JSON_DEPTH, measured by orjson itself on the body wrapped in the missing levels."""
    if data.count(b"[") + data.count(b"{") <= MAX_JSON_DEPTH:
        return False
    for _ in range(_WRITABLE_DEPTH - MAX_JSON_DEPTH):
        body = [body]
    try:
        orjson.dumps(body)
    except orjson.JSONEncodeError:
        return True
    return False
