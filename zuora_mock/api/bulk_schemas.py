"""The `params` form field of POST /v1/bulk: a JSON object inside a multipart form."""

from __future__ import annotations

from typing import Any

import orjson
from marshmallow import fields, validate

from zuora_mock.api.schemas import ZuoraSchema
from zuora_mock.backend.massactions import messages as m
from zuora_mock.backend.massactions.actions import ACTION_TYPES
from zuora_mock.core.errors import MalformedRequest


class BulkParamsSchema(ZuoraSchema):
    """actionType (exact spelling) and an optional 32-hex MD5 checksum; nothing else is documented."""

    actionType = fields.String(
        required=True, validate=validate.OneOf(ACTION_TYPES, error=m.MSG_ACTION_TYPE_INVALID)
    )
    checksum = fields.String(validate=validate.Regexp(r"^[0-9a-fA-F]{32}$", error=m.MSG_CHECKSUM_FORMAT))


_SCHEMA = BulkParamsSchema()


def parse_params(raw: str | bytes) -> dict[str, Any]:
    """Parse and validate `params`; malformed JSON is category 90, schema failures 22/21/20."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedRequest(m.MSG_PARAMS_MALFORMED.format(detail=str(exc)[:200])) from None
    if not isinstance(data, dict):
        raise MalformedRequest(m.MSG_PARAMS_MALFORMED.format(detail="the value is not a JSON object"))
    return _SCHEMA.load(data)
