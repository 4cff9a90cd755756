"""Per-field value checks compiled once per definition: plain closures, as records come 1,000 at a time."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import orjson

from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.messages import Failure

# A check returns None for a valid value, else the Failure to report.
Check = Callable[[Any], Failure | None]

_JSON_TYPES = {
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    list: "array",
    dict: "object",
    type(None): "null",
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_DATETIME_LENGTH = len("2024-07-09T06:41:17.123456789+00:00")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DATE_PATTERN = "yyyy-MM-dd"
DATETIME_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSZ"
MULTISELECT_SEPARATOR = ";"
MAX_INTEGER_DIGITS = 13
MAX_FRACTION_DIGITS = 9
FRACTION_SCALE = 10.0**MAX_FRACTION_DIGITS


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
    """yyyy-MM-ddTHH:mm:ss[.fraction] with Z or +HH:MM; positional checks first, the calendar by datetime."""
    n = len(value)
    if (
        not 20 <= n <= MAX_DATETIME_LENGTH
        or value[4] != "-"
        or value[7] != "-"
        or value[10] != "T"
        or value[13] != ":"
        or value[16] != ":"
        or value[19] not in ".Z+-"
    ):
        return False
    if value[19] == "." and (n == 20 or not value[20].isdigit()):
        return False
    if value[-1] != "Z" and not (n >= 25 and value[-6] in "+-" and value[-3] == ":"):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _enum_text(values: tuple[str, ...]) -> str:
    return orjson.dumps(list(values)).decode()


def compile_check(
    name: str,
    kind: str,
    fmt: str | None,
    max_length: int | None,
    enum: tuple[str, ...] | None,
    multiselect: bool,
    minimum: float | None = None,
    maximum: float | None = None,
) -> Check:
    """Build the value check of one custom field for non-null values (the empty string included)."""
    empty = Failure(m.CODE_INVALID, m.MSG_EMPTY_STRING.format(field=name))

    def wrong_type(value: Any, expected: str) -> Failure:
        if value == "":
            return empty
        return Failure(
            m.CODE_TYPE, m.MSG_WRONG_TYPE.format(field=name, expected=expected, actual=json_type(value))
        )

    if kind == "boolean":

        def check_bool(value: Any) -> Failure | None:
            if value is True or value is False:
                return None
            return wrong_type(value, "boolean")

        return check_bool

    if kind in ("integer", "number"):
        return _compile_number(name, kind, minimum, maximum, wrong_type)

    def too_long(value: str) -> Failure:
        return Failure(
            m.CODE_INVALID, m.MSG_TOO_LONG.format(value=value, length=len(value), maximum=max_length)
        )

    limit = max_length if max_length is not None else 1 << 62
    if enum is not None:
        allowed = frozenset(enum)
        allowed_text = _enum_text(enum)

        def not_allowed(value: str) -> Failure:
            return Failure(m.CODE_INVALID, m.MSG_NOT_IN_ENUM.format(value=value, allowed=allowed_text))

        if multiselect:

            def check_multi(value: Any) -> Failure | None:
                if value.__class__ is not str:
                    return wrong_type(value, "string")
                if not value:
                    return empty
                for part in value.split(MULTISELECT_SEPARATOR):
                    if part not in allowed:
                        return not_allowed(part)
                return too_long(value) if len(value) > limit else None

            return check_multi

        def check_enum(value: Any) -> Failure | None:
            if value.__class__ is not str:
                return wrong_type(value, "string")
            if value not in allowed:
                return empty if not value else not_allowed(value)
            return too_long(value) if len(value) > limit else None

        return check_enum

    if fmt in ("date", "date-time", "uuid"):
        valid, message, pattern = {
            "date": (valid_date, m.MSG_BAD_DATE, DATE_PATTERN),
            "date-time": (valid_datetime, m.MSG_BAD_DATE, DATETIME_PATTERN),
            "uuid": (lambda v: _UUID.match(v) is not None, m.MSG_BAD_UUID, ""),
        }[fmt]

        def check_format(value: Any) -> Failure | None:
            if value.__class__ is not str:
                return wrong_type(value, "string")
            if not value:
                return empty
            if not valid(value):
                return Failure(m.CODE_INVALID, message.format(value=value, pattern=pattern))
            return too_long(value) if len(value) > limit else None

        return check_format

    def check_string(value: Any) -> Failure | None:
        if value.__class__ is not str:
            return wrong_type(value, "string")
        if not value:
            return empty
        return too_long(value) if len(value) > limit else None

    return check_string


def _compile_number(
    name: str,
    kind: str,
    minimum: float | None,
    maximum: float | None,
    wrong_type: Callable[[Any, str], Failure],
) -> Check:
    """Integer and number checks: JSON type, Zuora's 13.9 digits, then the minimum and maximum."""
    limit = 10**MAX_INTEGER_DIGITS
    low = minimum if minimum is not None else -limit
    high = maximum if maximum is not None else limit
    digits = Failure(m.CODE_INVALID, m.MSG_NUMBER_DIGITS.format(field=name))
    integer_only = kind == "integer"

    def out_of_range(value: float) -> Failure | None:
        if not -limit < value < limit:
            return digits
        if minimum is not None and value < minimum:
            return Failure(m.CODE_INVALID, MSG_BELOW_MINIMUM.format(bound=minimum, value=value))
        if maximum is not None and value > maximum:
            return Failure(m.CODE_INVALID, MSG_ABOVE_MAXIMUM.format(bound=maximum, value=value))
        return None

    def check_number(value: Any) -> Failure | None:
        cls = value.__class__
        if cls is int:
            if low <= value <= high and -limit < value < limit:
                return None
            return out_of_range(value)
        if cls is float and not integer_only:
            if not (value * FRACTION_SCALE).is_integer():
                # Slow exact path only when the cheap test cannot vouch for at most 9 decimals.
                text = repr(value)
                if "e" in text or "n" in text or len(text) - text.find(".") - 1 > MAX_FRACTION_DIGITS:
                    return digits
            if low <= value <= high and -limit < value < limit:
                return None
            return out_of_range(value)
        return wrong_type(value, kind)

    return check_number


MSG_BELOW_MINIMUM = (
    "Json input does not match schema. Error(s): numeric instance is lower than the required minimum "
    "(minimum: {bound}, found: {value})"
)
MSG_ABOVE_MAXIMUM = (
    "Json input does not match schema. Error(s): numeric instance is greater than the required "
    "maximum (maximum: {bound}, found: {value})"
)


# Fast-path shapes: merge() accepts the common valid values inline and calls the full check only otherwise.
FAST_TEXT, FAST_ENUM, FAST_INTEGER, FAST_NUMBER, FAST_BOOLEAN, FAST_NONE, FAST_DATETIME = range(7)


def canonical_datetime(value: str) -> bool:
    """The usual wire form, yyyy-MM-ddTHH:mm:ss.SSSZ: a subset of what valid_datetime accepts."""
    return len(value) == 24 and value[23] == "Z" and value[20:23].isdigit() and valid_datetime(value)


def fast_path(
    kind: str,
    fmt: str | None,
    max_length: int | None,
    enum: tuple[str, ...] | None,
    multiselect: bool,
    minimum: float | None,
    maximum: float | None,
    check: Check,
) -> tuple[Any, ...]:
    """A conservative inline test per field: it only ever accepts values the full check accepts."""
    bound = 10**MAX_INTEGER_DIGITS - 1
    low = max(minimum, -bound) if minimum is not None else -bound
    high = min(maximum, bound) if maximum is not None else bound
    if kind == "boolean":
        return FAST_BOOLEAN, None, None, check
    if kind == "integer":
        return FAST_INTEGER, low, high, check
    if kind == "number":
        return FAST_NUMBER, low, high, check
    limit = max_length if max_length is not None else 1 << 62
    if enum is not None and not multiselect:
        return FAST_ENUM, limit, frozenset(enum), check
    if enum is None and fmt in (None, "url"):
        return FAST_TEXT, limit, None, check
    if enum is None and fmt == "date-time" and kind == "string":
        return FAST_DATETIME, limit, None, check
    return FAST_NONE, None, None, check
