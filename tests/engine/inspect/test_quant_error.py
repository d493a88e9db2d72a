"""NF4 quantization error (engine/inspect/quant_error.py): the round trips of int4 and FP4 beside NF4,
and the per-layer report on normal weights."""

from __future__ import annotations

import pytest
import torch

from engine.inspect.quant_error import FP4_CODE_VALUES, fp4_roundtrip, int4_absmax_roundtrip, quant_error


def test_fp4_and_int4_roundtrips():
    bnbf = pytest.importorskip("bitsandbytes.functional")
    torch.manual_seed(0)
    w = torch.randn(96, 200)  # 19200 = 300 blocks of 64
    q, state = bnbf.quantize_4bit(w, blocksize=64, quant_type="fp4")
    assert torch.equal(fp4_roundtrip(w), bnbf.dequantize_4bit(q, state))
    assert torch.equal(torch.tensor(sorted(set(FP4_CODE_VALUES))),
                       torch.unique(bnbf.get_4bit_type("fp4", device="cpu")))
    r = int4_absmax_roundtrip(w)
    blocks = w.reshape(-1, 64)
    step = blocks.abs().amax(1, keepdim=True) / 7
    assert torch.all((r.reshape(-1, 64) - blocks).abs() <= step / 2 + 1e-6)  # round to nearest step
    torch.testing.assert_close(r.reshape(-1, 64).abs().amax(1), blocks.abs().amax(1))  # absmax representable


def test_quant_error_report_on_normal_weights():
    bnbf = pytest.importorskip("bitsandbytes.functional")
    from kernels.nf4 import quantize_nf4

    torch.manual_seed(0)
    w = torch.randn(128, 320) * 0.02
    e = quant_error("w", w, double_quant=False)
    q, state = bnbf.quantize_4bit(w, blocksize=64, quant_type="nf4")
    ref = bnbf.dequantize_4bit(q, state)
    assert e.rel_fro["nf4"] == pytest.approx(float((w - ref).norm() / w.norm()), rel=1e-6)
    # On normally distributed weights NF4 beats both uniform int4 and FP4 (QLoRA, section 3).
    assert e.rel_fro["nf4"] < e.rel_fro["int4"] and e.rel_fro["nf4"] < e.rel_fro["fp4"]
    codes = quantize_nf4(w, double_quant=False).packed
    codes = torch.stack([codes >> 4, codes & 0xF], 1).reshape(-1).long()
    assert e.code_share == pytest.approx(tuple((torch.bincount(codes, minlength=16) / codes.numel()).tolist()))
    assert sum(e.code_share) == pytest.approx(1.0)
