"""Gemma 3 (text): sliding-window and global attention layers, four norms per layer, GeGLU.

What differs from models/transformer.py (Gemma 3 report: https://arxiv.org/abs/2503.19786):
- embeddings multiplied by sqrt(hidden), the scale rounded to the compute dtype first (as transformers does);
- RMSNorm is zero-centred: x / rms(x) * (1 + w), in fp32, then cast (`ZeroCenteredRMSNorm`);
- each layer: h = x + post_attention_norm(attn(input_norm(x))); out = h + post_ffw_norm(mlp(pre_ffw_norm(h)));
- q and k are RMS-normed over head_dim before RoPE; attention is scaled by query_pre_attn_scalar^-1/2;
- `layer_types`: sliding_attention layers see the last `sliding_window` positions (q - W < k <= q) and use
  the local RoPE base (10k); full_attention layers see everything and use the global base (1M), with the
  config's rope scaling (linear x8 on the 4B+ models);
- MLP: down(gelu_tanh(gate(x)) * up(x));
- logits optionally soft-capped: cap * tanh(logits / cap) (`SoftcappedHead`, a plain nn.Linear otherwise);
- tied embeddings, a 262k vocabulary.

Decoding keeps a `models.cache.LayerCache`: full KV for global layers, a ring of the last W slots for
sliding ones (`new_cache`). Module names equal transformers' Gemma3ForCausalLM keys; a multimodal
checkpoint's text weights (`model.language_model.*`, or the older `language_model.model.*`) load,
its vision tower and projector are skipped (`Gemma3Config.checkpoint_key`).

Shapes: B batch, T new tokens, S key slots, nh / nkv heads, hd head_dim.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from kernels.rope import apply_rope

from .cache import FullKV, LayerCache, WindowKV, key_slots, read_write, slot_mask
from .config import ModelConfig, ModelConfigError, _rope_fields, rope_inv_freq
from .families import base_fields, text_part

LAYER_TYPES = ("sliding_attention", "full_attention")
# transformers' Gemma3TextConfig defaults: a multimodal config.json lists only what differs from them.
DEFAULTS = dict(vocab_size=262_208, hidden_size=2304, intermediate_size=9216, num_hidden_layers=26,
                num_attention_heads=8, num_key_value_heads=4, head_dim=256, rms_norm_eps=1e-6,
                max_position_embeddings=131_072, tie_word_embeddings=True, bos_token_id=2, eos_token_id=1,
                pad_token_id=0)
VISION_PREFIXES = ("model.vision_tower.", "vision_tower.", "model.multi_modal_projector.", "multi_modal_projector.")
# Every linear of a decoder layer: what "all-linear" LoRA adapts and what NF4 quantizes.
LINEARS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass(frozen=True)
class Gemma3Config(ModelConfig):
    model_types: ClassVar[tuple[str, ...]] = ("gemma3",)
    activations: ClassVar[tuple[str, ...]] = ("gelu_pytorch_tanh",)

    sliding_window: int = 4096
    layer_types: tuple[str, ...] = ()  # one of LAYER_TYPES per layer
    rope_local_theta: float = 10000.0  # RoPE base of sliding layers (rope_theta: of full ones)
    query_pre_attn_scalar: float = 256.0  # attention scores are scaled by its -1/2 power
    final_logit_softcapping: float | None = None
    multimodal: bool = False  # the checkpoint is Gemma3ForConditionalGeneration's: text weights under language_model

    def __post_init__(self):
        super().__post_init__()
        problems = []
        if len(self.layer_types) != self.num_hidden_layers:
            problems.append(f"layer_types has {len(self.layer_types)} entries for {self.num_hidden_layers} layers")
        bad = sorted(set(self.layer_types) - set(LAYER_TYPES))
        if bad:
            problems.append(f"layer_types {bad} are not supported (supported: {', '.join(LAYER_TYPES)})")
        if not isinstance(self.sliding_window, int) or self.sliding_window <= 0:
            problems.append(f"sliding_window must be a positive integer, got {self.sliding_window!r}")
        if problems:
            raise ModelConfigError("; ".join(problems))

    @classmethod
    def from_hf(cls, hf: dict) -> "Gemma3Config":
        """From Gemma3ForCausalLM's config.json (`gemma3_text`) or the text_config of a multimodal `gemma3` one."""
        text, multimodal = text_part(hf, "gemma3_text", "Gemma3ForCausalLM")
        if text.get("attn_logit_softcapping") is not None:
            raise ModelConfigError("attn_logit_softcapping is not supported (Gemma 3 checkpoints have none; Gemma 2's do)")
        if text.get("use_bidirectional_attention"):
            raise ModelConfigError("use_bidirectional_attention=true is not supported (only causal attention)")
        layers = text.get("num_hidden_layers") or DEFAULTS["num_hidden_layers"]
        layer_types = text.get("layer_types")
        if layer_types is None:  # older configs: every `sliding_window_pattern`-th layer is global
            pattern = int(text.get("sliding_window_pattern") or 6)
            layer_types = ["sliding_attention" if (i + 1) % pattern else "full_attention" for i in range(layers)]
        params = text.get("rope_parameters")
        if isinstance(params, dict) and ("full_attention" in params or "sliding_attention" in params):
            full, local = params.get("full_attention") or {}, params.get("sliding_attention") or {}
            rope = _rope_fields({"rope_parameters": {"rope_theta": 1_000_000.0, **full}})
            if local.get("rope_type", "default") != "default":
                raise ModelConfigError(f"rope scaling of sliding layers ({local.get('rope_type')!r}) is not supported")
            local_theta = local.get("rope_theta", 10_000.0)
        else:
            rope = _rope_fields({"rope_theta": text.get("rope_theta", 1_000_000.0), "rope_scaling": text.get("rope_scaling")})
            local_theta = text.get("rope_local_base_freq", 10_000.0)
        act = text.get("hidden_activation") or text.get("hidden_act") or "gelu_pytorch_tanh"
        bias = bool(text.get("attention_bias", False))
        return cls(model_type="gemma3", **base_fields(text, DEFAULTS), **rope, attention_bias=bias, o_proj_bias=bias,
                   qk_norm=True, hidden_act=act, sliding_window=int(text.get("sliding_window") or 4096),
                   layer_types=tuple(layer_types), rope_local_theta=float(local_theta),
                   query_pre_attn_scalar=float(text.get("query_pre_attn_scalar") or 256),
                   final_logit_softcapping=text.get("final_logit_softcapping"), multimodal=multimodal, hf_config=text)

    def checkpoint_key(self, key: str) -> str | None:
        """Our name for a checkpoint tensor: the text model's, under `model.`; None for the vision tower."""
        if not self.multimodal:
            return key
        if key.startswith(VISION_PREFIXES):
            return None
        for old, new in (("model.language_model.", "model."), ("language_model.model.", "model."),
                         ("language_model.lm_head.", "lm_head.")):
            if key.startswith(old):
                return new + key[len(old):]
        return key

    def skip_reason(self, key: str) -> str:
        return "the vision tower and its projector (only the text model is supported)"

    @property
    def local_rope(self) -> ModelConfig:
        """The config of the sliding layers' RoPE: the local base, no scaling."""
        return replace(self, rope_theta=self.rope_local_theta, rope_type="default", rope_factor=1.0)


# ----------------------------------------------------------------------------------------------
# Layers.

class ZeroCenteredRMSNorm(nn.Module):
    """x / rms(x) * (1 + weight), in fp32, cast back to x's dtype; weight starts at 0.

    Gemma's and Qwen3.5's norm: the multiply happens before the cast (Llama's casts first).
    """

    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(dim))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = x.float()
        h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + self.eps)
        return (h * (1.0 + self.weight.float())).to(x.dtype)


class ScaledEmbedding(nn.Embedding):
    """Embedding rows times sqrt(hidden); the scale is rounded to the weight dtype (bf16: sqrt(640) -> 25.25)."""

    def __init__(self, num: int, dim: int, scale: float):
        super().__init__(num, dim)
        self.scale = scale

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return super().forward(ids) * torch.tensor(self.scale, dtype=self.weight.dtype, device=self.weight.device)


class SoftcappedHead(nn.Linear):
    """lm_head with tanh soft-capping: cap * tanh(x W^T / cap) (Gemma 2's final_logit_softcapping)."""

    def __init__(self, in_features: int, out_features: int, cap: float):
        super().__init__(in_features, out_features, bias=False)
        self.cap = float(cap)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(super().forward(x) / self.cap) * self.cap


class Gemma3Attention(nn.Module):
    def __init__(self, cfg: Gemma3Config, layer_idx: int):
        super().__init__()
        self.cfg, self.layer_idx = cfg, layer_idx
        self.window = cfg.sliding_window if cfg.layer_types[layer_idx] == "sliding_attention" else None
        h, bias = cfg.hidden_size, cfg.attention_bias
        self.q_proj = nn.Linear(h, cfg.q_size, bias=bias)
        self.k_proj = nn.Linear(h, cfg.kv_size, bias=bias)
        self.v_proj = nn.Linear(h, cfg.kv_size, bias=bias)
        self.o_proj = nn.Linear(cfg.q_size, h, bias=bias)
        self.q_norm = ZeroCenteredRMSNorm(cfg.head_dim, cfg.rms_norm_eps)
        self.k_norm = ZeroCenteredRMSNorm(cfg.head_dim, cfg.rms_norm_eps)
        self.scale = cfg.query_pre_attn_scalar ** -0.5

    def forward(self, x, cos, sin, mask, cache: LayerCache | None = None, cache_pos=0):
        cfg = self.cfg
        B, T, _ = x.shape
        q = self.q_norm(self.q_proj(x).view(B, T, cfg.num_attention_heads, cfg.head_dim)).transpose(1, 2)
        k = self.k_norm(self.k_proj(x).view(B, T, cfg.num_key_value_heads, cfg.head_dim)).transpose(1, 2)
        v = self.v_proj(x).view(B, T, cfg.num_key_value_heads, cfg.head_dim).transpose(1, 2)  # (B, n, T, hd)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        k, v = read_write(None if cache is None else cache.layers[self.layer_idx], k, v, cache_pos)  # (B, nkv, S, hd)
        return self.o_proj(attention(q, k, v, mask, self.scale).transpose(1, 2).reshape(B, T, cfg.q_size))


def attention(q, k, v, mask, scale: float) -> torch.Tensor:
    """SDPA over grouped KV heads: q (B, nh, T, hd), k, v (B, nkv, S, hd); mask None = causal."""
    groups = q.shape[1] // k.shape[1]
    if groups > 1:
        k, v = k.repeat_interleave(groups, dim=1), v.repeat_interleave(groups, dim=1)
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=mask is None, scale=scale)


class GeGLU(nn.Module):
    """down(gelu_tanh(gate(x)) * up(x)) (https://arxiv.org/abs/2002.05202)."""

    def __init__(self, cfg: Gemma3Config):
        super().__init__()
        h, i = cfg.hidden_size, cfg.intermediate_size
        self.gate_proj = nn.Linear(h, i, bias=False)
        self.up_proj = nn.Linear(h, i, bias=False)
        self.down_proj = nn.Linear(i, h, bias=False)

    def forward(self, x):
        return self.down_proj(F.gelu(self.gate_proj(x), approximate="tanh") * self.up_proj(x))


class Gemma3DecoderLayer(nn.Module):
    def __init__(self, cfg: Gemma3Config, layer_idx: int):
        super().__init__()
        h, eps = cfg.hidden_size, cfg.rms_norm_eps
        self.self_attn = Gemma3Attention(cfg, layer_idx)
        self.mlp = GeGLU(cfg)
        self.input_layernorm = ZeroCenteredRMSNorm(h, eps)
        self.post_attention_layernorm = ZeroCenteredRMSNorm(h, eps)
        self.pre_feedforward_layernorm = ZeroCenteredRMSNorm(h, eps)
        self.post_feedforward_layernorm = ZeroCenteredRMSNorm(h, eps)

    def forward(self, x, cos, sin, mask, cache=None, cache_pos=0):
        x = x + self.post_attention_layernorm(self.self_attn(self.input_layernorm(x), cos, sin, mask, cache, cache_pos))
        return x + self.post_feedforward_layernorm(self.mlp(self.pre_feedforward_layernorm(x)))


class Gemma3Backbone(nn.Module):
    """Everything but the lm_head; named `model` in the checkpoint."""

    def __init__(self, cfg: Gemma3Config):
        super().__init__()
        self.embed_tokens = ScaledEmbedding(cfg.vocab_size, cfg.hidden_size, math.sqrt(cfg.hidden_size))
        self.layers = nn.ModuleList(Gemma3DecoderLayer(cfg, i) for i in range(cfg.num_hidden_layers))
        self.norm = ZeroCenteredRMSNorm(cfg.hidden_size, cfg.rms_norm_eps)


# ----------------------------------------------------------------------------------------------
# The model.

def positions(attention_mask, B: int, T: int, cache_pos, device) -> torch.Tensor:
    """Position ids (B, T): the count of real tokens before each new one (a left-padded row gets the
    positions it would have alone); without a mask, the slots themselves."""
    static = isinstance(cache_pos, torch.Tensor)
    start = cache_pos.reshape(-1)[:1] if static else cache_pos
    slots = (start + torch.arange(T, device=device)).expand(B, T)
    if attention_mask is None:
        return slots
    return (attention_mask.long().cumsum(-1) - 1).clamp(min=0).gather(1, slots)


def rope_cos_sin(inv_freq: torch.Tensor, position_ids: torch.Tensor, dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """cos, sin (B, 1, T, 2 * len(inv_freq)) in fp32, cast to dtype (the rotate_half layout)."""
    freqs = position_ids[..., None].float() * inv_freq.float()  # (B, T, d/2)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(dtype)[:, None], emb.sin().to(dtype)[:, None]


def check_mask(attention_mask, B: int, T: int, cache: LayerCache | None, cache_pos):
    if attention_mask is None:
        return
    width = cache.max_len if isinstance(cache_pos, torch.Tensor) else (cache_pos + T if cache is not None else T)
    if tuple(attention_mask.shape) != (B, width):
        raise ValueError(f"attention_mask has shape {tuple(attention_mask.shape)}, expected ({B}, {width}) "
                         f"(batch, cache_pos + new tokens; the whole cache for a tensor cache_pos)")


class Gemma3ForCausalLM(nn.Module):
    """Gemma 3's text model: `model.*` backbone plus `lm_head` (tied to the embedding)."""

    linears = LINEARS

    def __init__(self, cfg: Gemma3Config):
        super().__init__()
        self.config = cfg
        self.model = Gemma3Backbone(cfg)
        cap = cfg.final_logit_softcapping
        self.lm_head = (SoftcappedHead(cfg.hidden_size, cfg.vocab_size, cap) if cap else
                        nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False))
        self.tie_weights()
        self.register_buffer("inv_freq", rope_inv_freq(cfg), persistent=False)  # full layers
        self.register_buffer("inv_freq_local", rope_inv_freq(cfg.local_rope), persistent=False)  # sliding layers
        self.gradient_checkpointing = False

    def reset_buffers(self, device=None):
        """Recompute the non-persistent buffers (after building on the meta device)."""
        self.inv_freq = rope_inv_freq(self.config, device=device)
        self.inv_freq_local = rope_inv_freq(self.config.local_rope, device=device)

    def tie_weights(self):
        if self.config.tie_word_embeddings:
            self.lm_head.weight = self.model.embed_tokens.weight

    def new_cache(self, batch: int, max_len: int, *, dtype, device) -> LayerCache:
        """Full KV (max_len slots) for global layers, a ring of min(window, max_len) slots for sliding ones."""
        cfg = self.config
        layers = []
        for kind in cfg.layer_types:
            slots = max_len if kind == "full_attention" else min(cfg.sliding_window, max_len)
            shape = (batch, cfg.num_key_value_heads, slots, cfg.head_dim)
            entry = FullKV if kind == "full_attention" else WindowKV
            layers.append(entry(torch.zeros(shape, dtype=dtype, device=device), torch.zeros(shape, dtype=dtype, device=device)))
        return LayerCache(layers, max_len)

    def hidden_states(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None, *,
                      position_ids: torch.Tensor | None = None, cache: LayerCache | None = None,
                      cache_pos: int | torch.Tensor = 0) -> torch.Tensor:
        """Final-normed hidden states (B, T, H); the arguments as models.transformer.CausalLM.hidden_states."""
        cfg = self.config
        B, T = input_ids.shape
        check_mask(attention_mask, B, T, cache, cache_pos)
        x = self.model.embed_tokens(input_ids)  # (B, T, H)
        device = x.device
        if position_ids is None:
            position_ids = positions(attention_mask, B, T, cache_pos, device)
        ropes = {"full_attention": rope_cos_sin(self.inv_freq, position_ids, x.dtype),
                 "sliding_attention": rope_cos_sin(self.inv_freq_local, position_ids, x.dtype)}
        start = cache_pos.reshape(-1)[:1] if isinstance(cache_pos, torch.Tensor) else cache_pos
        q_slots = start + torch.arange(T, device=device)
        masks = {}
        for kind in set(cfg.layer_types):  # one mask per layer kind: the key slots are the same in each
            window = cfg.sliding_window if kind == "sliding_attention" else None
            entry = None if cache is None else cache.layers[cfg.layer_types.index(kind)]
            if cache is None and attention_mask is None and window is None:
                masks[kind] = None  # SDPA's is_causal path
            else:
                masks[kind] = slot_mask(q_slots, key_slots(entry, T, cache_pos, device), attention_mask, window)
        checkpointed = self.gradient_checkpointing and self.training and torch.is_grad_enabled()
        for layer, kind in zip(self.model.layers, cfg.layer_types):
            args = (x, *ropes[kind], masks[kind], cache, cache_pos)
            x = checkpoint(layer, *args, use_reentrant=False) if checkpointed else layer(*args)
        return self.model.norm(x)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None, **kw) -> torch.Tensor:
        """Logits (B, T, V) in the model's dtype (soft-capped when the config says so)."""
        return self.lm_head(self.hidden_states(input_ids, attention_mask, **kw))
