"""The site's frame, the same on every page: a skip link first, the views in one navigation, and
npm's files served from ``ui/node_modules`` only (nothing outside it, nothing hidden)."""

from __future__ import annotations

import httpx
import pytest
from servers import Server
from ui_browser import View

pytestmark = pytest.mark.e2e
PAGES = ["/", "/editor", "/timeline", "/map", "/network"]


@pytest.mark.parametrize("path", PAGES)
def test_every_view_has_the_frame(ui_server: Server, path: str) -> None:
    page = httpx.get(ui_server.url + path, timeout=10)
    assert page.status_code == 200
    body = page.text
    assert body.index('class="skip-link"') < body.index("<nav") < body.index('id="main"')
    for target in PAGES:
        assert f'href="{target}"' in body


def test_vendor_serves_npm_files_and_nothing_else(ui_server: Server) -> None:
    assert httpx.get(ui_server.url + "/vendor/axe-core/axe.min.js").status_code == 200
    for bad in (
        "/vendor/../../pyproject.toml",
        "/vendor/%2e%2e/package.json",
        "/vendor/.package-lock.json",
        "/vendor/axe-core/package.json/x",
        "/vendor/axe-core/LICENSE",
    ):
        assert httpx.get(ui_server.url + bad).status_code == 404, bad


def test_skip_link_reaches_the_content(view: View) -> None:
    view.open("/timeline")
    view.page.keyboard.press("Tab")
    assert view.page.evaluate("() => document.activeElement.className") == "skip-link"
    view.page.keyboard.press("Enter")
    assert view.page.evaluate("() => document.activeElement.id") == "main"
