"""The gated delta rule (Gated DeltaNet, https://arxiv.org/abs/2412.06464), written twice: a chunked
form for training and prefill, a recurrent form for decoding. Same signature, same results; each is
the other's test oracle (tests/models/test_delta_rule.py checks both against transformers' torch
fallbacks too). Plus the causal depthwise conv1d that feeds it, with its decoding state.

Per head, with a state S (dk, dv), decay a_t = exp(g_t) (g <= 0), write strength beta_t in (0, 1),
unit-norm key k_t, query q_t, value v_t:

    S_t = a_t S_{t-1} + k_t w_t^T,    w_t = beta_t (v_t - a_t S_{t-1}^T k_t)     (write what S mispredicts)
    o_t = scale * S_t^T q_t                                                       (scale = dk^-1/2)

`recurrent_gated_delta_rule` runs this loop, one token at a time (what decoding needs: T = 1).

`chunked_gated_delta_rule` does C tokens at once. Inside a chunk, with S_0 the state before it,
gamma_i = g_1 + ... + g_i and G_i = exp(gamma_i), unrolling the loop gives

    S_i = G_i S_0 + sum_{j<=i} (G_i / G_j) k_j w_j^T
    w_i + beta_i sum_{j<i} (G_i / G_j) (k_i . k_j) w_j = beta_i v_i - beta_i G_i S_0^T k_i

so W (C, dv) solves a unit lower-triangular system:  (I + A) W = beta V - (beta G K) S_0  with
A_ij = beta_i (G_i / G_j) (k_i . k_j) for j < i. One triangular solve per chunk gives
U = (I + A)^-1 beta V and Kd = (I + A)^-1 beta G K, both independent of S_0, for all chunks at
once; then a loop over chunks (T / C steps, not T):

    W   = U - Kd S_0
    O   = scale * ((G q) S_0 + (Q K^T * D) W)       D_ij = G_i / G_j for j <= i, else 0
    S_C = G_C S_0 + (K * G_C / G)^T W

Every ratio G_i / G_j is computed as exp(gamma_i - gamma_j) with j <= i (at most 1: no overflow).
Both forms compute in fp32 and return the output in the input dtype and the final state in fp32.

Shapes: q, k (B, T, H, dk); v (B, T, H, dv); g, beta (B, T, H); state (B, H, dk, dv). The heads
of q and k are already repeated to the value heads, and q, k already L2-normalised (the caller,
models/qwen3_5.py, does both).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

CHUNK = 64


def _heads_first(*xs):
    """(B, T, H, ...) -> (B, H, T, ...) in fp32."""
    return [x.transpose(1, 2).float() for x in xs]


def recurrent_gated_delta_rule(q, k, v, g, beta, *, initial_state=None, chunk_size: int = CHUNK):
    """The gated delta rule, one token at a time. Returns (o (B, T, H, dv), final state (B, H, dk, dv) fp32).
    (chunk_size is ignored: the argument keeps the twins' signatures equal.)"""
    dtype = q.dtype
    q, k, v, g, beta = _heads_first(q, k, v, g, beta)  # (B, H, T, d), (B, H, T)
    B, H, T, dk = k.shape
    scale = dk ** -0.5
    S = (torch.zeros(B, H, dk, v.shape[-1], device=q.device) if initial_state is None
         else initial_state.float())  # (B, H, dk, dv)
    out = []
    for t in range(T):
        kt, vt = k[:, :, t], v[:, :, t]  # (B, H, dk), (B, H, dv)
        S = S * g[:, :, t].exp()[..., None, None]  # decay
        w = beta[:, :, t, None] * (vt - torch.einsum("bhkv,bhk->bhv", S, kt))  # what S mispredicts
        S = S + kt[..., None] * w[..., None, :]
        out.append(scale * torch.einsum("bhkv,bhk->bhv", S, q[:, :, t]))
    o = torch.stack(out, 2) if out else v.new_zeros(v.shape)
    return o.transpose(1, 2).to(dtype), S


def chunked_gated_delta_rule(q, k, v, g, beta, *, initial_state=None, chunk_size: int = CHUNK):
    """The gated delta rule, C = chunk_size tokens at a time (see the module docstring).
    Returns (o (B, T, H, dv), final state (B, H, dk, dv) fp32)."""
    dtype = q.dtype
    q, k, v, g, beta = _heads_first(q, k, v, g, beta)
    B, H, T, dk = k.shape
    dv, C = v.shape[-1], chunk_size
    scale = dk ** -0.5
    pad = -T % C  # zero tokens at the end: beta = 0 writes nothing, g = 0 decays nothing
    if pad:
        q, k, v = (F.pad(x, (0, 0, 0, pad)) for x in (q, k, v))
        g, beta = (F.pad(x, (0, pad)) for x in (g, beta))
    N = (T + pad) // C
    q, k, v = (x.reshape(B, H, N, C, x.shape[-1]) for x in (q, k, v))  # (B, H, N, C, d)
    g, beta = g.reshape(B, H, N, C), beta.reshape(B, H, N, C)

    gamma = g.cumsum(-1)  # (B, H, N, C) log decay since the chunk start
    lower = torch.ones(C, C, dtype=torch.bool, device=q.device).tril()  # j <= i
    ratio = (gamma[..., :, None] - gamma[..., None, :]).masked_fill(~lower, float("-inf")).exp()  # D: G_i / G_j
    kb = k * beta[..., None]
    A = (kb @ k.transpose(-1, -2)) * ratio  # beta_i (k_i . k_j) G_i / G_j; only its strict lower part is used
    rhs = torch.cat([v * beta[..., None], kb * gamma.exp()[..., None]], -1)  # (B, H, N, C, dv + dk)
    solved = torch.linalg.solve_triangular(A, rhs, upper=False, unitriangular=True)
    U, Kd = solved[..., :dv], solved[..., dv:]  # (I + A)^-1 beta V, (I + A)^-1 beta G K
    attn = (q @ k.transpose(-1, -2)) * ratio  # (B, H, N, C, C): q_i . k_j G_i / G_j, j <= i
    q_decayed = q * gamma.exp()[..., None]  # G_i q_i
    k_to_end = k * (gamma[..., -1:] - gamma).exp()[..., None]  # k_j G_C / G_j

    S = (torch.zeros(B, H, dk, dv, device=q.device) if initial_state is None else initial_state.float())
    out = []
    for n in range(N):  # the state crosses chunks one at a time
        W = U[:, :, n] - Kd[:, :, n] @ S  # (B, H, C, dv)
        out.append(scale * (q_decayed[:, :, n] @ S + attn[:, :, n] @ W))
        S = S * gamma[:, :, n, -1].exp()[..., None, None] + k_to_end[:, :, n].transpose(-1, -2) @ W
    o = torch.stack(out, 2).reshape(B, H, N * C, dv)[:, :, :T]
    return o.transpose(1, 2).to(dtype), S


def causal_conv1d(x: torch.Tensor, weight: torch.Tensor, state: torch.Tensor | None = None):
    """Depthwise causal conv over time, then SiLU: x (B, C, T), weight (C, K) -> (y (B, C, T), new state).

    state (B, C, K-1): the K-1 inputs before x (zeros at the start of a sequence); the new state is
    the last K-1 inputs of state + x, what the next call needs."""
    K = weight.shape[-1]
    before = x.new_zeros(x.shape[0], x.shape[1], K - 1) if state is None else state.to(x.dtype)
    full = torch.cat([before, x], -1)  # (B, C, K-1 + T)
    y = F.conv1d(full.to(weight.dtype), weight[:, None, :], groups=x.shape[1])  # (B, C, T)
    return F.silu(y).to(x.dtype), full[:, :, -(K - 1):]
