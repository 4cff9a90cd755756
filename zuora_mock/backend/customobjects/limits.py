"""Zuora's documented limits of a custom object definition, and the rule for API names."""

from __future__ import annotations

import re
from typing import Any

MAX_NAME = 64
MAX_LABEL = 64
MAX_DESCRIPTION = 250
MAX_CUSTOM_FIELDS = 50
MAX_ENUM_VALUES = 250
DEFAULT_MAX_LENGTH = 512
MAX_MAX_LENGTH = 8192
MAX_FILTERABLE_MAX_LENGTH = 512
MAX_FILTERABLE = 10
MAX_UNIQUE = 5
MAX_AUDITABLE = 5
MAX_MANY_TO_ONE = 2

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def valid_name(name: str) -> bool:
    """An object or field API name: a letter, then letters, digits and underscores, at most 64 in all."""
    return _NAME.match(name) is not None and len(name) <= MAX_NAME


def valid_text(value: Any, limit: int) -> bool:
    """A label or description: a non-empty string of at most `limit` characters."""
    return isinstance(value, str) and 0 < len(value) <= limit
