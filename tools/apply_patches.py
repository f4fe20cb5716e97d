"""One-off: apply /work/research/patches.yaml to the records of data/*.yaml (round-trip, comments kept).

Each patch sets keys on an existing record and appends its citations. A key that already holds
another value is reported, not overwritten. A second patch of the same id that sets a different
startDate becomes a new record (the id with the date appended) linked by disagreesWith.
Dates given to the day for summit-based memberships are reduced to the month where the note
says the day is the summit's first day (a membership is not sourced to the day).
"""
import sys
from pathlib import Path
from ruamel.yaml import YAML

DATA = Path(sys.argv[1])
yaml = YAML()
yaml.preserve_quotes = True
yaml.width = 110
patches = YAML(typ="safe").load(Path("/work/research/patches.yaml").read_text())
files = {f: yaml.load(f.read_text()) for f in sorted(DATA.glob("*.yaml")) if f.name != "publishers.yaml"}
where = {}
for f, d in files.items():
    for i, r in enumerate(d.get("records") or []):
        where[r["id"]] = (f, i)
applied = {}
#: Month-precision dates the patches give to the day with several non-aggregator citations (GPAI
#: Tokyo ministerial of 22 November 2022); the others stay at the month their weaker sources allow.
REFINE = {"membership:gpai-arg", "membership:gpai-sen", "membership:gpai-srb", "membership:gpai-tur"}
changed = set()
for p in patches:
    rid = p["id"]
    if rid not in where:
        print("no record", rid); continue
    f, i = where[rid]
    records = files[f]["records"]
    r = records[i]
    sets = {k: v for k, v in p.items() if k not in ("id", "from", "citations", "note")}
    if "startDate" in sets and "first day of the rambouillet summit" in str(p.get("note", "")).lower():
        sets["startDate"] = str(sets["startDate"])[:7]
        p["note"] = "Member since the Rambouillet summit of 15–17 November 1975; the day of joining is not stated, so the month is kept."
    if rid in applied and "startDate" in sets and str(sets["startDate"]) != str(r.get("startDate")):
        new = dict(r)
        new_id = f"{rid}-{str(sets['startDate']).replace('-', '')}"
        new["id"] = new_id
        new.pop("dateUnknown", None)
        new["startDate"] = sets["startDate"]
        new["note"] = p.get("note", "")
        new["citations"] = p.get("citations", [])
        new["disagreesWith"] = rid
        records.insert(i + 1, new)
        where = {}
        for ff, dd in files.items():
            for j, rr in enumerate(dd.get("records") or []):
                where[rr["id"]] = (ff, j)
        changed.add(f)
        print("disagreement record", new_id)
        continue
    for k, v in sets.items():
        if k == "startDate" and r.get("dateUnknown"):
            del r["dateUnknown"]
        if k == "dateUnknown" and r.get("startDate"):
            print("keep date of", rid); continue
        refines = k == "startDate" and str(v).startswith(str(r.get(k))) and rid in REFINE
        if refines:
            print(f"refined {rid}.{k}: {r[k]} -> {v}")
        elif k in r and str(r[k]) != str(v):
            print(f"conflict {rid}.{k}: has {r[k]!r}, patch {v!r} — kept existing"); continue
        r[k] = v
    if p.get("note"):
        old = str(r.get("note", "")).strip()
        if old.startswith("The source names the G7 members but not when each joined"):
            old = ""
        r["note"] = (old + " " + p["note"]).strip()
    seen = {(c["doc"], c["quote"]) for c in r.get("citations", [])}
    for c in p.get("citations", []):
        if (c["doc"], c["quote"]) not in seen:
            r.setdefault("citations", []).append(c)
    applied[rid] = True
    changed.add(f)
for f in changed:
    with f.open("w") as out:
        yaml.dump(files[f], out)
    print("wrote", f.name)
