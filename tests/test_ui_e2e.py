"""The web UI in a real headless Chromium (Debian's package, driven by Playwright).

An analyst's path: ask the user's question with a date and see rows with sources; run SPARQL in
the editor and download CSV; find BRICS and China in the network and move the date; open an
entity page. Screenshots go to tests/screenshots/ (ignored by git) for a reviewer.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import require
from servers import Server

from alliance_graph.paths import ProjectPaths

pytestmark = pytest.mark.e2e
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


def _require_browser() -> str:
    require(CHROMIUM, "no chromium on this machine: apt-get install chromium")
    assert CHROMIUM is not None
    return CHROMIUM


@pytest.fixture(scope="module")
def ui_server(real_paths: ProjectPaths) -> Iterator[Server]:
    server = Server(real_paths)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert errors == [], errors


def open_page(page: object, url: str) -> None:
    """Load the UI and wait until its scripts have wired every form and drawn the views."""
    page.goto(url)  # type: ignore[attr-defined]
    page.wait_for_selector("body[data-ready=true]")  # type: ignore[attr-defined]


def shot(page: object, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)  # type: ignore[attr-defined]


def test_the_users_question_from_the_ui(ui_server: Server, page: object) -> None:
    open_page(page, ui_server.url + "/")
    form = page.locator("#q-bloc-members-cooperating-with")  # type: ignore[attr-defined]
    assert form.locator("input[name=bloc]").input_value() == "alliance:brics"
    form.locator("input[name=as_of]").fill("2025-01-31")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#answer tbody tr")  # type: ignore[attr-defined]
    table = page.locator("#answer")  # type: ignore[attr-defined]
    text = table.inner_text()
    for state in ("Russian Federation", "Brazil", "Indonesia"):  # parties to instruments with China
        assert state in text
    assert "South Africa" not in text  # only mentioned by Russia's announcement by then
    assert table.locator("a.source").count() > 5  # evidence links in the rows
    first_source = table.locator("a.source").first.get_attribute("href")
    assert first_source and first_source.startswith("http")
    page.locator("#results").scroll_into_view_if_needed()  # type: ignore[attr-defined]
    shot(page, "question-answer")
    form.locator("input[name=as_of]").fill("2023-01-01")
    form.locator("button[type=submit]").click()
    page.wait_for_function("() => document.querySelector('#status').textContent.startsWith('No row')")  # type: ignore[attr-defined]
    form.locator(".to-editor").click()
    page.wait_for_function("() => document.querySelector('.CodeMirror').CodeMirror.getValue().includes('VALUES ?bloc')")  # type: ignore[attr-defined]


def test_editor_runs_sparql_and_downloads_csv(ui_server: Server, page: object, tmp_path: Path) -> None:
    open_page(page, ui_server.url + "/#editor")
    page.evaluate(  # type: ignore[attr-defined]
        "document.querySelector('.CodeMirror').CodeMirror.setValue("
        "'SELECT ?state ?label WHERE { ?state ag:memberOf alliance:brics ; a ag:State ; rdfs:label ?label } ORDER BY ?label')"
    )
    page.click("#run")  # type: ignore[attr-defined]
    page.wait_for_selector("#answer tbody tr")  # type: ignore[attr-defined]
    assert "China" in page.locator("#answer").inner_text()  # type: ignore[attr-defined]
    assert page.locator(".cm-keyword").count() > 0  # type: ignore[attr-defined]  # highlighted
    with page.expect_download() as download:  # type: ignore[attr-defined]
        page.click("#csv")  # type: ignore[attr-defined]
    saved = tmp_path / "answer.csv"
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "state,label" and any("China" in line for line in lines)
    assert "sparql=" in page.url  # type: ignore[attr-defined]  # shareable
    shot(page, "editor")
    page.evaluate("document.querySelector('.CodeMirror').CodeMirror.setValue('SELECT ?s WHERE {\\n  ?s ?p \\n}')")  # type: ignore[attr-defined]
    page.click("#run")  # type: ignore[attr-defined]
    page.wait_for_selector("#status.error")  # type: ignore[attr-defined]
    assert "3:" in page.locator("#status").inner_text()  # type: ignore[attr-defined]
    assert page.locator(".error-line").count() == 1  # type: ignore[attr-defined]


# wait_for_function takes functions ("() => …"): a bare expression is evaluated with eval, which
# the service's Content-Security-Policy (script-src 'self', no 'unsafe-eval') rightly refuses.


def test_network_finds_brics_and_china_and_moves_the_date(ui_server: Server, page: object) -> None:
    open_page(page, ui_server.url + "/#network")
    page.wait_for_function("() => window.allianceNetwork && window.allianceNetwork.nodes().length > 0")  # type: ignore[attr-defined]
    labels = page.evaluate("window.allianceNetwork.nodes().map(n => n.data('label'))")  # type: ignore[attr-defined]
    assert "BRICS" in labels and "China" in labels
    page.locator("#network").scroll_into_view_if_needed()  # type: ignore[attr-defined]
    shot(page, "network")
    now = page.evaluate("window.allianceNetwork.nodes().length")  # type: ignore[attr-defined]
    page.fill("#as-of-slider", "30")  # type: ignore[attr-defined]  # 30 months after January 2006
    page.dispatch_event("#as-of-slider", "change")  # type: ignore[attr-defined]
    page.wait_for_function(f"() => window.allianceNetwork.nodes().length < {now}")  # type: ignore[attr-defined]
    assert page.locator("#as-of-label").inner_text().startswith("2008")  # type: ignore[attr-defined]
    page.evaluate(
        "window.allianceNetwork.getElementById('https://w3id.org/alliance-graph/id/alliance/brics').emit('tap')"
    )  # type: ignore[attr-defined]
    page.wait_for_url("**/id/alliance/brics")  # type: ignore[attr-defined]


def test_timeline_and_entity_page(ui_server: Server, page: object) -> None:
    open_page(page, ui_server.url + "/#timeline")
    page.wait_for_selector("#timeline-list li time")  # type: ignore[attr-defined]
    assert "2024-01-01" in page.locator("#timeline-list").inner_text()  # type: ignore[attr-defined]
    page.locator("#timeline").scroll_into_view_if_needed()  # type: ignore[attr-defined]
    shot(page, "timeline")
    page.goto(ui_server.url + "/id/institution/sberbank")  # type: ignore[attr-defined]
    body = page.locator("main").inner_text()  # type: ignore[attr-defined]
    assert "Sberbank" in body and "Restrictive measure" in body
    assert page.locator("a.source").count() > 3  # type: ignore[attr-defined]
    shot(page, "entity-sberbank")


def test_api_docs_render_offline_under_the_csp(ui_server: Server, page: object) -> None:
    """/docs draws Swagger UI from the vendored bundle, with no network and no CSP violation."""
    page.goto(ui_server.url + "/docs")  # type: ignore[attr-defined]
    page.wait_for_selector(".swagger-ui .info .title")  # type: ignore[attr-defined]
    assert "AI Alliance Graph" in page.locator(".swagger-ui .info .title").inner_text()  # type: ignore[attr-defined]
    assert page.locator(".opblock").count() > 10  # type: ignore[attr-defined]


def test_entity_picker_finds_names_in_other_scripts(ui_server: Server, page: object) -> None:
    open_page(page, ui_server.url + "/")
    form = page.locator("#q-bloc-members-cooperating-with")  # type: ignore[attr-defined]
    partner = form.locator("input[name=partner]")
    partner.fill("")
    partner.type("Россия")
    options = form.locator("datalist option")
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => [...document.querySelectorAll('#q-bloc-members-cooperating-with datalist option')]"
        ".some((o) => o.value === 'state:RUS')"
    )
    assert options.first.get_attribute("value") == "state:RUS"
    assert "Россия" in (options.first.get_attribute("label") or "")
    shot(page, "picker-russia")
