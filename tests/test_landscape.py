"""The current landscape (issue 12): a sample of the sourced facts of every area, pinned.

Each test asks what an analyst would ask and checks the answer the sources support, so that a
later edit that loses or changes one of these facts is caught.
"""

from __future__ import annotations

from typing import Any

from test_facts import named, short

from alliance_graph.namespaces import sparql_prefix_block
from alliance_graph.paths import ProjectPaths
from alliance_graph.store import Store


def ask(store: Store, where: str) -> list[dict[str, Any]]:
    return [{k: str(v) if v is not None else None for k, v in row.items()}
            for row in store.query(sparql_prefix_block() + where).dicts()]  # fmt: skip


def members(store: Store, paths: ProjectPaths, alliance: str, as_of: str) -> set[str]:
    rows = named(store, paths, "alliance-members", alliance=alliance, as_of=as_of)
    return {short(r["member"]) for r in rows}


def test_council_of_europe_convention_signatures_are_dated(real_store: Store, real_paths: ProjectPaths) -> None:
    convention = "alliance:coe-ai-framework-convention"
    assert "GBR" in members(real_store, real_paths, convention, "2024-09-05")
    assert "GBR" not in members(real_store, real_paths, convention, "2024-09-04")
    [roster] = ask(real_store, "SELECT ?total ?complete WHERE { roster:coe-ai-framework-convention-signatories "
                   "ag:statedTotal ?total ; ag:complete ?complete }")  # fmt: skip
    assert roster == {"total": "21", "complete": "true"}


def test_pax_silica_joiners_count_from_their_signature(real_store: Store, real_paths: ProjectPaths) -> None:
    assert "IND" not in members(real_store, real_paths, "alliance:pax-silica", "2026-02-19")
    assert "IND" in members(real_store, real_paths, "alliance:pax-silica", "2026-03-01")


def test_chinas_mineral_export_ban_is_suspended_until_its_end_date(real_store: Store) -> None:
    [row] = ask(real_store, "SELECT ?status ?from ?until WHERE { measure:chn-2024-12-03-ban-gallium-germanium-"
                "antimony-to-usa ag:status ?status ; ag:suspendedFrom ?from ; ag:suspendedUntil ?until }")  # fmt: skip
    assert row == {"status": "suspended", "from": "2025-11-09", "until": "2026-11-27"}


def test_the_ai_diffusion_rule_rescission_keeps_both_readings(real_store: Store) -> None:
    rows = ask(real_store, "SELECT ?f ?status ?end WHERE { VALUES ?f { measure:usa-2025-01-ai-diffusion-framework "
               "measure:usa-2025-01-ai-diffusion-framework-rescinded } ?f ag:status ?status "
               "OPTIONAL { ?f ag:endDate ?end } }")  # fmt: skip
    readings = {short(r["f"]): (r["status"], r["end"]) for r in rows}
    assert readings == {
        "usa-2025-01-ai-diffusion-framework": ("rescission announced; not enforced", None),
        "usa-2025-01-ai-diffusion-framework-rescinded": ("rescinded", "2025-05-13"),
    }


def test_a_country_neutral_control_has_no_target_but_an_aim(real_store: Store) -> None:
    [row] = ask(real_store, "SELECT ?aim (COUNT(?t) AS ?targets) WHERE { measure:jpn-2023-07-chipmaking-equipment "
                "ag:countryNeutral true ; ag:aimedAt ?aim OPTIONAL { measure:jpn-2023-07-chipmaking-equipment "
                "ag:target ?t } } GROUP BY ?aim")  # fmt: skip
    assert (short(str(row["aim"])), row["targets"]) == ("CHN", "0")


def test_restrictions_run_both_ways_and_name_institutions(real_store: Store) -> None:
    [china] = ask(
        real_store, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a ag:RestrictiveMeasure ; ag:imposer state:CHN }"
    )
    assert int(str(china["n"])) >= 10
    [listings] = ask(real_store, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a ag:RestrictiveMeasure ; "
                     "ag:target ?t . ?t a ag:Institution }")  # fmt: skip
    assert int(str(listings["n"])) >= 20


def test_the_headline_question_today_returns_the_brics_states_with_an_ai_instrument_with_china(
    real_store: Store, real_paths: ProjectPaths
) -> None:
    rows = named(real_store, real_paths, "bloc-members-cooperating-with", as_of="2026-11-30")
    assert {short(r["state"]) for r in rows} == {"BRA", "IDN", "RUS", "ZAF"}
    assert {r["tie"] for r in rows} == {"bilateral instrument"}
    brazil = [r for r in rows if r["via"].endswith("2025-05-13-bra-chn-ai-memorandum")]
    assert brazil and brazil[0]["since"] == "2025-05-13" and brazil[0]["certainty"] == "certain"
    assert all(r["explanation"]["sentence"] and r["evidence"] for r in rows)
    proposed = "cooperation/2025-zaf-chn-proposed-ai-memorandum"
    assert not [r for r in rows if r["via"].endswith(proposed)]  # proposed, not signed: no tie


def test_min_tier_keeps_rows_whose_every_fact_has_an_official_or_wire_citation(
    real_store: Store, real_paths: ProjectPaths
) -> None:
    every = named(real_store, real_paths, "bloc-members-cooperating-with", as_of="2026-11-30")
    strong = named(real_store, real_paths, "bloc-members-cooperating-with", as_of="2026-11-30", min_tier="wire")
    assert strong and len(strong) < len(every)
    assert {r["via"] for r in strong} <= {r["via"] for r in every}
    for row in strong:
        for step in row["explanation"]["steps"]:
            assert {c["tier"] for c in step["citations"]} & {"official", "wire service"}, step["fact"]
    weak = {r["via"] for r in every} - {r["via"] for r in strong}
    assert any(v.endswith("2025-05-13-bra-chn-ai-memorandum") for v in weak)  # press and aggregator only
