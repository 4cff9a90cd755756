"""UpdateAccountingCode: set the accounting codes of invoice items, revenue schedules and payments."""

from __future__ import annotations

from typing import Any

from zuora_mock.backend.massactions import messages as m
from zuora_mock.backend.massactions.finance import Ledger
from zuora_mock.backend.massactions.rows import Fields, RowError, check_open_period, read_text

AC_COLUMNS = {
    "Accounting Code": "accountingCode",
    "Deferred Revenue Accounting Code": "deferredRevenueAccountingCode",
    "Recognized Revenue Accounting Code": "recognizedRevenueAccountingCode",
    "Unapplied Payment Accounting Code": "unappliedPaymentAccountingCode",
    "On-Account Accounting Code": "onAccountAccountingCode",
}
_ITEM_CODES = ("Accounting Code", "Deferred Revenue Accounting Code", "Recognized Revenue Accounting Code")
# The Object Type values Zuora documents (KC Update Accounting Codes); the ledger holds only invoice items,
# revenue schedules and payments, so a key of any other type is not found. Invoice Adjustment is listed
# there as "Deprecated on Production" and still valid.
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
    "Invoice Adjustment": _ITEM_CODES,
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
    key = read_text(row, "Object Key", 32, required=True)
    object_type = read_text(row, "Object Type", 100, required=True)
    applicable = AC_OBJECT_TYPES.get(object_type)
    if applicable is None:
        raise RowError(m.AC_OBJECT_TYPE_INVALID.format(value=object_type, choices=", ".join(AC_OBJECT_TYPES)))
    changes = {}
    for column, attribute in AC_COLUMNS.items():
        code = read_text(row, column, 100)
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
    check_open_period(ledger, f"{object_type} {key}", day)
    target.update(changes)
    if object_type == "Invoice Item":
        # Zuora also updates the revenue schedules of the item.
        for schedule in ledger.revenue_schedules.values():
            linked = (schedule.get("linkedTransactionType"), schedule.get("linkedTransactionKey"))
            if linked == (object_type, key):
                schedule.update({k: v for k, v in changes.items() if k != "accountingCode"})
    return ()
