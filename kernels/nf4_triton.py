"""NF4 dequantization in one Triton launch; twin of kernels.nf4.dequantize_nf4.

Each program owns ROWS consecutive quantization blocks, a (ROWS, blocksize) tile of the
flattened weight. It reads the packed bytes (ROWS, blocksize/2), the ROWS first-level scales
(uint8 codes with double quantization, fp32 otherwise) and their nested fp32 absmax, and
rebuilds everything in registers:

    scale[r]     = nested_code[absmax[r]] * nested_absmax[r // 256] + offset   (fp32, 2 roundings)
    out[r, 2j]   = nf4_code[byte[r, j] >> 4]  * scale[r]                       (fp32, then dtype)
    out[r, 2j+1] = nf4_code[byte[r, j] & 15]  * scale[r]

Nothing but the output is written to global memory. On CUDA the launch disables fp
contraction (enable_fp_fusion=False) so the scale is not fused into an fma: the two
roundings are what bitsandbytes (and the torch reference) compute.

Tests run this under TRITON_INTERPRET=1 on CPU tensors, and on CUDA when present.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

from kernels.nf4 import NF4Weight


@triton.jit
def _nf4_dequant_kernel(
    packed_ptr,        # uint8 (ceil(n/2),)
    absmax_ptr,        # uint8 (n_blocks,) with DOUBLE_QUANT, else fp32 (n_blocks,)
    nested_ptr,        # fp32 (ceil(n_blocks/NESTED_BLOCKSIZE),) (unused without DOUBLE_QUANT)
    code_ptr,          # fp32 (16,)  NF4 values
    nested_code_ptr,   # fp32 (256,) dynamic map (unused without DOUBLE_QUANT)
    out_ptr,           # bf16/fp16/fp32 (n,)
    offset,            # fp32 scalar
    n_elements,
    n_blocks,
    BLOCKSIZE: tl.constexpr,
    NESTED_BLOCKSIZE: tl.constexpr,
    ROWS: tl.constexpr,
    DOUBLE_QUANT: tl.constexpr,
    OUT_BF16: tl.constexpr,
):
    HALF: tl.constexpr = BLOCKSIZE // 2
    rows = tl.program_id(0).to(tl.int64) * ROWS + tl.arange(0, ROWS)  # (ROWS,) block ids
    row_ok = rows < n_blocks
    if DOUBLE_QUANT:
        q8 = tl.load(absmax_ptr + rows, mask=row_ok, other=0).to(tl.int32)
        nested = tl.load(nested_ptr + rows // NESTED_BLOCKSIZE, mask=row_ok, other=0.0)
        scale = tl.load(nested_code_ptr + q8) * nested + offset  # (ROWS,) fp32
    else:
        scale = tl.load(absmax_ptr + rows, mask=row_ok, other=0.0)
    byte_idx = rows[:, None] * HALF + tl.arange(0, HALF)[None, :]  # (ROWS, HALF)
    b = tl.load(packed_ptr + byte_idx, mask=byte_idx < (n_elements + 1) // 2, other=0).to(tl.int32)
    hi = tl.load(code_ptr + (b >> 4)) * scale[:, None]  # elements 2j   (ROWS, HALF)
    lo = tl.load(code_ptr + (b & 15)) * scale[:, None]  # elements 2j+1
    vals = tl.interleave(hi, lo)  # (ROWS, BLOCKSIZE) fp32
    if OUT_BF16:
        # fp32 -> bf16 round-to-nearest-even spelled out, so that the interpreter (which
        # truncates) computes what the GPU's cvt.rn does; weights are finite (no NaN case).
        bits = vals.to(tl.uint32, bitcast=True)
        bits = bits + 0x7FFF + ((bits >> 16) & 1)
        res = (bits >> 16).to(tl.uint16).to(tl.bfloat16, bitcast=True)
    else:
        res = vals.to(out_ptr.dtype.element_ty)
    elem = rows[:, None] * BLOCKSIZE + tl.arange(0, BLOCKSIZE)[None, :]
    tl.store(out_ptr + elem, res, mask=elem < n_elements)


_TILE_ELEMENTS = 4096  # elements per program: 64 blocks of 64, 32 of 128


def dequantize_nf4_triton(q: NF4Weight, dtype: torch.dtype | None = None,
                          out: torch.Tensor | None = None) -> torch.Tensor:
    """NF4Weight -> dense tensor of q.shape in `dtype` (default q.dtype), in one launch.

    Bit-identical to kernels.nf4.dequantize_nf4. `out` (contiguous, q.shape, dtype) is
    written in place when given.
    """
    dtype = dtype or q.dtype
    if dtype not in (torch.float32, torch.bfloat16, torch.float16):
        raise ValueError(f"dequantize_nf4_triton: dtype {dtype} is not supported; "
                         "use float32, bfloat16 or float16")
    if q.blocksize % 2 or q.blocksize & (q.blocksize - 1):
        raise ValueError(f"dequantize_nf4_triton: blocksize {q.blocksize} must be a power of two")
    if out is None:
        out = torch.empty(q.shape, dtype=dtype, device=q.device)
    elif out.shape != torch.Size(q.shape) or out.dtype != dtype or not out.is_contiguous():
        raise ValueError(f"dequantize_nf4_triton: out must be contiguous {dtype} of shape "
                         f"{tuple(q.shape)}, got {out.dtype} {tuple(out.shape)}")
    n_blocks = q.n_blocks
    rows = max(1, _TILE_ELEMENTS // q.blocksize)
    grid = (triton.cdiv(n_blocks, rows),)
    dq = q.double_quant
    dummy = q.code  # stands in for the nested tensors without double quantization
    kwargs = {"enable_fp_fusion": False} if q.device.type == "cuda" else {}
    _nf4_dequant_kernel[grid](
        q.packed, q.absmax, q.nested_absmax if dq else dummy, q.code,
        q.nested_code if dq else dummy, out, float(q.offset), q.numel, n_blocks,
        BLOCKSIZE=q.blocksize, NESTED_BLOCKSIZE=q.nested_blocksize if dq else 1,
        ROWS=rows, DOUBLE_QUANT=dq,
        OUT_BF16=dtype == torch.bfloat16, **kwargs)
    return out
