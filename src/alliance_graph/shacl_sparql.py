"""The project's SHACL shapes run as SPARQL queries on Oxigraph, so validation scales with the store.

pyshacl walks every focus node in Python: 11 s on the curated 35k triples and minutes at a million.
The shapes of ``ontology/shapes.ttl`` use a small part of SHACL core (targets by class; paths that
are an IRI or an alternative of IRIs; min/max count, class, datatype, pattern, in, minInclusive,
hasValue, or; SPARQL constraints with ``$this``), and every such constraint is one query that lists
the violating focus nodes (and values) at once. ``compile_shapes`` turns a shapes graph into those
queries; a shape using anything else raises ``Unsupported``, and the caller then runs pyshacl, so a
new kind of shape is never silently skipped. Each finding is what pyshacl reports: one per focus
node for count and ``or`` constraints, one per value node for value constraints, one per solution
of a SPARQL constraint, with the shape's ``sh:message`` (``{?var}`` filled in) and severity.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

#: Properties of a shape that only describe it and never constrain.
_DESCRIPTIVE = {SH.name, SH.description, RDF.type, RDFS.label, RDFS.comment, SH.order, SH.group}
_PROPERTY_KEYS = {SH.path, SH.message, SH.severity, SH.minCount, SH.maxCount, SH["class"], SH.datatype}
_PROPERTY_KEYS |= {SH.pattern, SH["in"], SH.minInclusive, SH.hasValue, SH["or"]}
_NODE_KEYS = {SH.targetClass, SH.property, SH["or"], SH.sparql, SH.message, SH.severity}
_SPARQL_KEYS = {SH.message, SH.prefixes, SH.select, RDF.type}
_TYPED = "rdf:type/rdfs:subClassOf*"
_PREFIXES = (
    "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
)


class Unsupported(ValueError):
    """The shapes use SHACL this module does not translate; run pyshacl instead."""


@dataclass(frozen=True)
class Check:
    """One query whose solutions are violations: ``?this`` the focus node, ``?value`` (if any)."""

    query: str
    message: str
    severity: str
    path: URIRef | None
    template_vars: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One violation: the focus node, the path (an IRI or none), the message, the severity."""

    focus: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
    path: URIRef | None
    message: str
    severity: str


def _n3(term: Node) -> str:
    if isinstance(term, URIRef | Literal):
        return term.n3()
    raise Unsupported(f"a blank node {term} where a constant is expected")


def _list(shapes: Graph, head: Node) -> list[Node]:
    return list(Collection(shapes, head))


def _one(shapes: Graph, node: Node, key: URIRef) -> Node | None:
    values = list(shapes.objects(node, key))
    if len(values) > 1:
        raise Unsupported(f"{key} given twice on one shape")
    return values[0] if values else None


def _keys(shapes: Graph, node: Node, allowed: set[URIRef]) -> set[URIRef]:
    keys = {p for p in shapes.predicates(node) if isinstance(p, URIRef)}
    unknown = {k for k in keys - allowed - _DESCRIPTIVE if str(k).startswith(str(SH))}
    if unknown:
        raise Unsupported(f"shape uses {', '.join(sorted(map(str, unknown)))}")
    return keys


def _path(shapes: Graph, node: Node) -> tuple[str, URIRef | None]:
    """The SPARQL path of ``sh:path`` and the IRI to report (none for a path that is not one IRI)."""
    if isinstance(node, URIRef):
        return node.n3(), node
    alternatives = _one(shapes, node, SH.alternativePath)
    if alternatives is None or set(shapes.predicates(node)) != {SH.alternativePath}:
        raise Unsupported("only IRI paths and sh:alternativePath of IRIs are translated")
    iris = _list(shapes, alternatives)
    if not all(isinstance(i, URIRef) for i in iris):
        raise Unsupported("sh:alternativePath of non-IRIs")
    return "(" + "|".join(_n3(i) for i in iris) + ")", None


def _severity(shapes: Graph, node: Node) -> str:
    value = _one(shapes, node, SH.severity)
    return str(value).rsplit("#", 1)[-1] if value is not None else "Violation"


def _message(shapes: Graph, node: Node) -> str:
    value = _one(shapes, node, SH.message)
    if value is None:
        raise Unsupported("a shape with no sh:message (pyshacl's own wording is not reproduced)")
    return str(value)


#: Datatypes SPARQL can cast to: a literal of one that does not cast is ill-formed (pyshacl rejects it).
_CASTABLE = {XSD.integer, XSD.decimal, XSD.boolean, XSD.date, XSD.dateTime, XSD.double, XSD.float}
_VALUE_KEYS = {SH.datatype, SH["class"], SH.pattern, SH["in"], SH.minInclusive, SH["or"]}


def _value_ok(shapes: Graph, shape: Node, var: str, only: URIRef | None = None) -> str:
    """A SPARQL condition: the node ``var`` conforms to the value constraints of ``shape``
    (or to its constraint ``only``)."""
    parts: list[str] = []
    for key, value in shapes.predicate_objects(shape):
        if only is not None and key != only:
            continue
        if key in _DESCRIPTIVE or key in {SH.message, SH.severity, SH.path, SH.minCount, SH.maxCount}:
            continue
        if key == SH.datatype:
            well_formed = f" && COALESCE(STRLEN(STR({_n3(value)}({var}))) >= 0, false)" if value in _CASTABLE else ""
            parts.append(f"(isLiteral({var}) && datatype({var}) = {_n3(value)}{well_formed})")
        elif key == SH["class"]:
            parts.append(f"(!isLiteral({var}) && EXISTS {{ {var} {_TYPED} {_n3(value)} }})")
        elif key == SH.pattern:
            if _one(shapes, shape, SH.flags) is not None:
                raise Unsupported("sh:flags")
            parts.append(f"(!isBlank({var}) && REGEX(STR({var}), {Literal(str(value)).n3()}))")
        elif key == SH["in"]:
            members = " || ".join(f"sameTerm({var}, {_n3(m)})" for m in _list(shapes, value))
            parts.append(f"({members or 'false'})")
        elif key == SH.minInclusive:
            parts.append(f"COALESCE({var} >= {_n3(value)}, false)")
        elif key == SH["or"]:
            listed = _list(shapes, value)
            if any(set(shapes.predicates(m)) & {SH.path, SH.minCount, SH.maxCount, SH.hasValue} for m in listed):
                raise Unsupported("sh:or of property shapes inside a property shape")
            parts.append("(" + " || ".join(_value_ok(shapes, m, var) for m in listed) + ")")
        elif key == SH.hasValue:
            continue  # a count-like constraint on the set of values, handled by the caller
        else:
            raise Unsupported(f"value constraint {key}")
    return " && ".join(parts) or "true"


def _focus(classes: list[Node]) -> str:
    values = " ".join(_n3(c) for c in classes)
    return f"{{ SELECT DISTINCT ?this WHERE {{ VALUES ?target {{ {values} }} ?this {_TYPED} ?target }} }}"


def _property_checks(shapes: Graph, shape: Node, focus: str) -> Iterator[Check]:
    _keys(shapes, shape, _PROPERTY_KEYS)
    path_node = _one(shapes, shape, SH.path)
    if path_node is None:
        raise Unsupported("a property shape without sh:path")
    path, reported = _path(shapes, path_node)
    message, severity = _message(shapes, shape), _severity(shapes, shape)
    min_count = _one(shapes, shape, SH.minCount)
    max_count = _one(shapes, shape, SH.maxCount)
    if min_count is not None and int(min_count) == 1:  # type: ignore[call-overload]
        yield Check(
            f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?v }} }}", message, severity, reported
        )
    elif min_count is not None:
        yield Check(
            f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {focus} "
            f"?this {path} ?v }} GROUP BY ?this }} FILTER(COALESCE(?n, 0) < {int(min_count)}) }}",  # type: ignore[call-overload]
            message,
            severity,
            reported,
        )
    if max_count is not None:
        yield Check(
            f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {focus} ?this {path} ?v }} "
            f"GROUP BY ?this }} FILTER(?n > {int(max_count)}) }}",  # type: ignore[call-overload]
            message,
            severity,
            reported,
        )
    has_value = _one(shapes, shape, SH.hasValue)
    if has_value is not None:
        yield Check(
            f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} {_n3(has_value)} }} }}",
            message,
            severity,
            reported,
        )
    for key in sorted(_VALUE_KEYS & set(shapes.predicates(shape))):
        # pyshacl reports each constraint component apart: a value failing two gives two findings
        condition = _value_ok(shapes, shape, "?v", only=key)
        yield Check(
            f"SELECT DISTINCT ?this ?v WHERE {{ {focus} ?this {path} ?v . FILTER(!({condition})) }}",
            message,
            severity,
            reported,
        )


def _member_ok(shapes: Graph, member: Node) -> str:
    """A condition on ``?this`` that it conforms to one member of a node-level ``sh:or``."""
    path_node = _one(shapes, member, SH.path)
    if path_node is None:
        return _value_ok(shapes, member, "?this")
    _keys(shapes, member, {SH.path, SH.minCount, SH.hasValue})
    path, _reported = _path(shapes, path_node)
    conditions = []
    min_count = _one(shapes, member, SH.minCount)
    if min_count is not None:
        if int(min_count) != 1:  # type: ignore[call-overload]
            raise Unsupported("sh:minCount other than 1 inside sh:or")
        conditions.append(f"EXISTS {{ ?this {path} ?any }}")
    has_value = _one(shapes, member, SH.hasValue)
    if has_value is not None:
        conditions.append(f"EXISTS {{ ?this {path} {_n3(has_value)} }}")
    return "(" + (" && ".join(conditions) or "true") + ")"


_THIS = re.compile(r"\$this\b")
_TEMPLATE = re.compile(r"\{[?$](\w+)\}")


def _sparql_check(shapes: Graph, constraint: Node, classes: list[Node]) -> Check:
    _keys(shapes, constraint, _SPARQL_KEYS)
    select = str(_one(shapes, constraint, SH.select))
    prefixes = ""
    for holder in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(holder, SH.declare):
            prefix, namespace = _one(shapes, declaration, SH.prefix), _one(shapes, declaration, SH.namespace)
            prefixes += f"PREFIX {prefix}: <{namespace}>\n"
    body = _THIS.sub("?this", select)
    opening, closing = body.find("{"), body.rfind("}")
    head = body[:opening]
    if not re.fullmatch(r"\s*SELECT\s+(DISTINCT\s+)?[?\w\s]+WHERE\s*", head, flags=re.IGNORECASE):
        raise Unsupported("a SPARQL constraint that is not SELECT ... WHERE { ... }")
    if re.search(r"\b(GRAPH|SERVICE|FROM|VALUES|\$PATH|\$currentShape|\$shapesGraph)\b", body[opening:]):
        raise Unsupported("a SPARQL constraint using GRAPH, SERVICE, VALUES or pre-bound variables besides $this")
    query = f"{prefixes}{head}{{ {_focus(classes)} {body[opening + 1 : closing]} }}{body[closing + 1 :]}"
    message = _message(shapes, constraint)
    return Check(query, message, _severity(shapes, constraint), None, tuple(_TEMPLATE.findall(message)))


def compile_shapes(shapes: Graph) -> list[Check]:
    """Every check of the node shapes of ``shapes`` that have targets, as SPARQL queries."""
    checks: list[Check] = []
    for key in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target, SH.node, SH.qualifiedValueShape):
        if (None, key, None) in shapes:
            raise Unsupported(f"{key} is not translated")
    for shape in sorted(set(shapes.subjects(SH.targetClass)), key=str):
        keys = _keys(shapes, shape, _NODE_KEYS)
        classes = sorted(shapes.objects(shape, SH.targetClass), key=str)
        focus = _focus(classes)
        for prop in shapes.objects(shape, SH.property):
            checks.extend(_property_checks(shapes, prop, focus))
        if SH["or"] in keys:
            members = [_member_ok(shapes, m) for m in _list(shapes, _one(shapes, shape, SH["or"]))]  # type: ignore[arg-type]
            checks.append(
                Check(
                    f"SELECT ?this WHERE {{ {focus} FILTER(!({' || '.join(members)})) }}",
                    _message(shapes, shape),
                    _severity(shapes, shape),
                    None,
                )
            )
        checks.extend(_sparql_check(shapes, c, classes) for c in shapes.objects(shape, SH.sparql))
    return checks


def _fill(template: str, names: tuple[str, ...], solution: ox.QuerySolution) -> str:
    for name in names:
        value = solution[name]
        text = value.value if isinstance(value, ox.NamedNode | ox.Literal) else str(value)
        template = template.replace(f"{{?{name}}}", text).replace(f"{{${name}}}", text)
    return template


def run_checks(store: ox.Store, checks: list[Check], **options: object) -> list[Finding]:
    """Run each check on ``store`` (its default graph, or the dataset ``options`` name)."""
    found: list[Finding] = []
    for check in checks:
        solutions = store.query(_PREFIXES + check.query, **options)  # type: ignore[arg-type]
        assert isinstance(solutions, ox.QuerySolutions)
        for solution in solutions:
            focus = solution["this"]
            if focus is None:
                continue
            message = _fill(check.message, check.template_vars, solution) if check.template_vars else check.message
            found.append(Finding(focus, check.path, message, check.severity))
    return found
