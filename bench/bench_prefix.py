"""Shared-prefix prefill on real evaluation prompts: time and answers with and without it.

    python bench/bench_prefix.py CONFIG [--n 32] [--set section.key=value ...]
                                 [--report DIR] [--out bench/results/prefix_<config>.json]

Builds the first N evaluation prompts of CONFIG exactly as eval.py does, loads the model as
eval.py does, and decodes them twice in one process with the config's [eval] settings: prompts
prefilled whole (batches longest first, `share_prefix=False`) and with shared beginnings
computed once (engine/prefix.py, `share_prefix=True`), the plain pass first. Prints a table:
seconds, prompt tokens the prefill computed (padding included), and how many answers are
identical; with --report, also how many shared-prefix answers equal that eval report's
(predictions.jsonl `raw_outputs[0]`). Writes JSON with the machine and the command.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import decoding  # noqa: E402
from engine.config import load_config  # noqa: E402
from engine.evaluate import load_eval_set, load_for_eval  # noqa: E402
from engine.prefix import batch_order, plan_prefill, prefill_positions, shares_prefixes  # noqa: E402


def prefill_tokens(prompts, batch_size: int | None, shared: bool) -> int:
    """Token positions the prefill runs through the model over all batches (padding included)."""
    total = 0
    for batch in batch_order(prompts, batch_size, shared):
        group = [prompts[i] for i in batch]
        total += prefill_positions(group, plan_prefill(group) if shared else None)
    return total


def machine() -> dict:
    return {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
            "torch": torch.__version__, "threads": torch.get_num_threads()}


def write_report(result: dict, out: Path) -> None:
    """Write the result JSON and print its table (bench/bench_train_prefix.py too)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(result["table"])
    print(f"\nwritten: {out}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="bench/bench_prefix.py", description=__doc__.splitlines()[0])
    p.add_argument("config")
    p.add_argument("--n", type=int, default=32, help="the first N evaluation prompts")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE")
    p.add_argument("--report", type=Path, help="an eval report folder whose answers to compare with")
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    cfg = load_config(args.config, overrides=args.overrides)
    model, tok, info = load_for_eval(cfg)
    prompts = load_eval_set(cfg.data, tok, max_examples=args.n).prompts
    e = cfg.eval
    kw = dict(max_new_tokens=e.max_new_tokens, temperature=e.temperature, top_k=e.top_k, top_p=e.top_p,
              num_samples=e.num_samples, repetition_penalty=e.repetition_penalty, seed=cfg.train.seed,
              batch_size=e.batch_size, progress=False, fast={"auto": None, "fast": True, "reference": False}[e.decode])
    shared_ok = shares_prefixes(model, True)
    passes = {}
    for name, share in (("whole prompts", False), ("shared prefixes", True)):
        t0 = time.perf_counter()
        outs = decoding.generate(model, tok, [list(x) for x in prompts], share_prefix=share, **kw)
        passes[name] = {"seconds": round(time.perf_counter() - t0, 1),
                        "prefill_tokens": prefill_tokens(prompts, e.batch_size, share and shared_ok),
                        "generated_tokens": sum(len(c.token_ids) for row in outs for c in row),
                        "texts": [[c.text for c in row] for row in outs]}
        print(f"{name}: {passes[name]['seconds']} s", file=sys.stderr, flush=True)
    a, b = passes["whole prompts"], passes["shared prefixes"]
    same = sum(x == y for x, y in zip(a["texts"], b["texts"]))
    result = {"config": args.config, "overrides": args.overrides, "n": len(prompts), "model": cfg.model.source,
              "model_info": info, "shares_prefixes": shared_ok, "batch_size": e.batch_size,
              "identical_answers": same, "speedup": round(a["seconds"] / b["seconds"], 2),
              "passes": {k: {x: v[x] for x in ("seconds", "prefill_tokens", "generated_tokens")} for k, v in passes.items()},
              "machine": machine(), "command": " ".join(["python"] + sys.argv)}
    lines = [f"{len(prompts)} prompts of {args.config}, batch {e.batch_size}", "",
             "| prefill | seconds | prefill tokens | generated tokens |", "|---|---:|---:|---:|"]
    lines += [f"| {k} | {v['seconds']} | {v['prefill_tokens']} | {v['generated_tokens']} |" for k, v in passes.items()]
    lines += ["", f"speed-up {result['speedup']}x; answers identical: {same} of {len(prompts)}"]
    if args.report:
        rows = [json.loads(x) for x in (args.report / "predictions.jsonl").read_text().splitlines()][:len(prompts)]
        hits = sum(bool(r.get("raw_outputs")) and r["raw_outputs"][0] == t[0] for r, t in zip(rows, b["texts"]))
        result |= {"report": str(args.report), "identical_to_report": hits}
        lines.append(f"shared-prefix answers identical to {args.report}: {hits} of {len(rows)}")
    result["table"] = "\n".join(lines)
    write_report(result, args.out or ROOT / "bench" / "results" / f"prefix_{Path(args.config).stem}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
