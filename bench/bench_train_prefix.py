"""Training on packed shared-prefix rows vs plain right-padded rows: the same micro-batches, timed.

    python bench/bench_train_prefix.py CONFIG [--micro-batches 6] [--set section.key=value ...]
                                       [--out bench/results/train_prefix_<config>.json]

Builds the model (NF4 + LoRA as the config says) and the training examples as train.py does,
forms the first N micro-batches of epoch 0 the way `[train] share_prefix = true` forms them (the
epoch sorted by prompt, so a micro-batch's examples tend to share a database, then shuffled),
and runs forward + backward on each micro-batch twice, alternating: collated plainly (right
padding, every example's prompt computed) and packed (engine/batches.py's collate_shared: each
shared prompt beginning once). Gradients are dropped between runs (no optimizer step), so both
see the same weights. Prints seconds, examples per second, token slots computed and the two
losses of each micro-batch (equal up to float rounding when lora.dropout = 0; with dropout the
masks differ). Writes JSON with the machine and the command.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_prefix import machine, write_report  # noqa: E402  (bench/, beside this file)
from engine.batches import batching, collate, collate_shared, epoch_batches  # noqa: E402
from engine.config import load_config  # noqa: E402
from engine.data import prepare_data  # noqa: E402
from engine.train_state import seed_everything  # noqa: E402
from engine.step import accumulate_gradients, prepare_model  # noqa: E402
from engine.train import build_model  # noqa: E402
from models.tokenizer import load_tokenizer  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="bench/bench_train_prefix.py", description=__doc__.splitlines()[0])
    p.add_argument("config")
    p.add_argument("--micro-batches", type=int, default=6, metavar="N")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE")
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    cfg = load_config(args.config, overrides=args.overrides)
    o = cfg.train
    seed_everything(o.seed)
    model = build_model(cfg)
    prepare_model(model, mode=o.mode, grad_checkpointing=o.grad_checkpointing)
    model.train()
    tok = load_tokenizer(cfg.model.source, chat_template=cfg.model.chat_template or None)
    items = list(prepare_data(cfg.data, tok).train.items)
    lengths = [len(it["input_ids"]) for it in items]
    batches = epoch_batches(lengths, o.micro_batch_size, seed=o.seed, epoch=0,
                            **batching(items, dataclasses.replace(o, share_prefix=True)))[:args.micro_batches]
    ways = {"plain": collate, "packed": collate_shared}
    totals = {w: {"seconds": 0.0, "slots": 0, "examples": 0} for w in ways}
    rows = []
    for j, batch in enumerate(batches):
        row = {"examples": len(batch)}
        for w, pack in ways.items():
            mb = pack([items[i] for i in batch], pad_id=tok.pad_token_id)
            model.zero_grad(set_to_none=True)
            torch.manual_seed(j)
            t0 = time.perf_counter()
            loss, _ = accumulate_gradients(model, [mb], chunk_size=o.loss_chunk_size)
            dt = time.perf_counter() - t0
            totals[w]["seconds"] += dt
            totals[w]["slots"] += mb["tokens"] + mb["padded"]
            totals[w]["examples"] += len(batch)
            row[w] = {"seconds": round(dt, 2), "slots": mb["tokens"] + mb["padded"], "loss": round(loss, 5),
                      "rows": mb.get("rows", len(batch))}
        rows.append(row)
        print(f"micro-batch {j + 1}/{len(batches)}: plain {row['plain']['seconds']} s, packed {row['packed']['seconds']} s "
              f"({row['packed']['rows']} rows)", file=sys.stderr, flush=True)
    for t in totals.values():
        t["seconds"] = round(t["seconds"], 1)
        t["examples_per_s"] = round(t["examples"] / t["seconds"], 3)
    speedup = round(totals["plain"]["seconds"] / totals["packed"]["seconds"], 2)
    lines = [f"{len(batches)} micro-batches of {o.micro_batch_size} training examples of {args.config}, forward + backward", "",
             "| rows | seconds | examples / s | token slots computed |", "|---|---:|---:|---:|"]
    lines += [f"| {w} | {t['seconds']} | {t['examples_per_s']} | {t['slots']} |" for w, t in totals.items()]
    lines += ["", f"speed-up {speedup}x; largest loss difference "
              f"{max(abs(r['plain']['loss'] - r['packed']['loss']) for r in rows):.2e}"]
    result = {"config": args.config, "overrides": args.overrides, "micro_batch_size": o.micro_batch_size,
              "lora_dropout": cfg.lora.dropout, "quantize": cfg.model.quantize, "totals": totals, "speedup": speedup,
              "micro_batches": rows, "table": "\n".join(lines),
              "machine": machine(), "command": " ".join(["python"] + sys.argv)}
    write_report(result, args.out or ROOT / "bench" / "results" / f"train_prefix_{Path(args.config).stem}.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
