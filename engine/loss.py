"""The training loss: cross-entropy on the supervised tokens only, computed chunk by chunk.

A causal LM predicts token t+1 from position t, so after the shift the targets are
`labels[:, 1:]` and the hidden states that predict them are `hidden[:, :-1]`. Only positions whose
target is not IGNORE_INDEX (-100: prompt, padding) are gathered; the lm_head and the softmax then
run on those rows alone, `chunk_size` rows at a time, so the full (B, T, V) logits are never
built. For Qwen2.5's vocab (151,936) at seq 512 x batch 2 those would be 622 MB in fp32; one chunk
of the default 256 rows is 156 MB, and only one chunk is alive at a time, in forward and backward.

`ChunkedCrossEntropy` is a custom autograd Function that keeps nothing per chunk for backward:
forward saves the gathered hidden rows, the targets and one logsumexp per row, and backward
recomputes each chunk's logits. The derivation, for one row h (H,), weight W (V, H), logits
z = W h (V,), target y, and loss l = logsumexp(z) - z_y:

    dl/dz = softmax(z) - onehot(y)                       (V,)
    dl/dh = W^T (softmax(z) - onehot(y))                 (H,)
    dl/dW = (softmax(z) - onehot(y)) h^T                 (V, H), summed over the rows

with softmax(z) = exp(z - logsumexp(z)) from the saved logsumexp. Everything is scaled by the
incoming gradient of the summed loss.

Precision: the matmul runs in the compute dtype (the autocast dtype when autocast is on, else the
weight's dtype); logsumexp and softmax run in fp32 on each chunk's logits.

Per chunk, the two steps are kernels/cross_entropy.py's: on the Triton backend one launch each
(online logsumexp; the gradient written over the 16-bit logits: one chunk buffer alive), elsewhere
the torch twins (in place in an fp32 copy of the chunk: one fp32 and, under autocast, one 16-bit
chunk alive).
"""

from __future__ import annotations

import contextlib

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from kernels import backend
from kernels.cross_entropy import (ce_chunk_backward_torch, ce_chunk_backward_triton, ce_chunk_forward_torch,
                                   ce_chunk_forward_triton)

IGNORE_INDEX = -100  # labels with this value carry no loss (prompt tokens, padding)
DEFAULT_CHUNK = 256  # rows of the lm_head at a time: chunk * vocab * 4 bytes of fp32 logits live at once


def shift_and_gather(hidden: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The hidden rows that predict a supervised token, and those tokens.

    hidden: (B, T, H), labels: (B, T) with IGNORE_INDEX where there is no loss.
    Returns rows (N, H) and targets (N,), N = number of supervised tokens after the shift.
    """
    targets = labels[:, 1:]  # (B, T-1): the token each position predicts
    keep = targets != IGNORE_INDEX  # (B, T-1)
    return hidden[:, :-1][keep], targets[keep]  # (N, H), (N,)


def count_supervised(labels: torch.Tensor) -> int:
    """Number of tokens that carry loss in labels (B, T), after the shift."""
    return int((labels[:, 1:] != IGNORE_INDEX).sum())


def _compute_dtype(weight: torch.Tensor) -> torch.dtype:
    device_type = weight.device.type
    if torch.is_autocast_enabled(device_type):
        return torch.get_autocast_dtype(device_type)
    return weight.dtype


def _chunk_kernels(rows: torch.Tensor, dtype: torch.dtype):
    """(forward, backward) chunk functions of kernels/cross_entropy.py: Triton or the torch twins."""
    if dtype in (torch.float32, torch.bfloat16, torch.float16) and backend.kernel_backend(rows.device) == "triton":
        return ce_chunk_forward_triton, ce_chunk_backward_triton
    return ce_chunk_forward_torch, ce_chunk_backward_torch


class ChunkedCrossEntropy(torch.autograd.Function):
    """sum over rows of CE(rows @ weight.T, targets), chunk by chunk; see the module docstring."""

    @staticmethod
    def forward(ctx, rows, weight, targets, chunk_size: int, dtype: torch.dtype):
        # rows (N, H), weight (V, H), targets (N,)
        w = weight.to(dtype)
        acc = torch.promote_types(dtype, torch.float32)  # fp32, or fp64 when computing in fp64
        total = torch.zeros((), dtype=acc, device=rows.device)
        lse = torch.empty(rows.shape[0], dtype=acc, device=rows.device)  # (N,)
        fwd, _ = _chunk_kernels(rows, dtype)
        for start in range(0, rows.shape[0], chunk_size):
            end = start + chunk_size
            z = rows[start:end].to(dtype) @ w.T  # (n, V), one chunk of logits in the compute dtype
            lse_c, picked = fwd(z, targets[start:end])  # fp32 (n,), (n,); the torch twin reuses z
            lse[start:end] = lse_c
            total += (lse_c - picked).sum()
            del z
        ctx.save_for_backward(rows, weight, targets, lse)
        ctx.chunk_size, ctx.dtype = chunk_size, dtype
        return total

    @staticmethod
    def backward(ctx, grad_out):
        rows, weight, targets, lse = ctx.saved_tensors
        dtype, chunk = ctx.dtype, ctx.chunk_size
        need_rows, need_weight = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
        w = weight.to(dtype)
        grad_rows = torch.empty_like(rows) if need_rows else None
        grad_weight = torch.zeros(weight.shape, dtype=lse.dtype, device=weight.device) if need_weight else None
        _, bwd = _chunk_kernels(rows, dtype)
        for start in range(0, rows.shape[0], chunk):
            end = start + chunk
            h = rows[start:end].to(dtype)  # (n, H)
            z = h @ w.T  # (n, V) recomputed, in the compute dtype
            g = bwd(z, targets[start:end], lse[start:end], grad_out)  # softmax - onehot, scaled, over z
            del z
            if need_rows:
                grad_rows[start:end] = (g @ w).to(rows.dtype)  # (n, H)
            if need_weight:
                grad_weight += g.T @ h  # (V, H)
            del g  # freed before the next chunk's logits: one chunk alive at a time
        if need_weight:
            grad_weight = grad_weight.to(weight.dtype)
        return grad_rows, grad_weight, None, None, None


def _head_ce_sum(head: nn.Module, rows: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(head(rows).float(), targets, reduction="sum")


def chunked_cross_entropy(rows: torch.Tensor, targets: torch.Tensor, head: nn.Module, *,
                          chunk_size: int = DEFAULT_CHUNK) -> torch.Tensor:
    """Summed cross-entropy of head(rows) against targets, never holding more than one chunk of logits.

    rows (N, H), targets (N,) with no IGNORE_INDEX left (see `shift_and_gather`); head: the lm_head.
    A plain bias-free nn.Linear head goes through `ChunkedCrossEntropy`; any other head (e.g. one
    wrapped with LoRA) runs each chunk under non-reentrant activation checkpointing, so its chunk
    logits are recomputed in backward rather than kept. Returns a scalar sum (fp32, or fp64 for
    fp64 inputs), not a mean.
    """
    if chunk_size <= 0:
        raise ValueError(f"chunk_size must be a positive number of rows, got {chunk_size}")
    if rows.shape[0] == 0:
        return rows.sum() * 0.0  # no supervised token: zero loss that still joins the graph
    vocab = getattr(head, "out_features", None)
    if vocab is not None and (int(targets.min()) < 0 or int(targets.max()) >= vocab):
        bad = targets[(targets < 0) | (targets >= vocab)][:5].tolist()
        raise ValueError(f"labels contain token ids outside the vocabulary [0, {vocab}): {bad}; labels must be "
                         f"token ids or {IGNORE_INDEX} for positions without loss")
    if type(head) is nn.Linear and head.bias is None:
        return ChunkedCrossEntropy.apply(rows, head.weight, targets, chunk_size, _compute_dtype(head.weight))
    total = torch.zeros((), dtype=torch.float32, device=rows.device)
    for start in range(0, rows.shape[0], chunk_size):
        r, t = rows[start:start + chunk_size], targets[start:start + chunk_size]
        if torch.is_grad_enabled():
            total = total + checkpoint(_head_ce_sum, head, r, t, use_reentrant=False)
        else:
            total = total + _head_ce_sum(head, r, t)
    return total


def loss_sum_on(model: nn.Module, input_ids: torch.Tensor, labels: torch.Tensor, *,
                attention_mask: torch.Tensor | None = None, position_ids: torch.Tensor | None = None,
                chunk_size: int = DEFAULT_CHUNK, offload_activations: bool = False) -> tuple[torch.Tensor, int]:
    """(summed CE over the supervised tokens of one micro-batch, their number).

    model: a CausalLM (hidden_states() and lm_head). input_ids, labels: (B, T). With right padding
    the attention mask can be left out: under the causal mask no real token sees a later pad.
    Packed rows (engine/batches.py's collate_shared) bring their (B, 1, T, T) mask and position_ids.
    Divide by the token count of the whole accumulated batch, not of this micro-batch.
    offload_activations: what the decoder stack saves for backward goes to (pinned) CPU memory
    and comes back when backward needs it (torch.autograd.graph.save_on_cpu). With gradient
    checkpointing that is each layer's input (plus RoPE's cos and sin, which each checkpoint
    saves too, and the final norm's input): the inside of a checkpointed layer is never saved.
    """
    offload = torch.autograd.graph.save_on_cpu(pin_memory=True) if offload_activations else contextlib.nullcontext()
    with offload:
        if position_ids is None:
            hidden = model.hidden_states(input_ids, attention_mask)  # (B, T, H)
        else:
            hidden = model.hidden_states(input_ids, attention_mask, position_ids=position_ids)
    rows, targets = shift_and_gather(hidden, labels)  # (N, H), (N,)
    return chunked_cross_entropy(rows, targets, model.lm_head, chunk_size=chunk_size), int(targets.shape[0])
