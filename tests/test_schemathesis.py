"""Property-based requests generated from ``/openapi.json`` (schemathesis): no 5xx, ever.

Bounded: a fixed number of examples per operation (``SCHEMATHESIS_EXAMPLES``, 50 by default)
against a real service on the fixture data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from conftest import FIXTURES, make_project
from hypothesis import HealthCheck, Phase, given, settings
from servers import Server

from alliance_graph.build import build_on_disk

pytestmark = pytest.mark.e2e
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "50"))


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    paths = make_project(tmp_path_factory.mktemp("fuzz"), FIXTURES / "data")
    build_on_disk(paths)
    server = Server(
        paths,
        ALLIANCE_GRAPH_UPDATE_TOKEN="fuzz-token",
        ALLIANCE_GRAPH_QUERY_TIMEOUT="3",
        ALLIANCE_GRAPH_CLIENT_CONCURRENCY="64",
    )
    server.start()
    yield server
    server.stop()


def test_no_request_makes_a_5xx(api_server: Server) -> None:
    schema = schemathesis.openapi.from_url(f"{api_server.url}/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        def run(case: schemathesis.Case) -> None:
            response = case.call(base_url=api_server.url, timeout=30)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}")

        run()
    assert operations > 10
    assert not failures, failures[:5]
