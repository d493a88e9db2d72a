"""`python -m engine.inspect SOURCE`: an X-ray of a QLoRA setup, before (and after) training.

SOURCE is a run config (`configs/x.toml`), a checkpoint directory, a config.json, a GGUF file, or
a hub id (for a hub id only config.json is fetched). Without weights and without a GPU it prints:

- the architecture in one screen and the parameter counts by kind;
- the memory of one training step (engine/inspect/memory.py): NF4 weights and both levels of scales,
  code tables, unquantized embeddings / norms / biases, LoRA weights, gradients and AdamW
  moments, checkpointed activations, the recomputed layer, the cross-entropy's logits chunk,
  the total against a GPU budget and bits per parameter;
- the same step with one QLoRA idea taken away at a time (double quantization, NF4,
  checkpointing, 16-bit compute), so each idea's saving is visible;
- after training, the measured peak from <run_dir>/metrics.jsonl beside the prediction;
- with `--ranks N`, what each rank of `torchrun --nproc_per_node N train.py` holds.

`--quant-error` (needs the weights) adds, per decoder linear, the relative error of NF4 against
the original weights (Frobenius and max), the same for plain absmax int4 and bitsandbytes' FP4,
and how often each of the 16 NF4 codes is used; `--png DIR` writes a histogram per layer
(matplotlib, optional).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from huggingface_hub import hf_hub_download

from engine.config import load_config
from engine.distributed import BUCKET_BYTES
from engine.inspect import InspectError
from engine.inspect import family_memory as fm
from engine.inspect.memory import (DECODER_LINEARS, DTYPE_BYTES, MB, TrainShape, bits_per_parameter, fmt_mb, layer_saved_bytes,
                                   linear_shapes, parameter_counts, predict_peak_memory, variants)
from engine.inspect.quant_error import iter_linear_weights, quant_error, quant_error_text, save_histograms
from models.config import ModelConfig, ModelConfigError

DEFAULT_BUDGET_GB = 6.0


@dataclass(frozen=True)
class Target:
    """What is being inspected: the model's config, the training shape, and where things live."""

    cfg: ModelConfig
    shape: TrainShape
    source: str  # model source (directory or hub id), "" when only a config.json was given
    run_dir: Path | None = None


# ----------------------------------------------------------------------------------------------
# Sources.

def fetch_config(source: str) -> ModelConfig:
    """ModelConfig from a checkpoint directory, a config.json path, or a hub id (config.json only)."""
    path = Path(source).expanduser()
    if path.suffix.lower() == ".gguf" or (path.is_dir() and not (path / "config.json").exists() and any(path.glob("*.gguf"))):
        from models.gguf import GGUFCheckpoint, find_gguf  # the metadata of a GGUF file is its config
        return GGUFCheckpoint(find_gguf(path)).config()
    if path.is_dir():
        return ModelConfig.from_file(path / "config.json")
    if path.is_file():
        return ModelConfig.from_file(path)
    if source.startswith((".", "/", "~")) or not re.fullmatch(r"[\w.-]+/[\w.-]+", source):
        raise InspectError(f"{source}: no such file or directory, and not a hub id like "
                           f"'Qwen/Qwen2.5-Coder-1.5B-Instruct'")
    try:
        return ModelConfig.from_file(hf_hub_download(source, "config.json"))
    except ModelConfigError:
        raise
    except Exception as e:  # offline, gated, no such repo: huggingface_hub has many error types
        raise InspectError(f"{source}: could not fetch config.json from the hub ({type(e).__name__}: {e}); "
                           f"pass a local checkpoint directory or config.json instead") from None


def _resolve_dtype(name: str, device_type: str) -> str:
    if name in ("auto", "", None):
        return "bf16" if device_type == "cuda" else "fp32"
    return {"bfloat16": "bf16", "float16": "fp16", "float32": "fp32"}.get(name, name)


def load_target(source: str, model: str | None = None, **overrides) -> Target:
    """A run config (.toml) or a model source, with TrainShape fields overridden by keyword.

    model: with a run config, a model source (directory, config.json, hub id) used instead of its
    [model] source (e.g. a local config.json when the hub can't be reached).
    """
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if source.endswith(".toml"):
        run = load_config(source)
        cfg = fetch_config(model or run.model.source)
        device_type = overrides.pop("device_type", None) or ("cpu" if run.model.device == "cpu" else "cuda")
        precision = run.train.precision if run.train.precision != "auto" else run.model.dtype
        targets = run.lora.target_modules
        shape = TrainShape(
            seq_len=run.data.max_len, micro_batch=run.train.micro_batch_size, r=run.lora.r,
            target_modules=_all_linear(cfg) if targets == "all-linear" else tuple(targets),
            lora_dropout=run.lora.dropout, dtype=_resolve_dtype(precision, device_type),
            quantize=run.model.quantize == "nf4", double_quant=run.model.double_quant,
            blocksize=run.model.blocksize, checkpointing=run.train.grad_checkpointing,
            device_type=device_type)
        run_dir = Path(run.train.run_dir) if run.train.run_dir else Path("runs") / Path(source).stem
        return Target(cfg, replace(shape, **overrides), model or run.model.source, run_dir)
    cfg = fetch_config(source)
    run_dir = overrides.pop("run_dir", None)
    return Target(cfg, replace(TrainShape(target_modules=_all_linear(cfg)), **overrides), source,
                  Path(run_dir) if run_dir else None)


def _all_linear(cfg: ModelConfig) -> tuple[str, ...]:
    """What "all-linear" adapts: the 7 projections, or a family's own list (qwen3_5: the DeltaNet ones too)."""
    return fm.linear_names(cfg) if fm.is_family(cfg) else DECODER_LINEARS


def measured_peak(run_dir: Path | None) -> tuple[float, str] | None:
    """(highest peak in MB, its kind) from <run_dir>/metrics.jsonl, or None."""
    if run_dir is None or not (Path(run_dir) / "metrics.jsonl").exists():
        return None
    best = None
    for line in (Path(run_dir) / "metrics.jsonl").read_text().splitlines():
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue
        for key, kind in (("peak_allocated_mb", "torch.cuda.max_memory_allocated"),
                          ("peak_rss_mb", "process peak RSS (CPU; includes Python and libraries)")):
            if isinstance(rec.get(key), (int, float)) and (best is None or rec[key] > best[0]):
                best = (float(rec[key]), kind)
    return best


# ----------------------------------------------------------------------------------------------
# Report.

def architecture_text(cfg: ModelConfig) -> str:
    if fm.is_family(cfg):
        return _family_architecture_text(cfg)
    shapes = {n: s for n, s in zip(DECODER_LINEARS, _shapes(cfg))}
    lines = [f"model_type {cfg.model_type}: {cfg.num_hidden_layers} layers, hidden {cfg.hidden_size}, "
             f"vocab {cfg.vocab_size:,}",
             f"attention: {cfg.num_attention_heads} query heads / {cfg.num_key_value_heads} kv heads "
             f"(GQA x{cfg.gqa_groups}), head_dim {cfg.head_dim}, RoPE theta {cfg.rope_theta:g} ({cfg.rope_type})"
             + (", q/k RMSNorm" if cfg.qk_norm else ""),
             f"mlp: SwiGLU, intermediate {cfg.intermediate_size}; RMSNorm eps {cfg.rms_norm_eps:g}",
             f"biases: q/k/v {'yes' if cfg.attention_bias else 'no'}, o {'yes' if cfg.o_proj_bias else 'no'}, "
             f"mlp {'yes' if cfg.mlp_bias else 'no'}; lm_head {'tied to' if cfg.tie_word_embeddings else 'separate from'} "
             f"embed_tokens",
             "per layer (out, in): " + ", ".join(f"{n} {o}x{i}" for n, (o, i) in shapes.items())]
    return "\n".join(lines)


def _shapes(cfg):
    return list(linear_shapes(cfg).values())


def _family_architecture_text(cfg: ModelConfig) -> str:
    kinds = fm.layer_kinds(cfg)
    lines = [f"model_type {cfg.model_type}: {cfg.num_hidden_layers} layers ("
             + ", ".join(f"{n} {k}" for k, n in kinds.items()) + f"), hidden {cfg.hidden_size}, vocab {cfg.vocab_size:,}"]
    if cfg.model_type == "gemma3":
        lines.append(f"attention: {cfg.num_attention_heads} query heads / {cfg.num_key_value_heads} kv heads, head_dim "
                     f"{cfg.head_dim}, sliding window {cfg.sliding_window} (RoPE {cfg.rope_local_theta:g}) on sliding "
                     f"layers, global RoPE {cfg.rope_theta:g} ({cfg.rope_type}); q/k norms; scale "
                     f"{cfg.query_pre_attn_scalar:g}^-1/2; mlp GeGLU {cfg.intermediate_size}"
                     + (f"; logits soft-capped at {cfg.final_logit_softcapping:g}" if cfg.final_logit_softcapping else ""))
    else:
        lines.append(f"gated attention: {cfg.num_attention_heads} / {cfg.num_key_value_heads} heads, head_dim "
                     f"{cfg.head_dim} ({cfg.rotary_dim} rotary, theta {cfg.rope_theta:g}); Gated DeltaNet: "
                     f"{cfg.linear_num_key_heads} key / {cfg.linear_num_value_heads} value heads of "
                     f"{cfg.linear_key_head_dim} / {cfg.linear_value_head_dim}, conv {cfg.linear_conv_kernel_dim}; "
                     f"mlp SwiGLU {cfg.intermediate_size}")
    seen = {}
    for kind, layer in zip(cfg.layer_types, fm.layer_linears(cfg)):
        seen.setdefault(kind, layer)
    for kind, layer in seen.items():
        lines.append(f"{kind} layer (out, in): " + ", ".join(f"{n} {o}x{i}" for n, (o, i) in layer.items()))
    lines.append(f"lm_head {'tied to' if cfg.tie_word_embeddings else 'separate from'} embed_tokens")
    return "\n".join(lines)


def decoding_text(cfg: ModelConfig, batch: int = 8, max_len: int = 2048, dtype: str = "bf16") -> str:
    """The decoding state of `batch` rows of `max_len` slots: KV caches, window rings, DeltaNet states."""
    if fm.is_family(cfg):
        nbytes, what = fm.decoding_cache(cfg, batch, max_len, dtype)
    else:
        nbytes = 2 * cfg.num_hidden_layers * batch * cfg.kv_size * max_len * DTYPE_BYTES[dtype]
        what = f"layers 0-{cfg.num_hidden_layers - 1}: full KV ({max_len} slots)"
    return (f"decoding state, {batch} rows x {max_len} slots ({dtype}): {fmt_mb(nbytes)}\n  {what}")


def counts_text(cfg: ModelConfig) -> str:
    counts = parameter_counts(cfg)
    total = sum(counts.values())
    rows = [f"  {k:20s} {v:>15,}  {100 * v / total:5.1f}%" for k, v in counts.items()]
    if cfg.tie_word_embeddings:
        rows[-1] = f"  {'lm_head':20s} {'tied':>15s}"
    return "parameters\n" + "\n".join(rows) + f"\n  {'total':20s} {total:>15,}"


def memory_text(t: Target, budget_gb: float = DEFAULT_BUDGET_GB) -> str:
    s, cfg = t.shape, t.cfg
    pred = predict_peak_memory(cfg, s)
    quant_bits, model_bits = bits_per_parameter(cfg, s)
    head = (f"memory of one training micro-step: seq {s.seq_len} x batch {s.micro_batch}, LoRA r={s.r} on "
            f"{len(s.target_modules) if s.r else 0} projections (dropout {s.lora_dropout:g}), {s.dtype} compute"
            f"{' (autocast)' if s.dtype != 'fp32' else ''}, {'NF4' if s.quantize else 'dense'} base"
            f"{' + double quant' if s.quantize and s.double_quant else ''}, "
            f"checkpointing {'on' if s.checkpointing else 'off'}, loss chunk {s.chunk_size} rows, {s.device_type}")
    lines = [head]
    group_names = {"weights": "base weights", "lora": "LoRA training state",
                   "activations": f"activations at the peak ({pred.peak_phase})"}
    for group in ("weights", "lora", "activations"):
        items = [i for i in pred.items if i.group == group]
        if not items:
            continue
        lines.append(f"  {group_names[group]}")
        for i in items:
            lines.append(f"    {i.name:42s} {fmt_mb(i.bytes):>12s}  {i.note}")
        lines.append(f"    {'subtotal':42s} {fmt_mb(sum(i.bytes for i in items)):>12s}")
    saved = layer_saved_bytes(cfg, s)
    lines.append("  one recomputed layer keeps: " + ", ".join(f"{k} {v / MB:.1f}" for k, v in saved.items()) + " (MB)")
    other = {k: v for k, v in pred.phases.items() if k != pred.peak_phase}
    for k, v in other.items():
        lines.append(f"  other high-water mark: {k}, activations {fmt_mb(v)}")
    budget = budget_gb * 1e9
    verdict = "fits" if pred.peak <= budget else "does NOT fit"
    lines.append(f"  predicted peak {fmt_mb(pred.peak)} = {100 * pred.peak / budget:.0f}% of a {budget_gb:g} GB "
                 f"budget: {verdict} (plus CUDA context and allocator slack, typically 0.3-0.6 GB)")
    if s.quantize:
        lines.append(f"  bits per quantized weight {quant_bits:.3f}; bits per base-model parameter "
                     f"(embeddings and norms in {s.dtype} included) {model_bits:.2f}")
    lines.append("")
    lines.append("  what each idea buys (predicted peak; the difference to the configured step)")
    vs = variants(cfg, s)
    base = vs["as configured"].peak
    for name, v in vs.items():
        delta = "" if name == "as configured" else f"{(v.peak - base) / MB:+,.0f} MB"
        weights = sum(i.bytes for i in v.items if i.group == "weights")
        lines.append(f"    {name:26s} peak {fmt_mb(v.peak):>12s} {delta:>12s}   weights {fmt_mb(weights):>11s}   "
                     f"activations {fmt_mb(v.activation_bytes):>11s}")
    got = measured_peak(t.run_dir)
    if got is not None:
        mb, kind = got
        lines.append(f"  measured peak in {t.run_dir}/metrics.jsonl: {mb:,.1f} MiB ({kind}) = {mb * 2**20 / MB:,.1f} MB;"
                     f" predicted {fmt_mb(pred.peak)} ({100 * pred.peak / (mb * 2**20):.0f}% of measured)")
        if "RSS" in kind:
            lines.append("    (RSS counts the whole process, not tensors: on CPU, engine.inspect.memtrace.measure_training_step "
                         "gives the exact tensor peak to compare)")
        else:
            lines.append("    (the prediction counts the micro-batch at the configured seq len; the measurement, the "
                         "longest batch the run saw)")
    elif t.run_dir is not None:
        lines.append(f"  (no {t.run_dir}/metrics.jsonl yet: train first to see the measured peak here)")
    return "\n".join(lines)


def ranks_text(t: Target, ranks: int, grad_accum: int = 1) -> str:
    """What each rank of a data-parallel run holds (engine/distributed.py): a full copy of everything
    above, its own micro-batch's activations, and one all-reduce bucket after the backward."""
    s, pred = t.shape, predict_peak_memory(t.cfg, t.shape)
    lora = pred.group_bytes("lora")
    grads = next((i.bytes for i in pred.items if i.name.startswith("LoRA grads")), 0)
    bucket = min(BUCKET_BYTES, grads)
    peak = max(pred.peak, pred.static_bytes + bucket)  # the reduction runs after the backward has freed activations
    rows = [("base weights", pred.group_bytes("weights"), "a full copy on every rank: data parallelism replicates"),
            ("LoRA training state", lora, "a full copy; every rank applies the same summed gradients"),
            (f"activations ({pred.peak_phase})", pred.activation_bytes,
             f"of this rank's own micro-batch ({s.seq_len} x {s.micro_batch})"),
            ("gradient all-reduce bucket", bucket, f"one flat bucket at a time, after the backward (<= "
                                                   f"{BUCKET_BYTES / 2**20:.0f} MiB)")]
    lines = [f"per rank under torchrun --nproc_per_node {ranks} (data parallel, engine/distributed.py)"]
    lines += [f"  {name:42s} {fmt_mb(b):>12s}  {note}" for name, b, note in rows]
    lines.append(f"  predicted peak per rank {fmt_mb(peak)} (the one-GPU peak: more ranks do not lower it); NCCL's own "
                 f"buffers are outside torch's allocator and not counted")
    lines.append(f"  one optimizer step: {ranks} ranks x grad_accum {grad_accum} x {s.micro_batch} sequences = "
                 f"{ranks * grad_accum * s.micro_batch}; a model that does not fit one GPU needs sharding (FSDP, "
                 f"not built: docs/multi_gpu.md)")
    return "\n".join(lines)


def report(t: Target, budget_gb: float = DEFAULT_BUDGET_GB, ranks: int = 1, grad_accum: int = 1) -> str:
    parts = [architecture_text(t.cfg), counts_text(t.cfg), memory_text(t, budget_gb),
             decoding_text(t.cfg, dtype=t.shape.dtype)]
    return "\n\n".join(parts + ([ranks_text(t, ranks, grad_accum)] if ranks > 1 else []))


# ----------------------------------------------------------------------------------------------
# CLI.

def _parse_layers(text: str | None) -> set[int] | None:
    if not text:
        return None
    try:
        out = set()
        for part in text.split(","):
            lo, _, hi = part.partition("-")
            out.update(range(int(lo), int(hi or lo) + 1))
        return out
    except ValueError:
        raise InspectError(f"--layers {text!r}: expected layer indices like '0,5,27' or '0-3'") from None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m engine.inspect", description=__doc__.split("\n")[0])
    ap.add_argument("source", help="run config (.toml), checkpoint directory, config.json, or hub id")
    ap.add_argument("--model", help="with a run config: model source to use instead of its [model] source")
    ap.add_argument("--seq-len", type=int, help="tokens per sequence (default: data.max_len of a run config, else 512)")
    ap.add_argument("--micro-batch", type=int, help="sequences per forward/backward (default 2)")
    ap.add_argument("--r", type=int, help="LoRA rank (default 16; 0: no adapter)")
    ap.add_argument("--dropout", type=float, help="LoRA dropout (default 0.05)")
    ap.add_argument("--targets", help="comma-separated LoRA targets (default: all 7 projections)")
    ap.add_argument("--dtype", choices=sorted(DTYPE_BYTES), help="compute dtype (default bf16)")
    ap.add_argument("--no-quantize", action="store_true", help="dense base weights (plain LoRA)")
    ap.add_argument("--no-double-quant", action="store_true", help="fp32 absmax scales")
    ap.add_argument("--no-checkpointing", action="store_true", help="keep every layer's activations")
    ap.add_argument("--chunk-size", type=int, help="rows per cross-entropy chunk (default 256)")
    ap.add_argument("--device-type", choices=("cuda", "cpu"), help="where the step runs (default cuda)")
    ap.add_argument("--budget-gb", type=float, default=DEFAULT_BUDGET_GB, help="GPU memory budget (default 6)")
    ap.add_argument("--run-dir", help="run directory whose metrics.jsonl holds the measured peak")
    ap.add_argument("--ranks", type=int, default=1, help="data-parallel ranks (torchrun --nproc_per_node): what each holds")
    ap.add_argument("--quant-error", action="store_true", help="quantization error report (reads the weights)")
    ap.add_argument("--layers", help="with --quant-error: layer indices, e.g. '0,13,27' or '0-3' (default all)")
    ap.add_argument("--png", help="with --quant-error: directory for one histogram PNG per weight (matplotlib)")
    args = ap.parse_args(argv)
    try:
        t = load_target(
            args.source, model=args.model, seq_len=args.seq_len, micro_batch=args.micro_batch, r=args.r, lora_dropout=args.dropout,
            target_modules=tuple(args.targets.split(",")) if args.targets else None, dtype=args.dtype,
            quantize=False if args.no_quantize else None, double_quant=False if args.no_double_quant else None,
            checkpointing=False if args.no_checkpointing else None, chunk_size=args.chunk_size,
            device_type=args.device_type, run_dir=args.run_dir)
        if args.ranks < 1:
            raise InspectError(f"--ranks {args.ranks}: use 1 or more")
        accum = load_config(args.source).train.grad_accum if args.source.endswith(".toml") else 1
        print(report(t, args.budget_gb, ranks=args.ranks, grad_accum=accum))
        if args.quant_error:
            if not t.source:
                raise InspectError("--quant-error needs the weights: pass a checkpoint directory or hub id")
            errors = [quant_error(k, w, t.shape.blocksize, t.shape.double_quant)
                      for k, w in iter_linear_weights(t.source, _parse_layers(args.layers))]
            print()
            print(quant_error_text(errors))
            if args.png:
                try:
                    paths = save_histograms(t.source, errors, args.png)
                    print(f"wrote {len(paths)} histogram(s) to {args.png}")
                except ImportError as e:
                    print(f"no histograms: {e}")
    except (InspectError, ModelConfigError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
