"""A fixed, stratified subset of Spider dev, the same for every model measured on CPU.

Spider dev has 1034 questions; 972 have their database here (wta_1 is missing). Decoding all of
them with a 1.5B model on a 2-core CPU takes most of a day, so the real-model figures in the
README use 300 of them, drawn once (seed 0) stratified by Spider hardness (easy / medium / hard /
extra) so each bucket keeps its share. The drawn row indices of dev.json are committed in
`bench/spider_dev300.ids`; this script only re-derives them (`--draw`, to check) and writes the
subset as a Spider-layout folder that `[data] eval_path` can point at:

    python bench/spider_subset.py                       # -> data/spider_dev300/dev.json (+ tables.json, database/)
    python bench/spider_subset.py --draw                # draw again and compare with the committed ids

The folder holds a dev.json with the chosen rows (in dev.json order), and links to the original
tables.json and database/ (nothing is copied; data/ is gitignored).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.sql.hardness import spider_hardness  # noqa: E402

IDS = ROOT / "bench" / "spider_dev300.ids"


def stratified(groups: dict[str, list[int]], n: int, seed: int = 0) -> list[int]:
    """n of the indices in `groups`, each group keeping its share (largest remainder), sorted."""
    total = sum(len(v) for v in groups.values())
    quota = {k: n * len(v) / total for k, v in groups.items()}
    take = {k: int(q) for k, q in quota.items()}
    for k in sorted(quota, key=lambda k: quota[k] - take[k], reverse=True)[: n - sum(take.values())]:
        take[k] += 1
    rng = random.Random(seed)
    return sorted(i for k in sorted(groups) for i in rng.sample(groups[k], take[k]))


def draw(spider: Path, n: int = 300, seed: int = 0) -> list[int]:
    """n row indices of dev.json whose database exists, stratified by hardness."""
    rows = json.loads((spider / "dev.json").read_text())
    by_level: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        if (spider / "database" / row["db_id"] / f"{row['db_id']}.sqlite").exists():
            by_level[spider_hardness(row.get("sql") or row["query"])].append(i)
    return stratified(by_level, n, seed)


def write(spider: Path, ids: list[int], out: Path) -> Path:
    rows = json.loads((spider / "dev.json").read_text())
    out.mkdir(parents=True, exist_ok=True)
    (out / "dev.json").write_text(json.dumps([rows[i] for i in ids], indent=1))
    for name in ("tables.json", "database"):
        link = out / name
        if not link.exists():
            link.symlink_to((spider / name).resolve())
    return out / "dev.json"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spider", type=Path, default=ROOT.parent / "shared" / "data" / "spider")
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "spider_dev300")
    ap.add_argument("--draw", action="store_true", help="draw the subset again and compare with the committed ids")
    args = ap.parse_args(argv)
    if not (args.spider / "dev.json").exists():
        raise SystemExit(f"{args.spider}/dev.json not found: pass --spider DIR (Spider with dev.json, tables.json, database/)")
    if args.draw or not IDS.exists():
        ids = draw(args.spider)
        if IDS.exists():
            committed = [int(x) for x in IDS.read_text().split()]
            print("same as the committed ids" if committed == ids else "DIFFERENT from the committed ids")
        else:
            IDS.write_text("\n".join(map(str, ids)) + "\n")
            print(f"wrote {IDS} ({len(ids)} ids)")
    ids = [int(x) for x in IDS.read_text().split()]
    print(write(args.spider, ids, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
