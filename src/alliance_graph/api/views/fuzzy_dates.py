"""Dates as precise as their sources, for the views that draw them (the timeline and the map).

A start given only as ``2011`` (``xsd:gYear``) or ``2006-09`` (``xsd:gYearMonth``) is not a day:
it is a span of days any of which may be the one. The views draw that span as uncertain and
print the date as the source gives it, so ``2011`` never becomes ``2011-12-31``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from rdflib import Literal
from rdflib.namespace import XSD
from rdflib.term import Node

PRECISIONS = {XSD.gYear: "year", XSD.gYearMonth: "month"}


@dataclass(frozen=True)
class FuzzyDate:
    """A date as the source gives it (``text``) and the first and last day it can be."""

    text: str
    precision: str
    earliest: dt.date
    latest: dt.date

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "precision": self.precision,
            "earliest": self.earliest.isoformat(),
            "latest": self.latest.isoformat(),
        }


def fuzzy(term: Node | None) -> FuzzyDate | None:
    """The span of a date literal; None for no value or one that is not a date.

    >>> fuzzy(Literal("2011", datatype=XSD.gYear)).latest
    datetime.date(2011, 12, 31)
    >>> fuzzy(Literal("2024-02", datatype=XSD.gYearMonth)).latest
    datetime.date(2024, 2, 29)
    >>> fuzzy(Literal("2024-12-11", datatype=XSD.date)).precision
    'day'
    """
    if not isinstance(term, Literal):
        return None
    text = str(term)
    precision = PRECISIONS.get(term.datatype, "day") if term.datatype else "day"
    try:
        year = int(text[:4])
        if precision == "year":
            return FuzzyDate(text[:4], precision, dt.date(year, 1, 1), dt.date(year, 12, 31))
        month = int(text[5:7])
        if precision == "month":
            last = calendar.monthrange(year, month)[1]
            return FuzzyDate(text[:7], precision, dt.date(year, month, 1), dt.date(year, month, last))
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
    return FuzzyDate(text[:10], "day", day, day)


def day_of(term: Node | None) -> dt.date | None:
    """A derived ``xsd:date`` (``validFrom``, ``knownBy``) as a day."""
    found = fuzzy(term)
    return found.earliest if found else None
