"""Parts the server loads on first use: absent after start-up, loaded by their first request, and right when
many first requests arrive at once."""

from __future__ import annotations

import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping

from tests.e2e.cli_server import CliServer
from tests.e2e.test_cli import token

UI = "/_mock/ui"
# Each dashboard URL with the status it answers on a fresh server (a bad record id, an unknown job or entry:
# the error page).
PAGES = {
    UI + "/": 200,
    UI + "/objects": 200,
    UI + "/objects/demo/Vehicle": 200,
    UI + "/objects/demo/Vehicle/no-such-record": 400,
    UI + "/jobs": 200,
    UI + "/jobs/no-such-job/result": 404,
    UI + "/requests": 200,
    UI + "/requests/999999": 404,
    UI + "/faults": 200,
    UI + "/api": 200,
}
# Pages that change between two requests: the clock and the request journal.
LIVE_PAGES = (UI + "/", UI + "/requests")
NO_JOB = "/objects/jobs/00000000-0000-4000-8000-000000000000"
# Zuora API reads whose models load on first use: v1 billing reads, custom object bulk jobs.
API_READS = {
    "/v1/accounting-codes": 200,
    "/v1/payments": 200,
    "/v1/revenue-schedules/RS-00000001": 200,
    "/v1/accounts/A00000001/summary": 200,
    "/objects/jobs": 200,
    NO_JOB: 404,
    NO_JOB + "/errors": 404,
}
# Modules the app does not import until a request needs them.
LAZY_MODULES = (
    "zuora_mock.api.ui.overview",
    "zuora_mock.api.ui.objects",
    "zuora_mock.api.ui.jobs",
    "zuora_mock.api.ui.requests",
    "zuora_mock.api.ui.faults",
    "zuora_mock.api.ui.reference",
    "zuora_mock.backend.massactions.reads",
    "zuora_mock.backend.customobjects.jobs",
    "zuora_mock.backend.customobjects.job_store",
    "zuora_mock.backend.customobjects.job_rows",
)
CHECK_START_UP = f"""
import sys
from zuora_mock import create_app
app = create_app({{}}, environ={{}})
lazy = {LAZY_MODULES!r}
assert not [name for name in lazy if name in sys.modules], [name for name in lazy if name in sys.modules]
assert app.test_client().get("{UI}/").status_code == 200
assert "zuora_mock.api.ui.overview" in sys.modules
"""
COPIES = 3


def fetch(url: str, headers: Mapping[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=dict(headers))
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def all_at_once(base: str, paths: Mapping[str, int], headers: Mapping[str, str]) -> dict[str, list[bytes]]:
    """COPIES requests to every path, released together; checks each status, returns the bodies by path."""
    barrier = threading.Barrier(len(paths) * COPIES)
    answers: dict[str, list[tuple[int, bytes]]] = {path: [] for path in paths}

    def first_request(path: str) -> None:
        barrier.wait()
        answers[path].append(fetch(base + path, headers))

    threads = [threading.Thread(target=first_request, args=(path,)) for path in paths for _ in range(COPIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for path, expected in paths.items():
        assert [status for status, _ in answers[path]] == [expected] * COPIES, (path, answers[path])
    return {path: [body for _, body in found] for path, found in answers.items()}


def test_start_up_leaves_the_lazy_modules_unloaded() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK_START_UP], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_concurrent_first_requests_to_every_page_answer_as_later_ones() -> None:
    with CliServer() as server:
        first = all_at_once(server.url, PAGES, {})
        for path, expected in PAGES.items():
            status, later = fetch(server.url + path, {})
            assert status == expected, path
            for body in first[path]:
                assert b"zuora-mock" in body and b"<html" in body.lower()
                assert path in LIVE_PAGES or body == later, path
        assert server.stop() == 0


def test_concurrent_first_api_reads_answer_as_later_ones() -> None:
    with CliServer() as server:
        auth = {"Authorization": f"Bearer {token(server.url)}"}
        first = all_at_once(server.url, API_READS, auth)
        for path, expected in API_READS.items():
            assert fetch(server.url + path, auth) == (expected, first[path][0]), path
            assert first[path] == [first[path][0]] * COPIES, path
        assert server.stop() == 0
