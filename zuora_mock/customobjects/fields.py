"""Per-field value checks compiled once per definition: plain closures, because records are validated by the 1,000."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import orjson

from . import messages as m

# A check returns None for a valid value, else (code, message).
Failure = tuple[int, str]
Check = Callable[[Any], Failure | None]

_JSON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number", list: "array", dict: "object",
               type(None): "null"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DATE_PATTERN = "yyyy-MM-dd"
DATETIME_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSZ"
MULTISELECT_SEPARATOR = ";"
MAX_INTEGER_DIGITS = 13
MAX_FRACTION_DIGITS = 9


def json_type(value: Any) -> str:
    """The JSON type name of a parsed value, as the validator reports it."""
    return _JSON_TYPES.get(type(value), "unknown")


def valid_date(value: str) -> bool:
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def valid_datetime(value: str) -> bool:
    if not _DATETIME.match(value):
        return False
    try:
        datetime.fromisoformat(value[:19])
    except ValueError:
        return False
    return True


def _enum_text(values: tuple[str, ...]) -> str:
    return orjson.dumps(list(values)).decode()


def compile_check(name: str, kind: str, fmt: str | None, max_length: int | None,
                  enum: tuple[str, ...] | None, multiselect: bool) -> Check:
    """Build the value check of one custom field (non-null, non-empty values only)."""
    if kind == "boolean":
        def check_bool(value: Any) -> Failure | None:
            if value is True or value is False:
                return None
            return m.CODE_TYPE, m.MSG_WRONG_TYPE.format(field=name, expected="boolean", actual=json_type(value))
        return check_bool

    if kind == "integer":
        def check_int(value: Any) -> Failure | None:
            if type(value) is not int:
                return m.CODE_TYPE, m.MSG_WRONG_TYPE.format(field=name, expected="integer", actual=json_type(value))
            if abs(value) >= 10 ** MAX_INTEGER_DIGITS:
                return m.CODE_INVALID, m.MSG_NUMBER_DIGITS.format(field=name)
            return None
        return check_int

    if kind == "number":
        limit = 10 ** MAX_INTEGER_DIGITS

        def check_number(value: Any) -> Failure | None:
            cls = type(value)
            if cls is not int and cls is not float:
                return m.CODE_TYPE, m.MSG_WRONG_TYPE.format(field=name, expected="number", actual=json_type(value))
            if abs(value) >= limit:
                return m.CODE_INVALID, m.MSG_NUMBER_DIGITS.format(field=name)
            if cls is float:
                text = repr(value)
                if "e" in text or "E" in text or len(text.partition(".")[2]) > MAX_FRACTION_DIGITS:
                    return m.CODE_INVALID, m.MSG_NUMBER_DIGITS.format(field=name)
            return None
        return check_number

    maximum = max_length

    def wrong_type(value: Any) -> Failure:
        return m.CODE_TYPE, m.MSG_WRONG_TYPE.format(field=name, expected="string", actual=json_type(value))

    def too_long(value: str) -> Failure | None:
        if maximum is not None and len(value) > maximum:
            return m.CODE_INVALID, m.MSG_TOO_LONG.format(value=value, length=len(value), maximum=maximum)
        return None

    if enum is not None and multiselect:
        allowed = frozenset(enum)
        allowed_text = _enum_text(enum)

        def check_multi(value: Any) -> Failure | None:
            if type(value) is not str:
                return wrong_type(value)
            for part in value.split(MULTISELECT_SEPARATOR):
                if part not in allowed:
                    return m.CODE_INVALID, m.MSG_NOT_IN_ENUM.format(value=part, allowed=allowed_text)
            return too_long(value)
        return check_multi

    if enum is not None:
        allowed = frozenset(enum)
        allowed_text = _enum_text(enum)

        def check_enum(value: Any) -> Failure | None:
            if type(value) is not str:
                return wrong_type(value)
            if value not in allowed:
                return m.CODE_INVALID, m.MSG_NOT_IN_ENUM.format(value=value, allowed=allowed_text)
            return too_long(value)
        return check_enum

    if fmt in ("date", "date-time", "uuid"):
        valid, message, pattern = {
            "date": (valid_date, m.MSG_BAD_DATE, DATE_PATTERN),
            "date-time": (valid_datetime, m.MSG_BAD_DATE, DATETIME_PATTERN),
            "uuid": (lambda v: bool(_UUID.match(v)), m.MSG_BAD_UUID, ""),
        }[fmt]

        def check_format(value: Any) -> Failure | None:
            if type(value) is not str:
                return wrong_type(value)
            if not valid(value):
                return m.CODE_INVALID, message.format(value=value, pattern=pattern)
            return too_long(value)
        return check_format

    def check_string(value: Any) -> Failure | None:
        if type(value) is not str:
            return wrong_type(value)
        if maximum is not None and len(value) > maximum:
            return m.CODE_INVALID, m.MSG_TOO_LONG.format(value=value, length=len(value), maximum=maximum)
        return None
    return check_string
