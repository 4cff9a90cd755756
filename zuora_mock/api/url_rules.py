"""URL rules that compile their URL builders on first use: only the dashboard calls url_for."""

from __future__ import annotations

from collections.abc import Callable

from werkzeug.routing import Rule

Builder = Callable[..., tuple[str, str]]


class LazyBuilderRule(Rule):
    """Werkzeug compiles two URL builders per rule when the rule is added (about 0.3 ms each, a third of the
    app's start-up); this rule compiles each on its first url_for, with the same code and the same result."""

    def _compile_builder(self, append_unknown: bool = True) -> Builder:
        compiled: list[Builder] = []

        def build(rule: Rule, /, **values: object) -> tuple[str, str]:
            # Two threads may compile at once: both get the same function, either may be kept.
            if not compiled:
                compiled.append(Rule._compile_builder(rule, append_unknown).__get__(rule, None))
            return compiled[0](**values)

        return build
