"""The `q` filter of record lists: Zuora's Lucene-like syntax compiled to a predicate on filterable fields."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from zuora_mock.backend.customobjects.fields import MULTISELECT_SEPARATOR
from zuora_mock.backend.customobjects.model import Definition
from zuora_mock.core.errors import InvalidValue

Predicate = Callable[[dict[str, Any]], bool]

MSG_Q_SYNTAX = "Invalid query in 'q': {detail}"
MSG_Q_NOT_FILTERABLE = "Field [{field}] is not filterable; only filterable fields can be used in 'q'."
MSG_Q_VALUE = "Invalid value for field [{field}] in 'q': {value}"
MAX_QUERY_LENGTH = 4096
_RANGE_OPS = ("<=", ">=", "<", ">")
_AND = ("AND", "&&")
_OR = ("OR", "||")
_NOT = ("NOT", "!")
_OPERATOR_NAMES = {"&&": "AND", "||": "OR", "!": "NOT"}
# What a JSON number looks like: float() alone would also take nan, inf, 1_000 and non-ASCII digits.
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?")


@dataclass(frozen=True)
class _Term:
    field: str
    op: str  # ":", "<", "<=", ">", ">=", "exists"
    value: str
    quoted: bool


def _syntax(detail: str) -> InvalidValue:
    return InvalidValue(MSG_Q_SYNTAX.format(detail=detail))


def _tokens(text: str) -> list[Any]:
    """Split q into '(' ')' operators and terms; backslash escapes a character, quotes keep spaces."""
    out: list[Any] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            out.append(ch)
            i += 1
        elif ch == "!" and (i + 1 == n or text[i + 1] != "="):
            out.append("NOT")
            i += 1
        else:
            field, value, quoted, i = _read_word(text, i)
            out.append(_token(field, value, quoted))
    return out


def _read_word(text: str, i: int) -> tuple[str, str | None, bool, int]:
    """A word from `i` to a space or parenthesis: (field, value after the first ':' or None, quoted, end)."""
    n = len(text)
    field: list[str] = []
    value: list[str] | None = None
    target = field
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            target.append(text[i + 1])
            i += 2
        elif ch == ":" and value is None:
            value = target = []
            i += 1
            if i < n and text[i] == '"':
                # A quoted value ends the term at its closing quote.
                quoted, end = _read_quoted(text, i)
                return "".join(field), quoted, True, end
        elif ch.isspace() or ch in "()":
            break
        else:
            target.append(ch)
            i += 1
    return "".join(field), None if value is None else "".join(value), False, i


def _read_quoted(text: str, start: int) -> tuple[str, int]:
    """The value between the quote at `start` and the next unescaped quote, and the index after it."""
    n = len(text)
    end = start + 1
    chars: list[str] = []
    while end < n and text[end] != '"':
        if text[end] == "\\" and end + 1 < n:
            end += 1
        chars.append(text[end])
        end += 1
    if end >= n:
        raise _syntax("unterminated quoted value")
    return "".join(chars), end + 1


def _token(word: str, value: str | None, quoted: bool) -> Any:
    """An operator (a word without ':') or a term; a range operator leads an unquoted value."""
    if value is None:
        if word in _AND or word in _OR or word in _NOT:
            return _OPERATOR_NAMES.get(word, word)
        raise _syntax(f"expected field:value, got '{word[:50]}'")
    op = ":"
    if not quoted:
        for candidate in _RANGE_OPS:
            if value.startswith(candidate):
                op, value = candidate, value[len(candidate) :]
                break
    if word == "_exists_":
        if op != ":" or not value:
            raise _syntax("_exists_ needs a field name")
        return _Term(value, "exists", "", False)
    if not word:
        raise _syntax("a term is missing its field name")
    if not value and not quoted:
        raise _syntax(f"field '{word[:50]}' has no value")
    return _Term(word, op, value, quoted)


class _Parser:
    def __init__(self, tokens: list[Any], definition: Definition) -> None:
        self.tokens = tokens
        self.pos = 0
        self.definition = definition

    def peek(self) -> Any:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Any:
        token = self.peek()
        self.pos += 1
        return token

    def parse(self) -> Predicate:
        if not self.tokens:
            raise _syntax("the query is empty")
        predicate = self.or_expr()
        if self.peek() is not None:
            raise _syntax("unexpected ')'")
        return predicate

    def or_expr(self) -> Predicate:
        parts = [self.and_expr()]
        while True:
            token = self.peek()
            if token == "OR":
                self.take()
            elif token is None or token == ")" or token == "AND":
                break
            # Adjacent terms without an operator are OR-ed (Lucene's default operator).
            parts.append(self.and_expr())
        if len(parts) == 1:
            return parts[0]
        return lambda record: any(p(record) for p in parts)

    def and_expr(self) -> Predicate:
        parts = [self.unary()]
        while self.peek() == "AND":
            self.take()
            parts.append(self.unary())
        if len(parts) == 1:
            return parts[0]
        return lambda record: all(p(record) for p in parts)

    def unary(self) -> Predicate:
        token = self.take()
        if token == "NOT":
            inner = self.unary()
            return lambda record: not inner(record)
        if token == "(":
            inner = self.or_expr()
            if self.take() != ")":
                raise _syntax("missing ')'")
            return inner
        if isinstance(token, _Term):
            return _compile_term(token, self.definition)
        raise _syntax("unexpected end of query" if token is None else f"unexpected '{token}'")


def _convert(term: _Term, kind: str) -> Any:
    if kind in ("integer", "number"):
        number = float(term.value) if _NUMBER.fullmatch(term.value) else float("nan")
        if number != number or number in (float("inf"), float("-inf")):
            raise InvalidValue(MSG_Q_VALUE.format(field=term.field, value=term.value[:100]))
        return int(number) if number.is_integer() else number
    if kind == "boolean":
        if term.value not in ("true", "false"):
            raise InvalidValue(MSG_Q_VALUE.format(field=term.field, value=term.value[:100]))
        return term.value == "true"
    return term.value


def _compile_term(term: _Term, definition: Definition) -> Predicate:
    field = term.field
    if field not in definition.filterable:
        raise InvalidValue(MSG_Q_NOT_FILTERABLE.format(field=field[:100]))
    if term.op == "exists":
        return lambda record: record.get(field) is not None
    spec = definition.fields.get(field)
    kind = spec.type if spec is not None else "string"
    if term.op == ":" and not term.quoted and kind == "string" and ("*" in term.value or "?" in term.value):
        pattern = term.value
        if pattern == "*":
            return lambda record: record.get(field) is not None
        return lambda record: isinstance(record.get(field), str) and fnmatchcase(record[field], pattern)
    wanted = _convert(term, kind)
    if term.op == ":":
        if spec is not None and spec.multiselect:
            return lambda record: (
                isinstance(record.get(field), str) and wanted in record[field].split(MULTISELECT_SEPARATOR)
            )
        if kind in ("integer", "number"):
            return lambda record: type(record.get(field)) in (int, float) and record[field] == wanted
        return lambda record: record.get(field) == wanted and type(record[field]) is type(wanted)
    compare = {
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }[term.op]
    expected = (int, float) if kind in ("integer", "number") else (str,) if kind == "string" else (bool,)

    def in_range(record: dict[str, Any]) -> bool:
        value = record.get(field)
        return (
            isinstance(value, expected)
            and not (kind != "boolean" and isinstance(value, bool))
            and compare(value, wanted)
        )

    return in_range


def compile_query(text: str, definition: Definition) -> Predicate:
    """Compile q once per request; raises a 400 for bad syntax, unknown or non-filterable fields."""
    if len(text) > MAX_QUERY_LENGTH:
        raise _syntax(f"the query is longer than {MAX_QUERY_LENGTH} characters")
    return _Parser(_tokens(text), definition).parse()
