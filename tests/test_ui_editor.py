"""The SPARQL editor (``/editor``): YASGUI on the service's own endpoint, offline, under the CSP.

Each test runs at both sizes (the ``view`` fixture) and fails on any request leaving 127.0.0.1 or
any script error. What an analyst relies on is pinned here: a query runs with Ctrl-Enter and the
table shows its answer; the CSV download is byte for byte the rows shown (what the endpoint sends
for ``text/csv``, and only the filtered rows when the table is filtered); an error replaces stale
results with the service's own message; ``/editor?query=`` opens a tab with that query and runs
it; completion offers the ontology's terms; the chart draws offline; axe-core finds nothing
serious; nothing trips the Content-Security-Policy.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from servers import Server
from ui_browser import View

pytestmark = pytest.mark.e2e

BRICS = (
    "SELECT ?state ?label WHERE { ?state ag:memberOf alliance:brics ; a ag:State ; rdfs:label ?label } ORDER BY ?label"
)
BROKEN = "SELECT ?x WHERE { ?x"
COUNTS = (
    "SELECT ?alliance (COUNT(?member) AS ?members) WHERE { ?member ag:memberOf ?alliance } "
    "GROUP BY ?alliance ORDER BY DESC(?members)"
)
WIDE = "SELECT ?fact ?relation ?value ?source WHERE { ?fact ?relation ?value ; prov:wasDerivedFrom ?source } LIMIT 20"
# Collects what the page's CSP blocks (Playwright's init scripts are not subject to it).
CSP_WATCH = (
    "window.__cspViolations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
)
ROWS_SHOWN = """() => Array.from(document.querySelectorAll('.tabPanel.active .yasr_results tbody tr')).map(
  (tr) => Array.from(tr.querySelectorAll('td')).slice(1).map((td) => {
    const link = td.querySelector('a.iri');
    return link ? link.getAttribute('href') : td.innerText.trim();
  }))"""


def open_editor(view: View, path: str = "/editor") -> None:
    view.page.add_init_script(CSP_WATCH)
    view.open(path)


def set_query(view: View, query: str) -> None:
    view.page.evaluate(
        "(q) => { const cm = document.querySelector('.tabPanel.active .CodeMirror').CodeMirror;"
        " cm.setValue(q); cm.focus(); cm.setCursor(cm.lineCount(), 0); }",
        query,
    )


def run(view: View, query: str) -> None:
    """Type-free: put the query in the active editor and press Ctrl-Enter, as an analyst would."""
    set_query(view, query)
    view.page.keyboard.press("Control+Enter")


def wait_for_rows(view: View) -> list[list[str]]:
    view.page.wait_for_selector(".tabPanel.active .yasr_results tbody tr td a.iri")
    rows: list[list[str]] = view.page.evaluate(ROWS_SHOWN)
    return rows


def literal(shown: str) -> str:
    """A literal as the table shows it (``"Brazil"@en``) back to its lexical form."""
    return shown.rsplit('"@', 1)[0].removeprefix('"') if shown.startswith('"') else shown


def download(view: View) -> str:
    with view.page.expect_download() as info:
        view.page.click(".tabPanel.active .yasr_downloadIcon")
    path: Any = info.value.path()
    return Path(path).read_bytes().decode("utf-8")


def no_csp_violations(view: View) -> None:
    assert view.page.evaluate("() => window.__cspViolations") == []


def service_csv(server: Server, query: str) -> str:
    answer = httpx.post(server.url + "/sparql", data={"query": query}, headers={"Accept": "text/csv"}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.text


def test_runs_a_query_and_downloads_exactly_the_rows_shown(view: View, ui_server: Server) -> None:
    open_editor(view)
    run(view, BRICS)
    rows = wait_for_rows(view)
    expected = list(csv.reader(io.StringIO(service_csv(ui_server, BRICS))))
    assert [[state, literal(label)] for state, label in rows] == expected[1:]
    assert "https://w3id.org/alliance-graph/id/state/BRA" in rows[0][0] and len(rows) >= 5

    # The whole answer: the same bytes the endpoint sends for text/csv (CRLF, minimal quoting).
    assert download(view) == service_csv(ui_server, BRICS)

    # Filtered: the download is what the table now shows, not the whole answer.
    view.page.fill(".tabPanel.active .tableFilter", "Ind")
    view.page.dispatch_event(".tabPanel.active .tableFilter", "keyup")
    view.page.wait_for_function(
        "() => document.querySelectorAll('.tabPanel.active .yasr_results tbody tr').length === 2"
    )
    shown = view.page.evaluate(ROWS_SHOWN)
    filtered = list(csv.reader(io.StringIO(download(view))))
    assert filtered[0] == ["state", "label"]
    assert [[state, literal(label)] for state, label in shown] == filtered[1:]
    assert sorted(label for _, label in filtered[1:]) == ["India", "Indonesia"]
    no_csp_violations(view)


def test_a_syntax_error_shows_in_place_of_the_results(view: View) -> None:
    open_editor(view)
    run(view, BRICS)
    wait_for_rows(view)
    run(view, BROKEN)
    error = view.page.wait_for_selector(".tabPanel.active .yasr_results .ag-query-error[role=alert]")
    assert error is not None
    text = error.inner_text()
    assert "SPARQL syntax error" in text
    assert view.page.locator(".tabPanel.active .yasr_results table").count() == 0
    # And a good query afterwards replaces the error.
    run(view, BRICS)
    wait_for_rows(view)
    assert view.page.locator(".tabPanel.active .ag-query-error").count() == 0


def test_a_time_limit_shows_in_place(view: View) -> None:
    """A 503 as the service sends it for /sparql (plain text, the message is the body)."""
    message = "the query ran past the 10 s time limit and was stopped (request id test-1)"
    open_editor(view)
    run(view, BRICS)
    wait_for_rows(view)
    view.page.route(
        "**/sparql",
        lambda route: route.fulfill(
            status=503, headers={"Content-Type": "text/plain; charset=utf-8", "Retry-After": "1"}, body=message + "\n"
        ),
    )
    run(view, BRICS + " LIMIT 3")
    error = view.page.wait_for_selector(".tabPanel.active .yasr_results .ag-query-error")
    assert error is not None
    assert message in error.inner_text()
    assert view.page.locator(".tabPanel.active .yasr_results table").count() == 0


def test_query_in_the_address_opens_a_tab_that_runs_it(view: View) -> None:
    open_editor(view)  # a first visit: one tab with the starting query
    assert view.page.locator(".tabsList .tab[role=presentation], .tabsList li.tab").count() >= 1
    before = view.page.evaluate("() => Object.keys(AgEditor.yasgui._tabs).length")
    view.open("/editor?query=" + quote(BRICS))
    after = view.page.evaluate("() => Object.keys(AgEditor.yasgui._tabs).length")
    assert after == before + 1
    value = view.page.evaluate("() => document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()")
    assert value == BRICS
    rows = wait_for_rows(view)
    assert rows[0][0] == "https://w3id.org/alliance-graph/id/state/BRA"
    endpoint = view.page.evaluate("() => AgEditor.yasgui.getTab().getEndpoint()")
    assert endpoint == view.base + "/sparql"
    # Consumed: a reload does not open the same query in yet another tab.
    assert view.page.url == view.base + "/editor"
    no_csp_violations(view)


def test_history_and_share_links(view: View) -> None:
    open_editor(view)
    run(view, COUNTS)
    wait_for_rows(view)
    # History: YASGUI keeps the tabs (query and answer) in localStorage across visits.
    view.page.reload()
    view.page.wait_for_selector("body[data-ready=true]")
    value = view.page.evaluate("() => document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()")
    assert value == COUNTS
    wait_for_rows(view)
    # Share: the tab's link, opened in a fresh browser profile, brings the query back.
    link = view.page.evaluate("() => AgEditor.yasgui.getTab().getShareableLink()")
    assert link.startswith(view.base + "/editor")
    fresh = view.page.context.browser.new_context()
    try:
        other = fresh.new_page()
        other.goto(link)
        other.wait_for_selector("body[data-ready=true]")
        shared = other.evaluate("() => document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()")
        assert shared == COUNTS
    finally:
        fresh.close()


def test_keyboard_runs_and_leaves_the_editor(view: View) -> None:
    open_editor(view)
    set_query(view, BRICS)
    view.page.keyboard.press("Control+Enter")
    wait_for_rows(view)
    view.page.evaluate("() => document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.focus()")
    view.page.keyboard.press("Escape")
    view.page.keyboard.press("Tab")
    # The next control is the editor's own share button (YASQE draws it over the text area).
    focused = view.page.evaluate("() => document.activeElement.matches('.CodeMirror textarea')")
    assert not focused, "Esc then Tab must move focus out of the text area"
    assert view.page.evaluate("() => document.activeElement.getAttribute('aria-label')")


def test_completion_offers_ontology_terms(view: View) -> None:
    open_editor(view)
    set_query(view, "SELECT * WHERE { ?s ")
    view.page.keyboard.type("ag:memb")
    hints = view.page.wait_for_selector(".CodeMirror-hints")
    assert hints is not None
    offered = [li.inner_text() for li in view.page.query_selector_all(".CodeMirror-hints li")]
    assert "ag:memberOf" in offered
    view.page.keyboard.press("Enter")
    value = view.page.evaluate("() => document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()")
    assert value.endswith("?s ag:memberOf") or "ag:memberOf" in value
    # No PREFIX line was forced into the query, and the grammar knows the predeclared prefixes.
    assert "PREFIX" not in value
    set_query(view, BRICS)
    assert view.page.locator(".tabPanel.active .parseErrorIcon").count() == 0


def test_chart_draws_a_numeric_column_offline(view: View) -> None:
    open_editor(view)
    run(view, COUNTS)
    rows = wait_for_rows(view)
    view.page.click(".tabPanel.active .yasr_btn.select_chart")
    bars = view.page.wait_for_selector(".tabPanel.active svg.ag-chart")
    assert bars is not None
    assert view.page.locator(".tabPanel.active svg.ag-chart rect").count() == len(rows)
    assert view.page.locator(".tabPanel.active label[for=ag-chart-value]").count() == 1
    view.audit("editor-chart")
    no_csp_violations(view)


def test_audit(view: View) -> None:
    open_editor(view)
    run(view, BRICS)
    wait_for_rows(view)
    view.audit("editor")
    wide = view.page.evaluate("() => document.querySelector('.tabPanel.active .yasr').getBoundingClientRect().right")
    assert wide <= view.page.viewport_size["width"] + 1
    # A wide answer (long IRIs, four columns) scrolls inside the results box, not the page.
    run(view, WIDE)
    view.page.wait_for_function(
        "() => document.querySelectorAll('.tabPanel.active .yasr_results tbody tr').length === 20"
    )
    view.audit("editor-wide")
    no_csp_violations(view)
