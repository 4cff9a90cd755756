"""A small W3C WebDriver client over httpx for Debian's chromium-driver: just what the dashboard tests use.

Selenium's bindings need urllib3 2.x, which the zuora-sdk pin of the test extra excludes; the protocol itself
is a handful of JSON calls (https://www.w3.org/TR/webdriver2/).
"""

from __future__ import annotations

import base64
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import httpx

ELEMENT_KEY = "element-6066-11e4-a52e-4f735466cecf"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
DRIVER_NAMES = ("chromedriver",)
# Headless and quiet: no GPU, no sandbox (containers run as root), nothing that phones home.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1366,900",
)
T = TypeVar("T")


def find_browser() -> tuple[str, str] | None:
    """(chromium, chromedriver) when both are installed (Debian: apt-get install chromium chromium-driver)."""
    browser = next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)
    driver = next((found for name in DRIVER_NAMES if (found := shutil.which(name))), None)
    # GitHub's runner images ship Chrome with its driver in $CHROMEWEBDRIVER, off the PATH.
    bundled = Path(os.environ.get("CHROMEWEBDRIVER", "")) / "chromedriver"
    if driver is None and os.environ.get("CHROMEWEBDRIVER") and bundled.is_file():
        driver = str(bundled)
    return (browser, driver) if browser and driver else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class WebDriverError(RuntimeError):
    """An error answer of the driver, with its W3C error code."""


class Element:
    """A found element: click it, type into it, read it."""

    def __init__(self, browser: Browser, element_id: str) -> None:
        self.browser = browser
        self.id = element_id

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.browser.call(method, f"/element/{self.id}{path}", body)

    def click(self) -> None:
        self._call("POST", "/click", {})

    def clear(self) -> None:
        self._call("POST", "/clear", {})

    def type(self, text: str) -> None:
        self._call("POST", "/value", {"text": text})

    @property
    def text(self) -> str:
        return str(self._call("GET", "/text"))

    def attribute(self, name: str) -> str | None:
        found = self._call("GET", f"/attribute/{name}")
        return None if found is None else str(found)

    def find(self, css: str) -> Element:
        return Element(self.browser, self._call("POST", "/element", _css(css))[ELEMENT_KEY])


def _css(selector: str) -> dict[str, str]:
    return {"using": "css selector", "value": selector}


class Browser:
    """One chromedriver process and one headless Chromium session with a fresh profile."""

    def __init__(self, chromium: str, chromedriver: str) -> None:
        self.port = _free_port()
        self.profile = tempfile.mkdtemp(prefix="zuora-mock-chromium-")
        self.driver = subprocess.Popen(
            [chromedriver, f"--port={self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=60)
        self.session = ""
        try:
            self._wait_for_driver()
            capabilities = {
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": chromium,
                    "args": [*CHROMIUM_ARGS, f"--user-data-dir={self.profile}"],
                },
            }
            answer = self.http.post("/session", json={"capabilities": {"alwaysMatch": capabilities}})
            self.session = _value(answer)["sessionId"]
        except BaseException:
            self.close()
            raise

    def _wait_for_driver(self) -> None:
        deadline = time.monotonic() + 20
        while True:
            try:
                if self.http.get("/status").status_code == 200:
                    return
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.05)

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return _value(self.http.request(method, f"/session/{self.session}{path}", json=body))

    def open(self, url: str) -> None:
        self.call("POST", "/url", {"url": url})

    @property
    def url(self) -> str:
        return str(self.call("GET", "/url"))

    @property
    def title(self) -> str:
        return str(self.call("GET", "/title"))

    def find(self, css: str) -> Element:
        return Element(self, self.call("POST", "/element", _css(css))[ELEMENT_KEY])

    def find_all(self, css: str) -> list[Element]:
        return [Element(self, found[ELEMENT_KEY]) for found in self.call("POST", "/elements", _css(css))]

    def script(self, source: str, *args: Any) -> Any:
        return self.call("POST", "/execute/sync", {"script": source, "args": list(args)})

    def accept_confirms(self) -> None:
        """The page's window.confirm answers yes (the dashboard asks before a reset)."""
        self.script("window.confirm = function () { return true; };")

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(self.call("GET", "/screenshot")))

    def wait(self, condition: Callable[[], T | None], timeout: float = 10.0, what: str = "condition") -> T:
        """Poll until `condition` returns something truthy; element lookups that fail count as not yet."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                found = condition()
            except WebDriverError:
                found = None
            if found:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
            time.sleep(0.05)

    def close(self) -> None:
        try:
            if self.session:
                self.http.delete(f"/session/{self.session}")
        except httpx.HTTPError:
            pass
        finally:
            self.http.close()
            self.driver.terminate()
            try:
                self.driver.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.driver.kill()
                self.driver.wait(timeout=10)
            shutil.rmtree(self.profile, ignore_errors=True)


def _value(response: httpx.Response) -> Any:
    body = response.json()
    value = body.get("value") if isinstance(body, dict) else None
    if response.status_code >= 400:
        error = value.get("error", "") if isinstance(value, dict) else ""
        message = value.get("message", "") if isinstance(value, dict) else response.text
        raise WebDriverError(f"{error}: {message[:500]}")
    return value


def artifacts_dir() -> Path:
    """Where screenshots go: $ZUORA_MOCK_UI_ARTIFACTS, else artifacts/ui in the repository (gitignored)."""
    configured = os.environ.get("ZUORA_MOCK_UI_ARTIFACTS")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "artifacts" / "ui"
