"""JSON responses with orjson, in Zuora's key order and content type (api.commands reads requests)."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from flask.json.provider import JSONProvider

JSON_CONTENT_TYPE = "application/json;charset=utf-8"


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
