"""A small headless-Chromium driver over the DevTools protocol, for checking HTML reports as a browser sees them.

    with Browser() as b:
        page = b.open(Path("report.html"))
        page.evaluate("document.title")
        page.screenshot() -> PNG bytes; page.events: console messages, exceptions, dialogs

Chromium must be at /usr/bin/chromium (or $CHROMIUM); a missing browser is an error, never a skip.
"""

from __future__ import annotations

import base64
import itertools
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio"]


def chromium_path(wait_s: float = 0.0) -> str:
    """Chromium's path; waits up to `wait_s` for a concurrent install to finish, then fails loudly."""
    deadline = time.monotonic() + wait_s
    while True:
        for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
            if candidate and os.access(candidate, os.X_OK):
                return candidate
        if time.monotonic() >= deadline:
            raise RuntimeError("chromium not found at /usr/bin/chromium (install Debian's chromium: scripts/setup-test-env does)")
        time.sleep(2)


class Page:
    def __init__(self, browser: Browser, session: str):
        self.browser, self.session = browser, session
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30) -> dict[str, Any]:
        return self.browser.send(method, params, session=self.session, timeout=timeout)

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, width: int = 1280, height: int = 1600) -> bytes:
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        return base64.b64decode(self.send("Page.captureScreenshot", {"format": "png"})["data"])

    def console(self) -> list[str]:
        out = []
        for e in self.events:
            if e["method"] == "Runtime.consoleAPICalled":
                out.append(f"console.{e['params']['type']}: " + " ".join(str(a.get("value", a.get("description"))) for a in e["params"]["args"]))
            elif e["method"] == "Runtime.exceptionThrown":
                details = e["params"]["exceptionDetails"]
                out.append(f"exception: {details.get('exception', {}).get('description') or details.get('text')}")
            elif e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] in ("error", "warning"):
                out.append(f"log.{e['params']['entry']['level']}: {e['params']['entry']['text']}")
            elif e["method"] == "Page.javascriptDialogOpening":
                out.append(f"dialog: {e['params'].get('message')}")
        return out


class Browser:
    def __init__(self, chromium: str | None = None):
        self.chromium = chromium or chromium_path(wait_s=float(os.environ.get("MIGRATE_CHROMIUM_WAIT", "120")))
        self.ids = itertools.count(1)
        self.pending: list[dict[str, Any]] = []
        self.pages: dict[str, Page] = {}

    def __enter__(self) -> Browser:
        from websockets.sync.client import connect

        self.profile = tempfile.mkdtemp(prefix="migrate-chromium-")
        self.process = subprocess.Popen(
            [self.chromium, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-port=0", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        url, seen = None, []
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = self.process.stderr.readline()
            if not line and self.process.poll() is not None:
                break
            seen.append(line)
            match = re.search(r"DevTools listening on (ws://\S+)", line)
            if match:
                url = match.group(1)
        if url is None:
            self.__exit__(None, None, None)
            raise RuntimeError("chromium did not start; its output:\n" + "".join(seen[-30:]))
        self._connection = connect(url, max_size=64 * 1024 * 1024, open_timeout=30)
        self.ws = self._connection.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        try:
            if getattr(self, "_connection", None) is not None:
                self._connection.__exit__(None, None, None)
        finally:
            if self.process.poll() is None:
                self.process.terminate()
                try:
                    self.process.wait(10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(10)
            shutil.rmtree(self.profile, ignore_errors=True)

    def send(self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None, timeout: float = 30) -> dict[str, Any]:
        ident = next(self.ids)
        message: dict[str, Any] = {"id": ident, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            reply = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if reply.get("id") == ident:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self._event(reply)

    def _event(self, message: dict[str, Any]) -> None:
        page = self.pages.get(message.get("sessionId", ""))
        if page is not None and "method" in message:
            page.events.append(message)
            if message["method"] == "Page.javascriptDialogOpening":  # never leave a dialog blocking the page
                self.ws.send(json.dumps({"id": next(self.ids), "sessionId": page.session,
                                         "method": "Page.handleJavaScriptDialog", "params": {"accept": True}}))

    def pump(self, seconds: float) -> None:
        """Collect events for a while (late console messages, dialogs)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                self._event(json.loads(self.ws.recv(timeout=max(0.05, deadline - time.monotonic()))))
            except TimeoutError:
                return

    def open(self, path: Path, *, load_timeout: float = 30) -> Page:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = self.pages[session] = Page(self, session)
        for domain in ("Page", "Runtime", "Log"):
            page.send(f"{domain}.enable")
        page.send("Page.navigate", {"url": Path(path).resolve().as_uri()})
        deadline = time.monotonic() + load_timeout
        while time.monotonic() < deadline:
            if any(e["method"] == "Page.loadEventFired" for e in page.events):
                break
            self.pump(0.2)
        else:
            raise RuntimeError(f"{path}: page did not finish loading in {load_timeout} s")
        self.pump(0.5)
        return page
