"""Benchmark: NF4 dequantization and NF4Linear forward+backward, ours vs bitsandbytes.

    python bench/bench_nf4.py                 # CUDA: the Qwen2.5-Coder-1.5B layer shapes
    python bench/bench_nf4.py --smoke         # CPU, tiny shapes, torch reference, seconds
    python bench/bench_nf4.py --out bench/results/nf4_h200.json

1. Dequantization throughput in GB/s, counting bytes read + written (packed codes, scale
   codes, nested fp32 scales, bf16 output), for our Triton kernel (kernels.nf4_triton) and
   bitsandbytes' `dequantize_4bit` (its nested dequant + offset add + 4-bit dequant), beside
   a plain device-to-device copy of the bf16 output size timed in the same run (bytes read +
   written): the bandwidth ceiling. Both dequantize the same double-quantized weight.
2. NF4Linear forward + backward (input gradient only, frozen weight) vs bitsandbytes'
   Linear4bit (compute dtype bf16) at 1024 and 4096 tokens, with a dense bf16 nn.Linear
   (weight frozen) as reference.

Shapes are (out, in) of the model's linears: q/o_proj 1536x1536, k/v_proj 256x1536,
gate/up_proj 8960x1536, down_proj 1536x8960. Times are medians over repeats after warmup
(CUDA events on GPU). Prints a table and writes JSON with the machine, versions and command.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from kernels import backend  # noqa: E402
from kernels.nf4 import NF4Weight, quantize_nf4  # noqa: E402
from kernels.nf4_linear import NF4Linear  # noqa: E402

GPU_SHAPES = [(1536, 1536), (256, 1536), (8960, 1536), (1536, 8960)]
SMOKE_SHAPES = [(64, 128), (32, 256)]
GPU_TOKENS = [1024, 4096]
SMOKE_TOKENS = [16]


def timer(fn, device: torch.device, warmup: int, repeats: int) -> float:
    """Median seconds per call."""
    for _ in range(warmup):
        fn()
    times = []
    if device.type == "cuda":
        torch.cuda.synchronize()
        for _ in range(repeats):
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            torch.cuda.synchronize()
            times.append(start.elapsed_time(end) / 1e3)
    else:
        for _ in range(repeats):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
    return statistics.median(times)


def bnb_module():
    try:
        import bitsandbytes as bnb
        return bnb
    except Exception as e:  # not installed, or no native library for this machine
        print(f"bitsandbytes unavailable ({type(e).__name__}: {e}); its columns are skipped")
        return None


def ours_from_bnb(packed, state, shape, dtype) -> NF4Weight:
    """Our NF4Weight over bitsandbytes' own tensors: both sides dequantize the same bytes."""
    return NF4Weight(packed=packed.reshape(-1), absmax=state.absmax, nested_absmax=state.state2.absmax,
                     offset=float(state.offset.item()), shape=tuple(shape), dtype=dtype,
                     blocksize=state.blocksize, nested_blocksize=state.state2.blocksize,
                     code=state.code, nested_code=state.state2.code)


def bench_dequant(shapes, device, bnb, warmup, repeats, dtype=torch.bfloat16):
    rows = []
    for out_f, in_f in shapes:
        n = out_f * in_f
        w = (torch.randn(out_f, in_f) * 0.02).to(dtype)
        if bnb is not None:
            packed, state = bnb.functional.quantize_4bit(w.to(device), blocksize=64, compress_statistics=True,
                                                         quant_type="nf4")
            q = ours_from_bnb(packed, state, w.shape, dtype)
        else:
            q = quantize_nf4(w, 64, True).to(device)
        ours = lambda: backend.dequantize(q, dtype)  # noqa: E731
        check = ours()
        read = q.packed.numel() + q.absmax.numel() + 4 * q.nested_absmax.numel()
        moved = read + n * check.element_size()
        src = torch.empty(n, dtype=dtype, device=device)
        dst = torch.empty_like(src)
        row = {"shape": f"{out_f}x{in_f}", "bytes_moved": moved, "backend": backend.backend_reason(device),
               "ours_s": timer(ours, device, warmup, repeats),
               "copy_s": timer(lambda: dst.copy_(src), device, warmup, repeats)}
        row["ours_GBps"] = moved / row["ours_s"] / 1e9
        row["copy_GBps"] = 2 * n * src.element_size() / row["copy_s"] / 1e9
        if bnb is not None:
            theirs = lambda: bnb.functional.dequantize_4bit(packed, state)  # noqa: E731
            row["identical_to_bnb"] = bool(torch.equal(check, theirs()))
            row["bnb_s"] = timer(theirs, device, warmup, repeats)
            row["bnb_GBps"] = moved / row["bnb_s"] / 1e9
            row["ours_vs_bnb"] = row["bnb_s"] / row["ours_s"]
        row["ours_vs_copy"] = row["ours_GBps"] / row["copy_GBps"]
        rows.append(row)
    return rows


def bench_linear(shapes, tokens_list, device, bnb, warmup, repeats, dtype=torch.bfloat16):
    rows = []
    for out_f, in_f in shapes:
        lin = nn.Linear(in_f, out_f, bias=False, dtype=dtype)
        nn.init.normal_(lin.weight, std=0.02)
        ours = NF4Linear.from_linear(lin).to(device)
        dense = lin.to(device).requires_grad_(False)
        theirs = None
        if bnb is not None:
            theirs = bnb.nn.Linear4bit(in_f, out_f, bias=False, compute_dtype=dtype, compress_statistics=True,
                                       quant_type="nf4", device="cpu")
            theirs.weight = bnb.nn.Params4bit(lin.weight.detach().cpu().clone(), requires_grad=False,
                                              quant_type="nf4", compress_statistics=True, blocksize=64)
            theirs = theirs.to(device)
        for tokens in tokens_list:
            x = torch.randn(tokens, in_f, dtype=dtype, device=device, requires_grad=True)
            g = torch.randn(tokens, out_f, dtype=dtype, device=device)

            def step(mod):
                return lambda: mod(x).backward(g)

            row = {"shape": f"{out_f}x{in_f}", "tokens": tokens,
                   "ours_ms": 1e3 * timer(step(ours), device, warmup, repeats),
                   "dense_ms": 1e3 * timer(step(dense), device, warmup, repeats)}
            if theirs is not None:
                row["bnb_ms"] = 1e3 * timer(step(theirs), device, warmup, repeats)
                row["ours_vs_bnb"] = row["bnb_ms"] / row["ours_ms"]
            rows.append(row)
    return rows


def machine(device: torch.device) -> dict:
    info = {"platform": platform.platform(), "python": platform.python_version(), "torch": torch.__version__,
            "device": torch.cuda.get_device_name(device) if device.type == "cuda" else platform.processor()
            or platform.machine(), "cpu_threads": torch.get_num_threads()}
    for mod in ("triton", "bitsandbytes"):
        try:
            info[mod] = __import__(mod).__version__
        except Exception:
            info[mod] = None
    return info


def print_tables(deq, lin):
    print("\nNF4 dequantization (bf16 out), GB/s = (bytes read + written) / time")
    head = f"{'shape':>11} {'ours GB/s':>10} {'bnb GB/s':>9} {'copy GB/s':>10} {'ours/bnb':>9} {'ours/copy':>10} {'same':>5}"
    print(head)
    for r in deq:
        print(f"{r['shape']:>11} {r['ours_GBps']:>10.2f} {r.get('bnb_GBps', float('nan')):>9.2f} "
              f"{r['copy_GBps']:>10.2f} {r.get('ours_vs_bnb', float('nan')):>8.2f}x {r['ours_vs_copy']:>9.0%} "
              f"{str(r.get('identical_to_bnb', '-')):>5}")
    print("\nLinear forward + backward (input grad), ms")
    print(f"{'shape':>11} {'tokens':>7} {'NF4Linear':>10} {'bnb 4bit':>9} {'dense bf16':>11} {'ours/bnb':>9}")
    for r in lin:
        print(f"{r['shape']:>11} {r['tokens']:>7} {r['ours_ms']:>10.3f} {r.get('bnb_ms', float('nan')):>9.3f} "
              f"{r['dense_ms']:>11.3f} {r.get('ours_vs_bnb', float('nan')):>8.2f}x")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true", help="CPU, tiny shapes, torch reference (seconds)")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--out", default=None, help="JSON path (default bench/results/nf4_<cuda|smoke>.json)")
    args = ap.parse_args(argv)
    if args.smoke:
        device, shapes, tokens, warmup, repeats = torch.device("cpu"), SMOKE_SHAPES, SMOKE_TOKENS, 1, args.repeats or 3
    else:
        if not torch.cuda.is_available():
            ap.error("no CUDA device: the benchmark measures GPU kernels; use --smoke for a CPU check")
        device, shapes, tokens, warmup, repeats = torch.device("cuda"), GPU_SHAPES, GPU_TOKENS, 10, args.repeats or 50
    torch.manual_seed(0)
    bnb = bnb_module()
    print(f"kernels: {backend.backend_reason(device)}")
    deq = bench_dequant(shapes, device, bnb, warmup, repeats)
    lin = bench_linear(shapes, tokens, device, bnb, warmup, repeats)
    print_tables(deq, lin)
    out = Path(args.out or ROOT / "bench" / "results" / f"nf4_{'smoke' if args.smoke else 'cuda'}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    result = {"command": " ".join([Path(sys.executable).name] + sys.argv), "mode": "smoke" if args.smoke else "cuda",
              "machine": machine(device), "repeats": repeats, "dequant": deq, "linear_fwd_bwd": lin}
    out.write_text(json.dumps(result, indent=2))
    print(f"\nwrote {out}")
    return result


if __name__ == "__main__":
    main()
