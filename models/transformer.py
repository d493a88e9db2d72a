"""The decoder-only transformer shared by the qwen2, qwen3 and llama families.

Module names equal the checkpoint keys (`model.layers.3.self_attn.q_proj.weight`), so loading
needs no rename table. RoPE uses the checkpoint's layout: the two halves of each head are the
(real, imaginary) pairs (`rotate_half`), not interleaved pairs.

Shapes: B batch, T new tokens, S key positions (T without a cache, cache_pos + T with one),
H hidden, nh query heads, nkv key/value heads, hd head_dim, V vocab.

The KV cache is explicit, as in gpt-fast: the caller owns a `KVCache`, passes `cache_pos` (the
slot where the new tokens go) and advances it; no layer keeps hidden state between calls.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from .config import ModelConfig, rope_inv_freq


class RMSNorm(nn.Module):
    """x / rms(x) * weight, computed in fp32 and cast back (https://arxiv.org/abs/1910.07467)."""

    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dtype = x.dtype
        x = x.float()
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dtype)


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """x: (B, n, T, hd); cos, sin: (B, 1, T, hd) in x's dtype."""
    return x * cos + rotate_half(x) * sin


@dataclass
class KVCache:
    """Preallocated keys and values for every layer: (B, nkv, max_len, hd) each.

    The caller writes new tokens at `cache_pos` through the model's forward and keeps the
    attention mask over all `max_len` slots itself.
    """

    k: list[torch.Tensor]
    v: list[torch.Tensor]

    @classmethod
    def empty(cls, cfg: ModelConfig, batch: int, max_len: int, *, dtype, device) -> "KVCache":
        shape = (batch, cfg.num_key_value_heads, max_len, cfg.head_dim)
        return cls(k=[torch.zeros(shape, dtype=dtype, device=device) for _ in range(cfg.num_hidden_layers)],
                   v=[torch.zeros(shape, dtype=dtype, device=device) for _ in range(cfg.num_hidden_layers)])

    @property
    def max_len(self) -> int:
        return self.k[0].shape[2]


class Attention(nn.Module):
    def __init__(self, cfg: ModelConfig, layer_idx: int):
        super().__init__()
        self.cfg, self.layer_idx = cfg, layer_idx
        h, bias = cfg.hidden_size, cfg.attention_bias
        self.q_proj = nn.Linear(h, cfg.q_size, bias=bias)
        self.k_proj = nn.Linear(h, cfg.kv_size, bias=bias)
        self.v_proj = nn.Linear(h, cfg.kv_size, bias=bias)
        self.o_proj = nn.Linear(cfg.q_size, h, bias=cfg.o_proj_bias)
        if cfg.qk_norm:
            self.q_norm = RMSNorm(cfg.head_dim, cfg.rms_norm_eps)
            self.k_norm = RMSNorm(cfg.head_dim, cfg.rms_norm_eps)

    def forward(self, x, cos, sin, mask, cache: KVCache | None = None, cache_pos: int = 0):
        cfg = self.cfg
        B, T, _ = x.shape
        q = self.q_proj(x).view(B, T, cfg.num_attention_heads, cfg.head_dim)
        k = self.k_proj(x).view(B, T, cfg.num_key_value_heads, cfg.head_dim)
        v = self.v_proj(x).view(B, T, cfg.num_key_value_heads, cfg.head_dim)
        if cfg.qk_norm:
            q, k = self.q_norm(q), self.k_norm(k)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)  # (B, n, T, hd)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        if cache is not None:
            kc, vc = cache.k[self.layer_idx], cache.v[self.layer_idx]
            kc[:, :, cache_pos:cache_pos + T] = k
            vc[:, :, cache_pos:cache_pos + T] = v
            k, v = kc[:, :, :cache_pos + T], vc[:, :, :cache_pos + T]  # (B, nkv, S, hd)
        if cfg.gqa_groups > 1:  # (B, nkv, S, hd) -> (B, nh, S, hd)
            k = k.repeat_interleave(cfg.gqa_groups, dim=1)
            v = v.repeat_interleave(cfg.gqa_groups, dim=1)
        if mask is None:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        y = y.transpose(1, 2).reshape(B, T, cfg.q_size)  # (B, T, nh*hd)
        return self.o_proj(y)


class MLP(nn.Module):
    """SwiGLU: down(silu(gate(x)) * up(x)) (https://arxiv.org/abs/2002.05202)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        h, i, bias = cfg.hidden_size, cfg.intermediate_size, cfg.mlp_bias
        self.gate_proj = nn.Linear(h, i, bias=bias)
        self.up_proj = nn.Linear(h, i, bias=bias)
        self.down_proj = nn.Linear(i, h, bias=bias)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class DecoderLayer(nn.Module):
    def __init__(self, cfg: ModelConfig, layer_idx: int):
        super().__init__()
        self.self_attn = Attention(cfg, layer_idx)
        self.mlp = MLP(cfg)
        self.input_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)

    def forward(self, x, cos, sin, mask, cache=None, cache_pos=0):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask, cache, cache_pos)
        return x + self.mlp(self.post_attention_layernorm(x))


class Backbone(nn.Module):
    """Everything but the lm_head; named `model` in the checkpoint."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.hidden_size)
        self.layers = nn.ModuleList(DecoderLayer(cfg, i) for i in range(cfg.num_hidden_layers))
        self.norm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)


class CausalLM(nn.Module):
    """A decoder-only language model: `model.*` backbone plus `lm_head`."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.config = cfg
        self.model = Backbone(cfg)
        self.lm_head = nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False)
        if cfg.tie_word_embeddings:
            self.lm_head.weight = self.model.embed_tokens.weight
        self.register_buffer("inv_freq", rope_inv_freq(cfg), persistent=False)
        # Recompute each decoder layer in backward instead of keeping its activations.
        self.gradient_checkpointing = False

    def reset_buffers(self, device=None):
        """Recompute the non-persistent buffers (after building on the meta device)."""
        self.inv_freq = rope_inv_freq(self.config, device=device)

    def tie_weights(self):
        if self.config.tie_word_embeddings:
            self.lm_head.weight = self.model.embed_tokens.weight

    def rope(self, position_ids: torch.Tensor, dtype) -> tuple[torch.Tensor, torch.Tensor]:
        """cos, sin: (B, 1, T, hd) for integer positions (B, T); computed in fp32, cast to dtype."""
        freqs = position_ids[..., None].float() * self.inv_freq.float()  # (B, T, hd/2)
        emb = torch.cat((freqs, freqs), dim=-1)  # (B, T, hd)
        return emb.cos().to(dtype)[:, None], emb.sin().to(dtype)[:, None]

    def hidden_states(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None, *,
                      position_ids: torch.Tensor | None = None, cache: KVCache | None = None,
                      cache_pos: int = 0) -> torch.Tensor:
        """Final-normed hidden states (B, T, H).

        attention_mask: (B, S) of 1 for real tokens, 0 for padding; S = T without a cache, and
        cache_pos + T (the slots written so far) with one. Positions default to the count of real
        tokens before each one, so a left-padded row gets the positions it would have alone.
        """
        B, T = input_ids.shape
        x = self.model.embed_tokens(input_ids)  # (B, T, H)
        if position_ids is None:
            if attention_mask is None:
                position_ids = torch.arange(cache_pos, cache_pos + T, device=x.device).expand(B, T)
            else:
                position_ids = (attention_mask.long().cumsum(-1) - 1).clamp(min=0)[:, -T:]
        cos, sin = self.rope(position_ids, x.dtype)
        mask = self._mask(attention_mask, B, T, cache_pos, x.device, cache is not None)
        checkpointed = self.gradient_checkpointing and self.training and torch.is_grad_enabled()
        for layer in self.model.layers:
            if checkpointed:
                x = checkpoint(layer, x, cos, sin, mask, cache, cache_pos, use_reentrant=False)
            else:
                x = layer(x, cos, sin, mask, cache, cache_pos)
        return self.model.norm(x)

    @staticmethod
    def _mask(attention_mask, B, T, cache_pos, device, cached):
        """Boolean (B, 1, T, S) mask, True where a query may attend; None for plain causal."""
        if attention_mask is None and not cached:
            return None  # SDPA's is_causal fast path
        S = cache_pos + T
        q_slot = torch.arange(cache_pos, S, device=device)[:, None]  # (T, 1)
        k_slot = torch.arange(S, device=device)[None, :]  # (1, S)
        allowed = (k_slot <= q_slot)[None, None]  # (1, 1, T, S)
        if attention_mask is not None:
            if attention_mask.shape != (B, S):
                raise ValueError(f"attention_mask has shape {tuple(attention_mask.shape)}, expected ({B}, {S}) "
                                 f"(batch, cache_pos + new tokens)")
            allowed = allowed & attention_mask.bool()[:, None, None, :]
            # A padding query would attend to nothing (a NaN row in SDPA): let it see itself.
            allowed = allowed | (k_slot == q_slot)[None, None]
        return allowed

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None, **kw) -> torch.Tensor:
        """Logits (B, T, V) in the model's dtype."""
        return self.lm_head(self.hidden_states(input_ids, attention_mask, **kw))
