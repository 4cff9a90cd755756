"""The documented columns of every mass action type, through POST /v1/bulk: each one honoured or refused as
Zuora documents it (the audit per action and column is in docs/mass-actions.md)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from tests.api.test_bulk_lifecycle import Bulk
from zuora_mock.backend.massactions import messages as m

ITEM = "2c92c0f96b1e2a4b016b2f0c3a5e0201"
AC_HEADER = [
    "Object Key",
    "Object Type",
    "Accounting Code",
    "Deferred Revenue Accounting Code",
    "Unapplied Payment Accounting Code",
]


@pytest.fixture
def immediate(make_app: Callable[..., Flask]) -> Bulk:
    return Bulk(make_app(bulk_progression="immediate"))


def run(bulk: Bulk, action: str, upload: str) -> list[list[str]]:
    """The response file's rows (header included) of a job that ran to the end."""
    status = bulk.get(bulk.upload(action, upload.encode()))
    assert status["status"] == "Completed", status
    return bulk.result_rows(status)


def test_update_accounting_code_object_types_and_applicable_columns(immediate: Bulk) -> None:
    rows = run(
        immediate,
        "UpdateAccountingCode",
        ",".join(AC_HEADER) + "\n"
        "IA-00000001,Invoice Adjustment,Cash,,\n"
        f"{ITEM},Invoice Item,,,Unapplied Payments\n"
        "RS-00000005,Revenue Schedule,,Deferred Services Revenue,\n"
        "RS-00000005,Revenue Schedule,Cash,,\n",
    )
    assert rows == [
        [*AC_HEADER, "Success", "Error Message"],
        [
            "IA-00000001",
            "Invoice Adjustment",
            "Cash",
            "",
            "",
            "N",
            m.TRANSACTION_NOT_FOUND.format(type="Invoice Adjustment", key="IA-00000001"),
        ],
        [
            ITEM,
            "Invoice Item",
            "",
            "",
            "Unapplied Payments",
            "N",
            m.AC_NOT_APPLICABLE.format(column="Unapplied Payment Accounting Code", type="Invoice Item"),
        ],
        ["RS-00000005", "Revenue Schedule", "", "Deferred Services Revenue", "", "Y", ""],
        [
            "RS-00000005",
            "Revenue Schedule",
            "Cash",
            "",
            "",
            "N",
            m.AC_NOT_APPLICABLE.format(column="Accounting Code", type="Revenue Schedule"),
        ],
    ]
    schedule = immediate.client.get("/v1/revenue-schedules/RS-00000005", headers=immediate.auth).get_json()
    assert schedule["deferredRevenueAccountingCode"] == "Deferred Services Revenue"


def test_create_revenue_schedule_inherits_date_amount_and_codes_from_the_transaction(immediate: Bulk) -> None:
    """KC: a schedule linked to a transaction inherits its date, amount and accounting codes; the row's own
    date and amount do not change them."""
    header = "Linked Transaction Type,Linked Transaction Key,Revenue Schedule Date,Revenue Schedule Amount"
    rows = run(immediate, "CreateRevenueSchedule", f"{header}\nInvoice Item,{ITEM},2025-12-31,1.00\n")
    assert rows[1] == ["Invoice Item", ITEM, "2025-12-31", "1.00", "Y", "RS-00000006", ""]
    schedule = immediate.client.get("/v1/revenue-schedules/RS-00000006", headers=immediate.auth).get_json()
    assert (schedule["revenueScheduleDate"], schedule["amount"]) == ("2025-08-01", 300.0)
    assert (schedule["linkedTransactionType"], schedule["linkedTransactionId"]) == ("Invoice Item", ITEM)


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (
            f"Linked Transaction Key,Revenue Schedule Date,Revenue Schedule Amount\n{ITEM},2025-12-01,10\n",
            [ITEM, "2025-12-01", "10", "N", "", m.RS_TYPE_REQUIRED],
        ),
        (
            "Linked Transaction Type,Linked Transaction Key\nInvoice Item Adjustment,IIA-1\n",
            [
                "Invoice Item Adjustment",
                "IIA-1",
                "N",
                "",
                m.TRANSACTION_NOT_FOUND.format(type="Invoice Item Adjustment", key="IIA-1"),
            ],
        ),
        (
            "Subscription Charge Key,Revenue Schedule Amount\nC-00000001,10\n",
            ["C-00000001", "10", "N", "", m.ROW_REQUIRED.format(column="Revenue Schedule Date")],
        ),
        (
            (
                "Subscription Charge Key,Revenue Schedule Date,Revenue Schedule Amount,"
                f"Revenue Schedule Reference ID\nC-00000001,2025-12-01,10,{'r' * 61}\n"
            ),
            [
                "C-00000001",
                "2025-12-01",
                "10",
                "r" * 61,
                "N",
                "",
                m.ROW_TOO_LONG.format(column="Revenue Schedule Reference ID", limit=60),
            ],
        ),
    ],
)
def test_create_revenue_schedule_refusals(immediate: Bulk, upload: str, expected: list[str]) -> None:
    assert run(immediate, "CreateRevenueSchedule", upload)[1] == expected


def test_update_revenue_schedule_columns(immediate: Bulk) -> None:
    header = ",".join(
        (
            "Revenue Schedule Number",
            "Revenue Schedule Reference ID",
            "Revenue Schedule Notes",
            "Revenue Schedule:Region__c",
        )
    )
    rows = run(
        immediate,
        "UpdateRevenueSchedule",
        f"{header}\nRS-00000005,SO-77,,EMEA\nRS-00000005,{'r' * 61},,\n{'N' * 101},,,\n",
    )
    assert rows[1:] == [
        ["RS-00000005", "SO-77", "", "EMEA", "Y", ""],
        [
            "RS-00000005",
            "r" * 61,
            "",
            "",
            "N",
            m.ROW_TOO_LONG.format(column="Revenue Schedule Reference ID", limit=60),
        ],
        ["N" * 101, "", "", "", "N", m.ROW_TOO_LONG.format(column="Revenue Schedule Number", limit=100)],
    ]
    schedule = immediate.client.get("/v1/revenue-schedules/RS-00000005", headers=immediate.auth).get_json()
    assert (schedule["referenceId"], schedule["notes"], schedule["Region__c"]) == (
        "SO-77",
        "Q4 services",
        "EMEA",
    )


def test_delete_revenue_schedule_refuses_what_zuora_documents(immediate: Bulk) -> None:
    rows = run(
        immediate,
        "DeleteRevenueSchedule",
        "Revenue Schedule Number\nRS-00000002\nRS-00000003\nRS-00000004\n" + "R" * 51 + "\n",
    )
    assert rows[1:] == [
        [
            "RS-00000002",
            "N",
            m.RS_LINKED.format(key="RS-00000002", type="Invoice Item", transaction=ITEM),
        ],
        ["RS-00000003", "N", m.RS_NOT_CUSTOM.format(key="RS-00000003")],
        [
            "RS-00000004",
            "N",
            m.ROW_CLOSED_PERIOD.format(what="Revenue schedule RS-00000004", period="Mar'2025"),
        ],
        ["R" * 51, "N", m.ROW_TOO_LONG.format(column="Revenue Schedule Number", limit=50)],
    ]


def test_import_fx_rate_columns(immediate: Bulk) -> None:
    header = "Rate Set Name,Provider Exchange Rate Date,Currency (From),Currency (To),Exchange Rate"
    rows = run(
        immediate,
        "ImportFXRate",
        f"{header}\nMonthly,2025-12-01,EUR,USD,1.1\n,2025-12-01,EURO,USD,1.1\n"
        ',2025-12-01,EUR,USD,"1,100.5"\n,2025-12-01,EUR,USD,($1)\n,2025-12-01,EUR,USD,0\n',
    )
    assert rows[1:] == [
        ["Monthly", "2025-12-01", "EUR", "USD", "1.1", "Y", ""],
        [
            "",
            "2025-12-01",
            "EURO",
            "USD",
            "1.1",
            "N",
            m.ROW_TOO_LONG.format(column="Currency (From)", limit=3),
        ],
        [
            "",
            "2025-12-01",
            "EUR",
            "USD",
            "1,100.5",
            "N",
            m.ROW_NUMBER.format(column="Exchange Rate", value="1,100.5"),
        ],
        [
            "",
            "2025-12-01",
            "EUR",
            "USD",
            "($1)",
            "N",
            m.ROW_NUMBER.format(column="Exchange Rate", value="($1)"),
        ],
        ["", "2025-12-01", "EUR", "USD", "0", "N", m.ROW_POSITIVE.format(column="Exchange Rate")],
    ]
    path = "/v1/custom-exchange-rates/USD?startDate=2025-12-01&endDate=2025-12-01"
    named = immediate.client.get(path + "&rateSetName=Monthly", headers=immediate.auth).get_json()
    assert named["rates"] == {"2025-12-01": {"providerExchangeRateDate": "2025-12-01", "EUR": 1.1}}
    assert immediate.client.get(path, headers=immediate.auth).get_json()["rates"] == {}
