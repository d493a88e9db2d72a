"""Predicted vs measured peak memory of one QLoRA training step (engine/inspect/memory.py against reality).

    python bench/memory_predict.py                      # Qwen2.5-Coder-1.5B shapes, random weights, CUDA
    python bench/memory_predict.py --config path/config.json --seq-len 1024 --micro-batch 1
    python bench/memory_predict.py --tiny --device cpu  # a tiny shape on CPU (exact tensor accounting)

Builds the model with random weights of the real shapes (values change neither speed nor memory),
quantizes the decoder linears to NF4 (kernels/nf4_linear.py), wraps them with LoRA (engine/lora.py),
and runs training steps as engine/train.py does (autocast bf16 on CUDA, fp32 on CPU; checkpointing;
chunked cross-entropy; fused AdamW on CUDA). Prints a table and writes JSON:

- predicted: `predict_peak_memory` from the config alone;
- tracked:   the exact peak of live tensor bytes (engine/inspect/memtrace.py), on any device;
- allocated: `torch.cuda.max_memory_allocated` (CUDA only; adds allocator rounding and workspaces).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.lora import apply_lora  # noqa: E402
from engine.inspect.memory import DECODER_LINEARS, TrainShape, predict_peak_memory  # noqa: E402
from engine.inspect.memtrace import measure_training_step  # noqa: E402
from kernels.nf4_linear import NF4Linear  # noqa: E402
from models.config import ModelConfig  # noqa: E402
from models.transformer import CausalLM  # noqa: E402

QWEN_CODER_1P5B = {"model_type": "qwen2", "hidden_size": 1536, "intermediate_size": 8960, "num_hidden_layers": 28,
                   "num_attention_heads": 12, "num_key_value_heads": 2, "vocab_size": 151936,
                   "rope_theta": 1000000.0, "rms_norm_eps": 1e-6, "tie_word_embeddings": True}
TINY = {"model_type": "qwen2", "hidden_size": 256, "intermediate_size": 704, "num_hidden_layers": 4,
        "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 4096, "tie_word_embeddings": True}


def build(cfg: ModelConfig, dtype: torch.dtype, device: str, r: int, dropout: float) -> CausalLM:
    torch.manual_seed(0)
    with torch.device(device):
        model = CausalLM(cfg).to(dtype)
    for layer in model.model.layers:
        for parent in (layer.self_attn, layer.mlp):
            for name, child in list(parent.named_children()):
                if name in DECODER_LINEARS:
                    nn.init.normal_(child.weight, std=0.02)
                    setattr(parent, name, NF4Linear.from_linear(child))
                    del child
    if device == "cuda":
        torch.cuda.empty_cache()
    apply_lora(model, r=r, alpha=2 * r, dropout=dropout)
    return model


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", help="a config.json (default: Qwen2.5-Coder-1.5B's shapes)")
    ap.add_argument("--tiny", action="store_true", help="hidden 256, 4 layers, vocab 4096")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--seq-len", type=int, default=512)
    ap.add_argument("--micro-batch", type=int, default=2)
    ap.add_argument("--r", type=int, default=16)
    ap.add_argument("--dropout", type=float, default=0.05)
    ap.add_argument("--no-checkpointing", action="store_true")
    ap.add_argument("--out", default="bench/memory_predict.json")
    args = ap.parse_args(argv)
    hf = json.loads(Path(args.config).read_text()) if args.config else (TINY if args.tiny else QWEN_CODER_1P5B)
    cfg = ModelConfig.from_hf(hf)
    cuda = args.device.startswith("cuda")
    dtype = torch.bfloat16 if cuda else torch.float32
    model = build(cfg, dtype, args.device, args.r, args.dropout)
    model.gradient_checkpointing = not args.no_checkpointing
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4, fused=True if cuda else None)
    ids = torch.randint(0, cfg.vocab_size, (args.micro_batch, args.seq_len), device=args.device)
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    mem = measure_training_step(model, ids, ids.clone(), optimizer=opt, autocast_dtype=torch.bfloat16 if cuda else None)
    step_s = time.perf_counter() - t0
    allocated = torch.cuda.max_memory_allocated() if cuda else None
    reserved = torch.cuda.max_memory_reserved() if cuda else None
    shape = TrainShape(seq_len=args.seq_len, micro_batch=args.micro_batch, r=args.r, lora_dropout=args.dropout,
                       dtype="bf16" if cuda else "fp32", checkpointing=not args.no_checkpointing,
                       device_type="cuda" if cuda else "cpu")
    pred = predict_peak_memory(cfg, shape)
    rows = [("predicted peak (engine.inspect.memory)", pred.peak), ("tracked tensor peak (engine.inspect.memtrace)", mem.peak),
            ("tracked baseline: weights + LoRA + AdamW", mem.baseline),
            ("predicted static (incl. LoRA grads)", pred.static_bytes)]
    if cuda:
        rows += [("torch.cuda.max_memory_allocated", allocated), ("torch.cuda.max_memory_reserved", reserved)]
    print(f"{hf['model_type']} hidden {cfg.hidden_size} x {cfg.num_hidden_layers} layers, seq {args.seq_len} x "
          f"{args.micro_batch}, r={args.r}, {args.device}, step {step_s:.1f} s (tracked, incl. one optimizer warm-up)")
    for name, b in rows:
        print(f"  {name:42s} {b / 1e6:12,.1f} MB")
    print(f"  predicted / tracked = {pred.peak / mem.peak:.3f}"
          + (f"; predicted / allocated = {pred.peak / allocated:.3f}" if cuda else ""))
    print(f"  predicted high-water marks (activations): " +
          ", ".join(f"{k} {v / 1e6:,.1f} MB" for k, v in pred.phases.items()))
    result = {"config": hf, "shape": shape.__dict__, "device": args.device, "predicted_peak": pred.peak,
              "predicted_phases": pred.phases, "tracked_peak": mem.peak, "tracked_baseline": mem.baseline,
              "tracked_phase_peaks": mem.phase_peaks, "max_memory_allocated": allocated,
              "max_memory_reserved": reserved}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
