"""One-off migration of data/*.yaml from format v1 (sources:) to format v2 (documents: + citations:).

Run once from the project root: ``python tools/migrate_format_v2.py``. It groups the old
(page, quote) source blocks by URL into documents, turns each record's ``sources:`` into
``citations:`` carrying the quotes, writes ``data/publishers.yaml`` (one node per outlet, with the
old spellings as aliases) and assigns each document a reliability tier from its publisher.
Kept for review of the migration; it is not part of the package.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from alliance_graph.compile import _DataLoader, slug

DATA = Path(__file__).resolve().parents[1] / "data"

GOV, ORGN, WIRE, NEWS, LAW, NGO, MIRROR, BCAST = (
    "government",
    "organisation",
    "wire service",
    "newspaper or news site",
    "law firm",
    "think tank, NGO or blog",
    "mirror or reprint site",
    "broadcaster",
)
# old publisher string -> (outlet name, kind, tier). Anything not listed: (itself, news site, press).
P: dict[str, tuple[str, str, str]] = {}


def put(names: list[str], name: str, kind: str, tier: str) -> None:
    for old in names:
        P[old] = (name, kind, tier)


put(
    [
        "Reuters",
        "Business Recorder (Reuters)",
        "BusinessLIVE (Reuters)",
        "Daily8 (Reuters)",
        "Media Selangor (Reuters)",
        "Reuters (syndicated copy)",
        "Reuters (via National Post)",
        "UOL (Reuters)",
        "bdnews24.com (Reuters)",
    ],
    "Reuters",
    WIRE,
    "wire",
)
put(["AFP (via Teller Report)", "Daily Sabah (AFP)", "The Sydney Morning Herald (AFP)"], "AFP", WIRE, "wire")
put(
    ["Associated Press (via Arkansas Democrat-Gazette)", "Associated Press (via Local News 8)"],
    "Associated Press",
    WIRE,
    "wire",
)
put(
    [
        "China Daily (Xinhua)",
        "People's Daily Online (Xinhua)",
        "Xinhua (via People's Daily Online)",
        "Xinhua (via dzwww.com)",
    ],
    "Xinhua",
    WIRE,
    "wire",
)
put(["Sputnik", "Sputnik (via UrduPoint)", "UrduPoint News / Sputnik", "Sputnik Mundo"], "Sputnik", WIRE, "wire")
put(["Jiji Press (via Nippon.com)", "Jiji Press (via nippon.com)"], "Jiji Press", WIRE, "wire")
put(["The Korea Herald (Yonhap)"], "Yonhap", WIRE, "wire")
put(["Ethiopian News Agency (via allAfrica)"], "Ethiopian News Agency", WIRE, "wire")
put(["China News Service (ECNS)"], "China News Service", WIRE, "wire")
put(["Bernama (Sputnik/RIA Novosti)"], "Bernama", WIRE, "wire")
put(["Tasnim News Agency (citing TASS)"], "Tasnim News Agency", WIRE, "wire")
for wire in [
    "TASS",
    "RIA Novosti",
    "EFE",
    "Anadolu Agency",
    "Interfax-Ukraine",
    "Mehr News Agency",
    "UNN (Ukrainian National News)",
]:
    put([wire], wire, WIRE, "wire")
# aggregators: mirrors, reprint and press-release sites
put(["MENAFN", "IANS (via MENAFN)"], "MENAFN", MIRROR, "aggregator")
put(["LatestLY (PTI)"], "LatestLY", MIRROR, "aggregator")
put(["EIN Presswire"], "EIN Presswire", MIRROR, "aggregator")
put(
    ["AI Analytics (Federal Register metadata, 87 FR 12226)", "AI Analytics (Federal Register metadata, 87 FR 62186)"],
    "AI Analytics",
    MIRROR,
    "aggregator",
)
put(["Xinhua (as republished by sushuapos.com)"], "sushuapos.com", MIRROR, "aggregator")
put(["The Indian Subcontinent (republishing Xinhua)"], "The Indian Subcontinent", MIRROR, "aggregator")
put(["Tjarbna (republishing RT)"], "Tjarbna", MIRROR, "aggregator")
put(
    ["United States Mission to the UN (joint statement of 14 March 2024, as republished by news.myworldfix.com)"],
    "news.myworldfix.com",
    MIRROR,
    "aggregator",
)
put(
    ["United States Mission to the UN (remarks of 21 March 2024, as republished by America Times)"],
    "America Times",
    MIRROR,
    "aggregator",
)
put(
    [
        "OECD (press release, Paris, 3 July 2024, as republished by IEU Monitoring)",
        "IEU Monitoring (reproducing a Government of the Netherlands press release)",
    ],
    "IEU Monitoring",
    MIRROR,
    "aggregator",
)
put(["AIhub (republishing the OECD press release)"], "AIhub", MIRROR, "aggregator")
put(["Mirage News (republishing a Government of Canada release)"], "Mirage News", MIRROR, "aggregator")
put(
    ["Justia (Federal Register text, 88 FR 73424)", "Justia (Federal Register text, 89 FR 96790)"],
    "Justia",
    MIRROR,
    "aggregator",
)
put(["FederalStateLaw (Federal Register text, FR Doc 2023-23055)"], "FederalStateLaw", MIRROR, "aggregator")
put(["FR Tracker (Federal Register data, FR Doc 2025-00636)"], "FR Tracker", MIRROR, "aggregator")
put(
    ["Ministry of Foreign Affairs of the Russian Federation (via GlobalSecurity.org)"],
    "GlobalSecurity.org",
    MIRROR,
    "aggregator",
)
put(["information.bz (reporting a Chinese MFA press conference)"], "information.bz", MIRROR, "aggregator")
put(["News 3rd-in (press release digest)"], "News 3rd-in", MIRROR, "aggregator")
put(["Quick Break News (citing Reuters, AFP and The Guardian)"], "Quick Break News", MIRROR, "aggregator")
for agg in ["Head Topics Philippines", "ExBulletin", "thecekodok.com", "Tr.im"]:
    put([agg], agg, MIRROR, "aggregator")
# official: governments, the organisations themselves, legal texts
put(
    [
        "Shanghai Municipal People's Government (arabic.shanghai.gov.cn)",
        "Shanghai Municipal People's Government (portuguese.shanghai.gov.cn)",
    ],
    "Shanghai Municipal People's Government",
    GOV,
    "official",
)
put(
    ["Ministry of Foreign Affairs of the People's Republic of China (via Chinese Embassy in Belgium)"],
    "Ministry of Foreign Affairs of the People's Republic of China",
    GOV,
    "official",
)
put(
    ["Houses of the Oireachtas (written answer of the Minister for Enterprise, Trade and Employment)"],
    "Houses of the Oireachtas",
    GOV,
    "official",
)
put(["OECD.AI Policy Observatory (OECD)"], "OECD", ORGN, "official")
put(
    ["BRICS Brasil 2025 (Brazilian BRICS Presidency)"],
    "BRICS Brasil 2025 (Brazilian BRICS Presidency)",
    GOV,
    "official",
)
for gov in [
    "Agesic, Government of Uruguay",
    "Bureau of Industry and Security, U.S. Department of Commerce",
    "Danish Business Authority (Erhvervsstyrelsen)",
    "Federal Register (U.S. Government Publishing Office)",
    "French Embassy in the United Kingdom",
    "French Ministry for Europe and Foreign Affairs",
    "Government of the Netherlands",
    "House of Commons Library",
    "Ministry of Foreign Affairs of Japan",
    "Ministry of Foreign Affairs of the Czech Republic",
    "Ministry of Internal Affairs and Communications of Japan",
    "National Information Society Agency (NIA), Republic of Korea",
    "Office of Foreign Assets Control, U.S. Department of the Treasury",
    "President of Russia (Kremlin)",
    "U.S. Department of the Treasury",
    "UK Government (GOV.UK)",
    "legislation.gov.uk (The National Archives)",
    "U.S. Government Accountability Office",
    "JETRO",
    "Brand South Africa",
]:
    put([gov], gov, GOV, "official")
for org in [
    "European Commission (Shaping Europe's digital future)",
    "Global Partnership on Artificial Intelligence (GPAI)",
    "Official Journal of the European Union (EUR-Lex)",
    "Parliamentary Assembly of the Mediterranean (PAM)",
]:
    put([org], org, ORGN, "official")
put(["U.S. Embassy Tokyo, Japan Media Highlights (translation of Nikkei)"], "U.S. Embassy Tokyo", GOV, "press")
put(["Covington & Burling", "Covington & Burling (Inside Tech Media)"], "Covington & Burling", LAW, "other")
put(["Baker McKenzie (Global Compliance News)"], "Baker McKenzie", LAW, "other")
put(["Willkie Farr & Gallagher (Compliance Concourse)"], "Willkie Farr & Gallagher", LAW, "other")
for law in [
    "Akin Gump Strauss Hauer & Feld",
    "Angelo Law",
    "Arendt & Medernach",
    "Bird & Bird",
    "Cassidy Levy Kent",
    "Cleary Gottlieb",
    "Hogan Lovells",
    "Hughes Hubbard & Reed",
    "Kneppelhout & Korthals",
    "Locke Lord LLP",
    "Morgan Lewis",
    "Mondaq",
    "The National Law Review",
    "Nicola Bernard",
]:
    put([law], law, LAW, "other")
put(
    ["Digital Watch Observatory", "Digital Watch Observatory (Geneva Internet Platform)"],
    "Digital Watch Observatory",
    NGO,
    "other",
)
put(["Em Dia com a Tecnologia (blog, Thiago Ferraz)"], "Em Dia com a Tecnologia", NGO, "other")
put(["India Today (impact feature)"], "India Today", NEWS, "other")
for ngo in [
    "American National Standards Institute (ANSI)",
    "Institute of Export & International Trade",
    "JournalismAI",
    "Public First",
    "RUSSOFT",
    "Sustainable Japan",
    "RedCensor",
    "The Princ",
    "Link4Din",
]:
    put([ngo], ngo, NGO, "other")
put(["Euronews (with AP)"], "Euronews", BCAST, "press")
put(["News.az (citing TASS and Bloomberg)"], "News.az", NEWS, "press")
put(["The Independent (Uganda), citing TASS"], "The Independent (Uganda)", NEWS, "press")
for b in ["Press TV", "RTP", "TRT World", "TVC News", "teleSUR"]:
    put([b], b, BCAST, "press")


def outlet(old: str) -> tuple[str, str, str]:
    return P.get(old, (old, NEWS, "press"))


def common_key(keys: list[str]) -> str:
    if len(keys) == 1:
        return keys[0]
    parts = [k.split("-") for k in keys]
    prefix = []
    for words in zip(*parts, strict=False):
        if len(set(words)) != 1:
            break
        prefix.append(words[0])
    key = "-".join(prefix)
    return key if len(key) >= 12 else keys[0]


def strip_file(key: str) -> str:
    return key.split("--", 1)[1] if "--" in key else key


class Dumper(yaml.SafeDumper):
    """Dates stay plain (YYYY-MM-DD, YYYY-MM; a year is written as a number), as contributors write them."""


Dumper.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeDumper.yaml_implicit_resolvers.items()
}
DATE_KEYS = {"published", "retrieved", "startDate", "endDate", "announcedDate", "signedDate"}


def _date_value(key: str, value: object) -> object:
    if key in DATE_KEYS and isinstance(value, str) and re.fullmatch(r"\d{4}", value):
        return int(value)
    return value


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value or (len(value) > 100 and " " in value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


Dumper.add_representer(str, _str)


class Flow(list):  # a list written inline
    pass


Dumper.add_representer(Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))


def main() -> None:
    files = sorted(p for p in DATA.glob("*.yaml") if p.name != "publishers.yaml")
    loaded = {p: yaml.load(p.read_text(encoding="utf-8"), Loader=_DataLoader) for p in files}
    by_url: dict[str, list[tuple[Path, str, dict]]] = {}
    for path, content in loaded.items():
        for key, src in (content.get("sources") or {}).items():
            by_url.setdefault(src["url"], []).append((path, key, src))
    doc_of_source: dict[str, str] = {}
    documents: dict[Path, dict[str, dict]] = {p: {} for p in files}
    used: set[str] = set()
    publishers: dict[str, dict] = {}
    for url, blocks in by_url.items():
        key = common_key([strip_file(k) for _p, k, _s in blocks])
        base, n = key, 2
        while key in used:
            key, n = f"{base}-{n}", n + 1
        used.add(key)
        first = blocks[0][2]
        for _p, k, src in blocks:
            doc_of_source[k] = key
            for field in ("title", "publisher", "published"):
                if src.get(field) != first.get(field):
                    print(f"note: {url}: {field} differs: {first.get(field)!r} / {src.get(field)!r}", file=sys.stderr)
        name, kind, tier = outlet(str(first["publisher"]))
        pkey = slug(name)
        entry = publishers.setdefault(pkey, {"name": name, "aliases": [], "kind": kind, "tier": tier})
        for _p, _k, src in blocks:
            if src["publisher"] != name and src["publisher"] not in entry["aliases"]:
                entry["aliases"].append(src["publisher"])
        doc = {"url": url, "title": first["title"], "publisher": name, "tier": tier}
        if "published" in first:
            doc["published"] = _date_value("published", str(first["published"]))
        doc["retrieved"] = _date_value("retrieved", str(first["retrieved"]))
        documents[blocks[0][0]][key] = doc
    quotes = {
        k: " ".join(str(s["quote"]).split()) for c in loaded.values() for k, s in (c.get("sources") or {}).items()
    }
    for path, content in loaded.items():
        records = []
        for record in content.get("records") or []:
            new = {}
            for key, value in record.items():
                if key == "sources":
                    new["citations"] = [
                        {"doc": doc_of_source[s], "quote": quotes[s]}
                        for s in (value if isinstance(value, list) else [value])
                    ]
                elif key in DATE_KEYS:
                    new[key] = _date_value(key, value)
                else:
                    new[key] = (
                        Flow(value)
                        if isinstance(value, list) and all(isinstance(v, str) and len(v) < 40 for v in value)
                        else value
                    )
            records.append(new)
        header = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or not line.strip():
                header.append(line)
            else:
                break
        body = {}
        if documents[path]:
            body["documents"] = documents[path]
        body["records"] = records
        text = yaml.dump(body, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=110, indent=2)
        text = text.replace("\n- id:", "\n\n- id:").replace("\nrecords:\n\n", "\nrecords:\n")
        path.write_text("\n".join(header).rstrip() + "\n\n" + text, encoding="utf-8")
    pubs = {k: {kk: vv for kk, vv in v.items() if vv} for k, v in sorted(publishers.items())}
    (DATA / "publishers.yaml").write_text(
        "# Publishers (outlets), one node each: a document's `publisher:` resolves through name and aliases.\n"
        "# tier is the default reliability tier of the outlet's documents.\n\n"
        + yaml.dump({"publishers": pubs}, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=110),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
