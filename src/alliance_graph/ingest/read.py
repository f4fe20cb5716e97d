"""Read an article from an HTML or text file: its text, title, publisher, date and address.

HTML goes through ``trafilatura`` (article text and metadata) with ``htmldate`` for the date; a
text file may start with ``Key: value`` header lines (Title, Publisher, Published, URL, Language)
and a blank line. No network is used: a URL is only the document's identity.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .dates import DateValue, parse_date_value

HEADER = re.compile(r"^(title|publisher|published|url|language|tier):\s*(.*)$", re.IGNORECASE)
_ENGLISH = frozenset({"the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "by", "was", "has"})


class IngestError(ValueError):
    """An article that cannot be read; the message says why in one line."""


@dataclass(frozen=True)
class Article:
    path: Path
    text: str
    title: str
    publisher: str
    published: DateValue | None
    url: str
    language: str
    tier: str | None = None

    @property
    def published_day(self) -> dt.date | None:
        return self.published.earliest if self.published else None


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    if not raw.strip():
        raise IngestError(f"{path.name}: the file is empty")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{path.name}: not UTF-8 (byte {exc.start} is {raw[exc.start]:#04x}); save the article as UTF-8"
        ) from None


def _looks_english(text: str) -> bool:
    words = re.findall(r"[A-Za-z]+", text.lower())
    if len(words) < 0.5 * len(text.split()):
        return False
    return sum(word in _ENGLISH for word in words) >= max(3, len(words) // 20)


def read_article(path: Path) -> Article:
    """The article in ``path``; ``IngestError`` for empty, undecodable, unreadable or non-English files."""
    text = _decode(path)
    article = _read_html(path, text) if path.suffix.lower() in {".html", ".htm"} else _read_text(path, text)
    if len(article.text.split()) < 20:
        raise IngestError(f"{path.name}: no article text found (fewer than 20 words)")
    if not _looks_english(article.text):
        raise IngestError(f"{path.name}: the article does not look English; only English articles are read")
    return article


def _read_text(path: Path, text: str) -> Article:
    meta: dict[str, str] = {}
    lines = text.splitlines()
    body_start = 0
    for number, line in enumerate(lines):
        match = HEADER.match(line.strip())
        if match:
            meta[match.group(1).lower()] = match.group(2).strip()
            continue
        if not line.strip() and meta:
            body_start = number + 1
        break
    body = "\n".join(lines[body_start:]).strip()
    return Article(
        path=path,
        text=body,
        title=meta.get("title") or path.stem.replace("-", " "),
        publisher=meta.get("publisher", ""),
        published=parse_date_value(meta["published"]) if meta.get("published") else None,
        url=meta.get("url") or path.resolve().as_uri(),
        language=meta.get("language", "en"),
        tier=meta.get("tier"),
    )


def _read_html(path: Path, html: str) -> Article:
    import trafilatura  # heavy; only HTML needs it
    from htmldate import find_date

    extracted = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if extracted is None:
        raise IngestError(f"{path.name}: no article text found in the HTML")
    document: dict[str, Any] = extracted if isinstance(extracted, dict) else extracted.as_dict()
    if not document.get("text"):
        raise IngestError(f"{path.name}: no article text found in the HTML")
    found = document.get("date") or find_date(html, extensive_search=False, outputformat="%Y-%m-%d")
    return Article(
        path=path,
        text=str(document["text"]),
        title=str(document.get("title") or path.stem),
        publisher=str(document.get("sitename") or ""),
        published=parse_date_value(str(found)) if found else None,
        url=str(document.get("url") or path.resolve().as_uri()),
        language=str(document.get("language") or "en"),
    )
