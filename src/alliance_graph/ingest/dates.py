"""Dates in articles, kept with their precision: a day, a month or a year.

Explicit dates ("1 January 2025", "January 1, 2025", "December 2024", "2024") are read as written;
relative ones ("on Wednesday", "yesterday", "last month") are resolved against the article's
publication date with ``dateparser`` (its ``RELATIVE_BASE``), never against today.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(m.title() for m in MONTHS) + r")"
_PATTERNS = [
    ("day", re.compile(_MONTH + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>(?:19|20)\d\d)")),
    ("day", re.compile(r"(?P<day>\d{1,2})\s+" + _MONTH + r",?\s+(?P<year>(?:19|20)\d\d)")),
    ("month", re.compile(r"(?:in\s+)?" + _MONTH + r"\s+(?P<year>(?:19|20)\d\d)")),
    ("year", re.compile(r"\b(?:in|since|from|of)\s+(?P<year>(?:19|20)\d\d)\b")),
]
_RELATIVE = re.compile(
    r"\b(?:on\s+)?(?P<rel>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
    r"|yesterday|today|last month|last year)\b"
)


@dataclass(frozen=True)
class DateValue:
    """A date as precise as its source: ``2024``, ``2024-12`` or ``2024-12-11``."""

    text: str
    precision: str  # "day" | "month" | "year"

    @property
    def earliest(self) -> dt.date:
        parts = [int(p) for p in self.text.split("-")]
        return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)

    @property
    def latest(self) -> dt.date:
        parts = [int(p) for p in self.text.split("-")]
        if len(parts) == 3:
            return dt.date(*parts)
        month = parts[1] if len(parts) > 1 else 12
        return dt.date(parts[0], month, calendar.monthrange(parts[0], month)[1])

    def overlaps(self, earliest: dt.date | None, latest: dt.date | None) -> bool:
        return (latest is None or self.earliest <= latest) and (earliest is None or earliest <= self.latest)


def parse_date_value(text: str) -> DateValue:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (or an ISO date-time, cut to its day)."""
    text = text.strip()[:10]
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        dt.date.fromisoformat(text)
        return DateValue(text, "day")
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return DateValue(text, "month")
    if re.fullmatch(r"\d{4}", text):
        return DateValue(text, "year")
    raise ValueError(f"{text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")


def find_dates(sentence: str, published: dt.date | None) -> list[DateValue]:
    """Every date the sentence states, most precise first; relative ones need ``published``."""
    found: list[DateValue] = []
    taken: list[tuple[int, int]] = []
    for precision, pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            taken.append(match.span())
            year = int(match.group("year"))
            if precision == "year":
                found.append(DateValue(f"{year:04d}", "year"))
                continue
            month = MONTHS.index(match.group("month").lower()) + 1
            if precision == "month":
                found.append(DateValue(f"{year:04d}-{month:02d}", "month"))
            else:
                found.append(DateValue(f"{year:04d}-{month:02d}-{int(match.group('day')):02d}", "day"))
    if published is not None:
        for match in _RELATIVE.finditer(sentence):
            resolved = _relative(match.group("rel"), published)
            if resolved is not None:
                found.append(resolved)
    order = {"day": 0, "month": 1, "year": 2}
    return sorted(found, key=lambda d: order[d.precision])


def _relative(word: str, published: dt.date) -> DateValue | None:
    import dateparser  # heavy; only relative dates need it

    base = dt.datetime.combine(published, dt.time(12))
    settings = {"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}
    if word.lower() in {"today", "yesterday"} or word.istitle():
        parsed = dateparser.parse(word, settings=settings)
        if parsed is None:
            return None
        # A weekday in a report means the most recent such day up to the publication date.
        return DateValue(parsed.date().isoformat(), "day")
    parsed = dateparser.parse(word, settings=settings)
    if parsed is None:
        return None
    if word.endswith("month"):
        return DateValue(f"{parsed.year:04d}-{parsed.month:02d}", "month")
    return DateValue(f"{parsed.year:04d}", "year")
