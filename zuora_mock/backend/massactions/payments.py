"""MPU (mass payment upload): a payment per row, applied to invoices of its account or unassigned."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zuora_mock.backend.massactions import messages as m
from zuora_mock.backend.massactions.finance import Ledger, ledger_amount, parse_decimal
from zuora_mock.backend.massactions.rows import (
    PLAIN_NUMBER,
    Fields,
    RowError,
    check_open_period,
    money,
    read_currency,
    read_date,
    read_number,
    read_text,
)
from zuora_mock.core import ids

Application = tuple[dict[str, Any], Decimal]
PAYMENT_TYPES = ("External", "Electronic")
# Payment method types processed through a gateway; the others (Check, Cash, WireTransfer, ...) are external.
ELECTRONIC_METHOD_TYPES = frozenset({"CreditCard", "ACH", "BankTransfer", "PayPal", "ApplePay", "GooglePay"})


def _applications(value: str, ledger: Ledger, account: dict[str, Any]) -> list[Application]:
    applied = []
    for part in value.split("|"):
        key, sep, raw_amount = part.partition(":")
        key, raw_amount = key.strip(), raw_amount.strip()
        amount = parse_decimal(raw_amount) if PLAIN_NUMBER.match(raw_amount) else None
        if not sep or not key or amount is None or amount <= 0:
            raise RowError(m.MPU_INVOICE_FORMAT.format(value=value[:100]))
        invoice = ledger.invoices_by_number.get(key) or ledger.invoices.get(key)
        if invoice is None:
            raise RowError(m.MPU_INVOICE_NOT_FOUND.format(key=key))
        if invoice["accountId"] != account["id"]:
            raise RowError(m.MPU_INVOICE_OTHER_ACCOUNT.format(key=key, account=account["accountNumber"]))
        balance = ledger_amount(invoice["balance"])
        if amount > balance:
            raise RowError(m.MPU_INVOICE_BALANCE.format(amount=raw_amount, key=key, balance=money(balance)))
        applied.append((invoice, amount))
    return applied


def mass_payment_upload(row: Fields, ledger: Ledger) -> tuple[str, ...]:
    account_key = read_text(row, "Billing Account ID", 32)
    invoices = read_text(row, "Payment Invoice", 100_000)
    amount = read_number(row, "Payment Amount", positive=True)
    currency = read_currency(row, "Currency", ledger)
    day = read_date(row, "Payment Date")
    method_id = read_text(row, "Payment Method ID", 32, required=True)
    comment = read_text(row, "Payment Comment", 255)
    reference_id = read_text(row, "Reference ID", 60)
    method = ledger.payment_methods.get(method_id)
    if method is None:
        raise RowError(m.MPU_PM_NOT_FOUND.format(key=method_id))
    payment_type, gateway_id = _payment_type(row, method_id, method, account_key)
    account: dict[str, Any] | None = None
    applied: list[Application] = []
    if account_key:
        account = _paying_account(ledger, account_key, method_id, method, currency)
        applied = _applied_invoices(invoices, ledger, account, amount)
    else:
        _check_unassigned(invoices, method)
    check_open_period(ledger, "Payment Date", day)
    _settle(account, applied)
    payment: dict[str, Any] = {
        "id": ids.zuora_id(),
        "number": ledger.next_payment_number(),
        "accountId": account["id"] if account else None,
        "amount": money(amount),
        "currency": currency,
        "effectiveDate": day,
        "paymentMethodId": method_id,
        "comment": comment or None,
        "type": payment_type,
        "referenceId": reference_id or None,
        "gatewayId": gateway_id,
        "status": "Processed",
        "invoices": [{"invoiceNumber": inv["invoiceNumber"], "amount": money(a)} for inv, a in applied],
    }
    ledger.payments[payment["id"]] = payment
    ledger.payments_by_number[payment["number"]] = payment
    return ()


def _payment_type(
    row: Fields, method_id: str, method: dict[str, Any], account_key: str
) -> tuple[str, str | None]:
    """External (the default) or Electronic; an Electronic payment names its gateway and an account's
    electronic payment method."""
    payment_type = read_text(row, "Payment Type", 20) or "External"
    if payment_type not in PAYMENT_TYPES:
        raise RowError(m.MPU_PAYMENT_TYPE.format(value=payment_type))
    if payment_type == "External":
        return payment_type, None
    gateway_id = read_text(row, "Gateway ID", 32)
    if not gateway_id:
        raise RowError(m.MPU_GATEWAY_REQUIRED)
    if method.get("type") not in ELECTRONIC_METHOD_TYPES:
        raise RowError(m.MPU_ELECTRONIC_PM.format(key=method_id, type=method.get("type")))
    if not account_key:
        raise RowError(m.MPU_ELECTRONIC_ACCOUNT)
    return payment_type, gateway_id


def _paying_account(
    ledger: Ledger, key: str, method_id: str, method: dict[str, Any], currency: str
) -> dict[str, Any]:
    """The account a payment is for: it exists, may use the payment method and pays in its currency."""
    account = ledger.accounts.get(key) or ledger.accounts_by_number.get(key)
    if account is None:
        raise RowError(m.MPU_ACCOUNT_NOT_FOUND.format(key=key))
    if method.get("accountId") not in (None, account["id"]):
        raise RowError(m.MPU_PM_OTHER_ACCOUNT.format(key=method_id, account=account["accountNumber"]))
    if currency != account["currency"]:
        raise RowError(
            m.MPU_CURRENCY_MISMATCH.format(
                currency=currency, expected=account["currency"], account=account["accountNumber"]
            )
        )
    return account


def _applied_invoices(
    invoices: str, ledger: Ledger, account: dict[str, Any], amount: Decimal
) -> list[Application]:
    """The invoices a payment is applied to, in total no more than the payment."""
    if not invoices:
        return []
    applied = _applications(invoices, ledger, account)
    total = sum((a for _, a in applied), Decimal(0))
    if total > amount:
        raise RowError(m.MPU_APPLIED_EXCEEDS.format(applied=money(total), amount=money(amount)))
    return applied


def _check_unassigned(invoices: str, method: dict[str, Any]) -> None:
    """A payment without an account names no invoice and uses a method of no account."""
    if invoices:
        raise RowError(m.MPU_UNASSIGNED_INVOICE)
    if method.get("accountId") is not None:
        raise RowError(m.MPU_UNASSIGNED_PM)


def _settle(account: dict[str, Any] | None, applied: list[Application]) -> None:
    """Lower the balances of the invoices paid, and of their account."""
    for invoice, part in applied:
        invoice["balance"] = money(ledger_amount(invoice["balance"]) - part)
    if account is not None and applied:
        paid = sum((a for _, a in applied), Decimal(0))
        account["balance"] = money(ledger_amount(account["balance"]) - paid)
