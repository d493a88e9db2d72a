"""Text-to-SQL evaluation: generate and score, score a predictions file, or compare two reports.

    python eval.py CONFIG [--adapter DIR] [--set section.key=value ...] [--out DIR] [--max-examples N]
    python eval.py CONFIG --validity-only                            (no databases: sqlglot + schema validity)
    python eval.py --score PREDICTIONS --data spider:DIR            (DIR holds dev.json and database/)
    python eval.py --score PREDICTIONS --data bird:DIR --db-dir DIR/dev_databases
    python eval.py --score PREDICTIONS --data jsonl:FILE            (rows with question, sql, db_path)
    python eval.py --compare REPORT_A REPORT_B                      (e.g. eval-base vs eval)
    torchrun --nproc_per_node 4 eval.py CONFIG [...]                 (the examples sharded over 4 ranks, one report)

Thin: parse, build, run, save; the work is in engine/evaluate.py (with a model) and engine/eval_files.py
(--score, --compare).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from engine.cli import number_arg, user_errors
from engine.config import RANGES, Range, load_config
from engine.demo.prepare import prepare_inputs
from engine.distributed import session
from engine.eval_files import compare_report_files, score_existing, summary_lines
from engine.evaluate import default_out_dir, evaluate_config

WORKERS = Range(0, 256)  # --workers


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="eval.py", description="Measure text-to-SQL: execution accuracy with Spider / BIRD semantics.",
        epilog="Outputs: report.json, report.md, predictions.jsonl and the official evaluators' input files.")
    p.add_argument("config", nargs="?", help="run config (TOML): [model], [data] eval_path, [eval]")
    p.add_argument("--adapter", metavar="DIR", help="LoRA adapter folder (train.py writes <run_dir>/adapter)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE",
                   help="override a config value, e.g. --set eval.num_samples=4 (repeatable)")
    p.add_argument("--out", metavar="DIR", help="output folder (default <run_dir>/eval, or <run_dir>/eval-base without --adapter; "
                                 "with --score: <predictions stem>-eval beside the file)")
    p.add_argument("--max-examples", type=number_arg(RANGES["eval"]["max_examples"], int), metavar="N", help="evaluate the first N examples only (overrides eval.max_examples)")
    p.add_argument("--score", metavar="PREDICTIONS",
                   help="score a predictions file (Spider's one SQL per line, JSONL or BIRD's json) with no model")
    p.add_argument("--data", metavar="KIND:PATH", help="with --score: spider:DIR, bird:DIR or jsonl:FILE")
    p.add_argument("--db-dir", metavar="DIR", help="with --score: folder of <db_id>/<db_id>.sqlite (default: beside the dataset)")
    p.add_argument("--timeout", type=number_arg(RANGES["eval"]["timeout"]), metavar="SECONDS", help="with --score: seconds per query (default: [eval] timeout's default)")
    p.add_argument("--validity-only", action="store_true",
                   help="no databases (e.g. BIRD's dev_tables.json alone): score sqlglot and schema validity and "
                        "exact match instead of execution")
    p.add_argument("--workers", type=number_arg(WORKERS, int), metavar="N",
                   help="SQL worker processes (default: one per CPU; 0 = in this process)")
    p.add_argument("--compare", nargs=2, metavar=("REPORT_A", "REPORT_B"),
                   help="print two report.json side by side with B - A")
    args = p.parse_args(argv)
    modes = [m for m, on in (("CONFIG", args.config), ("--score", args.score), ("--compare", args.compare)) if on]
    if len(modes) != 1:
        p.error("give exactly one of CONFIG, --score PREDICTIONS or --compare REPORT_A REPORT_B"
                + (f" (got {', '.join(modes)})" if modes else ""))
    if args.score and not args.data:
        p.error("--score needs --data KIND:PATH (spider:DIR, bird:DIR or jsonl:FILE)")
    if not args.score and (args.data or args.db_dir or args.timeout is not None):
        p.error("--data, --db-dir and --timeout go with --score (a config's [eval] timeout applies otherwise)")
    if not args.config and (args.adapter or args.overrides or args.max_examples is not None or args.validity_only):
        p.error("--adapter, --set, --max-examples and --validity-only go with CONFIG")
    return args


def main(argv=None) -> int:
    """Exit status: 0 done, 2 a user error (printed as one line naming what to fix)."""
    args = parse_args(argv)
    try:
        with user_errors("eval.py"):
            if args.compare:
                print(compare_report_files(*args.compare), end="")
                return 0
            if args.score:
                report = score_existing(args.score, args.data, db_dir=args.db_dir, out_dir=args.out,
                                        timeout=args.timeout, workers=args.workers)
            else:
                cfg = load_config(args.config, overrides=args.overrides)
                with session(cfg.model.device) as world, world.quiet():  # torchrun: one rank of N
                    report = evaluate_model(cfg, args, world)
                if not world.main:
                    return 0
    except SystemExit as e:
        return e.code
    print("\n".join(summary_lines(report)))
    return 0


def evaluate_model(cfg, args, world) -> dict:
    """CONFIG mode: build missing inputs, evaluate (and, with eval.side_by_side, the run's adapter too)."""
    with world.rank0_first():
        prepare_inputs(cfg)  # only what [data] build / [model] build ask for (the offline demo)
    run = dict(config_path=args.config, max_examples=args.max_examples, workers=args.workers,
               validity_only=args.validity_only, world=world)
    report = evaluate_config(cfg, adapter=args.adapter, out_dir=args.out, **run)
    tuned = Path(cfg.train.run_dir) / "adapter"
    if cfg.eval.side_by_side and not args.adapter and not args.out and tuned.is_dir():
        if world.main:
            print("\n".join(summary_lines(report)))
        report = evaluate_config(cfg, adapter=tuned, **run)
        if world.main:
            print(compare_report_files(default_out_dir(cfg, None), default_out_dir(cfg, tuned)), end="")
    return report


if __name__ == "__main__":
    sys.exit(main())
