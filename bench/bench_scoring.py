"""Benchmark: scoring Spider dev gold against itself, ours vs the official evaluator.

    python bench/bench_scoring.py [--data ../shared/data/spider] [--workers N]
                                  [--official DIR] [--out runs/bench_scoring.json]

Times ``engine.sql.scoring.score_predictions`` (execution match with Spider semantics, validity,
hallucination, exact/token match, hardness) on the dev examples that have a database, and,
when ``--official DIR`` points to a folder holding test-suite-sql-eval's ``exec_eval.py`` and
``parse.py`` (with sqlparse importable; the official code is not part of this repository),
times its ``eval_exec_match`` on the same pairs, single process as it runs. That is the
execution part of the official ``evaluation.py --etype exec`` only (it also parses each query
with process_sql), so the official figure is a lower bound of the official run time.

With ``--official`` it also checks agreement example by example on perturbed predictions
(gold, another gold on the same database, ORDER BY direction flipped, DISTINCT toggled,
LIMIT dropped, select columns reversed): ours and the official exec match must agree.
The official code opens databases read-write, so it runs on a temporary copy.

Prints a table and writes JSON with the machine and the command.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlglot  # noqa: E402
from sqlglot import exp  # noqa: E402

from engine.sql.scoring import score_predictions  # noqa: E402


def perturbations(examples: list[dict]) -> list[tuple[int, str]]:
    """(example index, predicted SQL) pairs: simple edits of the gold that sometimes keep and
    sometimes change the result, to compare verdicts with the official evaluator."""
    out = []
    last_on_db: dict[str, str] = {}
    for i, ex in enumerate(examples):
        g = ex["query"]
        out.append((i, g))
        if ex["db_id"] in last_on_db:
            out.append((i, last_on_db[ex["db_id"]]))
        last_on_db[ex["db_id"]] = g
        if re.search(r"\bdesc\b", g, re.I):
            out.append((i, re.sub(r"\bdesc\b", "ASC", g, flags=re.I)))
        elif re.search(r"order by", g, re.I):
            out.append((i, re.sub(r"(order by [^;]*?)(\s+limit|\s*$)", r"\1 DESC\2", g, count=1, flags=re.I)))
        if re.search(r"\bdistinct\b", g, re.I):
            out.append((i, re.sub(r"\bdistinct\b", "", g, flags=re.I)))
        else:
            out.append((i, re.sub(r"^\s*select\b", "SELECT DISTINCT", g, count=1, flags=re.I)))
        if re.search(r"\blimit\s+\d+", g, re.I):
            out.append((i, re.sub(r"\blimit\s+\d+", "", g, flags=re.I)))
        try:
            tree = sqlglot.parse_one(g, read="sqlite")
            if isinstance(tree, exp.Select) and len(tree.expressions) > 1:
                tree.set("expressions", list(reversed(tree.expressions)))
                out.append((i, tree.sql(dialect="sqlite")))
        except sqlglot.errors.SqlglotError:
            pass
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "spider"))
    ap.add_argument("--workers", type=int, default=os.cpu_count())
    ap.add_argument("--official", default=None, help="folder with test-suite-sql-eval exec_eval.py + parse.py")
    ap.add_argument("--repeat", type=int, default=3, help="timing repeats (best is reported)")
    ap.add_argument("--out", default=str(ROOT / "runs" / "bench_scoring.json"))
    args = ap.parse_args()

    data = Path(args.data)
    if not (data / "dev.json").is_file():
        sys.exit(f"Spider dev.json not found in {data} (pass --data DIR with dev.json and database/)")
    dev = json.loads((data / "dev.json").read_text())
    db_root = data / "database"
    examples = [ex for ex in dev if (db_root / ex["db_id"] / f"{ex['db_id']}.sqlite").is_file()]
    golds = [ex["query"] for ex in examples]

    rows, result = [], {"machine": {"cpu_count": os.cpu_count(), "processor": platform.processor(),
                                    "platform": platform.platform(), "python": platform.python_version(),
                                    "sqlite": sqlite3.sqlite_version,
                                    "load_average_at_start": os.getloadavg()},
                        "command": " ".join([Path(sys.executable).name] + sys.argv),
                        "examples": len(examples), "skipped_missing_db": len(dev) - len(examples)}

    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        _, summary = score_predictions(golds, examples, db_root=db_root, workers=args.workers, timeout=30)
        best = min(best, time.perf_counter() - t0)
    result["ours_gold_vs_gold_s"] = best
    result["ours_execution_accuracy"] = summary["execution_accuracy"]
    rows.append((f"ours, score_predictions (workers={args.workers})", best, summary["execution_accuracy"]))

    if args.official:
        sys.path.insert(0, str(Path(args.official).resolve()))
        official = importlib.import_module("exec_eval")
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "database"
            for db_id in sorted({ex["db_id"] for ex in examples}):
                shutil.copytree(db_root / db_id, copy / db_id)

            def official_match(pred: str, ex: dict) -> int:
                db = str(copy / ex["db_id"] / f"{ex['db_id']}.sqlite")
                # evaluation.evaluate(): first tab field, stripped, " value " -> " 1 "
                p = pred.strip().replace(" value ", " 1 ")
                return official.eval_exec_match(db=db, p_str=p, g_str=ex["query"].strip(), plug_value=False,
                                                keep_distinct=False, progress_bar_for_each_datapoint=False)

            best_off = float("inf")
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                hits = sum(official_match(g, ex) for g, ex in zip(golds, examples))
                best_off = min(best_off, time.perf_counter() - t0)
            result["official_exec_eval_gold_vs_gold_s"] = best_off
            result["official_execution_accuracy"] = hits / len(examples)
            rows.append(("official exec_eval.eval_exec_match (1 process)", best_off, hits / len(examples)))

            pairs = perturbations(examples)
            t0 = time.perf_counter()
            theirs = [official_match(p, examples[i]) for i, p in pairs]
            t_off = time.perf_counter() - t0
            t0 = time.perf_counter()
            recs, _ = score_predictions([p for _, p in pairs], [examples[i] for i, _ in pairs], db_root=db_root,
                                        workers=args.workers, timeout=30)
            t_ours = time.perf_counter() - t0
            ours = [int(bool(r["exec_match"])) for r in recs]
            disagree = [{"index": i, "gold": examples[i]["query"], "pred": p, "official": a, "ours": b}
                        for (i, p), a, b in zip(pairs, theirs, ours) if a != b]
            result["agreement"] = {"pairs": len(pairs), "official_matches": sum(theirs), "ours_matches": sum(ours),
                                   "disagreements": len(disagree), "examples_of_disagreement": disagree[:20],
                                   "official_s": t_off, "ours_s": t_ours}
            rows.append((f"perturbed pairs ({len(pairs)}): official", t_off, sum(theirs) / len(pairs)))
            rows.append((f"perturbed pairs ({len(pairs)}): ours", t_ours, sum(ours) / len(pairs)))

    print(f"{'what':58} {'seconds':>8} {'EX':>7}")
    for name, s, ex_ in rows:
        print(f"{name:58} {s:8.2f} {ex_:7.3f}")
    if "agreement" in result:
        a = result["agreement"]
        print(f"agreement with official exec match: {a['pairs'] - a['disagreements']}/{a['pairs']} pairs")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
