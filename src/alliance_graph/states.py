"""The states of the graph: every ISO 3166-1 entry, from the maintained ``pycountry`` package.

States are never typed by hand in ``data/``; this module is their one origin, so a new ISO code
reaches the graph with a package upgrade.
"""

from __future__ import annotations

import datetime as dt
import gettext
from functools import cache
from importlib.metadata import version

import pycountry
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from .namespaces import AG, PREFIXES

ISO_SOURCE = URIRef(PREFIXES["src"] + "iso-3166-1-pycountry")


#: Languages whose ISO 3166 names pycountry ships (its gettext catalogues), as BCP 47 tags.
NAME_LANGUAGES: dict[str, str] = {
    "ar": "ar", "de": "de", "es": "es", "fa": "fa", "fr": "fr", "hi": "hi", "id": "id", "it": "it",
    "ja": "ja", "ko": "ko", "pl": "pl", "pt": "pt", "ru": "ru", "tr": "tr", "uk": "uk", "zh_CN": "zh",
}  # fmt: skip


@cache
def _catalogue(locale: str) -> gettext.NullTranslations:
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True)


def translated_names(english: str) -> list[tuple[str, str]]:
    """(name, language tag) for every language whose catalogue translates ``english``."""
    found = []
    for locale, tag in NAME_LANGUAGES.items():
        text = _catalogue(locale).gettext(english)
        if text and text != english:
            found.append((text, tag))
    return found


def state_iri(alpha3: str) -> URIRef:
    return URIRef(PREFIXES["state"] + alpha3.upper())


def state_codes() -> list[str]:
    """Every ISO 3166-1 alpha-3 code, sorted: the keys a ``state:`` IRI may have."""
    return sorted(country.alpha_3 for country in pycountry.countries)


def _pycountry_release() -> Literal:
    """pycountry versions are release dates (26.2.16 → 2026-02-16)."""
    year, month, day = (int(part) for part in version("pycountry").split(".")[:3])
    return Literal(dt.date(2000 + year, month, day).isoformat(), datatype=XSD.date)


def states_graph() -> Graph:
    """One ``ag:State`` per ISO 3166-1 entry with its codes and names, sourced to pycountry."""
    graph = Graph()
    graph.add((ISO_SOURCE, RDF.type, AG.Source))
    graph.add((ISO_SOURCE, AG.url, Literal("https://pypi.org/project/pycountry/", datatype=XSD.anyURI)))
    title = f"pycountry {version('pycountry')}: ISO 3166-1 country definitions"
    graph.add((ISO_SOURCE, DCTERMS.title, Literal(title)))
    graph.add((ISO_SOURCE, RDFS.label, Literal(title, lang="en")))
    graph.add((ISO_SOURCE, AG.publisher, Literal("pycountry (from the Debian iso-codes project)")))
    graph.add((ISO_SOURCE, AG.published, _pycountry_release()))
    quote = "ISO country, subdivision, language, currency and script definitions and their translations"
    graph.add((ISO_SOURCE, AG.quote, Literal(quote)))
    for country in pycountry.countries:
        iri = state_iri(country.alpha_3)
        graph.add((iri, RDF.type, AG.State))
        graph.add((iri, RDFS.label, Literal(country.name, lang="en")))
        for attr in ("official_name", "common_name"):
            alt = getattr(country, attr, None)
            if alt and alt != country.name:
                graph.add((iri, SKOS.altLabel, Literal(alt, lang="en")))
        for english in {country.name, getattr(country, "official_name", country.name)}:
            for text, tag in translated_names(english):
                graph.add((iri, SKOS.altLabel, Literal(text, lang=tag)))
        graph.add((iri, AG.isoAlpha2, Literal(country.alpha_2)))
        graph.add((iri, AG.isoAlpha3, Literal(country.alpha_3)))
        graph.add((iri, AG.isoNumeric, Literal(country.numeric)))
        graph.add((iri, PROV.wasDerivedFrom, ISO_SOURCE))
    return graph
