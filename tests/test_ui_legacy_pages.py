"""The entity page and /docs in a real Chromium (moved here from the old test_ui_e2e.py, on the
shared ``view`` fixture; the ``dossier`` helper replaces this file with the entity pages' own)."""

from __future__ import annotations

import pytest
from ui_browser import SHOTS, View

pytestmark = pytest.mark.e2e


def test_entity_page(view: View) -> None:
    view.page.goto(view.base + "/id/institution/sberbank")
    body = view.page.locator("main").inner_text()
    assert "Sberbank" in body and "Restrictive measure" in body
    assert view.page.locator("a.source").count() > 3
    SHOTS.mkdir(exist_ok=True)
    view.page.screenshot(path=str(SHOTS / f"entity-sberbank-{view.size}.png"), full_page=False)


def test_api_docs_render_offline_under_the_csp(view: View) -> None:
    """/docs draws Swagger UI from the vendored bundle, with no network and no CSP violation."""
    view.page.goto(view.base + "/docs")
    view.page.wait_for_selector(".swagger-ui .info .title")
    assert "AI Alliance Graph" in view.page.locator(".swagger-ui .info .title").inner_text()
    assert view.page.locator(".opblock").count() > 10
