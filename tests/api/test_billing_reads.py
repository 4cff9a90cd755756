"""The v1 billing reads: each mass action type runs, then its change is read back as an integration would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.test_bulk_upload import assert_v1_error, post_bulk
from tests.conftest import fetch_token

ACCOUNT = "2c92c0f86a8dd422016a9e7a70116b0d"
ITEM = "2c92c0f96b1e2a4b016b2f0c3a5e0201"
CHECK_METHOD = "2c92c0f96b1e2a4b016b2f0c3a600001"
RS_KEYS = [
    "accountId",
    "amount",
    "currency",
    "deferredRevenueAccountingCode",
    "id",
    "linkedTransactionId",
    "linkedTransactionType",
    "notes",
    "number",
    "recognitionRuleName",
    "recognizedRevenueAccountingCode",
    "referenceId",
    "revenueScheduleDate",
    "subscriptionChargeNumber",
    "success",
]
PAYMENT_KEYS = [
    "accountId",
    "accountNumber",
    "amount",
    "appliedAmount",
    "comment",
    "currency",
    "effectiveDate",
    "financeInformation",
    "id",
    "number",
    "paymentMethodId",
    "status",
    "success",
    "type",
    "unappliedAmount",
]
MPU_CSV = (
    "Billing Account ID,Payment Amount,Currency,Payment Date,Payment Method ID,"
    "Payment Invoice,Payment Comment\n"
    f"A00000001,250,USD,2025-08-15,{CHECK_METHOD},INV-00000002:200,paid by check\n"
).encode()


class Billing:
    """One emulator whose mass actions run inside the upload, with the demo tenant's token."""

    def __init__(self, app: Flask) -> None:
        self.client: FlaskClient = app.test_client()
        self.auth = {"Authorization": f"Bearer {fetch_token(self.client)}"}

    def run(self, action: str, csv: bytes) -> dict[str, Any]:
        response = post_bulk(self.client, self.auth, file=csv, params={"actionType": action})
        key = response.get_json()["bulkKey"]
        status = self.client.get(f"/v1/bulk/{key}", headers=self.auth).get_json()
        assert (status["status"], status["errorCount"]) == ("Completed", 0), status
        return status

    def get(self, path: str) -> Any:
        response = self.client.get(path, headers=self.auth)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/json;charset=utf-8"
        return response


@pytest.fixture
def billing(make_app: Callable[..., Flask]) -> Billing:
    return Billing(make_app(bulk_progression="immediate"))


def test_create_revenue_schedule_is_read_back_by_charge_and_by_number(billing: Billing) -> None:
    before = billing.get("/v1/revenue-schedules/subscription-charges/C-00000004").get_json()
    assert before == {"revenueSchedules": [], "success": True}
    billing.run(
        "CreateRevenueSchedule",
        b"Subscription Charge Key,Revenue Schedule Date,Revenue Schedule Amount,Revenue Schedule Notes\n"
        b"C-00000004,2025-09-15,125.50,created in bulk\n",
    )
    listed = billing.get("/v1/revenue-schedules/subscription-charges/C-00000004").get_json()
    assert list(listed) == ["revenueSchedules", "success"]
    [schedule] = listed["revenueSchedules"]
    assert list(schedule) == [k for k in RS_KEYS if k != "success"]
    one = billing.get(f"/v1/revenue-schedules/{schedule['number']}").get_json()
    assert list(one) == RS_KEYS
    assert one == {**schedule, "success": True}
    assert len(one["id"]) == 32
    assert {k: one[k] for k in ("accountId", "amount", "currency", "notes", "revenueScheduleDate")} == {
        "accountId": ACCOUNT,
        "amount": 125.5,
        "currency": "USD",
        "notes": "created in bulk",
        "revenueScheduleDate": "2025-09-15",
    }
    assert (one["recognitionRuleName"], one["subscriptionChargeNumber"]) == ("Custom Unlimited", "C-00000004")


def test_update_revenue_schedule_is_read_back(billing: Billing) -> None:
    billing.run(
        "UpdateRevenueSchedule",
        b"Revenue Schedule Number,Revenue Schedule Reference ID,Revenue Schedule Notes\n"
        b"RS-00000001,PO-77,moved\n",
    )
    one = billing.get("/v1/revenue-schedules/RS-00000001").get_json()
    assert (one["referenceId"], one["notes"], one["amount"]) == ("PO-77", "moved", 1200.0)


def test_delete_revenue_schedule_leaves_it_not_found(billing: Billing) -> None:
    billing.get("/v1/revenue-schedules/RS-00000001")
    billing.run("DeleteRevenueSchedule", b"Revenue Schedule Number\nRS-00000001\n")
    response = billing.client.get("/v1/revenue-schedules/RS-00000001", headers=billing.auth)
    assert_v1_error(response, 50000040, "Cannot find entity by key: 'RS-00000001'.")
    numbers = [
        s["number"]
        for s in billing.get("/v1/revenue-schedules/subscription-charges/C-00000001").get_json()[
            "revenueSchedules"
        ]
    ]
    assert "RS-00000001" not in numbers and "RS-00000002" in numbers


def test_invoice_item_schedule_and_its_accounting_codes(billing: Billing) -> None:
    before = billing.get(f"/v1/revenue-schedules/invoice-items/{ITEM}").get_json()
    assert (before["number"], before["linkedTransactionId"]) == ("RS-00000002", ITEM)
    billing.run(
        "UpdateAccountingCode",
        "Object Key,Object Type,Deferred Revenue Accounting Code\n"
        f"{ITEM},Invoice Item,Deferred Services Revenue\n"
        "RS-00000001,Revenue Schedule,Deferred Services Revenue\n".encode(),
    )
    after = billing.get(f"/v1/revenue-schedules/invoice-items/{ITEM}").get_json()
    assert after["deferredRevenueAccountingCode"] == "Deferred Services Revenue"
    other = billing.get("/v1/revenue-schedules/RS-00000001").get_json()
    assert other["deferredRevenueAccountingCode"] == "Deferred Services Revenue"


def test_mpu_payment_and_balances_are_read_back(billing: Billing) -> None:
    assert billing.get("/v1/accounts/A00000001").get_json()["metrics"]["balance"] == 500.0
    billing.run("MPU", MPU_CSV)
    listed = billing.get(f"/v1/payments?accountId={ACCOUNT}").get_json()
    assert list(listed) == ["success", "payments"]
    new = [p for p in listed["payments"] if p["number"] != "P-00000001"]
    assert len(new) == 1
    payment = billing.get(f"/v1/payments/{new[0]['number']}").get_json()
    assert list(payment) == PAYMENT_KEYS
    assert payment == {**new[0], "success": True}
    assert {k: payment[k] for k in ("amount", "appliedAmount", "unappliedAmount", "comment", "type")} == {
        "amount": 250.0,
        "appliedAmount": 200.0,
        "unappliedAmount": 50.0,
        "comment": "paid by check",
        "type": "External",
    }
    assert billing.get(f"/v1/payments/{payment['id']}").get_json() == payment
    account = billing.get(f"/v1/accounts/{ACCOUNT}").get_json()
    assert account == {
        "success": True,
        "basicInfo": {"accountNumber": "A00000001", "id": ACCOUNT, "name": "Northwind Traders"},
        "metrics": {"balance": 300.0, "currency": "USD", "totalInvoiceBalance": 300.0},
    }
    summary = billing.get("/v1/accounts/A00000001/summary").get_json()
    assert list(summary) == ["success", "basicInfo", "invoices", "payments"]
    assert summary["basicInfo"]["balance"] == 300.0
    assert summary["invoices"][0]["invoiceNumber"] == "INV-00000002"
    assert summary["invoices"][0]["balance"] == 300.0
    assert summary["payments"][0] == {
        "effectiveDate": "2025-08-15",
        "id": payment["id"],
        "paidInvoices": [
            {
                "appliedPaymentAmount": 200.0,
                "invoiceId": summary["invoices"][0]["id"],
                "invoiceNumber": "INV-00000002",
            }
        ],
        "paymentNumber": payment["number"],
        "paymentType": "External",
        "status": "Processed",
    }


def test_accounting_code_of_a_payment_is_read_back(billing: Billing) -> None:
    billing.run("MPU", MPU_CSV)
    number = billing.get("/v1/payments?number=P-00000002").get_json()["payments"][0]["number"]
    billing.run(
        "UpdateAccountingCode",
        f"Object Key,Object Type,Accounting Code,Unapplied Payment Accounting Code\n"
        f"{number},Payment,Accounts Receivable,Unapplied Payments\n".encode(),
    )
    finance = billing.get(f"/v1/payments/{number}").get_json()["financeInformation"]
    assert finance == {
        "bankAccountAccountingCode": "Accounts Receivable",
        "bankAccountAccountingCodeType": "AccountsReceivable",
        "unappliedPaymentAccountingCode": "Unapplied Payments",
        "unappliedPaymentAccountingCodeType": "CustomerCashOnAccount",
    }


def test_import_fx_rate_is_read_back(billing: Billing) -> None:
    path = "/v1/custom-exchange-rates/USD?startDate=2025-12-01&endDate=2025-12-03"
    assert billing.get(path).get_json() == {"success": True, "inverse": False, "rates": {}}
    billing.run(
        "ImportFXRate",
        b"Provider Exchange Rate Date,Currency (From),Currency (To),Exchange Rate,Rate Set Name\n"
        b"2025-12-01,EUR,USD,1.1,\n2025-12-01,GBP,USD,1.27,\n2025-12-02,EUR,USD,1.12,Monthly\n",
    )
    response = billing.get(path)
    assert response.get_json() == {
        "success": True,
        "inverse": False,
        "rates": {"2025-12-01": {"providerExchangeRateDate": "2025-12-01", "EUR": 1.1, "GBP": 1.27}},
    }
    # The shape of Zuora's published example, byte for byte in its key order.
    assert response.data == (
        b'{"success":true,"inverse":false,"rates":{"2025-12-01":'
        b'{"providerExchangeRateDate":"2025-12-01","EUR":1.1,"GBP":1.27}}}'
    )
    monthly = billing.get(path + "&rateSetName=Monthly").get_json()
    assert monthly == {
        "success": True,
        "inverse": False,
        "rateSetName": "Monthly",
        "rates": {"2025-12-02": {"providerExchangeRateDate": "2025-12-02", "EUR": 1.12}},
    }


def test_accounting_codes_list_pages_and_reads_by_id(billing: Billing) -> None:
    first = billing.get("/v1/accounting-codes?pageSize=5").get_json()
    assert list(first) == ["success", "accountingCodes", "nextPage"]
    assert first["nextPage"] == "/v1/accounting-codes?page=2&pageSize=5"
    second = billing.get(first["nextPage"]).get_json()
    assert list(second) == ["success", "accountingCodes"]
    codes = first["accountingCodes"] + second["accountingCodes"]
    assert len(codes) == 8 and len({c["id"] for c in codes}) == 8
    assert codes[1] == {"id": codes[1]["id"], "name": "Cash", "status": "Active", "type": "Cash"}
    one = billing.get(f"/v1/accounting-codes/{codes[1]['id']}").get_json()
    assert one == {"success": True, **codes[1]}


@pytest.mark.parametrize(
    ("path", "code", "message"),
    [
        ("/v1/payments/P-99999999", 50000040, "Cannot find entity by key: 'P-99999999'."),
        ("/v1/accounts/nobody", 50000040, "Cannot find entity by key: 'nobody'."),
        ("/v1/accounts/nobody/summary", 50000040, "Cannot find entity by key: 'nobody'."),
        ("/v1/accounting-codes/0000", 50000040, "Cannot find entity by key: '0000'."),
        ("/v1/revenue-schedules/subscription-charges/C-9", 50000040, "Cannot find entity by key: 'C-9'."),
        ("/v1/revenue-schedules/invoice-items/x", 50000040, "Cannot find entity by key: 'x'."),
        (
            "/v1/payments?pageSize=41",
            50000027,
            "Invalid value for 'pageSize': '41'. It must be an integer from 1 to 40.",
        ),
        (
            "/v1/payments?page=0",
            50000027,
            "Invalid value for 'page': '0'. It must be an integer of at least 1.",
        ),
        ("/v1/custom-exchange-rates/USD?endDate=2025-01-01", 50000023, "'startDate' is required."),
        (
            "/v1/custom-exchange-rates/USD?startDate=2025-1-1&endDate=2025-01-01",
            50000020,
            "Invalid value for 'startDate': '2025-1-1' is not a yyyy-mm-dd date.",
        ),
        (
            "/v1/custom-exchange-rates/USD?startDate=2025-01-01&endDate=2025-06-01",
            50000020,
            "The period between startDate and endDate must be between 0 and 90 days.",
        ),
        (
            "/v1/custom-exchange-rates/CHF?startDate=2025-01-01&endDate=2025-01-01",
            50000020,
            "The currency 'CHF' is not an active currency of the tenant.",
        ),
    ],
)
def test_read_errors_are_v1_envelopes(billing: Billing, path: str, code: int, message: str) -> None:
    assert_v1_error(billing.client.get(path, headers=billing.auth), code, message)


def test_reads_need_a_token_and_see_only_their_entity(make_app: Callable[..., Flask]) -> None:
    client = make_app().test_client()
    response = client.get("/v1/payments/P-00000001")
    assert response.status_code == 401
    assert response.get_json() == {"message": "Authentication error"}


def test_reads_honour_v1_error_status_4xx(make_app: Callable[..., Flask]) -> None:
    reads = Billing(make_app(v1_error_status="4xx"))
    response = reads.client.get("/v1/payments/P-99999999", headers=reads.auth)
    assert_v1_error(response, 50000040, "Cannot find entity by key: 'P-99999999'.", status=404)
