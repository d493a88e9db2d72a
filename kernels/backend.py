"""The one place that decides which kernels run: Triton on CUDA, the pure-torch reference elsewhere.

Order of precedence:
  1. `use_backend("torch" | "triton")` (a context manager, for tests and benchmarks);
  2. the environment variable SQLORA_KERNELS=torch|triton|auto;
  3. auto: "triton" when the tensors are on a CUDA device and Triton imports, else "torch".
`backend_reason(device)` says in one line which backend runs and why.

Forcing "triton" for CPU tensors only works under the Triton interpreter (TRITON_INTERPRET=1,
set before triton is imported); otherwise it is an error that says so.
"""

from __future__ import annotations

import contextlib
import functools
import os
from typing import Iterator

import torch

from kernels.nf4 import dequantize_nf4

ENV_VAR = "SQLORA_KERNELS"
BACKENDS = ("torch", "triton")
_forced: list[str] = []  # stack of use_backend() overrides


@functools.lru_cache(maxsize=1)
def triton_available() -> tuple[bool, str]:
    """(importable, why not) for Triton."""
    try:
        import triton  # noqa: F401
        import triton.language  # noqa: F401
    except Exception as e:  # ImportError, or a broken install
        return False, f"triton does not import ({type(e).__name__}: {e})"
    return True, ""


def triton_modules():
    """(triton, triton.language, triton.jit), or (None, None, a no-op decorator) where Triton does not
    import: kernel modules then still import, and their torch twins run (the backend says why)."""
    ok, _ = triton_available()
    if not ok:
        return None, None, (lambda fn: fn)
    import triton
    import triton.language as tl

    return triton, tl, triton.jit


def triton_interpreting() -> bool:
    return os.environ.get("TRITON_INTERPRET", "0") not in ("", "0")


def _check(name: str, where: str) -> str:
    if name not in BACKENDS:
        raise ValueError(f"{where}: unknown kernel backend {name!r}; valid: {', '.join(BACKENDS)}"
                         + (" or auto" if where == ENV_VAR else ""))
    return name


def _decide(device: torch.device | str | None) -> tuple[str, str]:
    device = torch.device(device if device is not None else "cpu")
    if _forced:
        name, why = _forced[-1], f"forced by use_backend({_forced[-1]!r})"
    else:
        env = os.environ.get(ENV_VAR, "auto").strip().lower() or "auto"
        if env != "auto":
            name, why = _check(env, ENV_VAR), f"forced by {ENV_VAR}={env}"
        elif device.type == "cuda":
            ok, why_not = triton_available()
            if ok:
                return "triton", f"auto: tensors on {device}, triton available"
            return "torch", f"auto: tensors on {device} but {why_not}"
        else:
            return "torch", f"auto: tensors on {device.type} (Triton kernels need CUDA)"
    if name == "triton":
        ok, why_not = triton_available()
        if not ok:
            raise RuntimeError(f"kernel backend 'triton' ({why}) cannot run: {why_not}")
        if device.type != "cuda" and not triton_interpreting():
            raise RuntimeError(
                f"kernel backend 'triton' ({why}) cannot run on {device} tensors: Triton runs "
                "on CUDA, or on CPU under the interpreter (set TRITON_INTERPRET=1 before "
                "importing triton); use 'torch' here")
    return name, why


def kernel_backend(device: torch.device | str | None = None) -> str:
    """'triton' or 'torch' for tensors on `device`."""
    return _decide(device)[0]


def backend_reason(device: torch.device | str | None = None) -> str:
    """A short line: which backend runs for `device`, and why."""
    name, why = _decide(device)
    return f"{name} ({why})"


@contextlib.contextmanager
def use_backend(name: str) -> Iterator[None]:
    """Force a backend inside a `with` block (nestable): use_backend("torch")."""
    _forced.append(_check(name, "use_backend"))
    try:
        yield
    finally:
        _forced.pop()


def dequantize(q, dtype: torch.dtype | None = None, out: torch.Tensor | None = None) -> torch.Tensor:
    """Dequantize an NF4Weight with the backend chosen for its device (see module docstring).

    out: a contiguous tensor of q.shape in `dtype` to write into (Triton: in place, one launch;
    torch: the twin's result copied in)."""
    if kernel_backend(q.device) == "triton":
        from kernels.nf4_triton import dequantize_nf4_triton  # lazy: that module needs triton, an optional dependency

        return dequantize_nf4_triton(q, dtype, out=out)
    w = dequantize_nf4(q, dtype)
    return w if out is None else out.copy_(w)
