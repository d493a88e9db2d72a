"""RMSNorm, RoPE and SwiGLU: Triton kernels against their torch twins, the twins against transformers.

The Triton kernels run under the interpreter on CPU (TRITON_INTERPRET=1 must be set before
triton is imported, so those cases run in one subprocess, as in tests/kernels/test_nf4_triton.py), and
on CUDA when present. Forward and backward (every input gradient), fp32 and bf16, awkward shapes
(hidden sizes that are not powers of two, transposed q/k views, a batch-1 cos table that
broadcasts). A tiny decoder with q/k norms run with backend "triton" must give the logits and
gradients of backend "torch": the routing in models/transformer.py is covered too. Without a
GPU, every kernel is also compiled ahead of time for sm_90 (PTX and cubin), which catches what
the interpreter lets through.

Tolerances: fp32 to 1e-5 relative; bf16 to 2e-2 of the largest magnitude (a couple of bf16 ulps:
the kernels round once from fp32 where the twins round after every op, and the interpreter
truncates fp32 -> bf16 where the GPU rounds to nearest).
"""

import json

import pytest

from tests.interpreted import compile_for_sm90, run_interpreted
import torch

from kernels import backend
from kernels.rmsnorm import rms_norm, rms_norm_torch
from kernels.rope import apply_rope, apply_rope_torch
from kernels.swiglu import swiglu, swiglu_torch
from tests.fused_cases import compare, rope_tables, tiny_model_grads


# Cases run by tests/fused_cases.compare (in the interpreter subprocess, and on CUDA): (kernel, shape spec, dtype).
CASES = [
    ("rmsnorm", {"x": [3, 5, 48]}, "float32"),
    ("rmsnorm", {"x": [3, 5, 48]}, "bfloat16"),
    ("rmsnorm", {"x": [37, 96], "weight_dtype": "float32"}, "bfloat16"),  # output promoted to fp32
    ("rmsnorm", {"x": [2, 3, 4, 16]}, "float32"),  # qk-norm: over head_dim
    ("rope", {"B": 2, "n": 3, "T": 5, "hd": 16}, "float32"),
    ("rope", {"B": 2, "n": 3, "T": 5, "hd": 16}, "bfloat16"),
    ("rope", {"B": 2, "n": 2, "T": 70, "hd": 12, "cos_batch": 1}, "float32"),  # half 6, 2 T-blocks
    ("swiglu", {"x": [4, 37]}, "float32"),
    ("swiglu", {"x": [2, 3, 700]}, "bfloat16"),  # > one 1024 block, partial last block
]
CASE_IDS = [f"{k}-{'-'.join(f'{a}{b}' for a, b in spec.items())}-{dt}".replace(" ", "").replace(",", "x")
            for k, spec, dt in CASES]

_WORKER = r'''
from tests.fused_cases import compare, tiny_model_grads
import json, sys, torch
cases = json.loads(sys.argv[1])
results = []
for i, (kernel, spec, dt) in enumerate(cases):
    try:
        compare(kernel, spec, dt, "cpu", seed=i)
        results.append("ok")
    except AssertionError as e:
        results.append(str(e)[:2000])
try:
    out = tiny_model_grads("cpu")
    (l0, g0), (l1, g1) = out["torch"], out["triton"]
    torch.testing.assert_close(l1, l0, rtol=1e-5, atol=1e-5)
    for n in g0:
        torch.testing.assert_close(g1[n], g0[n], rtol=1e-4, atol=1e-6, msg=n)
    model = "ok"
except AssertionError as e:
    model = str(e)[:2000]
print(json.dumps({"cases": results, "model": model}))
'''



@pytest.fixture(scope="module")
def interpreted():
    pytest.importorskip("triton")
    return run_interpreted(_WORKER, json.dumps(CASES))


@pytest.mark.parametrize("i", range(len(CASES)), ids=CASE_IDS)
def test_triton_matches_twin_under_interpreter(interpreted, i):
    assert interpreted["cases"][i] == "ok", interpreted["cases"][i]


def test_model_with_triton_backend_matches_torch_backend_under_interpreter(interpreted):
    assert interpreted["model"] == "ok", interpreted["model"]


# ---- the twins against transformers and the plain formulas -------------------------------------

@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_rms_norm_twin_is_transformers_qwen2_rmsnorm(dtype):
    modeling = pytest.importorskip("transformers.models.qwen2.modeling_qwen2")
    torch.manual_seed(0)
    ref = modeling.Qwen2RMSNorm(96, eps=1e-6).to(dtype)
    with torch.no_grad():
        ref.weight.add_(0.3 * torch.randn(96).to(dtype))
    x = (torch.randn(3, 7, 96) * 4).to(dtype)
    assert torch.equal(rms_norm_torch(x, ref.weight, 1e-6), ref(x))


def test_rms_norm_twin_is_the_formula():
    """The twin computes in fp32 (as transformers does): compare with the formula in fp64."""
    x, w = torch.randn(5, 33), torch.randn(33)
    xd, wd = x.double(), w.double()
    want = wd * xd / torch.sqrt((xd * xd).mean(-1, keepdim=True) + 1e-5)
    torch.testing.assert_close(rms_norm_torch(x, w, 1e-5).double(), want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_rope_twin_is_transformers_apply_rotary_pos_emb(dtype):
    modeling = pytest.importorskip("transformers.models.qwen2.modeling_qwen2")
    cos, sin = rope_tables(2, 11, 32, dtype, "cpu", seed=3)  # (B, 1, T, hd)
    q = torch.randn(2, 11, 6, 32).to(dtype).transpose(1, 2)  # (B, nh, T, hd)
    k = torch.randn(2, 11, 2, 32).to(dtype).transpose(1, 2)
    q_ref, k_ref = modeling.apply_rotary_pos_emb(q, k, cos[:, 0], sin[:, 0])  # tables (B, T, hd)
    assert torch.equal(apply_rope_torch(q, cos, sin), q_ref)
    assert torch.equal(apply_rope_torch(k, cos, sin), k_ref)


def test_rope_twin_is_a_rotation_of_each_pair_fp64():
    """Element j and j + hd/2 form the complex number x_j + i x_{j+hd/2}, rotated by angle theta_j."""
    B, n, T, hd = 1, 2, 4, 8
    x = torch.randn(B, n, T, hd, dtype=torch.float64)
    theta = torch.rand(B, 1, T, hd // 2, dtype=torch.float64) * 6
    cos, sin = torch.cat([theta.cos()] * 2, -1), torch.cat([theta.sin()] * 2, -1)
    z = torch.complex(x[..., :hd // 2], x[..., hd // 2:]) * torch.polar(torch.ones_like(theta), theta)
    torch.testing.assert_close(apply_rope_torch(x, cos, sin), torch.cat([z.real, z.imag], -1))


def test_swiglu_twin_is_the_formula_with_its_derivative_fp64():
    g = torch.randn(4, 50, dtype=torch.float64, requires_grad=True)
    u = torch.randn(4, 50, dtype=torch.float64, requires_grad=True)
    h = swiglu_torch(g, u)
    s = torch.sigmoid(g)
    torch.testing.assert_close(h, g * s * u)
    dh = torch.randn_like(h)
    dg, du = torch.autograd.grad(h, (g, u), dh)
    # the derivative written in kernels/swiglu.py's docstring (and used by the Triton backward)
    torch.testing.assert_close(dg, dh * u * s * (1 + g * (1 - s)))
    torch.testing.assert_close(du, dh * g * s)


def test_rms_norm_backward_formula_of_the_docstring():
    """dx = r * (g - n * mean(g * n)), g = dy * w, dw = sum(dy * n): the derivation the Triton
    backward implements, against autograd of the twin (fp32; the formula evaluated in fp64)."""
    x = torch.randn(6, 20, requires_grad=True)
    w = torch.randn(20, requires_grad=True)
    y = rms_norm_torch(x, w, 1e-6)
    dy = torch.randn_like(y)
    dx, dw = torch.autograd.grad(y, (x, w), dy)
    xd, wd, dyd = x.detach().double(), w.detach().double(), dy.double()
    r = torch.rsqrt(xd.pow(2).mean(-1, keepdim=True) + 1e-6)
    n, gg = xd * r, dyd * wd
    torch.testing.assert_close(dx.double(), r * (gg - n * (gg * n).mean(-1, keepdim=True)), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(dw.double(), (dyd * n).sum(0), rtol=1e-5, atol=1e-5)


# ---- dispatch ----------------------------------------------------------------------------------

def test_dispatch_runs_the_twins_on_cpu(monkeypatch):
    monkeypatch.delenv(backend.ENV_VAR, raising=False)
    x, w = torch.randn(3, 16), torch.randn(16)
    cos, sin = rope_tables(1, 3, 16, torch.float32, "cpu", seed=0)
    q = torch.randn(1, 2, 3, 16)
    assert torch.equal(rms_norm(x, w, 1e-6), rms_norm_torch(x, w, 1e-6))
    assert torch.equal(apply_rope(q, cos, sin), apply_rope_torch(q, cos, sin))
    assert torch.equal(swiglu(x, x), swiglu_torch(x, x))


def test_forcing_triton_on_cpu_without_the_interpreter_says_why(monkeypatch):
    monkeypatch.delenv("TRITON_INTERPRET", raising=False)
    with backend.use_backend("triton"), pytest.raises(RuntimeError, match="TRITON_INTERPRET=1"):
        swiglu(torch.randn(4), torch.randn(4))


# ---- compiled for a GPU target (no GPU needed) --------------------------------------------------

def _signatures(dt: str):
    """(kernel, signature, constexprs) of every launch configuration the wrappers use, for dtype dt."""
    import kernels.rmsnorm as R
    import kernels.rope as P
    import kernels.swiglu as S

    p = f"*{dt}"
    rms_bwd = {"dy_ptr": p, "x_ptr": p, "w_ptr": p, "rstd_ptr": "*fp32", "dx_ptr": p, "dw_part_ptr": "*fp32",
               "M": "i32", "N": "i32", "rows_per_program": "i32",
               "BLOCK_M": "constexpr", "BLOCK_N": "constexpr", "COMPUTE_DW": "constexpr"}
    rope = {"x_ptr": p, "cos_ptr": p, "sin_ptr": p, "y_ptr": p, **{k: "i32" for k in (
        "n_heads", "T", "half", "sxb", "sxh", "sxt", "scb", "sct", "syb", "syh", "syt")},
        "BLOCK_T": "constexpr", "BLOCK_H": "constexpr", "BACKWARD": "constexpr"}
    return [
        (R._rms_fwd_kernel, {"x_ptr": p, "w_ptr": p, "y_ptr": p, "rstd_ptr": "*fp32", "M": "i32", "N": "i32",
                             "eps": "fp32", "BLOCK_M": "constexpr", "BLOCK_N": "constexpr"},
         {"BLOCK_M": 2, "BLOCK_N": 2048}),
        (R._rms_bwd_kernel, rms_bwd, {"BLOCK_M": 2, "BLOCK_N": 2048, "COMPUTE_DW": True}),
        (R._rms_bwd_kernel, rms_bwd, {"BLOCK_M": 32, "BLOCK_N": 128, "COMPUTE_DW": False}),
        (P._rope_kernel, rope, {"BLOCK_T": 64, "BLOCK_H": 64, "BACKWARD": False}),
        (P._rope_kernel, rope, {"BLOCK_T": 64, "BLOCK_H": 64, "BACKWARD": True}),
        (S._swiglu_fwd_kernel, {"g_ptr": p, "u_ptr": p, "h_ptr": p, "n": "i32", "BLOCK": "constexpr"},
         {"BLOCK": 1024}),
        (S._swiglu_bwd_kernel, {"dh_ptr": p, "g_ptr": p, "u_ptr": p, "dg_ptr": p, "du_ptr": p, "n": "i32",
                                "BLOCK": "constexpr"}, {"BLOCK": 1024}),
    ]


@pytest.mark.parametrize("dt", ["bf16", "fp32"])
def test_kernels_compile_for_sm90_without_a_gpu(dt):
    """Triton's CUDA backend compiles each kernel to PTX + cubin for an H100/H200 (sm_90) target:
    catches what the interpreter lets through (types, layouts, loops the compiler rejects)."""
    pytest.importorskip("triton")
    for kernel, sig, consts in _signatures(dt):
        asm = compile_for_sm90(kernel, sig, consts)
        assert asm.get("ptx") and asm.get("cubin"), kernel


# ---- CUDA ----------------------------------------------------------------------------------------

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


@cuda
@pytest.mark.gpu
@pytest.mark.parametrize("i", range(len(CASES)), ids=CASE_IDS)
def test_triton_matches_twin_on_cuda(i):
    pytest.importorskip("triton")
    kernel, spec, dt = CASES[i]
    compare(kernel, spec, dt, "cuda", seed=i)


@cuda
@pytest.mark.gpu
@pytest.mark.parametrize("kernel,spec", [("rmsnorm", {"x": [2, 512, 1536]}), ("rmsnorm", {"x": [2, 512, 12, 128]}),
                                         ("rope", {"B": 2, "n": 12, "T": 512, "hd": 128}),
                                         ("swiglu", {"x": [2, 512, 8960]})])
@pytest.mark.parametrize("dt", ["float32", "bfloat16"])
def test_triton_matches_twin_on_cuda_at_the_real_shapes(kernel, spec, dt):
    pytest.importorskip("triton")
    compare(kernel, spec, dt, "cuda", seed=0)


@cuda
@pytest.mark.gpu
def test_model_with_triton_backend_matches_torch_backend_on_cuda():
    pytest.importorskip("triton")
    out = tiny_model_grads("cuda")
    (l0, g0), (l1, g1) = out["torch"], out["triton"]
    torch.testing.assert_close(l1, l0, rtol=1e-5, atol=1e-5)
    for n in g0:
        torch.testing.assert_close(g1[n], g0[n], rtol=1e-4, atol=1e-6, msg=n)
