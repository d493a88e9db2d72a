"""NF4 GEMV / skinny GEMM: y = x @ W^T (+ bias) straight from the packed 4-bit weight.

Decoding multiplies a few rows of activations (M = batch, 1..32) by every weight matrix once
per token, so its speed is the speed of reading the weights. Dequantizing W into a dense copy
first (kernels/nf4_triton.py, then a matmul) reads 4-bit, writes 16-bit and reads 16-bit again:
about 9x the bytes of the packed weight. This kernel reads each packed byte and each scale once
and keeps the dequantized tile in registers:

    program (n, m, s): output rows n*BLOCK_N.., activation rows m*BLOCK_M.., K split s of SPLIT_K
    for each K step of BLOCK_J packed bytes (2*BLOCK_J weight columns):
        b        = packed[rows, j]                            (BLOCK_N, BLOCK_J) uint8
        scale    = nested_code[absmax[blk]] * nested_absmax[blk // 256] + offset  (fp32, as dequant)
        w_hi/lo  = nf4_code[b >> 4 | b & 15] * scale          columns 2j / 2j+1, rounded to x's dtype
        acc     += x[:, 2j] @ w_hi^T + x[:, 2j+1] @ w_lo^T   (tl.dot, fp32 accumulation)
    y = acc + bias, in x's dtype; with SPLIT_K > 1 the fp32 partial sums go to a workspace
    (SPLIT_K, M, N) that is summed afterwards (deterministic, no atomics).

Each weight element is computed exactly as kernels.nf4.dequantize_nf4 computes it (two fp32
roundings for the scale, one to the output dtype), so the only difference from the twin
`nf4_gemv_torch` (dequantize, then F.linear) is the order of the fp32 sums. Blocks may straddle
weight rows (in_features not a multiple of the blocksize): the scale index is computed per byte
then; when in_features is a multiple of the blocksize (every real model) it is loaded once per
block and broadcast. in_features must be even (a row then starts on a byte boundary).

Tested under TRITON_INTERPRET=1 on CPU (tests/kernels/test_nf4_gemv.py) and on CUDA when present.
The launch parameters are a first guess, not tuned on a GPU yet (no GPU in the session that
wrote this): `nf4_gemv_triton(..., block_n=, block_j=, split_k=)` overrides them.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from kernels.backend import kernel_backend
from kernels.nf4 import NF4Weight, dequantize_nf4

GEMV_MAX_ROWS = 32  # activation rows (tokens) up to which the fused kernel is meant to be used


def nf4_gemv_torch(x: torch.Tensor, q: NF4Weight, bias: torch.Tensor | None = None) -> torch.Tensor:
    """The reference twin: F.linear(x, dequantize_nf4(q, x.dtype), bias). x (..., K) -> (..., N)."""
    _check(x, q, bias, "nf4_gemv_torch")
    return F.linear(x, dequantize_nf4(q, x.dtype), None if bias is None else bias.to(x.dtype))


def gemv_supported(q: NF4Weight) -> bool:
    """Whether the fused kernel handles this weight: 2-D with an even number of columns."""
    return len(q.shape) == 2 and q.shape[1] % 2 == 0 and q.blocksize % 2 == 0


def gemv_applies(x: torch.Tensor, q: NF4Weight, bias: torch.Tensor | None = None) -> bool:
    """Whether a linear layer should run the fused kernel for this call (NF4Linear's dispatch):
    kernels.backend picks Triton for x's device, x has at most GEMV_MAX_ROWS rows, the weight is
    supported, and no gradient flows through the call (the kernel has no backward)."""
    if x.numel() > GEMV_MAX_ROWS * x.shape[-1] or not gemv_supported(q):
        return False
    if torch.is_grad_enabled() and (x.requires_grad or (bias is not None and bias.requires_grad)):
        return False
    return kernel_backend(x.device) == "triton"


def _check(x: torch.Tensor, q: NF4Weight, bias: torch.Tensor | None, where: str) -> None:
    if len(q.shape) != 2:
        raise ValueError(f"{where}: the weight must be 2-D (out, in), got shape {q.shape}")
    N, K = q.shape
    if x.shape[-1] != K:
        raise ValueError(f"{where}: x has {x.shape[-1]} features in its last dim, the weight (out, in) = "
                         f"({N}, {K}) needs {K}")
    if x.dtype not in (torch.float32, torch.bfloat16, torch.float16):
        raise ValueError(f"{where}: x dtype {x.dtype} is not supported; use float32, bfloat16 or float16")
    if bias is not None and bias.shape != (N,):
        raise ValueError(f"{where}: bias has shape {tuple(bias.shape)}, expected ({N},)")


try:
    import triton
    import triton.language as tl
except ImportError:  # the torch twin still works
    triton = None

if triton is not None:

    @triton.jit
    def _nf4_gemv_kernel(
        x_ptr,            # (M, K) x dtype, row stride stride_xm, unit column stride
        packed_ptr,       # uint8 (N*K/2,)
        absmax_ptr,       # uint8 (n_blocks,) with DOUBLE_QUANT, else fp32
        nested_ptr,       # fp32 (ceil(n_blocks/NESTED_BLOCKSIZE),) (unused without DOUBLE_QUANT)
        code_ptr,         # fp32 (16,)
        nested_code_ptr,  # fp32 (256,) (unused without DOUBLE_QUANT)
        bias_ptr,         # (N,) any float dtype (unused without HAS_BIAS)
        out_ptr,          # (M, N) x dtype, or fp32 (SPLIT_K, M, N) workspace when SPLIT_K > 1
        offset, M, N, K, stride_xm, j_per_split,
        BLOCKSIZE: tl.constexpr, NESTED_BLOCKSIZE: tl.constexpr, DOUBLE_QUANT: tl.constexpr,
        HAS_BIAS: tl.constexpr, ALIGNED: tl.constexpr, W_BF16: tl.constexpr,
        BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, BLOCK_J: tl.constexpr,
        SPLIT_K: tl.constexpr, DOT_PRECISION: tl.constexpr, UPCAST_DOT: tl.constexpr,
    ):
        HALF: tl.constexpr = BLOCKSIZE // 2  # packed bytes per quantization block
        NB: tl.constexpr = BLOCK_J // HALF  # whole blocks per K step (used when ALIGNED)
        pid_n, pid_m, pid_k = tl.program_id(0), tl.program_id(1), tl.program_id(2)
        rn = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)  # (BN,) weight rows = output columns
        rm = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)  # (BM,) activation rows
        n_ok, m_ok = rn < N, rm < M
        KH = K // 2  # packed bytes per weight row
        row_byte = rn.to(tl.int64) * KH  # (BN,)
        acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
        j_begin = pid_k * j_per_split
        j_end = tl.minimum(j_begin + j_per_split, KH)
        for j0 in range(j_begin, j_end, BLOCK_J):
            rj = j0 + tl.arange(0, BLOCK_J)  # (BJ,) byte columns
            j_ok = rj < j_end
            w_ok = n_ok[:, None] & j_ok[None, :]
            byte = row_byte[:, None] + rj[None, :]  # (BN, BJ)
            b = tl.load(packed_ptr + byte, mask=w_ok, other=0).to(tl.int32)
            if ALIGNED:  # K % BLOCKSIZE == 0 and BLOCK_J % HALF == 0: one scale per (row, block)
                blk = (rn.to(tl.int64) * (K // BLOCKSIZE))[:, None] + (j0 // HALF + tl.arange(0, NB))[None, :]
                s_ok = n_ok[:, None] & ((j0 + tl.arange(0, NB) * HALF) < j_end)[None, :]  # (BN, NB)
            else:  # blocks may straddle rows: a block index per byte
                blk = byte // HALF
                s_ok = w_ok
            if DOUBLE_QUANT:
                q8 = tl.load(absmax_ptr + blk, mask=s_ok, other=0).to(tl.int32)
                nested = tl.load(nested_ptr + blk // NESTED_BLOCKSIZE, mask=s_ok, other=0.0)
                scale = tl.load(nested_code_ptr + q8) * nested + offset  # fp32, two roundings
            else:
                scale = tl.load(absmax_ptr + blk, mask=s_ok, other=0.0)
            if ALIGNED:  # (BN, NB) -> (BN, BJ): each scale covers HALF bytes
                scale = tl.reshape(tl.broadcast_to(scale[:, :, None], (BLOCK_N, NB, HALF)), (BLOCK_N, BLOCK_J))
            hi = tl.load(code_ptr + (b >> 4)) * scale  # (BN, BJ) fp32: columns 2j
            lo = tl.load(code_ptr + (b & 15)) * scale  # columns 2j + 1
            if W_BF16:
                # round-to-nearest-even spelled out (the interpreter truncates; the GPU's cvt.rn
                # does this): the same bf16 weights dequantize_nf4 gives
                hb = hi.to(tl.uint32, bitcast=True)
                hi = ((hb + 0x7FFF + ((hb >> 16) & 1)) >> 16).to(tl.uint16).to(tl.bfloat16, bitcast=True)
                lb = lo.to(tl.uint32, bitcast=True)
                lo = ((lb + 0x7FFF + ((lb >> 16) & 1)) >> 16).to(tl.uint16).to(tl.bfloat16, bitcast=True)
            else:
                hi = hi.to(x_ptr.dtype.element_ty)
                lo = lo.to(x_ptr.dtype.element_ty)
            x_ok = m_ok[:, None] & j_ok[None, :]
            x_even = tl.load(x_ptr + rm[:, None] * stride_xm + 2 * rj[None, :], mask=x_ok, other=0.0)  # (BM, BJ)
            x_odd = tl.load(x_ptr + rm[:, None] * stride_xm + 2 * rj[None, :] + 1, mask=x_ok, other=0.0)
            if UPCAST_DOT:  # the interpreter's tl.dot gets bf16 wrong: exact fp32 products instead
                x_even, x_odd = x_even.to(tl.float32), x_odd.to(tl.float32)
                hi, lo = hi.to(tl.float32), lo.to(tl.float32)
            acc += tl.dot(x_even, tl.trans(hi), input_precision=DOT_PRECISION)
            acc += tl.dot(x_odd, tl.trans(lo), input_precision=DOT_PRECISION)
        out_ok = m_ok[:, None] & n_ok[None, :]
        if SPLIT_K == 1:
            if HAS_BIAS:
                acc += tl.load(bias_ptr + rn, mask=n_ok, other=0.0).to(tl.float32)[None, :]
            tl.store(out_ptr + rm[:, None] * N + rn[None, :], acc.to(out_ptr.dtype.element_ty), mask=out_ok)
        else:
            tl.store(out_ptr + (pid_k * M + rm[:, None]) * N + rn[None, :], acc, mask=out_ok)


def _next_pow2(v: int) -> int:
    return 1 << max(0, (v - 1).bit_length())


def _launch_config(M: int, N: int, K: int, device: torch.device, block_n, block_j, split_k):
    """(BLOCK_M, BLOCK_N, BLOCK_J, SPLIT_K): a first guess, overridable (see the docstring)."""
    block_m = min(max(16, _next_pow2(M)), 64)  # tl.dot needs >= 16
    block_n = block_n or 64
    block_j = block_j or 64  # 128 weight columns per step
    if split_k is None:
        # Enough programs to keep every SM streaming: aim for ~2 per SM (a GEMV over a few output
        # tiles would otherwise leave most of the GPU idle).
        sms = torch.cuda.get_device_properties(device).multi_processor_count if device.type == "cuda" else 4
        tiles = triton.cdiv(N, block_n) * triton.cdiv(M, block_m)
        steps = triton.cdiv(K // 2, block_j)
        split_k = max(1, min(steps, triton.cdiv(2 * sms, tiles), 16))
    return block_m, block_n, block_j, split_k


def nf4_gemv_triton(x: torch.Tensor, q: NF4Weight, bias: torch.Tensor | None = None, *,
                    block_n: int | None = None, block_j: int | None = None,
                    split_k: int | None = None) -> torch.Tensor:
    """y = x @ dequant(q)^T (+ bias) without a dequantized copy. x (..., K) -> (..., N) in x's dtype.

    block_n (output columns per program), block_j (packed bytes per K step, powers of two >= 16)
    and split_k (programs along K) override the launch heuristic.
    """
    if triton is None:
        raise RuntimeError("nf4_gemv_triton needs triton, which does not import here; use nf4_gemv_torch")
    _check(x, q, bias, "nf4_gemv_triton")
    if not gemv_supported(q):
        raise ValueError(f"nf4_gemv_triton: in_features {q.shape[1]} must be even (blocksize {q.blocksize}); "
                         "use nf4_gemv_torch for this weight")
    N, K = q.shape
    lead = x.shape[:-1]
    x2 = x.reshape(-1, K)
    if x2.stride(-1) != 1:
        x2 = x2.contiguous()
    M = x2.shape[0]
    if M == 0:
        return x.new_empty((*lead, N))
    block_m, block_n, block_j, split_k = _launch_config(M, N, K, x.device, block_n, block_j, split_k)
    for name, v in (("block_n", block_n), ("block_j", block_j)):
        if v < 16 or v & (v - 1):
            raise ValueError(f"nf4_gemv_triton: {name}={v} must be a power of two >= 16")
    KH = K // 2
    j_per_split = triton.cdiv(triton.cdiv(KH, split_k), block_j) * block_j  # whole K steps per split
    split_k = triton.cdiv(KH, j_per_split)
    half = q.blocksize // 2
    aligned = K % q.blocksize == 0 and block_j % half == 0
    out = (torch.empty((M, N), dtype=x.dtype, device=x.device) if split_k == 1
           else torch.empty((split_k, M, N), dtype=torch.float32, device=x.device))
    dq = q.double_quant
    dummy = q.code  # stands in for absent tensors
    upcast = x.dtype == torch.bfloat16 and x.device.type != "cuda"  # only under the interpreter
    kwargs = {"enable_fp_fusion": False} if x.device.type == "cuda" else {}  # scale: two roundings, no fma
    grid = (triton.cdiv(N, block_n), triton.cdiv(M, block_m), split_k)
    _nf4_gemv_kernel[grid](
        x2, q.packed, q.absmax, q.nested_absmax if dq else dummy, q.code,
        q.nested_code if dq else dummy, bias if bias is not None else dummy, out,
        float(q.offset), M, N, K, x2.stride(0), j_per_split,
        BLOCKSIZE=q.blocksize, NESTED_BLOCKSIZE=q.nested_blocksize if dq else 1, DOUBLE_QUANT=dq,
        HAS_BIAS=bias is not None, ALIGNED=aligned, W_BF16=x.dtype == torch.bfloat16,
        BLOCK_M=block_m, BLOCK_N=block_n, BLOCK_J=block_j, SPLIT_K=split_k,
        DOT_PRECISION="ieee" if x.dtype == torch.float32 or upcast else None, UPCAST_DOT=upcast, **kwargs)
    if split_k > 1:
        y = out.sum(0)  # (M, N) fp32
        if bias is not None:
            y = y + bias.float()
        out = y.to(x.dtype)
    return out.reshape(*lead, N)


def nf4_gemv(x: torch.Tensor, q: NF4Weight, bias: torch.Tensor | None = None) -> torch.Tensor:
    """y = x @ dequant(q)^T (+ bias): the fused Triton kernel when `gemv_applies`, the torch twin
    otherwise (no gradient through the kernel)."""
    if gemv_applies(x, q, bias):
        return nf4_gemv_triton(x, q, bias)
    return nf4_gemv_torch(x, q, bias)
