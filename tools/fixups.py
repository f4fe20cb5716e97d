"""One-off fixes after convert.py: ranking entries dated by their edition, records nothing can hold."""
import sys
from pathlib import Path
from ruamel.yaml import YAML
DATA = Path(sys.argv[1])
yaml = YAML(); yaml.width = 110
path = DATA / "institutions-rankings.yaml"
d = yaml.load(path.read_text())
indexes = {}
for f in DATA.glob("*.yaml"):
    for r in (YAML(typ="safe").load(f.read_text()) or {}).get("records") or []:
        if r.get("a") == "RankingIndex":
            indexes[r["id"]] = r
kept = []
for r in d["records"]:
    if r.get("a") == "RankingEntry":
        if "rank" not in r:
            print("dropped (score only, no rank):", r["id"]); continue
        if not any(k in r for k in ("startDate", "announcedDate", "dateUnknown")):
            edition = indexes.get(r["inIndex"], {})
            date = edition.get("startDate") or edition.get("announcedDate")
            if date:
                r["startDate"] = date
                r["note"] = (str(r.get("note", "")) + " startDate is the edition's publication date.").strip()
            else:
                r["dateUnknown"] = True
    kept.append(r)
d["records"] = kept
yaml.dump(d, path.open("w"))
path = DATA / "multilateral.yaml"
d = yaml.load(path.read_text())
d["records"] = [r for r in d["records"] if "xkx" not in r["id"]]
yaml.dump(d, path.open("w"))
print("dropped Kosovo's endorsement (no ISO 3166-1 code in pycountry)")
