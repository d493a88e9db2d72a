"""What the ask loop buys on Spider: execution accuracy of one greedy try, greedy + 1 and + 2
repairs, and best-of-3 execution voting at temperature 0.6, on the fixed dev subset.

    python bench/ask_spider.py CONFIG [--adapter DIR] [--set section.key=value ...]
                               [--spider ../shared/data/spider] [--ids bench/spider_dev300.ids] [--limit N]
                               [--workers 2] [--out bench/results/ask_spider_<config>.json] [--chunk 25] [--fresh]
                           [--runs repair,vote]

Questions: the rows of Spider's dev.json listed in bench/spider_dev300.ids (300, stratified by
hardness; bench/spider_subset.py drew them), all of them unless --limit takes the first N. The
model, adapter, schema prompt ([data] schema_style, sample_rows, max_len) and decoding ([eval]
max_new_tokens, batch_size, ...) come from CONFIG, as for eval.py; each question's prompt is the
one the loop builds from its live database (engine/ask/loop.py), i.e. eval's prompt.

Two runs of the loop (engine.ask.loop.Asker.ask_many: each round's prompts decoded as one batch):
- "repair": greedy, max_repairs = 2. The arms "greedy", "greedy + 1 repair" and "greedy + 2
  repairs" are read off this one run: a run with max_repairs = k makes exactly its first k + 1
  rounds (greedy decoding of the same conversations), so arm k keeps the query that ran within
  rounds 0..k, else the last one tried.
- "vote": num_samples = 3 at temperature 0.6, no repair: the answer voted by execution.
Each arm's SQL is scored with engine.sql.scoring (Spider's execution semantics, as eval.py).
Voting and repair see only whether a query runs and what it returns, never the gold.

Prints a table and writes JSON (machine, versions, command, settings, per-question records). Each
run is saved every --chunk questions (25); run again with the same command and what was saved is
reused, the run going on after it (--fresh starts over), so an interrupted multi-hour measurement
loses at most one chunk. (Questions are decoded chunk by chunk, so batches never span chunks.)

Two cores: `--runs repair` in one process and `--runs vote` in another, with the same --out. Each
measures its own run and, holding a lock on <out>.lock, merges it into the file without touching
the other's; whichever finishes last finds both runs complete and writes the whole table. Arms
of a run still incomplete are left out of the table, saying so.
"""

from __future__ import annotations

import argparse
from contextlib import contextmanager
import fcntl
import json
import os
from dataclasses import asdict
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine.ask.loop import AskResult, Asker, AskSettings, open_database  # noqa: E402
from engine.cli import user_errors  # noqa: E402
from engine.sql.scoring import score_predictions  # noqa: E402

IDS = ROOT / "bench" / "spider_dev300.ids"
RUNS = {  # name -> the loop's settings besides timeout / seed
    "repair": dict(max_repairs=2, num_samples=1, temperature=0.0),
    "vote": dict(max_repairs=0, num_samples=3, temperature=0.6),
}
ARMS = (  # (name, run, rounds kept)
    ("greedy", "repair", 0),
    ("greedy + 1 repair", "repair", 1),
    ("greedy + 2 repairs", "repair", 2),
    ("best of 3 (T=0.6)", "vote", 0),
)


def read_questions(spider: Path, ids_file: Path, limit: int = 0) -> list[dict]:
    """The dev.json rows the ids file lists (one row index per line), in that order."""
    rows = json.loads((spider / "dev.json").read_text())
    ids = [int(line) for line in ids_file.read_text().split()]
    picked = [rows[i] | {"dev_index": i} for i in ids[:limit or None]]
    missing = sorted({r["db_id"] for r in picked if not (spider / "database" / r["db_id"] / f"{r['db_id']}.sqlite").is_file()})
    if missing:
        raise FileNotFoundError(f"{spider}/database lacks {missing}: is --spider a Spider folder with its databases?")
    return picked


def sql_within(result: dict, rounds: int) -> str | None:
    """The query the loop would have ended with had it stopped after round `rounds`."""
    attempts = [a for a in result["attempts"] if a["round"] <= rounds]
    chosen = result["chosen"]
    if chosen is not None and result["attempts"][chosen]["round"] <= rounds:
        return result["attempts"][chosen]["sql"]
    return next((a["sql"] for a in reversed(attempts) if a["sql"] is not None), None)


def run_loop(generator, tokenizer, questions: list[dict], spider: Path, data_cfg, settings: AskSettings,
             workers: int) -> tuple[list[dict], float]:
    """The loop over every question; (result dicts, seconds)."""
    dbs = {}
    for q in questions:
        if q["db_id"] not in dbs:
            dbs[q["db_id"]] = open_database(spider / "database" / q["db_id"] / f"{q['db_id']}.sqlite", data_cfg, tokenizer)
    t0 = time.perf_counter()
    with Asker(generator, settings, workers=workers) as asker:
        asker.start()
        say = lambda rnd, n: print(f"  round {rnd}: {n} prompts", file=sys.stderr, flush=True)  # noqa: E731
        results: list[AskResult] = asker.ask_many([(dbs[q["db_id"]], q["question"]) for q in questions],
                                                  on_round=say)
    seconds = time.perf_counter() - t0
    return [slim(r) for r in results], seconds


def measure_runs(runs: dict, settings_of: dict[str, AskSettings], questions: list[dict], loop, save, *,
                 chunk: int, where) -> dict:
    """Each run over the questions, `chunk` at a time, saved after every chunk; a run's saved
    results (a previous, interrupted measurement) are kept and it goes on after them.
    loop(questions, settings) -> (results, seconds); save() writes `runs`."""
    for name, settings in settings_of.items():
        run = runs.setdefault(name, {"settings": asdict(settings), "seconds": 0.0, "results": []})
        done = len(run["results"])
        if done >= len(questions):
            print(f"{name}: reused from {where}", file=sys.stderr)
            continue
        print(f"{name}: {settings}" + (f"; {done} of {len(questions)} questions reused from {where}" if done else ""),
              file=sys.stderr)
        for start in range(done, len(questions), chunk):
            results, seconds = loop(questions[start:start + chunk], settings)
            run["results"] += results
            run["seconds"] = round(run["seconds"] + seconds, 1)
            save()
    return runs


@contextmanager
def saved_runs(out: Path, meta: dict):
    """The runs saved in `out` with this `meta` ({} if none), while holding an exclusive lock on
    <out>.lock: two processes measuring different runs into one file take turns here."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out.with_name(out.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        saved = json.loads(out.read_text()) if out.is_file() else {}
        yield dict(saved.get("runs", {})) if saved.get("meta") == meta else {}


def write_json(out: Path, obj: dict) -> None:
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(obj, indent=1, default=repr))
    os.replace(tmp, out)  # a reader never sees half a file


def merge_saved(out: Path, meta: dict, mine: dict) -> None:
    """This process's runs written into `out` beside the other runs saved there."""
    with saved_runs(out, meta) as runs:
        write_json(out, {"meta": meta, "runs": {**runs, **mine}})


def slim(result: AskResult) -> dict:
    """What the JSON keeps of a result: every attempt, not the rows or the prompt."""
    d = result.to_dict()
    return {k: d[k] for k in ("question", "sql", "ok", "error", "chosen", "votes", "attempts")}


def score_arms(runs: dict, questions: list[dict], spider: Path, *, timeout: float, workers: int) -> dict:
    """{arm: {execution_accuracy, ran, mean_attempts, by_hardness, records}} for the arms whose run is there."""
    arms = {}
    for name, run, rounds in ARMS:
        if run not in runs:
            continue
        results = runs[run]["results"]
        preds = [sql_within(r, rounds) for r in results]
        records, summary = score_predictions(preds, questions, dialect="spider", db_root=spider / "database",
                                             timeout=timeout, workers=workers)
        kept = [[a for a in r["attempts"] if a["round"] <= rounds] for r in results]
        ran = [any(a["error"] is None for a in k) for k in kept]
        arms[name] = {
            "execution_accuracy": summary["execution_accuracy"], "valid_sql": summary["valid_sql"],
            "ran": sum(ran) / len(ran), "mean_answers": sum(map(len, kept)) / len(kept),
            "by_hardness": {k: v["execution_accuracy"] for k, v in summary["by_hardness"].items()},
            "outcomes": summary["outcomes"], "run": run, "rounds": rounds,
            "exec_match": [r["exec_match"] for r in records],
        }
    return arms


def format_table(arms: dict, runs: dict, n: int) -> str:
    lines = [f"Spider dev subset, {n} questions", "",
             "| arm | EX | runs | valid SQL | answers / question | run time |", "|---|---:|---:|---:|---:|---:|"]
    for name, a in arms.items():
        lines.append(f"| {name} | {100 * a['execution_accuracy']:.1f}% | {100 * a['ran']:.1f}% | "
                     f"{100 * a['valid_sql']:.1f}% | {a['mean_answers']:.2f} | {runs[a['run']]['seconds']:.0f} s ({a['run']}) |")
    return "\n".join(lines)


def machine() -> dict:
    import torch

    return {"platform": platform.platform(), "python": platform.python_version(), "torch": torch.__version__,
            "processor": platform.processor() or platform.machine(), "cpu_threads": torch.get_num_threads()}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="bench/ask_spider.py", description=__doc__.splitlines()[0])
    p.add_argument("config", help="run config (TOML): [model], [data] schema settings, [eval] decoding")
    p.add_argument("--adapter", metavar="DIR", help="LoRA adapter folder")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE")
    p.add_argument("--spider", type=Path, default=ROOT.parent / "shared" / "data" / "spider",
                   help="Spider folder with dev.json and database/ (default ../shared/data/spider)")
    p.add_argument("--ids", type=Path, default=IDS, help="dev.json row indices, one a line (default bench/spider_dev300.ids)")
    p.add_argument("--limit", type=int, default=0, metavar="N", help="the first N questions only (0 = all)")
    p.add_argument("--workers", type=int, default=2, help="SQL worker processes")
    p.add_argument("--out", type=Path, help="JSON output (default bench/results/ask_spider_<config stem>.json)")
    p.add_argument("--chunk", type=int, default=25, metavar="N",
                   help="questions per saved piece of a run (an interrupted measurement goes on after the last one)")
    p.add_argument("--fresh", action="store_true", help="redo runs a previous JSON with the same settings has")
    p.add_argument("--runs", default=",".join(RUNS), metavar="NAMES",
                   help=f"which runs this process measures, comma-separated (default {','.join(RUNS)}); "
                        "two processes with the same --out can share the work")
    args = p.parse_args(argv)
    names = [n.strip() for n in args.runs.split(",") if n.strip()]
    if not names or any(n not in RUNS for n in names):
        p.error(f"--runs {args.runs!r}: choose among {', '.join(RUNS)}")

    from engine.ask.model import load_generator
    from engine.config import load_config
    from engine.demo.prepare import prepare_inputs

    out = args.out or ROOT / "bench" / "results" / f"ask_spider_{Path(args.config).stem}.json"
    with user_errors("ask_spider.py"):
        cfg = load_config(args.config, overrides=args.overrides)
        questions = read_questions(args.spider, args.ids, args.limit)
        prepare_inputs(cfg)
        generator, model_info = load_generator(cfg, args.adapter)
        generator.progress = None  # a bar over batches on a terminal
        settings_of = {name: AskSettings(timeout=cfg.eval.timeout, seed=cfg.train.seed, **RUNS[name]) for name in names}
        meta = {"config": args.config, "adapter": args.adapter, "overrides": args.overrides, "model": cfg.model.source,
                "model_info": model_info, "ids": str(args.ids), "limit": args.limit, "questions": len(questions),
                "dev_indices": [q["dev_index"] for q in questions], "data": {k: getattr(cfg.data, k) for k in
                ("schema_style", "sample_rows", "max_len", "system_prompt")},
                "eval": {k: getattr(cfg.eval, k) for k in ("max_new_tokens", "top_p", "top_k", "repetition_penalty",
                                                          "batch_size", "timeout")}}
        with saved_runs(out, meta) as saved:  # mine to go on with; the others stay in the file
            runs = {k: v for k, v in saved.items() if k in names and not args.fresh}

        def loop(chunk, settings):
            return run_loop(generator, generator.tokenizer, chunk, args.spider, cfg.data, settings, args.workers)

        measure_runs(runs, settings_of, questions, loop, lambda: merge_saved(out, meta, runs),
                     chunk=args.chunk, where=out)
        with saved_runs(out, meta) as others:  # the other process's saves wait meanwhile
            merged = {**others, **runs}
            complete = {k: v for k, v in merged.items() if len(v["results"]) == len(questions)}
            for k in sorted(set(merged) - set(complete)):
                print(f"{k}: {len(merged[k]['results'])} of {len(questions)} questions so far "
                      "(measured by another process?): its arms are left out", file=sys.stderr)
            arms = score_arms(complete, questions, args.spider, timeout=cfg.eval.timeout, workers=args.workers)
            table = format_table(arms, complete, len(questions))
            write_json(out, {"meta": meta, "machine": machine(), "command": " ".join([Path(sys.executable).name] + sys.argv),
                             "table": table, "arms": arms, "runs": merged})
    print(table)
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
