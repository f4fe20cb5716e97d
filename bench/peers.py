"""The peers the service is measured against, each serving the same data over HTTP.

python -m bench.peers rdflib-endpoint PORT FILE.nq   # rdflib-endpoint on rdflib's store
python -m bench.peers minimal PORT FILE.nq           # the least FastAPI can do over pyoxigraph (in memory)
python -m bench.peers minimal-disk PORT STORE_DIR    # the same handler over the store on disk, read-only
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import Response


def rdflib_endpoint_app(data: Path) -> object:
    from rdflib import Dataset
    from rdflib_endpoint import SparqlEndpoint

    dataset = Dataset(default_union=True)
    dataset.parse(str(data), format="nquads")
    return SparqlEndpoint(graph=dataset, path="/sparql")


def minimal_app(data: Path) -> object:
    import pyoxigraph as ox

    if data.is_dir():
        store = ox.Store.read_only(str(data))
    else:
        store = ox.Store()
        store.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
    app = FastAPI()

    @app.get("/sparql")
    def sparql(request: Request) -> Response:
        result = store.query(request.query_params["query"], use_default_graph_as_union=True)
        body = result.serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]
        return Response(body, media_type="application/sparql-results+json")

    return app


if __name__ == "__main__":
    kind, port, data = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    app = rdflib_endpoint_app(data) if kind == "rdflib-endpoint" else minimal_app(data)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")  # type: ignore[arg-type]
