"""The 6 GB check: the real training loop on the Qwen2.5-Coder-1.5B shape with the GPU capped at 6 GB.

    python bench/check_6gb.py                     # CUDA: 200 optimizer steps of configs/qwen_coder_1p5b.toml
    python bench/check_6gb.py --steps 300 --cap-gb 6
    python bench/check_6gb.py --smoke             # CPU, tiny shape, a few steps (no memory cap on CPU)

What runs: engine.train.train (the loop train.py runs: length-grouped micro-batches, checkpointed
forward, chunked CE, accumulation, clipping, fused AdamW, cosine schedule, metrics.jsonl, the
final adapter) with the [train] and [lora] sections of configs/qwen_coder_1p5b.toml
(micro-batch 2, accumulation 8, LoRA r=16 on all linears), on bench/random_qlora's random-weight
NF4 model of the real shape, and random token data: sequences of 256-512 tokens whose last ~40%
is supervised (labels), as a prompt + answer would be.

The cap: torch.cuda.set_per_process_memory_fraction((cap - context) / total), so that the caching
allocator may hold at most `cap` minus an allowance for what a 6 GB card also spends outside it
(the CUDA context and library workspaces, --context-mb, default 600). Going past the cap raises
an out-of-memory error as the small card would. The run's figures (peak allocated and reserved,
tokens/s, losses) go to <run>/metrics.jsonl and <run>/summary.json and to the JSON written here.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from bench.random_qlora import build_random_qlora, qwen_coder_1p5b_config, tiny_config  # noqa: E402
from engine.config import load_config  # noqa: E402
from engine.lora import apply_lora  # noqa: E402
from engine.train import train  # noqa: E402
from kernels.backend import backend_reason  # noqa: E402

CONFIG = ROOT / "configs" / "qwen_coder_1p5b.toml"


def random_items(n: int, vocab: int, min_len: int, max_len: int, answer_frac: float, seed: int) -> list[dict]:
    """Encoded examples {"input_ids", "labels"}: random tokens, labels -100 on the 'prompt' part."""
    rng = random.Random(seed)
    items = []
    for _ in range(n):
        length = rng.randint(min_len, max_len)
        ids = [rng.randrange(vocab) for _ in range(length)]
        cut = length - max(1, int(length * answer_frac))
        items.append({"input_ids": ids, "labels": [-100] * cut + ids[cut:]})
    return items


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="CPU, tiny shape, a few steps; no memory cap")
    ap.add_argument("--config", default=str(CONFIG), help="run config whose [train] and [lora] sections are used")
    ap.add_argument("--steps", type=int, default=None, help="optimizer steps (default 200; smoke 4)")
    ap.add_argument("--cap-gb", type=float, default=6.0, help="GPU memory cap in GiB (default 6)")
    ap.add_argument("--context-mb", type=float, default=600.0,
                    help="allowance for CUDA context + workspaces inside the cap (default 600)")
    ap.add_argument("--max-len", type=int, default=None, help="longest sequence (default the config's data.max_len)")
    ap.add_argument("--out", default=None, help="JSON path (default bench/results/check_6gb_<cpu_smoke|gpu>.json)")
    args = ap.parse_args(argv)

    smoke = args.smoke
    device = torch.device("cpu" if smoke or not torch.cuda.is_available() else "cuda")
    if device.type == "cpu" and not smoke:
        sys.exit("check_6gb: no CUDA device; the 6 GB check needs a GPU. Use --smoke for the CPU smoke run.")
    run_cfg = load_config(args.config)
    steps = args.steps or (4 if smoke else 200)
    max_len = args.max_len or (64 if smoke else run_cfg.data.max_len)
    grad_accum = 2 if smoke else run_cfg.train.grad_accum
    mcfg = tiny_config() if smoke else qwen_coder_1p5b_config()

    cap = {}
    if device.type == "cuda":
        total = torch.cuda.get_device_properties(device).total_memory
        allowed = args.cap_gb * 2**30 - args.context_mb * 2**20
        torch.cuda.set_per_process_memory_fraction(allowed / total, device)
        cap = {"cap_gib": args.cap_gb, "context_allowance_mib": args.context_mb,
               "allocator_limit_mib": round(allowed / 2**20, 1), "device_total_mib": round(total / 2**20, 1),
               "fraction": round(allowed / total, 5)}
        print(f"allocator capped at {allowed / 2**20:.0f} MiB of {total / 2**20:.0f} MiB", file=sys.stderr)

    t0 = time.perf_counter()
    model = build_random_qlora(mcfg, device=device, dtype=torch.bfloat16 if device.type == "cuda" else torch.float32)
    lo = run_cfg.lora
    print(apply_lora(model, r=lo.r, alpha=lo.alpha, dropout=lo.dropout, target_modules=lo.target_modules,
                     use_rslora=lo.use_rslora), file=sys.stderr)
    build_s = time.perf_counter() - t0
    mb = run_cfg.train.micro_batch_size
    items = random_items(steps * mb * grad_accum, mcfg.vocab_size, max_len // 2, max_len, 0.4, seed=0)

    result = {"kind": "cpu-smoke" if smoke else "gpu",
              "label": "CPU SMOKE (tiny shape, no memory cap; not the 6 GB figure)" if smoke else
              f"GPU {torch.cuda.get_device_name(device)} capped at {args.cap_gb} GiB",
              "command": " ".join(["python"] + sys.argv), "config": str(args.config),
              "machine": {"platform": platform.platform(), "device": str(device),
                          "gpu": torch.cuda.get_device_name(device) if device.type == "cuda" else None},
              "versions": {"torch": torch.__version__}, "kernels": backend_reason(device), "cap": cap,
              "model": "Qwen2.5-Coder-1.5B shape, random weights" if not smoke else "tiny qwen2 shape",
              "micro_batch": mb, "grad_accum": grad_accum, "steps": steps, "max_len": max_len,
              "build_s": round(build_s, 1)}
    with tempfile.TemporaryDirectory() as tmp:
        opts = dataclasses.replace(run_cfg.train, max_steps=steps, grad_accum=grad_accum, save_every=0,
                                   log_every=1 if smoke else 10, wandb=False, run_dir=tmp,
                                   precision="auto")
        try:
            summary = train(model, items, opts=opts, run_dir=tmp, progress=not smoke)
            result["ok"] = True
        except torch.cuda.OutOfMemoryError as e:
            summary = {}
            result.update(ok=False, error=f"OOM: {str(e).splitlines()[0]}")
        metrics = [json.loads(line) for line in (Path(tmp) / "metrics.jsonl").read_text().splitlines()
                   if line.strip()] if (Path(tmp) / "metrics.jsonl").exists() else []
    result["summary"] = {k: v for k, v in summary.items() if k not in ("output", "last_checkpoint")}
    result["metrics"] = [{k: m.get(k) for k in ("step", "loss", "tokens_per_s", "peak_allocated_mb",
                                                "peak_reserved_mb", "peak_rss_mb") if k in m} for m in metrics]
    if device.type == "cuda":
        result["peak_allocated_mib"] = round(torch.cuda.max_memory_allocated(device) / 2**20, 1)
        result["peak_reserved_mib"] = round(torch.cuda.max_memory_reserved(device) / 2**20, 1)
    verdict = "no OOM" if result["ok"] else result["error"]
    print(f"{result['label']}: {verdict}; {json.dumps(result['summary'])}")
    out = Path(args.out) if args.out else ROOT / "bench" / "results" / (
        "check_6gb_cpu_smoke.json" if smoke else
        f"check_6gb_{torch.cuda.get_device_name(device).replace(' ', '_')}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
