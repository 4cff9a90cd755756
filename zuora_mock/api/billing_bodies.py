"""v1 billing read bodies, keys in the order of zuora_sdk's generated models: pure, no Flask."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the read models load with the first billing read (api.billing), not at start-up
    from zuora_mock.backend.massactions.reads import (
        Account,
        AccountingCode,
        FxRates,
        Invoice,
        Payment,
        RevenueSchedule,
    )


def number(value: Decimal) -> float | int:
    """Zuora's amounts are JSON numbers; whole amounts stay integral-looking floats as Zuora sends them."""
    return float(value)


# ---- revenue schedules (Zuora's GETRSDetailType; the SDK has no model for it) ---------------------------


def revenue_schedule(rs: RevenueSchedule, *, with_success: bool = True) -> dict[str, Any]:
    """GET /v1/revenue-schedules/{rs-number}: Zuora's fields in alphabetical order, custom fields last."""
    body: dict[str, Any] = {
        "accountId": rs.account_id,
        "amount": number(rs.amount),
        "currency": rs.currency,
        "deferredRevenueAccountingCode": rs.deferred_code,
        "id": rs.id,
        "linkedTransactionId": rs.linked_transaction_id,
        "linkedTransactionType": rs.linked_transaction_type,
        "notes": rs.notes,
        "number": rs.number,
        "recognitionRuleName": rs.recognition_rule,
        "recognizedRevenueAccountingCode": rs.recognized_code,
        "referenceId": rs.reference_id,
        "revenueScheduleDate": rs.revenue_schedule_date,
        "subscriptionChargeNumber": rs.subscription_charge_number,
    }
    if with_success:
        body["success"] = True
    body.update(rs.custom_fields)
    return body


def revenue_schedules(found: list[RevenueSchedule]) -> dict[str, Any]:
    """GET /v1/revenue-schedules/subscription-charges/{charge-key}."""
    return {"revenueSchedules": [revenue_schedule(rs, with_success=False) for rs in found], "success": True}


# ---- payments (PaymentResponse, GetPaymentsResponse) ------------------------------------------------------


def payment(p: Payment, *, with_success: bool = True) -> dict[str, Any]:
    """GET /v1/payments/{paymentKey}: the fields of PaymentResponse that the ledger holds."""
    body: dict[str, Any] = {
        "accountId": p.account_id,
        "accountNumber": p.account_number,
        "amount": number(p.amount),
        "appliedAmount": number(p.applied_amount),
        "comment": p.comment,
        "currency": p.currency,
        "effectiveDate": p.effective_date,
        "financeInformation": {
            "bankAccountAccountingCode": p.bank_code[0] if p.bank_code else None,
            "bankAccountAccountingCodeType": p.bank_code[1] if p.bank_code else None,
            "unappliedPaymentAccountingCode": p.unapplied_code[0] if p.unapplied_code else None,
            "unappliedPaymentAccountingCodeType": p.unapplied_code[1] if p.unapplied_code else None,
        },
        "id": p.id,
        "number": p.number,
        "paymentMethodId": p.payment_method_id,
        "status": p.status,
    }
    if with_success:
        body["success"] = True
    body["type"] = p.type
    body["unappliedAmount"] = number(p.amount - p.applied_amount)
    return body


def payments(found: list[Payment], next_page: str | None) -> dict[str, Any]:
    """GET /v1/payments: success, nextPage (only when there is one), payments."""
    body: dict[str, Any] = {"success": True}
    if next_page is not None:
        body["nextPage"] = next_page
    body["payments"] = [payment(p, with_success=False) for p in found]
    return body


# ---- accounting codes (GetAccountingCodeResponse, GetAccountingCodesResponse) -----------------------------


def _code_fields(code: AccountingCode) -> dict[str, Any]:
    return {"id": code.id, "name": code.name, "status": code.status, "type": code.type}


def accounting_code(code: AccountingCode) -> dict[str, Any]:
    """GET /v1/accounting-codes/{ac-id}."""
    return {"success": True, **_code_fields(code)}


def accounting_codes(found: list[AccountingCode], next_page: str | None) -> dict[str, Any]:
    """GET /v1/accounting-codes."""
    body: dict[str, Any] = {"success": True, "accountingCodes": [_code_fields(c) for c in found]}
    if next_page is not None:
        body["nextPage"] = next_page
    return body


# ---- accounts (AccountDetailResponse, AccountSummaryResponse) ---------------------------------------------


def account(a: Account) -> dict[str, Any]:
    """GET /v1/accounts/{account-key}: basicInfo and the metrics MPU changes."""
    return {
        "success": True,
        "basicInfo": {"accountNumber": a.account_number, "id": a.id, "name": a.name},
        "metrics": {
            "balance": number(a.balance),
            "currency": a.currency,
            "totalInvoiceBalance": number(a.total_invoice_balance),
        },
    }


def _summary_invoice(i: Invoice) -> dict[str, Any]:
    return {
        "amount": number(i.amount),
        "balance": number(i.balance),
        "id": i.id,
        "invoiceDate": i.invoice_date,
        "invoiceNumber": i.invoice_number,
    }


def _summary_payment(p: Payment) -> dict[str, Any]:
    return {
        "effectiveDate": p.effective_date,
        "id": p.id,
        "paidInvoices": [
            {
                "appliedPaymentAmount": number(a.amount),
                "invoiceId": a.invoice_id,
                "invoiceNumber": a.invoice_number,
            }
            for a in p.applied
        ],
        "paymentNumber": p.number,
        "paymentType": p.type,
        "status": p.status,
    }


def account_summary(a: Account, invoices: list[Invoice], paid: list[Payment]) -> dict[str, Any]:
    """GET /v1/accounts/{account-key}/summary: the most recent invoices and payments."""
    return {
        "success": True,
        "basicInfo": {
            "accountNumber": a.account_number,
            "balance": number(a.balance),
            "currency": a.currency,
            "id": a.id,
            "name": a.name,
        },
        "invoices": [_summary_invoice(i) for i in invoices],
        "payments": [_summary_payment(p) for p in paid],
    }


# ---- exchange rates (GetCustomExchangeRatesType) ----------------------------------------------------------


def fx_rates(rates: FxRates) -> dict[str, Any]:
    """GET /v1/custom-exchange-rates/{currency}: stored rates are 1 unit of the other currency in this one.

    That is the direction of Zuora's published example, which says `inverse: false` for it (`/EUR` gives
    `USD: 0.889`, one dollar in euros in April 2019). `rates` is an object keyed by date, each day naming
    itself in `providerExchangeRateDate` before its currencies, as in that example (the schema's array of
    `DATE`/`CURRENCY` placeholders is not what the API sends; see docs/fidelity.md).
    """
    body: dict[str, Any] = {"success": True, "inverse": False}
    if rates.rate_set_name:
        body["rateSetName"] = rates.rate_set_name
    body["rates"] = {day: _fx_day(day, found) for day, found in rates.days}
    return body


def _fx_day(day: str, found: dict[str, Decimal]) -> dict[str, Any]:
    """One day of rates: its date, then each currency's rate as a JSON number."""
    return {"providerExchangeRateDate": day, **{c: number(r) for c, r in found.items()}}
