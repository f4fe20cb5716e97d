"""The network view (``/network``) and its feed (``/api/network``), on the real build.

The feed: parties only (a state an instrument merely mentions is no partner), every edge with its
certainty, a smaller graph on an earlier date, and 422 for a bad date, topic or alliance. The page,
at a laptop's and a phone's size: search finds China and opens its facts and evidence beside the
graph without leaving the page; the as-of slider shrinks the graph; the BRICS cluster's labels do
not overlap and are never drawn under 12 px; the legend shows exactly the drawn shapes, colours,
widths and dashes; the PNG and GraphML downloads hold the graph shown; axe-core finds nothing
serious.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest
from servers import Server
from ui_browser import View

pytestmark = pytest.mark.e2e

ID = "https://w3id.org/alliance-graph/id/"
BRICS = ID + "alliance/brics"
CHINA = ID + "state/CHN"
GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"

#: Every (fact, actor) where a cooperation names the actor without the actor being its party.
BYSTANDERS = """
SELECT ?c ?x WHERE {
  ?c a ag:Cooperation ; ag:mentions ?x .
  FILTER NOT EXISTS { ?c ag:party ?x }
}
"""


def feed(server: Server, **params: str) -> httpx.Response:
    return httpx.get(server.url + "/api/network", params=params, timeout=30)


def ready_network(view: View, path: str = "/network") -> None:
    view.open(path)
    view.page.wait_for_function("() => window.allianceNetwork && window.allianceNetwork.nodes().length > 0")


def search(view: View, name: str) -> None:
    view.page.fill("#search-input", name)
    view.page.press("#search-input", "Enter")


# --- the feed ---------------------------------------------------------------------------------


def test_feed_draws_parties_never_bystanders(ui_server: Server) -> None:
    graph = feed(ui_server).json()
    ids = {n["id"] for n in graph["nodes"]}
    assert {BRICS, CHINA} <= ids
    answer = httpx.get(
        ui_server.url + "/sparql", params={"query": BYSTANDERS}, headers={"Accept": "application/sparql-results+json"}
    ).json()
    mentioned = {(b["c"]["value"], b["x"]["value"]) for b in answer["results"]["bindings"]}
    assert mentioned, "the data should have mentioned-only actors for this test to mean anything"
    cooperation = [e for e in graph["edges"] if e["tie"] != "membership"]
    assert cooperation
    drawn = {(e["fact"], end) for e in cooperation for end in (e["source"], e["target"])}
    assert drawn & mentioned == set()
    assert {e["certainty"] for e in graph["edges"]} <= {"certain", "possible"}
    assert {e["kind"] for e in graph["edges"] if e["tie"] == "membership"} == {"member", "partner"}


def test_feed_is_smaller_in_2008(ui_server: Server) -> None:
    now = feed(ui_server).json()
    then = feed(ui_server, as_of="2008-12-31").json()
    assert then["as_of"] == "2008-12-31"
    assert 0 < len(then["nodes"]) < len(now["nodes"])
    assert len(then["edges"]) < len(now["edges"])
    # Brazil joined BRICS in 2006: certainly a member at the end of 2008.
    brazil = [e for e in then["edges"] if e["source"] == ID + "state/BRA" and e["target"] == BRICS]
    assert [e["certainty"] for e in brazil] == ["certain"]


@pytest.mark.parametrize(
    "params",
    [
        {"as_of": "2008-13-01"},
        {"as_of": "yesterday"},
        {"topic": "not a name"},
        {"topic": "state:CHN"},
        {"alliance": "tech:artificial-intelligence"},
    ],
)
def test_feed_rejects_bad_input_with_a_problem(ui_server: Server, params: dict[str, str]) -> None:
    response = feed(ui_server, **params)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"]


def test_feed_filters_by_topic_and_alliance(ui_server: Server) -> None:
    military = feed(ui_server, topic="tech:military-ai").json()
    everything = feed(ui_server).json()
    assert len(military["edges"]) < len(everything["edges"])
    brics = feed(ui_server, alliance="alliance:brics").json()
    groups = {e["target"] for e in brics["edges"] if e["tie"] == "membership"}
    assert groups == {BRICS}


# --- the page ---------------------------------------------------------------------------------


def test_search_finds_china_and_opens_its_panel_in_place(view: View) -> None:
    ready_network(view)
    before = view.page.url
    search(view, "China")
    view.page.wait_for_selector("#panel[data-loaded=true]")
    assert view.page.locator("#panel-title").inner_text() == "China"
    assert view.page.evaluate("() => window.allianceNetwork.$(':selected').map(n => n.id())") == [CHINA]
    panel = view.page.locator("#panel")
    assert panel.locator("li.fact").count() > 3
    assert panel.locator("ul.evidence a[href^='http']").count() > 3
    assert panel.locator("a[href='/id/state/CHN']").count() == 1
    assert view.page.evaluate("() => document.activeElement.id") == "panel"
    assert view.page.url == before


def test_search_says_when_an_entity_is_not_in_the_graph(view: View) -> None:
    ready_network(view)
    search(view, "Hong Kong")
    view.page.wait_for_function("() => document.getElementById('search-status').textContent.includes('not in')")
    assert "Hong Kong" in view.page.locator("#search-status").inner_text()


def test_node_list_reaches_a_node_by_keyboard(view: View) -> None:
    ready_network(view)
    view.page.locator("#node-list summary").focus()
    view.page.keyboard.press("Enter")
    button = view.page.locator(f"#node-list button[data-id='{BRICS}']")
    button.focus()
    view.page.keyboard.press("Enter")
    view.page.wait_for_selector("#panel[data-loaded=true]")
    assert view.page.locator("#panel-title").inner_text() == "BRICS"


def test_slider_to_2008_shrinks_the_graph(view: View) -> None:
    ready_network(view)
    ids = view.page.evaluate("() => window.allianceNetwork.nodes().map(n => n.id())")
    assert BRICS in ids and CHINA in ids
    view.page.fill("#as-of-slider", "35")  # 35 months after January 2006: December 2008
    view.page.dispatch_event("#as-of-slider", "change")
    view.page.wait_for_function("() => (document.getElementById('net-status').dataset.asOf || '').startsWith('2008')")
    assert view.page.evaluate("() => window.allianceNetwork.nodes().length") < len(ids)
    assert view.page.locator("#as-of-label").inner_text() == "2008-12-31"


def test_play_moves_the_date_and_pauses(view: View) -> None:
    ready_network(view)
    view.page.fill("#as-of-slider", "0")
    view.page.dispatch_event("#as-of-slider", "change")
    view.page.wait_for_function("() => document.getElementById('net-status').dataset.asOf === '2006-01-31'")
    view.page.click("#play")
    assert view.page.get_attribute("#play", "aria-pressed") == "true"
    view.page.wait_for_function("() => document.getElementById('net-status').dataset.asOf > '2006-02'")
    view.page.click("#play")
    assert view.page.get_attribute("#play", "aria-pressed") == "false"


LABELS = """(ids) => {
  const cy = window.allianceNetwork;
  const cluster = cy.getElementById(ids.brics).closedNeighborhood('node');
  const shown = cluster.filter((n) => !n.hasClass('label-hidden'));
  const boxes = shown.map((n) => ({ id: n.id(),
    b: n.boundingBox({ includeLabels: true, includeNodes: false, includeOverlays: false }),
    px: parseFloat(n.style('font-size')) * cy.zoom() }));
  const clashes = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i].b, b = boxes[j].b;
    if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) clashes.push([boxes[i].id, boxes[j].id]);
  }
  return { size: cluster.length, shown: boxes.map((x) => x.id), clashes, smallest: Math.min(...boxes.map((x) => x.px)) };
}"""


def labels(view: View) -> dict[str, Any]:
    result: dict[str, Any] = view.page.evaluate(LABELS, {"brics": BRICS})
    return result


def test_brics_cluster_labels_do_not_overlap(view: View) -> None:
    ready_network(view)
    fitted = labels(view)
    assert fitted["size"] > 10
    assert BRICS in fitted["shown"]  # groupings' names come first when not all fit
    assert fitted["clashes"] == []
    assert fitted["smallest"] >= 12
    # At full size every label of the cluster is shown, and still none overlaps another.
    view.page.evaluate(
        "(id) => { const cy = window.allianceNetwork; cy.zoom(1); cy.center(cy.getElementById(id)); }", BRICS
    )
    view.page.wait_for_function(
        "(id) => !window.allianceNetwork.getElementById(id).closedNeighborhood('node').some((n) => n.hasClass('label-hidden'))",
        arg=BRICS,
    )
    close = labels(view)
    assert len(close["shown"]) == close["size"] and CHINA in close["shown"]
    assert close["clashes"] == []
    assert close["smallest"] >= 12


LEGEND = """() => {
  const cy = window.allianceNetwork;
  const rgb = (c) => { const s = document.createElement('span'); s.style.color = c; document.body.append(s);
    const v = getComputedStyle(s).color.replace(/\\s/g, ''); s.remove(); return v; };
  const flat = (c) => String(c).replace(/\\s/g, '');
  const out = [];
  for (const li of document.querySelectorAll('#legend li')) {
    const d = li.dataset;
    const mark = li.querySelector('svg > *');
    const swatch = getComputedStyle(mark);
    if (d.legend === 'node') {
      const n = cy.nodes(`[kind = "${d.kind}"]`).first();
      out.push({ entry: d.kind, drawn: n.nonempty(), same: n.nonempty() && n.style('shape') === d.shape
        && flat(n.style('background-color')) === rgb(d.color) && rgb(swatch.fill) === rgb(d.color),
        shape: mark.tagName });
    } else if (d.legend === 'colour') {
      const e = cy.edges().filter((x) => x.data('colourKey') === d.key).first();
      out.push({ entry: d.key, drawn: e.nonempty(), same: e.nonempty() && flat(e.style('line-color')) === rgb(d.color)
        && rgb(swatch.stroke) === rgb(d.color) });
    } else if (d.legend === 'width') {
      const e = cy.edges().filter((x) => x.data('widthKey') === d.key).first();
      out.push({ entry: d.key, drawn: e.nonempty(), same: e.nonempty() && parseFloat(e.style('width')) === parseFloat(d.width)
        && parseFloat(mark.getAttribute('stroke-width')) === parseFloat(d.width) });
    } else {
      const e = cy.edges().filter((x) => x.data('certainty') === d.key).first();
      out.push({ entry: d.key, drawn: e.nonempty(), same: e.nonempty() && e.style('line-style') === d.lineStyle
        && (mark.getAttribute('stroke-dasharray') !== null) === (d.lineStyle === 'dashed') });
    }
  }
  const kinds = [...new Set(cy.nodes().map((n) => n.data('kind')))].sort();
  const colours = [...new Set(cy.edges().map((e) => e.data('colourKey')))].sort();
  const widths = [...new Set(cy.edges().map((e) => e.data('widthKey')))].sort();
  const certainties = [...new Set(cy.edges().map((e) => e.data('certainty')))].sort();
  return { out, kinds, colours, widths, certainties };
}"""


def test_legend_matches_the_drawn_styles(view: View) -> None:
    ready_network(view, "/network")
    view.page.fill("#as-of-slider", "35")  # 2008 has possible (dashed) links as well as certain ones
    view.page.dispatch_event("#as-of-slider", "change")
    view.page.wait_for_function("() => (document.getElementById('net-status').dataset.asOf || '').startsWith('2008')")
    for _ in range(2):
        found = view.page.evaluate(LEGEND)
        assert found["out"], "no legend"
        assert all(e["drawn"] and e["same"] for e in found["out"]), found["out"]
        entries = {e["entry"] for e in found["out"]}
        for drawn in ("kinds", "colours", "widths", "certainties"):
            assert set(found[drawn]) <= entries, (drawn, found[drawn])
        assert {"certain", "possible"} <= entries
        view.page.fill("#as-of-slider", view.page.get_attribute("#as-of-slider", "max") or "0")
        view.page.dispatch_event("#as-of-slider", "change")
        view.page.wait_for_function(
            "() => !(document.getElementById('net-status').dataset.asOf || '').startsWith('2008')"
        )


def test_zoom_buttons_zoom_and_fit(view: View) -> None:
    ready_network(view)
    start = view.page.evaluate("() => window.allianceNetwork.zoom()")
    view.page.click("#zoom-in")
    assert view.page.evaluate("() => window.allianceNetwork.zoom()") > start
    view.page.locator("#zoom-out").focus()
    view.page.keyboard.press("Enter")
    view.page.keyboard.press("Enter")
    assert view.page.evaluate("() => window.allianceNetwork.zoom()") < start
    view.page.click("#zoom-fit")
    assert abs(view.page.evaluate("() => window.allianceNetwork.zoom()") - start) < 1e-6


def test_png_and_graphml_downloads_hold_the_graph_shown(view: View) -> None:
    ready_network(view)
    shown = set(view.page.evaluate("() => window.allianceNetwork.nodes().map(n => n.id())"))
    edges = view.page.evaluate("() => window.allianceNetwork.edges().length")
    with view.page.expect_download() as png:
        view.page.click("#export-png")
    data = png.value.path().read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000
    with view.page.expect_download() as graphml:
        view.page.click("#export-graphml")
    assert graphml.value.suggested_filename.endswith(".graphml")
    root = ET.fromstring(graphml.value.path().read_bytes())  # noqa: S314 (our own download)
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None
    assert {n.get("id") for n in graph.iter(f"{GRAPHML}node")} == shown
    assert len(list(graph.iter(f"{GRAPHML}edge"))) == edges


def test_audit_with_the_panel_open(view: View) -> None:
    ready_network(view)
    search(view, "China")
    view.page.wait_for_selector("#panel[data-loaded=true]")
    view.audit("network")
