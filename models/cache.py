"""Decoding state per layer, for the families whose layers differ (gemma3, qwen3_5).

A `LayerCache` holds one entry per decoder layer, and says which layer holds what (`describe()`):

| entry      | layers                                  | holds                                                  |
|------------|-----------------------------------------|--------------------------------------------------------|
| `FullKV`   | global attention (gemma3 full_attention, qwen3_5 full_attention) | keys, values of every slot: (B, nkv, L, hd) |
| `WindowKV` | sliding-window attention (gemma3)       | the last W slots only, a ring: slot s at index s % W   |
| `DeltaState` | Gated DeltaNet (qwen3_5 linear_attention) | the conv1d's last K-1 inputs (B, C, K-1) and the recurrent state (B, nv, dk, dv) fp32: no per-token memory |

Slots are the columns of the decoding loop's attention mask (engine/decoding.py): the prompt
left-padded to P slots, then one slot per generated token. As in models/transformer.py the caller
owns the cache and passes `cache_pos`, the slot of the first new token; an int, or a one-element
tensor (fixed shapes for CUDA graphs: then T = 1).

The contract between the two halves of attention lives here: `key_slots` says which slot each key
that `read_write` returns comes from, and `slot_mask` turns (query slots, key slots) into the
boolean mask, so the order of the keys and the mask can't drift apart.

Window layers: a query at slot q sees keys q - W < s <= q (transformers' sliding_window_overlay).
One new token (T = 1) is written first, over the oldest slot (q - W, which it may not see), and
attends over the ring. A longer chunk (the prefill) attends over the ring's older slots plus its own
keys, then keeps its last W keys in the ring, so a prompt longer than the window is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class FullKV:
    k: torch.Tensor  # (B, nkv, L, hd)
    v: torch.Tensor


@dataclass
class WindowKV:
    k: torch.Tensor  # (B, nkv, W, hd); slot s is kept at index s % W
    v: torch.Tensor

    @property
    def ring(self) -> int:
        return self.k.shape[2]


@dataclass
class DeltaState:
    conv: torch.Tensor  # (B, C, K-1): the last K-1 conv inputs (model dtype)
    recurrent: torch.Tensor  # (B, nv, dk, dv) fp32


def ring_slots(pos, ring: int, device) -> torch.Tensor:
    """Slot held by each ring index once slot `pos` is written: the latest s <= pos with s = j mod ring
    (negative: nothing written there yet). (ring,) long."""
    j = torch.arange(ring, device=device)
    return pos - torch.remainder(pos - j, ring)


def key_slots(entry, T: int, cache_pos, device) -> torch.Tensor:
    """The slot of each key `read_write(entry, ...)` returns, in order. (S,) long."""
    if entry is None:
        return torch.arange(T, device=device)
    static = isinstance(cache_pos, torch.Tensor)
    if isinstance(entry, FullKV):
        return torch.arange(entry.k.shape[2] if static else cache_pos + T, device=device)
    if isinstance(entry, WindowKV):
        if T == 1:
            return ring_slots(cache_pos.reshape(-1)[:1] if static else cache_pos, entry.ring, device)
        if static:
            raise ValueError("a window cache takes a tensor cache_pos for one new token at a time only")
        new = cache_pos + torch.arange(T, device=device)
        return new if cache_pos == 0 else torch.cat([ring_slots(cache_pos - 1, entry.ring, device), new])
    raise TypeError(f"no keys in a {type(entry).__name__}")


def read_write(entry, k: torch.Tensor, v: torch.Tensor, cache_pos) -> tuple[torch.Tensor, torch.Tensor]:
    """Store the new keys/values (B, nkv, T, hd) and return all keys/values to attend over
    (B, nkv, S, hd), in the order of `key_slots`."""
    if entry is None:
        return k, v
    T = k.shape[2]
    static = isinstance(cache_pos, torch.Tensor)
    if isinstance(entry, FullKV):
        if static:
            slots = cache_pos.reshape(-1)[:1] + torch.arange(T, device=k.device)
            entry.k.index_copy_(2, slots, k)
            entry.v.index_copy_(2, slots, v)
            return entry.k, entry.v  # every slot; the mask hides the ones not written yet
        entry.k[:, :, cache_pos:cache_pos + T] = k
        entry.v[:, :, cache_pos:cache_pos + T] = v
        return entry.k[:, :, :cache_pos + T], entry.v[:, :, :cache_pos + T]
    if isinstance(entry, WindowKV):
        W = entry.ring
        if T == 1:  # write first: the slot it overwrites (q - W) is outside the query's window
            at = torch.remainder(cache_pos.reshape(-1)[:1] if static else torch.tensor([cache_pos], device=k.device), W)
            entry.k.index_copy_(2, at, k)
            entry.v.index_copy_(2, at, v)
            return entry.k, entry.v
        keys = (k, v) if cache_pos == 0 else (torch.cat([entry.k, k], 2), torch.cat([entry.v, v], 2))
        n = min(T, W)  # keep the last W new keys
        at = torch.remainder(cache_pos + T - n + torch.arange(n, device=k.device), W)
        entry.k.index_copy_(2, at, k[:, :, T - n:])
        entry.v.index_copy_(2, at, v[:, :, T - n:])
        return keys
    raise TypeError(f"no keys in a {type(entry).__name__}")


def slot_mask(q_slots: torch.Tensor, k_slots: torch.Tensor, attention_mask: torch.Tensor | None,
              window: int | None) -> torch.Tensor:
    """Boolean (B or 1, 1, T, S), True where query slot q may attend key slot s:
    0 <= s <= q, q - s < window (sliding layers), and s a real token (attention_mask (B, slots) of 1/0).
    A padding query sees itself, so no row is empty (SDPA would give NaN)."""
    q, s = q_slots[:, None], k_slots[None, :]  # (T, 1), (1, S)
    allowed = (s >= 0) & (s <= q)
    if window is not None:
        allowed = allowed & (q - s < window)
    allowed = allowed[None, None]  # (1, 1, T, S)
    if attention_mask is not None:
        B = attention_mask.shape[0]
        real = attention_mask.bool().gather(1, k_slots.clamp(min=0).expand(B, -1))  # (B, S)
        allowed = (allowed & real[:, None, None, :]) | (s == q)[None, None]
    return allowed


@dataclass
class LayerCache:
    """One entry per decoder layer (FullKV, WindowKV or DeltaState); `max_len` slots in all."""

    layers: list
    max_len: int

    def describe(self) -> str:
        """Which layers hold what, e.g. 'layers 0-4, 6: sliding-window KV (ring of 512 slots); ...'."""
        groups: dict[str, list[int]] = {}
        for i, e in enumerate(self.layers):
            if isinstance(e, FullKV):
                what = f"full KV ({e.k.shape[2]} slots)"
            elif isinstance(e, WindowKV):
                what = f"sliding-window KV (ring of {e.ring} slots)"
            else:
                what = (f"DeltaNet state (conv {tuple(e.conv.shape[1:])}, recurrent {tuple(e.recurrent.shape[1:])}, "
                        f"no per-token memory)")
            groups.setdefault(what, []).append(i)
        return "; ".join(f"layers {_ranges(ids)}: {what}" for what, ids in groups.items())

    @property
    def nbytes(self) -> int:
        return sum(t.numel() * t.element_size() for e in self.layers for t in vars(e).values())

    def fill_from(self, prefill: "LayerCache", repeats: int, prompt_len: int):
        """Copy a prefilled cache of n rows (prompt_len slots) into this one of n * repeats rows,
        each row repeated `repeats` times (rows r*repeats .. r*repeats + repeats - 1 = prompt r)."""
        for full, part in zip(self.layers, prefill.layers):
            if isinstance(full, FullKV):
                full.k[:, :, :prompt_len] = part.k[:, :, :prompt_len].repeat_interleave(repeats, 0)
                full.v[:, :, :prompt_len] = part.v[:, :, :prompt_len].repeat_interleave(repeats, 0)
            elif isinstance(full, WindowKV):  # rings of different sizes: copy slot by slot
                s = torch.arange(max(0, prompt_len - part.ring), prompt_len, device=full.k.device)
                src, dst = torch.remainder(s, part.ring), torch.remainder(s, full.ring)
                full.k[:, :, dst] = part.k[:, :, src].repeat_interleave(repeats, 0)
                full.v[:, :, dst] = part.v[:, :, src].repeat_interleave(repeats, 0)
            else:
                full.conv.copy_(part.conv.repeat_interleave(repeats, 0))
                full.recurrent.copy_(part.recurrent.repeat_interleave(repeats, 0))


def _ranges(ids: list[int]) -> str:
    """[0, 1, 2, 4] -> "0-2, 4"."""
    runs = [[ids[0]]]
    for i in ids[1:]:
        if i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)
