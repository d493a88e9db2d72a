"""NF4Linear's dequantization scratch buffer (kernels/nf4_linear.py: dequantize_for_matmul).

On the Triton backend every NF4 matmul dequantizes into one shared buffer per (device, dtype). A
buffer overwritten while something still needs the old weight would be a silent bug, so a
model of several NF4 layers (plain and under LoRA, fused and not), with gradient checkpointing,
dropout and bf16 autocast, must give bit-identical outputs and gradients with and without the
buffer. The Triton cases run in a subprocess under TRITON_INTERPRET=1 (the interpreter must be on
before triton is imported), as tests/kernels/test_nf4_triton.py does.
"""


import pytest

from tests.interpreted import run_interpreted
import torch

pytest.importorskip("triton")

_WORKER = r"""
import json, torch
from torch import nn
from torch.utils.checkpoint import checkpoint
import kernels.nf4_linear as nl
from kernels.backend import use_backend
from engine.lora import LoRALinear

def build():
    torch.manual_seed(0)
    dims = [(40, 64), (64, 96), (96, 64), (64, 64)]  # (in, out): different sizes, the buffer regrows
    layers = nn.ModuleList()
    for i, (fin, fout) in enumerate(dims):
        base = nl.NF4Linear.from_linear(nn.Linear(fin, fout, bias=i == 0))
        if i % 2 == 0:
            lora = LoRALinear(base, r=4, alpha=8, dropout=0.2)
            with torch.no_grad():
                lora.lora_B.weight.normal_(0, 0.1)
            lora.fused = i == 0  # one fused, one unfused adapter
            base = lora
        layers.append(base)
    return layers.train()

def run(scratch, ckpt, autocast):
    nl.NF4Linear.scratch = scratch
    nl.release_scratch()
    layers = build()
    x = torch.randn(3, 5, 40, generator=torch.Generator().manual_seed(1), requires_grad=True)
    torch.manual_seed(2)
    with use_backend("triton"), torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
        h = x
        for layer in layers:
            h = checkpoint(layer, h, use_reentrant=False) if ckpt else layer(h)
            h = torch.nn.functional.silu(h)
        y = h
        y.float().square().sum().backward()
    grads = [x.grad] + [p.grad for p in layers.parameters() if p.grad is not None]
    bufs = {str(k): v.numel() for k, v in nl._scratch.items()}
    aliased = any(t.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()
                  for t in [y] + grads for b in nl._scratch.values())
    return y.detach(), grads, bufs, aliased

out = []
for ckpt in (False, True):
    for autocast in (False, True):
        y0, g0, _, _ = run(False, ckpt, autocast)
        y1, g1, bufs, aliased = run(True, ckpt, autocast)
        same = torch.equal(y0, y1) and len(g0) == len(g1) and all(torch.equal(a, b) for a, b in zip(g0, g1))
        out.append({"ckpt": ckpt, "autocast": autocast, "same": same, "n_grads": len(g1), "bufs": bufs,
                    "aliased": aliased})
print(json.dumps(out))
"""


def test_scratch_buffer_gives_identical_outputs_and_gradients_under_the_interpreter():
    results = run_interpreted(_WORKER)
    assert len(results) == 4
    for r in results:
        assert r["same"], r
        assert r["n_grads"] == 1 + 2 * 2 + 0  # x, and A, B of both adapters (the bases are frozen)
        assert not r["aliased"], r  # no output or gradient lives in the scratch buffer
        # one buffer per dtype in use, as large as the largest weight (96 x 64 = 6144)
        assert set(r["bufs"].values()) == {6144}, r


def test_torch_backend_and_public_dequantize_never_use_the_scratch():
    from kernels import nf4_linear as nl

    nl.release_scratch()
    layer = nl.NF4Linear.from_linear(torch.nn.Linear(16, 8))
    w1, w2 = layer.dequantize(), layer.dequantize()
    assert w1.data_ptr() != w2.data_ptr()
    layer(torch.randn(2, 16, requires_grad=True)).sum().backward()
    assert not nl._scratch  # CPU tensors: the torch twin, a fresh tensor per matmul
