"""Devices, dtypes and precision: what "auto" means for model.device, model.dtype and train.precision.

    device = resolve_device("auto")                  # cuda when available, else cpu
    dtype = resolve_dtype("auto", device)            # bf16 on a GPU that has it, fp16 on an older one; on a CPU
                                                     # bf16 where it runs bf16 matmuls natively, else fp32
    precision = resolve_precision("auto", device)    # the autocast of a training step, the same rule
    print(auto_reason(device))                       # which, and why (train.py and eval.py log it)

Why the CPU rule: with AMX / AVX512-BF16 a 2-core CPU ran a 1024x1536x8960 bf16 matmul ~5x its
fp32 rate (405 vs 83 GFLOP/s); without them bf16 is emulated and was 9-10x *slower* than fp32
(SmolLM2-135M prefill of 800 tokens: 1.83 s fp32, 16.4 s bf16, on an AMD EPYC with AVX2 only).
SQLORA_CPU_BF16=1 / 0 overrides the detection.
    with autocast(device, precision): ...

The choices themselves are defined in engine/config.py (PRECISIONS); training (engine/train.py)
and evaluation (engine/evaluate.py) both resolve them here.
"""

from __future__ import annotations

import contextlib
import os
import sys

import torch
from torch import nn

from engine.config import ConfigError


def model_device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


CPU_BF16_FLAGS = ("amx_bf16", "avx512_bf16")  # /proc/cpuinfo flags of native bf16 matmuls


def cpu_bf16_flags(cpuinfo: str = "/proc/cpuinfo") -> tuple[str, ...]:
    """Which of CPU_BF16_FLAGS this CPU has (Linux /proc/cpuinfo; none elsewhere), or as forced by
    SQLORA_CPU_BF16=1 / 0."""
    forced = os.environ.get("SQLORA_CPU_BF16")
    if forced in ("0", "1"):
        return ("SQLORA_CPU_BF16=1",) if forced == "1" else ()
    try:
        with open(cpuinfo) as f:
            for line in f:
                if line.startswith("flags"):
                    have = set(line.split(":", 1)[1].split())
                    return tuple(flag for flag in CPU_BF16_FLAGS if flag in have)
    except OSError:
        pass
    return ()


def resolve_precision(precision: str, device: torch.device) -> str:
    """"auto" -> bf16 on CUDA with bf16 support, fp16 on older CUDA; on CPU bf16 where the CPU has
    native bf16 matmuls (cpu_bf16_flags), else fp32."""
    if precision != "auto":
        return precision
    if device.type == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return "bf16" if cpu_bf16_flags() else "fp32"


def auto_reason(device: torch.device) -> str:
    """One line for the logs: what "auto" chose on `device`, and why."""
    if device.type == "cuda":
        kind = "bf16" if torch.cuda.is_bf16_supported() else "fp16 (this GPU has no bf16)"
        return f"auto precision on {device}: {kind}"
    flags = cpu_bf16_flags()
    if flags:
        return f"auto precision on cpu: bf16 (native bf16 matmuls: {', '.join(flags)})"
    return ("auto precision on cpu: fp32 (no AMX / AVX512-BF16: bf16 would be emulated, several times slower; "
            "set SQLORA_CPU_BF16=1 to force bf16)")


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
    """"auto" -> cuda when available, else cpu. A device this machine does not have is a ConfigError
    saying what it has (checked here, before a model is built on it)."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        build = f"a CUDA {torch.version.cuda} build" if torch.version.cuda else "a CPU-only build"
        raise ConfigError(f"model.device = {name!r}, but torch sees no CUDA device (torch {torch.__version__} is "
                          f"{build}); use 'cpu', or 'auto' to take a GPU when there is one")
    if device.type == "cuda" and device.index is not None and device.index >= torch.cuda.device_count():
        have = ", ".join(f"cuda:{i}" for i in range(torch.cuda.device_count()))
        raise ConfigError(f"model.device = {name!r}, but this machine has {torch.cuda.device_count()} CUDA "
                          f"device(s): {have}")
    if device.type == "mps" and not (hasattr(torch.backends, "mps") and torch.backends.mps.is_available()):
        raise ConfigError(f"model.device = {name!r}, but torch has no usable MPS device here (Apple GPUs on "
                          "macOS only); use 'cpu' or 'auto'")
    return device


def resolve_dtype(name: str, device: torch.device) -> torch.dtype:
    """"auto" -> bf16 on a GPU that has it, fp16 on an older GPU; on CPU the resolve_precision rule."""
    if name == "auto":
        return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[resolve_precision("auto", device)]
    return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[name]
