"""The billing objects mass actions read and change, loaded from the finance seed files."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from zuora_mock.core import formats
from zuora_mock.core.fixtures import FixtureError, Seed, SeedFile

_NUMBERED = re.compile(r"^[A-Z]+-(\d{8})$")

CUSTOM_UNLIMITED = "Custom Unlimited"

# file stem -> (required field -> type) for each record of that file.
_SCHEMAS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "accounts": {"id": str, "accountNumber": str, "name": str, "currency": str, "balance": (int, float, str)},
    "invoices": {
        "id": str,
        "invoiceNumber": str,
        "accountId": str,
        "invoiceDate": str,
        "amount": (int, float, str),
        "balance": (int, float, str),
        "items": list,
    },
    "subscription_charges": {"id": str, "number": str, "accountId": str, "revenueRecognitionRule": str},
    "revenue_schedules": {
        "number": str,
        "revenueScheduleDate": str,
        "amount": (int, float, str),
        "recognitionRule": str,
    },
    "accounting_codes": {"name": str, "type": str, "status": str},
    "accounting_periods": {"name": str, "startDate": str, "endDate": str, "status": str},
    "currencies": {"code": str, "active": bool},
    "fx_rates": {"date": str, "from": str, "to": str, "rate": (int, float, str)},
    "payment_methods": {"id": str, "type": str},
    "payments": {
        "id": str,
        "number": str,
        "amount": (int, float, str),
        "currency": str,
        "effectiveDate": str,
        "paymentMethodId": str,
    },
}
_ITEM_FIELDS: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "chargeAmount": (int, float, str),
    "serviceStartDate": str,
}
_DATE_FIELDS = {
    "invoices": ("invoiceDate",),
    "revenue_schedules": ("revenueScheduleDate",),
    "accounting_periods": ("startDate", "endDate"),
    "fx_rates": ("date",),
    "payments": ("effectiveDate",),
}


@lru_cache(maxsize=8192)
def parse_date(value: str) -> date | None:
    """A YYYY-MM-DD date, or None when the text is not one (cached: files repeat the same dates)."""
    return formats.parse_date(value)


def parse_decimal(value: Any) -> Decimal | None:
    """A plain decimal number (no thousands separators or brackets), or None."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def ledger_amount(value: Any) -> Decimal:
    """An amount held by the ledger: checked when the seed was loaded, or written by the emulator itself."""
    number = parse_decimal(value)
    if number is None:
        raise ValueError(f"the ledger holds an amount that is not a number: {value!r}")
    return number


def ledger_date(value: str) -> date:
    """A YYYY-MM-DD date held by the ledger or already checked in the row."""
    day = parse_date(value)
    if day is None:
        raise ValueError(f"not a YYYY-MM-DD date: {value!r}")
    return day


def _records(seed_file: SeedFile | None, stem: str) -> list[dict[str, Any]]:
    """The records of one seed file, each checked for its required fields."""
    if seed_file is None:
        return []
    path, data = seed_file.path, seed_file.data
    if not isinstance(data, list):
        raise FixtureError(path, f"{stem} must be a JSON array of objects")
    for index, record in enumerate(data):
        where = f"{stem}[{index}]"
        if not isinstance(record, dict):
            raise FixtureError(path, f"{where} must be an object")
        _check_fields(path, where, record, _SCHEMAS[stem])
        for name in _DATE_FIELDS.get(stem, ()):
            if parse_date(record[name]) is None:
                raise FixtureError(path, f"{where}.{name} must be a YYYY-MM-DD date, got {record[name]!r}")
        if stem == "invoices":
            for i_index, item in enumerate(record["items"]):
                item_where = f"{where}.items[{i_index}]"
                _check_fields(path, item_where, item, _ITEM_FIELDS)
                if parse_date(item["serviceStartDate"]) is None:
                    raise FixtureError(path, f"{item_where}.serviceStartDate must be a YYYY-MM-DD date")
    return data


def _check_fields(path: str, where: str, record: Any, fields: dict[str, type | tuple[type, ...]]) -> None:
    if not isinstance(record, dict):
        raise FixtureError(path, f"{where} must be an object")
    for name, kind in fields.items():
        if name not in record:
            raise FixtureError(path, f"{where}: missing '{name}'")
        value = record[name]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise FixtureError(path, f"{where}.{name} has the wrong type ({type(value).__name__})")
        if kind in ((int, float, str),) and parse_decimal(value) is None:
            raise FixtureError(path, f"{where}.{name} must be a number, got {value!r}")


def _unique(path: str, stem: str, records: list[dict[str, Any]], field: str) -> dict[str, dict[str, Any]]:
    index: dict[str, dict[str, Any]] = {}
    for record in records:
        if record[field] in index:
            raise FixtureError(path, f"{stem}: duplicate {field} {record[field]!r}")
        index[record[field]] = record
    return index


class Ledger:
    """One entity's billing objects; callers hold the tenant's lock while they read or change it."""

    def __init__(self, seed: Seed) -> None:
        files = seed.finance
        unknown = sorted(set(files) - set(_SCHEMAS))
        if unknown:
            expected = ", ".join(sorted(_SCHEMAS))
            raise FixtureError(
                files[unknown[0]].path,
                f"unknown finance seed file '{unknown[0]}.json'; expected one of {expected}",
            )
        loaded = {stem: _records(files.get(stem), stem) for stem in _SCHEMAS}

        def path(stem: str) -> str:
            return files[stem].path if stem in files else stem

        self.accounts = _unique(path("accounts"), "accounts", _copy(loaded["accounts"]), "id")
        self.accounts_by_number = {a["accountNumber"]: a for a in self.accounts.values()}
        self.invoices = _unique(path("invoices"), "invoices", _copy(loaded["invoices"]), "id")
        self.invoices_by_number = {i["invoiceNumber"]: i for i in self.invoices.values()}
        self.invoice_items: dict[str, dict[str, Any]] = {}
        for invoice in self.invoices.values():
            if invoice["accountId"] not in self.accounts:
                raise FixtureError(
                    path("invoices"),
                    f"invoice {invoice['invoiceNumber']} names unknown account {invoice['accountId']!r}",
                )
            for item in invoice["items"]:
                item["invoiceId"] = invoice["id"]
                self.invoice_items[item["id"]] = item
        self.charges = _unique(
            path("subscription_charges"), "subscription_charges", _copy(loaded["subscription_charges"]), "id"
        )
        self.charges_by_number = {c["number"]: c for c in self.charges.values()}
        self.revenue_schedules = _unique(
            path("revenue_schedules"), "revenue_schedules", _copy(loaded["revenue_schedules"]), "number"
        )
        self.accounting_codes = _unique(
            path("accounting_codes"), "accounting_codes", _copy(loaded["accounting_codes"]), "name"
        )
        self.periods = [
            (ledger_date(p["startDate"]), ledger_date(p["endDate"]), p) for p in loaded["accounting_periods"]
        ]
        self.currencies = {c["code"]: c for c in _copy(loaded["currencies"])}
        self.fx_rates: dict[tuple[str, str, str, str], Decimal] = {
            (r.get("rateSetName") or "", r["date"], r["from"], r["to"]): ledger_amount(r["rate"])
            for r in loaded["fx_rates"]
        }
        self.payment_methods = _unique(
            path("payment_methods"), "payment_methods", _copy(loaded["payment_methods"]), "id"
        )
        self.payments = _unique(path("payments"), "payments", _copy(loaded["payments"]), "id")
        self.payments_by_number = {p["number"]: p for p in self.payments.values()}
        self._closed_by_day: dict[str, str | None] = {}
        self._next_rs = _next_number(self.revenue_schedules)
        self._next_payment = _next_number(self.payments_by_number)

    def closed_period(self, day: str) -> str | None:
        """The name of the closed accounting period holding this YYYY-MM-DD day, if any."""
        if day in self._closed_by_day:
            return self._closed_by_day[day]
        moment = ledger_date(day)
        found = None
        for start, end, period in self.periods:
            if start <= moment <= end and period["status"] == "Closed":
                found = period["name"]
                break
        if len(self._closed_by_day) < 100_000:
            self._closed_by_day[day] = found
        return found

    def next_revenue_schedule_number(self) -> str:
        number = f"RS-{self._next_rs:08d}"
        self._next_rs += 1
        return number

    def next_payment_number(self) -> str:
        number = f"P-{self._next_payment:08d}"
        self._next_payment += 1
        return number

    def numbering(self) -> dict[str, int]:
        """The next revenue schedule and payment numbers, which a snapshot keeps (deleted ones stay used)."""
        return {"revenueSchedule": self._next_rs, "payment": self._next_payment}

    def restore_numbering(self, numbering: dict[str, int]) -> None:
        self._next_rs = max(self._next_rs, numbering["revenueSchedule"])
        self._next_payment = max(self._next_payment, numbering["payment"])

    def exists(self, object_type: str, key: str) -> bool:
        """Whether a billing object of this type has this id (or number, for numbered objects)."""
        kind = object_type.replace("_", "").replace(" ", "").lower()
        if kind == "account":
            return key in self.accounts or key in self.accounts_by_number
        if kind == "invoice":
            return key in self.invoices or key in self.invoices_by_number
        if kind == "invoiceitem":
            return key in self.invoice_items
        if kind in ("subscriptioncharge", "rateplancharge"):
            return key in self.charges or key in self.charges_by_number
        if kind == "revenueschedule":
            return key in self.revenue_schedules
        if kind == "paymentmethod":
            return key in self.payment_methods
        if kind == "payment":
            return key in self.payments or key in self.payments_by_number
        return False


def _copy(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Deep enough copies that one entity's changes never reach another entity or the seed."""
    copied = []
    for record in records:
        clone = dict(record)
        if isinstance(clone.get("items"), list):
            clone["items"] = [dict(item) for item in clone["items"]]
        copied.append(clone)
    return copied


def _next_number(numbered: dict[str, Any]) -> int:
    highest = 0
    for number in numbered:
        match = _NUMBERED.match(number)
        if match:
            highest = max(highest, int(match.group(1)))
    return highest + 1
