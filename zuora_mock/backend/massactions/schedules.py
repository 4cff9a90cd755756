"""CreateRevenueSchedule, UpdateRevenueSchedule and DeleteRevenueSchedule: custom unlimited schedules."""

from __future__ import annotations

from typing import Any

from zuora_mock.backend.massactions import messages as m
from zuora_mock.backend.massactions.finance import CUSTOM_UNLIMITED, Ledger, ledger_amount
from zuora_mock.backend.massactions.rows import (
    Fields,
    RowError,
    check_open_period,
    custom_fields,
    money,
    read_date,
    read_number,
    read_text,
)
from zuora_mock.core import ids

LINKED_TYPES = ("Invoice Item", "Invoice Item Adjustment", "Credit Memo Item", "Debit Memo Item")


def create_revenue_schedule(row: Fields, ledger: Ledger) -> tuple[str, ...]:
    charge_key = read_text(row, "Subscription Charge Key", 32)
    linked_key = read_text(row, "Linked Transaction Key", 32)
    linked_type = read_text(row, "Linked Transaction Type", 100)
    reference = read_text(row, "Revenue Schedule Reference ID", 60)
    notes = read_text(row, "Revenue Schedule Notes", 2000)
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
        day = read_date(row, "Revenue Schedule Date")
        amount = read_number(row, "Revenue Schedule Amount")
        schedule["subscriptionChargeNumber"] = charge["number"]
        codes = {}
    check_open_period(ledger, "Revenue Schedule Date", day)
    number = ledger.next_revenue_schedule_number()
    schedule.update(
        number=number,
        id=ids.zuora_id(),
        revenueScheduleDate=day,
        amount=money(amount),
        recognitionRule=CUSTOM_UNLIMITED,
        referenceId=reference or None,
        notes=notes or None,
        customFields=custom_fields(row),
        **codes,
    )
    ledger.revenue_schedules[number] = schedule
    return (number,)


def update_revenue_schedule(row: Fields, ledger: Ledger) -> tuple[str, ...]:
    number = read_text(row, "Revenue Schedule Number", 100, required=True)
    reference = read_text(row, "Revenue Schedule Reference ID", 60)
    notes = read_text(row, "Revenue Schedule Notes", 2000)
    schedule = ledger.revenue_schedules.get(number)
    if schedule is None:
        raise RowError(m.RS_NOT_FOUND.format(key=number))
    if reference:
        schedule["referenceId"] = reference
    if notes:
        schedule["notes"] = notes
    custom = custom_fields(row)
    if custom:
        schedule["customFields"] = {**schedule.get("customFields", {}), **custom}
    return ()


def delete_revenue_schedule(row: Fields, ledger: Ledger) -> tuple[str, ...]:
    number = read_text(row, "Revenue Schedule Number", 50, required=True)
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
    check_open_period(ledger, f"Revenue schedule {number}", schedule["revenueScheduleDate"])
    del ledger.revenue_schedules[number]
    return ()
