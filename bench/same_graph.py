"""Did a change to the build change the graph? Canonical N-Quads of a built store, compared.

python -m bench.same_graph dump STORE_DIR OUT.nq   → the store's quads, blank nodes canonicalised,
                                                     sorted, without the build's creation time
python -m bench.same_graph diff A.nq B.nq          → exit 1 and the first differences if unequal

The build's ``dct:created`` is the only quad that differs from one run to the next; everything else
(every triple of every named graph) must be equal before and after a performance change.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox

CREATED = ox.NamedNode("http://purl.org/dc/terms/created")


def canonical_nquads(store_dir: Path) -> list[str]:
    """Every quad of the store at ``store_dir`` as a sorted N-Quads line, blank nodes canonical."""
    store = ox.Store.read_only(str(store_dir))
    dataset = ox.Dataset(q for q in store if q.predicate != CREATED)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return sorted(f"{q} ." for q in dataset)


def main(argv: list[str]) -> int:
    if argv[:1] == ["dump"] and len(argv) == 3:
        lines = canonical_nquads(Path(argv[1]))
        Path(argv[2]).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{len(lines)} quads")
        return 0
    if argv[:1] == ["diff"] and len(argv) == 3:
        a = set(Path(argv[1]).read_text(encoding="utf-8").splitlines())
        b = set(Path(argv[2]).read_text(encoding="utf-8").splitlines())
        if a == b:
            print(f"same graph: {len(a)} quads")
            return 0
        for line in sorted(a - b)[:10]:
            print("- " + line)
        for line in sorted(b - a)[:10]:
            print("+ " + line)
        print(f"differ: {len(a - b)} quads only in the first, {len(b - a)} only in the second")
        return 1
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
