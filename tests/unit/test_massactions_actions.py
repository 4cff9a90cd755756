"""Row handlers of every actionType against the bundled finance seed: checks, messages and effects."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zuora_mock.backend.massactions import messages as m
from zuora_mock.backend.massactions.actions import ACTIONS
from zuora_mock.backend.massactions.finance import Ledger
from zuora_mock.backend.massactions.rows import RowError
from zuora_mock.core.fixtures import load_fixtures

ITEM = "2c92c0f96b1e2a4b016b2f0c3a5e0201"
ITEM_CLOSED = "2c92c0f96b1e2a4b016b2f0c3a5e0101"
ACCOUNT_USD = "2c92c0f86a8dd422016a9e7a70116b0d"
CHECK = "2c92c0f96b1e2a4b016b2f0c3a600001"
CARD_USD = "2c92c0f96b1e2a4b016b2f0c3a600011"
ACH_EUR = "2c92c0f96b1e2a4b016b2f0c3a600012"
AC_TYPES = (
    "Invoice Item, Invoice Item Adjustment, Credit Memo Item, Debit Memo Item, Product Rate Plan Charge, "
    "Revenue Schedule, Payment, Refund, Taxation Item, Credit Balance Adjustment, Invoice Adjustment"
)


@pytest.fixture(scope="module")
def seed():  # type: ignore[no-untyped-def]
    return load_fixtures().seed


@pytest.fixture
def ledger(seed) -> Ledger:  # type: ignore[no-untyped-def]
    return Ledger(seed)


def run(ledger: Ledger, action: str, row: dict[str, str]) -> tuple[str, ...] | str:
    """The result columns of a successful row, or the error message of a failed one."""
    try:
        return ACTIONS[action].apply(row, ledger)
    except RowError as exc:
        return str(exc)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"Object Key": ITEM, "Object Type": "Invoice Item", "Accounting Code": "Cash"}, ()),
        (
            {"Object Key": "", "Object Type": "Invoice Item", "Accounting Code": "Cash"},
            m.ROW_REQUIRED.format(column="Object Key"),
        ),
        (
            {"Object Key": "x" * 33, "Object Type": "Invoice Item", "Accounting Code": "Cash"},
            m.ROW_TOO_LONG.format(column="Object Key", limit=32),
        ),
        (
            {"Object Key": ITEM, "Object Type": "Invoice", "Accounting Code": "Cash"},
            m.AC_OBJECT_TYPE_INVALID.format(value="Invoice", choices=AC_TYPES),
        ),
        ({"Object Key": ITEM, "Object Type": "Invoice Item"}, m.AC_NONE),
        (
            {"Object Key": ITEM, "Object Type": "Invoice Item", "Accounting Code": "Nope"},
            m.AC_NOT_FOUND.format(code="Nope"),
        ),
        (
            {"Object Key": ITEM, "Object Type": "Invoice Item", "Accounting Code": "Legacy Revenue"},
            m.AC_INACTIVE.format(code="Legacy Revenue"),
        ),
        (
            {"Object Key": ITEM, "Object Type": "Invoice Item", "Unapplied Payment Accounting Code": "Cash"},
            m.AC_NOT_APPLICABLE.format(column="Unapplied Payment Accounting Code", type="Invoice Item"),
        ),
        (
            {"Object Key": "missing", "Object Type": "Invoice Item", "Accounting Code": "Cash"},
            m.TRANSACTION_NOT_FOUND.format(type="Invoice Item", key="missing"),
        ),
        (
            {"Object Key": "IA-00000001", "Object Type": "Invoice Adjustment", "Accounting Code": "Cash"},
            m.TRANSACTION_NOT_FOUND.format(type="Invoice Adjustment", key="IA-00000001"),
        ),
        (
            {"Object Key": "anything", "Object Type": "Credit Memo Item", "Accounting Code": "Cash"},
            m.TRANSACTION_NOT_FOUND.format(type="Credit Memo Item", key="anything"),
        ),
        (
            {"Object Key": ITEM_CLOSED, "Object Type": "Invoice Item", "Accounting Code": "Cash"},
            m.ROW_CLOSED_PERIOD.format(what=f"Invoice Item {ITEM_CLOSED}", period="Mar'2025"),
        ),
        (
            {
                "Object Key": "RS-00000005",
                "Object Type": "Revenue Schedule",
                "Deferred Revenue Accounting Code": "Deferred Services Revenue",
            },
            (),
        ),
        (
            {"Object Key": "P-00000001", "Object Type": "Payment", "Accounting Code": "Cash"},
            m.ROW_CLOSED_PERIOD.format(what="Payment P-00000001", period="Mar'2025"),
        ),
    ],
)
def test_update_accounting_code_rows(ledger: Ledger, row: dict[str, str], expected: object) -> None:
    assert run(ledger, "UpdateAccountingCode", row) == expected


def test_update_accounting_code_changes_the_item_and_its_revenue_schedules(ledger: Ledger) -> None:
    run(
        ledger,
        "UpdateAccountingCode",
        {
            "Object Key": ITEM,
            "Object Type": "Invoice Item",
            "Deferred Revenue Accounting Code": "Deferred Services Revenue",
        },
    )
    assert ledger.invoice_items[ITEM]["deferredRevenueAccountingCode"] == "Deferred Services Revenue"
    assert (
        ledger.revenue_schedules["RS-00000002"]["deferredRevenueAccountingCode"]
        == "Deferred Services Revenue"
    )
    assert ledger.revenue_schedules["RS-00000001"]["deferredRevenueAccountingCode"] == "Deferred Revenue"


CHARGE_ROW = {
    "Subscription Charge Key": "C-00000001",
    "Revenue Schedule Date": "2025-12-01",
    "Revenue Schedule Amount": "10",
}


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (CHARGE_ROW, ("RS-00000006",)),
        ({**CHARGE_ROW, "Subscription Charge Key": "2c92c0f96b1e2a4b016b2f0c3a5f0003"}, ("RS-00000006",)),
        ({**CHARGE_ROW, "Subscription Charge Key": ""}, m.RS_KEY_REQUIRED),
        ({**CHARGE_ROW, "Subscription Charge Key": "C-404"}, m.RS_CHARGE_NOT_FOUND.format(key="C-404")),
        ({**CHARGE_ROW, "Subscription Charge Key": "C-00000002"}, m.RS_CHARGE_RULE.format(key="C-00000002")),
        ({**CHARGE_ROW, "Revenue Schedule Date": ""}, m.ROW_REQUIRED.format(column="Revenue Schedule Date")),
        (
            {**CHARGE_ROW, "Revenue Schedule Date": "12/01/2025"},
            m.ROW_DATE.format(column="Revenue Schedule Date", value="12/01/2025"),
        ),
        (
            {**CHARGE_ROW, "Revenue Schedule Date": "2025-02-30"},
            m.ROW_DATE.format(column="Revenue Schedule Date", value="2025-02-30"),
        ),
        (
            {**CHARGE_ROW, "Revenue Schedule Date": "2025-04-01"},
            m.ROW_CLOSED_PERIOD.format(what="Revenue Schedule Date", period="Apr'2025"),
        ),
        (
            {**CHARGE_ROW, "Revenue Schedule Amount": "100,000.50"},
            m.ROW_NUMBER.format(column="Revenue Schedule Amount", value="100,000.50"),
        ),
        (
            {**CHARGE_ROW, "Revenue Schedule Amount": "($100)"},
            m.ROW_NUMBER.format(column="Revenue Schedule Amount", value="($100)"),
        ),
        (
            {**CHARGE_ROW, "Revenue Schedule Amount": "9" * 29 + ".999"},
            m.ROW_NUMBER_TOO_LARGE.format(
                column="Revenue Schedule Amount", digits=16, value="9" * 29 + ".999"
            ),
        ),
        (
            {**CHARGE_ROW, "Revenue Schedule Reference ID": "r" * 61},
            m.ROW_TOO_LONG.format(column="Revenue Schedule Reference ID", limit=60),
        ),
        ({"Linked Transaction Type": "Invoice Item", "Linked Transaction Key": ITEM}, ("RS-00000006",)),
        ({"Linked Transaction Key": ITEM}, m.RS_TYPE_REQUIRED),
        (
            {"Linked Transaction Type": "Invoice", "Linked Transaction Key": ITEM},
            m.RS_TYPE_INVALID.format(
                value="Invoice",
                choices="Invoice Item, Invoice Item Adjustment, Credit Memo Item, Debit Memo Item",
            ),
        ),
        (
            {"Linked Transaction Type": "Invoice Item", "Linked Transaction Key": "nope"},
            m.TRANSACTION_NOT_FOUND.format(type="Invoice Item", key="nope"),
        ),
        (
            {"Linked Transaction Type": "Invoice Item", "Linked Transaction Key": ITEM_CLOSED},
            m.ROW_CLOSED_PERIOD.format(what="Revenue Schedule Date", period="Mar'2025"),
        ),
    ],
)
def test_create_revenue_schedule_rows(ledger: Ledger, row: dict[str, str], expected: object) -> None:
    assert run(ledger, "CreateRevenueSchedule", row) == expected


def test_create_revenue_schedule_stores_the_schedule(ledger: Ledger) -> None:
    run(
        ledger,
        "CreateRevenueSchedule",
        {**CHARGE_ROW, "Revenue Schedule Notes": "n", "Revenue Schedule:Region__c": "EU"},
    )
    run(
        ledger,
        "CreateRevenueSchedule",
        {"Linked Transaction Type": "Invoice Item", "Linked Transaction Key": ITEM},
    )
    first, second = ledger.revenue_schedules["RS-00000006"], ledger.revenue_schedules["RS-00000007"]
    assert (first["subscriptionChargeNumber"], first["amount"], first["notes"], first["customFields"]) == (
        "C-00000001",
        "10.00",
        "n",
        {"Region__c": "EU"},
    )
    assert (second["linkedTransactionKey"], second["revenueScheduleDate"], second["amount"]) == (
        ITEM,
        "2025-08-01",
        "300.00",
    )
    assert ledger.exists("RevenueSchedule", "RS-00000007")


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"Revenue Schedule Number": "RS-00000001", "Revenue Schedule Notes": "updated"}, ()),
        ({"Revenue Schedule Number": "RS-404"}, m.RS_NOT_FOUND.format(key="RS-404")),
        ({"Revenue Schedule Number": ""}, m.ROW_REQUIRED.format(column="Revenue Schedule Number")),
        (
            {"Revenue Schedule Number": "RS-00000001", "Revenue Schedule Notes": "n" * 2001},
            m.ROW_TOO_LONG.format(column="Revenue Schedule Notes", limit=2000),
        ),
    ],
)
def test_update_revenue_schedule_rows(ledger: Ledger, row: dict[str, str], expected: object) -> None:
    assert run(ledger, "UpdateRevenueSchedule", row) == expected


def test_update_revenue_schedule_keeps_blank_fields(ledger: Ledger) -> None:
    run(
        ledger,
        "UpdateRevenueSchedule",
        {
            "Revenue Schedule Number": "RS-00000005",
            "Revenue Schedule Notes": "",
            "Revenue Schedule Reference ID": "PO-7",
            "Revenue Schedule:Tier__c": "Gold",
        },
    )
    schedule = ledger.revenue_schedules["RS-00000005"]
    assert (schedule["notes"], schedule["referenceId"], schedule["customFields"]) == (
        "Q4 services",
        "PO-7",
        {"Tier__c": "Gold"},
    )


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("RS-00000001", ()),
        ("RS-00000002", m.RS_LINKED.format(key="RS-00000002", type="Invoice Item", transaction=ITEM)),
        ("RS-00000003", m.RS_NOT_CUSTOM.format(key="RS-00000003")),
        ("RS-00000004", m.ROW_CLOSED_PERIOD.format(what="Revenue schedule RS-00000004", period="Mar'2025")),
        ("RS-404", m.RS_NOT_FOUND.format(key="RS-404")),
        ("R" * 51, m.ROW_TOO_LONG.format(column="Revenue Schedule Number", limit=50)),
    ],
)
def test_delete_revenue_schedule_rows(ledger: Ledger, number: str, expected: object) -> None:
    assert run(ledger, "DeleteRevenueSchedule", {"Revenue Schedule Number": number}) == expected
    if expected == ():
        assert number not in ledger.revenue_schedules


FX_ROW = {
    "Provider Exchange Rate Date": "2025-12-01",
    "Currency (From)": "EUR",
    "Currency (To)": "USD",
    "Exchange Rate": "1.1",
}


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (FX_ROW, ()),
        ({**FX_ROW, "Rate Set Name": "Corporate Monthly"}, ()),
        (
            {**FX_ROW, "Provider Exchange Rate Date": "2025-12"},
            m.ROW_DATE.format(column="Provider Exchange Rate Date", value="2025-12"),
        ),
        ({**FX_ROW, "Currency (From)": "EURO"}, m.ROW_TOO_LONG.format(column="Currency (From)", limit=3)),
        ({**FX_ROW, "Currency (To)": "CHF"}, m.FX_CURRENCY.format(column="Currency (To)", value="CHF")),
        ({**FX_ROW, "Currency (To)": ""}, m.ROW_REQUIRED.format(column="Currency (To)")),
        ({**FX_ROW, "Currency (To)": "EUR"}, m.FX_SAME_CURRENCY),
        ({**FX_ROW, "Exchange Rate": "0"}, m.ROW_POSITIVE.format(column="Exchange Rate")),
        ({**FX_ROW, "Exchange Rate": "1,1"}, m.ROW_NUMBER.format(column="Exchange Rate", value="1,1")),
        (
            {**FX_ROW, "Exchange Rate": "1" * 17},
            m.ROW_NUMBER_TOO_LARGE.format(column="Exchange Rate", digits=16, value="1" * 17),
        ),
        ({**FX_ROW, "Exchange Rate": "9" * 16 + ".5"}, ()),
    ],
)
def test_import_fx_rate_rows(ledger: Ledger, row: dict[str, str], expected: object) -> None:
    assert run(ledger, "ImportFXRate", row) == expected


def test_import_fx_rate_upserts(ledger: Ledger) -> None:
    run(
        ledger,
        "ImportFXRate",
        {**FX_ROW, "Provider Exchange Rate Date": "2025-11-03", "Exchange Rate": "1.2"},
    )
    assert ledger.fx_rates[("", "2025-11-03", "EUR", "USD")] == Decimal("1.2")


PAY_ROW = {
    "Billing Account ID": ACCOUNT_USD,
    "Payment Invoice": "INV-00000002:300.00",
    "Payment Amount": "350",
    "Currency": "USD",
    "Payment Date": "2025-12-01",
    "Payment Method ID": CARD_USD,
}


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (PAY_ROW, ()),
        ({**PAY_ROW, "Billing Account ID": "A00000001", "Payment Invoice": ""}, ()),
        ({**PAY_ROW, "Billing Account ID": "", "Payment Invoice": "", "Payment Method ID": CHECK}, ()),
        ({**PAY_ROW, "Payment Amount": "-1"}, m.ROW_POSITIVE.format(column="Payment Amount")),
        (
            {**PAY_ROW, "Payment Amount": "1" * 400},
            m.ROW_NUMBER_TOO_LARGE.format(column="Payment Amount", digits=16, value="1" * 40),
        ),
        ({**PAY_ROW, "Payment Amount": ""}, m.ROW_REQUIRED.format(column="Payment Amount")),
        ({**PAY_ROW, "Currency": "XYZ"}, m.FX_CURRENCY.format(column="Currency", value="XYZ")),
        ({**PAY_ROW, "Payment Date": "tomorrow"}, m.ROW_DATE.format(column="Payment Date", value="tomorrow")),
        ({**PAY_ROW, "Payment Method ID": "nope"}, m.MPU_PM_NOT_FOUND.format(key="nope")),
        ({**PAY_ROW, "Billing Account ID": "A404"}, m.MPU_ACCOUNT_NOT_FOUND.format(key="A404")),
        (
            {**PAY_ROW, "Payment Method ID": ACH_EUR},
            m.MPU_PM_OTHER_ACCOUNT.format(key=ACH_EUR, account="A00000001"),
        ),
        (
            {**PAY_ROW, "Currency": "EUR"},
            m.MPU_CURRENCY_MISMATCH.format(currency="EUR", expected="USD", account="A00000001"),
        ),
        ({**PAY_ROW, "Billing Account ID": ""}, m.MPU_UNASSIGNED_INVOICE),
        ({**PAY_ROW, "Billing Account ID": "", "Payment Invoice": ""}, m.MPU_UNASSIGNED_PM),
        ({**PAY_ROW, "Payment Invoice": "INV-00000002"}, m.MPU_INVOICE_FORMAT.format(value="INV-00000002")),
        (
            {**PAY_ROW, "Payment Invoice": "INV-00000002:abc"},
            m.MPU_INVOICE_FORMAT.format(value="INV-00000002:abc"),
        ),
        ({**PAY_ROW, "Payment Invoice": "INV-404:1"}, m.MPU_INVOICE_NOT_FOUND.format(key="INV-404")),
        (
            {**PAY_ROW, "Payment Invoice": "INV-00000003:1"},
            m.MPU_INVOICE_OTHER_ACCOUNT.format(key="INV-00000003", account="A00000001"),
        ),
        (
            {**PAY_ROW, "Payment Invoice": "INV-00000002:500.01", "Payment Amount": "600"},
            m.MPU_INVOICE_BALANCE.format(amount="500.01", key="INV-00000002", balance="500.00"),
        ),
        (
            {**PAY_ROW, "Payment Invoice": "INV-00000002:300|INV-00000002:100", "Payment Amount": "350"},
            m.MPU_APPLIED_EXCEEDS.format(applied="400.00", amount="350.00"),
        ),
        (
            {**PAY_ROW, "Payment Date": "2025-05-05"},
            m.ROW_CLOSED_PERIOD.format(what="Payment Date", period="May'2025"),
        ),
        ({**PAY_ROW, "Payment Type": "External", "Reference ID": "ref-1"}, ()),
        ({**PAY_ROW, "Payment Type": "Electronic", "Gateway ID": "gw-1"}, ()),
        ({**PAY_ROW, "Payment Type": "electronic"}, m.MPU_PAYMENT_TYPE.format(value="electronic")),
        ({**PAY_ROW, "Payment Type": "Electronic"}, m.MPU_GATEWAY_REQUIRED),
        (
            {**PAY_ROW, "Payment Type": "Electronic", "Gateway ID": "gw-1", "Payment Method ID": CHECK},
            m.MPU_ELECTRONIC_PM.format(key=CHECK, type="Check"),
        ),
        ({**PAY_ROW, "Reference ID": "r" * 61}, m.ROW_TOO_LONG.format(column="Reference ID", limit=60)),
    ],
)
def test_mass_payment_upload_rows(ledger: Ledger, row: dict[str, str], expected: object) -> None:
    assert run(ledger, "MPU", row) == expected


def test_mass_payment_upload_creates_a_payment_and_pays_invoices(ledger: Ledger) -> None:
    run(ledger, "MPU", PAY_ROW)
    payment = ledger.payments_by_number["P-00000002"]
    assert (payment["accountId"], payment["amount"], payment["invoices"]) == (
        ACCOUNT_USD,
        "350.00",
        [{"invoiceNumber": "INV-00000002", "amount": "300.00"}],
    )
    assert ledger.invoices_by_number["INV-00000002"]["balance"] == "200.00"
    assert ledger.accounts[ACCOUNT_USD]["balance"] == "200.00"
    assert ledger.exists("Payment", payment["id"])
    # The balance is spent: paying the rest plus one cent fails.
    assert run(
        ledger, "MPU", {**PAY_ROW, "Payment Invoice": "INV-00000002:200.01"}
    ) == m.MPU_INVOICE_BALANCE.format(amount="200.01", key="INV-00000002", balance="200.00")


def test_payment_type_gateway_and_reference_id_are_kept(ledger: Ledger) -> None:
    electronic = {**PAY_ROW, "Payment Type": "Electronic", "Gateway ID": "gw-1", "Reference ID": "ref-9"}
    run(ledger, "MPU", electronic)
    run(ledger, "MPU", {**PAY_ROW, "Payment Invoice": ""})
    first, second = ledger.payments_by_number["P-00000002"], ledger.payments_by_number["P-00000003"]
    assert [first[k] for k in ("type", "gatewayId", "referenceId")] == ["Electronic", "gw-1", "ref-9"]
    assert [second[k] for k in ("type", "gatewayId", "referenceId")] == ["External", None, None]


def test_ledgers_do_not_share_state(seed) -> None:  # type: ignore[no-untyped-def]
    first, second = Ledger(seed), Ledger(seed)
    run(first, "DeleteRevenueSchedule", {"Revenue Schedule Number": "RS-00000001"})
    run(first, "MPU", PAY_ROW)
    assert "RS-00000001" in second.revenue_schedules
    assert second.invoices_by_number["INV-00000002"]["balance"] == "500.00"
