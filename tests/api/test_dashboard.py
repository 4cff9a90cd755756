"""The dashboard's pages through the test client: they render, escape odd data, page, guard with the token.

The browser tests (tests/ui/) drive the same pages in Chromium; these run everywhere and fast.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.api.test_bulk_upload import post_bulk
from tests.conftest import DEMO_ENTITY, fetch_token

pytestmark = pytest.mark.emulator_only

UI = "/_mock/ui"
PAGES = ("/", "/objects", "/objects/demo/Vehicle", "/jobs", "/requests", "/faults", "/api")
RS_CSV = b"Revenue Schedule Number\nRS-00000001\nRS-00000002\n"
ODD = '<script>alert("x")</script> & <b>bold</b>'


def create_vehicles(client: FlaskClient, auth: dict[str, str], records: list[dict[str, Any]]) -> list[str]:
    response = client.post("/objects/records/default/Vehicle", json={"records": records}, headers=auth)
    assert response.status_code == 200, response.data
    return [record["Id"] for record in response.get_json()["records"]]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_html(client: FlaskClient, page: str) -> None:
    response = client.get(UI + page)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert b"zuora-mock" in response.data and b"/_mock/ui/static/ui/style.css" in response.data


def test_ui_routes_change_nothing_on_a_get(app: Flask) -> None:
    """Every dashboard route is a GET (HEAD) but the sign-in form; state changes go through the admin API."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("ui.") and rule.endpoint != "ui.login":
            assert (rule.methods or set()) <= {"GET", "HEAD", "OPTIONS"}, rule


def test_odd_values_are_escaped_and_pages_still_render(client: FlaskClient, auth: dict[str, str]) -> None:
    long_note = ODD + " λ-ünïcødé ✓ 日本語 " + "x" * 1800
    [record_id] = create_vehicles(
        client,
        auth,
        [{"VIN__c": "ODD0000000000001", "Status__c": "Active", "Make__c": "<b>x</b>", "Notes__c": long_note}],
    )
    for url in (
        f"{UI}/objects/demo/Vehicle?q=VIN__c:ODD0000000000001",
        f"{UI}/objects/demo/Vehicle/{record_id}",
    ):
        html = client.get(url).get_data(as_text=True)
        assert '<script>alert("x")' not in html and "<b>bold</b>" not in html
        assert "&lt;script&gt;" in html and "日本語" in html


def test_records_are_paged_and_filtered_with_the_api_syntax(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    create_vehicles(client, auth, [{"VIN__c": f"PAGE{i:013d}", "Status__c": "Retired"} for i in range(45)])
    html = client.get(f"{UI}/objects/demo/Vehicle?size=20&page=2&q=VIN__c:PAGE*").get_data(as_text=True)
    assert "21–40 of 45" in html and "page 2 of 3" in html
    assert len(set(re.findall(r"PAGE\d{13}", html))) == 20
    past_the_end = client.get(f"{UI}/objects/demo/Vehicle?size=20&page=99&q=VIN__c:PAGE*").get_data(
        as_text=True
    )
    assert "41–45 of 45" in past_the_end


@pytest.mark.parametrize("query", ["q=VIN__c:", "q=Make__c:Ford", "page=-1&size=abc", "q=" + "(" * 50])
def test_a_bad_filter_or_paging_is_shown_not_a_500(client: FlaskClient, query: str) -> None:
    response = client.get(f"{UI}/objects/demo/Vehicle?{query}")
    assert response.status_code == 200


def test_unknown_tenant_or_object_is_a_404(client: FlaskClient) -> None:
    assert client.get(f"{UI}/objects/nobody/Vehicle").status_code == 404
    assert client.get(f"{UI}/objects/demo/Nothing").status_code == 404
    assert client.get(f"{UI}/objects?tenant=nobody").status_code == 404
    page = client.get(f"{UI}/objects/demo/%3Cb%3Ebold%3C%2Fb%3E")
    assert page.mimetype == "text/html" and "<b>bold" not in page.get_data(as_text=True)


def test_overview_counts_records_and_masks_the_admin_token(make_app: Any) -> None:
    app = make_app(admin_token="t0ps3cret")
    client = app.test_client()
    html = client.get(f"{UI}/", headers={"X-Mock-Admin-Token": "t0ps3cret"}).get_data(as_text=True)
    assert "admin_token" in html and html.count("t0ps3cret") == 1  # the script's meta tag only
    assert 'meta name="zuora-mock-admin-token" content="t0ps3cret"' in html


def test_jobs_page_lists_a_job_and_serves_its_result(make_app: Any) -> None:
    client = make_app(bulk_progression="immediate").test_client()
    auth = {"Authorization": f"Bearer {fetch_token(client)}"}
    body = post_bulk(client, auth, file=RS_CSV, params={"actionType": "DeleteRevenueSchedule"}).get_json()
    key = body["bulkKey"]
    rows = client.get(f"{UI}/jobs?partial=1").get_data(as_text=True)
    assert f'data-job="{key}"' in rows and 'data-status="Completed"' in rows and "100%" in rows
    result = client.get(f"{UI}/jobs/{key}/result")
    assert result.status_code == 200 and result.data[:2] == b"PK"
    assert client.get(f"{UI}/jobs/nope/result").status_code == 404


def test_admin_stop_of_a_pending_job(make_app: Any) -> None:
    client = make_app(bulk_progression="manual").test_client()
    auth = {"Authorization": f"Bearer {fetch_token(client)}"}
    key = post_bulk(client, auth, file=RS_CSV, params={"actionType": "DeleteRevenueSchedule"}).get_json()[
        "bulkKey"
    ]
    stopped = client.post(f"/_mock/bulk/{key}/stop")
    assert stopped.status_code == 200 and stopped.get_json()["status"] == "Stopping"
    client.post(f"/_mock/bulk/{key}/advance")
    assert client.post(f"/_mock/bulk/{key}/stop").status_code in (
        400,
        200,
    )  # ended: refused in the v1 envelope
    assert client.post("/_mock/bulk/unknown/stop").status_code == 404


def test_requests_page_lists_the_journal_newest_first_with_a_detail(
    client: FlaskClient, auth: dict[str, str]
) -> None:
    client.get("/objects/definitions/default", headers=auth)
    client.get("/objects/records/default/Nothing", headers=auth)
    rows = client.get(f"{UI}/requests?partial=1").get_data(as_text=True)
    ids = [int(found) for found in re.findall(r'data-entry="(\d+)"', rows)]
    assert ids == sorted(ids, reverse=True) and len(ids) == 3  # with the token request
    filtered = client.get(f"{UI}/requests?partial=1&status=404").get_data(as_text=True)
    assert filtered.count("data-entry=") == 1
    detail = client.get(f"{UI}/requests/{ids[0]}").get_data(as_text=True)
    assert "/objects/records/default/Nothing" in detail and "Bearer [redacted]" in detail
    assert client.get(f"{UI}/requests/999999").status_code == 404


def test_faults_page_lists_rules_with_a_remove_button(client: FlaskClient) -> None:
    rule = client.post("/_mock/faults", json={"fault": "server-error", "path": "/objects/*"}).get_json()
    html = client.get(f"{UI}/faults").get_data(as_text=True)
    assert f'data-rule="{rule["id"]}"' in html and f'data-api-path="/_mock/faults/{rule["id"]}"' in html


def test_the_admin_token_guards_the_dashboard(make_app: Any) -> None:
    client = make_app(admin_token="s3cret").test_client()
    response = client.get(f"{UI}/objects?tenant=demo")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/_mock/ui/login?next=/_mock/ui/objects?tenant%3Ddemo")
    with client.get(f"{UI}/static/ui/style.css") as asset:
        assert asset.status_code == 200
    assert client.post(f"{UI}/login", data={"token": "wrong"}).status_code == 401
    signed_in = client.post(f"{UI}/login?next=/_mock/ui/jobs", data={"token": "s3cret"})
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/_mock/ui/jobs"
    cookie = signed_in.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/_mock/ui" in cookie
    assert client.get(f"{UI}/objects?tenant=demo").status_code == 200
    # The cookie opens the pages only: the admin API still asks for the token itself.
    assert client.post("/_mock/reset").status_code == 401


def test_sign_in_never_redirects_off_the_dashboard(make_app: Any) -> None:
    client = make_app(admin_token="s3cret").test_client()
    for target in ("https://evil.example/", "//evil.example/_mock/ui/", "/_mock/ui//evil"):
        response = client.post(f"{UI}/login?next={target}", data={"token": "s3cret"})
        assert response.headers["Location"] == "/_mock/ui/"


def test_entity_selection(client: FlaskClient) -> None:
    assert client.get(f"{UI}/objects?tenant=demo&entity={DEMO_ENTITY}").status_code == 200
    assert client.get(f"{UI}/objects?tenant=demo&entity=other").status_code == 404
