"""Devices, dtypes and precision: what "auto" means for model.device, model.dtype and train.precision.

    device = resolve_device("auto")                  # cuda when available, else cpu
    dtype = resolve_dtype("auto", device)            # bf16 on a GPU that has it, fp16 on an older one, fp32 on CPU
    precision = resolve_precision("auto", device)    # the autocast of a training step, the same rule
    with autocast(device, precision): ...

The choices themselves are defined in engine/config.py (PRECISIONS); training (engine/train.py)
and evaluation (engine/evaluate.py) both resolve them here.
"""

from __future__ import annotations

import contextlib
import sys

import torch
from torch import nn


def model_device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def resolve_precision(precision: str, device: torch.device) -> str:
    """"auto" -> bf16 on CUDA with bf16 support, fp16 on older CUDA, fp32 on CPU."""
    if precision != "auto":
        return precision
    if device.type == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return "fp32"


def autocast(device: torch.device, precision: str):
    if precision == "fp32":
        return contextlib.nullcontext()
    return torch.autocast(device.type, dtype=torch.bfloat16 if precision == "bf16" else torch.float16)


def peak_memory(device: torch.device) -> dict:
    """Peak memory so far: CUDA allocator peaks on a GPU, the process's peak RSS on CPU (say which)."""
    if device.type == "cuda":
        return {"memory_kind": "cuda max_memory_allocated / max_memory_reserved",
                "peak_allocated_mb": round(torch.cuda.max_memory_allocated(device) / 2**20, 1),
                "peak_reserved_mb": round(torch.cuda.max_memory_reserved(device) / 2**20, 1)}
    import resource  # lazy: the module exists on Unix only

    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux, bytes on macOS
    if sys.platform == "darwin":
        rss_kb /= 1024
    return {"memory_kind": "process peak RSS (ru_maxrss)", "peak_rss_mb": round(rss_kb / 1024, 1)}


def resolve_device(name: str) -> torch.device:
    """"auto" -> cuda when available, else cpu."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"model.device = {name!r} but torch sees no CUDA device; use 'cpu' or 'auto'")
    return device


def resolve_dtype(name: str, device: torch.device) -> torch.dtype:
    """"auto" -> bf16 on a GPU that has it, fp16 on an older GPU, fp32 on CPU."""
    if name == "auto":
        if device.type == "cuda":
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.float32
    return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[name]
