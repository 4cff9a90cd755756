"""Typed reads of a state document that name the place of any problem, for a 400 the user can act on."""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

from zuora_mock.core.errors import InvalidValue

T = TypeVar("T")
MSG_INVALID_STATE = "Invalid state document: {where}: {problem}"
# Times are epoch seconds and must stay inside what a date can show (the year 5138); counts are far below.
MAX_NUMBER = 1e11
_KIND_NAMES = {dict: "an object", list: "an array", str: "a string", bool: "true or false"}


def refuse(where: str, problem: str) -> NoReturn:
    """Stop loading: the whole document is refused and the state left as it was."""
    raise InvalidValue(MSG_INVALID_STATE.format(where=where, problem=problem)[:2000])


def need(value: Any, kind: type[T], where: str) -> T:
    """The value when it has this JSON type, else a refusal naming where it is."""
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        refuse(where, f"must be {_KIND_NAMES.get(kind, kind.__name__)}")
    return value


def need_key(body: dict[str, Any], key: str, kind: type[T], where: str) -> T:
    """A required member of an object, of the given type."""
    if key not in body:
        refuse(where, f"'{key}' is missing")
    return need(body[key], kind, f"{where}.{key}")


def need_number(body: dict[str, Any], key: str, where: str, *, optional: bool = False) -> float | None:
    """A number member (seconds since the epoch, a count); null only where optional."""
    value = body.get(key)
    if value is None and optional and key in body:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_NUMBER:
        refuse(f"{where}.{key}", "must be a number >= 0 and <= 1e11" + (" or null" if optional else ""))
    return value


def need_count(body: dict[str, Any], key: str, where: str, *, optional: bool = False) -> int | None:
    """A whole number >= 0 (null only where optional)."""
    value = need_number(body, key, where, optional=optional)
    if value is None:
        return None
    if not isinstance(value, int):
        refuse(f"{where}.{key}", "must be a whole number")
    return value


def only_keys(body: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    """Refuse members the format does not know (a typo would otherwise be dropped without a word)."""
    for key in body:
        if key not in allowed:
            refuse(where, f"unknown member '{str(key)[:100]}'")
