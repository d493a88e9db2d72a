"""The NF4 code values derived from normal quantiles (kernels/nf4_codes.py) against the tables in use."""

from __future__ import annotations

import pytest
import torch

from kernels.nf4_codes import NF4_OFFSET, derive_nf4_code_values, nf4_bin_edges, normal_mass_per_level


def test_derivation_is_bit_exact_with_bitsandbytes_table():
    bnbf = pytest.importorskip("bitsandbytes.functional")
    shipped = bnbf.get_4bit_type("nf4", device="cpu")  # (16,) fp32, hard-coded in bitsandbytes
    derived = derive_nf4_code_values()
    assert derived.dtype == torch.float32 and derived.shape == (16,)
    # Bit-exact, not just close: same fp32 linspace, Cephes ndtri in fp64, fp32 rounding and division.
    assert torch.equal(derived.view(torch.int32), shipped.view(torch.int32))


def test_derivation_matches_bitsandbytes_create_normal_map():
    bnbf = pytest.importorskip("bitsandbytes.functional")
    pytest.importorskip("scipy")  # bitsandbytes' generator uses scipy.stats.norm.ppf
    full = bnbf.create_normal_map(offset=NF4_OFFSET, use_extra_value=True)  # (256,), zero padded
    levels = torch.unique(full)  # the 16 distinct values, ascending (the padding zeros collapse into 0)
    assert torch.equal(derive_nf4_code_values(), levels)


def test_derivation_is_the_table_the_kernels_use():
    nf4 = pytest.importorskip("kernels.nf4")
    assert torch.equal(derive_nf4_code_values(), torch.tensor(nf4.NF4_CODE_VALUES, dtype=torch.float32))
    assert torch.equal(derive_nf4_code_values(), nf4.nf4_code("cpu"))


def test_fp64_derivation_is_within_a_few_ulps():
    exact = derive_nf4_code_values(exact_fp64=True)
    shipped = derive_nf4_code_values()
    ulps = (exact.float().view(torch.int32) - shipped.view(torch.int32)).abs()
    assert int(ulps.max()) <= 8  # the fp32 linspace and fp32 division, nothing more
    assert float((exact - shipped.double()).abs().max()) < 2e-7


def test_structure_of_the_code():
    code = derive_nf4_code_values()
    assert code[0] == -1.0 and code[-1] == 1.0  # both ends use the same offset
    assert code[7] == 0.0  # the exact zero
    assert int((code > 0).sum()) == 8 and int((code < 0).sum()) == 7  # asymmetric: one more positive level
    assert torch.all(code[1:] > code[:-1])
    # Each level is a quantile of N(0, 1) rescaled by ndtri(offset): undo the scaling and check the probability.
    scale = torch.special.ndtri(torch.tensor(NF4_OFFSET, dtype=torch.float64))
    probs = torch.special.ndtr(code.double() * scale)
    expected_pos = torch.linspace(0.5, NF4_OFFSET, 9, dtype=torch.float64)
    torch.testing.assert_close(probs[7:], expected_pos, atol=1e-6, rtol=0)


def test_levels_carry_near_equal_normal_mass():
    code = derive_nf4_code_values()
    assert nf4_bin_edges(code).shape == (15,)
    mass = normal_mass_per_level(code)
    assert float(mass.sum()) == pytest.approx(1.0, abs=1e-12)
    assert float(mass.min()) > 0.05 and float(mass.max()) < 0.075  # 1/16 = 0.0625


def test_bad_offset_is_refused():
    with pytest.raises(ValueError, match=r"offset must be a probability in \(0.5, 1\)"):
        derive_nf4_code_values(1.0)
