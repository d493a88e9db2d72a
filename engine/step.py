"""One optimizer step, as plain functions: what trains, the optimizer, gradient accumulation, the
update, and the validation loss. engine/train.py runs them in a loop; bench/ calls them alone.

    params = prepare_model(model, mode="lora")          # LoRA weights trainable, fp32, checkpointing on
    optimizer = build_optimizer(model, lr=2e-4)
    loss, tokens = accumulate_gradients(model, micro_batches)    # grad of the mean token loss of the group
    grad_norm = optimizer_step(params, optimizer, lr=2e-4, max_grad_norm=1.0)

Under torchrun each rank accumulates its share of a step's micro-batches, normalised by the
tokens of all of them (`total_tokens`), and engine/distributed.py sums the gradients.
"""

from __future__ import annotations

import hashlib
import math
from typing import Sequence

import torch
from torch import nn

from engine.batches import collate
from engine.config import MODES, ConfigError
from engine.devices import autocast, model_device
from engine.distributed import SINGLE, World
from engine.lora import is_quantized
from engine.loss import count_supervised, loss_sum_on


class NonFiniteLossError(RuntimeError):
    """The loss (or, without loss scaling, the gradient norm), or the weights or optimizer state about
    to be checkpointed, became NaN or inf; the run stopped."""


def micro_batch_seed(seed: int, step: int, index: int) -> int:
    """The RNG seed of micro-batch `index` of optimizer step `step` (both 0-based): its dropout masks
    depend on (seed, step, index) alone, not on which rank runs it or on what ran before it."""
    h = hashlib.blake2b(f"{seed}:{step}:{index}".encode(), digest_size=8)
    return int.from_bytes(h.digest(), "little") & (2**63 - 1)


def accumulate_gradients(model: nn.Module, micro_batches: list[dict], *, chunk_size: int = 256,
                         precision: str = "fp32", scaler=None, offload_activations: bool = False,
                         total_tokens: int | None = None, seeds: Sequence[int] | None = None) -> tuple[float, int]:
    """Forward + backward over the micro-batches of one optimizer step; returns (mean token loss, tokens).

    Each micro-batch's summed loss is divided by the supervised tokens of all of them together, so the
    accumulated .grad equals that of one batch holding every micro-batch. Raises NonFiniteLossError
    naming the micro-batch whose loss is NaN or inf (its 0-based index and value are the error's
    `micro_batch` and `loss`). offload_activations: see engine.loss.loss_sum_on.

    total_tokens: the count to divide by, when these micro-batches are one rank's share of a step
    (the supervised tokens of the whole step's micro-batches; the result is then this share's part
    of the mean). seeds: one per micro-batch; torch's RNG is seeded with it before its forward, so
    its dropout masks are the same wherever it runs (engine.train passes `micro_batch_seed`s).
    """
    if total_tokens is None:
        total_tokens = sum(count_supervised(mb["labels"]) for mb in micro_batches)
    loss_total = 0.0
    for i, mb in enumerate(micro_batches):
        if seeds is not None:
            torch.manual_seed(seeds[i])
        with autocast(mb["input_ids"].device, precision):
            loss_sum, _ = loss_sum_on(model, mb["input_ids"], mb["labels"], attention_mask=mb.get("attention_mask"),
                                      position_ids=mb.get("position_ids"), chunk_size=chunk_size,
                                      offload_activations=offload_activations)
        value = float(loss_sum.detach())
        if not math.isfinite(value):
            error = NonFiniteLossError(f"micro-batch {i + 1} of {len(micro_batches)} has loss {value}")
            error.micro_batch, error.loss = i, value
            raise error
        loss = loss_sum / max(total_tokens, 1)
        (scaler.scale(loss) if scaler is not None else loss).backward()
        loss_total += value
    return loss_total / max(total_tokens, 1), total_tokens


def optimizer_step(params: list[nn.Parameter], optimizer: torch.optim.Optimizer, *, lr: float,
                   max_grad_norm: float, scaler=None) -> float:
    """Set lr, unscale (fp16), clip, step, zero the grads; returns the global grad norm before clipping."""
    for group in optimizer.param_groups:
        group["lr"] = lr
    if scaler is not None:
        scaler.unscale_(optimizer)
    norm = torch.nn.utils.clip_grad_norm_(params, max_grad_norm if max_grad_norm > 0 else float("inf"))
    norm = float(norm)
    if scaler is not None:
        scaler.step(optimizer)  # skipped when the unscaled grads hold inf/NaN; the scale then shrinks
        scaler.update()
    else:
        if not math.isfinite(norm):
            raise NonFiniteLossError(f"the gradient norm is {norm}")
        optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return norm


def build_optimizer(model: nn.Module, *, lr: float, weight_decay: float = 0.0, betas=(0.9, 0.999),
                    eps: float = 1e-8) -> torch.optim.AdamW:
    """AdamW over the trainable parameters; weight decay on matrices only (not biases and norm weights)."""
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    if not named:
        raise ValueError("the model has no trainable parameters (in LoRA mode, apply_lora first)")
    decay = [p for n, p in named if p.ndim >= 2]
    no_decay = [p for n, p in named if p.ndim < 2]
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    fused = model_device(model).type == "cuda" or None  # fused kernel on CUDA; the default elsewhere
    return torch.optim.AdamW(groups, lr=lr, betas=tuple(betas), eps=eps, fused=fused)


def prepare_model(model: nn.Module, *, mode: str = "lora", grad_checkpointing: bool = True) -> list[nn.Parameter]:
    """Set what trains (LoRA weights or everything), keep it in fp32, turn on checkpointing; returns the params."""
    if mode not in MODES:
        raise ValueError(f"train.mode = {mode!r} is not one of {list(MODES)}")
    if mode == "full":
        quantized = [n for n, m in model.named_modules() if is_quantized(m)]
        if quantized:  # their packed 4-bit weights are buffers: only embeddings, norms and biases would train
            raise ConfigError(f"train.mode = 'full' on a quantized base: its {len(quantized)} NF4 linears (e.g. "
                              f"{quantized[0]}) can't be trained, so only the embeddings, norms and biases would be; "
                              f"use train.mode = 'lora' (QLoRA), or load the base dense (no model.quantize)")
        model.requires_grad_(True)
    elif not any(n.endswith(("lora_A.weight", "lora_B.weight")) for n, _ in model.named_parameters()):
        raise ValueError("train.mode = 'lora' but the model has no LoRA modules: call engine.lora.apply_lora "
                         "first, or set train.mode = 'full' to train every parameter")
    params = [p for p in model.parameters() if p.requires_grad]
    for p in params:
        if p.dtype != torch.float32:
            p.data = p.data.float()  # fp32 master weights; autocast casts them for the matmuls
    model.gradient_checkpointing = grad_checkpointing
    model.train()
    return params


# ----------------------------------------------------------------------------------------------
# Validation.

@torch.no_grad()
def evaluate_loss(model: nn.Module, items: list[dict], *, micro_batch_size: int, chunk_size: int = 256,
                  precision: str = "fp32", pad_id: int = 0, world: World = SINGLE) -> dict:
    """Mean token loss over every supervised token of `items` (batched by length, no shuffling).
    With several ranks each computes its share of the batches and the sums are added up."""
    was_training = model.training
    model.eval()
    device = model_device(model)
    order = sorted(range(len(items)), key=lambda i: len(items[i]["input_ids"]))
    starts = range(0, len(order), micro_batch_size)
    total, tokens = 0.0, 0
    for b in world.share(len(starts)):
        start = starts[b]
        mb = collate([items[i] for i in order[start:start + micro_batch_size]], pad_id=pad_id, device=device)
        with autocast(device, precision):
            loss_sum, n = loss_sum_on(model, mb["input_ids"], mb["labels"], chunk_size=chunk_size)
        total, tokens = total + float(loss_sum), tokens + n
    if world.size > 1:
        total, tokens = world.sum_floats([total, tokens])
        tokens = int(tokens)
    model.train(was_training)
    return {"val_loss": total / max(tokens, 1), "val_tokens": tokens}
