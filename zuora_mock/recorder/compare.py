"""Compare one replayed answer with the recorded one, under the rules of rules.py; learn ids on the way."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from zuora_mock.recorder.idmap import IdMap
from zuora_mock.recorder.rules import EXACT, HEADER_RULES, Kind, Rule, json_rule

ABSENT = "(absent)"
SHOWN_LENGTH = 200


@dataclass(frozen=True)
class Difference:
    """One place where the emulator's answer is not Zuora's, by the rule that applies there."""

    where: str
    rule: str
    recorded: Any
    replayed: Any
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        body = {"where": self.where, "rule": self.rule, "recorded": _shown(self.recorded)}
        body["replayed"] = _shown(self.replayed)
        if self.note:
            body["note"] = self.note
        return body


def _shown(value: Any) -> Any:
    """Long values are cut in reports: the place and the start are what a reader needs."""
    if isinstance(value, str) and len(value) > SHOWN_LENGTH:
        return value[:SHOWN_LENGTH] + f"... ({len(value)} characters)"
    if isinstance(value, (dict, list)):
        text = repr(value)
        return value if len(text) <= SHOWN_LENGTH else text[:SHOWN_LENGTH] + "..."
    return value


def json_type(value: Any) -> str:
    """JSON's types, with integers apart from other numbers (3 and 3.0 are different answers)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


class Comparison:
    """The differences of one exchange; the id map learns the ids the rules name as ids."""

    def __init__(self, ids: IdMap) -> None:
        self.ids = ids
        self.differences: list[Difference] = []

    def add(self, where: str, rule: str, recorded: Any, replayed: Any, note: str = "") -> None:
        self.differences.append(Difference(where, rule, recorded, replayed, note))

    # ---- one value under one rule --------------------------------------------------------------------------

    def value(self, where: str, rule: Rule, recorded: Any, replayed: Any) -> None:
        """Compare two scalars of the same JSON type (or two header values) under a rule. A recorded value
        that does not have the rule's format (a null, a field named CreatedById that holds a name) is compared
        exactly."""
        if recorded is None and replayed is None:
            return
        if rule.pattern is not None and not rule.pattern.search(_text(recorded)):
            rule = EXACT
        if rule.kind is Kind.EXACT:
            expected = self.ids.translate(recorded) if isinstance(recorded, str) else recorded
            if expected != replayed:
                self.add(where, rule.label, recorded, replayed)
            return
        if rule.kind is Kind.URL:
            self._url(where, rule, recorded, replayed)
            return
        text = _text(replayed)
        if rule.pattern is not None and not rule.pattern.search(text):
            self.add(where, rule.label, recorded, replayed, "the replayed value does not have the format")
            return
        if rule.kind is Kind.ID and isinstance(recorded, str):
            problem = self.ids.learn(recorded, text)
            if problem is not None:
                self.add(where, rule.label, recorded, replayed, f"another id than before: {problem}")
        elif rule.learn_ids and isinstance(recorded, str):
            problem = self.ids.learn_tokens(recorded, text)
            if problem is not None:
                self.add(where, rule.label, recorded, replayed, problem)

    def _url(self, where: str, rule: Rule, recorded: Any, replayed: Any) -> None:
        """Links point at their own host; their path (ids learned in pairs) and query are contract."""
        if not isinstance(recorded, str) or not isinstance(replayed, str):
            self.add(where, rule.label, recorded, replayed)
            return
        left, right = urlsplit(recorded), urlsplit(replayed)
        problem = self.ids.learn_tokens(left.path, right.path)
        same = self.ids.translate(left.path) == right.path and left.query == right.query
        if problem is not None or not same:
            self.add(where, rule.label, recorded, replayed, problem or "another path")

    # ---- JSON ----------------------------------------------------------------------------------------------

    def json(self, path: str, recorded: Any, replayed: Any) -> None:
        """Keys, their order, types, then every scalar under its rule."""
        kinds = json_type(recorded), json_type(replayed)
        if kinds[0] != kinds[1]:
            self.add(f"body {path}", "type", recorded, replayed, f"{kinds[0]} recorded, {kinds[1]} replayed")
        elif isinstance(recorded, dict):
            self._object(path, recorded, replayed)
        elif isinstance(recorded, list):
            if len(recorded) != len(replayed):
                self.add(f"body {path}", "length", len(recorded), len(replayed), "another number of items")
            for index, (one, other) in enumerate(zip(recorded, replayed, strict=False)):
                self.json(f"{path}[{index}]", one, other)
        else:
            self.value(f"body {path}", json_rule(path), recorded, replayed)

    def _object(self, path: str, recorded: dict[str, Any], replayed: dict[str, Any]) -> None:
        keys = {self.ids.translate(key): key for key in recorded}
        if list(keys) != list(replayed):
            missing = [key for key in keys if key not in replayed]
            extra = [key for key in replayed if key not in keys]
            note = f"missing {missing}, extra {extra}" if missing or extra else "same keys, another order"
            self.add(f"body {path}", "keys", list(recorded), list(replayed), note)
        for key, original in keys.items():
            if key in replayed:
                self.json(_member(path, key), recorded[original], replayed[key])

    # ---- a whole answer ------------------------------------------------------------------------------------

    def answer(self, recorded: dict[str, Any], replayed: dict[str, Any]) -> list[Difference]:
        """Status, the documented headers, then the body."""
        if recorded["status"] != replayed["status"]:
            self.add("status", "exact", recorded["status"], replayed["status"])
        self.headers(recorded["headers"], replayed["headers"])
        self.body(recorded["body"], replayed["body"])
        return self.differences

    def headers(self, recorded: list[list[str]], replayed: list[list[str]]) -> None:
        left, right = _first_values(recorded), _first_values(replayed)
        for name, rule in HEADER_RULES.items():
            one, other = left.get(name), right.get(name)
            if one is None and other is None:
                continue
            if one is None or other is None:
                self.add(f"header {name}", "presence", one or ABSENT, other or ABSENT)
            else:
                self.value(f"header {name}", rule, one, other)

    def body(self, recorded: dict[str, Any], replayed: dict[str, Any]) -> None:
        kind, other = recorded.get("kind"), replayed.get("kind")
        if kind == "omitted":
            return
        if kind != other:
            self.add("body", "kind", kind, other, "another kind of body")
        elif kind == "json":
            self.json("$", recorded["json"], replayed["json"])
        elif kind == "text":
            self._text("body", recorded, replayed)
        elif kind == "zip":
            self._zip(recorded, replayed)
        elif kind == "binary" and recorded.get("sha256") != replayed.get("sha256"):
            self.add("body", "exact", recorded.get("sha256"), replayed.get("sha256"), "other bytes (sha256)")

    def _text(self, where: str, recorded: dict[str, Any], replayed: dict[str, Any]) -> None:
        expected, actual = self.ids.translate(recorded["text"]), replayed["text"]
        if recorded.get("truncated"):
            actual = actual[: len(expected)]
        if expected != actual:
            self.add(
                where, EXACT.label, recorded["text"], replayed["text"], _first_difference(expected, actual)
            )

    def _zip(self, recorded: dict[str, Any], replayed: dict[str, Any]) -> None:
        names = [self.ids.translate(member["name"]) for member in recorded["members"]]
        actual = [member["name"] for member in replayed["members"]]
        if names != actual:
            self.add("body members", EXACT.label, names, actual, "other files in the archive")
            return
        for one, other in zip(recorded["members"], replayed["members"], strict=True):
            if "text" in one and "text" in other:
                self._text(f"body {other['name']}", one, other)
            elif one.get("sha256") != other.get("sha256"):
                self.add(f"body {other['name']}", EXACT.label, one.get("sha256"), other.get("sha256"))


def _text(value: Any) -> str:
    """A scalar as the text a format pattern reads; null has no format."""
    if value is None:
        return "\0null"
    return value if isinstance(value, str) else json.dumps(value)


def _member(path: str, key: str) -> str:
    plain = key.replace("_", "").replace("-", "").isalnum() and not key[:1].isdigit()
    return f"{path}.{key}" if plain else f"{path}[{key!r}]"


def _first_values(headers: list[list[str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in headers:
        values.setdefault(name.lower(), value)
    return values


def _first_difference(expected: str, actual: str) -> str:
    for number, (one, other) in enumerate(zip(expected.splitlines(), actual.splitlines(), strict=False), 1):
        if one != other:
            return f"line {number} differs"
    return "another length"
