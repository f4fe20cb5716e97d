"""Names: normalisation, scoring, resolution, and the labelled list of name variants (issue 13)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from alliance_graph.names import NameIndex, name_key
from alliance_graph.names.collect import load_index
from alliance_graph.names.index import Entity, Name
from alliance_graph.names.keys import name_keys_graph
from alliance_graph.names.normalise import compact_key, initials
from alliance_graph.namespaces import AG, shorten
from alliance_graph.paths import ProjectPaths
from alliance_graph.store import Store

VARIANTS = Path(__file__).parent / "fixtures" / "names" / "variants.tsv"


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("ПАО Сбербанк", "sberbank"),
        ("PJSC Sberbank", "sberbank"),
        ("Sberbank", "sberbank"),
        ("Türkiye", "turkiye"),
        ("the Russian Federation", "russian federation"),
        ("中国", "zhongguo"),
        ("الإمارات", name_key("الإمارات")),
        ("  BRICS+  ", "brics"),
    ],
)
def test_name_key(name: str, key: str) -> None:
    assert name_key(name) == key


def test_arabic_vowel_signs_do_not_change_the_key() -> None:
    assert name_key("الاتّحاد الرّوسي") == name_key("الاتحاد الروسي")


def test_compact_key_and_initials() -> None:
    assert compact_key("Sber Bank") == compact_key("Sberbank")
    assert initials("Russian Federation") == "rf"
    assert initials("United States of America") == "usa"
    assert initials("Sberbank") == ""


def _index(*names: tuple[str, str, str, str | None, str]) -> NameIndex:
    entities = {iri: Entity(iri, label, kind) for iri, label, kind, _lang, _origin in names}
    return NameIndex.of(entities.values(), [Name(iri, label, lang, origin) for iri, label, _k, lang, origin in names])


def test_codes_match_only_exactly() -> None:
    index = _index(("s:RUS", "RU", "State", None, "code"), ("s:PER", "Peru", "State", "en", "label"))
    assert [m.entity.iri for m in index.search("RU")] == ["s:RUS"]
    assert all(m.entity.iri != "s:RUS" for m in index.search("Rus"))


def test_each_result_says_why() -> None:
    index = _index(
        ("i:sber", "Sberbank", "Institution", "en", "label"), ("i:sber", "Сбер", "Institution", "ru", "alias")
    )
    [top] = index.search("Сбербанк", limit=1)
    assert (top.how, top.matched, top.lang, top.score) == ("transliteration", "Sberbank", "en", 100.0)
    [alias] = index.search("сбер", limit=1)
    assert (alias.how, alias.lang) == ("alias", "ru")


def test_resolution_is_resolved_ambiguous_or_unknown() -> None:
    index = _index(
        ("s:GEO", "Georgia", "State", "en", "label"),
        ("u:GA", "Georgia", "Institution", "en", "label"),
        ("s:FRA", "France", "State", "en", "label"),
    )
    assert index.resolve("France").status == "resolved"
    assert index.resolve("France").match.entity.iri == "s:FRA"
    ambiguous = index.resolve("Georgia")
    assert ambiguous.status == "ambiguous"
    assert {m.entity.iri for m in ambiguous.candidates} == {"s:GEO", "u:GA"}
    assert "ambiguous" in ambiguous.message()
    assert index.resolve("Georgia", kind="State").status == "resolved"
    unknown = index.resolve("Atlantis")
    assert unknown.status == "unknown"
    with pytest.raises(LookupError, match="no entity"):
        _ = unknown.match


def test_kind_and_language_filters() -> None:
    index = _index(("s:RUS", "Россия", "State", "ru", "alias"), ("s:RUS", "Russia", "State", "en", "label"))
    assert index.search("Россия")[0].lang == "ru"
    [russian] = index.search("Росс", lang="ru")  # a prefix of the Russian name only
    assert (russian.matched, russian.lang) == ("Россия", "ru")
    english = index.search("Росс", lang="en")  # the language filter drops the Russian name
    assert english and {m.lang for m in english} == {"en"}
    assert index.search("Russia", kind="Institution") == []


def _variants() -> list[tuple[str, str, str]]:
    lines = VARIANTS.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines if line.strip() and not line.startswith("#")]  # type: ignore[misc]


def test_the_labelled_list_is_large_enough() -> None:
    assert len(_variants()) >= 100


def test_labelled_name_variants_top1_and_top5(real_store: Store) -> None:
    """Issue 13's floors: at least 95 % first, all within the first five."""
    index = load_index(real_store)
    variants = _variants()
    misses_top1, misses_top5 = [], []
    for name, expected, why in variants:
        found = [shorten(m.entity.iri) for m in index.search(name, limit=5)]
        if not found or found[0] != expected:
            misses_top1.append(f"{name!r} → {found[:3]} (expected {expected}: {why})")
        if expected not in found:
            misses_top5.append(misses_top1[-1])
    top1 = 1 - len(misses_top1) / len(variants)
    assert top1 >= 0.95, "\n".join(misses_top1)
    assert not misses_top5, "\n".join(misses_top5)


def test_name_keys_are_in_the_graph(real_store: Store) -> None:
    answer = real_store.query('SELECT ?e WHERE { ?e ag:nameKey "sberbank" }')
    assert [shorten(str(row[0])) for row in answer.rows] == ["inst:sberbank"]


def test_name_keys_graph_covers_labels_and_variants() -> None:
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDFS

    state = URIRef("https://w3id.org/alliance-graph/id/state/RUS")
    variant = URIRef("https://w3id.org/alliance-graph/id/name/rus-rf-ru")
    graph = Graph()
    graph.add((state, RDFS.label, Literal("Russian Federation", lang="en")))
    graph.add((variant, AG.nameOf, state))
    graph.add((variant, AG.name, Literal("РФ", lang="ru")))
    graph.add((URIRef("https://example.org/x"), RDFS.label, Literal("not ours")))
    keys = {str(o) for o in name_keys_graph([graph]).objects(state, AG.nameKey)}
    assert keys == {"russian federation", "rf"}
    assert len(name_keys_graph([graph])) == 2


def _query(paths: ProjectPaths, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ALLIANCE_GRAPH_HOME": str(paths.home), "ALLIANCE_GRAPH_VAR": str(paths.var_dir)}
    command = [sys.executable, "-m", "alliance_graph", "query", *args, "--format", "json"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_named_questions_take_names_for_iris(real_paths: ProjectPaths) -> None:
    by_name = _query(real_paths, "bloc-members-cooperating-with", "--partner", "China", "--as-of", "2026-11-30")
    by_iri = _query(real_paths, "bloc-members-cooperating-with", "--partner", "state:CHN", "--as-of", "2026-11-30")
    assert by_name.returncode == 0, by_name.stderr
    assert json.loads(by_name.stdout) == json.loads(by_iri.stdout) != []
    assert "partner: 'China' resolved to https://w3id.org/alliance-graph/id/state/CHN" in by_name.stderr
    sber = _query(real_paths, "measures-against", "--target", "Сбербанк", "--as-of", "2025-01-01")
    assert sber.returncode == 0 and "transliteration match" in sber.stderr
    assert {r["targetEntity"].rsplit("/", 1)[-1] for r in json.loads(sber.stdout)} == {"sberbank"}


def test_ambiguous_and_unknown_names_are_usage_errors(real_paths: ProjectPaths) -> None:
    ambiguous = _query(real_paths, "facts-about", "--subject", "Korea")
    assert ambiguous.returncode == 2 and "is ambiguous" in ambiguous.stderr and "score" in ambiguous.stderr
    unknown = _query(real_paths, "facts-about", "--subject", "Atlantis")
    assert unknown.returncode == 2 and "no entity is known by the name 'Atlantis'" in unknown.stderr
