"""Upstream ids onto emulator ids: a record created upstream as X and here as Y is the same record from then
on."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from zuora_mock.recorder.rules import ID_TOKEN


class IdMap:
    """A one-to-one map, learned while replaying, used to translate recorded requests and expected values."""

    def __init__(self, seed: Mapping[str, str] | None = None) -> None:
        self.forward: dict[str, str] = {}
        self.backward: dict[str, str] = {}
        for recorded, replayed in (seed or {}).items():
            self.learn(recorded, replayed)

    def learn(self, recorded: str, replayed: str) -> str | None:
        """Pair two ids; returns why the pair contradicts an earlier one, or None."""
        known = self.forward.get(recorded)
        if known is not None:
            return None if known == replayed else f"{recorded} stood for {known} until now"
        owner = self.backward.get(replayed)
        if owner is not None:
            return f"{replayed} already stands for {owner}"
        self.forward[recorded] = replayed
        self.backward[replayed] = recorded
        return None

    def learn_tokens(self, recorded: str, replayed: str) -> str | None:
        """Pair the ids inside two strings in order, when both hold as many; returns a contradiction."""
        left, right = ID_TOKEN.findall(recorded), ID_TOKEN.findall(replayed)
        if len(left) != len(right):
            return None
        for one, other in zip(left, right, strict=True):
            problem = self.learn(one, other)
            if problem is not None:
                return problem
        return None

    def translate(self, text: str) -> str:
        """The text with every id learned so far replaced by its emulator counterpart."""
        if not self.forward:
            return text
        return ID_TOKEN.sub(self._replace, text)

    def _replace(self, match: re.Match[str]) -> str:
        return self.forward.get(match.group(0), match.group(0))

    def translate_json(self, value: Any) -> Any:
        """A JSON value with ids translated in every string and every object key."""
        if isinstance(value, str):
            return self.translate(value)
        if isinstance(value, list):
            return [self.translate_json(item) for item in value]
        if isinstance(value, dict):
            return {self.translate(key): self.translate_json(item) for key, item in value.items()}
        return value
