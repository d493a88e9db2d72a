"""Benchmark: 4-bit decoding, ours (engine.decoding) vs transformers' generate with bitsandbytes.

    python bench/bench_decode.py              # CUDA: Qwen2.5-Coder-1.5B shape, prompt 512, 128 new, batch 1/8/32
    python bench/bench_decode.py --smoke      # CPU, tiny shape, well under a minute
    python bench/bench_decode.py --out bench/results/decode_h200.json

One random bf16 checkpoint of the shape is written with transformers' save_pretrained and
loaded twice: by models.load_model(quantize="nf4") (NF4, blocksize 64, double quantization)
and by transformers with BitsAndBytesConfig(load_in_4bit, nf4, double quant, bf16 compute), so
both decode the same weights. Prompts are random token ids of the prompt length; decoding is
greedy and runs the full number of new tokens (no stop token).

Per implementation and batch size B:
- ttft_s: time to first token, the median of `max_new_tokens=1` calls (prefill + one choice);
- total_s: one call with `max_new_tokens=N` (ours: including the CUDA graph capture);
- decode_tok_s = B * (N - 1) / (total_s - ttft_s): the decode rate after the first token;
- e2e_tok_s = B * N / total_s.
Ours runs the fast path (StaticDecoder: static cache, on-device sampling, a CUDA graph on
CUDA); at batch 1 the reference loop (fast=False) is timed too, and its tokens compared, and on
CUDA the fast path without the graph (cuda_graph=False).

Bandwidth bound (decode): one step reads every weight once (NF4 packed bytes, scales, nested
scales, code tables, biases, norms, and the tied embedding matrix as lm_head) plus the keys and
values of every cached token of every row (counted at the mean cache length P + N/2). With the
copy bandwidth measured in the same run (device-to-device copy of a large buffer, bytes read +
written), bound_tok_s = B * bandwidth / bytes_per_step, and pct_of_bound = decode_tok_s / bound.

Also reported: the last-position prefill logits of ours vs transformers + bitsandbytes (max
abs difference relative to the largest |logit|, and top-1 agreement) for the same prompt.
Prints a table, writes JSON with the machine, versions and command.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from engine.decoding import generate_ids  # noqa: E402
import kernels.nf4_linear as nl  # noqa: E402
from kernels import backend  # noqa: E402
from kernels.nf4_linear import nf4_memory  # noqa: E402
from models import load_model  # noqa: E402

# Qwen/Qwen2.5-Coder-1.5B-Instruct's config.json fields (../shared/DESIGN.md).
QWEN_1P5B = dict(vocab_size=151936, hidden_size=1536, intermediate_size=8960, num_hidden_layers=28,
                 num_attention_heads=12, num_key_value_heads=2, rms_norm_eps=1e-6, rope_theta=1e6,
                 max_position_embeddings=32768, tie_word_embeddings=True)
TINY = dict(vocab_size=512, hidden_size=128, intermediate_size=384, num_hidden_layers=2, num_attention_heads=4,
            num_key_value_heads=2, rms_norm_eps=1e-6, rope_theta=1e6, max_position_embeddings=4096,
            tie_word_embeddings=True)
GPU = dict(shape=QWEN_1P5B, prompt_len=512, new_tokens=128, batches=(1, 8, 32), repeats=3)
SMOKE = dict(shape=TINY, prompt_len=24, new_tokens=8, batches=(1, 4), repeats=1)


def sync(device: torch.device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def timed(fn, device: torch.device) -> float:
    sync(device)
    t = time.perf_counter()
    fn()
    sync(device)
    return time.perf_counter() - t


def copy_bandwidth(device: torch.device, nbytes: int, repeats: int = 5) -> float:
    """Bytes per second of a device-to-device copy, counting bytes read + written."""
    src = torch.empty(nbytes // 2, dtype=torch.bfloat16, device=device).uniform_()
    dst = torch.empty_like(src)
    dst.copy_(src)
    best = statistics.median(timed(lambda: dst.copy_(src), device) for _ in range(repeats))
    return 2 * nbytes / best


def write_checkpoint(shape: dict, path: Path, seed: int = 0) -> None:
    """A random bf16 qwen2 checkpoint of `shape`, saved by transformers."""
    import transformers

    torch.manual_seed(seed)
    cfg = transformers.Qwen2Config(**shape)
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)
    try:
        model = transformers.Qwen2ForCausalLM(cfg)
    finally:
        torch.set_default_dtype(before)
    model.save_pretrained(path)


def load_hf_bnb(path: Path, device: torch.device):
    import transformers

    q = transformers.BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                        bnb_4bit_use_double_quant=True, bnb_4bit_compute_dtype=torch.bfloat16)
    return transformers.AutoModelForCausalLM.from_pretrained(
        path, quantization_config=q, device_map=str(device), dtype=torch.bfloat16).eval()


def bytes_per_step(model, batch: int, prompt_len: int, new_tokens: int) -> dict:
    cfg = model.config
    mem = nf4_memory(model)
    kv_elem = model.model.embed_tokens.weight.element_size()
    mean_len = prompt_len + new_tokens / 2
    kv = batch * cfg.num_hidden_layers * 2 * cfg.num_key_value_heads * cfg.head_dim * mean_len * kv_elem
    return {"weights": mem["total_bytes"], "kv_cache_mean": int(kv), "total": int(mem["total_bytes"] + kv)}


def run_ours(model, prompts, n: int, device, repeats: int, fast: bool, graph: bool | None) -> tuple[dict, list]:
    kw = dict(stop_token_ids=(), pad_token_id=0, fast=fast, cuda_graph=graph, progress=False)
    generate_ids(model, prompts, max_new_tokens=2, **kw)  # warm-up: kernels, allocator, graph path
    ttft = statistics.median(timed(lambda: generate_ids(model, prompts, max_new_tokens=1, **kw), device)
                             for _ in range(repeats))
    box = {}
    total = timed(lambda: box.setdefault("out", generate_ids(model, prompts, max_new_tokens=n, **kw)), device)
    return {"ttft_s": ttft, "total_s": total}, [list(c.token_ids) for (c,) in box["out"]]


def run_hf(model, prompts, n: int, device, repeats: int) -> dict:
    ids = torch.tensor(prompts, device=device)  # equal lengths: no padding
    mask = torch.ones_like(ids)

    def gen(k):
        with torch.inference_mode():
            return model.generate(ids, attention_mask=mask, max_new_tokens=k, min_new_tokens=k, do_sample=False,
                                  pad_token_id=0, eos_token_id=None)

    gen(2)
    ttft = statistics.median(timed(lambda: gen(1), device) for _ in range(repeats))
    total = timed(lambda: gen(n), device)
    return {"ttft_s": ttft, "total_s": total}


def rates(r: dict, batch: int, n: int) -> dict:
    decode = r["total_s"] - r["ttft_s"]
    r["decode_tok_s"] = batch * (n - 1) / decode if decode > 0 and n > 1 else float("nan")
    r["e2e_tok_s"] = batch * n / r["total_s"]
    return r


def logits_check(ours, hf, prompt, device) -> dict:
    ids = torch.tensor([prompt], device=device)
    with torch.inference_mode():
        a = ours.lm_head(ours.hidden_states(ids)[:, -1]).float()
        b = hf(ids).logits[:, -1].float()
    return {"max_abs_diff": (a - b).abs().max().item(), "max_abs_logit": b.abs().max().item(),
            "rel_max_diff": ((a - b).abs().max() / b.abs().max()).item(),
            "top1_agrees": bool(a.argmax(-1).item() == b.argmax(-1).item())}


def machine(device: torch.device) -> dict:
    info = {"platform": platform.platform(), "python": platform.python_version(), "torch": torch.__version__,
            "device": torch.cuda.get_device_name(device) if device.type == "cuda"
            else platform.processor() or platform.machine(), "cpu_threads": torch.get_num_threads()}
    for mod in ("triton", "transformers", "bitsandbytes"):
        try:
            info[mod] = __import__(mod).__version__
        except Exception:
            info[mod] = None
    return info


def print_table(rows: list[dict]):
    print(f"\n{'impl':>16} {'batch':>5} {'TTFT ms':>9} {'decode tok/s':>13} {'e2e tok/s':>10} "
          f"{'bound tok/s':>12} {'% bound':>8} {'vs bnb':>7}")
    for r in rows:
        print(f"{r['impl']:>16} {r['batch']:>5} {r['ttft_s'] * 1e3:>9.1f} {r['decode_tok_s']:>13.1f} "
              f"{r['e2e_tok_s']:>10.1f} {r['bound_tok_s']:>12.1f} {r['pct_of_bound']:>7.1%} "
              f"{r.get('decode_vs_bnb', float('nan')):>6.2f}x")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true", help="CPU, tiny shape (under a minute); no GPU figures")
    ap.add_argument("--batches", default=None, help="comma-separated batch sizes (default 1,8,32; smoke 1,4)")
    ap.add_argument("--no-hf", action="store_true", help="skip transformers + bitsandbytes")
    ap.add_argument("--out", default=None, help="JSON path (default bench/results/decode_<cuda|cpu_smoke>.json)")
    args = ap.parse_args(argv)
    setup = SMOKE if args.smoke else GPU
    if args.smoke:
        device = torch.device("cpu")
        torch.set_num_threads(min(2, torch.get_num_threads()))
    else:
        if not torch.cuda.is_available():
            ap.error("no CUDA device: this measures GPU decoding; use --smoke for a CPU check")
        device = torch.device("cuda")
    batches = [int(b) for b in args.batches.split(",")] if args.batches else list(setup["batches"])
    P, N, R = setup["prompt_len"], setup["new_tokens"], setup["repeats"]
    print(f"kernels: {backend.backend_reason(device)}")

    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        write_checkpoint(setup["shape"], Path(tmp))
        ours = load_model(tmp, dtype=torch.bfloat16, device=device, quantize="nf4").eval()
        hf = None if args.no_hf else load_hf_bnb(Path(tmp), device)
        print(f"built and loaded the models in {time.perf_counter() - t:.1f} s")

    bw = copy_bandwidth(device, (1 << 30) if device.type == "cuda" else (64 << 20))
    g = torch.Generator().manual_seed(0)
    V = setup["shape"]["vocab_size"]
    rows, checks = [], {}
    for B in batches:
        prompts = torch.randint(0, V, (B, P), generator=g).tolist()
        need = bytes_per_step(ours, B, P, N)
        bound = B * bw / need["total"]
        impls = [("ours_fast", True, None)]
        if B == 1:
            impls.append(("ours_reference", False, None))
            if device.type == "cuda":
                impls.append(("ours_fast_nograph", True, False))
        tokens = {}
        for name, fast, graph in impls:
            r, tokens[name] = run_ours(ours, prompts, N, device, R, fast, graph)
            rows.append(dict(impl=name, batch=B, **rates(r, B, N), bytes_per_step=need, bound_tok_s=bound))
        if "ours_reference" in tokens:
            checks["fast_tokens_equal_reference_batch1"] = tokens["ours_fast"] == tokens["ours_reference"]
        if hf is not None:
            r = rates(run_hf(hf, prompts, N, device, R), B, N)
            rows.append(dict(impl="hf_bnb_4bit", batch=B, **r, bytes_per_step=need, bound_tok_s=bound))
            for row in rows:
                if row["batch"] == B and row["impl"] != "hf_bnb_4bit":
                    row["decode_vs_bnb"] = row["decode_tok_s"] / r["decode_tok_s"]
        print(f"batch {B} done")
    for row in rows:
        row["pct_of_bound"] = row["decode_tok_s"] / row["bound_tok_s"]
    if hf is not None:
        checks["prefill_logits_vs_hf_bnb"] = logits_check(ours, hf, prompts[0], device)
    print_table(rows)
    print("checks:", json.dumps(checks))

    mode = "cpu_smoke" if args.smoke else "cuda"
    out = Path(args.out or ROOT / "bench" / "results" / f"decode_{mode}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    result = {
        "command": " ".join([Path(sys.executable).name] + sys.argv), "mode": mode,
        "note": ("CPU smoke run of a tiny shape: checks that the benchmark runs; NOT a GPU measurement"
                 if args.smoke else "GPU measurement"),
        "machine": machine(device), "kernels": backend.backend_reason(device),
        "nf4linear_uses_fused_gemv": any(hasattr(nl, n) for n in ("gemv_applies", "nf4_gemv_triton", "nf4_gemv")),
        "shape": setup["shape"], "prompt_len": P, "new_tokens": N, "repeats_ttft": R,
        "copy_bandwidth_GBps": bw / 1e9, "rows": rows, "checks": checks}
    out.write_text(json.dumps(result, indent=2))
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
