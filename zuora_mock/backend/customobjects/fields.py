"""The rule of one custom field, compiled once per definition: the one place that says which values it takes.

A rule checks value by value (`check`, with Zuora's message for the first problem) and, for a batch, a whole
column at once with C-speed builtins (`column_ok`), as records come 1,000 at a time. The column test is the
same rule stated for many values; it may answer False when unsure, never True for a value `check` refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import orjson

from zuora_mock.backend.customobjects import messages as m
from zuora_mock.backend.customobjects.messages import Failure
from zuora_mock.core.formats import (
    CANONICAL_DATETIME,
    CANONICAL_DATETIME_LENGTH,
    is_uuid,
    valid_date,
    valid_datetime,
)

_JSON_TYPES = {
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    list: "array",
    dict: "object",
    type(None): "null",
}
DATE_PATTERN = "yyyy-MM-dd"
DATETIME_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSZ"
MULTISELECT_SEPARATOR = ";"
MAX_INTEGER_DIGITS = 13
MAX_FRACTION_DIGITS = 9
FRACTION_SCALE = 10.0**MAX_FRACTION_DIGITS
_NO_LIMIT = 1 << 62
_STR, _INT, _BOOL = frozenset({str}), frozenset({int}), frozenset({bool})
_NUMERIC = frozenset({int, float})


def json_type(value: Any) -> str:
    """The JSON type name of a parsed value, as the validator reports it."""
    return _JSON_TYPES.get(type(value), "unknown")


def _valid_uuid(value: str) -> bool:
    # One trailing line break has always been let through here (the check used to be a `^...$` pattern
    # with match()); kept so that answers do not change.
    return is_uuid(value.removesuffix("\n"))


class FieldRule:
    """What one custom field accepts; a subclass per kind of field states it for a value and for a column."""

    __slots__ = ("empty", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self.empty = Failure(m.CODE_INVALID, m.MSG_EMPTY_STRING.format(field=name))

    def check(self, value: Any) -> Failure | None:
        """None for a valid non-null value (the empty string included), else the first problem."""
        raise NotImplementedError

    def column_ok(self, column: Sequence[Any]) -> bool:
        """Whether check() accepts every value of a non-empty column; False when unsure, as here."""
        return False

    def wrong_type(self, value: Any, expected: str) -> Failure:
        if value == "":
            return self.empty
        actual = json_type(value)
        return Failure(
            m.CODE_TYPE, m.MSG_WRONG_TYPE.format(field=self.name, expected=expected, actual=actual)
        )


class BooleanRule(FieldRule):
    """true or false."""

    __slots__ = ()

    def check(self, value: Any) -> Failure | None:
        if value is True or value is False:
            return None
        return self.wrong_type(value, "boolean")

    def column_ok(self, column: Sequence[Any]) -> bool:
        return set(map(type, column)) == _BOOL


class NumberRule(FieldRule):
    """integer and number fields: the JSON type, Zuora's 13.9 digits, then the minimum and maximum."""

    __slots__ = ("digits", "high", "kind", "low", "maximum", "minimum", "safe_high", "safe_low")
    LIMIT = 10**MAX_INTEGER_DIGITS

    def __init__(self, name: str, kind: str, minimum: float | None, maximum: float | None) -> None:
        super().__init__(name)
        self.kind = kind
        self.minimum, self.maximum = minimum, maximum
        self.low = minimum if minimum is not None else -self.LIMIT
        self.high = maximum if maximum is not None else self.LIMIT
        self.digits = Failure(m.CODE_INVALID, m.MSG_NUMBER_DIGITS.format(field=name))
        # The column test's bounds: within both the field's bounds and 13 integer digits.
        bound = self.LIMIT - 1
        self.safe_low = max(minimum, -bound) if minimum is not None else -bound
        self.safe_high = min(maximum, bound) if maximum is not None else bound

    def check(self, value: Any) -> Failure | None:
        cls = value.__class__
        if cls is float and self.kind == "number":
            # The exact digit count only when the cheap test cannot vouch for at most 9 decimals.
            if not (value * FRACTION_SCALE).is_integer() and _too_precise(value):
                return self.digits
        elif cls is not int:
            return self.wrong_type(value, self.kind)
        if self.low <= value <= self.high and -self.LIMIT < value < self.LIMIT:
            return None
        return self.out_of_range(value)

    def out_of_range(self, value: float) -> Failure:
        if not -self.LIMIT < value < self.LIMIT:
            return self.digits
        if self.minimum is not None and value < self.minimum:
            return Failure(m.CODE_INVALID, m.MSG_BELOW_MINIMUM.format(bound=self.minimum, value=value))
        return Failure(m.CODE_INVALID, m.MSG_ABOVE_MAXIMUM.format(bound=self.maximum, value=value))

    def column_ok(self, column: Sequence[Any]) -> bool:
        classes = set(map(type, column))
        if self.kind == "integer":
            if classes != _INT:
                return False
        elif not classes <= _NUMERIC:
            return False
        elif float in classes:
            # is_integer() is also False for NaN and infinity, which min/max could otherwise hide.
            scaled = [value * FRACTION_SCALE for value in column if value.__class__ is float]
            if not all(map(float.is_integer, scaled)):
                return False
        return bool(self.safe_low <= min(column) and max(column) <= self.safe_high)


def _too_precise(value: float) -> bool:
    """More than 9 decimals, or a float written with an exponent, nan or inf."""
    text = repr(value)
    return "e" in text or "n" in text or len(text) - text.find(".") - 1 > MAX_FRACTION_DIGITS


class StringRule(FieldRule):
    """What every string field shares: the type, no empty string, at most maxLength characters."""

    __slots__ = ("limit", "max_length")

    def __init__(self, name: str, max_length: int | None) -> None:
        super().__init__(name)
        self.max_length = max_length
        self.limit = max_length if max_length is not None else _NO_LIMIT

    def too_long(self, value: str) -> Failure:
        message = m.MSG_TOO_LONG.format(value=value, length=len(value), maximum=self.max_length)
        return Failure(m.CODE_INVALID, message)


class TextRule(StringRule):
    """Plain text and url fields."""

    __slots__ = ()

    def check(self, value: Any) -> Failure | None:
        if value.__class__ is not str:
            return self.wrong_type(value, "string")
        if not value:
            return self.empty
        return self.too_long(value) if len(value) > self.limit else None

    def column_ok(self, column: Sequence[Any]) -> bool:
        if set(map(type, column)) != _STR:
            return False
        lengths = list(map(len, column))
        return min(lengths) > 0 and max(lengths) <= self.limit


class PicklistRule(StringRule):
    """What picklists share: the enum values, and the message that lists them."""

    __slots__ = ("allowed", "allowed_text")

    def __init__(self, name: str, max_length: int | None, enum: tuple[str, ...]) -> None:
        super().__init__(name, max_length)
        self.allowed = frozenset(enum)
        self.allowed_text = orjson.dumps(list(enum)).decode()

    def not_allowed(self, value: str) -> Failure:
        return Failure(m.CODE_INVALID, m.MSG_NOT_IN_ENUM.format(value=value, allowed=self.allowed_text))


class EnumRule(PicklistRule):
    """A picklist: one of the enum values."""

    __slots__ = ()

    def check(self, value: Any) -> Failure | None:
        if value.__class__ is not str:
            return self.wrong_type(value, "string")
        if value not in self.allowed:
            return self.empty if not value else self.not_allowed(value)
        return self.too_long(value) if len(value) > self.limit else None

    def column_ok(self, column: Sequence[Any]) -> bool:
        if set(map(type, column)) != _STR:
            return False
        distinct = set(column)
        return distinct <= self.allowed and max(map(len, distinct)) <= self.limit


class MultiselectRule(PicklistRule):
    """A multi-select picklist: enum values joined by ';' (no column test: such values rarely repeat)."""

    __slots__ = ()

    def check(self, value: Any) -> Failure | None:
        if value.__class__ is not str:
            return self.wrong_type(value, "string")
        if not value:
            return self.empty
        for part in value.split(MULTISELECT_SEPARATOR):
            if part not in self.allowed:
                return self.not_allowed(part)
        return self.too_long(value) if len(value) > self.limit else None


class FormatRule(StringRule):
    """date and uuid fields: a string the format accepts."""

    __slots__ = ("message", "pattern", "valid")

    def __init__(
        self, name: str, max_length: int | None, valid: Callable[[str], bool], message: str, pattern: str
    ) -> None:
        super().__init__(name, max_length)
        self.valid, self.message, self.pattern = valid, message, pattern

    def check(self, value: Any) -> Failure | None:
        if value.__class__ is not str:
            return self.wrong_type(value, "string")
        if not value:
            return self.empty
        if not self.valid(value):
            return Failure(m.CODE_INVALID, self.message.format(value=value, pattern=self.pattern))
        return self.too_long(value) if len(value) > self.limit else None


class DateTimeRule(FormatRule):
    """date-time fields; a column of the usual yyyy-MM-ddTHH:mm:ss.SSSZ values is checked at once."""

    __slots__ = ()

    def column_ok(self, column: Sequence[Any]) -> bool:
        if set(map(type, column)) != _STR or self.limit < CANONICAL_DATETIME_LENGTH:
            return False
        distinct = set(column)  # a batch often stamps many records alike: each value is checked once
        if not all(map(CANONICAL_DATETIME.fullmatch, distinct)):
            return False
        try:
            all(map(datetime.fromisoformat, distinct))
        except ValueError:
            return False
        return True


_FORMATS: dict[str, tuple[type[FormatRule], Callable[[str], bool], str, str]] = {
    "date": (FormatRule, valid_date, m.MSG_BAD_DATE, DATE_PATTERN),
    "date-time": (DateTimeRule, valid_datetime, m.MSG_BAD_DATE, DATETIME_PATTERN),
    "uuid": (FormatRule, _valid_uuid, m.MSG_BAD_UUID, ""),
}


def compile_rule(
    name: str,
    kind: str,
    *,
    fmt: str | None = None,
    max_length: int | None = None,
    enum: tuple[str, ...] | None = None,
    multiselect: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
) -> FieldRule:
    """The rule of one custom field from its (already checked) definition attributes."""
    if kind == "boolean":
        return BooleanRule(name)
    if kind in ("integer", "number"):
        return NumberRule(name, kind, minimum, maximum)
    if enum is not None:
        return (MultiselectRule if multiselect else EnumRule)(name, max_length, enum)
    if fmt in _FORMATS:
        cls, valid, message, pattern = _FORMATS[fmt]
        return cls(name, max_length, valid, message, pattern)
    return TextRule(name, max_length)
