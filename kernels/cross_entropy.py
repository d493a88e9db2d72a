"""Cross-entropy over one chunk of logits, the two steps engine/loss.py runs per chunk: a torch twin
and a Triton kernel for each (forward: logsumexp and the target's logit; backward: the gradient).

For one row z (V,) with target y and incoming scale g (the gradient of the summed loss):

    lse      = log(sum_j exp(z_j))            computed as m + log(sum_j exp(z_j - m)), m = max z
    loss     = lse - z_y
    dloss/dz = g * (exp(z - lse) - onehot(y))

Triton: one program per row walks the row in blocks of BLOCK columns. Forward keeps a running max
m and a running sum s of exp(z - m) (the online softmax normaliser: when a block raises the max to
m', s becomes s * exp(m - m') + sum(exp(z_block - m'))), so the row is read once and nothing but
two fp32 numbers per row is written. Backward reads z once more and writes the gradient over it,
in z's dtype: no fp32 copy of the chunk is ever made (the torch twin needs one: one fp32 chunk
beside the 16-bit logits). Accumulation is in fp32 (fp64 rows take the torch twin).

Tests: tests/kernels/test_cross_entropy_triton.py (under TRITON_INTERPRET=1 on CPU, and on CUDA when present).
"""

from __future__ import annotations

import torch


def ce_chunk_forward_torch(z: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(logsumexp (n,), z[target] (n,)) of logits z (n, V), in fp32 (fp64 for fp64 z). May overwrite z."""
    acc = torch.promote_types(z.dtype, torch.float32)
    picked = z.gather(1, targets[:, None]).squeeze(1).to(acc)  # (n,)
    z = z.to(acc)  # z itself when already fp32: changed in place below
    m = z.amax(dim=-1, keepdim=True)  # (n, 1)
    m = torch.where(m.isinf(), 0.0, m)  # as torch.logsumexp: an infinite max is not subtracted
    lse = z.sub_(m).exp_().sum(dim=-1).log_().add_(m.squeeze(1))
    return lse, picked


def ce_chunk_backward_torch(z: torch.Tensor, targets: torch.Tensor, lse: torch.Tensor,
                            grad_out: torch.Tensor) -> torch.Tensor:
    """grad_out * (softmax(z) - onehot(targets)) (n, V) in z's dtype, written over z (returned)."""
    g = z.to(lse.dtype)  # (n, V) fp32: z itself when z is fp32
    g.sub_(lse[:, None]).exp_()
    g[torch.arange(g.shape[0], device=g.device), targets] -= 1.0
    g.mul_(grad_out)
    return g if g is z else z.copy_(g)


try:
    import triton
    import triton.language as tl
except ImportError:  # the torch twins above are the whole module then
    triton = None

if triton is not None:

    @triton.jit
    def _ce_fwd_kernel(z_ptr, t_ptr, lse_ptr, picked_ptr, V, stride, BLOCK: tl.constexpr):
        row = tl.program_id(0).to(tl.int64)
        base = z_ptr + row * stride
        m = float("-inf")
        s = 0.0
        for start in range(0, V, BLOCK):
            cols = start + tl.arange(0, BLOCK)
            x = tl.load(base + cols, mask=cols < V, other=float("-inf")).to(tl.float32)
            m_new = tl.maximum(m, tl.max(x, 0))
            s = s * tl.exp(m - m_new) + tl.sum(tl.exp(x - m_new), 0)
            m = m_new
        tl.store(lse_ptr + row, m + tl.log(s))
        t = tl.load(t_ptr + row)
        tl.store(picked_ptr + row, tl.load(base + t).to(tl.float32))

    @triton.jit
    def _ce_bwd_kernel(z_ptr, t_ptr, lse_ptr, scale_ptr, V, stride, BLOCK: tl.constexpr):
        row = tl.program_id(0).to(tl.int64)
        base = z_ptr + row * stride
        lse = tl.load(lse_ptr + row)
        t = tl.load(t_ptr + row)
        scale = tl.load(scale_ptr).to(tl.float32)
        for start in range(0, V, BLOCK):
            cols = start + tl.arange(0, BLOCK)
            ok = cols < V
            x = tl.load(base + cols, mask=ok, other=0.0).to(tl.float32)
            g = tl.exp(x - lse)
            g = tl.where(cols == t, g - 1.0, g) * scale
            tl.store(base + cols, g.to(z_ptr.dtype.element_ty), mask=ok)


_BLOCK = 1024  # columns per step of a row's walk
_TRITON_DTYPES = (torch.float32, torch.bfloat16, torch.float16)


def _check(z: torch.Tensor, where: str):
    if z.dtype not in _TRITON_DTYPES or z.dim() != 2 or z.stride(1) != 1:
        raise ValueError(f"{where}: logits must be a 2-D row-major float32/bfloat16/float16 tensor, "
                         f"got {z.dtype} {tuple(z.shape)} strides {z.stride()}")


def ce_chunk_forward_triton(z: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Twin of ce_chunk_forward_torch in one launch; leaves z unchanged."""
    _check(z, "ce_chunk_forward_triton")
    n, V = z.shape
    lse = torch.empty(n, dtype=torch.float32, device=z.device)
    picked = torch.empty(n, dtype=torch.float32, device=z.device)
    if n:
        _ce_fwd_kernel[(n,)](z, targets, lse, picked, V, z.stride(0), BLOCK=min(_BLOCK, triton.next_power_of_2(V)))
    return lse, picked


def ce_chunk_backward_triton(z: torch.Tensor, targets: torch.Tensor, lse: torch.Tensor,
                             grad_out: torch.Tensor) -> torch.Tensor:
    """Twin of ce_chunk_backward_torch in one launch: the gradient written over z (returned)."""
    _check(z, "ce_chunk_backward_triton")
    n, V = z.shape
    if n:
        scale = grad_out.reshape(1).to(device=z.device, dtype=torch.float32)  # read on the device: no sync
        _ce_bwd_kernel[(n,)](z, targets, lse.to(torch.float32), scale, V, z.stride(0),
                             BLOCK=min(_BLOCK, triton.next_power_of_2(V)))
    return z
