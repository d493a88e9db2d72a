"""Run a worker script with Triton's CPU interpreter, for the kernel tests.

TRITON_INTERPRET must be set before triton is first imported, and this pytest process imports it
already, so each kernel test runs its worker in a fresh interpreter process and reads back the
JSON the worker prints on its last line.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run_interpreted(worker: str, *args: str):
    """The JSON value printed last by `python -c worker *args` under TRITON_INTERPRET=1."""
    env = dict(os.environ, TRITON_INTERPRET="1", PYTHONPATH=str(REPO))
    env.pop("SQLORA_KERNELS", None)  # the worker chooses its backends itself
    proc = subprocess.run([sys.executable, "-c", worker, *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def compile_for_sm90(kernel, signature: dict, constexprs: dict):
    """Compile a @triton.jit kernel to PTX + cubin for an H100/H200 (sm_90) target without a GPU:
    catches what the interpreter lets through (types, layouts, loop-carried values). Skips the
    calling test where Triton, or its ahead-of-time API, is absent or kernels are interpreted here."""
    import pytest

    triton = pytest.importorskip("triton")
    try:
        from triton.backends.compiler import GPUTarget
        from triton.compiler import ASTSource
    except ImportError as e:
        pytest.skip(f"this triton has no ahead-of-time compile API ({e})")
    if os.environ.get("TRITON_INTERPRET", "0") not in ("", "0"):
        pytest.skip("kernels are interpreted in this process")
    compiled = triton.compile(ASTSource(fn=kernel, signature=signature, constexprs=constexprs),
                              target=GPUTarget("cuda", 90, 32))
    return compiled.asm
