"""Read models over the billing ledger: what Zuora's v1 read endpoints report of what mass actions changed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from zuora_mock.backend.massactions import messages as m
from zuora_mock.backend.massactions.finance import Ledger, ledger_amount, parse_date
from zuora_mock.backend.massactions.store import MassActionStore
from zuora_mock.core.errors import InvalidValue, MissingParameter, NotFound

SUMMARY_ITEMS = 6  # Zuora's account summary shows the six most recent invoices and payments
MAX_FX_DAYS = 90
ELECTRONIC_METHODS = frozenset({"CreditCard", "ACH", "BankTransfer", "PayPal", "ApplePay", "GooglePay"})
MSG_DATE_REQUIRED = "'{field}' is required."
MSG_DATE_INVALID = "Invalid value for '{field}': '{value}' is not a yyyy-mm-dd date."
MSG_DATE_RANGE = "The period between startDate and endDate must be between 0 and {days} days."
MSG_CURRENCY_INVALID = "The currency '{currency}' is not an active currency of the tenant."


def derived_id(kind: str, key: str) -> str:
    """A stable 32-hex id for seed objects that carry only a name or number (same across resets)."""
    return hashlib.md5(f"{kind}:{key}".encode(), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class RevenueSchedule:
    """A revenue schedule as GET /v1/revenue-schedules reports the fields the ledger holds."""

    id: str
    number: str
    account_id: str | None
    currency: str | None
    amount: Decimal
    recognition_rule: str
    revenue_schedule_date: str
    reference_id: str | None
    notes: str | None
    linked_transaction_type: str | None
    linked_transaction_id: str | None
    subscription_charge_number: str | None
    deferred_code: str | None
    recognized_code: str | None
    custom_fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AppliedInvoice:
    invoice_id: str
    invoice_number: str
    amount: Decimal


@dataclass(frozen=True)
class Payment:
    """A payment with its applications and accounting codes."""

    id: str
    number: str
    account_id: str | None
    account_number: str | None
    amount: Decimal
    applied: tuple[AppliedInvoice, ...]
    comment: str | None
    currency: str
    effective_date: str
    payment_method_id: str
    status: str
    type: str
    bank_code: tuple[str, str] | None  # (accounting code, its type)
    unapplied_code: tuple[str, str] | None

    @property
    def applied_amount(self) -> Decimal:
        return sum((a.amount for a in self.applied), Decimal(0))


@dataclass(frozen=True)
class AccountingCode:
    id: str
    name: str
    status: str
    type: str


@dataclass(frozen=True)
class Invoice:
    id: str
    invoice_number: str
    invoice_date: str
    amount: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Account:
    """An account with the balances that MPU lowers, its invoices and its payments."""

    id: str
    account_number: str
    name: str
    currency: str
    balance: Decimal
    invoices: tuple[Invoice, ...]
    payments: tuple[Payment, ...]

    @property
    def total_invoice_balance(self) -> Decimal:
        return sum((i.balance for i in self.invoices), Decimal(0))


@dataclass(frozen=True)
class FxRates:
    """Rates into one currency, per day: [(YYYY-MM-DD, {from currency: rate})]."""

    rate_set_name: str | None
    days: list[tuple[str, dict[str, Decimal]]]


class BillingReader:
    """Consistent snapshots of ledger objects, read under the tenant's lock."""

    def __init__(self, store: MassActionStore) -> None:
        self._store = store

    def revenue_schedule(self, number: str) -> RevenueSchedule:
        with self._store.lock:
            ledger = self._store.ledger
            found = ledger.revenue_schedules.get(number)
            if found is None:
                raise _not_found(number)
            return _schedule(ledger, found)

    def schedules_of_charge(self, charge_key: str) -> list[RevenueSchedule]:
        with self._store.lock:
            ledger = self._store.ledger
            charge = ledger.charges.get(charge_key) or ledger.charges_by_number.get(charge_key)
            if charge is None:
                raise _not_found(charge_key)
            number = charge["number"]
            return [
                _schedule(ledger, s)
                for s in ledger.revenue_schedules.values()
                if s.get("subscriptionChargeNumber") == number
            ]

    def schedule_of_invoice_item(self, item_id: str) -> RevenueSchedule:
        with self._store.lock:
            ledger = self._store.ledger
            if item_id not in ledger.invoice_items:
                raise _not_found(item_id)
            for schedule in ledger.revenue_schedules.values():
                linked = (schedule.get("linkedTransactionType"), schedule.get("linkedTransactionKey"))
                if linked == ("Invoice Item", item_id):
                    return _schedule(ledger, schedule)
            raise _not_found(item_id)

    def payment(self, key: str) -> Payment:
        with self._store.lock:
            ledger = self._store.ledger
            found = ledger.payments.get(key) or ledger.payments_by_number.get(key)
            if found is None:
                raise _not_found(key)
            return _payment(ledger, found)

    def payments(self, filters: dict[str, str]) -> list[Payment]:
        """Payments in creation order, matching every filter (accountId, number, status, currency)."""
        with self._store.lock:
            ledger = self._store.ledger
            listed = [_payment(ledger, p) for p in ledger.payments.values()]
        checks = {
            "accountId": lambda p: p.account_id,
            "number": lambda p: p.number,
            "status": lambda p: p.status,
            "currency": lambda p: p.currency,
        }
        for name, value in filters.items():
            listed = [p for p in listed if checks[name](p) == value]
        return listed

    def accounting_codes(self) -> list[AccountingCode]:
        with self._store.lock:
            return [_code(c) for c in self._store.ledger.accounting_codes.values()]

    def accounting_code(self, code_id: str) -> AccountingCode:
        for code in self.accounting_codes():
            if code.id == code_id:
                return code
        raise _not_found(code_id)

    def account(self, key: str) -> Account:
        with self._store.lock:
            ledger = self._store.ledger
            found = ledger.accounts.get(key) or ledger.accounts_by_number.get(key)
            if found is None:
                raise _not_found(key)
            invoices = tuple(
                Invoice(
                    i["id"],
                    i["invoiceNumber"],
                    i["invoiceDate"],
                    ledger_amount(i["amount"]),
                    ledger_amount(i["balance"]),
                )
                for i in ledger.invoices.values()
                if i["accountId"] == found["id"]
            )
            payments = tuple(
                _payment(ledger, p) for p in ledger.payments.values() if p.get("accountId") == found["id"]
            )
            return Account(
                found["id"],
                found["accountNumber"],
                found["name"],
                found["currency"],
                ledger_amount(found["balance"]),
                invoices,
                payments,
            )

    def fx_rates(self, currency: str, start: str | None, end: str | None, rate_set: str | None) -> FxRates:
        """Rates into `currency` for each day from start to end that has one (custom exchange rates)."""
        first, last = _day("startDate", start), _day("endDate", end)
        if not 0 <= (last - first).days <= MAX_FX_DAYS:
            raise InvalidValue(MSG_DATE_RANGE.format(days=MAX_FX_DAYS))
        with self._store.lock:
            ledger = self._store.ledger
            if not ledger.currencies.get(currency, {}).get("active"):
                raise InvalidValue(MSG_CURRENCY_INVALID.format(currency=currency[:10]))
            stored = dict(ledger.fx_rates)
        wanted = rate_set or ""
        days: list[tuple[str, dict[str, Decimal]]] = []
        day = first
        while day <= last:
            text = day.isoformat()
            rates = {
                f: r for (s, d, f, t), r in stored.items() if s == wanted and d == text and t == currency
            }
            if rates:
                days.append((text, dict(sorted(rates.items()))))
            day += timedelta(days=1)
        return FxRates(rate_set, days)


def _not_found(key: str) -> NotFound:
    return NotFound(m.MSG_NOT_FOUND.format(key=key[:100]))


def _day(name: str, value: str | None) -> date:
    if not value:
        raise MissingParameter(MSG_DATE_REQUIRED.format(field=name))
    day = parse_date(value)
    if day is None:
        raise InvalidValue(MSG_DATE_INVALID.format(field=name, value=value[:30]))
    return day


def _account_of_schedule(ledger: Ledger, schedule: dict[str, Any]) -> dict[str, Any] | None:
    if schedule.get("linkedTransactionType") == "Invoice Item":
        item = ledger.invoice_items.get(schedule.get("linkedTransactionKey") or "")
        if item is not None:
            return ledger.accounts.get(ledger.invoices[item["invoiceId"]]["accountId"])
    charge = ledger.charges_by_number.get(schedule.get("subscriptionChargeNumber") or "")
    return ledger.accounts.get(charge["accountId"]) if charge else None


def _schedule(ledger: Ledger, s: dict[str, Any]) -> RevenueSchedule:
    account = _account_of_schedule(ledger, s)
    return RevenueSchedule(
        id=s.get("id") or derived_id("revenue-schedule", s["number"]),
        number=s["number"],
        account_id=account["id"] if account else None,
        currency=account["currency"] if account else None,
        amount=ledger_amount(s["amount"]),
        recognition_rule=s["recognitionRule"],
        revenue_schedule_date=s["revenueScheduleDate"],
        reference_id=s.get("referenceId"),
        notes=s.get("notes"),
        linked_transaction_type=s.get("linkedTransactionType"),
        linked_transaction_id=s.get("linkedTransactionKey"),
        subscription_charge_number=s.get("subscriptionChargeNumber"),
        deferred_code=s.get("deferredRevenueAccountingCode"),
        recognized_code=s.get("recognizedRevenueAccountingCode"),
        custom_fields=dict(s.get("customFields") or {}),
    )


def _typed_code(ledger: Ledger, name: str | None) -> tuple[str, str] | None:
    if not name:
        return None
    known = ledger.accounting_codes.get(name)
    return (name, known["type"]) if known else None


def _payment(ledger: Ledger, p: dict[str, Any]) -> Payment:
    account = ledger.accounts.get(p.get("accountId") or "")
    method = ledger.payment_methods.get(p["paymentMethodId"], {})
    applied = []
    for part in p.get("invoices") or ():
        invoice = ledger.invoices_by_number.get(part["invoiceNumber"])
        if invoice is not None:
            applied.append(
                AppliedInvoice(invoice["id"], invoice["invoiceNumber"], ledger_amount(part["amount"]))
            )
    return Payment(
        id=p["id"],
        number=p["number"],
        account_id=account["id"] if account else None,
        account_number=account["accountNumber"] if account else None,
        amount=ledger_amount(p["amount"]),
        applied=tuple(applied),
        comment=p.get("comment"),
        currency=p["currency"],
        effective_date=p["effectiveDate"],
        payment_method_id=p["paymentMethodId"],
        status=p.get("status") or "Processed",
        type=p.get("type") or ("Electronic" if method.get("type") in ELECTRONIC_METHODS else "External"),
        bank_code=_typed_code(ledger, p.get("accountingCode")),
        unapplied_code=_typed_code(ledger, p.get("unappliedPaymentAccountingCode")),
    )


def _code(c: dict[str, Any]) -> AccountingCode:
    return AccountingCode(derived_id("accounting-code", c["name"]), c["name"], c["status"], c["type"])
