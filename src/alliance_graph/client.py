"""A Python client for API consumers and notebooks, built on SPARQLWrapper.

    >>> from alliance_graph.client import Client
    >>> graph = Client("http://127.0.0.1:8000")
    >>> rows = graph.ask_question("bloc-members-cooperating-with", as_of="2025-01-31")  # doctest: +SKIP
    >>> graph.sparql("ASK { state:CHN ag:memberOf alliance:brics }")  # doctest: +SKIP
    True

(The last two lines need a running service, ``make run``; the suite runs them against one in
``tests/test_service_e2e.py``.)

``sparql`` works against any SPARQL 1.1 endpoint; ``ask_question`` and ``questions`` need an
AI Alliance Graph service. Errors of the service are raised as ``ClientError`` with its message.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from SPARQLWrapper import JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException


class ClientError(Exception):
    """The service refused or failed a request; ``status`` is the HTTP status when known."""

    def __init__(self, message: str, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)


def _value(binding: dict[str, Any]) -> Any:
    value = binding["value"]
    datatype = binding.get("datatype", "")
    if datatype.endswith(("#integer", "#int", "#long")):
        return int(value)
    if datatype.endswith(("#decimal", "#double", "#float")):
        return float(value)
    if datatype.endswith("#boolean"):
        return value == "true"
    return value


class Client:
    """Rows as dicts (or a pandas DataFrame) from a running service or any SPARQL endpoint."""

    def __init__(self, base_url: str, *, endpoint: str | None = None, timeout: float = 30) -> None:
        if not base_url.startswith(("http://", "https://")):
            # urlopen also opens file: and custom schemes; a client of a web service needs neither
            raise ValueError(f"{base_url!r} is not an http(s) URL")
        self.base_url = base_url.rstrip("/")
        self.endpoint = endpoint or f"{self.base_url}/sparql"
        self.timeout = timeout

    def sparql(self, query: str) -> list[dict[str, Any]] | bool:
        """Run a SELECT (rows as dicts) or ASK (a bool) through SPARQLWrapper."""
        wrapper = SPARQLWrapper(self.endpoint)
        wrapper.setQuery(query)
        wrapper.setMethod(POST)
        wrapper.setReturnFormat(JSON)
        wrapper.setTimeout(int(self.timeout))
        try:
            result = wrapper.queryAndConvert()
        except SPARQLWrapperException as exc:
            raise ClientError(str(exc).strip()) from None
        except urllib.error.HTTPError as exc:
            raise ClientError(exc.read().decode("utf-8", "replace").strip(), exc.code) from None
        if not isinstance(result, dict):
            raise ClientError(f"the endpoint did not answer SPARQL JSON results: {str(result)[:200]}")
        if "boolean" in result:
            return bool(result["boolean"])
        return [
            {var: _value(binding[var]) if var in binding else None for var in result["head"]["vars"]}
            for binding in result["results"]["bindings"]
        ]

    def _get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        query = urllib.parse.urlencode(params or {}, doseq=True)
        url = f"{self.base_url}{path}" + (f"?{query}" if query else "")
        # base_url is http(s), checked in __init__, so neither call can open file: or other schemes
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace")
            try:
                detail = json.loads(body)["detail"]
                message = "; ".join(d["msg"] for d in detail) if isinstance(detail, list) else str(detail)
            except (ValueError, KeyError, TypeError):
                message = body.strip()
            raise ClientError(message, exc.code) from None
        except urllib.error.URLError as exc:
            raise ClientError(f"cannot reach {url}: {exc.reason}") from None

    def questions(self) -> list[dict[str, Any]]:
        """The catalogue of named questions with their parameters."""
        catalogue: list[dict[str, Any]] = self._get("/queries")
        return catalogue

    def ask_question(self, name: str, *, limit: int = 1000, **params: Any) -> list[dict[str, Any]]:
        """All rows of a named question (following ``next`` pages), each with its evidence."""
        rows: list[dict[str, Any]] = []
        query: dict[str, Any] = {**{k: v for k, v in params.items() if v is not None}, "limit": limit}
        page = self._get(f"/queries/{name}", query)
        rows += page["rows"]
        while page.get("next"):
            page = self._get(page["next"])
            rows += page["rows"]
        return rows

    def dataframe(self, name_or_query: str, **params: Any) -> Any:
        """A pandas DataFrame of a named question or a SELECT query (pandas must be installed)."""
        try:
            import pandas  # type: ignore[import-untyped]  # optional; pandas-stubs is not a dependency
        except ImportError:
            raise ClientError("dataframe() needs pandas: pip install pandas") from None
        if any(word in name_or_query.upper() for word in ("SELECT", "ASK")) and " " in name_or_query:
            rows = self.sparql(name_or_query)
            if isinstance(rows, bool):
                raise ClientError("an ASK query has no rows")
        else:
            rows = self.ask_question(name_or_query, **params)
        return pandas.DataFrame(rows)
