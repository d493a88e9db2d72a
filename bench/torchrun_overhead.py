"""What data parallelism costs on one machine: the same global batch in 1 process and in N ranks.

    python bench/torchrun_overhead.py [--steps 20] [--ranks 2] [--out DIR]

On the offline demo's data and the demo's tiny model (random weights: values do not change the
speed), QLoRA as configs/tiny.toml sets it up (NF4, r=16, micro-batch 16), it runs
  1. `python train.py` with grad_accum = N on one thread,
  2. the same with N threads (one process using every core the ranks get),
  3. `torchrun --standalone --nproc_per_node N train.py` with grad_accum = 1, one thread per rank,
each the same micro-batches per step, and prints each run's training time (summary.json's
train_time_s: the steps alone), tokens/s, and the wall time with start-up, plus how far the
2-rank losses are from the 1-process ones. On CPU the ranks share the machine's cores, so this
measures the overhead of the collectives and the per-step synchronisation, not scaling: scaling
needs several GPUs (NCCL), where each rank has its own device.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(cmd: list[str], threads: int) -> float:
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": str(threads), "SQLORA_CPU_BF16": "0"}
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--out", help="work folder (default: a temporary one)")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from engine.demo.synthetic import build_synthetic
    from engine.demo.tiny import build_tiny_for_synthetic

    root = Path(args.out or tempfile.mkdtemp(prefix="torchrun_overhead_"))
    build_synthetic(root / "data")
    model = build_tiny_for_synthetic(root / "model", root / "data")
    n = args.ranks
    common = ["--set", f"model.source='{model}'", "--set", "model.build=''", "--set", "data.build=''",
              "--set", f"data.train_path='{root / 'data' / 'train.jsonl'}'", "--set", "data.eval_path=''",
              "--set", f"train.max_steps={args.steps}", "--set", "train.log_every=1", "--set", "train.save_every=0"]
    runs = {f"1 process, grad_accum {n}, 1 thread": (["python", "train.py"], n, 1),
            f"1 process, grad_accum {n}, {n} threads": (["python", "train.py"], n, n),
            f"torchrun {n} ranks, grad_accum 1, 1 thread each": (
                [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(n), "train.py"], 1, 1)}
    results = {}
    for i, (name, (launcher, accum, threads)) in enumerate(runs.items()):
        run_dir = root / f"run{i}"
        wall = run([*launcher, "configs/tiny.toml", *common, "--set", f"train.run_dir='{run_dir}'",
                    "--set", f"train.grad_accum={accum}"], threads)
        summary = json.loads((run_dir / "summary.json").read_text())
        losses = [r["loss"] for r in map(json.loads, (run_dir / "metrics.jsonl").read_text().splitlines()) if "loss" in r]
        results[name] = {"train_time_s": summary["train_time_s"], "tokens_per_s": summary["tokens_per_s"],
                         "wall_s": round(wall, 1), "tokens": summary["tokens"], "losses": losses}
    base = next(iter(results.values()))
    for name, r in results.items():
        diff = max(abs(a - b) / abs(b) for a, b in zip(r["losses"], base["losses"]))
        print(f"{name:44s} train {r['train_time_s']:7.2f} s  {r['tokens_per_s']:8,.0f} tokens/s  wall {r['wall_s']:6.1f} s"
              f"  ({r['tokens']:,} tokens; losses within {diff:.1e} of the first run)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
