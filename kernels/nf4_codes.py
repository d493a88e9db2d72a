"""Where the 16 NF4 code values come from: quantiles of the standard normal, derived here.

QLoRA (Dettmers et al. 2023, https://arxiv.org/abs/2305.14314, section 3 "4-bit NormalFloat")
observes that pretrained weights are roughly zero-centred normal, so after dividing a block by
its absolute maximum the values follow a (truncated) normal on [-1, 1]. An information-optimal
4-bit code for such data puts its 16 levels at quantiles of N(0, 1): each level then receives
about the same share of the weights (equal probability mass per bin).

Two constraints shape the construction that bitsandbytes ships (`create_normal_map(offset=
0.9677083, use_extra_value=True)`, hard-coded as `get_4bit_type("nf4")`):

1. **An exact zero.** Padding, and weights that are exactly zero, must round-trip exactly. With 16
   levels symmetric around zero there is no zero level; so the code is made *asymmetric*: the
   positive side takes 9 evenly spaced probabilities from `offset` down to 0.5 (the last, 0.5, is
   the median, ndtri(0.5) = 0), the negative side 8 probabilities from `offset` to 0.5. The two
   zeros coincide and one is dropped: 8 positive levels + 7 negative levels + 0 = 16.
2. **Finite ends.** ndtri(1) is infinite, so the outermost probability is `offset` < 1 rather
   than 1. bitsandbytes uses offset = 0.9677083; this equals 1 - (1/30 + 1/32) / 2 to the seven
   digits given, the mean of the half-bin positions 1 - 1/(2*15) and 1 - 1/(2*16) of codes with 15
   and 16 equal-probability bins (our reading of the literal; the paper states only the
   construction). ndtri(0.9677083) ~= 1.848 standard deviations.

Finally every level is divided by the largest one, so the code spans exactly [-1, 1]: absmax
scaling maps the block's largest |w| to +-1, which is then represented exactly. Both ends use the
same `offset`, so the most negative level is exactly -1 as well.

    p_pos = linspace(offset, 0.5, 9)[:-1]      8 probabilities  -> +ndtri(p_pos)
    p_neg = linspace(offset, 0.5, 8)[:-1]      7 probabilities  -> -ndtri(p_neg)
    levels = sort(+ndtri(p_pos) | 0 | -ndtri(p_neg)) / ndtri(offset)

Precision: we follow bitsandbytes' arithmetic step by step: the probabilities are an fp32
`torch.linspace`, the quantile function runs in fp64 (scipy's `norm.ppf` is Cephes' ndtri, and so
is `torch.special.ndtri`), the levels are rounded to fp32 and divided by their fp32 maximum in
fp32. The result is bit-exact with bitsandbytes' table (tests/kernels/test_nf4_codes.py checks this and
the kernels' `kernels.nf4.NF4_CODE_VALUES`). `derive_nf4_code_values(exact_fp64=True)` instead
keeps fp64 throughout, with exact decimal probabilities; rounded to fp32 it differs from the
shipped table by up to 6 fp32 ulps (1.1e-7 absolute): the rounding of the fp32 linspace and of
the fp32 division, not a different construction.
"""

from __future__ import annotations

import torch

NF4_OFFSET = 0.9677083  # bitsandbytes create_normal_map default: outermost probability used


def derive_nf4_code_values(offset: float = NF4_OFFSET, *, exact_fp64: bool = False) -> torch.Tensor:
    """The 16 NF4 levels (fp32, ascending, index = 4-bit code) from quantiles of N(0, 1).

    offset: the outermost probability (the largest level is ndtri(offset) before normalising);
    must lie in (0.5, 1). exact_fp64: compute probabilities and quantiles in fp64 from exact
    decimals instead of reproducing bitsandbytes' fp32 steps (then returned as fp64).

    Bit-exact with `bitsandbytes.functional.get_4bit_type("nf4")` by default; see the module docstring.
    """
    if not 0.5 < offset < 1.0:
        raise ValueError(f"offset must be a probability in (0.5, 1) (the outermost quantile), got {offset!r}")
    if exact_fp64:
        p_pos = torch.tensor([offset + (0.5 - offset) * i / 8 for i in range(8)], dtype=torch.float64)
        p_neg = torch.tensor([offset + (0.5 - offset) * i / 7 for i in range(7)], dtype=torch.float64)
    else:
        # bitsandbytes: torch.linspace in the default fp32, then scipy's norm.ppf on fp64 inputs.
        p_pos = torch.linspace(offset, 0.5, 9, dtype=torch.float32)[:-1].double()  # (8,)
        p_neg = torch.linspace(offset, 0.5, 8, dtype=torch.float32)[:-1].double()  # (7,)
    positive = torch.special.ndtri(p_pos)  # (8,) fp64, from ~1.848 down to ~0.146
    negative = -torch.special.ndtri(p_neg)  # (7,)
    levels = torch.cat([positive, torch.zeros(1, dtype=torch.float64), negative])  # (16,)
    if not exact_fp64:
        levels = levels.float()  # bitsandbytes rounds the list to an fp32 tensor before sorting
    levels = levels.sort().values
    return levels / levels.max()


def nf4_bin_edges(code: torch.Tensor) -> torch.Tensor:
    """The 15 decision boundaries of nearest-value rounding: midpoints of adjacent levels."""
    return (code[:-1] + code[1:]) / 2


def normal_mass_per_level(code: torch.Tensor) -> torch.Tensor:
    """Probability that a N(0, sigma) value, scaled so that ndtri(offset) maps to 1, rounds to each level.

    A sanity view of "equal mass per bin": the levels were placed at quantiles, so every mass is
    near 1/16 = 0.0625 (between 0.055 and 0.072 for the shipped table; the bins next to zero are
    wider on the negative side, which has one level fewer).
    Returns (16,) fp64 summing to 1.
    """
    scale = float(torch.special.ndtri(torch.tensor(NF4_OFFSET, dtype=torch.float64)))
    edges = nf4_bin_edges(code.double()) * scale  # back in standard deviations
    cdf = torch.special.ndtr(edges)
    cdf = torch.cat([torch.zeros(1, dtype=torch.float64), cdf, torch.ones(1, dtype=torch.float64)])
    return cdf[1:] - cdf[:-1]
