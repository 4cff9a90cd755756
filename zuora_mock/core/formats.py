"""Text formats checked in more than one place (fixtures, custom objects, mass actions): dates, UUIDs."""

from __future__ import annotations

import re
from datetime import date, datetime

# ASCII digits only: date.fromisoformat refuses other digits anyway, so the pattern says what is meant.
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_LOWERCASE_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
MAX_DATETIME_LENGTH = len("2024-07-09T06:41:17.123456789+00:00")
# The usual wire form of a date-time, yyyy-MM-ddTHH:mm:ss.SSSZ: a subset of valid_datetime's (calendar aside).
CANONICAL_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")
CANONICAL_DATETIME_LENGTH = len("2024-07-09T06:41:17.123Z")


def parse_date(value: str) -> date | None:
    """A YYYY-MM-DD calendar date, or None when the text is not one."""
    if not _DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def valid_date(value: str) -> bool:
    return parse_date(value) is not None


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


def is_uuid(value: str, *, lowercase: bool = False) -> bool:
    """The text form of a UUID, 8-4-4-4-12 hex digits: either case, or lowercase only when asked."""
    return (_LOWERCASE_UUID if lowercase else _UUID).fullmatch(value) is not None
