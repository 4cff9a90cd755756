"""marshmallow base for request envelopes: strict, and failures become Zuora errors of the right category."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError

from zuora_mock.core.errors import InvalidValue, MissingField, UnknownField, ZuoraError

MSG_FIELD_REQUIRED = "'{field}' is required."
MSG_FIELD_UNKNOWN = "Unknown field '{field}'."
MSG_FIELD_INVALID = "Invalid value for '{field}': {detail}"

_MISSING = "Missing data for required field."
_UNKNOWN = "Unknown field."


def _first(messages: Any, path: str = "") -> tuple[str, str]:
    """The first (dotted field path, message) of marshmallow's nested error messages."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            child = f"{path}.{key}" if path and key != "_schema" else (path if key == "_schema" else str(key))
            return _first(value, child)
    if isinstance(messages, list) and messages:
        return _first(messages[0], path)
    return path, str(messages)


def schema_error(error: ValidationError) -> ZuoraError:
    """Map marshmallow's first failure to Zuora's category: missing 22, unknown 21, invalid 20."""
    field, message = _first(error.messages)
    if message == _MISSING:
        return MissingField(MSG_FIELD_REQUIRED.format(field=field))
    if message == _UNKNOWN:
        return UnknownField(MSG_FIELD_UNKNOWN.format(field=field))
    if not field:
        return InvalidValue(message)
    return InvalidValue(MSG_FIELD_INVALID.format(field=field, detail=message))


class ZuoraSchema(Schema):
    """Unknown keys are refused; failures raise a ZuoraError instead of marshmallow's ValidationError."""

    class Meta:
        unknown = RAISE

    def handle_error(self, error: ValidationError, data: Any, **kwargs: Any) -> None:
        raise schema_error(error)
