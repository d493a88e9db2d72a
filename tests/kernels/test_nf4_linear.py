"""NF4Linear: forward/backward vs a dense linear, memory of backward, bitsandbytes state dicts."""

import json
import math

import pytest
import torch
from torch import nn

from kernels.nf4 import dequantize_nf4
from kernels.nf4_linear import NF4Linear, nf4_memory
from tests.paths import REPO

bnb = pytest.importorskip("bitsandbytes")
F = bnb.functional


def _dense_twin(m: NF4Linear, dtype=None) -> nn.Linear:
    """nn.Linear holding exactly the dequantized weight: what NF4Linear must compute."""
    return m.to_linear(dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16], ids=["fp32", "bf16"])
@pytest.mark.parametrize("bias", [True, False], ids=["bias", "nobias"])
@pytest.mark.parametrize("double_quant", [True, False], ids=["dq", "nodq"])
def test_forward_backward_match_dense(dtype, bias, double_quant):
    torch.manual_seed(0)
    lin = nn.Linear(96, 40, bias=bias, dtype=dtype)  # 3840 elements: a partial 256-block of scales
    m = NF4Linear.from_linear(lin, double_quant=double_quant)
    dense = _dense_twin(m)
    assert torch.equal(dense.weight, dequantize_nf4(m.quant))
    x = torch.randn(2, 5, 96, dtype=dtype, requires_grad=True)
    x_ref = x.detach().clone().requires_grad_(True)
    y, y_ref = m(x), dense(x_ref)
    assert y.dtype == dtype and y.shape == (2, 5, 40)
    assert torch.equal(y, y_ref)
    g = torch.randn_like(y)
    y.backward(g)
    y_ref.backward(g)
    torch.testing.assert_close(x.grad, x_ref.grad, rtol=0, atol=0)
    # frozen: no parameter asks for a gradient, none receives one
    assert all(not p.requires_grad for p in m.parameters())
    assert m.bias is None or m.bias.grad is None


def test_bias_gradient_when_unfrozen():
    torch.manual_seed(0)
    lin = nn.Linear(64, 16)
    m = NF4Linear.from_linear(lin)
    m.bias.requires_grad_(True)
    dense = _dense_twin(m)
    x = torch.randn(3, 7, 64)
    m(x).square().sum().backward()
    dense(x).square().sum().backward()
    torch.testing.assert_close(m.bias.grad, dense.bias.grad)


def test_backward_saves_no_dense_weight():
    torch.manual_seed(0)
    m = NF4Linear.from_linear(nn.Linear(256, 128))
    x = torch.randn(4, 256, requires_grad=True)
    saved = []

    def pack(t):
        saved.append((t.dtype, t.numel()))
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        y = m(x)
    dense_numel = 256 * 128
    assert saved, "the Function saves the quantized tensors through save_for_backward"
    for dtype, numel in saved:
        assert not (dtype.is_floating_point and numel >= dense_numel), (dtype, numel)
    assert (torch.float32, x.numel()) not in saved  # x is not needed: no weight gradient
    packed_bytes = sum(n for dt, n in saved if dt == torch.uint8)
    assert packed_bytes == dense_numel // 2 + dense_numel // 64  # the packed codes + the scale codes
    y.sum().backward()
    assert x.grad is not None


def test_autocast_runs_in_autocast_dtype():
    m = NF4Linear.from_linear(nn.Linear(64, 32))
    x = torch.randn(3, 64, requires_grad=True)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        y = m(x)
    assert y.dtype == torch.bfloat16
    y.float().sum().backward()
    assert x.grad.dtype == torch.float32


def test_to_linear_round_trip_and_attributes():
    torch.manual_seed(0)
    lin = nn.Linear(128, 48, dtype=torch.bfloat16)
    m = NF4Linear.from_linear(lin)
    assert (m.in_features, m.out_features) == (128, 48)
    back = m.to_linear()
    assert isinstance(back, nn.Linear) and back.weight.dtype == torch.bfloat16
    assert torch.equal(back.weight, m.dequantize()) and torch.equal(back.bias, lin.bias)
    again = NF4Linear.from_weight(back.weight, back.bias)
    assert again.weight.shape == m.weight.shape
    assert (again.dequantize() - m.dequantize()).abs().max() <= (lin.weight - m.dequantize()).abs().max()
    assert "blocksize=64" in repr(m)


def test_dtype_cast_keeps_quant_state_fp32():
    m = NF4Linear.from_linear(nn.Linear(64, 32), double_quant=False)
    before = m.dequantize()
    m.to(torch.bfloat16)
    assert m.absmax.dtype == m.quant_map.dtype == torch.float32
    assert m.bias.dtype == torch.bfloat16
    assert torch.equal(m.dequantize(), before)
    m.half()
    assert torch.equal(m.dequantize(), before)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.gpu
def test_moves_to_cuda_and_matches_cpu():
    torch.manual_seed(0)
    m = NF4Linear.from_linear(nn.Linear(256, 96, dtype=torch.bfloat16))
    x = torch.randn(8, 256, dtype=torch.bfloat16)
    y_cpu = m(x)
    m.cuda()
    assert m.weight.is_cuda and m.nested_absmax.is_cuda and m.nested_absmax.dtype == torch.float32
    torch.testing.assert_close(m(x.cuda()).cpu(), y_cpu, rtol=2e-2, atol=2e-2)
    assert torch.equal(m.dequantize().cpu(), m.to("cpu").dequantize())


def test_wrappable_by_lora():
    lora = pytest.importorskip("engine.lora")
    torch.manual_seed(0)
    base = NF4Linear.from_linear(nn.Linear(64, 32))
    layer = lora.LoRALinear(base, r=4, alpha=8)
    x = torch.randn(2, 64, requires_grad=True)
    layer(x).sum().backward()
    assert x.grad is not None and layer.lora_A.weight.grad is not None


# ---- bitsandbytes serialization -------------------------------------------------------------

def _bnb_linear4bit(lin: nn.Linear, double_quant: bool, blocksize: int = 64):
    l4 = bnb.nn.Linear4bit(lin.in_features, lin.out_features, bias=lin.bias is not None,
                           compute_dtype=lin.weight.dtype, compress_statistics=double_quant,
                           quant_type="nf4", device="cpu")
    l4.weight = bnb.nn.Params4bit(lin.weight.data.clone(), requires_grad=False, quant_type="nf4",
                                  compress_statistics=double_quant, blocksize=blocksize)
    if lin.bias is not None:
        l4.bias = nn.Parameter(lin.bias.data.clone(), requires_grad=False)
    return l4.to("cpu")  # quantizes


@pytest.mark.parametrize("double_quant", [True, False], ids=["dq", "nodq"])
@pytest.mark.parametrize("blocksize", [64, 128])
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16, torch.float32],
                         ids=["bf16", "fp16", "fp32"])
def test_state_dict_equals_bitsandbytes(double_quant, blocksize, dtype):
    torch.manual_seed(blocksize)
    lin = nn.Linear(256, 48, dtype=dtype)
    theirs = _bnb_linear4bit(lin, double_quant, blocksize).state_dict()
    ours = NF4Linear.from_linear(lin, blocksize=blocksize, double_quant=double_quant).state_dict()
    assert list(ours) == list(theirs)  # same keys, same order
    for k in theirs:
        assert ours[k].dtype == theirs[k].dtype and ours[k].shape == theirs[k].shape, k
        assert torch.equal(ours[k], theirs[k]), k
    meta = json.loads(bytes(ours["weight.quant_state.bitsandbytes__nf4"].tolist()))
    assert meta["quant_type"] == "nf4" and meta["blocksize"] == blocksize and meta["shape"] == [48, 256]
    assert meta["dtype"] == str(dtype).replace("torch.", "")
    assert ("nested_offset" in meta) == double_quant


@pytest.mark.parametrize("double_quant", [True, False], ids=["dq", "nodq"])
def test_load_bitsandbytes_state_without_requantizing(double_quant):
    torch.manual_seed(1)
    lin = nn.Linear(192, 40, dtype=torch.bfloat16)
    l4 = _bnb_linear4bit(lin, double_quant)
    sd = l4.state_dict()
    tensors = {k: v for k, v in sd.items() if k != "bias"}
    m = NF4Linear.from_bnb_tensors(tensors, bias=sd["bias"])
    expected = F.dequantize_4bit(l4.weight.data, l4.weight.quant_state)
    assert torch.equal(m.dequantize(), expected)
    # and through load_state_dict into a layer built with other settings
    other = NF4Linear.from_linear(nn.Linear(192, 40), blocksize=128, double_quant=not double_quant)
    assert not other.load_state_dict(sd).missing_keys
    assert torch.equal(other.dequantize(), expected) and other.dtype == torch.bfloat16
    x = torch.randn(3, 192, dtype=torch.bfloat16)
    torch.testing.assert_close(other(x), l4(x), rtol=0, atol=0)


@pytest.mark.parametrize("double_quant", [True, False], ids=["dq", "nodq"])
def test_our_state_loads_into_bitsandbytes(double_quant):
    torch.manual_seed(2)
    lin = nn.Linear(128, 24, dtype=torch.float16)
    m = NF4Linear.from_linear(lin, double_quant=double_quant)
    sd = m.state_dict()
    stats = {k: v for k, v in sd.items() if k.startswith("weight.")}
    # (bitsandbytes pops the JSON entry from the dict it is given: pass copies)
    p = bnb.nn.Params4bit.from_prequantized(data=sd["weight"], quantized_stats=dict(stats), device="cpu")
    assert p.quant_state.nested == double_quant
    assert torch.equal(F.dequantize_4bit(p.data, p.quant_state), m.dequantize())
    # the same via QuantState.from_dict, as bitsandbytes documents it
    qs = F.QuantState.from_dict({k[len("weight."):]: v for k, v in stats.items()}, device="cpu")
    assert qs.dtype == torch.float16 and tuple(qs.shape) == (24, 128) and qs.blocksize == 64
    if double_quant:
        assert qs.offset.item() == m.offset


def test_bad_bnb_tensors_are_explained():
    sd = NF4Linear.from_linear(nn.Linear(64, 8)).state_dict()
    partial = {k: v for k, v in sd.items() if k not in ("bias", "weight.absmax")}
    with pytest.raises(ValueError, match=r"layer0.*lack \['absmax'\]"):
        NF4Linear.from_bnb_tensors(partial, name="layer0")
    fp4 = {k.replace("nf4", "fp4"): v for k, v in sd.items() if k != "bias"}
    with pytest.raises(ValueError, match="fp4"):
        NF4Linear.from_bnb_tensors(fp4)
    short = dict(sd, **{"weight": sd["weight"][:-1]})
    short.pop("bias")
    with pytest.raises(ValueError, match="needs uint8 with 256"):
        NF4Linear.from_bnb_tensors(short)


def test_load_dense_state_dict_quantizes_it():
    torch.manual_seed(3)
    lin = nn.Linear(128, 16, dtype=torch.bfloat16)
    m = NF4Linear.from_linear(nn.Linear(128, 16), blocksize=128, double_quant=False)
    assert not m.load_state_dict(lin.state_dict()).missing_keys
    expected = NF4Linear.from_linear(lin, blocksize=128, double_quant=False)
    assert torch.equal(m.dequantize(), expected.dequantize()) and m.dtype == torch.bfloat16
    assert torch.equal(m.bias, lin.bias.float())


def test_load_state_dict_reports_missing_and_wrong_shapes():
    m = NF4Linear.from_linear(nn.Linear(64, 8))
    sd = m.state_dict()
    res = m.load_state_dict({k: v for k, v in sd.items() if k != "weight.absmax"}, strict=False)
    assert res.missing_keys == ["weight.absmax"]
    wrong = NF4Linear.from_linear(nn.Linear(64, 16)).state_dict()
    with pytest.raises(RuntimeError, match=r"checkpoint shape \(16, 64\)"):
        m.load_state_dict(wrong)


# ---- memory accounting ----------------------------------------------------------------------

def test_memory_of_a_1536x8960_layer():
    # Qwen2.5-Coder-1.5B down_proj: (out, in) = (1536, 8960)
    n = 1536 * 8960
    w = torch.randn(1536, 8960, dtype=torch.bfloat16)
    dq = nf4_memory(NF4Linear.from_weight(w, double_quant=True))
    nodq = nf4_memory(NF4Linear.from_weight(w, double_quant=False))
    blocks = n // 64
    assert dq["packed_bytes"] == nodq["packed_bytes"] == n // 2
    assert dq["scale_bytes"] == blocks and nodq["scale_bytes"] == 4 * blocks
    assert dq["nested_scale_bytes"] == 4 * math.ceil(blocks / 256) + 4  # + the fp32 offset
    assert dq["code_table_bytes"] == 4 * (16 + 256) and nodq["code_table_bytes"] == 4 * 16
    # 4 + 8/64 + 32/(64*256) (+ one offset): the QLoRA paper's 4.127 bits/param
    assert dq["bits_per_param"] == pytest.approx(4 + 8 / 64 + 32 / (64 * 256) + 32 / n, rel=1e-12)
    assert round(dq["bits_per_param"], 3) == 4.127
    assert nodq["bits_per_param"] == 4.5  # 4 + 32/64, exactly
    assert dq["quantized_params"] == n and dq["unquantized_bytes"] == 0


def test_memory_of_a_model_counts_unquantized_once():
    emb = nn.Embedding(100, 64)
    model = nn.ModuleDict({"emb": emb, "proj": NF4Linear.from_linear(nn.Linear(64, 32)),
                           "norm": nn.LayerNorm(64)})
    head = nn.Linear(64, 100, bias=False)
    head.weight = emb.weight  # tied
    model["head"] = head
    mem = nf4_memory(model)
    assert mem["unquantized_params"] == 100 * 64 + 32 + 2 * 64
    assert mem["unquantized_bytes"] == 4 * mem["unquantized_params"]
    assert mem["quantized_params"] == 64 * 32
    assert mem["total_bytes"] == (mem["packed_bytes"] + mem["scale_bytes"] + mem["nested_scale_bytes"]
                                  + mem["code_table_bytes"] + mem["unquantized_bytes"])


def test_bench_smoke_mode_runs(tmp_path):
    import importlib.util

    path = REPO / "bench" / "bench_nf4.py"
    spec = importlib.util.spec_from_file_location("bench_nf4", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = tmp_path / "nf4.json"
    result = mod.main(["--smoke", "--repeats", "1", "--out", str(out)])
    saved = json.loads(out.read_text())
    assert saved["mode"] == "smoke" and saved["machine"]["torch"] == torch.__version__
    assert all(r["identical_to_bnb"] for r in result["dequant"])
    assert {r["tokens"] for r in saved["linear_fwd_bwd"]} == set(mod.SMOKE_TOKENS)
