"""Entity pages as dossiers, the browser's 404, ``/ontology`` and ``/docs`` in the site's frame.

Each page is opened in Chromium at a laptop's and a phone's size (the ``view`` fixture, offline:
a request leaving 127.0.0.1 fails the test) and audited (axe-core, no sideways scroll). What the
pages show is what the real build holds: Russia's names in many languages, its facts grouped by
kind with dates as precise as the sources give them, the facts and links the build inferred
marked with what they come from; Sberbank's restrictive measures with their sources.
"""

from __future__ import annotations

import shutil
from typing import Any

import httpx
import pytest
from conftest import require
from servers import Server
from ui_browser import View

pytestmark = pytest.mark.e2e

RUSSIA = "/id/state/RUS"
SBERBANK = "/id/institution/sberbank"


def texts(view: View, selector: str) -> list[str]:
    return [str(t).strip() for t in view.page.locator(selector).all_inner_texts()]


def box(view: View, selector: str) -> dict[str, float]:
    found: dict[str, float] | None = view.page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not shown"
    return found


def in_site_frame(view: View) -> None:
    """The site's frame: the skip link first, the site navigation, the main landmark."""
    assert view.page.locator("a.skip-link[href='#main']").count() == 1
    assert view.page.locator("nav[aria-label=Site] a[href='/']").count() == 1
    assert view.page.locator("main#main").count() == 1


# --- Russia ---------------------------------------------------------------------------------------


def test_russia_names_in_their_languages(view: View) -> None:
    view.open(RUSSIA)
    in_site_frame(view)
    assert view.page.locator("h1").inner_text() == "Russian Federation"
    languages = view.page.locator(".names .lang-row")
    assert languages.count() >= 10
    russian = view.page.locator(".names [lang=ru]").all_inner_texts()
    assert {"Российская Федерация", "Россия", "РФ"} <= set(russian)
    assert "俄罗斯" in view.page.locator(".names [lang=zh]").all_inner_texts()
    assert "Russia" in view.page.locator(".names [lang=en]").all_inner_texts()
    # a curated name variant links to its own record (with its sources), inside the site
    assert view.page.locator(".names a[href='/id/name/rus-rf-ru']").count() == 1
    view.audit("dossier-russia")


def test_russia_facts_grouped_by_kind_with_dates_as_given(view: View) -> None:
    view.open(RUSSIA)
    headings = texts(view, "section.facts > h2")
    kinds = [h.rsplit(" (", 1)[0] for h in headings]
    assert kinds == ["Membership", "Cooperation", "Restrictive measure", "Ranking entry", "Claim"], headings
    brics = view.page.locator(".fact", has=view.page.locator("h3 a[href='/id/membership/brics-rus']"))
    # founding of BRICS: September 2006 as the sources give it, not the derived last day 2006-09-30
    assert brics.locator("time").first.inner_text() == "2006-09"
    assert "founding member" in brics.inner_text() and "2006-09-30" not in view.page.locator("main").inner_text()
    # a document dated only by its year prints as the year
    ranking = view.page.locator("#kind-ranking-entry .fact").first
    ranking.locator("summary").click()
    assert "2024" in ranking.locator(".doc-meta time").all_inner_texts()
    # a fact without a date says so instead of inventing one
    assert view.page.locator("#kind-claim .unknown").first.inner_text() == "date unknown"


def test_russia_inferred_facts_and_links_say_what_they_come_from(view: View) -> None:
    view.open(RUSSIA)
    vk = view.page.locator(".fact", has=view.page.locator("h3 a[href='/id/membership/ai-alliance-russia-vk']"))
    assert "inferred" in (vk.get_attribute("class") or "")
    note = vk.locator(".inferred-note")
    assert "through VK" in note.inner_text() and note.locator("a[href='/id/institution/vk']").count() == 1
    asserted = view.page.locator(".fact", has=view.page.locator("h3 a[href='/id/membership/brics-rus']"))
    assert "inferred" not in (asserted.get_attribute("class") or "")
    links = view.page.locator("#inferred li")
    brics = links.filter(has=view.page.locator("a[href='/id/alliance/brics']"))
    assert brics.count() == 1 and "member of" in brics.inner_text()
    assert brics.locator("a[href='/id/membership/brics-rus']").count() == 1
    china = links.filter(has=view.page.locator("a[href='/id/state/CHN']"))
    assert china.count() == 1 and "cooperates with" in china.inner_text()
    assert china.locator("a[href^='/id/cooperation/']").count() >= 3
    # the derived super-link (org:linkedTo) beside the narrower one is not repeated
    assert "linked to" not in view.page.locator("main").inner_text()


def test_russia_types_once_and_classes_link_into_the_site(view: View) -> None:
    view.open(RUSSIA)
    types = texts(view, ".types .type")
    assert len(types) == len(set(types)) == 3, types
    assert view.page.locator(".types a[href='/ontology#State']").count() == 1
    assert view.page.locator(".dossier-head .kind").inner_text().lower() == "state"
    # every link to an entity or a class stays inside the site
    outside = view.page.evaluate(
        "() => [...document.querySelectorAll('main a[href]')].map(a => a.getAttribute('href'))"
        ".filter(h => h.includes('w3id.org') || h.startsWith('http://www.w3.org'))"
    )
    assert outside == []
    view.page.locator(".types a[href='/ontology#State']").click()
    view.page.wait_for_url("**/ontology#State")
    assert view.page.locator("[id=State]").count() == 1


def test_sources_open_from_the_keyboard(view: View) -> None:
    view.open(RUSSIA)
    summary = view.page.locator("#kind-membership .sources summary").first
    summary.focus()
    view.page.keyboard.press("Enter")
    details = view.page.locator("#kind-membership details.sources").first
    assert details.get_attribute("open") is not None
    assert details.locator("blockquote").first.is_visible()


# --- Sberbank -------------------------------------------------------------------------------------


def test_sberbank_restrictive_measures_with_sources(view: View) -> None:
    view.open(SBERBANK)
    measures = view.page.locator("#kind-restrictive-measure .fact")
    assert measures.count() == 4
    imposers = " ".join(measures.all_inner_texts())
    for imposer in ("United States", "United Kingdom", "European Union"):
        assert imposer in imposers
    first = measures.first
    first.locator("summary").click()
    sources = first.locator(".sources li")
    assert sources.count() >= 1
    meta = first.locator(".doc-meta").first.inner_text()
    assert "official" in meta or "press" in meta or "wire" in meta
    assert first.locator(".sources blockquote").count() >= 1
    assert first.locator("a.source[href^='http']").count() >= 1
    view.audit("dossier-sberbank")


# --- 404 ------------------------------------------------------------------------------------------


def test_browser_404_is_a_page_in_the_frame(view: View) -> None:
    response = view.page.goto(view.base + "/id/state/RUSS")
    assert response is not None and response.status == 404
    assert response.headers["content-type"].startswith("text/html")
    view.page.wait_for_selector("body[data-ready=true]")
    in_site_frame(view)
    assert "RUSS" in view.page.locator("main").inner_text()
    assert view.page.locator("#nf-results a[href='/id/state/RUS']").count() == 1
    view.audit("not-found")


def test_api_404_stays_problem_json(ui_server: Server) -> None:
    url = ui_server.url + "/id/state/RUSS"
    for accept in ("*/*", "text/turtle", "application/ld+json", None):
        answer = httpx.get(url, headers={"Accept": accept} if accept else {})
        assert answer.status_code == 404, accept
        assert answer.headers["content-type"] == "application/problem+json", accept
        assert answer.json()["status"] == 404
    for path in ("/no/such/page", "/queries/no-such-question"):
        for accept in ("application/json", "application/problem+json"):
            answer = httpx.get(ui_server.url + path, headers={"Accept": accept})
            assert answer.status_code == 404 and answer.headers["content-type"] == "application/problem+json"
    browser = httpx.get(url, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert browser.status_code == 404 and 'class="skip-link"' in browser.text
    sparql = httpx.get(ui_server.url + "/sparql/nothing", headers={"Accept": "text/html"})
    assert sparql.status_code == 404 and sparql.headers["content-type"].startswith("text/plain")


# --- /ontology ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ontology_docs(ui_server: Server) -> None:
    """The pyLODE page and diagram, as ``alliance-graph build`` writes them (the test build does
    not); the service reads them on each request."""
    require(shutil.which("dot"), "no Graphviz on this machine: apt-get install graphviz")
    from alliance_graph.ontology.docs import render

    render(ui_server.paths.ontology_file, ui_server.paths.var_dir / "docs")


def test_ontology_in_the_frame_with_the_diagram_fitted(view: View, ontology_docs: None) -> None:
    view.open("/ontology")
    in_site_frame(view)
    assert view.page.locator("nav[aria-label=Site] a[aria-current=page]").inner_text() == "Ontology"
    width = view.page.evaluate("() => window.innerWidth")
    diagram = box(view, "#diagram svg")
    content = box(view, ".onto-content")
    toc = box(view, ".onto-toc")
    assert diagram["x"] >= 0 and diagram["x"] + diagram["width"] <= width + 1
    assert diagram["x"] + diagram["width"] <= content["x"] + content["width"] + 1
    # the table of contents is beside the content (laptop) or after it (phone), never over it
    if view.phone:
        assert toc["y"] >= content["y"] + content["height"] - 1
    else:
        assert toc["x"] >= content["x"] + content["width"]
        assert view.page.evaluate("() => getComputedStyle(document.querySelector('.onto-toc')).position") == "sticky"
    for term in ("State", "Membership", "partyA", "cooperatesWith"):
        assert view.page.locator(f"[id={term}]").count() == 1, term
    view.audit("ontology")


def test_ontology_diagram_at_full_size(ui_server: Server, ontology_docs: None) -> None:
    svg = httpx.get(ui_server.url + "/ontology/diagram.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert 'xlink:href="/ontology#State"' in svg.text
    turtle = httpx.get(ui_server.url + "/ontology", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle") and "ag:Membership" in turtle.text


PYLODE_LIKE = """<!DOCTYPE html><html><head><style>
body { padding: 2em 70px; } #toc { position: fixed; right: 0; } h2 { color: navy; }
</style></head><body><div id="content">
<div class="section" id="metadata"><h1>X</h1></div>
<div class="section" id="classes"><div class="property entity" id="AIinitiative"><h3>AI initiative</h3>
<table><tr><th>IRI</th><td><code>https://w3id.org/alliance-graph/ontology#AIInitiative</code></td></tr></table></div>
<div class="property entity" id="citation"><h3>citation</h3>
<table><tr><th>IRI</th><td><code>https://w3id.org/alliance-graph/ontology#Citation</code></td></tr></table></div>
<div class="property entity" id="citation1"><h3>citation</h3>
<table><tr><th>IRI</th><td><code>https://w3id.org/alliance-graph/ontology#citation</code></td></tr></table></div>
</div></div>
<div id="pylode"><p>made by pyLODE</p></div>
<div id="toc"><h3>Table of Contents</h3><ul><li><a href="#AIinitiative">AI initiative</a></li>
<li><a href="#citation">citation</a></li><li><a href="#citation1">citation</a></li></ul></div>
<figure id="diagram"><h2>Main</h2><?xml version="1.0"?><svg width="2289pt" height="476pt" viewBox="0 0 2289 476">
<a xlink:href="#AIInitiative"><text>AI initiative</text></a></svg></figure></body></html>"""


def test_pylode_page_is_taken_apart_for_the_frame() -> None:
    from alliance_graph.api.ontology_page import reframe, scope_css

    page = reframe(PYLODE_LIKE)
    assert page.diagram and 'width="2289pt"' not in page.content and "<svg viewBox" in page.content
    assert page.content.index('id="diagram"') < page.content.index('id="classes"')
    assert 'id="AIInitiative"' in page.content and 'id="AIinitiative"' not in page.content
    assert 'id="Citation"' in page.content and 'id="citation"' in page.content  # class and property apart
    assert 'href="#Citation"' in page.toc and 'href="#citation"' in page.toc and "#citation1" not in page.toc
    assert 'id="toc"' not in page.content and "pyLODE" not in page.content
    assert "position: fixed" not in page.style and "padding: 2em 70px" not in page.style
    assert page.style == ".ontology-doc h2 { color: navy; }"
    assert scope_css("a:hover, #toc a { color: red }") == ".ontology-doc a:hover { color: red }"


# --- /docs ----------------------------------------------------------------------------------------


def test_docs_render_offline_in_the_frame(view: View) -> None:
    view.open("/docs")  # ready once Swagger UI has drawn the specification
    in_site_frame(view)
    assert "AI Alliance Graph" in view.page.locator(".swagger-ui .info .title").inner_text()
    assert view.page.locator(".swagger-ui .opblock").count() > 10
    scripts: list[Any] = view.page.evaluate("() => [...document.scripts].map(s => s.getAttribute('src'))")
    assert all(src and src.startswith(("/vendor/", "/static/")) for src in scripts), scripts
    view.audit("api-docs")
