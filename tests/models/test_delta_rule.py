"""The gated delta rule twins (models/delta_rule.py): chunked == recurrent, both == transformers' torch
fallbacks (torch_chunk_gated_delta_rule, torch_recurrent_gated_delta_rule), with and without an initial
state, lengths that are and aren't multiples of the chunk; gradients equal; the causal conv1d's state."""

import pytest
import torch
import torch.nn.functional as F

from models.delta_rule import causal_conv1d, chunked_gated_delta_rule, recurrent_gated_delta_rule


def _inputs(B=2, T=100, H=3, dk=16, dv=8, seed=0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    q = F.normalize(torch.randn(B, T, H, dk, generator=g), dim=-1)
    k = F.normalize(torch.randn(B, T, H, dk, generator=g), dim=-1)
    v = torch.randn(B, T, H, dv, generator=g)
    decay = -torch.rand(B, T, H, generator=g) * 0.7  # log decay <= 0
    beta = torch.rand(B, T, H, generator=g)
    state = torch.randn(B, H, dk, dv, generator=g) * 0.3
    return [x.to(dtype) for x in (q, k, v)] + [decay, beta.to(dtype), state]


@pytest.mark.parametrize("T,chunk", [(100, 64), (64, 64), (7, 64), (1, 64), (50, 16)])
@pytest.mark.parametrize("with_state", [False, True])
def test_twins_equal_each_other_and_transformers(T, chunk, with_state):
    from transformers.models.qwen3_5.modeling_qwen3_5 import (torch_chunk_gated_delta_rule,
                                                              torch_recurrent_gated_delta_rule)

    q, k, v, g, beta, s0 = _inputs(T=T)
    s0 = s0 if with_state else None
    o_c, s_c = chunked_gated_delta_rule(q, k, v, g, beta, initial_state=s0, chunk_size=chunk)
    o_r, s_r = recurrent_gated_delta_rule(q, k, v, g, beta, initial_state=s0)
    torch.testing.assert_close(o_c, o_r, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(s_c, s_r, atol=1e-5, rtol=1e-5)
    o_t, s_t = torch_chunk_gated_delta_rule(q, k, v, g, beta, chunk_size=chunk, initial_state=s0, output_final_state=True)
    torch.testing.assert_close(o_c, o_t, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(s_c, s_t, atol=1e-5, rtol=1e-5)
    o_t, s_t = torch_recurrent_gated_delta_rule(q, k, v, g, beta, initial_state=s0, output_final_state=True)
    torch.testing.assert_close(o_r, o_t, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(s_r, s_t, atol=1e-5, rtol=1e-5)


def test_splitting_the_sequence_carries_the_state():
    """Chunked prefill of 37 tokens, then 1-token recurrent steps = the whole sequence at once."""
    q, k, v, g, beta, _ = _inputs(T=45)
    whole, s_whole = chunked_gated_delta_rule(q, k, v, g, beta)
    part, s = chunked_gated_delta_rule(q[:, :37], k[:, :37], v[:, :37], g[:, :37], beta[:, :37])
    outs = [part]
    for t in range(37, 45):
        o, s = recurrent_gated_delta_rule(q[:, t:t + 1], k[:, t:t + 1], v[:, t:t + 1], g[:, t:t + 1],
                                          beta[:, t:t + 1], initial_state=s)
        outs.append(o)
    torch.testing.assert_close(torch.cat(outs, 1), whole, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(s, s_whole, atol=1e-5, rtol=1e-5)


def test_gradients_equal():
    q, k, v, g, beta, s0 = _inputs(T=40)
    grads = []
    for rule in (chunked_gated_delta_rule, recurrent_gated_delta_rule):
        xs = [t.clone().requires_grad_(True) for t in (q, k, v, g, beta, s0)]
        o, s = rule(*xs[:5], initial_state=xs[5], chunk_size=16)
        (o.square().sum() + s.sum()).backward()
        grads.append([x.grad for x in xs])
    for a, b in zip(*grads):
        torch.testing.assert_close(a, b, atol=1e-4, rtol=1e-4)


def test_bf16_inputs_give_bf16_outputs_and_fp32_state():
    q, k, v, g, beta, s0 = _inputs(T=30, dtype=torch.bfloat16)
    o, s = chunked_gated_delta_rule(q, k, v, g, beta, initial_state=s0)
    assert o.dtype == torch.bfloat16 and s.dtype == torch.float32
    exact, _ = chunked_gated_delta_rule(q.float(), k.float(), v.float(), g, beta.float(), initial_state=s0)
    torch.testing.assert_close(o.float(), exact, atol=2e-2, rtol=2e-2)


def test_causal_conv1d_state_continues_the_sequence():
    g = torch.Generator().manual_seed(0)
    x, w = torch.randn(2, 6, 20, generator=g), torch.randn(6, 4, generator=g)
    whole, last = causal_conv1d(x, w)
    ref = F.silu(F.conv1d(x, w[:, None], padding=3, groups=6)[..., :20])  # nn.Conv1d's causal use, as transformers'
    torch.testing.assert_close(whole, ref, atol=1e-6, rtol=1e-6)
    a, state = causal_conv1d(x[..., :13], w)
    steps = [a]
    for t in range(13, 20):
        y, state = causal_conv1d(x[..., t:t + 1], w, state)
        steps.append(y)
    torch.testing.assert_close(torch.cat(steps, -1), whole, atol=1e-6, rtol=1e-6)
    torch.testing.assert_close(state, last)
    assert state.shape == (2, 6, 3)
