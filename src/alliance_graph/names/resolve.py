"""Names where a named question expects an IRI: "China" for ``state:CHN``, "Сбербанк" for
``inst:sberbank``.

A value that is already an IRI or a prefixed name is left alone. Any other value is looked up in
the name index, narrowed to the parameter's class: a sure, clearly leading match resolves (and the
answer says how), an ambiguous or unknown name is a ``ParameterError`` that lists the candidates
with their scores, so that the caller answers 422 (API) or exit code 2 (CLI).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..namespaces import shorten
from ..queries import NamedQuery, ParameterError
from .index import NameIndex

#: The search kind that a parameter's class narrows names to (None: any kind).
KIND_OF_CLASS = {"ag:State": "State", "ag:Institution": "Institution", "ag:Grouping": "Grouping",
                 "ag:Person": "Person", "ag:Technology": "Technology"}  # fmt: skip


def needs_index(query: NamedQuery, values: Mapping[str, Any]) -> bool:
    """Whether any IRI parameter was given a name rather than an IRI (so the index is needed)."""
    return any(_is_name(values.get(p.name)) for p in query.parameters if p.type == "iri")


def _is_name(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and ":" not in value


def resolve_names(
    query: NamedQuery, values: Mapping[str, Any], index: NameIndex
) -> tuple[dict[str, Any], list[str]]:
    """``values`` with every name of an IRI parameter replaced by its entity, and one line per
    resolution saying how it was made."""
    resolved = dict(values)
    notes: list[str] = []
    for param in query.parameters:
        value = values.get(param.name)
        if param.type != "iri" or not _is_name(value):
            continue
        found = index.resolve(str(value), kind=KIND_OF_CLASS.get(param.cls or ""))
        if found.status != "resolved":
            raise ParameterError(param.name, found.message())
        resolved[param.name] = shorten(found.match.entity.iri)
        notes.append(f"{param.name}: {found.message()}")
    return resolved, notes
