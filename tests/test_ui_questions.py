"""The questions page (``/``) in a real Chromium, at a laptop's size and a phone's.

An analyst's path through the front door: ask the headline question (BRICS members cooperating
with China on AI, as of 31 January 2025) and see the answer where the eye is, each row with its
certainty, its evidence (publisher, tier, date, quote, reachable by keyboard and touch) and a why
panel; page through a cut answer; download exactly the rows shown (CSV, JSON, XLSX); see a
problem replace a previous answer; find Russia by its Russian name; hand the question's bound
SPARQL to the editor.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
from ui_browser import View

pytestmark = pytest.mark.e2e
HEADLINE = "#q-bloc-members-cooperating-with"
ANSWERED = "(n) => Number(document.querySelector('#results').dataset.drawn || 0) > n"
SHOWN_VIA = "() => [...document.querySelectorAll('#answer tbody.row-group td.col-via a')].map((a) => a.getAttribute('href').split('/').pop())"
IN_VIEW = """(selector) => { const r = document.querySelector(selector).getBoundingClientRect();
  return r.top >= 0 && r.top < window.innerHeight && r.bottom > 0; }"""


def drawn(view: View) -> int:
    """How many answers (or problems) the page has drawn so far."""
    return int(view.page.evaluate("() => Number(document.querySelector('#results').dataset.drawn || 0)"))


def click_and_wait(view: View, selector: str) -> None:
    """Click what asks, and wait for the next answer or problem (not the one already shown)."""
    before = drawn(view)
    view.page.locator(selector).click()
    view.page.wait_for_function(ANSWERED, arg=before)


def ask_headline(view: View, as_of: str = "2025-01-31") -> None:
    view.page.locator(HEADLINE).locator("input[name=as_of]").fill(as_of)
    click_and_wait(view, f"{HEADLINE} button.ask")


def key_of(value: str) -> str:
    """The local key of a cooperation, from an IRI, a prefixed name or a path."""
    return re.split(r"[/:]", value)[-1]


def test_gallery_is_the_front_door(view: View) -> None:
    view.open("/")
    page = view.page
    assert page.locator("form.question").count() >= 10
    assert page.locator("#editor, #network, #timeline, .CodeMirror").count() == 0  # other views' pages
    for field in page.locator(f"{HEADLINE} input:not([type=checkbox]), {HEADLINE} select").all():
        label = page.locator(f"label[for='{field.get_attribute('id')}']")
        assert label.count() == 1, field.get_attribute("name")  # every control labelled
    view.audit("questions-gallery")


def test_the_headline_question_explains_itself(view: View) -> None:
    view.open("/")
    page = view.page
    ask_headline(view)
    rows = page.locator("#answer tbody.row-group")
    text = " ".join(page.locator("#answer td.col-state").all_inner_texts())
    for state in ("Russian Federation", "Brazil", "Indonesia"):  # parties to instruments with China
        assert state in text
    assert "South Africa" not in text  # only mentioned by Russia's announcement by then
    n = rows.count()
    assert n == 4
    assert page.locator("#status").inner_text().startswith("4 rows")  # honest count, announced
    assert page.locator("#status").get_attribute("aria-live") == "polite"
    # The answer is where the reader is, not 1,885 px below.
    assert page.evaluate(IN_VIEW, "#answer-title")
    assert page.evaluate(IN_VIEW, "#answer tbody.row-group")
    # Every row: its certainty (with a visible legend), its tie, its evidence.
    assert rows.locator(".col-certainty .certainty.certain").count() == n
    assert page.locator(".legend .certainty.possible").is_visible()
    assert rows.locator(".col-tie .tie").count() == n
    assert rows.locator("details.source").count() >= n
    # Evidence opens by keyboard: publisher, tier, date and the quote, not a tooltip.
    summary = rows.first.locator("details.source summary").first
    summary.focus()
    page.keyboard.press("Enter")
    source = rows.first.locator("details.source").first
    assert source.get_attribute("open") is not None
    opened = source.inner_text()
    assert "publisher" in opened and "tier" in opened and "published" in opened
    assert source.locator("blockquote.quote").count() >= 1
    # The why panel opens by keyboard and draws the chain: kinds, labels, dates, quoted citations.
    toggle = rows.first.locator("button.why-toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    panel = rows.first.locator("tr.why-row")
    assert panel.is_visible()
    steps = panel.locator("ol.chain > li.step")
    assert steps.count() >= 2
    chain = panel.text_content() or ""
    assert "membership" in chain and "since" in chain
    assert panel.locator("ul.citations q").count() >= 1
    view.audit("questions-answer")
    # Headers are buttons: focusable, and Enter sorts.
    sort = page.locator("#answer th button.sort").first
    sort.focus()
    page.keyboard.press("Enter")
    assert page.locator("#answer th").first.get_attribute("aria-sort") == "ascending"
    # The same question on a date nothing certain holds says so.
    ask_headline(view, "2023-01-01")
    assert page.locator("#status").inner_text().startswith("No row is certain")
    assert page.locator("#answer tbody.row-group").count() == 0


def test_a_cut_answer_says_so_and_pages(view: View) -> None:
    view.open("/?q=bloc-members-cooperating-with&as_of=2025-01-31&limit=2")
    page = view.page
    page.wait_for_function(ANSWERED, arg=0)
    assert page.locator("#answer tbody.row-group").count() == 2
    status = page.locator("#status").inner_text()
    assert status.startswith("Rows 1–2") and "more rows" in status  # not "2 row(s)"
    assert page.locator("#page-prev").is_disabled()
    first = page.evaluate(SHOWN_VIA)
    click_and_wait(view, "#page-next")
    assert page.locator("#status").inner_text().startswith("Rows 3–4 of 4")
    assert page.locator("#page-next").is_disabled()
    second = page.evaluate(SHOWN_VIA)
    assert len(second) == 2 and not set(first) & set(second)
    assert "offset=2" in page.url  # the page one sees is the page one links to


def download(view: View, selector: str, target: Path) -> Path:
    with view.page.expect_download() as info:
        view.page.locator(selector).click()
    info.value.save_as(target)
    return target


def _column_index(ref: str, default: int) -> int:
    """0 for "A7", 25 for "Z1", 26 for "AA3"; ``default`` when the cell names no place."""
    letters = re.match(r"[A-Z]+", ref)
    if not letters:
        return default
    index = 0
    for letter in letters.group():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def xlsx_rows(path: Path) -> list[list[str]]:
    """The first sheet's cells as text (shared or inline strings, numbers). The file is the one
    the page under test just wrote, so the standard library's XML parser is safe here (S314)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as book:
        names = book.namelist()
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))  # noqa: S314
            shared = ["".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t")) for si in root.findall("m:si", ns)]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))  # noqa: S314
    rows: list[list[str]] = []
    for row in sheet.iter(f"{{{ns['m']}}}row"):
        cells: list[str] = []
        for c in row.findall("m:c", ns):
            column = _column_index(c.get("r") or "", len(cells))
            cells += [""] * (column - len(cells))  # empty cells are left out of the file
            value = c.find("m:v", ns)
            if c.get("t") == "s" and value is not None:
                cells.append(shared[int(value.text or 0)])
            elif c.get("t") == "inlineStr":
                cells.append("".join(t.text or "" for t in c.iter(f"{{{ns['m']}}}t")))
            else:
                cells.append(value.text or "" if value is not None else "")
        rows.append(cells)
    return rows


def test_downloads_hold_exactly_the_rows_shown(view: View, tmp_path: Path) -> None:
    view.open("/?q=bloc-members-cooperating-with&as_of=2025-01-31&limit=2&offset=2")
    page = view.page
    page.wait_for_function(ANSWERED, arg=0)
    # Sorting changes the order on screen (and in the spreadsheet), not which rows are shown.
    page.locator("#answer th.col-via button.sort").click()
    page.locator("#answer th.col-via button.sort").click()
    shown = page.evaluate(SHOWN_VIA)
    assert len(shown) == 2

    lines = list(csv.DictReader(io.StringIO(download(view, "#download-csv", tmp_path / "a.csv").read_text("utf-8"))))
    assert sorted(key_of(r["via"]) for r in lines) == sorted(shown)
    assert all(r["certainty"] == "certain" for r in lines)

    data: dict[str, Any] = json.loads(download(view, "#download-json", tmp_path / "a.json").read_text("utf-8"))
    assert sorted(key_of(r["via"]) for r in data["rows"]) == sorted(shown)
    assert data["offset"] == 2 and data["limit"] == 2

    sheet = xlsx_rows(download(view, "#download-xlsx", tmp_path / "a.xlsx"))
    header, body = sheet[0], sheet[1:]
    assert header == data["columns"]
    assert [key_of(r[header.index("via")]) for r in body] == shown  # the order on screen
    assert all("<http" in r[header.index("evidence")] for r in body)
    assert all(r[header.index("certainty")] == "certain" for r in body)


def test_a_problem_replaces_the_previous_answer(view: View) -> None:
    view.open("/")
    page = view.page
    ask_headline(view)
    assert page.locator("#answer tbody.row-group").count() == 4
    form = page.locator(HEADLINE)
    form.locator("input[name=bloc]").fill("alliance:no-such-bloc")
    click_and_wait(view, f"{HEADLINE} button.ask")
    assert page.locator("#answer").count() == 0  # the stale rows are gone
    assert page.locator("#answer-tools").is_hidden()  # and so are their downloads
    problem = page.locator("#problem")
    assert problem.is_visible() and problem.get_attribute("role") == "alert"
    assert "Invalid parameter" in problem.inner_text()
    assert "no-such-bloc is not a known ag:Grouping" in problem.inner_text()
    assert page.evaluate(IN_VIEW, "#problem")  # where the answer goes, in view
    assert page.locator("#status").inner_text().startswith("The question could not be answered")


def test_a_timeout_replaces_the_previous_answer(view: View) -> None:
    """The service's 503 for a query past its time limit, as its Problem JSON says it."""
    view.open("/")
    page = view.page
    ask_headline(view)
    assert page.locator("#answer tbody.row-group").count() == 4
    timeout = {"type": "about:blank", "title": "Query timeout", "status": 503, "detail": "the query ran past 30 s"}
    page.route(
        "**/queries/bloc-members-cooperating-with?*",
        lambda route: route.fulfill(status=503, content_type="application/problem+json", body=json.dumps(timeout)),
    )
    click_and_wait(view, f"{HEADLINE} button.ask")
    assert page.locator("#answer").count() == 0
    problem = page.locator("#problem").inner_text()
    assert "Query timeout" in problem and "ran past 30 s" in problem and "time limit" in problem
    assert page.evaluate(IN_VIEW, "#problem")
    assert page.locator(f"{HEADLINE} button.ask").get_attribute("aria-busy") == "false"


def test_entity_picker_finds_names_in_other_scripts(view: View) -> None:
    view.open("/")
    page = view.page
    partner = page.locator(f"{HEADLINE} input[name=partner]")
    partner.fill("")
    partner.press_sequentially("Россия")
    page.wait_for_function(
        f"() => [...document.querySelectorAll('{HEADLINE} datalist option')].some((o) => o.value === 'state:RUS')"
    )
    options = page.locator(f"{HEADLINE} datalist option")
    assert options.first.get_attribute("value") == "state:RUS"
    assert "Россия" in (options.first.get_attribute("label") or "")


def test_sparql_goes_to_the_editor_with_its_values_bound(view: View) -> None:
    view.open("/")
    page = view.page
    form = page.locator(HEADLINE)
    form.locator("input[name=as_of]").fill("2025-01-31")
    form.locator("a.to-editor").click()  # not asked yet: the page asks the service for the text
    page.wait_for_url("**/editor?query=*")
    query = parse_qs(urlsplit(page.url).query)["query"][0]
    assert query.lstrip().startswith("SELECT")
    assert 'VALUES ?as_of { "2025-01-31"^^' in query
    assert "VALUES ?bloc { <https://w3id.org/alliance-graph/id/alliance/brics> }" in query
    assert "LIMIT" not in query  # the question, not one page of it
    # After an answer the link itself carries the text (open it in a new tab, copy it).
    view.open("/?q=bloc-members-cooperating-with&as_of=2025-01-31")
    page.wait_for_function(ANSWERED, arg=0)
    href = page.locator(f"{HEADLINE} a.to-editor").get_attribute("href") or ""
    assert href.startswith("/editor?query=") and "2025-01-31" in parse_qs(urlsplit(href).query)["query"][0]


def test_a_wide_answer_never_widens_the_page(view: View) -> None:
    """Sanctions against Russia: 14 columns drawn. On a laptop the table scrolls inside its own
    box; on a phone each row is a card of labelled fields; the page never scrolls sideways (the
    hidden certainty texts once pushed it 37 px wider)."""
    view.open("/?q=measures-against&as_of=2025-01-31")
    page = view.page
    page.wait_for_function(ANSWERED, arg=0)
    assert page.locator("#answer tbody.row-group").count() > 10
    cell = page.locator("#answer tbody.row-group").first.locator("td").first
    if view.phone:
        assert cell.evaluate("(td) => getComputedStyle(td).display") == "grid"  # a card's field
        assert (
            cell.evaluate("(td) => getComputedStyle(td, '::before').content") == f'"{cell.get_attribute("data-label")}"'
        )
    else:
        assert page.evaluate(
            "() => { const b = document.querySelector('.table-box'); return b.scrollWidth > b.clientWidth; }"
        )
    view.audit("questions-wide-answer")
