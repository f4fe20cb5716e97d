"""What every browser test of the workbench needs (a pytest plugin, loaded by ``conftest``).

One real ``alliance-graph serve`` on the real build, one Debian Chromium driven by Playwright, and
a ``view`` page per test at each of the two sizes an analyst uses (a laptop, 1400×900, and a phone,
390×844). The page is offline: any request that would leave 127.0.0.1 is aborted and fails the
test, and so does a script error. ``audit`` runs the checks every view must pass: axe-core finds no
serious or critical violation, nothing scrolls sideways, and a screenshot lands in
``tests/screenshots/`` (ignored by git) for a reviewer.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import require
from servers import Server

from alliance_graph.paths import ProjectPaths

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(__file__).resolve().parent / "screenshots"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"laptop": {"width": 1400, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}

# axe-core's impact levels that fail a view; "minor" and "moderate" are reported, not fatal.
FATAL_IMPACTS = ("serious", "critical")
AXE_RUN = """async () => {
  const result = await axe.run(document, { resultTypes: ["violations"] });
  return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
}"""


class View:
    """A browser tab on the service at one size, with what it tried to fetch off the machine."""

    def __init__(self, page: Any, size: str, base: str) -> None:
        self.page = page
        self.size = size
        self.base = base
        self.offsite: list[str] = []
        self.errors: list[str] = []

    @property
    def phone(self) -> bool:
        return self.size == "phone"

    def open(self, path: str) -> None:
        """Load a page of the service and wait until its script says it is ready."""
        self.page.goto(self.base + path)
        self.page.wait_for_selector("body[data-ready=true]")

    def audit(self, name: str) -> list[dict[str, Any]]:
        """axe-core, no sideways scroll, a screenshot; returns the non-fatal violations."""
        SHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}-{self.size}.png"), full_page=False)
        wide = self.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert wide <= 1, f"{name} at {self.size} scrolls sideways by {wide}px"
        if not self.page.evaluate("() => typeof axe !== 'undefined'"):
            self.page.add_script_tag(url="/vendor/axe-core/axe.min.js")
        violations: list[dict[str, Any]] = self.page.evaluate(AXE_RUN)
        fatal = [v for v in violations if v["impact"] in FATAL_IMPACTS]
        assert fatal == [], f"{name} at {self.size}: {fatal}"
        return violations


def _require_browser() -> str:
    require(CHROMIUM, "no chromium on this machine: apt-get install chromium")
    assert CHROMIUM is not None
    return CHROMIUM


@pytest.fixture(scope="session")
def ui_server(real_paths: ProjectPaths) -> Iterator[Server]:
    """One service for every browser test (two on one store would fight over its lock), with a
    query time limit a busy shared machine cannot hit: the views are tested here, not the limit
    (the pages' handling of a 503 is tested with the answer intercepted)."""
    server = Server(real_paths, ALLIANCE_GRAPH_QUERY_TIMEOUT="120")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(params=list(VIEWPORTS))
def view(request: pytest.FixtureRequest, browser: Any, ui_server: Server) -> Iterator[View]:
    """A fresh tab at each size (the test runs twice), offline and error-free or it fails."""
    size = str(request.param)
    context = browser.new_context(
        accept_downloads=True, viewport=VIEWPORTS[size], is_mobile=size == "phone", has_touch=size == "phone"
    )
    tab = context.new_page()
    current = View(tab, size, ui_server.url)

    def guard(route: Any) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            current.offsite.append(url)
            route.abort()

    context.route("**/*", guard)
    tab.on("pageerror", lambda exc: current.errors.append(str(exc)))
    yield current
    context.close()
    assert current.offsite == [], f"requests that left 127.0.0.1: {current.offsite}"
    assert current.errors == [], current.errors
