"""The Triton NF4 dequant kernel vs the torch reference: under the interpreter on CPU, on CUDA when present.

The interpreter must be switched on before triton is imported, so the CPU cases run in one
subprocess with TRITON_INTERPRET=1 (the rest of the suite keeps compiled Triton).
"""

import json

import pytest

from tests.interpreted import run_interpreted
import torch

from kernels import backend
from kernels.nf4 import dequantize_nf4, quantize_nf4

pytest.importorskip("triton")

# (shape, blocksize, double_quant, dtype): partial last blocks, odd counts, > 256 blocks.
CASES = [
    (shape, bs, dq, dt)
    for shape in [(37, 50), (5,), (300, 129), (64, 128)]
    for bs in (64, 128)
    for dq in (True, False)
    for dt in ("float32", "bfloat16", "float16")
]
CASE_IDS = [f"{'x'.join(map(str, s))}-bs{bs}-{'dq' if dq else 'nodq'}-{dt}" for s, bs, dq, dt in CASES]

_WORKER = r"""
import json, sys, torch
from kernels.nf4 import quantize_nf4, dequantize_nf4
from kernels.nf4_triton import dequantize_nf4_triton
from kernels.backend import kernel_backend
cases = json.loads(sys.argv[1])
out = {"backend_cpu_forced": None, "results": []}
for i, (shape, bs, dq, dt) in enumerate(cases):
    torch.manual_seed(i)
    w = torch.randn(shape) * torch.rand(shape) * 4
    w.view(-1)[: min(64, w.numel())] = 0.0  # an all-zero block
    q = quantize_nf4(w, blocksize=bs, double_quant=dq)
    dtype = getattr(torch, dt)
    got = dequantize_nf4_triton(q, dtype)
    ref = dequantize_nf4(q, dtype)
    out["results"].append([bool(torch.equal(got, ref)), int((got != ref).sum())])
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def interpreted():
    return run_interpreted(_WORKER, json.dumps(CASES))["results"]


@pytest.mark.parametrize("i", range(len(CASES)), ids=CASE_IDS)
def test_kernel_matches_reference_under_interpreter(interpreted, i):
    equal, n_diff = interpreted[i]
    assert equal, f"{CASE_IDS[i]}: {n_diff} elements differ from kernels.nf4.dequantize_nf4"


cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


@cuda
@pytest.mark.gpu
@pytest.mark.parametrize("i", range(len(CASES)), ids=CASE_IDS)
def test_kernel_matches_reference_on_cuda(i):
    from kernels.nf4_triton import dequantize_nf4_triton

    shape, bs, dq, dt = CASES[i]
    torch.manual_seed(i)
    w = torch.randn(shape)
    q = quantize_nf4(w, blocksize=bs, double_quant=dq).to("cuda")
    dtype = getattr(torch, dt)
    assert torch.equal(dequantize_nf4_triton(q, dtype).cpu(), dequantize_nf4(q.to("cpu"), dtype))


@cuda
@pytest.mark.gpu
def test_kernel_matches_bitsandbytes_cuda():
    F = pytest.importorskip("bitsandbytes.functional")
    from kernels.nf4_triton import dequantize_nf4_triton

    w = torch.randn(1536, 1000, device="cuda", dtype=torch.bfloat16)
    packed, state = F.quantize_4bit(w, blocksize=64, compress_statistics=True, quant_type="nf4")
    # same bytes in, same values out: feed bnb's own CUDA quantization to our kernel
    from kernels.nf4 import NF4Weight

    theirs = NF4Weight(packed=packed.reshape(-1), absmax=state.absmax,
                       nested_absmax=state.state2.absmax, offset=state.offset.item(),
                       shape=tuple(w.shape), dtype=w.dtype, blocksize=64, nested_blocksize=256,
                       code=state.code, nested_code=state.state2.code)
    assert torch.equal(dequantize_nf4_triton(theirs), F.dequantize_4bit(packed, state))


def test_backend_auto_choice_and_reason(monkeypatch):
    monkeypatch.delenv(backend.ENV_VAR, raising=False)
    assert backend.kernel_backend("cpu") == "torch"
    assert "cpu" in backend.backend_reason("cpu") and backend.backend_reason("cpu").startswith("torch")
    if backend.triton_available()[0]:
        assert backend.kernel_backend("cuda") == "triton"
        assert backend.backend_reason("cuda").startswith("triton (auto")


def test_backend_overrides(monkeypatch):
    monkeypatch.setenv(backend.ENV_VAR, "torch")
    assert backend.kernel_backend("cuda") == "torch"
    assert "SQLORA_KERNELS=torch" in backend.backend_reason("cuda")
    with backend.use_backend("triton"):
        assert backend.kernel_backend("cuda") == "triton"  # context manager beats the env var
        assert "use_backend" in backend.backend_reason("cuda")
        with backend.use_backend("torch"):
            assert backend.kernel_backend("cuda") == "torch"
        assert backend.kernel_backend("cuda") == "triton"
    assert backend.kernel_backend("cuda") == "torch"
    monkeypatch.setenv(backend.ENV_VAR, "cuda")
    with pytest.raises(ValueError, match="SQLORA_KERNELS.*'cuda'.*torch, triton"):
        backend.kernel_backend("cpu")
    with pytest.raises(ValueError, match="valid: torch, triton"):
        with backend.use_backend("fast"):
            pass


def test_forcing_triton_on_cpu_without_interpreter_is_explained(monkeypatch):
    monkeypatch.delenv("TRITON_INTERPRET", raising=False)
    with backend.use_backend("triton"):
        with pytest.raises(RuntimeError, match="TRITON_INTERPRET=1"):
            backend.kernel_backend("cpu")


def test_dispatch_uses_reference_on_cpu(monkeypatch):
    monkeypatch.delenv(backend.ENV_VAR, raising=False)
    q = quantize_nf4(torch.randn(8, 64))
    assert torch.equal(backend.dequantize(q, torch.bfloat16), dequantize_nf4(q, torch.bfloat16))
