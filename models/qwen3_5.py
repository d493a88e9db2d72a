"""Qwen3.5 (text): a hybrid of Gated DeltaNet layers and gated full-attention layers, SwiGLU MLPs.

`layer_types` says, per layer, which token mixer it has (by default three DeltaNet layers, then one
attention layer):

- `linear_attention`, `linear_attn.*` (Gated DeltaNet, https://arxiv.org/abs/2412.06464): from the
  normed input x, in_proj_qkv gives q, k, v (through a causal depthwise conv1d of K taps and SiLU),
  in_proj_z an output gate z, in_proj_b the write strength beta = sigmoid(b), in_proj_a the decay
  g = -exp(A_log) * softplus(a + dt_bias). q and k are L2-normalised (their heads repeated to the
  value heads), the gated delta rule (models/delta_rule.py) mixes the tokens, a gated RMSNorm
  w * norm(o) * silu(z) per head, then out_proj. No position embedding; no KV cache: decoding keeps
  the conv's last K-1 inputs and the (dk, dv) state per head (models.cache.DeltaState). Padding
  tokens are zeroed before the layer, so a left-padded row leaves the state as the row alone would.
- `full_attention`, `self_attn.*` (gated attention): q_proj yields per head the query and a gate
  (rows [q | gate] per head), the output is multiplied by sigmoid(gate) before o_proj; q and k get
  zero-centred RMSNorms over head_dim; RoPE on the first `partial_rotary_factor` of each head only.
  (Qwen3.5's multimodal RoPE gives text tokens the same position on all three axes: plain RoPE.)

Norms are zero-centred, x / rms(x) * (1 + w), as Gemma's (models/gemma3.py). Module names equal
transformers' Qwen3_5ForCausalLM keys; a multimodal checkpoint's `model.language_model.*` loads, its
vision tower (`model.visual.*`) and multi-token-prediction head (`mtp.*`) are skipped with a note.

Shapes: B batch, T new tokens, nk / nv DeltaNet key / value heads, dk / dv their head dims.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from kernels.rope import apply_rope

from .cache import DeltaState, FullKV, LayerCache, key_slots, read_write, slot_mask
from .config import ModelConfig, ModelConfigError, _rope_fields, rope_inv_freq
from .delta_rule import causal_conv1d, chunked_gated_delta_rule, recurrent_gated_delta_rule
from .families import base_fields, text_part
from .gemma3 import ZeroCenteredRMSNorm, attention, check_mask, positions, rope_cos_sin
from .transformer import MLP

LAYER_TYPES = ("linear_attention", "full_attention")
# transformers' Qwen3_5TextConfig defaults (the 9B's shapes): a config.json may leave these out.
DEFAULTS = dict(vocab_size=248_320, hidden_size=4096, intermediate_size=12_288, num_hidden_layers=32,
                num_attention_heads=16, num_key_value_heads=4, head_dim=256, rms_norm_eps=1e-6,
                max_position_embeddings=32_768, tie_word_embeddings=False)
LINEAR_DEFAULTS = dict(linear_conv_kernel_dim=4, linear_key_head_dim=128, linear_value_head_dim=128,
                       linear_num_key_heads=16, linear_num_value_heads=32)
ATTENTION_LINEARS = ("q_proj", "k_proj", "v_proj", "o_proj")
DELTANET_LINEARS = ("in_proj_qkv", "in_proj_z", "in_proj_b", "in_proj_a", "out_proj")
MLP_LINEARS = ("gate_proj", "up_proj", "down_proj")
# Every linear of a decoder layer: what "all-linear" LoRA adapts and what NF4 quantizes (the conv1d
# weights, A_log and dt_bias stay dense).
LINEARS = ATTENTION_LINEARS + MLP_LINEARS + DELTANET_LINEARS


@dataclass(frozen=True)
class Qwen3_5Config(ModelConfig):
    model_types: ClassVar[tuple[str, ...]] = ("qwen3_5",)

    layer_types: tuple[str, ...] = ()  # one of LAYER_TYPES per layer
    linear_num_key_heads: int = 16
    linear_num_value_heads: int = 32
    linear_key_head_dim: int = 128
    linear_value_head_dim: int = 128
    linear_conv_kernel_dim: int = 4
    partial_rotary_factor: float = 0.25
    multimodal: bool = False  # Qwen3_5ForConditionalGeneration's checkpoint: text weights under model.language_model

    def __post_init__(self):
        super().__post_init__()
        problems = []
        if len(self.layer_types) != self.num_hidden_layers:
            problems.append(f"layer_types has {len(self.layer_types)} entries for {self.num_hidden_layers} layers")
        bad = sorted(set(self.layer_types) - set(LAYER_TYPES))
        if bad:
            problems.append(f"layer_types {bad} are not supported (supported: {', '.join(LAYER_TYPES)})")
        if self.linear_num_value_heads % self.linear_num_key_heads:
            problems.append(f"linear_num_value_heads ({self.linear_num_value_heads}) must be a multiple of "
                            f"linear_num_key_heads ({self.linear_num_key_heads})")
        if self.rotary_dim % 2 or not 0 < self.rotary_dim <= self.head_dim:
            problems.append(f"partial_rotary_factor {self.partial_rotary_factor} gives {self.rotary_dim} rotary "
                            f"dims of head_dim {self.head_dim}: it must give an even number in (0, head_dim]")
        if problems:
            raise ModelConfigError("; ".join(problems))

    @property
    def rotary_dim(self) -> int:
        return int(self.head_dim * self.partial_rotary_factor)

    @property
    def key_dim(self) -> int:
        return self.linear_num_key_heads * self.linear_key_head_dim

    @property
    def value_dim(self) -> int:
        return self.linear_num_value_heads * self.linear_value_head_dim

    @property
    def conv_dim(self) -> int:
        return 2 * self.key_dim + self.value_dim

    @property
    def rope(self) -> ModelConfig:
        """The config RoPE's frequencies come from: head_dim narrowed to the rotary part."""
        return replace(self, head_dim=self.rotary_dim, partial_rotary_factor=1.0)

    @classmethod
    def from_hf(cls, hf: dict) -> "Qwen3_5Config":
        """From Qwen3_5ForCausalLM's config.json (`qwen3_5_text`) or the text_config of a multimodal `qwen3_5` one."""
        text, multimodal = text_part(hf, "qwen3_5_text", "Qwen3_5ForCausalLM")
        layers = text.get("num_hidden_layers") or DEFAULTS["num_hidden_layers"]
        layer_types = text.get("layer_types")
        if layer_types is None:  # every `full_attention_interval`-th layer attends
            every = int(text.get("full_attention_interval") or 4)
            layer_types = ["linear_attention" if (i + 1) % every else "full_attention" for i in range(layers)]
        params = text.get("rope_parameters") if isinstance(text.get("rope_parameters"), dict) else {}
        rope = _rope_fields({"rope_parameters": {"rope_theta": 10_000.0, **params}} if params else text)
        if rope["rope_type"] != "default":
            raise ModelConfigError(f"rope scaling type {rope['rope_type']!r} is not supported for qwen3_5 (only default)")
        partial = params.get("partial_rotary_factor", text.get("partial_rotary_factor", 0.25))
        linear = {k: int(text.get(k) or v) for k, v in LINEAR_DEFAULTS.items()}
        bias = bool(text.get("attention_bias", False))
        return cls(model_type="qwen3_5", **base_fields(text, DEFAULTS), **rope, **linear, attention_bias=bias,
                   o_proj_bias=bias, qk_norm=True, hidden_act=text.get("hidden_act") or "silu",
                   layer_types=tuple(layer_types), partial_rotary_factor=float(partial), multimodal=multimodal,
                   hf_config=text)

    def checkpoint_key(self, key: str) -> str | None:
        """Our name for a checkpoint tensor; None for the vision tower and the multi-token-prediction head."""
        if key.startswith(("mtp.", "model.visual.", "visual.")):
            return None
        if key.startswith("model.language_model."):
            return "model." + key[len("model.language_model."):]
        return key

    def skip_reason(self, key: str) -> str:
        if key.startswith("mtp."):
            return "the multi-token-prediction head (speculative decoding; not used here)"
        return "the vision tower (only the text model is supported)"


# ----------------------------------------------------------------------------------------------
# Layers.

def l2norm(x: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """x / sqrt(sum(x^2) + eps) over the last dim (FLA's and transformers' l2norm)."""
    return x * torch.rsqrt((x * x).sum(-1, keepdim=True) + eps)


class GatedRMSNorm(nn.Module):
    """weight * norm(x) * silu(gate): the norm in fp32 and cast back first, the gate in fp32."""

    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: torch.Tensor, gate: torch.Tensor) -> torch.Tensor:
        h = x.float()
        h = self.weight * (h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + self.eps)).to(x.dtype)
        return (h * F.silu(gate.float())).to(x.dtype)


class GatedDeltaNet(nn.Module):
    def __init__(self, cfg: Qwen3_5Config, layer_idx: int):
        super().__init__()
        self.cfg, self.layer_idx = cfg, layer_idx
        h, C = cfg.hidden_size, cfg.conv_dim
        self.in_proj_qkv = nn.Linear(h, C, bias=False)
        self.in_proj_z = nn.Linear(h, cfg.value_dim, bias=False)
        self.in_proj_b = nn.Linear(h, cfg.linear_num_value_heads, bias=False)
        self.in_proj_a = nn.Linear(h, cfg.linear_num_value_heads, bias=False)
        # Depthwise causal conv, weight (C, 1, K); applied by delta_rule.causal_conv1d, kept as a module for its key.
        self.conv1d = nn.Conv1d(C, C, cfg.linear_conv_kernel_dim, groups=C, bias=False,
                                padding=cfg.linear_conv_kernel_dim - 1)
        self.dt_bias = nn.Parameter(torch.ones(cfg.linear_num_value_heads))
        self.A_log = nn.Parameter(torch.zeros(cfg.linear_num_value_heads))
        self.norm = GatedRMSNorm(cfg.linear_value_head_dim, cfg.rms_norm_eps)
        self.out_proj = nn.Linear(cfg.value_dim, h, bias=False)

    def forward(self, x, real: torch.Tensor | None, cache: LayerCache | None = None):
        """x (B, T, H); real (B, T) 1 for real tokens (padding is zeroed first), or None."""
        cfg = self.cfg
        if real is not None:
            x = x * real[..., None].to(x.dtype)
        B, T, _ = x.shape
        state = None if cache is None else cache.layers[self.layer_idx]
        qkv, conv_state = causal_conv1d(self.in_proj_qkv(x).transpose(1, 2), self.conv1d.weight[:, 0],
                                        None if state is None else state.conv)  # (B, C, T)
        q, k, v = qkv.transpose(1, 2).split([cfg.key_dim, cfg.key_dim, cfg.value_dim], -1)
        nk, nv, dk, dv = cfg.linear_num_key_heads, cfg.linear_num_value_heads, cfg.linear_key_head_dim, cfg.linear_value_head_dim
        q, k = l2norm(q.reshape(B, T, nk, dk).float()), l2norm(k.reshape(B, T, nk, dk).float())
        if nv > nk:  # each key head serves nv / nk consecutive value heads
            q, k = q.repeat_interleave(nv // nk, 2), k.repeat_interleave(nv // nk, 2)
        beta = torch.sigmoid(self.in_proj_b(x))  # (B, T, nv)
        g = -self.A_log.float().exp() * F.softplus(self.in_proj_a(x).float() + self.dt_bias)  # log decay <= 0
        rule = recurrent_gated_delta_rule if state is not None and T == 1 else chunked_gated_delta_rule
        o, final = rule(q, k, v.reshape(B, T, nv, dv), g, beta,
                        initial_state=None if state is None else state.recurrent)  # (B, T, nv, dv)
        if state is not None:
            state.conv.copy_(conv_state)
            state.recurrent.copy_(final)
        z = self.in_proj_z(x).reshape(B, T, nv, dv)
        return self.out_proj(self.norm(o.to(x.dtype), z).reshape(B, T, cfg.value_dim))


class GatedAttention(nn.Module):
    def __init__(self, cfg: Qwen3_5Config, layer_idx: int):
        super().__init__()
        self.cfg, self.layer_idx = cfg, layer_idx
        h, bias = cfg.hidden_size, cfg.attention_bias
        self.q_proj = nn.Linear(h, 2 * cfg.q_size, bias=bias)  # per head: [query | gate]
        self.k_proj = nn.Linear(h, cfg.kv_size, bias=bias)
        self.v_proj = nn.Linear(h, cfg.kv_size, bias=bias)
        self.o_proj = nn.Linear(cfg.q_size, h, bias=bias)
        self.q_norm = ZeroCenteredRMSNorm(cfg.head_dim, cfg.rms_norm_eps)
        self.k_norm = ZeroCenteredRMSNorm(cfg.head_dim, cfg.rms_norm_eps)

    def forward(self, x, cos, sin, mask, cache: LayerCache | None = None, cache_pos=0):
        cfg = self.cfg
        B, T, _ = x.shape
        q, gate = self.q_proj(x).view(B, T, cfg.num_attention_heads, 2 * cfg.head_dim).chunk(2, -1)
        q = self.q_norm(q).transpose(1, 2)  # (B, nh, T, hd)
        k = self.k_norm(self.k_proj(x).view(B, T, cfg.num_key_value_heads, cfg.head_dim)).transpose(1, 2)
        v = self.v_proj(x).view(B, T, cfg.num_key_value_heads, cfg.head_dim).transpose(1, 2)
        rd = cfg.rotary_dim  # RoPE on the first rd dims of each head, the rest as is
        q = torch.cat([apply_rope(q[..., :rd], cos, sin), q[..., rd:]], -1)
        k = torch.cat([apply_rope(k[..., :rd], cos, sin), k[..., rd:]], -1)
        k, v = read_write(None if cache is None else cache.layers[self.layer_idx], k, v, cache_pos)
        y = attention(q, k, v, mask, cfg.head_dim ** -0.5).transpose(1, 2).reshape(B, T, cfg.q_size)
        return self.o_proj(y * torch.sigmoid(gate.reshape(B, T, cfg.q_size)))


class Qwen3_5DecoderLayer(nn.Module):
    def __init__(self, cfg: Qwen3_5Config, layer_idx: int):
        super().__init__()
        self.kind = cfg.layer_types[layer_idx]
        if self.kind == "linear_attention":
            self.linear_attn = GatedDeltaNet(cfg, layer_idx)
        else:
            self.self_attn = GatedAttention(cfg, layer_idx)
        self.mlp = MLP(cfg)  # SwiGLU (models/transformer.py)
        self.input_layernorm = ZeroCenteredRMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.post_attention_layernorm = ZeroCenteredRMSNorm(cfg.hidden_size, cfg.rms_norm_eps)

    def forward(self, x, cos, sin, mask, real, cache=None, cache_pos=0):
        h = self.input_layernorm(x)
        if self.kind == "linear_attention":
            x = x + self.linear_attn(h, real, cache)
        else:
            x = x + self.self_attn(h, cos, sin, mask, cache, cache_pos)
        return x + self.mlp(self.post_attention_layernorm(x))


class Qwen3_5Backbone(nn.Module):
    """Everything but the lm_head; named `model` in the checkpoint."""

    def __init__(self, cfg: Qwen3_5Config):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.hidden_size)
        self.layers = nn.ModuleList(Qwen3_5DecoderLayer(cfg, i) for i in range(cfg.num_hidden_layers))
        self.norm = ZeroCenteredRMSNorm(cfg.hidden_size, cfg.rms_norm_eps)


# ----------------------------------------------------------------------------------------------
# The model.

class Qwen3_5ForCausalLM(nn.Module):
    """Qwen3.5's text model: `model.*` backbone plus `lm_head`."""

    linears = LINEARS

    def __init__(self, cfg: Qwen3_5Config):
        super().__init__()
        self.config = cfg
        self.model = Qwen3_5Backbone(cfg)
        self.lm_head = nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False)
        self.tie_weights()
        self.register_buffer("inv_freq", rope_inv_freq(cfg.rope), persistent=False)  # (rotary_dim / 2,)
        self.gradient_checkpointing = False

    def reset_buffers(self, device=None):
        """Recompute the non-persistent buffers (after building on the meta device)."""
        self.inv_freq = rope_inv_freq(self.config.rope, device=device)

    def tie_weights(self):
        if self.config.tie_word_embeddings:
            self.lm_head.weight = self.model.embed_tokens.weight

    def new_cache(self, batch: int, max_len: int, *, dtype, device) -> LayerCache:
        """Full KV (max_len slots) for attention layers; conv + recurrent state for DeltaNet layers."""
        cfg = self.config
        layers = []
        for kind in cfg.layer_types:
            if kind == "full_attention":
                shape = (batch, cfg.num_key_value_heads, max_len, cfg.head_dim)
                layers.append(FullKV(torch.zeros(shape, dtype=dtype, device=device),
                                     torch.zeros(shape, dtype=dtype, device=device)))
            else:
                conv = torch.zeros(batch, cfg.conv_dim, cfg.linear_conv_kernel_dim - 1, dtype=dtype, device=device)
                state = torch.zeros(batch, cfg.linear_num_value_heads, cfg.linear_key_head_dim,
                                    cfg.linear_value_head_dim, dtype=torch.float32, device=device)
                layers.append(DeltaState(conv, state))
        return LayerCache(layers, max_len)

    def hidden_states(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None, *,
                      position_ids: torch.Tensor | None = None, cache: LayerCache | None = None,
                      cache_pos: int | torch.Tensor = 0) -> torch.Tensor:
        """Final-normed hidden states (B, T, H); the arguments as models.transformer.CausalLM.hidden_states."""
        cfg = self.config
        B, T = input_ids.shape
        check_mask(attention_mask, B, T, cache, cache_pos)
        x = self.model.embed_tokens(input_ids)
        device = x.device
        if position_ids is None:
            position_ids = positions(attention_mask, B, T, cache_pos, device)
        cos, sin = rope_cos_sin(self.inv_freq, position_ids, x.dtype)  # (B, 1, T, rotary_dim)
        start = cache_pos.reshape(-1)[:1] if isinstance(cache_pos, torch.Tensor) else cache_pos
        q_slots = start + torch.arange(T, device=device)
        mask = real = None
        if "full_attention" in cfg.layer_types and (cache is not None or attention_mask is not None):
            entry = None if cache is None else cache.layers[cfg.layer_types.index("full_attention")]
            mask = slot_mask(q_slots, key_slots(entry, T, cache_pos, device), attention_mask, None)
        if attention_mask is not None:  # which new tokens are real, for the DeltaNet layers
            real = attention_mask.gather(1, q_slots.expand(B, T))
        checkpointed = self.gradient_checkpointing and self.training and torch.is_grad_enabled()
        for layer in self.model.layers:
            args = (x, cos, sin, mask, real, cache, cache_pos)
            x = checkpoint(layer, *args, use_reentrant=False) if checkpointed else layer(*args)
        return self.model.norm(x)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None, **kw) -> torch.Tensor:
        """Logits (B, T, V) in the model's dtype."""
        return self.lm_head(self.hidden_states(input_ids, attention_mask, **kw))
