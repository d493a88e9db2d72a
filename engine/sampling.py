"""Choosing the next token from the last logits: repetition penalty, greedy or temperature / top-k /
top-p sampling, seeded per row. Small functions on (B, V) logits, shared by the reference decode
loop (engine/decoding.py) and the static-shape one (engine/static_decode.py).

Choosing the next token from the last logits, in transformers' order:
repetition penalty (CTRL, https://arxiv.org/abs/1909.05858: a logit of a token already in the
prompt or the output is divided by the penalty when positive, multiplied when negative), then
greedy argmax when `temperature` == 0; otherwise logits / temperature, top-k (keep the k largest,
ties kept), top-p (nucleus, https://arxiv.org/abs/1904.09751: keep the most likely tokens until
their mass reaches top_p, at least one), softmax, and one draw.

Seeding: every sampled row has its own CPU `torch.Generator`, seeded from (seed, sample index,
prompt token ids). A row draws one uniform number per step and takes the token where it falls
in the cumulative distribution (inverse-CDF sampling), so its samples do not depend on the
other prompts, the batch size or the device, only on its own logits (which can differ in the
last bits between batch shapes and devices, rarely enough to change a token). Greedy rows are
deterministic; with temperature 0 and `num_samples` > 1 the samples are identical, so each
prompt is decoded once and its completion repeated.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Sequence

import torch


@dataclass(frozen=True)
class SamplingSettings:
    """How the next token is chosen; validated when built."""

    max_new_tokens: int = 256
    temperature: float = 0.0  # 0: greedy
    top_k: int = 0  # 0: off
    top_p: float = 1.0  # 1: off
    repetition_penalty: float = 1.0  # 1: off

    def __post_init__(self):
        problems = []
        if not isinstance(self.max_new_tokens, int) or self.max_new_tokens < 0:
            problems.append(f"max_new_tokens={self.max_new_tokens!r} (use an integer >= 0)")
        if not self.temperature >= 0:
            problems.append(f"temperature={self.temperature!r} (use 0 for greedy, or a positive number)")
        if not isinstance(self.top_k, int) or self.top_k < 0:
            problems.append(f"top_k={self.top_k!r} (use 0 for off, or a positive integer)")
        if not 0 < self.top_p <= 1:
            problems.append(f"top_p={self.top_p!r} (use a number in (0, 1]; 1 is off)")
        if not self.repetition_penalty > 0:
            problems.append(f"repetition_penalty={self.repetition_penalty!r} (use a positive number; 1 is off)")
        if problems:
            raise ValueError("invalid decoding settings: " + "; ".join(problems))

    @property
    def greedy(self) -> bool:
        return self.temperature == 0


# ----------------------------------------------------------------------------- logits -> token


def apply_repetition_penalty(logits: torch.Tensor, seen: torch.Tensor, penalty: float) -> torch.Tensor:
    """CTRL's penalty on tokens already seen: positive logits / penalty, negative ones * penalty.

    logits: (B, V) float; seen: (B, V) bool, True for tokens in the row's prompt or output.
    """
    if penalty == 1.0:
        return logits
    penalised = torch.where(logits > 0, logits / penalty, logits * penalty)
    return torch.where(seen, penalised, logits)


def filter_logits(logits: torch.Tensor, temperature: float, top_k: int = 0, top_p: float = 1.0) -> torch.Tensor:
    """logits / temperature with the tokens outside top-k and top-p set to -inf. (B, V) -> (B, V)."""
    logits = logits / temperature
    V = logits.shape[-1]
    if 0 < top_k < V:
        kth = torch.topk(logits, top_k, dim=-1).values[:, -1:]  # (B, 1)
        logits = logits.masked_fill(logits < kth, float("-inf"))
    if top_p < 1.0:
        sorted_logits, order = torch.sort(logits, dim=-1, descending=True)  # (B, V)
        probs = sorted_logits.softmax(-1)
        mass_before = probs.cumsum(-1) - probs  # mass of the more likely tokens
        drop = mass_before >= top_p
        drop[:, 0] = False  # keep at least the most likely token
        logits = logits.masked_fill(drop.scatter(-1, order, drop), float("-inf"))
    return logits


def sample_inverse_cdf(probs: torch.Tensor, uniforms: torch.Tensor) -> torch.Tensor:
    """The token whose cumulative-probability interval holds u * total, per row.

    probs: (B, V) non-negative, need not sum to 1; uniforms: (B,) in [0, 1). Returns (B,) long.
    A token with probability 0 has an empty interval and is never chosen.
    """
    cdf = probs.float().cumsum(-1)  # (B, V)
    target = uniforms.to(cdf.device, cdf.dtype)[:, None] * cdf[:, -1:]  # (B, 1)
    idx = torch.searchsorted(cdf, target, right=True)  # first slot with cdf > target
    return idx.squeeze(-1).clamp(max=probs.shape[-1] - 1)


def choose_tokens(logits: torch.Tensor, settings: SamplingSettings, seen: torch.Tensor | None,
                  uniforms: torch.Tensor | None) -> torch.Tensor:
    """One token per row from the last logits (B, V), all on the logits' device, no host sync:
    penalty, then greedy argmax or temperature / top-k / top-p and an inverse-CDF draw with
    `uniforms` (B,) in [0, 1) (unused when greedy). Returns (B,) long."""
    logits = logits.float()
    if seen is not None:
        logits = apply_repetition_penalty(logits, seen, settings.repetition_penalty)
    if settings.greedy:
        return logits.argmax(-1)
    probs = filter_logits(logits, settings.temperature, settings.top_k, settings.top_p).softmax(-1)
    return sample_inverse_cdf(probs, uniforms)


def next_tokens(logits: torch.Tensor, settings: SamplingSettings, seen: torch.Tensor | None,
                generators: Sequence[torch.Generator | None]) -> torch.Tensor:
    """Choose one token per row from the last logits (B, V): penalty, then greedy or sampling."""
    uniforms = None
    if not settings.greedy:
        uniforms = torch.stack([torch.rand((), generator=g) for g in generators])  # (B,), drawn on the CPU
    return choose_tokens(logits, settings, seen, uniforms)


def row_seed(seed: int, sample: int, prompt_ids: Sequence[int]) -> int:
    """A 63-bit seed for one (prompt, sample) row: stable across runs, batches and machines."""
    h = hashlib.blake2b(f"{seed}:{sample}:".encode(), digest_size=8)
    h.update(b",".join(str(int(t)).encode() for t in prompt_ids))
    return int.from_bytes(h.digest(), "little") & (2**63 - 1)
