"""Page numbers and sizes of the dashboard's tables, read from the query string without ever failing."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request

DEFAULT_SIZE = 50
SIZES = (20, 50, 100, 200)
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class Page:
    """One page of a table: its number (from 1), its size, and the total it is a page of."""

    number: int
    size: int
    total: int

    @property
    def count(self) -> int:
        """How many pages the total fills (at least one, for an empty table)."""
        return max(1, -(-self.total // self.size))

    @property
    def first_row(self) -> int:
        return 0 if self.total == 0 else (self.number - 1) * self.size + 1

    @property
    def last_row(self) -> int:
        return min(self.total, self.number * self.size)


def _whole(raw: str | None, default: int, low: int, high: int) -> int:
    if raw is None or not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        return default
    return min(max(int(raw), low), high)


def requested_size() -> int:
    """?size=, one of the offered sizes (anything else is the default)."""
    size = _whole(request.args.get("size"), DEFAULT_SIZE, 1, max(SIZES))
    return size if size in SIZES else DEFAULT_SIZE


def requested_number() -> int:
    """?page=, from 1; nonsense reads as the first page."""
    return _whole(request.args.get("page"), 1, 1, MAX_PAGE)


def clamp(number: int, size: int, total: int) -> Page:
    """The requested page, moved back onto the last one when it is past the end."""
    page = Page(number, size, total)
    return page if number <= page.count else Page(page.count, size, total)
