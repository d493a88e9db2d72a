"""Benchmark on CPU, real weights: QLoRA training and decoding tokens/s of this engine vs
transformers + peft (dense, and with bitsandbytes 4-bit), side by side in one run.

    python bench/bench_cpu.py                                   # SmolLM2-135M and Qwen2.5-Coder-0.5B (data/models)
    python bench/bench_cpu.py --models smollm2-135m-instruct-q4_1 --steps 2
    python bench/bench_cpu.py --smoke                           # the smallest model, 1 timed step, short decode

Weights: the GGUF files of bench/fetch_models.py, dequantized once into a temporary Hugging Face
folder (models.convert, fp32) that both stacks load, so every engine starts from the same tensors.
Training: one sequence of --seq tokens per optimizer step (random ids; the loss on the last
--supervised tokens, as a Spider answer of ~30 tokens after its prompt, or on every position
with --supervised 0), LoRA r=16 alpha=32 dropout 0.05 on every decoder linear, AdamW, grad-norm clipping at 1.0, no
gradient checkpointing (memory is not what limits a CPU), fp32 (`precision = "auto"` on a CPU
without AMX / AVX512-BF16; --dtype bf16 for one with them).
- ours (nf4):  models.load_model(quantize="nf4", double quant) + engine.lora.apply_lora + the
  training loop's own step (engine.step.accumulate_gradients / optimizer_step).
- ours (dense): the same without NF4.
- hf+peft (dense): transformers' from_pretrained + peft's get_peft_model with the same LoraConfig.
- hf+peft+bnb (nf4): the same with BitsAndBytesConfig(nf4, double quant) on bitsandbytes' CPU backend.
Decoding: greedy, --batch prompts of --prompt-len random tokens, --new tokens each with no stop
token; decode tokens/s = B * (new - 1) / (time(new tokens) - time(1 token)), so prefill is left out
(it is reported apart). Ours runs engine.decoding.generate_ids (NF4: the dense inference cache);
transformers runs generate(min_new_tokens=new).

Ratios are ours / theirs measured in this run. Threads: --threads (default 1: on a shared 2-core
machine two OpenMP threads make small matmuls erratic). Prints a table; writes JSON with the
machine, the CPU's bf16 capability, versions and the command.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from bench.bench_train import machine, versions  # noqa: E402
from engine.decoding import generate_ids  # noqa: E402
from engine.devices import auto_reason, cpu_bf16_flags  # noqa: E402
from engine.lora import apply_lora  # noqa: E402
from engine.step import accumulate_gradients, build_optimizer, optimizer_step, prepare_model  # noqa: E402
from models import load_model  # noqa: E402
from models.convert import convert  # noqa: E402

MODELS = ("smollm2-135m-instruct-q4_1", "qwen2.5-coder-0.5b-instruct-q4_k_m")
R, ALPHA, DROPOUT, LR = 16, 32, 0.05, 1e-4
TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


# ----------------------------------------------------------------------------- the four stacks


def ours(folder: Path, dtype, quantize: str | None):
    model = load_model(folder, dtype=dtype, quantize=quantize, progress=False)
    apply_lora(model, r=R, alpha=ALPHA, dropout=DROPOUT, target_modules=list(TARGETS))
    params = prepare_model(model, mode="lora", grad_checkpointing=False)
    optimizer = build_optimizer(model, lr=LR)
    precision = "bf16" if dtype == torch.bfloat16 else "fp32"

    def train_step(ids, labels):
        model.train()
        loss, _ = accumulate_gradients(model, [{"input_ids": ids, "labels": labels}], precision=precision)
        optimizer_step(params, optimizer, lr=LR, max_grad_norm=1.0)
        return loss

    def decode(ids, new):
        model.eval()  # as eval.py does: the NF4 dense inference cache lives until model.train()
        generate_ids(model, ids.tolist(), max_new_tokens=new, batch_size=ids.shape[0], progress=False)

    return model, train_step, decode


def theirs(folder: Path, dtype, quantize: str | None):
    import peft  # test references: installed with the dev extra
    import transformers

    kw = {}
    if quantize:
        kw["quantization_config"] = transformers.BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True, bnb_4bit_compute_dtype=dtype)
    model = transformers.AutoModelForCausalLM.from_pretrained(folder, dtype=dtype, attn_implementation="sdpa",
                                                              device_map="cpu", **kw)
    model = peft.get_peft_model(model, peft.LoraConfig(r=R, lora_alpha=ALPHA, lora_dropout=DROPOUT,
                                                       target_modules=list(TARGETS), task_type="CAUSAL_LM"))
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=LR)
    amp = torch.autocast("cpu", dtype=torch.bfloat16) if dtype == torch.bfloat16 else contextlib.nullcontext()

    def train_step(ids, labels):
        model.train()
        with amp:
            loss = model(input_ids=ids, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return float(loss.detach())

    def decode(ids, new):
        model.eval()
        with torch.inference_mode(), amp:
            model.generate(ids, attention_mask=torch.ones_like(ids), max_new_tokens=new, min_new_tokens=new,
                           do_sample=False, pad_token_id=0)

    return model, train_step, decode


STACKS = {"ours (nf4)": (ours, "nf4"), "ours (dense)": (ours, None),
          "hf+peft+bnb (nf4)": (theirs, "nf4"), "hf+peft (dense)": (theirs, None)}


# ----------------------------------------------------------------------------- measuring


def timed(fn, *args) -> float:
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def measure(name: str, build, folder: Path, dtype, quantize, vocab: int, args) -> dict:
    rec = {"engine": name}
    try:
        t = time.perf_counter()
        model, train_step, decode = build(folder, dtype, quantize)
        rec["load_s"] = round(time.perf_counter() - t, 1)
    except Exception as e:  # e.g. bitsandbytes without a CPU backend: say so, measure the rest
        return {**rec, "error": f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"}
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(0, vocab, (1, args.seq), generator=g)
    labels = ids.clone()
    if args.supervised:
        labels[:, :-args.supervised] = -100  # the prompt: no loss (both stacks read -100 as ignored)
    losses = [train_step(ids, labels) for _ in range(args.warmup)]
    dt = sum(timed(lambda: losses.append(train_step(ids, labels))) for _ in range(args.steps))
    rec.update(train_tokens_per_s=round(args.seq * args.steps / dt, 1), train_step_s=round(dt / args.steps, 2),
               loss_first=round(losses[0], 4), loss_last=round(losses[-1], 4))
    prompts = torch.randint(0, vocab, (args.batch, args.prompt_len), generator=g)
    decode(prompts, 2)  # warm-up (and ours builds the NF4 dense cache here)
    one = min(timed(decode, prompts, 1) for _ in range(2))
    full = timed(decode, prompts, args.new)
    rec.update(prefill_s=round(one, 3), decode_tokens_per_s=round(args.batch * (args.new - 1) / max(full - one, 1e-9), 2))
    del model, train_step, decode
    gc.collect()
    return rec


def ratios(rows: list[dict]) -> list[dict]:
    out = []
    for mine in (r for r in rows if r["engine"].startswith("ours") and "error" not in r):
        for other in (r for r in rows if r["model"] == mine["model"] and r["engine"].startswith("hf")
                      and "error" not in r):
            out.append({"model": mine["model"], "ours": mine["engine"], "vs": other["engine"],
                        "train_speedup": round(mine["train_tokens_per_s"] / other["train_tokens_per_s"], 2),
                        "decode_speedup": round(mine["decode_tokens_per_s"] / other["decode_tokens_per_s"], 2)})
    return out


def table(rows: list[dict]) -> str:
    head = f"{'model':<36} {'engine':<18} {'train tok/s':>11} {'decode tok/s':>12} {'prefill s':>9} {'load s':>7} {'loss':>15}"
    lines = [head, "-" * len(head)]
    for r in rows:
        if "error" in r:
            lines.append(f"{r['model']:<36} {r['engine']:<18} {r['error']}")
        else:
            lines.append(f"{r['model']:<36} {r['engine']:<18} {r['train_tokens_per_s']:>11.1f} "
                         f"{r['decode_tokens_per_s']:>12.2f} {r['prefill_s']:>9.2f} {r['load_s']:>7.1f} "
                         f"{r['loss_first']:>7.3f}>{r['loss_last']:<7.3f}")
    return "\n".join(lines)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default=",".join(MODELS), help="comma list of data/models/<name>.gguf stems")
    ap.add_argument("--engines", default=",".join(STACKS), help=f"comma list of: {', '.join(STACKS)}")
    ap.add_argument("--seq", type=int, default=512)
    ap.add_argument("--supervised", type=int, default=32,
                    help="training: the loss on the last N tokens (an answer after its prompt); 0 = every position")
    ap.add_argument("--steps", type=int, default=3, help="timed training steps (after --warmup)")
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--batch", type=int, default=1, help="decoding: prompts decoded together")
    ap.add_argument("--prompt-len", type=int, default=256)
    ap.add_argument("--new", type=int, default=32, help="decoding: new tokens per prompt")
    ap.add_argument("--dtype", choices=("fp32", "bf16"), default="fp32")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--smoke", action="store_true", help="the first model only, 1 timed step, seq 128, 8 new tokens")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "cpu_real.json"))
    args = ap.parse_args(argv)
    if args.smoke:
        args.models, args.steps, args.seq, args.new, args.prompt_len = args.models.split(",")[0], 1, 128, 8, 64
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if bad := [e for e in engines if e not in STACKS]:
        sys.exit(f"bench_cpu: unknown engine(s) {bad}; valid: {', '.join(STACKS)}")
    names = [m for m in args.models.split(",") if m]
    missing = [m for m in names if not (ROOT / "data" / "models" / f"{m}.gguf").is_file()]
    if missing:
        sys.exit(f"bench_cpu: data/models/{missing[0]}.gguf is missing: run python bench/fetch_models.py {' '.join(missing)}")
    torch.set_num_threads(args.threads)
    dtype = torch.bfloat16 if args.dtype == "bf16" else torch.float32
    print(f"{auto_reason(torch.device('cpu'))}; measuring {args.dtype} on {args.threads} thread(s)", file=sys.stderr)

    rows = []
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:
            folder = convert(ROOT / "data" / "models" / f"{name}.gguf", Path(tmp) / name, dtype="float32")
            vocab = json.loads((folder / "config.json").read_text())["vocab_size"]
            for engine in engines:
                build, quantize = STACKS[engine]
                rec = {"model": name, **measure(engine, build, folder, dtype, quantize, vocab, args)}
                rows.append(rec)
                print(f"  {name} {engine}: " + (rec.get("error") or
                      f"train {rec['train_tokens_per_s']} tok/s, decode {rec['decode_tokens_per_s']} tok/s"),
                      file=sys.stderr, flush=True)
    report = {
        "label": "CPU, real weights (GGUF dequantized), this engine vs transformers + peft (+ bitsandbytes)",
        "command": " ".join(["python"] + [Path(sys.argv[0]).as_posix()] + sys.argv[1:]),
        "machine": {**machine(torch.device("cpu")), "bf16_flags": sorted(cpu_bf16_flags()), "threads": args.threads},
        "versions": versions(),
        "settings": {"seq": args.seq, "micro_batch": 1, "timed_steps": args.steps, "warmup_steps": args.warmup,
                     "dtype": args.dtype, "lora_r": R, "lora_alpha": ALPHA, "lora_dropout": DROPOUT,
                     "lora_targets": list(TARGETS), "grad_checkpointing": False,
                     "supervised": f"last {args.supervised} tokens" if args.supervised else "every position",
                     "decode_batch": args.batch, "prompt_len": args.prompt_len, "new_tokens": args.new},
        "results": rows, "ratios": ratios(rows),
    }
    print(table(rows))
    for r in report["ratios"]:
        print(f"{r['model']}: {r['ours']} vs {r['vs']}: training {r['train_speedup']}x, decoding {r['decode_speedup']}x")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {out}")
    return report


if __name__ == "__main__":
    main()
