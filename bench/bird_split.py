"""BIRD dev split by database into a training part and a held-out evaluation subset, for the
CPU validity measurement (no BIRD databases are available here; the schema is dev_tables.json).

BIRD's train set (and every database) is not in ../shared/data, only its dev questions (1534
over 11 databases). To fine-tune on BIRD and measure on questions about databases the model has
not seen, as BIRD's own train / dev split does, the 11 dev databases are split once: the
questions of EVAL_DBS are the evaluation pool, the other 7 databases' questions the training
pool. 200 evaluation questions are drawn (seed 0) stratified by BIRD difficulty; their row
indices in dev.json are committed in `bench/bird_eval200.ids`.

    python bench/bird_split.py            # -> data/bird_split/{train.json, eval.json, dev_tables.json}
    python bench/bird_split.py --draw     # draw again and compare with the committed ids
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.spider_subset import stratified  # noqa: E402

IDS = ROOT / "bench" / "bird_eval200.ids"
EVAL_DBS = ("california_schools", "debit_card_specializing", "financial", "superhero")  # 388 questions


def draw(rows: list[dict], n: int = 200, seed: int = 0) -> list[int]:
    """n indices of EVAL_DBS questions, stratified by difficulty."""
    by_level: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        if row["db_id"] in EVAL_DBS:
            by_level[row["difficulty"]].append(i)
    return stratified(by_level, n, seed)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bird", type=Path, default=ROOT.parent / "shared" / "data" / "bird_dev")
    ap.add_argument("--out", type=Path, default=ROOT / "data" / "bird_split")
    ap.add_argument("--draw", action="store_true", help="draw the subset again and compare with the committed ids")
    args = ap.parse_args(argv)
    if not (args.bird / "dev.json").exists():
        raise SystemExit(f"{args.bird}/dev.json not found: pass --bird DIR (BIRD dev with dev.json, dev_tables.json)")
    rows = json.loads((args.bird / "dev.json").read_text())
    if args.draw or not IDS.exists():
        ids = draw(rows)
        if IDS.exists():
            print("same as the committed ids" if [int(x) for x in IDS.read_text().split()] == ids
                  else "DIFFERENT from the committed ids")
        else:
            IDS.write_text("\n".join(map(str, ids)) + "\n")
            print(f"wrote {IDS} ({len(ids)} ids)")
    ids = [int(x) for x in IDS.read_text().split()]
    args.out.mkdir(parents=True, exist_ok=True)
    train = [r for r in rows if r["db_id"] not in EVAL_DBS]
    (args.out / "train.json").write_text(json.dumps(train, indent=1))
    (args.out / "eval.json").write_text(json.dumps([rows[i] for i in ids], indent=1))
    link = args.out / "dev_tables.json"
    if not link.exists():
        link.symlink_to((args.bird / "dev_tables.json").resolve())
    print(f"{args.out}: train.json {len(train)} questions ({11 - len(EVAL_DBS)} databases), "
          f"eval.json {len(ids)} ({', '.join(EVAL_DBS)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
