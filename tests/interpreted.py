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
