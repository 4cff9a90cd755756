"""The Zuora routes the emulator serves, in the form the SDK writes paths ('GET /v1/bulk/{}')."""

from __future__ import annotations

import re
from functools import cache

from flask import Flask

from zuora_mock import create_app
from zuora_mock.api.families import OAUTH_PREFIX, OBJECTS_PREFIX, V1_PREFIX

_PARAM = re.compile(r"<[^>]+>|\{[^}]+\}")
ZUORA_PREFIXES = (V1_PREFIX + "/", OBJECTS_PREFIX + "/", OAUTH_PREFIX + "/")
_IMPLICIT_METHODS = ("HEAD", "OPTIONS")


def normalise(method: str, path: str) -> str:
    """'GET /v1/bulk/{}' from the SDK's '/v1/bulk/{bulk-key}' or Flask's '/v1/bulk/<bulk_key>'."""
    return f"{method.upper()} {_PARAM.sub('{}', path)}"


def routes_of(app: Flask) -> set[str]:
    return {
        normalise(method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(ZUORA_PREFIXES)
        for method in rule.methods or ()
        if method not in _IMPLICIT_METHODS
    }


@cache
def served_routes() -> frozenset[str]:
    """Every Zuora route of a default app (the admin API /_mock/ is the emulator's own, not Zuora's)."""
    return frozenset(routes_of(create_app({}, environ={})))
