"""Named analyst questions: ``queries/*.rq`` files with a typed metadata header.

A header is YAML in ``#+`` comment lines at the top of the file. Parameter values are checked
against their type and bound as RDF terms in ``VALUES`` blocks inserted at every ``# @bindings``
line, so a value can never change the query's shape, and Oxigraph still runs the query natively.
SPARQL evaluates groups bottom-up, so a FILTER inside a UNION branch cannot see a value bound
outside it: a query puts a ``# @bindings`` line in each group whose filters use parameters.

"Holds on ``as_of``" has one definition, inserted by the loader where a query says
``# @holds ?fact [?other ...] AS ?c``: the fact may hold on the date (its start window opened by
then, its end window not closed), ``?c`` is ``certain`` when it holds whatever the precise days
are and ``possible`` otherwise, and ``?fact_since`` / ``?fact_until`` are its dates as precise as
the sources give them (``date unknown`` when none does). ``# @certainty ?c1 ?c2`` combines such
values into the ``certainty`` column and keeps only certain rows unless the question is asked with
``certainty=possible`` (a parameter every such question gets).

A question whose rows are costly to complete (their sources grouped, their labels joined) may
put ``# @page`` after the ORDER BY of an inner SELECT that already yields the rows in their final
order: the page's LIMIT/OFFSET go there, so only one page of rows is completed, instead of at the
end of the text. The outer query must keep the inner order (the same ORDER BY).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from .namespaces import expand, shorten
from .store import Answer, Store

BINDINGS_MARK = "# @bindings"
PAGE_MARK = "# @page"
HOLDS = re.compile(r"^[ \t]*# @holds((?:[ \t]+\?[a-z][a-z0-9_]*)+)[ \t]+AS[ \t]+\?([a-z][a-z0-9_]*)[ \t]*$", re.M)
CERTAINTY = re.compile(r"^[ \t]*# @certainty((?:[ \t]+\?[a-z][a-z0-9_]*)*)[ \t]*$", re.M)
CERTAINTY_PARAM = "certainty"
CERTAINTY_VALUES = ("certain", "possible")
#: ``# @tier ?fact …``: the row's facts must each cite a document of at least ``min_tier``.
TIER = re.compile(r"^[ \t]*# @tier((?:[ \t]+\?[a-z][a-z0-9_]*)+)[ \t]*$", re.M)
TIER_PARAM = "min_tier"
#: Reliability tiers, most reliable first; the position is the tier's skos:notation.
TIER_VALUES = ("official", "wire", "press", "other", "aggregator")
PARAM_TYPES = {"iri", "date", "integer", "enum", "string"}
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_VAR = re.compile(r"^[a-z][a-z0-9_]*$")


class QueryDefinitionError(ValueError):
    """A ``.rq`` file's header or body is malformed."""


class ParameterError(ValueError):
    """A parameter value is not acceptable; ``param`` names it."""

    def __init__(self, param: str, message: str) -> None:
        self.param = param
        super().__init__(f"parameter {param!r}: {message}")


@dataclass(frozen=True)
class Parameter:
    """One typed parameter of a named question."""

    name: str
    type: str
    description: str = ""
    default: Any = None
    example: Any = None
    cls: str | None = None
    values: tuple[str, ...] = ()
    values_from: str | None = None
    many: bool = False
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None

    def schema(self) -> dict[str, Any]:
        """A JSON-schema fragment for OpenAPI."""
        base: dict[str, Any] = {"type": "string"}
        if self.type == "integer":
            base = {"type": "integer"}
            if self.minimum is not None:
                base["minimum"] = self.minimum
            if self.maximum is not None:
                base["maximum"] = self.maximum
        elif self.type == "date":
            base = {"type": "string", "format": "date"}
        elif self.type == "enum" and self.values:
            base = {"type": "string", "enum": list(self.values)}
        if self.many:
            return {"type": "array", "items": base}
        return base


@dataclass(frozen=True)
class NamedQuery:
    """A named analyst question, parsed from its ``.rq`` file."""

    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    body: str
    path: Path
    evidence: bool = True
    tags: tuple[str, ...] = field(default_factory=tuple)

    def parameter(self, name: str) -> Parameter:
        for param in self.parameters:
            if param.name == name:
                return param
        raise ParameterError(name, f"{self.name} has no such parameter")


def _parse_parameter(query: str, name: str, spec: Any) -> Parameter:
    if not _VAR.match(name):
        raise QueryDefinitionError(f"{query}: parameter name {name!r} must be a SPARQL-safe word")
    if not isinstance(spec, dict) or spec.get("type") not in PARAM_TYPES:
        raise QueryDefinitionError(f"{query}: parameter {name!r} needs a type of {sorted(PARAM_TYPES)}")
    return Parameter(
        name=name,
        type=spec["type"],
        description=str(spec.get("description", "")),
        default=spec.get("default"),
        example=spec.get("example", spec.get("default")),
        cls=spec.get("class"),
        values=tuple(str(v) for v in spec.get("values", ())),
        values_from=spec.get("values_from"),
        many=bool(spec.get("many", False)),
        required=bool(spec.get("required", False)),
        minimum=spec.get("minimum"),
        maximum=spec.get("maximum"),
    )


def parse_query_file(path: Path) -> NamedQuery:
    """Read one ``.rq`` file; raise ``QueryDefinitionError`` naming what is wrong."""
    text = path.read_text(encoding="utf-8")
    header_lines: list[str] = []
    body_lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("#+") and not body_lines:
            header_lines.append(line[3:] if line.startswith("#+ ") else line[2:])
        else:
            body_lines.append(line)
    name = path.stem
    if not _NAME.match(name):
        raise QueryDefinitionError(f"{path.name}: file names are lowercase-hyphenated")
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as exc:
        raise QueryDefinitionError(f"{path.name}: header is not YAML: {exc}") from exc
    if "title" not in header:
        raise QueryDefinitionError(f"{path.name}: header needs a title")
    body = "\n".join(body_lines).strip() + "\n"
    params = tuple(_parse_parameter(name, pname, spec) for pname, spec in (header.get("params") or {}).items())
    if CERTAINTY.search(body) and CERTAINTY_PARAM not in {p.name for p in params}:
        params = (*params, _certainty_parameter())
    if TIER.search(body) and TIER_PARAM not in {p.name for p in params}:
        params = (*params, _tier_parameter())
    if params and BINDINGS_MARK not in body:
        raise QueryDefinitionError(f"{path.name}: a query with parameters needs a '{BINDINGS_MARK}' line")
    return NamedQuery(
        name=name,
        title=str(header["title"]),
        description=str(header.get("description", "")).strip(),
        parameters=params,
        body=body,
        path=path,
        evidence=bool(header.get("evidence", True)),
        tags=tuple(header.get("tags", ())),
    )


def _certainty_parameter() -> Parameter:
    return Parameter(
        name=CERTAINTY_PARAM,
        type="enum",
        description="certain (default): only rows that hold on the date whatever the precise days; "
        "possible: also rows that may hold (a start or end inside its year or month, or a start not dated)",
        default="certain",
        example="possible",
        values=CERTAINTY_VALUES,
    )


def _tier_parameter() -> Parameter:
    return Parameter(
        name=TIER_PARAM,
        type="enum",
        description="The least reliable tier a row's evidence may rest on: official, wire, press, other or "
        "aggregator (default: all). A row stays when each of its facts cites at least one document of that "
        "tier or a more reliable one; its evidence still lists every document, each with its tier.",
        default="aggregator",
        example="wire",
        values=TIER_VALUES,
    )


def tier_fragment(variables: list[str], tier: str) -> str:
    """The filter ``min_tier`` asks for: each fact cites a document of that tier or better."""
    rank = TIER_VALUES.index(tier) + 1
    if rank == len(TIER_VALUES):
        return ""  # every tier counts: no filter to run
    return "\n  ".join(
        f"FILTER EXISTS {{ {v} ag:citation/ag:document/ag:tier/skos:notation ?{v[1:]}__tier "
        f"FILTER (xsd:integer(?{v[1:]}__tier) <= {rank}) }}"
        for v in variables
    )


def holds_fragment(variables: list[str], out: str) -> str:
    """The one definition of "holds on ?as_of" for the given fact variables (see the module doc)."""
    lines = []
    certain = []
    for var in variables:
        v = var.lstrip("?")
        lines.append(
            f"OPTIONAL {{ ?{v} ag:possibleFrom ?{v}__pf }} OPTIONAL {{ ?{v} ag:validFrom ?{v}__vf }}\n"
            f"  OPTIONAL {{ ?{v} ag:validUntil ?{v}__vu }} OPTIONAL {{ ?{v} ag:possibleUntil ?{v}__pu }}\n"
            f"  OPTIONAL {{ ?{v} ag:startDate ?{v}__sd }} OPTIONAL {{ ?{v} ag:announcedDate ?{v}__ad }}\n"
            f"  OPTIONAL {{ ?{v} ag:endDate ?{v}__ed }}\n"
            f"  FILTER ((!BOUND(?{v}__pf) || ?{v}__pf <= ?as_of) && (!BOUND(?{v}__pu) || ?as_of < ?{v}__pu))\n"
            f'  BIND (COALESCE(STR(?{v}__sd), STR(?{v}__ad), "date unknown") AS ?{v}_since)\n'
            f"  BIND (STR(?{v}__ed) AS ?{v}_until)"
        )
        certain.append(f"(BOUND(?{v}__vf) && ?{v}__vf <= ?as_of && (!BOUND(?{v}__vu) || ?as_of < ?{v}__vu))")
    lines.append(f'BIND (IF({" && ".join(certain)}, "certain", "possible") AS ?{out})')
    return "\n  ".join(lines)


def certainty_fragment(variables: list[str], level: str) -> str:
    """The ``certainty`` column from the given values, and the filter the parameter asks for."""
    parts = []
    if variables:
        test = " && ".join(f'{v} = "certain"' for v in variables)
        parts.append(f'BIND (IF({test}, "certain", "possible") AS ?certainty)')
    if level == "certain":
        parts.append('FILTER (?certainty = "certain")')
    return "\n  ".join(parts)


def expand_fragments(body: str, level: str, tier: str = TIER_VALUES[-1]) -> str:
    """The body with every ``# @holds``, ``# @tier`` and ``# @certainty`` line replaced by its SPARQL."""
    body = HOLDS.sub(lambda m: "  " + holds_fragment(m.group(1).split(), m.group(2)), body)
    body = TIER.sub(lambda m: "  " + tier_fragment(m.group(1).split(), tier), body)
    return CERTAINTY.sub(lambda m: "  " + certainty_fragment(m.group(1).split(), level), body)


def load_catalogue(directory: Path) -> dict[str, NamedQuery]:
    """Every named question of ``directory``, by name."""
    return {q.name: q for q in (parse_query_file(p) for p in sorted(directory.glob("*.rq")))}


def _today() -> dt.date:
    return dt.date.today()


def _convert(param: Parameter, raw: Any, store: Store | None) -> Node:
    if param.type == "iri" or param.type == "enum":
        text = str(raw).strip()
        if param.type == "enum" and param.values and text not in param.values:
            raise ParameterError(param.name, f"{text!r} is not one of {', '.join(param.values)}")
        if param.type == "enum" and ":" not in text:
            return Literal(text)
        try:
            iri = expand(text)
        except ValueError as exc:
            raise ParameterError(param.name, str(exc)) from None
        if param.cls and store is not None:
            cls = expand(param.cls)
            if not store.query(f"ASK {{ {iri.n3()} a {cls.n3()} }}").boolean:
                raise ParameterError(param.name, f"{shorten(iri)} is not a known {shorten(cls)}")
        return iri
    if param.type == "date":
        if isinstance(raw, dt.date):
            return Literal(raw.isoformat(), datatype=XSD.date)
        text = str(raw).strip()
        if text == "today":
            return Literal(_today().isoformat(), datatype=XSD.date)
        try:
            return Literal(dt.date.fromisoformat(text).isoformat(), datatype=XSD.date)
        except ValueError:
            raise ParameterError(param.name, f"{text!r} is not a date (YYYY-MM-DD)") from None
    if param.type == "integer":
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise ParameterError(param.name, f"{raw!r} is not an integer") from None
        if param.minimum is not None and value < param.minimum:
            raise ParameterError(param.name, f"{value} is below {param.minimum}")
        if param.maximum is not None and value > param.maximum:
            raise ParameterError(param.name, f"{value} is above {param.maximum}")
        return Literal(value, datatype=XSD.integer)
    return Literal(str(raw))


def bind(query: NamedQuery, values: Mapping[str, Any], store: Store | None = None) -> tuple[str, dict[str, list[Node]]]:
    """The query text with every parameter bound as RDF terms, and the bound terms."""
    unknown = set(values) - {p.name for p in query.parameters}
    if unknown:
        name = sorted(unknown)[0]
        raise ParameterError(name, f"{query.name} has no such parameter")
    bound: dict[str, list[Node]] = {}
    blocks = []
    level = "certain"
    tier = TIER_VALUES[-1]
    for param in query.parameters:
        raw = values.get(param.name)
        if raw is None or raw == "" or raw == []:
            raw = param.default
        if raw is None:
            if param.required:
                raise ParameterError(param.name, "is required")
            blocks.append(f"VALUES ?{param.name} {{ UNDEF }}")
            bound[param.name] = []
            continue
        items = raw if isinstance(raw, list | tuple) else [raw]
        if param.many:
            items = [part for item in items for part in str(item).split(",") if part.strip()]
        elif len(items) != 1:
            raise ParameterError(param.name, "takes one value")
        terms = [_convert(param, item, store) for item in items]
        bound[param.name] = terms
        if param.name == CERTAINTY_PARAM and CERTAINTY.search(query.body):
            level = str(terms[0])  # one of CERTAINTY_VALUES: it chooses a filter, it is not bound
            continue
        if param.name == TIER_PARAM and TIER.search(query.body):
            tier = str(terms[0])  # one of TIER_VALUES: it chooses a filter, it is not bound
            continue
        blocks.append(f"VALUES ?{param.name} {{ {' '.join(t.n3() for t in terms)} }}")
    body = expand_fragments(query.body, level, tier)
    return body.replace(BINDINGS_MARK, "\n  ".join(blocks)), bound


@dataclass
class QueryPage:
    """One page of a named question's answer."""

    answer: Answer
    limit: int
    offset: int
    has_more: bool
    sparql: str


def paged_text(
    store: Store | None, query: NamedQuery, values: Mapping[str, Any], limit: int, offset: int
) -> tuple[str, str]:
    """The bound query with LIMIT/OFFSET appended (one extra row tells whether more follow),
    and the bound query alone. Named queries end without a LIMIT of their own."""
    if limit < 1 or offset < 0:
        raise ParameterError("limit" if limit < 1 else "offset", "must be positive")
    text, _bound = bind(query, values, store)
    page = f"LIMIT {limit + 1}\nOFFSET {offset}\n"
    if PAGE_MARK in text:
        return text.replace(PAGE_MARK, page, 1), text.replace(PAGE_MARK, "", 1)
    return f"{text}{page}", text


def page_of(answer: Answer, limit: int, offset: int, text: str) -> QueryPage:
    has_more = len(answer.rows) > limit
    answer.rows = answer.rows[:limit]
    return QueryPage(answer, limit, offset, has_more, text)


def run(
    store: Store,
    query: NamedQuery,
    values: Mapping[str, Any],
    *,
    limit: int = 100,
    offset: int = 0,
    deadline: float | None = None,
) -> QueryPage:
    """Bind, page and run a named question on ``store``."""
    paged, text = paged_text(store, query, values, limit, offset)
    return page_of(store.query(paged, deadline=deadline), limit, offset, text)
