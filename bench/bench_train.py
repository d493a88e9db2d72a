"""Benchmark: QLoRA training steps, this engine vs transformers + peft + bitsandbytes, in one run.

    python bench/bench_train.py                               # CUDA: the 1.5B shape, mb 2 / mb 8 / 1 x 4096
    python bench/bench_train.py --steps 20 --micro-batch 2    # one case: seq 512 x micro-batch 2 (issue 4.5)
    python bench/bench_train.py --smoke                       # CPU, tiny shape, well under a minute
    python bench/bench_train.py --out bench/results/train_h200.json

Setup (both engines): the Qwen2.5-Coder-1.5B-Instruct shape (bench/random_qlora.py) with random
weights, decoder linears in NF4 with double quantization (blocksize 64), LoRA r=16 alpha=32
dropout 0.05 on q/k/v/o/gate/up/down, gradient checkpointing per decoder layer (non-reentrant),
bf16 autocast, SDPA attention, fused AdamW, grad-norm clipping at 1.0, one micro-batch per
optimizer step, random token ids with every position supervised (the baseline computes the
logits of every position anyway; ours computes them only where labels are set, in chunks).

- ours: bench/random_qlora.build_random_qlora (built on the device, layer by layer) + engine.lora
  .apply_lora + engine.step's accumulate_gradients / optimizer_step (the real step of the loop).
- baseline (bench/reference_qlora.py): a random bf16 checkpoint of the same shape written to a temp dir, loaded with
  transformers' from_pretrained(quantization_config=BitsAndBytesConfig(nf4, double quant, bf16
  compute), attn_implementation="sdpa"), then peft's get_peft_model with the same LoraConfig.
  Two recipes: "kbit" is peft's documented QLoRA recipe (prepare_model_for_kbit_training: casts
  every non-quantized weight, the embedding included, to fp32, and enables checkpointing);
  "lean" keeps them in bf16 and only enables non-reentrant checkpointing.

Figures per case: peak allocated and reserved memory (torch.cuda.max_memory_* from an emptied
cache, over warmup + timed steps; on CPU the exact peak of live tensor bytes over one step, from
engine.inspect.memtrace), tokens/s over the timed steps after warmup, and achieved TFLOP/s using
`flops_per_token` (below) against the bf16 matmul rate measured in the same run. Prints a table;
writes JSON with the machine, versions and the command.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import sys
import tempfile
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from bench.random_qlora import LORA_TARGETS, build_random_qlora, qwen_coder_1p5b_config, tiny_config  # noqa: E402
from bench.reference_qlora import baseline, write_random_checkpoint  # noqa: E402
from engine.inspect.memory import TrainShape, predict_peak_memory  # noqa: E402
from engine.inspect.memtrace import TensorMemoryTracker  # noqa: E402
from engine.lora import apply_lora  # noqa: E402
from engine.step import accumulate_gradients, build_optimizer, optimizer_step, prepare_model  # noqa: E402
import kernels.rmsnorm  # noqa: E402
import kernels.rope  # noqa: E402
import kernels.swiglu  # noqa: E402
from kernels.backend import backend_reason  # noqa: E402
from models.config import ModelConfig  # noqa: E402

R, ALPHA, DROPOUT, LR = 16, 32, 0.05, 1e-4
GPU_CASES = {"mb2": (2, 512), "mb8": (8, 512), "long": (1, 4096)}
SMOKE_CASES = {"mb2": (2, 32), "mb8": (8, 32), "long": (1, 128)}


# ----------------------------------------------------------------------------------------------
# Arithmetic.

def lora_params(cfg: ModelConfig, r: int = R) -> int:
    h, q, kv, i = cfg.hidden_size, cfg.q_size, cfg.kv_size, cfg.intermediate_size
    per_layer = r * ((h + q) + 2 * (h + kv) + (q + h) + 2 * (h + i) + (i + h))
    return per_layer * cfg.num_hidden_layers


def flops_per_token(cfg: ModelConfig, seq: int, r: int = R, checkpointing: bool = True) -> dict:
    """FLOPs of one training token (multiply-add = 2 FLOPs), with the frozen-base QLoRA step.

    N_layers = the decoder linears' weights, N_head = hidden x vocab (the lm_head).
    forward:       2 (N_layers + N_head)
    recompute:     2 N_layers                  (checkpointing re-runs every decoder layer)
    backward:      2 (N_layers + N_head)       (input gradients only: the base is frozen)
    LoRA:          8 N_lora                    (forward, recompute, input and weight gradients)
    attention:     per layer forward 2 * 2 * (seq/2) * (n_heads * head_dim) (QK^T and PV over the
                   causal half), x (1 forward + 1 recompute + 2 backward)
    For the 1.5B shape at seq 512: 3.09 + 2.62 + 3.09 + 0.15 + 0.18 = 9.1 GFLOP/token, the figure
    of DESIGN.md. Every position is counted as supervised (the lm_head runs on all of them).
    """
    h, q, kv, i, L = cfg.hidden_size, cfg.q_size, cfg.kv_size, cfg.intermediate_size, cfg.num_hidden_layers
    n_layers = L * (h * q + 2 * h * kv + q * h + 3 * h * i)
    n_head = h * cfg.vocab_size
    attn_fwd = L * 2 * 2 * (seq / 2) * q
    parts = {"forward": 2 * (n_layers + n_head), "recompute": 2 * n_layers if checkpointing else 0,
             "backward": 2 * (n_layers + n_head), "lora": 8 * lora_params(cfg, r),
             "attention": attn_fwd * (4 if checkpointing else 3)}
    parts["total"] = sum(parts.values())
    return parts


def matmul_tflops(device: torch.device, smoke: bool) -> dict:
    """Measured bf16 matmul rate: the ceiling the achieved TFLOP/s are compared with."""
    n = 512 if smoke else 8192
    a = torch.randn(n, n, device=device, dtype=torch.bfloat16)
    b = torch.randn(n, n, device=device, dtype=torch.bfloat16)
    reps = 3 if smoke else 50
    for _ in range(2):
        a @ b
    sync(device)
    t = time.perf_counter()
    for _ in range(reps):
        a @ b
    sync(device)
    dt = time.perf_counter() - t
    return {"n": n, "reps": reps, "tflops": float(f"{2 * n**3 * reps / dt / 1e12:.4g}")}  # 4 significant digits: a slow CPU rounds to 0.0 at 3 decimals


# ----------------------------------------------------------------------------------------------
# Measuring.

def sync(device: torch.device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def fresh_memory(device: torch.device):
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)


def batch(cfg: ModelConfig, B: int, T: int, device, seed: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randint(0, cfg.vocab_size, (B, T), generator=g).to(device)


def cpu_peak_bytes(step, model, optimizer) -> int:
    """Exact peak of live tensor bytes over one step on CPU (engine.inspect.memtrace), weights and AdamW state included."""
    state = [t for s in optimizer.state.values() for t in s.values() if isinstance(t, torch.Tensor)]
    with TensorMemoryTracker(baseline=list(model.parameters()) + list(model.buffers()) + state) as mem:
        step()
    return mem.peak


def run_case(name: str, step, model, optimizer, cfg, B, T, device, warmup, steps) -> dict:
    """warmup steps, then `steps` timed ones; memory peaks over all of them."""
    fresh_memory(device)
    ids = batch(cfg, B, T, device, seed=1)
    rec = {"case": name, "micro_batch": B, "seq": T}
    try:
        losses = [step(ids) for _ in range(warmup)]
        sync(device)
        t = time.perf_counter()
        losses += [step(ids) for _ in range(steps)]
        sync(device)
        dt = time.perf_counter() - t
    except torch.cuda.OutOfMemoryError as e:
        fresh_memory(device)
        return {**rec, "error": f"OOM: {str(e).splitlines()[0]}"}
    rec.update(steps=steps, warmup=warmup, step_s=round(dt / steps, 4),
               tokens_per_s=round(B * T * steps / dt, 1), loss_first=round(losses[0], 4),
               loss_last=round(losses[-1], 4))
    if device.type == "cuda":
        rec.update(peak_allocated_mb=round(torch.cuda.max_memory_allocated(device) / 2**20, 1),
                   peak_reserved_mb=round(torch.cuda.max_memory_reserved(device) / 2**20, 1),
                   memory_kind="cuda max_memory_allocated / max_memory_reserved")
    else:
        rec.update(peak_allocated_mb=round(cpu_peak_bytes(lambda: step(ids), model, optimizer) / 2**20, 2),
                   peak_reserved_mb=None, memory_kind="CPU: exact peak of live tensor bytes (engine.inspect.memtrace)")
    return rec


@contextlib.contextmanager
def fused_kernels_off():
    """Route RMSNorm / RoPE / SwiGLU to their torch twins even where Triton runs (NF4 stays as chosen):
    the "before" column of the fused-kernel change, measured in the same run."""
    saved = (kernels.rmsnorm.rms_norm_triton, kernels.rope.apply_rope_triton, kernels.swiglu.swiglu_triton)
    kernels.rmsnorm.rms_norm_triton = kernels.rmsnorm.rms_norm_torch
    kernels.rope.apply_rope_triton = kernels.rope.apply_rope_torch
    kernels.swiglu.swiglu_triton = kernels.swiglu.swiglu_torch
    try:
        yield
    finally:
        kernels.rmsnorm.rms_norm_triton, kernels.rope.apply_rope_triton, kernels.swiglu.swiglu_triton = saved


def ours(cfg: ModelConfig, device, dtype, fused: bool = True):
    """(step function, model, optimizer) of this engine; step(ids) -> loss. fused=False: see fused_kernels_off."""
    model = build_random_qlora(cfg, device=device, dtype=dtype)
    apply_lora(model, r=R, alpha=ALPHA, dropout=DROPOUT, target_modules=list(LORA_TARGETS))
    params = prepare_model(model, mode="lora", grad_checkpointing=True)
    optimizer = build_optimizer(model, lr=LR)
    precision = "bf16" if dtype == torch.bfloat16 else "fp32"

    def step(ids):
        with contextlib.nullcontext() if fused else fused_kernels_off():
            loss, _ = accumulate_gradients(model, [{"input_ids": ids, "labels": ids}], precision=precision)
        optimizer_step(params, optimizer, lr=LR, max_grad_norm=1.0)
        return loss

    return step, model, optimizer


def predicted_mb(cfg: ModelConfig, B: int, T: int, device) -> float | None:
    """engine.inspect.memory's prediction for our step (the torch-twin path); None if it cannot predict this shape."""
    try:
        return round(predict_peak_memory(cfg, TrainShape(seq_len=T, micro_batch=B, device_type=device.type)).peak
                     / 2**20, 1)
    except Exception:  # a prediction is extra information, never a reason to fail the benchmark
        return None


# ----------------------------------------------------------------------------------------------
# Report.

def machine(device: torch.device) -> dict:
    info = {"platform": platform.platform(), "python": platform.python_version(), "cpu": platform.processor(),
            "cpu_count": os.cpu_count(), "device": str(device)}
    if device.type == "cuda":
        p = torch.cuda.get_device_properties(device)
        info.update(gpu=p.name, gpu_memory_gb=round(p.total_memory / 2**30, 1), sm_count=p.multi_processor_count,
                    cuda=torch.version.cuda)
    return info


def versions() -> dict:
    out = {"torch": torch.__version__}
    for dist in ("triton", "transformers", "peft", "bitsandbytes"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = "not installed"
    return out


def table(rows: list[dict]) -> str:
    head = (f"{'case':<6} {'engine':<22} {'B x T':>9} {'tok/s':>10} {'alloc MB':>10} {'reserved MB':>12} "
            f"{'TFLOP/s':>8} {'% matmul':>9} {'loss':>15}")
    lines = [head, "-" * len(head)]
    for r in rows:
        if "error" in r:
            lines.append(f"{r['case']:<6} {r['engine']:<22} {r['micro_batch']:>3} x {r['seq']:<5} {r['error']}")
            continue
        res = "-" if r.get("peak_reserved_mb") is None else f"{r['peak_reserved_mb']:.0f}"
        lines.append(f"{r['case']:<6} {r['engine']:<22} {r['micro_batch']:>3} x {r['seq']:<5} {r['tokens_per_s']:>10.0f} "
                     f"{r['peak_allocated_mb']:>10.1f} {res:>12} {r['tflops']:>8.3g} {r['pct_of_matmul']:>8.1f}% "
                     f"{r['loss_first']:>7.3f}>{r['loss_last']:<7.3f}")
    return "\n".join(lines)


def ratios(rows: list[dict]) -> list[dict]:
    out = []
    for r in rows:
        if r["engine"] == "ours" or "error" in r:  # "ours (twins)" and the baselines are compared with "ours"
            continue
        mine = next((o for o in rows if o["engine"] == "ours" and o["case"] == r["case"] and "error" not in o), None)
        if mine is None:
            continue
        out.append({"case": r["case"], "vs": r["engine"],
                    "speedup_tokens_per_s": round(mine["tokens_per_s"] / r["tokens_per_s"], 3),
                    "memory_allocated_fraction": round(mine["peak_allocated_mb"] / r["peak_allocated_mb"], 3),
                    "memory_reserved_fraction": (round(mine["peak_reserved_mb"] / r["peak_reserved_mb"], 3)
                                                 if r.get("peak_reserved_mb") else None)})
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="CPU, tiny shape (seconds); figures are not GPU figures")
    ap.add_argument("--cases", default="mb2,mb8,long", help="comma list of: mb2, mb8, long")
    ap.add_argument("--micro-batch", type=int, default=None, help="run only seq --seq x this micro-batch")
    ap.add_argument("--seq", type=int, default=None, help="sequence length for --micro-batch (default 512; smoke 32)")
    ap.add_argument("--steps", type=int, default=None, help="timed steps per case (default 10; smoke 2)")
    ap.add_argument("--warmup", type=int, default=None, help="untimed steps first (default 3; smoke 1)")
    ap.add_argument("--baseline-recipes", default=None,
                    help="comma list of kbit, lean (default both; smoke: kbit); '' for none")
    ap.add_argument("--no-baseline", action="store_true", help="measure this engine only")
    ap.add_argument("--with-twins", action="store_true",
                    help="also run ours with RMSNorm / RoPE / SwiGLU through the torch twins (the 'before' of the fused kernels)")
    ap.add_argument("--out", default=None, help="JSON path (default bench/results/train_<cpu_smoke|gpu name>.json)")
    args = ap.parse_args(argv)

    device = torch.device("cpu" if args.smoke or not torch.cuda.is_available() else "cuda")
    if device.type == "cpu" and not args.smoke:
        sys.exit("bench_train: no CUDA device; the full benchmark needs a GPU. Use --smoke for the CPU smoke run.")
    smoke = args.smoke
    cfg = tiny_config() if smoke else qwen_coder_1p5b_config()
    dtype = torch.bfloat16
    steps = args.steps or (2 if smoke else 10)
    warmup = args.warmup if args.warmup is not None else (1 if smoke else 3)
    known = SMOKE_CASES if smoke else GPU_CASES
    if args.micro_batch:
        seq = args.seq or (32 if smoke else 512)
        cases = {f"mb{args.micro_batch}": (args.micro_batch, seq)}
    else:
        bad = [c for c in args.cases.split(",") if c not in known]
        if bad:
            sys.exit(f"bench_train: unknown case(s) {bad}; valid: {', '.join(known)}")
        cases = {c: known[c] for c in args.cases.split(",")}
    recipe_arg = args.baseline_recipes if args.baseline_recipes is not None else ("kbit" if smoke else "kbit,lean")
    recipes = [] if args.no_baseline else [r for r in recipe_arg.split(",") if r]
    if any(r not in ("kbit", "lean") for r in recipes):
        sys.exit(f"bench_train: --baseline-recipes {recipe_arg!r}: valid entries are kbit, lean")

    notes = []
    if smoke:
        notes.append("CPU SMOKE RUN: tiny shape on CPU; tokens/s, TFLOP/s and memory are not GPU figures. "
                     "The GPU figures of the 1.5B shape are owed (run without --smoke on a CUDA machine).")
    rate = matmul_tflops(device, smoke)
    print(f"device {device}; kernels: {backend_reason(device)}; bf16 matmul {rate['tflops']} TFLOP/s "
          f"({rate['n']}^3 x {rate['reps']})", file=sys.stderr)

    rows = []

    def measure(engine: str, built):
        step, model, optimizer = built
        for name, (B, T) in cases.items():
            rec = {"engine": engine, **run_case(name, step, model, optimizer, cfg, B, T, device, warmup, steps)}
            if "error" not in rec:
                fpt = flops_per_token(cfg, T)["total"]
                rec["tflops"] = float(f"{fpt * rec['tokens_per_s'] / 1e12:.4g}")
                rec["pct_of_matmul"] = round(100 * rec["tflops"] / rate["tflops"], 2) if rate["tflops"] > 0 else float("nan")
                if engine.startswith("ours"):
                    rec["predicted_peak_mb_engine_memory"] = predicted_mb(cfg, B, T, device)
            rows.append(rec)
            print(f"  {engine} {name}: {rec.get('tokens_per_s', rec.get('error'))} tok/s", file=sys.stderr)
        del step, model, optimizer, built
        fresh_memory(device)

    measure("ours", ours(cfg, device, dtype))
    if args.with_twins:
        measure("ours (twins)", ours(cfg, device, dtype, fused=False))
        if device.type == "cpu":
            notes.append("on CPU 'ours' runs the torch twins too: 'ours (twins)' differs from it only by noise")
    if recipes:
        try:
            import bitsandbytes  # noqa: F401
            import peft  # noqa: F401
            import transformers  # noqa: F401
        except Exception as e:
            notes.append(f"baseline skipped: {type(e).__name__}: {e}")
            recipes = []
    if recipes:
        with tempfile.TemporaryDirectory() as tmp:
            ckpt = write_random_checkpoint(cfg, Path(tmp), dtype)
            for recipe in recipes:
                try:
                    built = baseline(cfg, device, dtype, recipe, ckpt, r=R, alpha=ALPHA, dropout=DROPOUT, lr=LR)
                except Exception as e:  # e.g. bitsandbytes without a backend for this device
                    notes.append(f"baseline {recipe} failed to build: {type(e).__name__}: {e}")
                    continue
                measure(f"hf+peft+bnb ({recipe})", built)
        if smoke:
            notes.append("baseline ran on CPU through bitsandbytes' CPU backend (NF4 quantize/dequantize)")

    report = {
        "kind": "cpu-smoke" if smoke else "gpu",
        "label": ("CPU SMOKE (tiny shape; not GPU figures)" if smoke else
                  f"GPU {machine(device).get('gpu')} - Qwen2.5-Coder-1.5B shape, random weights"),
        "command": " ".join([sys.executable.split('/')[-1]] + sys.argv),
        "machine": machine(device), "versions": versions(), "kernels": backend_reason(device),
        "model": {k: getattr(cfg, k) for k in ("model_type", "vocab_size", "hidden_size", "intermediate_size",
                                               "num_hidden_layers", "num_attention_heads", "num_key_value_heads",
                                               "head_dim", "tie_word_embeddings", "attention_bias")},
        "settings": {"nf4_blocksize": 64, "double_quant": True, "lora_r": R, "lora_alpha": ALPHA,
                     "lora_dropout": DROPOUT, "lora_targets": list(LORA_TARGETS), "grad_checkpointing": True,
                     "autocast": "bf16", "optimizer": "AdamW (fused on CUDA)", "grad_accum": 1,
                     "supervised": "every position", "warmup_steps": warmup, "timed_steps": steps, "with_twins": args.with_twins,
                     "baseline_recipes": recipes},
        "matmul_bf16": rate,
        "flops_per_token": {name: flops_per_token(cfg, T) for name, (B, T) in cases.items()},
        "lora_params": lora_params(cfg),
        "results": rows, "ratios": ratios(rows), "notes": notes,
    }
    print(table(rows))
    for r in report["ratios"]:
        print(f"{r['case']}: ours vs {r['vs']}: {r['speedup_tokens_per_s']}x tokens/s, "
              f"{r['memory_allocated_fraction']:.2f}x peak allocated")
    for n in notes:
        print("note:", n)
    out = Path(args.out) if args.out else ROOT / "bench" / "results" / (
        "train_cpu_smoke.json" if smoke else f"train_{machine(device).get('gpu', 'gpu').replace(' ', '_')}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")
    return report


if __name__ == "__main__":
    main()
