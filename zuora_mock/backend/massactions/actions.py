"""One handler per actionType: the columns it needs, its per-row checks and its effect on the ledger."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zuora_mock.backend.massactions import messages as m
from zuora_mock.backend.massactions.finance import (
    CUSTOM_UNLIMITED,
    Ledger,
    ledger_amount,
    parse_date,
    parse_decimal,
)
from zuora_mock.core import ids

GROUP_ID = "Group ID"
GROUP_ID_LIMIT = 255
CUSTOM_FIELD_PREFIX = "Revenue Schedule:"
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# Digits allowed before the decimal point: also keeps amounts within what Decimal can round to cents.
MAX_INTEGER_DIGITS = 16


class RowError(Exception):
    """A row failed; the message goes into the Error Message column."""


Fields = dict[str, str]
RowFn = Callable[[Fields, Ledger], tuple[str, ...]]


@dataclass(frozen=True)
class Action:
    """What an actionType needs from the header and how one row is applied."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    apply: RowFn
    one_of: tuple[tuple[str, ...], ...] = ()
    result_columns: tuple[str, ...] = ()
    custom_fields: bool = False
    # ImportFXRate marks rows skipped after a failure in their group as errors; the others leave them blank.
    group_skip_is_error: bool = False
    columns: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        grouped = tuple(c for group in self.one_of for c in group)
        object.__setattr__(self, "columns", (GROUP_ID, *self.required, *grouped, *self.optional))

    def missing_columns(self, header: list[str]) -> list[str]:
        """Required columns the header lacks (a one-of group is shown as 'A or B')."""
        present = set(header)
        missing = [c for c in self.required if c not in present]
        for group in self.one_of:
            if not present.intersection(group):
                missing.append(" or ".join(group))
        return missing

    def relevant(self, header: list[str]) -> list[tuple[str, int]]:
        """(column, index) of every header column this action reads; others pass through untouched."""
        known = set(self.columns)
        picked = []
        for index, name in enumerate(header):
            if name.startswith("#"):
                continue
            if name in known or (self.custom_fields and name.startswith(CUSTOM_FIELD_PREFIX)):
                picked.append((name, index))
        return picked


# ---- shared row checks -------------------------------------------------------------------------------------


def _text(row: Fields, column: str, limit: int, required: bool = False) -> str:
    value = row.get(column, "")
    if required and not value:
        raise RowError(m.ROW_REQUIRED.format(column=column))
    if len(value) > limit:
        raise RowError(m.ROW_TOO_LONG.format(column=column, limit=limit))
    return value


def _date(row: Fields, column: str, required: bool = True) -> str:
    value = row.get(column, "")
    if not value:
        if required:
            raise RowError(m.ROW_REQUIRED.format(column=column))
        return ""
    if parse_date(value) is None:
        raise RowError(m.ROW_DATE.format(column=column, value=value[:40]))
    return value


def _number(row: Fields, column: str, positive: bool = False) -> Decimal:
    value = row.get(column, "")
    if not value:
        raise RowError(m.ROW_REQUIRED.format(column=column))
    number = parse_decimal(value) if _PLAIN_NUMBER.match(value) else None
    if number is None:
        raise RowError(m.ROW_NUMBER.format(column=column, value=value[:40]))
    if number.adjusted() >= MAX_INTEGER_DIGITS:
        raise RowError(
            m.ROW_NUMBER_TOO_LARGE.format(column=column, digits=MAX_INTEGER_DIGITS, value=value[:40])
        )
    if positive and number <= 0:
        raise RowError(m.ROW_POSITIVE.format(column=column))
    return number


def _open_period(ledger: Ledger, what: str, day: str) -> None:
    period = ledger.closed_period(day)
    if period is not None:
        raise RowError(m.ROW_CLOSED_PERIOD.format(what=what, period=period))


def _custom_fields(row: Fields) -> dict[str, str]:
    prefix = len(CUSTOM_FIELD_PREFIX)
    return {k[prefix:]: v for k, v in row.items() if k.startswith(CUSTOM_FIELD_PREFIX) and v}


_CENTS = Decimal("0.01")


def _money(amount: Decimal) -> str:
    return str(amount.quantize(_CENTS))


# ---- UpdateAccountingCode ----------------------------------------------------------------------------------

AC_COLUMNS = {
    "Accounting Code": "accountingCode",
    "Deferred Revenue Accounting Code": "deferredRevenueAccountingCode",
    "Recognized Revenue Accounting Code": "recognizedRevenueAccountingCode",
    "Unapplied Payment Accounting Code": "unappliedPaymentAccountingCode",
    "On-Account Accounting Code": "onAccountAccountingCode",
}
_ITEM_CODES = ("Accounting Code", "Deferred Revenue Accounting Code", "Recognized Revenue Accounting Code")
AC_OBJECT_TYPES: dict[str, tuple[str, ...]] = {
    "Invoice Item": _ITEM_CODES,
    "Invoice Item Adjustment": _ITEM_CODES,
    "Credit Memo Item": _ITEM_CODES,
    "Debit Memo Item": _ITEM_CODES,
    "Product Rate Plan Charge": _ITEM_CODES,
    "Revenue Schedule": ("Deferred Revenue Accounting Code", "Recognized Revenue Accounting Code"),
    "Payment": ("Accounting Code", "Unapplied Payment Accounting Code", "On-Account Accounting Code"),
    "Refund": ("Accounting Code",),
    "Taxation Item": ("Accounting Code",),
    "Credit Balance Adjustment": ("Accounting Code",),
}


def _find_ac_object(ledger: Ledger, object_type: str, key: str) -> tuple[dict[str, Any], str] | None:
    """The object and the date that decides its accounting period."""
    if object_type == "Invoice Item":
        item = ledger.invoice_items.get(key)
        return (item, item["serviceStartDate"]) if item else None
    if object_type == "Revenue Schedule":
        schedule = ledger.revenue_schedules.get(key)
        return (schedule, schedule["revenueScheduleDate"]) if schedule else None
    if object_type == "Payment":
        payment = ledger.payments.get(key) or ledger.payments_by_number.get(key)
        return (payment, payment["effectiveDate"]) if payment else None
    return None


def update_accounting_code(row: Fields, ledger: Ledger) -> tuple[str, ...]:
    key = _text(row, "Object Key", 32, required=True)
    object_type = _text(row, "Object Type", 100, required=True)
    applicable = AC_OBJECT_TYPES.get(object_type)
    if applicable is None:
        raise RowError(m.AC_OBJECT_TYPE_INVALID.format(value=object_type, choices=", ".join(AC_OBJECT_TYPES)))
    changes = {}
    for column, attribute in AC_COLUMNS.items():
        code = _text(row, column, 100)
        if not code:
            continue
        if column not in applicable:
            raise RowError(m.AC_NOT_APPLICABLE.format(column=column, type=object_type))
        known = ledger.accounting_codes.get(code)
        if known is None:
            raise RowError(m.AC_NOT_FOUND.format(code=code))
        if known["status"] != "Active":
            raise RowError(m.AC_INACTIVE.format(code=code))
        changes[attribute] = code
    if not changes:
        raise RowError(m.AC_NONE)
    found = _find_ac_object(ledger, object_type, key)
    if found is None:
        raise RowError(m.TRANSACTION_NOT_FOUND.format(type=object_type, key=key))
    target, day = found
    _open_period(ledger, f"{object_type} {key}", day)
    target.update(changes)
    if object_type == "Invoice Item":
        # Zuora also updates the revenue schedules of the item.
        for schedule in ledger.revenue_schedules.values():
            linked = (schedule.get("linkedTransactionType"), schedule.get("linkedTransactionKey"))
            if linked == (object_type, key):
                schedule.update({k: v for k, v in changes.items() if k != "accountingCode"})
    return ()


# ---- Revenue schedules -------------------------------------------------------------------------------------

LINKED_TYPES = ("Invoice Item", "Invoice Item Adjustment", "Credit Memo Item", "Debit Memo Item")


def create_revenue_schedule(row: Fields, ledger: Ledger) -> tuple[str, ...]:
    charge_key = _text(row, "Subscription Charge Key", 32)
    linked_key = _text(row, "Linked Transaction Key", 32)
    linked_type = _text(row, "Linked Transaction Type", 100)
    reference = _text(row, "Revenue Schedule Reference ID", 60)
    notes = _text(row, "Revenue Schedule Notes", 2000)
    schedule: dict[str, Any] = {
        "subscriptionChargeNumber": None,
        "linkedTransactionType": None,
        "linkedTransactionKey": None,
    }
    if linked_key:
        if not linked_type:
            raise RowError(m.RS_TYPE_REQUIRED)
        if linked_type not in LINKED_TYPES:
            raise RowError(m.RS_TYPE_INVALID.format(value=linked_type, choices=", ".join(LINKED_TYPES)))
        item = ledger.invoice_items.get(linked_key) if linked_type == "Invoice Item" else None
        if item is None:
            raise RowError(m.TRANSACTION_NOT_FOUND.format(type=linked_type, key=linked_key))
        # Date and amount are inherited from the transaction (Zuora does not let them differ).
        day, amount = ledger.invoices[item["invoiceId"]]["invoiceDate"], ledger_amount(item["chargeAmount"])
        schedule.update(linkedTransactionType=linked_type, linkedTransactionKey=linked_key)
        inherited = ("deferredRevenueAccountingCode", "recognizedRevenueAccountingCode")
        codes = {k: item[k] for k in inherited if k in item}
    else:
        if not charge_key:
            raise RowError(m.RS_KEY_REQUIRED)
        charge = ledger.charges.get(charge_key) or ledger.charges_by_number.get(charge_key)
        if charge is None:
            raise RowError(m.RS_CHARGE_NOT_FOUND.format(key=charge_key))
        if charge["revenueRecognitionRule"] != CUSTOM_UNLIMITED:
            raise RowError(m.RS_CHARGE_RULE.format(key=charge_key))
        day = _date(row, "Revenue Schedule Date")
        amount = _number(row, "Revenue Schedule Amount")
        schedule["subscriptionChargeNumber"] = charge["number"]
        codes = {}
    _open_period(ledger, "Revenue Schedule Date", day)
    number = ledger.next_revenue_schedule_number()
    schedule.update(
        number=number,
        id=ids.zuora_id(),
        revenueScheduleDate=day,
        amount=_money(amount),
        recognitionRule=CUSTOM_UNLIMITED,
        referenceId=reference or None,
        notes=notes or None,
        customFields=_custom_fields(row),
        **codes,
    )
    ledger.revenue_schedules[number] = schedule
    return (number,)


def update_revenue_schedule(row: Fields, ledger: Ledger) -> tuple[str, ...]:
    number = _text(row, "Revenue Schedule Number", 100, required=True)
    reference = _text(row, "Revenue Schedule Reference ID", 60)
    notes = _text(row, "Revenue Schedule Notes", 2000)
    schedule = ledger.revenue_schedules.get(number)
    if schedule is None:
        raise RowError(m.RS_NOT_FOUND.format(key=number))
    if reference:
        schedule["referenceId"] = reference
    if notes:
        schedule["notes"] = notes
    custom = _custom_fields(row)
    if custom:
        schedule["customFields"] = {**schedule.get("customFields", {}), **custom}
    return ()


def delete_revenue_schedule(row: Fields, ledger: Ledger) -> tuple[str, ...]:
    number = _text(row, "Revenue Schedule Number", 50, required=True)
    schedule = ledger.revenue_schedules.get(number)
    if schedule is None:
        raise RowError(m.RS_NOT_FOUND.format(key=number))
    if schedule["recognitionRule"] != CUSTOM_UNLIMITED:
        raise RowError(m.RS_NOT_CUSTOM.format(key=number))
    if schedule.get("linkedTransactionKey"):
        raise RowError(
            m.RS_LINKED.format(
                key=number,
                type=schedule["linkedTransactionType"],
                transaction=schedule["linkedTransactionKey"],
            )
        )
    _open_period(ledger, f"Revenue schedule {number}", schedule["revenueScheduleDate"])
    del ledger.revenue_schedules[number]
    return ()


# ---- ImportFXRate ------------------------------------------------------------------------------------------


def _currency(row: Fields, column: str, ledger: Ledger) -> str:
    code = _text(row, column, 3, required=True)
    known = ledger.currencies.get(code)
    if known is None or not known["active"]:
        raise RowError(m.FX_CURRENCY.format(column=column, value=code))
    return code


def import_fx_rate(row: Fields, ledger: Ledger) -> tuple[str, ...]:
    rate_set = _text(row, "Rate Set Name", 255)
    day = _date(row, "Provider Exchange Rate Date")
    source = _currency(row, "Currency (From)", ledger)
    target = _currency(row, "Currency (To)", ledger)
    if source == target:
        raise RowError(m.FX_SAME_CURRENCY)
    rate = _number(row, "Exchange Rate", positive=True)
    ledger.fx_rates[(rate_set, day, source, target)] = rate
    return ()


# ---- MPU ---------------------------------------------------------------------------------------------------


Application = tuple[dict[str, Any], Decimal]


def _applications(value: str, ledger: Ledger, account: dict[str, Any]) -> list[Application]:
    applied = []
    for part in value.split("|"):
        key, sep, raw_amount = part.partition(":")
        key, raw_amount = key.strip(), raw_amount.strip()
        amount = parse_decimal(raw_amount) if _PLAIN_NUMBER.match(raw_amount) else None
        if not sep or not key or amount is None or amount <= 0:
            raise RowError(m.MPU_INVOICE_FORMAT.format(value=value[:100]))
        invoice = ledger.invoices_by_number.get(key) or ledger.invoices.get(key)
        if invoice is None:
            raise RowError(m.MPU_INVOICE_NOT_FOUND.format(key=key))
        if invoice["accountId"] != account["id"]:
            raise RowError(m.MPU_INVOICE_OTHER_ACCOUNT.format(key=key, account=account["accountNumber"]))
        balance = ledger_amount(invoice["balance"])
        if amount > balance:
            raise RowError(m.MPU_INVOICE_BALANCE.format(amount=raw_amount, key=key, balance=_money(balance)))
        applied.append((invoice, amount))
    return applied


def mass_payment_upload(row: Fields, ledger: Ledger) -> tuple[str, ...]:
    account_key = _text(row, "Billing Account ID", 32)
    invoices = _text(row, "Payment Invoice", 100_000)
    amount = _number(row, "Payment Amount", positive=True)
    currency = _currency(row, "Currency", ledger)
    day = _date(row, "Payment Date")
    method_id = _text(row, "Payment Method ID", 32, required=True)
    comment = _text(row, "Payment Comment", 255)
    method = ledger.payment_methods.get(method_id)
    if method is None:
        raise RowError(m.MPU_PM_NOT_FOUND.format(key=method_id))
    account: dict[str, Any] | None = None
    applied: list[Application] = []
    if account_key:
        account = _paying_account(ledger, account_key, method_id, method, currency)
        applied = _applied_invoices(invoices, ledger, account, amount)
    else:
        _check_unassigned(invoices, method)
    _open_period(ledger, "Payment Date", day)
    _settle(account, applied)
    payment: dict[str, Any] = {
        "id": ids.zuora_id(),
        "number": ledger.next_payment_number(),
        "accountId": account["id"] if account else None,
        "amount": _money(amount),
        "currency": currency,
        "effectiveDate": day,
        "paymentMethodId": method_id,
        "comment": comment or None,
        "status": "Processed",
        "invoices": [{"invoiceNumber": inv["invoiceNumber"], "amount": _money(a)} for inv, a in applied],
    }
    ledger.payments[payment["id"]] = payment
    ledger.payments_by_number[payment["number"]] = payment
    return ()


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
        raise RowError(m.MPU_APPLIED_EXCEEDS.format(applied=_money(total), amount=_money(amount)))
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
        invoice["balance"] = _money(ledger_amount(invoice["balance"]) - part)
    if account is not None and applied:
        paid = sum((a for _, a in applied), Decimal(0))
        account["balance"] = _money(ledger_amount(account["balance"]) - paid)


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            "UpdateAccountingCode", ("Object Key", "Object Type"), tuple(AC_COLUMNS), update_accounting_code
        ),
        Action(
            "CreateRevenueSchedule",
            (),
            (
                "Linked Transaction Type",
                "Revenue Schedule Date",
                "Revenue Schedule Amount",
                "Revenue Schedule Reference ID",
                "Revenue Schedule Notes",
            ),
            create_revenue_schedule,
            one_of=(("Subscription Charge Key", "Linked Transaction Key"),),
            result_columns=("Revenue Schedule Number",),
            custom_fields=True,
        ),
        Action(
            "UpdateRevenueSchedule",
            ("Revenue Schedule Number",),
            ("Revenue Schedule Reference ID", "Revenue Schedule Notes"),
            update_revenue_schedule,
            custom_fields=True,
        ),
        Action("DeleteRevenueSchedule", ("Revenue Schedule Number",), (), delete_revenue_schedule),
        Action(
            "ImportFXRate",
            ("Provider Exchange Rate Date", "Currency (From)", "Currency (To)", "Exchange Rate"),
            ("Rate Set Name",),
            import_fx_rate,
            group_skip_is_error=True,
        ),
        Action(
            "MPU",
            ("Payment Amount", "Currency", "Payment Date", "Payment Method ID"),
            ("Billing Account ID", "Payment Invoice", "Payment Comment"),
            mass_payment_upload,
        ),
    )
}
ACTION_TYPES = tuple(ACTIONS)
