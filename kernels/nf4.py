"""NF4 quantization in pure torch: the reference, the CPU path and the test oracle.

NF4 stores a weight as 4-bit indices into a 16-value table (the "NormalFloat" quantiles of
N(0, 1), QLoRA, https://arxiv.org/abs/2305.14314). Each block of `blocksize` consecutive
elements of the row-major weight shares one scale, its absolute maximum ("absmax").
With double quantization the fp32 absmax values are themselves quantized: their mean is
subtracted ("offset") and the rest is quantized to 8 bits in blocks of 256 with the signed
dynamic map of bitsandbytes, keeping one fp32 absmax per 256 scales ("nested absmax").

Everything here is bit-exact with bitsandbytes 0.50 on CPU (`bitsandbytes.functional.
quantize_4bit` / `dequantize_4bit`, quant_type="nf4"), as the tests check:

- 4-bit step (bitsandbytes' default torch backend): x -> fp32; full blocks are scaled by
  `x * (1 / max(absmax, 1e-38))`, the last partial block by `x / max(absmax, 1e-38)`;
  clamp to [-1, 1]; nearest table value, ties to the lower index (torch.bucketize over the
  midpoints); two codes per byte, the first element in the high nibble; an odd element
  count is padded with one zero (code 7) in the low nibble of the last byte.
- 8-bit step for the scales (bitsandbytes' CPU C++ kernel, a 65536-entry lookup table):
  absmax_b = max |a|; a block with absmax 0 gets code 0; else v = clamp(a * (1 / absmax_b),
  -1, 1), i = trunc(fma((v + 1) * 0.5, 65535, 0.5)) and code = lut[i] where lut[i] is the
  number of table midpoints (c[k] + c[k+1]) * 0.5 below -1 + (2 i) / 65535.
- dequantization: scale = nested_code[q] * nested_absmax[b // 256] + offset (two fp32
  roundings, no fma), weight = nf4_code[q] * scale in fp32, rounded once to the output dtype.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass

import torch

# bitsandbytes.functional.get_4bit_type("nf4"): create_normal_map(offset=0.9677083), normalized.
NF4_CODE_VALUES = (
    -1.0,
    -0.6961928009986877,
    -0.5250730514526367,
    -0.39491748809814453,
    -0.28444138169288635,
    -0.18477343022823334,
    -0.09105003625154495,
    0.0,
    0.07958029955625534,
    0.16093020141124725,
    0.24611230194568634,
    0.33791524171829224,
    0.44070982933044434,
    0.5626170039176941,
    0.7229568362236023,
    1.0,
)

VALID_BLOCKSIZES = (32, 64, 128, 256, 512, 1024, 2048, 4096)
NESTED_BLOCKSIZE = 256  # bitsandbytes quantizes the absmax values in blocks of 256
_TINY = 1e-38  # bitsandbytes clamps absmax to this before taking its reciprocal


def nf4_code(device: torch.device | str = "cpu") -> torch.Tensor:
    """The 16 NF4 values, fp32, ascending; index = the 4-bit code."""
    return torch.tensor(NF4_CODE_VALUES, dtype=torch.float32, device=device)


@functools.lru_cache(maxsize=None)
def _dynamic_map_cpu(signed: bool, max_exponent_bits: int, total_bits: int) -> torch.Tensor:
    # Same arithmetic as bitsandbytes.functional.create_dynamic_map (Dettmers 2015,
    # https://arxiv.org/abs/1511.04561): a sign, a run of zeros that sets the decimal
    # exponent, an indicator bit, and a linear fraction in the remaining bits.
    data: list[float] = []
    non_sign_bits = total_bits - 1
    additional_items = 2 ** (non_sign_bits - max_exponent_bits) - 1
    i = 0
    for i in range(max_exponent_bits):
        fraction_items = int(
            2 ** (i + non_sign_bits - max_exponent_bits) + 1
            if signed
            else 2 ** (i + non_sign_bits - max_exponent_bits + 1) + 1
        )
        boundaries = torch.linspace(0.1, 1, fraction_items, dtype=torch.float32)
        means = (boundaries[:-1] + boundaries[1:]) / 2.0
        data += ((10 ** (-(max_exponent_bits - 1) + i)) * means).tolist()
        if signed:
            data += (-(10 ** (-(max_exponent_bits - 1) + i)) * means).tolist()
    if additional_items > 0:
        boundaries = torch.linspace(0.1, 1, additional_items + 1, dtype=torch.float32)
        means = (boundaries[:-1] + boundaries[1:]) / 2.0
        data += ((10 ** (-(max_exponent_bits - 1) + i)) * means).tolist()
        if signed:
            data += (-(10 ** (-(max_exponent_bits - 1) + i)) * means).tolist()
    data.append(0)
    data.append(1.0)
    assert len(data) == 2**total_bits
    data += [0] * (256 - len(data))
    data.sort()
    return torch.tensor(data, dtype=torch.float32)


def dynamic_map(signed: bool = True, max_exponent_bits: int = 7, total_bits: int = 8,
                device: torch.device | str = "cpu") -> torch.Tensor:
    """bitsandbytes' 8-bit dynamic map (`create_dynamic_map`), fp32, ascending, 256 values."""
    return _dynamic_map_cpu(signed, max_exponent_bits, total_bits).to(device, copy=True)


@dataclass(frozen=True)
class NF4Weight:
    """A weight quantized to NF4, laid out exactly as bitsandbytes stores it.

    packed:        uint8 (ceil(numel / 2),): two 4-bit codes per byte, first element high nibble
    absmax:        (n_blocks,) uint8 codes into `nested_code` when double-quantized, else fp32
    nested_absmax: (ceil(n_blocks / nested_blocksize),) fp32, or None without double quant
    offset:        mean of the fp32 absmax (an fp32 value held as a Python float), 0.0 without
    shape, dtype:  the original weight's shape and dtype (the default dequantization dtype)
    code:          the 16 NF4 values (fp32); nested_code: the 256-value dynamic map or None
    """

    packed: torch.Tensor
    absmax: torch.Tensor
    nested_absmax: torch.Tensor | None
    offset: float
    shape: tuple[int, ...]
    dtype: torch.dtype
    blocksize: int
    nested_blocksize: int | None
    code: torch.Tensor
    nested_code: torch.Tensor | None

    @property
    def double_quant(self) -> bool:
        return self.nested_absmax is not None

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    @property
    def n_blocks(self) -> int:
        return -(-self.numel // self.blocksize)

    @property
    def device(self) -> torch.device:
        return self.packed.device

    def to(self, device: torch.device | str) -> "NF4Weight":
        """The same quantized weight on another device (tensors copied, values unchanged)."""
        move = lambda t: None if t is None else t.to(device)  # noqa: E731
        return dataclasses.replace(
            self, packed=move(self.packed), absmax=move(self.absmax),
            nested_absmax=move(self.nested_absmax), code=move(self.code),
            nested_code=move(self.nested_code))

    def scales(self) -> torch.Tensor:
        """The fp32 per-block absmax, (n_blocks,): decoded from the nested level if present."""
        return absmax_fp32(self)


def _check_finite(weight: torch.Tensor, name: str | None) -> None:
    if not torch.isfinite(weight).all():
        bad = (~torch.isfinite(weight)).nonzero()[0].tolist()
        what = f"tensor {name!r}" if name else "the weight tensor"
        raise ValueError(
            f"cannot quantize {what} of shape {tuple(weight.shape)} to NF4: it holds NaN or inf "
            f"(first at index {tuple(bad)}); only finite weights can be quantized")


def _quantize_4bit(flat: torch.Tensor, blocksize: int) -> tuple[torch.Tensor, torch.Tensor]:
    """fp32 (n,) -> packed uint8 (ceil(n/2),), fp32 absmax (n_blocks,)."""
    n = flat.numel()
    rem = n % blocksize
    full = n - rem
    blocks = flat[:full].view(full // blocksize, blocksize)  # (B, bs)
    absmax = blocks.abs().max(dim=-1)[0] if full else flat.new_zeros(0)
    scaled = torch.clamp(blocks * (1.0 / absmax.clamp(min=_TINY).view(-1, 1)), -1, 1).reshape(-1)
    if rem:
        tail_max = flat[full:].abs().max().clamp(min=_TINY)
        absmax = torch.cat([absmax, flat[full:].abs().max().view(1)])
        scaled = torch.cat([scaled, torch.clamp(flat[full:] / tail_max, -1, 1)])
    if n % 2:
        scaled = torch.nn.functional.pad(scaled, (0, 1))
    code = nf4_code(flat.device)
    midpoints = (code[:-1] + code[1:]) / 2
    q = torch.bucketize(scaled, midpoints, out_int32=True).to(torch.uint8)  # ties -> lower code
    packed = (q[0::2] << 4) | q[1::2]
    return packed, absmax


@functools.lru_cache(maxsize=8)
def _lut_cpu(code_bytes: bytes) -> torch.Tensor:
    code = torch.frombuffer(bytearray(code_bytes), dtype=torch.float32)
    midpoints = (code[:-1] + code[1:]) * 0.5
    val = (torch.arange(65536, dtype=torch.float32) * 2) / 65535 - 1
    return torch.searchsorted(midpoints, val, right=False).to(torch.uint8)  # (65536,)


def _quantize_8bit(values: torch.Tensor, code: torch.Tensor, blocksize: int
                   ) -> tuple[torch.Tensor, torch.Tensor]:
    """bitsandbytes' CPU blockwise 8-bit quantizer: fp32 (n,) -> uint8 (n,), fp32 absmax."""
    n = values.numel()
    n_blocks = -(-n // blocksize)
    padded = torch.nn.functional.pad(values, (0, n_blocks * blocksize - n)).view(n_blocks, blocksize)
    absmax = padded.abs().max(dim=-1)[0]  # zero padding never raises a max of |.|
    inv = torch.where(absmax == 0, 0.0, 1.0 / absmax)  # all-zero blocks get code 0 below
    v = torch.clamp(padded * inv.view(-1, 1), -1.0, 1.0)
    t = (v + 1.0) * 0.5
    # fma(t, 65535, 0.5) rounded once to fp32: exact in fp64 since t is a multiple of 2^-25.
    idx = (t.double() * 65535.0 + 0.5).float().to(torch.int64)
    lut = _lut_cpu(code.detach().cpu().contiguous().numpy().tobytes()).to(values.device)
    q = lut[idx]
    q = torch.where((absmax == 0).view(-1, 1), torch.zeros_like(q), q)
    return q.reshape(-1)[:n], absmax


def quantize_nf4(weight: torch.Tensor, blocksize: int = 64, double_quant: bool = True,
                 name: str | None = None) -> NF4Weight:
    """Quantize a float weight to NF4 (bit-exact with bitsandbytes' quantize_4bit on CPU).

    weight: any shape, fp32/bf16/fp16, finite. blocksize: elements per absmax block.
    double_quant: quantize the absmax values too (bitsandbytes' compress_statistics=True).
    name: used in error messages (e.g. the checkpoint key).
    """
    what = f" for {name!r}" if name else ""
    if weight.dtype not in (torch.float32, torch.bfloat16, torch.float16):
        raise ValueError(f"quantize_nf4{what}: weight dtype {weight.dtype} is not supported; "
                         "use float32, bfloat16 or float16")
    if blocksize not in VALID_BLOCKSIZES:
        raise ValueError(f"quantize_nf4{what}: blocksize {blocksize} is not one of {VALID_BLOCKSIZES}")
    if weight.numel() == 0:
        raise ValueError(f"quantize_nf4{what}: weight of shape {tuple(weight.shape)} is empty")
    _check_finite(weight, name)
    flat = weight.detach().reshape(-1).float()
    packed, absmax = _quantize_4bit(flat, blocksize)
    code = nf4_code(weight.device)
    if not double_quant:
        return NF4Weight(packed=packed, absmax=absmax, nested_absmax=None, offset=0.0,
                         shape=tuple(weight.shape), dtype=weight.dtype, blocksize=blocksize,
                         nested_blocksize=None, code=code, nested_code=None)
    offset = absmax.mean()  # fp32, the same torch reduction bitsandbytes runs
    nested_code = dynamic_map(device=weight.device)
    qabsmax, nested_absmax = _quantize_8bit(absmax - offset, nested_code, NESTED_BLOCKSIZE)
    return NF4Weight(packed=packed, absmax=qabsmax, nested_absmax=nested_absmax,
                     offset=float(offset.item()), shape=tuple(weight.shape), dtype=weight.dtype,
                     blocksize=blocksize, nested_blocksize=NESTED_BLOCKSIZE, code=code,
                     nested_code=nested_code)


def absmax_fp32(q: NF4Weight) -> torch.Tensor:
    """Per-block fp32 scales (n_blocks,): nested_code[absmax] * nested_absmax[b // 256] + offset."""
    if not q.double_quant:
        return q.absmax.float()
    nb = q.absmax.numel()
    nested = q.nested_absmax.repeat_interleave(q.nested_blocksize)[:nb]  # (n_blocks,)
    scaled = q.nested_code[q.absmax.long()] * nested  # rounded to fp32 here ...
    return scaled + torch.tensor(q.offset, dtype=torch.float32, device=scaled.device)  # ... and here


def _byte_table(code: torch.Tensor) -> torch.Tensor:
    """(256, 2): packed byte b -> (code[b >> 4], code[b & 0xF]), the high nibble first."""
    return torch.stack([code.repeat_interleave(16), code.repeat(16)], dim=1)


def dequantize_nf4(q: NF4Weight, dtype: torch.dtype | None = None) -> torch.Tensor:
    """NF4Weight -> dense tensor of q.shape in `dtype` (default: the original dtype).

    Each packed byte looks up its two code values at once in a 256-row table (one gather with
    int32 indices), and each block of values is scaled in place by its fp32 absmax: the same
    fp32 products as code[nibble] * absmax elementwise, ~10x faster on CPU than unpacking the
    nibbles into int64 indices and repeating the scales per element.
    """
    dtype = dtype or q.dtype
    n, bs = q.numel, q.blocksize
    values = _byte_table(q.code).index_select(0, q.packed.int()).view(-1)[:n]  # (n,) fp32
    scale = absmax_fp32(q)  # (n_blocks,)
    full = n // bs * bs
    values[:full].view(-1, bs).mul_(scale[:full // bs, None])
    if full < n:  # the last, partial block
        values[full:].mul_(scale[-1])
    return values.view(q.shape).to(dtype)
