"""The Jinja templates of the HTML pages, and the filters that make links safe.

Links are made only to the service's own paths (project IRIs) and to ``http``/``https``
addresses; any other IRI (``javascript:``, ``data:``, ``urn:``…) is shown as text.
"""

from __future__ import annotations

from pathlib import Path

from fastapi.templating import Jinja2Templates

from ..namespaces import ID_BASE, local_path, shorten

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))


def href(value: object) -> str | None:
    """Where a link to ``value`` may point: the service path of a project IRI, an http(s) IRI,
    or None (no link)."""
    iri = str(value or "")
    path = local_path(iri)
    if path is not None:
        return path
    return iri if iri.lower().startswith(("http://", "https://")) else None


def is_entity(value: object) -> bool:
    return str(value or "").startswith(ID_BASE)


TEMPLATES.env.filters["short"] = lambda value: shorten(str(value)) if value else ""
TEMPLATES.env.filters["href"] = href
TEMPLATES.env.tests["entity"] = is_entity
