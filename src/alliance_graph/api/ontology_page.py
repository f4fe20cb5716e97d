"""``/ontology`` inside the site: pyLODE's documentation re-framed, its diagram fitted to the page.

The build writes pyLODE's page (``var/docs/index.html``) as a whole document with its own fixed
table of contents, body padding and a Graphviz diagram thousands of pixels wide, appended after
everything. Served as it is, it has no way back to the site, the diagram runs under the table of
contents and a phone scrolls sideways. So the service takes the page apart once per build: its
content and table of contents go into the site's frame (``templates/ontology.html``), its style is
kept but confined to the documentation (the rules that position the page are dropped; the site's
``static/ontology.css`` lays it out), the diagram moves next to the classes at the width of the
column (the full size is one link away, at ``/ontology/diagram.svg``), and every term is anchored
at its own local name (``/ontology#State``, ``/ontology#partyA``), which is how entity pages link
to the ontology; pyLODE's own anchors (made from labels) are renamed consistently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..namespaces import AG

_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S)
_FIGURE = re.compile(r'<figure id="diagram">.*?</figure>', re.S)
_PYLODE_MARK = re.compile(r'<div id="pylode">.*?</div>', re.S)
_TERM = re.compile(r'<div class="[^"]*\bentity\b[^"]*" id="([^"]+)">.*?<code>([^<]+)</code>', re.S)
_ANCHOR = re.compile(r'(\bid="|\bhref="#)([^"]+)"')
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SVG_SIZE = re.compile(r"(<svg\b[^>]*?)\s(?:width|height)=\"[^\"]*\"")
#: pyLODE rules that place the page itself; the site's stylesheet does that instead.
_DROPPED = ("body", "#toc", "#content", "#pylode", "section")
SCOPE = ".ontology-doc"


@dataclass(frozen=True)
class OntologyPage:
    """The parts of pyLODE's page the frame shows."""

    style: str
    content: str
    toc: str
    diagram: bool


def scope_css(css: str, scope: str = SCOPE) -> str:
    """pyLODE's style confined to ``scope``, without the rules that lay out the whole page.

    >>> scope_css("body { padding: 2em } h1, h2 { color: navy } #toc { position: fixed }")
    '.ontology-doc h1, .ontology-doc h2 { color: navy }'
    """
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    out = []
    for selectors, body in _RULE.findall(css):
        kept = [
            f"{scope} {s.strip()}" for s in selectors.split(",") if s.strip() and not s.strip().startswith(_DROPPED)
        ]
        if kept:
            out.append(f"{', '.join(kept)} {{ {' '.join(body.split())} }}")
    return "\n".join(out)


def anchors(html: str) -> dict[str, str]:
    """pyLODE's anchor of each project term → the term's local name; other anchors that would
    clash with a local name get a suffix."""
    renamed: dict[str, str] = {}
    for old, iri in _TERM.findall(html):
        if iri.startswith(str(AG)) and len(iri) > len(str(AG)):
            renamed[old] = iri[len(str(AG)) :]
    taken = set(renamed.values())
    for old in set(_ANCHOR_IDS.findall(html)) - set(renamed):
        if old in taken:
            renamed[old] = f"{old}-term"
    return renamed


_ANCHOR_IDS = re.compile(r'\bid="([^"]+)"')


def fitted_svg(svg: str) -> str:
    """The diagram's ``<svg>`` element alone, without its fixed width and height (its viewBox
    keeps the proportions, so CSS can fit it to the column)."""
    start, end = svg.find("<svg"), svg.rfind("</svg>")
    if not 0 <= start < end:
        return ""
    svg = svg[start : end + len("</svg>")]
    for _ in range(2):
        svg = _SVG_SIZE.sub(r"\1", svg, count=1)
    return svg


def reframe(html: str) -> OntologyPage:
    """Take pyLODE's page apart (see the module docstring)."""
    style = "\n".join(_STYLE.findall(html))
    found = _BODY.search(html)
    body = found.group(1) if found else html
    figure = _FIGURE.search(body)
    body = _FIGURE.sub("", body)
    body = _PYLODE_MARK.sub("", body, count=1)
    toc = ""
    start, end = body.find('<div id="toc">'), body.rfind("</div>")
    if 0 <= start < end:  # the table of contents is the page's last element
        toc = body[start + len('<div id="toc">') : end]
        body = body[:start] + body[end + len("</div>") :]
    diagram = ""
    if figure:
        svg = fitted_svg(figure.group(0))
        diagram = (
            '<figure id="diagram" class="diagram"><h2>Main classes and properties</h2>'
            '<p class="hint">Fitted to the page; <a href="/ontology/diagram.svg">open it at full size</a> '
            "to zoom. Each box links to its class below.</p>"
            f'<div class="diagram-box">{svg}</div></figure>'
        )
    marker = '<div class="section" id="classes">'
    body = body.replace(marker, diagram + marker, 1) if diagram and marker in body else body + diagram
    renamed = anchors(body)

    def rename(match: re.Match[str]) -> str:
        return f'{match.group(1)}{renamed.get(match.group(2), match.group(2))}"'

    return OntologyPage(
        style=scope_css(style),
        content=_ANCHOR.sub(rename, body),
        toc=_ANCHOR.sub(rename, toc),
        diagram=bool(diagram),
    )


def full_size_svg(svg: str) -> str:
    """The diagram as its own document, its class links pointing into ``/ontology``."""
    return svg.replace('xlink:href="#', 'xlink:href="/ontology#')


class OntologyDocs:
    """pyLODE's page of the current build, re-framed once per file version."""

    def __init__(self, docs_dir: Path) -> None:
        self.docs_dir = docs_dir
        self._cached: tuple[float, OntologyPage] | None = None

    def page(self) -> OntologyPage | None:
        source = self.docs_dir / "index.html"
        try:
            stamp = source.stat().st_mtime
        except OSError:
            return None
        if self._cached is None or self._cached[0] != stamp:
            self._cached = (stamp, reframe(source.read_text(encoding="utf-8")))
        return self._cached[1]

    def diagram(self) -> str | None:
        svg = self.docs_dir / "ontology.svg"
        return full_size_svg(svg.read_text(encoding="utf-8")) if svg.is_file() else None
