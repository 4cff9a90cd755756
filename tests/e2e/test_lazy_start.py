"""Parts the server loads on first use: absent after start-up, loaded by their first request, and right when
many first requests arrive at once."""

from __future__ import annotations

import subprocess
import sys
import threading
import urllib.error
import urllib.request

from tests.e2e.cli_server import CliServer

UI = "/_mock/ui"
# Each dashboard URL with the status it answers on a fresh server (a bad record id, an unknown job or entry:
# the error page).
PAGES = {
    "/": 200,
    "/objects": 200,
    "/objects/demo/Vehicle": 200,
    "/objects/demo/Vehicle/no-such-record": 400,
    "/jobs": 200,
    "/jobs/no-such-job/result": 404,
    "/requests": 200,
    "/requests/999999": 404,
    "/faults": 200,
    "/api": 200,
}
# Modules the app does not import until a request needs them.
LAZY_MODULES = (
    "zuora_mock.api.ui.overview",
    "zuora_mock.api.ui.objects",
    "zuora_mock.api.ui.jobs",
    "zuora_mock.api.ui.requests",
    "zuora_mock.api.ui.faults",
    "zuora_mock.api.ui.reference",
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


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_start_up_leaves_the_lazy_modules_unloaded() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK_START_UP], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_concurrent_first_requests_to_every_page_answer_as_later_ones() -> None:
    with CliServer() as server:
        copies = 3
        barrier = threading.Barrier(len(PAGES) * copies)
        first: dict[tuple[str, int], tuple[int, bytes]] = {}

        def first_request(page: str, copy: int) -> None:
            barrier.wait()
            first[(page, copy)] = fetch(server.url + UI + page)

        threads = [
            threading.Thread(target=first_request, args=(page, copy))
            for page in PAGES
            for copy in range(copies)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        for page, expected in PAGES.items():
            later_status, later_body = fetch(server.url + UI + page)
            assert later_status == expected, page
            for copy in range(copies):
                status, body = first[(page, copy)]
                assert status == expected, (page, body[:300])
                assert b"zuora-mock" in body and b"<html" in body.lower()
                if page not in ("/", "/requests"):  # the clock and the journal move between requests
                    assert body == later_body, page
        assert server.stop() == 0
