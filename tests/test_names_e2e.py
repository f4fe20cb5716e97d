"""Name search and reconciliation over HTTP, on a real server (issue 13).

The reconciliation batch goes through ``reconciler``, a Python client of the W3C Reconciliation
Service API from PyPI, pointed at our endpoint as it would be at Wikidata's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pandas as pd
import pytest
from reconciler import reconcile
from servers import Server

from alliance_graph.paths import ProjectPaths

pytestmark = [
    pytest.mark.e2e,
    # reconciler's own use of a deprecated pandas keyword, not ours.
    pytest.mark.filterwarnings("ignore:The inplace keyword:DeprecationWarning:reconciler"),
    pytest.mark.filterwarnings("ignore::Warning:reconciler.webutils"),
]


@pytest.fixture(scope="module")
def server(real_paths: ProjectPaths) -> Iterator[Server]:
    running = Server(real_paths)
    running.start()
    yield running
    running.stop()


def test_search_finds_by_other_scripts_and_says_why(server: Server) -> None:
    response = httpx.get(f"{server.url}/search", params={"q": "Сбербанк"}, timeout=30)
    assert response.status_code == 200
    top = response.json()["results"][0]
    assert (top["id"], top["how"], top["matched"]) == ("inst:sberbank", "transliteration", "Sberbank")
    assert 0 < top["score"] <= 100


def test_search_filters_and_errors(server: Server) -> None:
    states = httpx.get(f"{server.url}/search", params={"q": "RU", "kind": "State"}, timeout=30).json()["results"]
    assert states[0]["id"] == "state:RUS" and all(r["kind"] == "State" for r in states)
    assert httpx.get(f"{server.url}/search", params={"q": "x", "kind": "Planet"}, timeout=30).status_code == 422
    assert httpx.get(f"{server.url}/search", params={"q": ""}, timeout=30).status_code == 422


def test_reconciliation_manifest(server: Server) -> None:
    manifest = httpx.get(f"{server.url}/reconcile", timeout=30)
    assert manifest.headers["access-control-allow-origin"] == "*"
    body = manifest.json()
    assert body["versions"] == ["0.2"]
    assert {t["id"] for t in body["defaultTypes"]} >= {"State", "Institution", "Grouping"}
    assert body["view"]["url"].endswith("/id/{{id}}")
    jsonp = httpx.get(f"{server.url}/reconcile", params={"callback": "cb"}, timeout=30)
    assert jsonp.text.startswith("cb(")


ROWS = [
    ("Russia", "State", "state/RUS"), ("Russian Federation", "State", "state/RUS"),
    ("People's Republic of China", "State", "state/CHN"), ("Brasil", "State", "state/BRA"),
    ("Inde", "State", "state/IND"), ("South Africa", "State", "state/ZAF"), ("Égypte", "State", "state/EGY"),
    ("Ethiopia", "State", "state/ETH"), ("Saudi Arabia", "State", "state/SAU"),
    ("United Arab Emirates", "State", "state/ARE"), ("Indonesia", "State", "state/IDN"),
    ("Türkiye", "State", "state/TUR"), ("Japan", "State", "state/JPN"), ("Deutschland", "State", "state/DEU"),
    ("Sberbank", "Institution", "institution/sberbank"), ("Yandex", "Institution", "institution/yandex"),
    ("Huawei", "Institution", "institution/huawei"), ("RDIF", "Institution", "institution/rdif"),
    ("BRICS", "Grouping", "alliance/brics"), ("G7", "Grouping", "alliance/g7"),
]  # fmt: skip


def test_a_batch_of_twenty_reconciles_through_a_real_client(server: Server) -> None:
    frame = pd.DataFrame(ROWS, columns=["name", "type", "expected"])
    found = {}
    for kind, group in frame.groupby("type"):
        result = reconcile(group["name"], type_id=kind, reconciliation_endpoint=f"{server.url}/reconcile")
        for _, row in result.iterrows():
            found.setdefault(row["input_value"], row)
    for name, _kind, expected in ROWS:
        assert found[name]["id"] == expected, name
    assert sum(bool(found[name]["match"]) for name, _k, _e in ROWS) >= 18


def test_property_values_weigh_candidates(server: Server) -> None:
    def ask(country: str) -> dict[str, object]:
        queries = {
            "q0": {"query": "Sberbank", "type": "Institution", "properties": [{"pid": "headquarteredIn", "v": country}]}
        }
        response = httpx.post(f"{server.url}/reconcile", data={"queries": json.dumps(queries)}, timeout=30)
        assert response.status_code == 200
        return response.json()["q0"]["result"][0]

    agreeing, disagreeing = ask("Russia"), ask("France")
    assert agreeing["id"] == "institution/sberbank" and agreeing["match"] is True
    assert {"id": "headquarteredIn", "value": 1} in agreeing["features"]
    assert disagreeing["score"] < agreeing["score"] and disagreeing["match"] is False


def test_bad_batches_are_400_with_a_reason(server: Server) -> None:
    bad = httpx.post(f"{server.url}/reconcile", data={"queries": "{not json"}, timeout=30)
    assert bad.status_code == 400 and "not valid JSON" in bad.text
    typed = httpx.post(f"{server.url}/reconcile", data={"queries": json.dumps({"q": {"query": "x", "type": "Planet"}})})
    assert typed.status_code == 400 and "unknown type" in typed.text


def test_suggest_preview_and_extend(server: Server) -> None:
    suggest = httpx.get(f"{server.url}/reconcile/suggest/entity", params={"prefix": "Sber"}, timeout=30).json()
    assert suggest["result"][0]["id"] == "institution/sberbank"
    assert (
        httpx.get(f"{server.url}/reconcile/suggest/type", params={"prefix": "Sta"}).json()["result"][0]["id"] == "State"
    )
    preview = httpx.get(f"{server.url}/reconcile/preview", params={"id": "state/RUS"}, timeout=30)
    assert preview.status_code == 200 and "Russian Federation" in preview.text
    assert httpx.get(f"{server.url}/reconcile/preview", params={"id": "state/XXX"}, timeout=30).status_code == 404
    extend = {
        "ids": ["institution/sberbank", "state/RUS"],
        "properties": [{"id": "headquarteredIn"}, {"id": "isoAlpha2"}],
    }
    rows = httpx.post(f"{server.url}/reconcile", data={"extend": json.dumps(extend)}, timeout=30).json()["rows"]
    assert rows["institution/sberbank"]["headquarteredIn"] == [{"id": "state/RUS", "name": "Russian Federation"}]
    assert rows["state/RUS"]["isoAlpha2"] == [{"str": "RU"}]


def test_named_questions_over_http_take_names(server: Server) -> None:
    url = f"{server.url}/queries/bloc-members-cooperating-with"
    by_name = httpx.get(url, params={"partner": "China", "as_of": "2026-11-30"}, timeout=60)
    assert by_name.status_code == 200, by_name.text
    body = by_name.json()
    assert body["parameters"]["partner"] == "state:CHN"
    assert body["resolved"] == ["partner: 'China' resolved to https://w3id.org/alliance-graph/id/state/CHN (exact match on 'China')"]
    by_iri = httpx.get(url, params={"partner": "state:CHN", "as_of": "2026-11-30"}, timeout=60).json()
    assert body["rows"] == by_iri["rows"] != []
    ambiguous = httpx.get(f"{server.url}/queries/facts-about", params={"subject": "Korea"}, timeout=60)
    assert ambiguous.status_code == 422 and "ambiguous" in ambiguous.text and "score" in ambiguous.text
    unknown = httpx.get(f"{server.url}/queries/facts-about", params={"subject": "Atlantis"}, timeout=60)
    assert unknown.status_code == 422 and "no entity is known" in unknown.text
