"""RMSNorm, y = weight * (x / rms(x)): a pure-torch twin and a fused Triton kernel (forward and backward).

    rms_norm(x, weight, eps)          # the backend kernels.backend picks for x.device
    rms_norm_torch(x, weight, eps)    # the reference: the CPU path and the test oracle
    rms_norm_triton(x, weight, eps)   # one launch forward, one backward (+ a sum for dweight)

All three compute what transformers' Qwen2RMSNorm / LlamaRMSNorm compute
(https://arxiv.org/abs/1910.07467): the statistics in fp32, the normalised x cast back to the
input dtype, then multiplied by the weight, so the output dtype is promote(x.dtype, weight.dtype).

The Triton forward keeps x in registers for one (ROWS, N) tile, writes y and one fp32 rstd per row
(the only thing it saves besides x: autograd of the twin keeps the fp32 copy of x, the normalised
x and rstd). The backward recomputes n = x * rstd from the saved x.

Backward (per row, in fp32; N = hidden size, g = dy * w):
    n  = x * r,   r = (mean(x^2) + eps)^-1/2
    dn/dx_j = r (delta_ij - n_i n_j / N)
    dx = r * (g - n * mean(g * n))
    dw = sum over rows of dy * n          (each program sums its rows; torch sums the programs)
The cast of n to the input dtype is treated as the identity in backward, as autograd does.
"""

from __future__ import annotations

import torch

from kernels.backend import kernel_backend, triton_modules

triton, tl, _jit = triton_modules()  # stubs where Triton does not import: the torch twin still works


def rms_norm_torch(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    """x (..., N), weight (N,) -> weight * (x * rsqrt(mean(x^2) + eps)).to(x.dtype)."""
    dtype = x.dtype
    x = x.float()
    x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)
    return weight * x.to(dtype)


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    """RMSNorm with the kernel backend chosen for x.device (kernels.backend)."""
    if kernel_backend(x.device) == "triton":
        return rms_norm_triton(x, weight, eps)
    return rms_norm_torch(x, weight, eps)


# ----------------------------------------------------------------------------------------------
# Triton.

@_jit
def _rms_fwd_kernel(x_ptr, w_ptr, y_ptr, rstd_ptr, M, N, eps,
                    BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr):
    rows = tl.program_id(0).to(tl.int64) * BLOCK_M + tl.arange(0, BLOCK_M)  # (BLOCK_M,)
    cols = tl.arange(0, BLOCK_N)  # (BLOCK_N,)
    ok = (rows[:, None] < M) & (cols[None, :] < N)
    offs = rows[:, None] * N + cols[None, :]
    x_in = tl.load(x_ptr + offs, mask=ok, other=0.0)
    x = x_in.to(tl.float32)
    rstd = 1.0 / tl.sqrt(tl.sum(x * x, axis=1) / N + eps)  # (BLOCK_M,) fp32
    n = (x * rstd[:, None]).to(x_in.dtype).to(tl.float32)  # rounded to the input dtype, like the twin
    w = tl.load(w_ptr + cols, mask=cols < N, other=0.0).to(tl.float32)
    tl.store(y_ptr + offs, (n * w[None, :]).to(y_ptr.dtype.element_ty), mask=ok)
    tl.store(rstd_ptr + rows, rstd, mask=rows < M)


@_jit
def _rms_bwd_kernel(dy_ptr, x_ptr, w_ptr, rstd_ptr, dx_ptr, dw_part_ptr, M, N, rows_per_program,
                    BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr, COMPUTE_DW: tl.constexpr):
    pid = tl.program_id(0)
    cols = tl.arange(0, BLOCK_N)
    col_ok = cols < N
    w = tl.load(w_ptr + cols, mask=col_ok, other=0.0).to(tl.float32)
    dw = tl.zeros((BLOCK_N,), dtype=tl.float32)
    first = pid.to(tl.int64) * rows_per_program
    for start in range(0, rows_per_program, BLOCK_M):
        rows = first + start + tl.arange(0, BLOCK_M)
        row_ok = (rows < M) & (start + tl.arange(0, BLOCK_M) < rows_per_program)
        ok = row_ok[:, None] & col_ok[None, :]
        offs = rows[:, None] * N + cols[None, :]
        x = tl.load(x_ptr + offs, mask=ok, other=0.0).to(tl.float32)
        dy = tl.load(dy_ptr + offs, mask=ok, other=0.0).to(tl.float32)
        rstd = tl.load(rstd_ptr + rows, mask=row_ok, other=0.0)
        n = x * rstd[:, None]
        g = dy * w[None, :]
        dot = tl.sum(g * n, axis=1) / N  # (BLOCK_M,)
        dx = rstd[:, None] * (g - n * dot[:, None])
        tl.store(dx_ptr + offs, dx.to(dx_ptr.dtype.element_ty), mask=ok)
        if COMPUTE_DW:
            dw += tl.sum(dy * n, axis=0)
    if COMPUTE_DW:
        tl.store(dw_part_ptr + pid.to(tl.int64) * N + cols, dw, mask=col_ok)


def _tile(N: int) -> tuple[int, int]:
    block_n = triton.next_power_of_2(N)
    return max(1, min(16, 4096 // block_n)), block_n


class RMSNormFunction(torch.autograd.Function):
    """The Triton RMSNorm; forward saves x (input dtype) and rstd (fp32 per row). See module docstring."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
        shape, N = x.shape, x.shape[-1]
        x2 = x.reshape(-1, N).contiguous()  # (M, N)
        M = x2.shape[0]
        y = torch.empty((M, N), dtype=torch.promote_types(x.dtype, weight.dtype), device=x.device)
        rstd = torch.empty(M, dtype=torch.float32, device=x.device)
        block_m, block_n = _tile(N)
        _rms_fwd_kernel[(triton.cdiv(M, block_m),)](x2, weight.contiguous(), y, rstd, M, N, float(eps),
                                                    BLOCK_M=block_m, BLOCK_N=block_n)
        ctx.save_for_backward(x2, weight, rstd)
        ctx.shape = shape
        return y.view(shape)

    @staticmethod
    def backward(ctx, dy: torch.Tensor):
        x2, weight, rstd = ctx.saved_tensors
        M, N = x2.shape
        dy2 = dy.reshape(-1, N).contiguous()
        dx = torch.empty_like(x2)
        block_m, block_n = _tile(N)
        programs = max(1, min(triton.cdiv(M, block_m), 1024))
        rows_per_program = triton.cdiv(M, programs)
        want_dw = ctx.needs_input_grad[1]
        dw_part = torch.empty((programs, N) if want_dw else (1,), dtype=torch.float32, device=x2.device)
        _rms_bwd_kernel[(programs,)](dy2, x2, weight.contiguous(), rstd, dx, dw_part, M, N, rows_per_program,
                                     BLOCK_M=block_m, BLOCK_N=block_n, COMPUTE_DW=want_dw)
        dw = dw_part.sum(0).to(weight.dtype) if want_dw else None
        return dx.view(ctx.shape), dw, None


def rms_norm_triton(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    """Twin of rms_norm_torch in one Triton launch (CUDA, or CPU under TRITON_INTERPRET=1)."""
    if weight.shape != (x.shape[-1],):
        raise ValueError(f"rms_norm: weight shape {tuple(weight.shape)} does not match the last dim of x "
                         f"{tuple(x.shape)}; expected ({x.shape[-1]},)")
    return RMSNormFunction.apply(x, weight, eps)
