"""kernels/cross_entropy.py: the Triton chunk kernels vs their torch twins vs F.cross_entropy, and
engine/loss.py's ChunkedCrossEntropy on the Triton backend vs the torch backend (value and
gradients). The Triton cases run in one subprocess under TRITON_INTERPRET=1 (set before triton is
imported), as tests/kernels/test_nf4_triton.py does; CUDA cases run when a GPU is present."""


import pytest

from tests.interpreted import compile_for_sm90, run_interpreted
import torch
import torch.nn.functional as F

from kernels.cross_entropy import ce_chunk_backward_torch, ce_chunk_forward_torch

pytest.importorskip("triton")

_WORKER = r"""
import json, torch
import torch.nn.functional as F
from torch import nn
from kernels.cross_entropy import (ce_chunk_forward_torch, ce_chunk_backward_torch, ce_chunk_forward_triton,
                                   ce_chunk_backward_triton)
from kernels.backend import use_backend
from engine.loss import chunked_cross_entropy

def err(a, b):
    return float((a.float() - b.float()).abs().max() / b.float().abs().max().clamp_min(1e-30))

out = {"kernels": [], "loss": []}
for dt, (n, V) in [("float32", (7, 2500)), ("bfloat16", (7, 2500)), ("float32", (3, 5)), ("float16", (4, 1030))]:
    dtype = getattr(torch, dt)
    g = torch.Generator().manual_seed(n * V)
    z = (torch.randn(n, V, generator=g) * 4).to(dtype)
    t = torch.randint(0, V, (n,), generator=g)
    t[0] = V - 1  # the last column, in the last (partial) block
    lse_t, picked_t = ce_chunk_forward_triton(z.clone(), t)
    lse_r, picked_r = ce_chunk_forward_torch(z.clone(), t)
    ref_loss = F.cross_entropy(z.float(), t, reduction="none")
    scale = torch.tensor(0.37)
    gr_t = ce_chunk_backward_triton(z.clone(), t, lse_t, scale)
    gr_r = ce_chunk_backward_torch(z.clone(), t, lse_r, scale)
    zz = z.float().requires_grad_(True)
    (F.cross_entropy(zz, t, reduction="sum") * scale).backward()
    out["kernels"].append({"dt": dt, "lse": err(lse_t, lse_r), "picked": err(picked_t, picked_r),
                           "loss": err(lse_t - picked_t, ref_loss), "grad": err(gr_t, gr_r),
                           "grad_ref": err(gr_t, zz.grad), "grad_dtype": str(gr_t.dtype)})

for autocast in (False, True):
    g = torch.Generator().manual_seed(0)
    rows = torch.randn(50, 24, generator=g).requires_grad_(True)
    head = nn.Linear(24, 1500, bias=False)
    t = torch.randint(0, 1500, (50,), generator=g)
    res = []
    for be in ("torch", "triton"):
        r = rows.detach().clone().requires_grad_(True)
        with use_backend(be), torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
            loss = chunked_cross_entropy(r, t, head, chunk_size=16)
        loss.backward()
        res.append((loss.detach(), r.grad))
    out["loss"].append({"autocast": autocast, "value": err(res[1][0], res[0][0]), "grad": err(res[1][1], res[0][1])})
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def interpreted():
    return run_interpreted(_WORKER)


def test_triton_chunk_kernels_match_twins_and_cross_entropy(interpreted):
    for r in interpreted["kernels"]:
        low = r["dt"] != "float32"
        assert r["lse"] < 1e-6 and r["picked"] == 0.0 and r["loss"] < 1e-5, r  # both read the same logits
        # the gradient is stored in the logits' dtype: one rounding of it in 16 bits
        assert r["grad"] < (1e-2 if low else 1e-5) and r["grad_ref"] < (1e-2 if low else 1e-5), r
        assert r["grad_dtype"] == "torch." + r["dt"], r


def test_chunked_loss_on_triton_backend_equals_torch_backend(interpreted):
    for r in interpreted["loss"]:
        tol = 1e-2 if r["autocast"] else 1e-5
        assert r["value"] < tol and r["grad"] < tol, r


def test_torch_twins_equal_cross_entropy():
    g = torch.Generator().manual_seed(0)
    z = torch.randn(9, 301, generator=g, dtype=torch.float64) * 3
    t = torch.randint(0, 301, (9,), generator=g)
    lse, picked = ce_chunk_forward_torch(z.clone(), t)
    torch.testing.assert_close(lse - picked, F.cross_entropy(z, t, reduction="none"))
    zz = z.clone().requires_grad_(True)
    (F.cross_entropy(zz, t, reduction="sum") * 2.5).backward()
    torch.testing.assert_close(ce_chunk_backward_torch(z.clone(), t, lse, torch.tensor(2.5, dtype=torch.float64)),
                               zz.grad)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_triton_chunk_kernels_on_cuda(dtype):
    from kernels.cross_entropy import ce_chunk_backward_triton, ce_chunk_forward_triton

    g = torch.Generator(device="cuda").manual_seed(0)
    z = (torch.randn(64, 151936, device="cuda", generator=g) * 4).to(dtype)
    t = torch.randint(0, 151936, (64,), device="cuda", generator=g)
    lse, picked = ce_chunk_forward_triton(z, t)
    torch.testing.assert_close(lse - picked, F.cross_entropy(z.float(), t, reduction="none"), rtol=1e-5, atol=1e-4)
    ref = ce_chunk_backward_torch(z.clone(), t, lse, torch.tensor(1.0, device="cuda"))
    got = ce_chunk_backward_triton(z.clone(), t, lse, torch.tensor(1.0, device="cuda"))
    torch.testing.assert_close(got.float(), ref.float(), rtol=1e-2, atol=1e-5)


@pytest.mark.parametrize("dt", ["bf16", "fp32"])
def test_kernels_compile_for_sm90_without_a_gpu(dt):
    """Compiled to PTX + cubin for an H100/H200 target (as tests/kernels/test_fused_kernels.py does): catches
    what the interpreter lets through (the loop-carried running max and sum, types)."""
    pytest.importorskip("triton")
    import kernels.cross_entropy as C

    p = f"*{dt}"
    fwd = {"z_ptr": p, "t_ptr": "*i64", "lse_ptr": "*fp32", "picked_ptr": "*fp32", "V": "i32", "stride": "i32",
           "BLOCK": "constexpr"}
    bwd = {"z_ptr": p, "t_ptr": "*i64", "lse_ptr": "*fp32", "scale_ptr": "*fp32", "V": "i32", "stride": "i32",
           "BLOCK": "constexpr"}
    for kernel, sig in ((C._ce_fwd_kernel, fwd), (C._ce_bwd_kernel, bwd)):
        asm = compile_for_sm90(kernel, sig, {"BLOCK": 1024})
        assert asm.get("ptx") and asm.get("cubin"), kernel
