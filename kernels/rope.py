"""Rotary position embedding in the checkpoint's `rotate_half` layout: a torch twin and a Triton kernel.

    apply_rope(x, cos, sin)           # the backend kernels.backend picks for x.device
    apply_rope_torch(x, cos, sin)     # the reference: x * cos + rotate_half(x) * sin
    apply_rope_triton(x, cos, sin)    # one launch forward, one backward

x (B, n, T, hd) (any strides over B, n, T; q and k arrive as transposed views), cos and sin
(B or 1, 1, T, hd) as models.transformer.CausalLM.rope makes them. The two halves of each head are
the (real, imaginary) parts (https://arxiv.org/abs/2104.09864, transformers' `apply_rotary_pos_emb`):

    rotate_half(x) = cat(-x2, x1)
    y1 = x1 * cos1 - x2 * sin1
    y2 = x2 * cos2 + x1 * sin2

Backward: y = x * cos + R x * sin with R the rotate_half matrix (R^T g = cat(g2, -g1)), so
    dx = dy * cos + R^T (dy * sin):   dx1 = dy1 * cos1 + dy2 * sin2,   dx2 = dy2 * cos2 - dy1 * sin1
cos and sin get no gradient (positions are not learned). The kernel computes in fp32 and rounds
once; the twin rounds after each product in 16-bit dtypes, so they agree to a rounding or two.
"""

from __future__ import annotations

import torch

from kernels.backend import kernel_backend, triton_modules

triton, tl, _jit = triton_modules()  # stubs where Triton does not import: the torch twin still works


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


def apply_rope_torch(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """x: (B, n, T, hd); cos, sin: (B, 1, T, hd) in x's dtype."""
    return x * cos + rotate_half(x) * sin


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """RoPE with the kernel backend chosen for x.device (kernels.backend)."""
    if kernel_backend(x.device) == "triton":
        return apply_rope_triton(x, cos, sin)
    return apply_rope_torch(x, cos, sin)


# ----------------------------------------------------------------------------------------------
# Triton.

@_jit
def _rope_kernel(x_ptr, cos_ptr, sin_ptr, y_ptr, n_heads, T, half,
                 sxb, sxh, sxt, scb, sct, syb, syh, syt,
                 BLOCK_T: tl.constexpr, BLOCK_H: tl.constexpr, BACKWARD: tl.constexpr):
    bh = tl.program_id(0)
    b, h = bh // n_heads, bh % n_heads
    t = tl.program_id(1) * BLOCK_T + tl.arange(0, BLOCK_T)  # (BLOCK_T,)
    j = tl.arange(0, BLOCK_H)  # (BLOCK_H,) index within one half
    ok = (t[:, None] < T) & (j[None, :] < half)
    xo = b.to(tl.int64) * sxb + h.to(tl.int64) * sxh + t[:, None].to(tl.int64) * sxt + j[None, :]
    co = b.to(tl.int64) * scb + t[:, None].to(tl.int64) * sct + j[None, :]
    yo = b.to(tl.int64) * syb + h.to(tl.int64) * syh + t[:, None].to(tl.int64) * syt + j[None, :]
    x1 = tl.load(x_ptr + xo, mask=ok, other=0.0).to(tl.float32)
    x2 = tl.load(x_ptr + xo + half, mask=ok, other=0.0).to(tl.float32)
    c1 = tl.load(cos_ptr + co, mask=ok, other=0.0).to(tl.float32)
    c2 = tl.load(cos_ptr + co + half, mask=ok, other=0.0).to(tl.float32)
    s1 = tl.load(sin_ptr + co, mask=ok, other=0.0).to(tl.float32)
    s2 = tl.load(sin_ptr + co + half, mask=ok, other=0.0).to(tl.float32)
    if BACKWARD:  # x holds dy, y receives dx
        y1 = x1 * c1 + x2 * s2
        y2 = x2 * c2 - x1 * s1
    else:
        y1 = x1 * c1 - x2 * s1
        y2 = x2 * c2 + x1 * s2
    tl.store(y_ptr + yo, y1.to(y_ptr.dtype.element_ty), mask=ok)
    tl.store(y_ptr + yo + half, y2.to(y_ptr.dtype.element_ty), mask=ok)


def _launch(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, out_dtype: torch.dtype, backward: bool):
    if x.stride(-1) != 1:
        x = x.contiguous()
    B, n, T, hd = x.shape
    y = torch.empty((B, n, T, hd), dtype=out_dtype, device=x.device)
    half = hd // 2
    block_h = triton.next_power_of_2(half)
    block_t = max(1, min(64, 4096 // block_h))
    grid = (B * n, triton.cdiv(T, block_t))
    _rope_kernel[grid](x, cos, sin, y, n, T, half,
                       x.stride(0), x.stride(1), x.stride(2), cos.stride(0), cos.stride(2),
                       y.stride(0), y.stride(1), y.stride(2),
                       BLOCK_T=block_t, BLOCK_H=block_h, BACKWARD=backward)
    return y


def _table(t: torch.Tensor, B: int, T: int, hd: int, name: str) -> torch.Tensor:
    """cos / sin as (B, 1, T, hd) with a unit last stride (a batch of 1 broadcasts with stride 0)."""
    if t.dim() != 4 or t.shape[1] != 1 or t.shape[2] != T or t.shape[3] != hd or t.shape[0] not in (1, B):
        raise ValueError(f"apply_rope: {name} has shape {tuple(t.shape)}, expected ({B} or 1, 1, {T}, {hd})")
    if t.stride(-1) != 1:
        t = t.contiguous()
    return t.expand(B, 1, T, hd)


class RoPEFunction(torch.autograd.Function):
    """The Triton RoPE; saves only cos and sin (shared by every layer). See module docstring."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        B, n, T, hd = x.shape
        cos, sin = _table(cos, B, T, hd, "cos"), _table(sin, B, T, hd, "sin")
        ctx.save_for_backward(cos, sin)
        ctx.x_dtype = x.dtype
        out_dtype = torch.promote_types(torch.promote_types(x.dtype, cos.dtype), sin.dtype)
        return _launch(x, cos, sin, out_dtype, backward=False)

    @staticmethod
    def backward(ctx, dy: torch.Tensor):
        cos, sin = ctx.saved_tensors
        return _launch(dy, cos, sin, ctx.x_dtype, backward=True), None, None


def apply_rope_triton(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Twin of apply_rope_torch in one Triton launch (CUDA, or CPU under TRITON_INTERPRET=1)."""
    if x.dim() != 4 or x.shape[-1] % 2:
        raise ValueError(f"apply_rope: x has shape {tuple(x.shape)}, expected (B, n_heads, T, head_dim) "
                         "with an even head_dim")
    return RoPEFunction.apply(x, cos, sin)
