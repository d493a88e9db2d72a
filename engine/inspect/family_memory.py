"""Memory of the families with their own model file (gemma3, qwen3_5), counted on the model itself.

Their layers differ from one another (sliding and global attention; Gated DeltaNet and gated
attention), so instead of the formulas engine/inspect/memory.py writes out for the uniform families,
the X-ray asks the model, without weights and without memory:

- parameters and the shape of every linear: the model built on the meta device;
- what autograd keeps for one layer of each kind in a training step: the layer, with LoRA on the
  targets, run once on fake tensors (torch's FakeTensorMode: shapes and dtypes, no data) under the
  step's autocast, each saved storage counted once, as tests/engine/inspect/test_xray.py counts it
  on real tensors (equal for Gemma 3's layers and Qwen3.5's attention, within 2% for its DeltaNet
  layer, whose matmuls copy a little differently on fake tensors). Counted as on CPU: PyTorch's CPU
  attention keeps a float copy of a boolean mask (sliding layers: (T, T) per layer); CUDA kernels may keep less;
- the decoding state: `model.new_cache(...)` on the meta device (full KV, window rings, DeltaNet states).
"""

from __future__ import annotations

import contextlib
import warnings

import torch
from torch import nn

from models.config import ModelConfig
from models.families import model_class

FAMILIES = ("gemma3", "qwen3_5")
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
_CACHE: dict = {}  # config (and training shape) -> meta model, saved bytes


def is_family(cfg: ModelConfig) -> bool:
    return cfg.model_type in FAMILIES


def meta_model(cfg: ModelConfig) -> nn.Module:
    """The model of `cfg` on the meta device (built once per config)."""
    key = repr(cfg)
    if key not in _CACHE:
        with torch.device("meta"):
            _CACHE[key] = model_class(cfg)(cfg)
    return _CACHE[key]


def linear_names(cfg: ModelConfig) -> tuple[str, ...]:
    """The linears of a decoder layer ("all-linear" LoRA's targets, NF4's), in the family's order."""
    return tuple(meta_model(cfg).linears)


def layer_linears(cfg: ModelConfig) -> list[dict[str, tuple[int, int]]]:
    """(out, in) of each decoder linear, per layer."""
    names = set(linear_names(cfg))
    return [{n.rpartition(".")[2]: (m.out_features, m.in_features) for n, m in layer.named_modules()
             if isinstance(m, nn.Linear) and n.rpartition(".")[2] in names}
            for layer in meta_model(cfg).model.layers]


def parameter_counts(cfg: ModelConfig) -> dict[str, int]:
    """Parameters by kind, from the meta-built model (lm_head 0 when tied)."""
    model = meta_model(cfg)
    linears = set(linear_names(cfg))
    counts = {"embedding": 0, "attention linears": 0, "mlp linears": 0}
    if cfg.model_type == "qwen3_5":
        counts["deltanet linears"] = 0
        counts["deltanet conv + decay"] = 0
    counts.update({"norms": 0, "biases": 0, "lm_head": 0})
    for name, p in model.named_parameters():  # tied weights appear once
        module, _, leaf = name.rpartition(".")
        owner = module.rpartition(".")[2]
        if name.startswith("model.embed_tokens"):
            kind = "embedding"
        elif name.startswith("lm_head"):
            kind = "lm_head"
        elif leaf == "bias":
            kind = "biases"
        elif owner in linears:
            kind = ("deltanet linears" if ".linear_attn." in name else "mlp linears" if ".mlp." in name
                    else "attention linears")
        elif "norm" in name:
            kind = "norms"
        else:  # conv1d.weight, A_log, dt_bias
            kind = "deltanet conv + decay"
        counts[kind] += p.numel()
    return counts


def lora_param_count(cfg: ModelConfig, r: int, targets) -> int:
    return sum(r * (o + i) for layer in layer_linears(cfg) for n, (o, i) in layer.items() if n in targets)


def rope_buffer_bytes(cfg: ModelConfig) -> int:
    return sum(b.numel() * 4 for b in meta_model(cfg).buffers())


def rope_bytes(cfg: ModelConfig, tokens: int, d: int) -> int:
    """cos and sin of one micro-batch: one pair per RoPE (gemma3: local and global), rotary dims only."""
    return sum(2 * tokens * 2 * b.numel() * d for b in meta_model(cfg).buffers())


def layer_kinds(cfg: ModelConfig) -> dict[str, int]:
    """Layer kind -> how many layers have it."""
    out: dict[str, int] = {}
    for kind in cfg.layer_types:
        out[kind] = out.get(kind, 0) + 1
    return out


def saved_by_kind(cfg: ModelConfig, s) -> dict[str, int]:
    """Bytes autograd keeps for one decoder layer of each kind (its input excluded), counted on fake tensors."""
    from torch._subclasses.fake_tensor import FakeTensorMode

    from engine.lora import apply_lora, lora_modules
    from models.cache import slot_mask
    from models.gemma3 import rope_cos_sin

    key = ("saved", repr(cfg), repr(s))
    if key in _CACHE:
        return _CACHE[key]
    dtype = DTYPES[s.dtype]
    model = meta_model(cfg)
    out = {}
    B, T = s.micro_batch, s.seq_len
    before = torch.get_default_dtype()
    for kind in layer_kinds(cfg):
        idx = cfg.layer_types.index(kind)
        with FakeTensorMode(allow_non_fake_inputs=True):
            torch.set_default_dtype(dtype)  # the base weights in the compute dtype, as load_model makes them
            try:
                layer = type(model.model.layers[idx])(cfg, idx)
            finally:
                torch.set_default_dtype(before)
            targets = [n for n, m in layer.named_modules() if isinstance(m, nn.Linear) and n.rpartition(".")[2] in s.target_modules]
            if s.r > 0 and targets:
                apply_lora(layer, r=s.r, alpha=2 * s.r, dropout=s.lora_dropout, target_modules=targets)
                for m in lora_modules(layer).values():
                    m.fused = s.fused_lora
            else:
                layer.requires_grad_(False)
            layer.train()
            x = torch.zeros(B, T, cfg.hidden_size, dtype=dtype, requires_grad=True)
            inv = next(b for name, b in model.named_buffers() if name == ("inv_freq_local" if kind == "sliding_attention"
                                                                          else "inv_freq"))
            cos, sin = rope_cos_sin(torch.zeros(inv.shape), torch.zeros(B, T, dtype=torch.long), dtype)
            if cfg.model_type == "gemma3":
                mask = (slot_mask(torch.arange(T), torch.arange(T), None, cfg.sliding_window)
                        if kind == "sliding_attention" else None)
                args = (x, cos, sin, mask)
            else:
                args = (x, cos, sin, None, None)
            with warnings.catch_warnings():  # LoRA's cast cache keys on data pointers, which fake tensors warn about
                warnings.simplefilter("ignore")
                out[kind] = _saved_bytes(layer, args, dtype if dtype != torch.float32 else None)
    _CACHE[key] = out
    return out


def _saved_bytes(layer: nn.Module, args, autocast_dtype) -> int:
    exclude = {t.untyped_storage()._cdata for t in [*layer.parameters(), *layer.buffers(),
                                                    *(a for a in args if isinstance(a, torch.Tensor))]}
    seen: dict[int, int] = {}

    def pack(t):
        st = t.untyped_storage()
        if st._cdata not in exclude:
            seen[st._cdata] = st.nbytes()
        return t

    ac = torch.autocast("cpu", dtype=autocast_dtype) if autocast_dtype else contextlib.nullcontext()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t), ac:
        layer(*args)
    return sum(seen.values())


def decoding_cache(cfg: ModelConfig, batch: int, max_len: int, dtype: str = "bf16") -> tuple[int, str]:
    """(bytes, which layers hold what) of the decoding state for `batch` rows of `max_len` slots."""
    cache = meta_model(cfg).new_cache(batch, max_len, dtype=DTYPES[dtype], device="meta")
    return cache.nbytes, cache.describe()
