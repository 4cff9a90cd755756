"""The dashboard in a real headless Chromium against a real zuora-mock server (tests/ui/conftest.py).

Each test leaves a screenshot in artifacts/ui/ (or $ZUORA_MOCK_UI_ARTIFACTS), passed or failed.
"""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.cli_server import CliServer
from tests.ui.conftest import Api
from tests.ui.webdriver import Browser

pytestmark = pytest.mark.emulator_only

PAGES = (
    ("/_mock/ui/", "Overview"),
    ("/_mock/ui/objects", "Custom objects"),
    ("/_mock/ui/objects/demo/Vehicle", "Vehicle records"),
    ("/_mock/ui/jobs", "Mass actions"),
    ("/_mock/ui/requests", "Requests"),
    ("/_mock/ui/faults", "Faults"),
    ("/_mock/ui/api", "API reference"),
)
RS_ROWS = 60


def heading(page: Browser) -> str:
    return page.find("h1").text


@pytest.mark.parametrize(("path", "title"), PAGES)
def test_each_page_opens(page: Browser, server: CliServer, path: str, title: str) -> None:
    page.open(server.url + path)
    assert heading(page) == title
    assert page.title.startswith(title.split(" ")[0])
    stylesheet = page.script("return getComputedStyle(document.querySelector('header.top')).display")
    assert stylesheet == "flex"  # the package's own stylesheet is applied (nothing from a CDN)


def test_records_created_through_the_api_appear_in_the_table(
    page: Browser, server: CliServer, api: Api
) -> None:
    vins = [f"UITEST{i:011d}" for i in range(3)]
    record_ids = api.create_vehicles(
        [{"VIN__c": vin, "Status__c": "Maintenance", "Make__c": "<i>Æ</i>"} for vin in vins]
    )
    page.open(f"{server.url}/_mock/ui/objects/demo/Vehicle")
    box = page.find("input[name=q]")
    box.clear()
    box.type("VIN__c:UITEST*")
    page.find("form.filter button[type=submit]").click()
    rows = page.wait(
        lambda: page.find_all("#records tbody tr") if "UITEST" in page.find("#records").text else None
    )
    assert len(rows) == 3
    assert "<i>Æ</i>" in page.find("#records").text  # shown as text, never as markup
    page.find(f"a[href*='{record_ids[0]}']").click()
    page.wait(lambda: record_ids[0] in heading(page), what="the record's page")
    assert vins[0] in page.find("table.detail").text


def test_a_mass_action_progress_bar_reaches_100_and_completes(
    page: Browser, server: CliServer, api: Api
) -> None:
    csv = b"Revenue Schedule Number\n" + b"".join(b"RS-%08d\n" % i for i in range(1, RS_ROWS + 1))
    key = api.upload("DeleteRevenueSchedule", csv)
    page.open(f"{server.url}/_mock/ui/jobs")
    row = f"tr[data-job='{key}']"
    seen: set[int] = set()

    def done() -> bool:
        value = int(page.find(f"{row} [role=progressbar]").attribute("aria-valuenow") or 0)
        seen.add(value)
        return value == 100 and page.find(f"{row} .status").text == "Completed"

    page.wait(done, timeout=30, what="the job to complete")
    assert any(0 < value < 100 for value in seen), seen  # the bar moved while the job ran
    link = page.find(f"{row} a[download]").attribute("href") or ""
    assert link == f"/_mock/ui/jobs/{key}/result"
    assert httpx.get(server.url + link).content[:2] == b"PK"


def test_manual_advance_and_stop_buttons(page: Browser) -> None:
    with CliServer("--bulk-progression", "manual") as manual:
        api = Api(manual.url)
        try:
            advance_one_and_stop_another(page, manual, api)
        finally:
            api.close()


def advance_one_and_stop_another(page: Browser, server: CliServer, api: Api) -> None:
    first = api.upload("DeleteRevenueSchedule", b"Revenue Schedule Number\nRS-00000001\n")
    second = api.upload("DeleteRevenueSchedule", b"Revenue Schedule Number\nRS-00000002\n")
    page.open(f"{server.url}/_mock/ui/jobs")
    page.accept_confirms()
    page.find(f"tr[data-job='{first}'] button[data-api-path$='/advance']").click()
    page.wait(lambda: page.find(f"tr[data-job='{first}']").attribute("data-status") == "Completed")
    page.wait(lambda: page.find_all(f"tr[data-job='{second}'] button[data-api-path$='/stop']"))
    page.find(f"tr[data-job='{second}'] button[data-api-path$='/stop']").click()
    page.wait(lambda: page.find(f"tr[data-job='{second}']").attribute("data-status") == "Stopping")
    page.find(f"tr[data-job='{second}'] button[data-api-path$='/advance']").click()  # manual: finish the stop
    page.wait(lambda: page.find(f"tr[data-job='{second}']").attribute("data-status") == "Stopped")


def test_a_request_appears_in_the_live_request_list(page: Browser, server: CliServer, api: Api) -> None:
    page.open(f"{server.url}/_mock/ui/requests")
    api.http.get("/objects/records/default/NoSuchObject", headers=api.auth)
    cell = "#request-rows tr:first-child"
    page.wait(lambda: "/objects/records/default/NoSuchObject" in page.find(cell).text, what="the live list")
    assert "404" in page.find(cell).text
    page.find(f"{cell} a").click()
    page.wait(lambda: "NoSuchObject" in heading(page), what="the request's page")
    assert "Bearer [redacted]" in page.find("main").text


def test_add_and_remove_a_fault_through_the_form(page: Browser, server: CliServer) -> None:
    page.open(f"{server.url}/_mock/ui/faults")
    page.script("document.querySelector('#fault-form select[name=fault]').value = 'server-error';")
    page.find("#fault-form input[name=path]").type("/objects/records/default/Fleet")
    page.find("#fault-form button[type=submit]").click()
    rule = page.wait(lambda: page.find_all("tr[data-rule]"), what="the new rule")[0]
    rule_id = rule.attribute("data-rule")
    listed = httpx.get(f"{server.url}/_mock/faults").json()["faults"]
    assert [(r["id"], r["fault"], r["path"]) for r in listed] == [
        (rule_id, "server-error", "/objects/records/default/Fleet")
    ]
    page.find(f"tr[data-rule='{rule_id}'] button").click()
    page.wait(lambda: not page.find_all("tr[data-rule]"), what="the rule to go")
    assert httpx.get(f"{server.url}/_mock/faults").json()["faults"] == []


def test_reset_a_tenant_from_the_overview(page: Browser, server: CliServer, api: Api) -> None:
    page.open(f"{server.url}/_mock/ui/")
    seeded = int(page.find("tr[data-tenant='demo'] .records").text)
    api.create_vehicles([{"VIN__c": "RESETME0000000001", "Status__c": "Active"}])
    page.open(f"{server.url}/_mock/ui/")
    assert int(page.find("tr[data-tenant='demo'] .records").text) >= seeded + 1
    page.accept_confirms()
    page.find("tr[data-tenant='demo'] button").click()
    page.wait(lambda: "Reset: done" in page.find("#flash").text, what="the reset")
    fixtures = httpx.get(f"{server.url}/_mock/state?tenant=demo").json()
    assert fixtures and int(page.find("tr[data-tenant='demo'] .records").text) == 36


def test_advance_the_clock(page: Browser, server: CliServer) -> None:
    before = httpx.get(f"{server.url}/_mock/clock").json()["offset"]
    page.open(f"{server.url}/_mock/ui/")
    box = page.find("input[name=advance]")
    box.clear()
    box.type("120")
    page.find("form[data-api-path$='/clock'] button").click()
    page.wait(lambda: "Advance clock: done" in page.find("#flash").text)
    assert httpx.get(f"{server.url}/_mock/clock").json()["offset"] == pytest.approx(before + 120)


def test_the_admin_token_sign_in(page: Browser) -> None:
    with CliServer("--admin-token", "demo-admin-token") as guarded:
        page.open(f"{guarded.url}/_mock/ui/faults")
        page.wait(lambda: "/_mock/ui/login" in page.url)
        page.find("input[name=token]").type("demo-admin-token")
        page.find("form button[type=submit]").click()
        page.wait(lambda: heading(page) == "Faults", what="the page asked for")
        page.script("document.querySelector('#fault-form select[name=fault]').value = 'rate-limit';")
        page.find("#fault-form button[type=submit]").click()
        page.wait(lambda: page.find_all("tr[data-rule]"), what="a rule added with the token")
