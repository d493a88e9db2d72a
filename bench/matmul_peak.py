"""One core's fp32 matmul rate, the ceiling a CPU prefill can reach (bench/NOTES.md compares the
0.5B evaluation's prefill rate with it).

    python bench/matmul_peak.py [--m 1024 --k 896 --n 4864] [--repeats 10] [--out bench/results/matmul_peak_cpu.json]

Times `torch.mm` of an (m, k) by (k, n) fp32 matrix on one thread (the shape of a Qwen2.5-0.5B
MLP projection over a 1024-token prefill), after 2 warm-up calls; prints GFLOP/s (2mkn / s) as a
table and writes JSON with the machine.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="bench/matmul_peak.py", description=__doc__.splitlines()[0])
    p.add_argument("--m", type=int, default=1024)
    p.add_argument("--k", type=int, default=896)
    p.add_argument("--n", type=int, default=4864)
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "matmul_peak_cpu.json")
    args = p.parse_args(argv)
    torch.set_num_threads(1)
    a, b = torch.randn(args.m, args.k), torch.randn(args.k, args.n)
    for _ in range(2):
        a @ b
    times = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        a @ b
        times.append(time.perf_counter() - t)
    flop = 2 * args.m * args.k * args.n
    best, median = flop / min(times) / 1e9, flop / sorted(times)[len(times) // 2] / 1e9
    print(f"| shape | threads | best GFLOP/s | median GFLOP/s |\n|---|---:|---:|---:|\n"
          f"| {args.m} x {args.k} x {args.n} fp32 | 1 | {best:.1f} | {median:.1f} |")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"shape": [args.m, args.k, args.n], "threads": 1, "best_gflops": round(best, 1),
                                    "median_gflops": round(median, 1), "torch": torch.__version__,
                                    "machine": {"platform": platform.platform(), "processor": platform.processor()}},
                                   indent=1))
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
