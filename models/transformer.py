"""The decoder-only transformer shared by the qwen2, qwen3 and llama families.

Module names equal the checkpoint keys (`model.layers.3.self_attn.q_proj.weight`), so loading
needs no rename table. RoPE uses the checkpoint's layout: the two halves of each head are the
(real, imaginary) pairs (`rotate_half`), not interleaved pairs. RMSNorm, RoPE and the SwiGLU gate
go through kernels/ (rmsnorm.py, rope.py, swiglu.py): the pure-torch twin on CPU, Triton on CUDA,
as kernels/backend.py decides.

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

from kernels.rmsnorm import rms_norm
from kernels.rope import apply_rope, rotate_half  # noqa: F401  (rotate_half: re-exported for callers)
from kernels.swiglu import swiglu

from .config import ModelConfig, rope_inv_freq


class RMSNorm(nn.Module):
    """x / rms(x) * weight, computed in fp32 and cast back (https://arxiv.org/abs/1910.07467)."""

    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return rms_norm(x, self.weight, self.eps)  # kernels/rmsnorm.py: torch twin or Triton, per device


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

    def fill_from(self, prefill: "KVCache", repeats: int, prompt_len: int):
        """Copy a prefilled cache of n rows (prompt_len slots) into this one of n * repeats rows,
        each row repeated `repeats` times (rows r*repeats .. r*repeats + repeats - 1 = prompt r)."""
        for full, part in zip(self.k + self.v, prefill.k + prefill.v):
            full[:, :, :prompt_len] = part[:, :, :prompt_len].repeat_interleave(repeats, 0)  # (B, nkv, P, hd)


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
            if isinstance(cache_pos, torch.Tensor):  # static shapes (CUDA graphs): attend over every slot
                slots = cache_pos.reshape(-1)[:1] + torch.arange(T, device=kc.device)  # (T,)
                kc.index_copy_(2, slots, k)
                vc.index_copy_(2, slots, v)
                k, v = kc, vc  # (B, nkv, max_len, hd); the mask hides the slots not written yet
            else:
                kc[:, :, cache_pos:cache_pos + T] = k
                vc[:, :, cache_pos:cache_pos + T] = v
                k, v = kc[:, :, :cache_pos + T], vc[:, :, :cache_pos + T]  # (B, nkv, S, hd)
        G = cfg.gqa_groups
        if G > 1 and cache is not None and mask is not None:
            # Decoding: a cache of S slots would be copied G times per layer per token by
            # repeat_interleave. Fold each KV head's G query heads into its query rows instead:
            # query head n*G + g uses KV head n, so (B, nh, T, hd) -> (B, nkv, G*T, hd).
            qg = q.reshape(B, cfg.num_key_value_heads, G * T, cfg.head_dim)
            mg = mask.repeat(1, 1, G, 1) if T > 1 else mask  # row g*T + t sees what row t sees
            y = F.scaled_dot_product_attention(qg, k, v, attn_mask=mg)  # (B, nkv, G*T, hd)
            y = y.reshape(B, cfg.num_attention_heads, T, cfg.head_dim).transpose(1, 2).reshape(B, T, cfg.q_size)
            return self.o_proj(y)
        if G > 1:  # (B, nkv, S, hd) -> (B, nh, S, hd)
            k = k.repeat_interleave(G, dim=1)
            v = v.repeat_interleave(G, dim=1)
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
        return self.down_proj(swiglu(self.gate_proj(x), self.up_proj(x)))  # kernels/swiglu.py


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

    def new_cache(self, batch: int, max_len: int, *, dtype, device) -> KVCache:
        """An empty decoding cache of max_len slots (every family's model has one; see models/cache.py)."""
        return KVCache.empty(self.config, batch, max_len, dtype=dtype, device=device)

    def rope(self, position_ids: torch.Tensor, dtype) -> tuple[torch.Tensor, torch.Tensor]:
        """cos, sin: (B, 1, T, hd) for integer positions (B, T); computed in fp32, cast to dtype."""
        freqs = position_ids[..., None].float() * self.inv_freq.float()  # (B, T, hd/2)
        emb = torch.cat((freqs, freqs), dim=-1)  # (B, T, hd)
        return emb.cos().to(dtype)[:, None], emb.sin().to(dtype)[:, None]

    def hidden_states(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None, *,
                      position_ids: torch.Tensor | None = None, cache: KVCache | None = None,
                      cache_pos: int | torch.Tensor = 0) -> torch.Tensor:
        """Final-normed hidden states (B, T, H).

        attention_mask: (B, S) of 1 for real tokens, 0 for padding; S = T without a cache, and
        cache_pos + T (the slots written so far) with one. Or, without a cache, a bool (B, 1, T, T)
        mask used as it is (True: the query may attend the key), with position_ids given: training
        on rows that pack several examples behind one shared prompt (engine/prefix.py). Positions default to the count of real
        tokens before each one, so a left-padded row gets the positions it would have alone.
        A tensor cache_pos (one element, on the model's device) keeps every shape fixed, as CUDA
        graph capture needs: attention runs over all cache.max_len slots and S = cache.max_len.
        """
        B, T = input_ids.shape
        x = self.model.embed_tokens(input_ids)  # (B, T, H)
        static = cache is not None and isinstance(cache_pos, torch.Tensor)
        if position_ids is None:
            if attention_mask is not None and attention_mask.dim() == 4:
                raise ValueError("a 4-D attention_mask needs position_ids (the positions of each row's tokens)")
            if attention_mask is None:
                position_ids = (cache_pos + torch.arange(T, device=x.device)).expand(B, T)
            elif static:  # the real tokens before each new slot
                slots = (cache_pos.reshape(-1)[:1] + torch.arange(T, device=x.device)).expand(B, T)
                position_ids = (attention_mask.long().cumsum(-1) - 1).clamp(min=0).gather(1, slots)
            else:
                position_ids = (attention_mask.long().cumsum(-1) - 1).clamp(min=0)[:, -T:]
        cos, sin = self.rope(position_ids, x.dtype)
        mask = self._mask(attention_mask, B, T, cache_pos, x.device, cache is not None,
                          cache.max_len if static else None)
        checkpointed = self.gradient_checkpointing and self.training and torch.is_grad_enabled()
        for layer in self.model.layers:
            if checkpointed:
                x = checkpoint(layer, x, cos, sin, mask, cache, cache_pos, use_reentrant=False)
            else:
                x = layer(x, cos, sin, mask, cache, cache_pos)
        return self.model.norm(x)

    @staticmethod
    def _mask(attention_mask, B, T, cache_pos, device, cached, S=None):
        """Boolean (B, 1, T, S) mask, True where a query may attend; None for plain causal.

        S: key slots, cache_pos + T unless given (the whole static cache for a tensor cache_pos).
        """
        if attention_mask is None and not cached:
            return None  # SDPA's is_causal fast path
        if attention_mask is not None and attention_mask.dim() == 4:  # a whole mask, e.g. engine/prefix.py's packed rows
            if cached or attention_mask.dtype != torch.bool or attention_mask.shape != (B, 1, T, T):
                raise ValueError(f"a 4-D attention_mask must be bool ({B}, 1, {T}, {T}) without a cache, got "
                                 f"{attention_mask.dtype} {tuple(attention_mask.shape)}")
            return attention_mask
        if S is None:
            S = cache_pos + T
        else:
            cache_pos = cache_pos.reshape(-1)[:1]  # (1,)
        q_slot = (cache_pos + torch.arange(T, device=device))[:, None]  # (T, 1)
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
