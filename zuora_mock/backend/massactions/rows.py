"""The checks every action's rows share: texts, dates, numbers, currencies, money and open periods."""

from __future__ import annotations

import re
from decimal import Decimal

from zuora_mock.backend.massactions import messages as m
from zuora_mock.backend.massactions.finance import Ledger, parse_date, parse_decimal

CUSTOM_FIELD_PREFIX = "Revenue Schedule:"
# What a plain decimal number looks like in a cell (no exponent, thousands separator or brackets).
PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# Digits allowed before the decimal point: also keeps amounts within what Decimal can round to cents.
MAX_INTEGER_DIGITS = 16
_CENTS = Decimal("0.01")

Fields = dict[str, str]


class RowError(Exception):
    """A row failed; the message goes into the Error Message column."""


def read_text(row: Fields, column: str, limit: int, required: bool = False) -> str:
    """A text cell of at most `limit` characters (blank allowed unless required)."""
    value = row.get(column, "")
    if required and not value:
        raise RowError(m.ROW_REQUIRED.format(column=column))
    if len(value) > limit:
        raise RowError(m.ROW_TOO_LONG.format(column=column, limit=limit))
    return value


def read_date(row: Fields, column: str, required: bool = True) -> str:
    """A YYYY-MM-DD cell, kept as text (blank allowed when not required)."""
    value = row.get(column, "")
    if not value:
        if required:
            raise RowError(m.ROW_REQUIRED.format(column=column))
        return ""
    if parse_date(value) is None:
        raise RowError(m.ROW_DATE.format(column=column, value=value[:40]))
    return value


def read_number(row: Fields, column: str, positive: bool = False) -> Decimal:
    """A plain decimal cell with at most 16 integer digits, so that it rounds to cents."""
    value = row.get(column, "")
    if not value:
        raise RowError(m.ROW_REQUIRED.format(column=column))
    number = parse_decimal(value) if PLAIN_NUMBER.match(value) else None
    if number is None:
        raise RowError(m.ROW_NUMBER.format(column=column, value=value[:40]))
    if number.adjusted() >= MAX_INTEGER_DIGITS:
        raise RowError(
            m.ROW_NUMBER_TOO_LARGE.format(column=column, digits=MAX_INTEGER_DIGITS, value=value[:40])
        )
    if positive and number <= 0:
        raise RowError(m.ROW_POSITIVE.format(column=column))
    return number


def check_open_period(ledger: Ledger, what: str, day: str) -> None:
    """Nothing may change in a closed accounting period."""
    period = ledger.closed_period(day)
    if period is not None:
        raise RowError(m.ROW_CLOSED_PERIOD.format(what=what, period=period))


def custom_fields(row: Fields) -> dict[str, str]:
    """The non-blank `Revenue Schedule:<name>` cells, by name."""
    prefix = len(CUSTOM_FIELD_PREFIX)
    return {k[prefix:]: v for k, v in row.items() if k.startswith(CUSTOM_FIELD_PREFIX) and v}


def money(amount: Decimal) -> str:
    """An amount as the ledger keeps it: text with two decimals."""
    return str(amount.quantize(_CENTS))


def read_currency(row: Fields, column: str, ledger: Ledger) -> str:
    """A currency code that is active in the tenant."""
    code = read_text(row, column, 3, required=True)
    known = ledger.currencies.get(code)
    if known is None or not known["active"]:
        raise RowError(m.FX_CURRENCY.format(column=column, value=code))
    return code
