"""The README's screenshot: python -m tests.ui.screenshot [PATH] (default docs/img/dashboard.png).

A real server with a mass action half done, a request or two and a fault rule, shown by headless Chromium.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import httpx

from tests.e2e.cli_server import CliServer
from tests.ui.conftest import Api
from tests.ui.webdriver import Browser, find_browser

DEFAULT = Path(__file__).resolve().parents[2] / "docs" / "img" / "dashboard.png"
ROWS = 400


def stage(api: Api, url: str) -> None:
    """A completed job, one part-way, one pending; a 404 in the journal; a fault rule."""
    csv = b"Revenue Schedule Number\n" + b"".join(b"RS-%08d\n" % i for i in range(1, ROWS + 1))
    done = api.upload("DeleteRevenueSchedule", b"Revenue Schedule Number\nRS-00000001\nRS-00000002\n")
    running = api.upload("DeleteRevenueSchedule", csv)
    api.upload("DeleteRevenueSchedule", csv)
    admin = httpx.Client(base_url=url)
    admin.post(f"/_mock/bulk/{done}/advance")
    admin.post(f"/_mock/bulk/{running}/advance", json={"rows": ROWS * 3 // 5})
    admin.post("/_mock/faults", json={"fault": "rate-limit", "path": "/objects/*", "times": 3})
    api.http.get("/objects/records/default/Fleet", headers=api.auth)
    admin.close()


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    found = find_browser()
    if found is None:
        print("needs chromium and chromedriver", file=sys.stderr)
        return 1
    with CliServer("--bulk-progression", "manual") as server:
        api = Api(server.url)
        stage(api, server.url)
        browser = Browser(*found)
        try:
            browser.call("POST", "/window/rect", {"width": 1280, "height": 660})
            browser.open(f"{server.url}/_mock/ui/jobs")
            time.sleep(0.5)
            browser.screenshot(target)
        finally:
            browser.close()
            api.close()
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
