"""Rules that compile their URL builders on first use build the same URLs as Werkzeug's, from any thread."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from werkzeug.routing import Map, Rule

from zuora_mock.api.url_rules import LazyBuilderRule

ODD_VALUE = "a b/ü?&#%"


def sample_values(rule: Rule) -> dict[str, object]:
    """A value for every variable of the rule (an int for int converters) and one unknown argument."""
    values: dict[str, object] = {"extra": ODD_VALUE, "self": "x"}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        values[name] = 7 if converter in ("IntegerConverter", "FloatConverter") else ODD_VALUE
    return values


def plain_copy(rule: Rule) -> Rule:
    """The same rule as Werkzeug's own class, bound to a map of its own."""
    copy = Rule(rule.rule, endpoint=rule.endpoint, defaults=rule.defaults, methods=rule.methods)
    Map([copy], strict_slashes=False)
    return copy


def test_the_app_uses_lazy_rules(app: Flask) -> None:
    """Every route of the blueprints; Flask() adds its static route before the class is set."""
    assert app.url_rule_class is LazyBuilderRule
    eager = [rule.rule for rule in app.url_map.iter_rules() if not isinstance(rule, LazyBuilderRule)]
    assert eager == ["/static/<path:filename>"]


@pytest.mark.parametrize("append_unknown", [False, True])
def test_every_route_builds_the_same_url_as_werkzeug(app: Flask, append_unknown: bool) -> None:
    for rule in app.url_map.iter_rules():
        values = sample_values(rule)
        assert rule.build(values, append_unknown) == plain_copy(rule).build(values, append_unknown), rule


def test_url_for_answers_on_the_first_and_later_calls(app: Flask) -> None:
    with app.test_request_context():
        from flask import url_for

        first = url_for("ui.records", tenant_name="demo", object_name="Vehicle", entity="e 1")
        again = url_for("ui.records", tenant_name="demo", object_name="Vehicle", entity="e 1")
    assert first == again == "/_mock/ui/objects/demo/Vehicle?entity=e+1"


def test_concurrent_first_builds_agree() -> None:
    rule = LazyBuilderRule("/things/<name>/<int:number>", endpoint="thing")
    Map([rule])
    threads = 16
    barrier = threading.Barrier(threads)

    def build(index: int) -> tuple[str, str] | None:
        barrier.wait()
        return rule.build({"name": f"n {index}", "number": index, "q": "x"})

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(build, range(threads)))
    assert results == [("", f"/things/n%20{index}/{index}?q=x") for index in range(threads)]
