"""The map view: its JSON feed (members of a grouping on a date by role, who restricts a
technology, a state's AI instruments; 4xx on bad input) and the page (choropleth, date slider,
legend, table, panel), at both sizes, offline, with axe-core."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from servers import Server
from ui_browser import View

from alliance_graph.api.views.world_map import choropleth, holds, numeric_code

#: BRICS members on 1 February 2025 as data/brics.yaml records them (Indonesia from 6 January 2025).
MEMBERS_2025 = ["BRA", "CHN", "RUS", "IND", "ZAF", "EGY", "ETH", "IRN", "ARE", "IDN"]


def _feed(server: Server, **params: str) -> dict[str, Any]:
    response = httpx.get(f"{server.url}/api/map", params=params, timeout=30)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _categories(feed: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {s["iso3"]: (s["category"], s["certainty"]) for s in feed["states"]}


# --- the pure parts -------------------------------------------------------------------------


def test_world_atlas_ids_are_iso_numeric_codes() -> None:
    assert numeric_code("BRA") == "076"
    assert numeric_code("RUS") == "643"
    assert numeric_code("XXX") is None


def test_a_month_start_holds_possibly_within_the_month_and_surely_after() -> None:
    row = {"start": Literal("2010-12", datatype=XSD.gYearMonth), "validFrom": Literal("2010-12-31", datatype=XSD.date)}
    assert holds(row, dt.date(2010, 11, 30)) is None
    assert holds(row, dt.date(2010, 12, 15)) == "possible"
    assert holds(row, dt.date(2011, 1, 1)) == "certain"
    ended = {"start": Literal("2025-01-01", datatype=XSD.date), "end": Literal("2025-01-06", datatype=XSD.date)}
    assert holds(ended, dt.date(2025, 1, 3)) == "certain"
    assert holds(ended, dt.date(2025, 2, 1)) is None


def _membership(fact: str, role: str, start: str, counts: bool) -> dict[str, Any]:
    return {
        "fact": URIRef(f"https://w3id.org/alliance-graph/id/membership/{fact}"),
        "actor": URIRef("https://w3id.org/alliance-graph/id/state/IDN"),
        "actorLabel": Literal("Indonesia"),
        "isState": Literal(True),
        "role": URIRef(f"https://w3id.org/alliance-graph/id/role/{role}"),
        "roleLabel": Literal(role),
        "counts": Literal(counts),
        "start": Literal(start, datatype=XSD.date),
    }


def test_a_state_takes_the_colour_of_its_latest_recorded_status() -> None:
    rows = [
        _membership("idn-invited", "invited", "2023-08-24", False),
        _membership("idn", "member", "2025-01-06", True),
    ]
    found = choropleth("members", rows, dt.date(2025, 2, 1))
    assert [(s["iso3"], s["numeric"], s["category"]) for s in found["states"]] == [("IDN", "360", "member")]
    assert found["legend"] == [{"key": "member", "label": "member (founding or full)", "count": 1}]
    before = choropleth("members", rows, dt.date(2024, 12, 1))
    assert before["states"][0]["category"] == "invited"


# --- the feed -------------------------------------------------------------------------------


@pytest.mark.e2e
def test_brics_members_on_1_february_2025_by_role(ui_server: Server) -> None:
    found = _categories(_feed(ui_server, view="members", subject="alliance:brics", as_of="2025-02-01"))
    for iso3 in MEMBERS_2025:
        assert found[iso3] == ("member", "certain"), iso3
    assert found["SAU"][0] == "ambiguous"  # said to have joined by some, not by Saudi officials
    assert found["ARG"][0] == "declined"
    assert found["BLR"][0] == "partner-country"
    assert sum(1 for c, _ in found.values() if c == "member") == len(MEMBERS_2025)


@pytest.mark.e2e
def test_brics_in_2010_has_the_four_founders_and_south_africa_only_possibly(ui_server: Server) -> None:
    june = _categories(_feed(ui_server, view="members", subject="alliance:brics", as_of="2010-06-01"))
    assert {k for k, (c, _) in june.items() if c == "member"} == {"BRA", "CHN", "RUS", "IND"}
    assert "ZAF" not in june and "EGY" not in june
    december = _categories(_feed(ui_server, view="members", subject="alliance:brics", as_of="2010-12-15"))
    assert december["ZAF"] == ("member", "possible")  # dated only "2010-12" by one record


@pytest.mark.e2e
def test_restrictions_and_instruments(ui_server: Server) -> None:
    chips = _feed(ui_server, view="restrictions", subject="tech:semiconductors", as_of="2025-06-01")
    found = _categories(chips)
    assert found["USA"][0] in {"imposes", "imposes and targeted"}
    assert found["RUS"][0] in {"targeted", "imposes and targeted"}
    assert "European Union" in {o["label"] for o in chips["others"]}
    china = _feed(ui_server, view="instruments", subject="state:CHN")
    assert china["subject"]["numeric"] == "156"
    instruments = _categories(china)
    assert instruments["RUS"][0] == "bilateral instrument" and "CHN" not in instruments


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"view": "bogus"}, 422),
        ({"view": "members", "subject": "BRICS"}, 422),
        ({"view": "members", "subject": "state:CHN"}, 404),
        ({"view": "restrictions", "subject": "alliance:brics"}, 404),
        ({"as_of": "2025-13-01"}, 422),
        ({"view": "instruments", "subject": "state:CHN", "topic": "not a term"}, 422),
    ],
)
def test_feed_refuses_bad_input(ui_server: Server, params: dict[str, str], status: int) -> None:
    response = httpx.get(f"{ui_server.url}/api/map", params=params, timeout=10)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


# --- the page -------------------------------------------------------------------------------


def _category(view: View, iso3: str) -> str | None:
    value: str | None = view.page.get_attribute(
        f'#map-canvas path[data-numeric="{numeric_code(iso3)}"]', "data-category"
    )
    return value


@pytest.mark.e2e
def test_the_map_colours_brics_members_and_the_slider_changes_it(view: View) -> None:
    view.open("/map?view=members&subject=alliance:brics&as_of=2025-02-01")
    for iso3 in MEMBERS_2025:
        assert _category(view, iso3) == "member", iso3
    assert _category(view, "SAU") == "ambiguous"
    legend = view.page.locator("#map-legend").inner_text()
    assert "member (founding or full) (10)" in legend and "partner country" in legend
    assert view.page.locator('#map-table tr[data-iso3="IDN"]').inner_text().count("member") >= 1
    # One month back with the keyboard: Indonesia (a full member from 6 January 2025) is a partner.
    view.page.focus("#map-slider")
    view.page.keyboard.press("ArrowLeft")
    view.page.wait_for_selector("body[data-as-of='2025-01-01']")
    assert _category(view, "IDN") == "partner-country"
    # To 2010: only the four founders are members; Egypt is not coloured.
    view.page.evaluate(
        """() => { const s = document.getElementById('map-slider'); s.value = String((2010 - 2000) * 12 + 5);
                   s.dispatchEvent(new Event('input', { bubbles: true }));
                   s.dispatchEvent(new Event('change', { bubbles: true })); }"""
    )
    view.page.wait_for_selector("body[data-as-of='2010-06-01']")
    assert [iso3 for iso3 in MEMBERS_2025 if _category(view, iso3) == "member"] == ["BRA", "CHN", "RUS", "IND"]
    assert _category(view, "EGY") is None
    assert view.page.locator("#map-slider-label").inner_text() == "2010-06"
    view.audit("map-brics-2010")


@pytest.mark.e2e
def test_clicking_or_entering_a_state_opens_its_panel(view: View) -> None:
    view.open("/map?view=members&subject=alliance:brics&as_of=2025-02-01")
    view.page.locator(f'#map-canvas path[data-numeric="{numeric_code("BRA")}"]').click()
    view.page.wait_for_selector("#map-panel[data-loaded='BRA']")
    panel = view.page.locator("#map-panel").inner_text()
    assert "Brazil" in panel and "founding member" in panel and "2006-09" in panel
    assert view.page.locator("#map-panel blockquote").count() >= 1
    view.page.focus(f'#map-canvas path[data-numeric="{numeric_code("IDN")}"]')
    view.page.keyboard.press("Enter")
    view.page.wait_for_selector("#map-panel[data-loaded='IDN']")
    assert "2025-01-06" in view.page.locator("#map-panel").inner_text()
    view.audit("map-brics-panel")


@pytest.mark.e2e
def test_the_other_views_draw_and_pass_the_audit(view: View) -> None:
    view.open("/map?view=restrictions&subject=tech:semiconductors")
    assert _category(view, "USA") in {"imposes", "imposes and targeted"}
    assert "European Union" in view.page.locator("#map-others").inner_text()
    view.page.check("input[name=view][value=instruments]")
    view.page.wait_for_selector("body[data-map-view='instruments']")
    assert _category(view, "RUS") == "bilateral instrument"
    view.audit("map-instruments")
