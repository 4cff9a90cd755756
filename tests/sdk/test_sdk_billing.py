"""The official zuora-sdk reads back what each mass action type changed, through its own API classes."""

from __future__ import annotations

import time
from types import ModuleType
from typing import Any

import pydantic
import pytest

pytestmark = pytest.mark.filterwarnings("ignore::pydantic.warnings.PydanticDeprecationWarning")

CHECK_METHOD = "2c92c0f96b1e2a4b016b2f0c3a600001"


def run_action(sdk: ModuleType, sdk_client: Any, action: str, csv: str) -> Any:
    """Upload through MassUpdaterApi and poll until the job ends; every row must succeed."""
    api = sdk.MassUpdaterApi(sdk_client.api_client)
    key = api.create_mass_updater(file=csv.encode(), params=f'{{"actionType":"{action}"}}').bulk_key
    deadline = time.monotonic() + 30
    while True:
        status = api.get_mass_updater(key)
        if status.status in ("Completed", "Stopped", "Failed") or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert (status.status, status.error_count) == ("Completed", 0)
    return status


def raw_get(sdk_client: Any, path: str) -> dict[str, Any]:
    """The SDK has no API class for revenue schedule reads: its ApiClient calls them like any other."""
    api_client = sdk_client.api_client
    method, url, headers, body, post_params = api_client.param_serialize(
        method="GET", resource_path=path, header_params={"Accept": "application/json"}
    )
    response = api_client.call_api(method, url, header_params=headers, body=body, post_params=post_params)
    response.read()
    assert response.status == 200
    data: dict[str, Any] = response.response.json()
    return data


def test_revenue_schedule_actions_read_back(sdk: ModuleType, sdk_client: Any) -> None:
    run_action(
        sdk,
        sdk_client,
        "CreateRevenueSchedule",
        "Subscription Charge Key,Revenue Schedule Date,Revenue Schedule Amount\nC-00000003,2025-10-01,42\n",
    )
    created = raw_get(sdk_client, "/v1/revenue-schedules/subscription-charges/C-00000003")["revenueSchedules"]
    number = next(s["number"] for s in created if s["revenueScheduleDate"] == "2025-10-01")
    run_action(
        sdk,
        sdk_client,
        "UpdateRevenueSchedule",
        f"Revenue Schedule Number,Revenue Schedule Notes\n{number},sdk\n",
    )
    assert raw_get(sdk_client, f"/v1/revenue-schedules/{number}")["notes"] == "sdk"
    run_action(sdk, sdk_client, "DeleteRevenueSchedule", f"Revenue Schedule Number\n{number}\n")
    left = raw_get(sdk_client, "/v1/revenue-schedules/subscription-charges/C-00000003")["revenueSchedules"]
    assert number not in [s["number"] for s in left]


def test_mpu_and_accounting_code_read_back_through_typed_apis(sdk: ModuleType, sdk_client: Any) -> None:
    accounts = sdk.AccountsApi(sdk_client.api_client)
    payments = sdk.PaymentsApi(sdk_client.api_client)
    before = accounts.get_account("A00000003").metrics.balance
    run_action(
        sdk,
        sdk_client,
        "MPU",
        "Billing Account ID,Payment Amount,Currency,Payment Date,Payment Method ID,Payment Invoice\n"
        f"A00000003,10,USD,2025-09-20,{CHECK_METHOD},INV-00000004:10\n",
    )
    detail = accounts.get_account("A00000003")
    assert detail.success is True
    assert detail.basic_info.account_number == "A00000003"
    assert detail.metrics.balance == before - 10
    assert detail.metrics.currency == "USD"
    account_id = detail.basic_info.id
    listed = payments.get_retrieve_all_payments(account_id=account_id, page_size=40)
    paid = [p for p in listed.payments if str(p.effective_date) == "2025-09-20"]
    assert len(paid) == 1 and paid[0].amount == 10 and paid[0].applied_amount == 10
    assert paid[0].type == "External"
    run_action(
        sdk,
        sdk_client,
        "UpdateAccountingCode",
        f"Object Key,Object Type,Accounting Code\n{paid[0].number},Payment,Accounts Receivable\n",
    )
    one = payments.get_payment(paid[0].number)
    assert one.id == paid[0].id and one.account_number == "A00000003"
    assert one.finance_information.bank_account_accounting_code == "Accounts Receivable"
    summary = accounts.get_account_summary("A00000003")
    assert summary.basic_info.balance == before - 10
    assert paid[0].id in [p.id for p in summary.payments]


def test_accounting_codes_and_fx_rates_through_the_sdk(sdk: ModuleType, sdk_client: Any) -> None:
    codes_api = sdk.AccountingCodesApi(sdk_client.api_client)
    listed = codes_api.get_all_accounting_codes(page_size=40)
    cash = next(c for c in listed.accounting_codes if c.name == "Cash")
    assert codes_api.get_accounting_code(cash.id).type == "Cash"
    run_action(
        sdk,
        sdk_client,
        "ImportFXRate",
        "Provider Exchange Rate Date,Currency (From),Currency (To),Exchange Rate\n2025-12-24,CAD,USD,0.73\n",
    )
    path = "/v1/custom-exchange-rates/USD?startDate=2025-12-24&endDate=2025-12-24"
    assert raw_get(sdk_client, path) == {
        "success": True,
        "inverse": False,
        "rates": {"2025-12-24": {"providerExchangeRateDate": "2025-12-24", "CAD": 0.73}},
    }
    # The SDK models `rates` as a list; Zuora's example (and so the emulator) sends an object keyed by date.
    # The typed call fails here as it would against Zuora, instead of passing here and failing there.
    api = sdk.CustomExchangeRatesApi(sdk_client.api_client)
    with pytest.raises(pydantic.ValidationError, match="GetCustomExchangeRatesDataType"):
        api.get_custom_exchange_rates("USD", start_date="2025-12-24", end_date="2025-12-24")


def test_custom_object_jobs_api_imports_rows(sdk: ModuleType, sdk_client: Any, vehicle: str) -> None:
    """CustomObjectJobsApi end to end: submit, upload text/csv, poll, errors, list and cancel."""
    api = sdk.CustomObjectJobsApi(sdk_client.api_client)
    request = sdk.CustomObjectBulkJobRequest.from_dict(
        {"namespace": "default", "object": vehicle, "operation": "create"}
    )
    job = api.post_custom_object_bulk_job(request)
    assert (job.status, job.object, job.operation) == ("pending", vehicle, "create")
    csv = "DeviceId__c,Mileage__c\nSDK-1,10\nSDK-2,many\n"
    uploaded = api.post_upload_file_for_custom_object_bulk_job("text/csv", job.id, csv)
    assert uploaded.status in ("accepted", "in_progress", "completed")
    deadline = time.monotonic() + 30
    while api.get_custom_object_bulk_job(job.id).status != "completed" and time.monotonic() < deadline:
        time.sleep(0.05)
    done = api.get_custom_object_bulk_job(job.id)
    assert (done.status, done.records_processed) == ("completed", 2)
    errors = api.get_custom_object_bulk_job_errors(job.id).errors
    assert [(e.row, e.record.additional_properties) for e in errors] == [
        (3, {"DeviceId__c": "SDK-2", "Mileage__c": "many"})
    ]
    listed = api.get_all_custom_object_bulk_jobs(page_size=40, status="completed")
    assert job.id in [j.id for j in listed.jobs]
    other = api.post_custom_object_bulk_job(request)
    assert api.p_atch_custom_object_bulk_job(other.id).status == "cancelled"
