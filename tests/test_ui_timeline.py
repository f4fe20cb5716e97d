"""The timeline view: its JSON feed (ranges with their uncertain spans, open ends, suspensions,
4xx on bad input) and the page (vis-timeline bars, the accessible table, the evidence panel),
at both sizes, offline, with axe-core."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import httpx
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from servers import Server
from ui_browser import View

from alliance_graph.api.views.fuzzy_dates import fuzzy
from alliance_graph.api.views.timeline import drawn_range, subject_of
from alliance_graph.namespaces import expand

TODAY = dt.date(2026, 12, 2)
AI_ALLIANCE_NETWORK_RUS = str(expand("membership:ai-alliance-network-rus"))
ZAF_2011 = str(expand("membership:brics-zaf-2011"))


def _feed(server: Server, subject: str) -> dict[str, Any]:
    response = httpx.get(f"{server.url}/api/timeline", params={"subject": subject}, timeout=30)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _item(feed: dict[str, Any], fact: str) -> dict[str, Any]:
    found = [i for i in feed["items"] if i["fact"] == fact]
    assert len(found) == 1, [i["id"] for i in feed["items"]]
    item: dict[str, Any] = found[0]
    return item


# --- the pure parts -------------------------------------------------------------------------


def test_a_year_is_a_span_of_days_and_keeps_its_text() -> None:
    year = fuzzy(Literal("2011", datatype=XSD.gYear))
    assert year is not None
    assert (year.text, year.precision, year.earliest, year.latest) == (
        "2011",
        "year",
        dt.date(2011, 1, 1),
        dt.date(2011, 12, 31),
    )
    month = fuzzy(Literal("2024-02", datatype=XSD.gYearMonth))
    assert month is not None and (month.text, month.latest) == ("2024-02", dt.date(2024, 2, 29))
    assert fuzzy(Literal("not a date", datatype=XSD.date)) is None
    assert fuzzy(None) is None


def test_a_range_is_uncertain_over_its_start_year_and_open_to_today() -> None:
    row = {"start": Literal("2011", datatype=XSD.gYear), "validFrom": Literal("2011-12-31", datatype=XSD.date)}
    assert drawn_range(row, TODAY) == {
        "from": "2011-01-01",
        "certainFrom": "2011-12-31",
        "certainUntil": TODAY.isoformat(),
        "to": TODAY.isoformat(),
        "open": True,
        "startKnown": True,
    }


def test_a_month_end_is_uncertain_over_that_month() -> None:
    row = {"start": Literal("2022-03-01", datatype=XSD.date), "end": Literal("2024-05", datatype=XSD.gYearMonth)}
    found = drawn_range(row, TODAY)
    assert found is not None
    assert (found["certainUntil"], found["to"], found["open"]) == ("2024-05-01", "2024-05-31", False)


def test_an_undated_fact_is_known_from_its_first_report_or_not_drawn() -> None:
    reported = drawn_range({"knownBy": Literal("2025-02-25", datatype=XSD.date)}, TODAY)
    assert reported is not None and reported["from"] == "2025-02-25" and reported["startKnown"] is False
    assert drawn_range({}, TODAY) is None


def test_the_subject_must_be_an_iri_or_prefixed_name() -> None:
    assert subject_of(" state:RUS ") == URIRef("https://w3id.org/alliance-graph/id/state/RUS")
    with pytest.raises(ValueError, match="prefixed name"):
        subject_of("Russia")


# --- the feed -------------------------------------------------------------------------------


@pytest.mark.e2e
def test_feed_of_russia_has_the_network_membership_and_sanctions_as_ranges(ui_server: Server) -> None:
    feed = _feed(ui_server, "state:RUS")
    assert feed["subject"]["label"] == "Russian Federation"
    network = _item(feed, AI_ALLIANCE_NETWORK_RUS)
    assert network["group"] == "membership"
    assert network["text"] == "AI Alliance Network — founding member"
    assert network["start"]["text"] == "2024-12-11"
    assert network["range"]["from"] == "2024-12-11" and network["range"]["open"] is True
    sanctions = [i for i in feed["items"] if i["group"] == "sanction"]
    assert sanctions and all(i["range"]["from"] < i["range"]["to"] for i in sanctions)
    rescinded = _item(feed, str(expand("measure:usa-2025-01-ai-diffusion-framework-rescinded")))
    assert rescinded["status"] == "rescinded"
    assert rescinded["end"]["text"] == "2025-05-13" and rescinded["range"]["open"] is False
    # The 2 September 2025 documents have no date and no dated report: listed, never drawn.
    assert str(expand("cooperation:2025-09-02-russia-china-cooperation-documents-ai")) in {
        i["fact"] for i in feed["undated"]
    }


@pytest.mark.e2e
def test_feed_keeps_a_year_only_start_as_the_year(ui_server: Server) -> None:
    zaf = _item(_feed(ui_server, "state:ZAF"), ZAF_2011)
    assert zaf["start"] == {"text": "2011", "precision": "year", "earliest": "2011-01-01", "latest": "2011-12-31"}
    assert (zaf["range"]["from"], zaf["range"]["certainFrom"]) == ("2011-01-01", "2011-12-31")


@pytest.mark.e2e
def test_feed_shows_suspensions_and_technologies(ui_server: Server) -> None:
    china = _feed(ui_server, "state:CHN")
    ban = _item(china, str(expand("measure:chn-2024-12-03-ban-gallium-germanium-antimony-to-usa")))
    assert ban["status"] == "suspended"
    assert ban["suspension"]["from"]["text"] == "2025-11-09" and ban["suspension"]["until"]["text"] == "2026-11-27"
    chips = _feed(ui_server, "tech:semiconductors")
    assert chips["subject"]["kind"] == "technology"
    assert {"sanction", "export-control"} <= {g["id"] for g in chips["groups"]}
    assert all(i["evidenceVia"] for i in chips["items"])  # an actor whose facts-about carries the evidence


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({}, 422),
        ({"subject": ""}, 422),
        ({"subject": "Russia"}, 422),
        ({"subject": "x" * 501}, 422),
        ({"subject": "state:XXX"}, 404),
        ({"subject": "https://example.org/<bad>"}, 422),
    ],
)
def test_feed_refuses_bad_subjects(ui_server: Server, query: dict[str, str], status: int) -> None:
    response = httpx.get(f"{ui_server.url}/api/timeline", params=query, timeout=10)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"]


# --- the page -------------------------------------------------------------------------------


def _bar(view: View, fact: str) -> Any:
    return view.page.locator(f'.vis-item .tl-bar-button[data-fact="{fact}"]')


def _box(view: View, fact: str) -> Any:
    """The vis-timeline item that holds the bar of ``fact``."""
    return view.page.locator(".vis-item.tl-bar", has=view.page.locator(f'.tl-bar-button[data-fact="{fact}"]'))


@pytest.mark.e2e
def test_russia_is_drawn_as_ranges_and_a_click_shows_the_evidence(view: View) -> None:
    view.open("/timeline?subject=state:RUS")
    drawn = view.page.evaluate(
        """(fact) => { const i = state.timeline.itemsData.get(fact);
             return { start: new Date(i.start).toISOString().slice(0, 10), end: i.end && new Date(i.end).toISOString().slice(0, 10),
                      type: i.type, className: i.className }; }""",
        AI_ALLIANCE_NETWORK_RUS,
    )
    assert drawn["type"] == "range" and drawn["start"] == "2024-12-11" and drawn["end"] > drawn["start"]
    assert "tl-open" in drawn["className"]
    sanctions = view.page.evaluate(
        "() => state.timeline.itemsData.get({ filter: (i) => i.group === 'sanction' }).filter((i) => i.end).length"
    )
    assert sanctions >= 5
    assert view.page.locator(".vis-item.tl-sanction").count() >= 1
    # A click (a tap on the phone) on the bar: on a narrow screen the bar is narrower than its label.
    _box(view, AI_ALLIANCE_NETWORK_RUS).click()
    panel = view.page.locator("#tl-panel")
    view.page.wait_for_selector(f'#tl-panel[data-loaded="{AI_ALLIANCE_NETWORK_RUS}"]')
    assert "AI Alliance Network" in panel.inner_text()
    assert "Rússia se une ao Brics" in panel.locator(".tl-citations").inner_text()
    assert "Reuters" in panel.inner_text() and "2024-12-11" in panel.inner_text()
    assert "“Vamos lançar esta aliança hoje”" in panel.locator("blockquote").all_inner_texts()
    assert view.page.url.endswith("/timeline?subject=state%3ARUS")  # no page change
    view.audit("timeline-russia")


@pytest.mark.e2e
def test_enter_on_a_bar_or_in_the_table_opens_the_panel(view: View) -> None:
    view.open("/timeline?subject=state:RUS")
    bar = _bar(view, AI_ALLIANCE_NETWORK_RUS)
    bar.focus()
    view.page.keyboard.press("Enter")
    view.page.wait_for_selector(f'#tl-panel[data-loaded="{AI_ALLIANCE_NETWORK_RUS}"]')
    rescinded = str(expand("measure:usa-2025-01-ai-diffusion-framework-rescinded"))
    view.page.locator(f'#tl-table button[data-fact="{rescinded}"]').focus()
    view.page.keyboard.press("Enter")
    view.page.wait_for_selector(f'#tl-panel[data-loaded="{rescinded}"]')
    assert "rescinded" in view.page.locator("#tl-panel").inner_text()
    row = view.page.locator(f'#tl-table tr[data-fact="{rescinded}"]').inner_text()
    assert "2025-05-13" in row and "rescinded" in row


@pytest.mark.e2e
def test_a_year_only_start_prints_as_the_year(view: View) -> None:
    view.open("/timeline?subject=state:ZAF")
    row = view.page.locator(f'#tl-table tr[data-fact="{ZAF_2011}"]')
    assert row.locator('td[data-label="From"]').inner_text() == "2011"
    table = view.page.locator("#tl-table").inner_text()
    assert "2011-12-31" not in table and "2011-01-01" not in table
    _box(view, ZAF_2011).click()
    view.page.wait_for_selector(f'#tl-panel[data-loaded="{ZAF_2011}"]')
    panel = view.page.locator("#tl-panel").inner_text()
    assert "from 2011;" in panel and "2011-12-31" not in panel
    assert "tl-fuzzy-start" in view.page.evaluate("(f) => state.timeline.itemsData.get(f).className", ZAF_2011)


def _name_index_ready(server: Server) -> None:
    """The service builds its name index on the first search; on a busy machine that first call
    may answer 503 (busy), so the browser part waits for the index before it types a name."""
    for _ in range(60):
        if httpx.get(f"{server.url}/search", params={"q": "Sberbank"}, timeout=30).status_code == 200:
            return
        time.sleep(1)
    pytest.fail("the name index did not answer")


@pytest.mark.e2e
def test_a_suspension_is_drawn_and_a_name_finds_the_subject(view: View, ui_server: Server) -> None:
    _name_index_ready(ui_server)
    view.open("/timeline?subject=state:CHN")
    assert view.page.locator(".vis-item.tl-suspension").count() >= 1
    view.page.fill("#tl-subject", "Sberbank")
    view.page.press("#tl-subject", "Enter")
    view.page.wait_for_function(
        "() => document.getElementById('tl-status').textContent.includes('on the timeline')"
        " && document.getElementById('tl-subject').value === 'inst:sberbank'"
    )
    assert view.page.locator("#tl-status").inner_text().startswith("Sberbank (institution):")
    assert view.page.locator(".vis-item.tl-sanction").count() >= 1
    view.audit("timeline-china-sberbank")
