"""The fused NF4 GEMV / skinny GEMM (kernels/nf4_gemv.py) vs dequantize_nf4 + matmul.

Under the interpreter on CPU (one subprocess with TRITON_INTERPRET=1, set before triton is
imported, as in tests/kernels/test_nf4_triton.py), on CUDA when present. The oracle is the exact fp32
product of x and the dequantized weight (dequantize_nf4 in x's dtype, then fp32), plus the bias:
the kernel builds each weight element exactly as dequantize_nf4 does and sums in fp32, so it may
differ only by the order of the fp32 sums and the final rounding to x's dtype (the interpreter
truncates where the GPU rounds to nearest: one unit in the last place of the output).
"""

import json

import pytest

from tests.interpreted import run_interpreted
import torch

from kernels.nf4 import dequantize_nf4, quantize_nf4
from kernels.nf4_gemv import GEMV_MAX_ROWS, gemv_supported, nf4_gemv, nf4_gemv_torch

pytest.importorskip("triton")

# (N, K, blocksize, double_quant, M, dtype, bias, launch overrides)
CASES = [
    (96, 128, 64, True, 1, "float32", True, {}),
    (96, 128, 64, True, 1, "bfloat16", True, {}),
    (96, 128, 128, False, 8, "float16", False, {}),
    (40, 160, 64, True, 5, "bfloat16", False, {"split_k": 2}),       # blocks straddle rows
    (40, 160, 64, False, 3, "float32", True, {}),
    (33, 192, 128, True, 17, "float16", True, {"split_k": 3}),       # straddling, odd N
    (33, 192, 128, False, 2, "bfloat16", True, {"block_n": 16}),
    (160, 256, 64, True, 3, "bfloat16", True, {"split_k": 1}),       # > 256 blocks: nested index
    (160, 256, 64, True, 32, "float32", False, {"block_j": 16}),     # K aligned, scale per byte
    (160, 256, 64, True, 32, "bfloat16", True, {"block_j": 128}),    # 4 blocks per K step
    (64, 512, 128, True, 24, "float16", False, {"split_k": 4, "block_n": 32}),
    (64, 512, 64, True, 40, "bfloat16", True, {}),                   # > 32 rows: two M tiles
]
CASE_IDS = [f"{n}x{k}-bs{bs}-{'dq' if dq else 'nodq'}-M{m}-{dt}{'-bias' if b else ''}"
            + "".join(f"-{a}{v}" for a, v in o.items()) for n, k, bs, dq, m, dt, b, o in CASES]

_WORKER = r"""
import json, sys, torch
from kernels.nf4 import quantize_nf4, dequantize_nf4
from kernels.nf4_gemv import nf4_gemv_triton
cases = json.loads(sys.argv[1])
out = []
for i, (N, K, bs, dq, M, dt, has_bias, over) in enumerate(cases):
    g = torch.Generator().manual_seed(i)
    dtype = getattr(torch, dt)
    q = quantize_nf4(torch.randn(N, K, generator=g) * torch.rand(N, K, generator=g) * 3, blocksize=bs, double_quant=dq)
    x = torch.randn(M, K, generator=g).to(dtype)
    bias = torch.randn(N, generator=g) if has_bias else None
    if i == 1:  # leading dims and a non-contiguous x
        x = torch.randn(2, 3, 2 * K, generator=g).to(dtype)[..., ::2]
    y = nf4_gemv_triton(x, q, bias, **over)
    ref = x.float() @ dequantize_nf4(q, dtype).float().T + (0 if bias is None else bias)
    mag = x.float().abs() @ dequantize_nf4(q, dtype).float().abs().T  # sum_k |x_k w_k|: scale of rounding error
    out.append({"shape_ok": list(y.shape) == list(ref.shape), "dtype_ok": y.dtype == dtype,
                "y": y.float().reshape(-1).tolist(), "ref": ref.reshape(-1).tolist(),
                "mag": mag.reshape(-1).tolist(), "K": K})
print(json.dumps(out))
"""

# Relative error allowed against the fp32 oracle: one ulp of the output dtype (+ fp32 sum order).
REL = {"float32": 1e-5, "bfloat16": 2.0 ** -7, "float16": 2.0 ** -10}


@pytest.fixture(scope="module")
def interpreted():
    return run_interpreted(_WORKER, json.dumps(CASES))


def assert_within(y: torch.Tensor, ref: torch.Tensor, dt: str, what: str, mag: torch.Tensor | None = None, K: int = 0):
    tol = REL[dt] * ref.abs() + REL[dt] * 1e-2 * ref.abs().max()  # relative, plus a floor for cancellation
    if mag is not None:
        # A sum of K fp32 products in another order differs by ~sqrt(K) * 2^-24 * sum_k |x_k w_k|
        # (random-walk rounding; the worst case is K times that). Outputs that cancel to near zero
        # need this floor: seen on an AMD EPYC (K=256, |y - ref| = 3.4e-5 at max |ref| 104).
        tol = tol + 4 * K ** 0.5 * 2.0 ** -24 * mag
    bad = (y - ref).abs() > tol
    assert not bad.any(), (f"{what}: {int(bad.sum())} of {y.numel()} outputs off, worst "
                           f"{(y - ref).abs().max().item():.3g} (max |ref| {ref.abs().max().item():.3g})")


@pytest.mark.parametrize("i", range(len(CASES)), ids=CASE_IDS)
def test_kernel_matches_dequant_matmul_under_interpreter(interpreted, i):
    r = interpreted[i]
    assert r["shape_ok"] and r["dtype_ok"]
    assert_within(torch.tensor(r["y"]), torch.tensor(r["ref"]), CASES[i][5], CASE_IDS[i],
                  torch.tensor(r["mag"]), r["K"])


def test_torch_twin_and_dispatch_on_cpu(monkeypatch):
    """The twin is dequantize + F.linear; on CPU tensors nf4_gemv runs the twin."""
    monkeypatch.delenv("SQLORA_KERNELS", raising=False)
    g = torch.Generator().manual_seed(0)
    q = quantize_nf4(torch.randn(24, 64, generator=g))
    x, b = torch.randn(3, 64, generator=g), torch.randn(24, generator=g)
    ref = torch.nn.functional.linear(x, dequantize_nf4(q), b)
    assert torch.equal(nf4_gemv_torch(x, q, b), ref)
    assert torch.equal(nf4_gemv(x, q, b), ref)
    assert gemv_supported(q) and not gemv_supported(quantize_nf4(torch.randn(4, 63)))
    with pytest.raises(ValueError, match="x has 60 features.*needs 64"):
        nf4_gemv_torch(torch.randn(2, 60), q)
    with pytest.raises(ValueError, match=r"bias has shape \(23,\), expected \(24,\)"):
        nf4_gemv_torch(x, q, torch.randn(23))


_DECODE_WORKER = r"""
import json, sys, torch
from kernels import backend
from kernels.nf4_linear import NF4Linear, NF4LinearFunction
from kernels.nf4_gemv import gemv_applies, nf4_gemv_triton
from engine.decoding import generate_ids
from engine.lora import apply_lora, lora_modules
from models.config import ModelConfig
from models.transformer import CausalLM

calls = {"gemv": 0, "dequant": 0}

class GemvNF4Linear(NF4Linear):
    # NF4Linear.forward with the dispatch proposed for it (see kernels/nf4_gemv.gemv_applies)
    def forward(self, x):
        if torch.is_autocast_enabled(x.device.type):
            x = x.to(torch.get_autocast_dtype(x.device.type))
        q = self.quant
        if gemv_applies(x, q, self.bias):
            calls["gemv"] += 1
            return nf4_gemv_triton(x, q, self.bias)
        calls["dequant"] += 1
        return NF4LinearFunction.apply(x, self.bias, q, q.packed, q.absmax, q.nested_absmax, q.code, q.nested_code)

torch.set_num_threads(1)
torch.manual_seed(0)  # a tiny random qwen2 (q/k/v bias, GQA 2:1, intermediate 160: blocks straddle rows)
cfg = ModelConfig.from_hf({"model_type": "qwen2", "vocab_size": 251, "hidden_size": 64, "intermediate_size": 160,
                           "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
                           "rms_norm_eps": 1e-6, "rope_theta": 1e6, "tie_word_embeddings": False})
model = CausalLM(cfg)
for layer in model.model.layers:
    for parent, names in ((layer.self_attn, ("q_proj", "k_proj", "v_proj", "o_proj")),
                          (layer.mlp, ("gate_proj", "up_proj", "down_proj"))):
        for name in names:
            setattr(parent, name, NF4Linear.from_linear(getattr(parent, name)))
apply_lora(model, r=2, alpha=4, dropout=0.0)
for m in lora_modules(model).values():
    torch.nn.init.normal_(m.lora_B.weight, std=0.2)
model.eval()
g = torch.Generator().manual_seed(1)
ps = [torch.randint(3, 251, (n,), generator=g).tolist() for n in (7, 3, 12)]
ref = [[list(c.token_ids) for c in row] for row in generate_ids(model, ps, max_new_tokens=5, fast=True)]
for m in model.modules():
    if type(m) is NF4Linear:
        m.__class__ = GemvNF4Linear
with backend.use_backend("triton"):
    got = [[list(c.token_ids) for c in row] for row in generate_ids(model, ps, max_new_tokens=5, fast=True)]
print(json.dumps({"equal": got == ref, "calls": calls}))
"""


def test_fast_decode_with_fused_gemv_under_interpreter():
    """The proposed NF4Linear dispatch (decode steps: the fused kernel; the prefill's 36 rows: the
    dequant kernel) on an NF4 + LoRA tiny model gives the same greedy tokens as the torch path."""
    r = run_interpreted(_DECODE_WORKER)
    assert r["calls"]["gemv"] == 2 * 7 * 4 and r["calls"]["dequant"] == 2 * 7  # 4 decode steps, 1 prefill
    assert r["equal"]


cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


@cuda
@pytest.mark.gpu
@pytest.mark.parametrize("i", range(len(CASES)), ids=CASE_IDS)
def test_kernel_matches_dequant_matmul_on_cuda(i):
    from kernels.nf4_gemv import nf4_gemv_triton

    N, K, bs, dq, M, dt, has_bias, over = CASES[i]
    g = torch.Generator().manual_seed(i)
    dtype = getattr(torch, dt)
    q = quantize_nf4(torch.randn(N, K, generator=g), blocksize=bs, double_quant=dq).to("cuda")
    x = torch.randn(M, K, generator=g).to(dtype).cuda()
    bias = torch.randn(N, generator=g).cuda() if has_bias else None
    y = nf4_gemv_triton(x, q, bias, **over)
    ref = x.float() @ dequantize_nf4(q, dtype).float().T + (0 if bias is None else bias)
    assert_within(y.float().cpu(), ref.cpu(), dt, CASE_IDS[i])


@cuda
@pytest.mark.gpu
@pytest.mark.parametrize("M", [1, 8, GEMV_MAX_ROWS])
@pytest.mark.parametrize("N,K", [(1536, 1536), (8960, 1536), (1536, 8960), (256, 1536)])  # Qwen2.5-1.5B
def test_real_shapes_bf16_on_cuda(M, N, K):
    from kernels.nf4_gemv import nf4_gemv_triton

    q = quantize_nf4(torch.randn(N, K, device="cuda", dtype=torch.bfloat16) * 0.02)
    x = torch.randn(M, K, device="cuda", dtype=torch.bfloat16)
    ref = x.float() @ dequantize_nf4(q, torch.bfloat16).float().T
    assert_within(nf4_gemv_triton(x, q).float(), ref, "bfloat16", f"{N}x{K} M={M}")
