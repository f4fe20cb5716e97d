"""The cold switch of the answer cache, and the rewritten named questions' row sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance_graph.api.config import Settings
from alliance_graph.api.executor import AnswerCache
from alliance_graph.store import StoreError


def test_a_cache_of_no_bytes_keeps_nothing() -> None:
    cache = AnswerCache(0)
    cache.put("v1", "key", b"an answer", False, "application/json")
    assert cache.get("v1", "key") is None
    assert cache.size == 0


def test_a_cache_with_a_budget_keeps_an_answer() -> None:
    cache = AnswerCache(1000)
    cache.put("v1", "key", b"an answer", False, "application/json")
    assert cache.get("v1", "key") == (b"an answer", False, "application/json")


@pytest.mark.parametrize(("raw", "expected"), [("off", False), ("OFF", False), ("0", False), ("on", True), ("", True)])
def test_the_cold_switch_reads_on_and_off(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("ALLIANCE_GRAPH_ANSWER_CACHE", raw)
    assert Settings().answer_cache is expected


def test_the_cold_switch_refuses_other_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLIANCE_GRAPH_ANSWER_CACHE", "sometimes")
    with pytest.raises(StoreError, match="ALLIANCE_GRAPH_ANSWER_CACHE"):
        Settings()


def test_the_service_state_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from alliance_graph.api.state import ServiceState

    monkeypatch.setenv("ALLIANCE_GRAPH_ANSWER_CACHE", "off")
    assert ServiceState.create(Settings()).executor.cache.budget == 0
    monkeypatch.setenv("ALLIANCE_GRAPH_ANSWER_CACHE", "on")
    assert ServiceState.create(Settings()).executor.cache.budget > 0


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("SELECT * WHERE { ?f ag:possibleFrom ?d FILTER (?d >= ?from) }", False),
        ("SELECT * WHERE { VALUES ?from { 1 } ?s $from ?o }", False),
        ("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", True),
        ("SELECT *FROM<urn:g> WHERE { ?s ?p ?o }", True),
        ("SELECT * FROM NAMED<urn:g> WHERE { ?s ?p ?o }", True),
        ("PREFIX : <urn:> SELECT * FROM :g WHERE { ?s ?p ?o }", True),
    ],
)
def test_the_parser_runs_only_for_a_from_keyword(monkeypatch: pytest.MonkeyPatch, text: str, parsed: bool) -> None:
    """A named question (``?from``, ``ag:possibleFrom``) is not parsed by rdflib in the worker."""
    import rdflib.plugins.sparql.parser as parser

    from alliance_graph.store import analysis

    calls: list[str] = []
    real = parser.parseQuery
    monkeypatch.setattr(parser, "parseQuery", lambda q: calls.append(q) or real(q))
    analysis.analyse.cache_clear()
    analysis.analyse(text)
    assert bool(calls) is parsed


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("SELECT * WHERE { ?s ?p ?o # only let the engine start from the partner\n }", False),
        ('SELECT * WHERE { ?s ?p "from the start" }', False),
        ("SELECT * WHERE { ?s ?p '''a\nfrom b''' }", False),
        ("SELECT * FROM <urn:g#from> # a comment\nWHERE { ?s ?p ?o }", True),
        ('SELECT * # "\nFROM <urn:g> WHERE { ?s ?p ?o }', True),
    ],
)
def test_a_from_in_a_comment_or_a_string_is_no_keyword(
    monkeypatch: pytest.MonkeyPatch, text: str, parsed: bool
) -> None:
    test_the_parser_runs_only_for_a_from_keyword(monkeypatch, text, parsed)


def test_a_page_mark_puts_the_limit_in_the_inner_select(tmp_path: Path) -> None:
    """``# @page`` takes LIMIT/OFFSET; the text shown to the user has neither."""
    from alliance_graph.queries import paged_text, parse_query_file

    path = tmp_path / "paged.rq"
    path.write_text(
        "#+ title: Paged inside\n"
        "SELECT ?s ?n WHERE {\n  { SELECT ?s WHERE { ?s a ?c } ORDER BY ?s\n    # @page\n  }\n"
        "  ?s ?p ?n .\n}\nORDER BY ?s\n"
    )
    paged, shown = paged_text(None, parse_query_file(path), {}, 10, 20)
    outer = paged.rsplit("}", 1)[1]
    assert "ORDER BY ?s\n    LIMIT 11\nOFFSET 20" in paged
    assert "LIMIT" not in outer and "LIMIT" not in shown and "# @page" not in shown


def test_without_a_page_mark_the_limit_ends_the_text(tmp_path: Path) -> None:
    from alliance_graph.queries import paged_text, parse_query_file

    path = tmp_path / "plain.rq"
    path.write_text("#+ title: Plain\nSELECT ?s WHERE { ?s ?p ?o }\nORDER BY ?s\n")
    paged, shown = paged_text(None, parse_query_file(path), {}, 10, 0)
    assert paged == shown + "LIMIT 11\nOFFSET 0\n"
