"""The fused LoRA training path: the frozen base's matmul and the adapter in one autograd Function.

`LoRALinear` (engine/lora.py) calls it while gradients are recorded and its base is a frozen
nn.Linear or NF4Linear; the derivation of the backward is in the Function's docstring.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
import torch.nn.functional as F
from torch import nn

if TYPE_CHECKING:  # the Function is handed its module; engine/lora.py imports this file
    from engine.lora import LoRALinear


def _frozen_weight(base: nn.Module, dtype: torch.dtype) -> torch.Tensor:
    """The frozen base's (out, in) weight in `dtype` for one matmul issued at once (NF4: dequantized,
    on Triton into the shared scratch buffer, which the next dequantization overwrites)."""
    if isinstance(base, nn.Linear):
        return base.weight.to(dtype)  # no copy when it already is `dtype`
    return base.dequantize_for_matmul(dtype)


class LoRALinearFunction(torch.autograd.Function):
    """y = base(x) + s * (drop(x) A^T) B^T over a frozen base (nn.Linear or NF4Linear), one Function.

    Shapes: x (..., in), W (out, in) frozen, A (r, in), B (out, r), s = scaling, p = dropout,
    drop(x) = x * m / (1 - p) with a bool mask m (torch.native_dropout: the same mask and random
    stream as nn.Dropout). Flattened to N rows: X (N, in), G = dL/dy (N, out).

    Forward:
        Xd = drop(X)                         (N, in)   a temporary
        Hs = s * Xd A^T                      (N, r)    kept for backward (rank r: tiny)
        Y  = X W^T + b + Hs B^T              (N, out)
    Saved: X itself (the tensor the caller already holds: q, k and v read the same one, so it is
    kept once however many adapters read it), the bool mask m, Hs, and the fp32 parameters A, B.
    Not saved: Xd, W (re-derived in backward), any (N, out) tensor. The 16-bit copies of A and B
    (under autocast) are made once per optimizer step by `LoRALinear.cast_adapter`, not per call.

    Backward (the cheaper association: every product goes through the rank-r side, never an
    (out, in) or an (N, out) x (out, in) product beyond the base's own input gradient):
        dL/dB = G^T Hs                                  (out, N) (N, r) -> (out, r)
        Gs    = s * G B                                 (N, out) (out, r) -> (N, r)
        dL/dA = Gs^T Xd,  Xd = X * m / (1 - p) again    (r, N) (N, in) -> (r, in)
        dL/dX = G W + (Gs A) * m / (1 - p)              (N, in): base input gradient + adapter's
    (in code the 1/(1-p) is folded into s at rank r); since Y = X W^T + s Xd A^T B^T gives dY/dB-contraction G^T (s Xd A^T), dY/dA-contraction
    (s G B)^T Xd, and dXd/dX = m / (1 - p) elementwise.

    Precision: the base runs in `base_dtype`, the adapter in `lora_dtype` (both the autocast dtype
    under autocast; else the input's dtype and fp32, as LoRALinear's unfused path); the gradients of
    A and B are returned in their own dtype (fp32).
    """

    @staticmethod
    def forward(ctx, x, lora_a, lora_b, bias, module: "LoRALinear", scaling: float, p: float,
                base_dtype: torch.dtype, lora_dtype: torch.dtype):
        a, b = module.cast_adapter(lora_dtype)  # (r, in), (out, r): cached casts, no copy per call
        with torch.autocast(x.device.type, enabled=False):
            w = _frozen_weight(module.base_layer, base_dtype)  # (out, in), freed when this returns
            y = F.linear(x.to(base_dtype), w, None if bias is None else bias.to(base_dtype))  # (..., out)
            del w
            xl = x.to(lora_dtype)  # (..., in)
            mask = None
            if p > 0:
                xl, mask = torch.native_dropout(xl, p, True)  # (..., in), bool mask
            hs = F.linear(xl, a) * scaling  # (..., r)
            del xl
            if y.dtype == lora_dtype:
                y.view(-1, y.shape[-1]).addmm_(hs.view(-1, hs.shape[-1]), b.T)  # y += Hs B^T, one launch
            else:
                y = y + F.linear(hs, b).to(y.dtype)
        ctx.module, ctx.scaling, ctx.p = module, scaling, p
        ctx.base_dtype, ctx.lora_dtype = base_dtype, lora_dtype
        ctx.save_for_backward(x, mask, hs, lora_a, lora_b)
        return y

    @staticmethod
    def backward(ctx, grad_y):
        x, mask, hs, lora_a, lora_b = ctx.saved_tensors
        ldt = ctx.lora_dtype
        a, b = ctx.module.cast_adapter(ldt)
        # The dropout scale 1/(1-p) is folded into s at rank r: drop(X) = (X * m) / (1 - p).
        s = ctx.scaling / (1.0 - ctx.p)
        need_x, need_a, need_b = ctx.needs_input_grad[:3]
        r, n_out, n_in = hs.shape[-1], grad_y.shape[-1], x.shape[-1]
        g = grad_y.reshape(-1, n_out).to(ldt)  # (N, out)
        grad_x = grad_a = grad_b = None
        if need_b:
            grad_b = (g.T @ hs.reshape(-1, r)).to(lora_b.dtype)  # (out, r)
        if need_a or need_x:
            gs = (g @ b) * s  # (N, r)
        if need_a:
            xm = x.reshape(-1, n_in).to(ldt)  # (N, in)
            if mask is not None:
                xm = xm * mask.reshape(-1, n_in)
            grad_a = (gs.T @ xm).to(lora_a.dtype)  # (r, in)
            del xm
        if need_x:
            w = _frozen_weight(ctx.module.base_layer, ctx.base_dtype)  # (out, in); its temporaries go first
            grad_x = gs @ a  # (N, in): the adapter's term first, so one (N, in) buffer holds the sum
            if mask is not None:
                grad_x.mul_(mask.reshape(-1, n_in))  # * m  (the 1/(1-p) is in s)
            g_base = grad_y.reshape(-1, n_out).to(ctx.base_dtype)
            if grad_x.dtype == w.dtype:
                grad_x.addmm_(g_base, w)  # + G W, in place: no second (N, in) buffer
            else:
                grad_x = (g_base @ w).add_(grad_x.to(w.dtype))
            del w
            grad_x = grad_x.reshape(x.shape).to(x.dtype)
        return grad_x, grad_a, grad_b, None, None, None, None, None, None
