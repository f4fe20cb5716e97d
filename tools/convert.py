"""One-off: research files (format v2 + patches) -> data/ files of the project, deduplicated.

- a document whose URL already has a document (in data/ or an earlier research file) is dropped
  and citations are pointed at the existing key;
- citation-level notes are folded into the record's note;
- an id defined in two research files is merged (first definition kept, citations and altLabels
  unioned, notes joined).
Patches are written to /work/research/patches.yaml for a later step.
"""
import sys, yaml, glob, os
from pathlib import Path

DATA = Path(sys.argv[1])
AREAS = [  # research area -> data file stem
    ("cn-bilateral", "cooperation-china"),
    ("west-bilateral", "cooperation-others"),
    ("restrictions", "restrictions"),
    ("multilateral", "multilateral"),
    ("institutions-rankings", "institutions-rankings"),
    ("names", "names"),
]
OUT_OF_SCOPE = {f"{stem}.yaml" for _, stem in AREAS}

url_key = {}
existing_ids = set()
for f in sorted(DATA.glob("*.yaml")):
    if f.name in OUT_OF_SCOPE or f.name == "publishers.yaml":
        continue
    d = yaml.safe_load(f.read_text()) or {}
    for k, doc in (d.get("documents") or {}).items():
        url_key[doc["url"]] = k
    for r in d.get("records") or []:
        existing_ids.add(r["id"])

outputs = {}
defined = {}  # id -> record (first)
patches = []
for area, stem in AREAS:
    path = Path(f"/work/research/{area}.yaml")
    if not path.exists():
        print("missing", path); continue
    d = yaml.safe_load(path.read_text())
    rename = {}
    docs = {}
    for k, doc in (d.get("documents") or {}).items():
        if doc["url"] in url_key:
            rename[k] = url_key[doc["url"]]
        else:
            url_key[doc["url"]] = k
            docs[k] = doc
    records = []
    for r in d.get("records") or []:
        notes = []
        for c in r.get("citations") or []:
            c["doc"] = rename.get(c["doc"], c["doc"])
            n = c.pop("note", None)
            if n:
                notes.append(f"[{c['doc']}] {n}")
        if notes:
            r["note"] = (r.get("note", "").rstrip() + " " + " ".join(notes)).strip()
        if r["id"] in existing_ids:
            print(f"{area}: {r['id']} exists in data/: treated as a patch (citations)")
            patches.append({"id": r["id"], "citations": r.get("citations", []), "from": area})
            continue
        if r["id"] in defined:
            first = defined[r["id"]]
            seen = {(c["doc"], c["quote"]) for c in first.get("citations", [])}
            first.setdefault("citations", []).extend(c for c in r.get("citations", []) if (c["doc"], c["quote"]) not in seen)
            for key in ("altLabel",):
                if key in r:
                    vals = first.get(key, [])
                    vals = vals if isinstance(vals, list) else [vals]
                    new = r[key] if isinstance(r[key], list) else [r[key]]
                    first[key] = vals + [v for v in new if v not in vals]
            if r.get("note"):
                first["note"] = (first.get("note", "") + " " + r["note"]).strip()
            print(f"{area}: merged duplicate {r['id']}")
            continue
        defined[r["id"]] = r
        records.append(r)
    for p in d.get("patches") or []:
        for c in p.get("citations") or []:
            c["doc"] = rename.get(c["doc"], c["doc"])
        p["from"] = area
        patches.append(p)
    outputs[stem] = {"documents": docs, "records": records}

for stem, content in outputs.items():
    header = f"# Sourced facts ({stem}), collected 2026-12-01 from stored public pages; every record cites what it rests on.\n"
    text = yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=110)
    (DATA / f"{stem}.yaml").write_text(header + text)
    print(stem, len(content["documents"]), "documents", len(content["records"]), "records")
Path("/work/research/patches.yaml").write_text(yaml.safe_dump(patches, allow_unicode=True, sort_keys=False, width=110))
print(len(patches), "patches")
