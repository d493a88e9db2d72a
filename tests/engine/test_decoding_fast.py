"""The fast decode path (engine.decoding.StaticDecoder) against the reference loop.

The reference is `generate_ids(..., fast=False)`, itself tested against uncached decoding and
transformers' generate in tests/engine/test_decoding.py. Here: the static-shape forward (a tensor
cache position, attention over every cache slot) equals the sliced one; the fast path picks the
same tokens, token for token, greedy and sampled, on dense, NF4 and LoRA (unmerged and merged)
tiny models; on CUDA the captured graph does too (skipped without CUDA).
"""

import copy

import pytest
import torch

from engine.decoding import generate_ids, use_fast_path
from engine.sampling import SamplingSettings, choose_tokens
from engine.static_decode import StaticDecoder
from engine.lora import apply_lora, lora_modules
from engine.merge import merge_lora
from models import load_model
from models.transformer import KVCache
from tests.tiny_models import FAMILIES, VOCAB, save_tiny


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def paths(tmp_path_factory):
    return {f: save_tiny(f, tmp_path_factory.mktemp(f))[0] for f in FAMILIES}


@pytest.fixture(scope="module")
def dense(paths):
    return {f: load_model(p, dtype=torch.float32) for f, p in paths.items()}


def prompts(lengths=(7, 3, 12), seed=1):
    g = torch.Generator().manual_seed(seed)
    return [torch.randint(3, VOCAB, (n,), generator=g).tolist() for n in lengths]


def both(model, ps, **kw):
    """(reference, fast) completions for the same call."""
    return generate_ids(model, ps, fast=False, **kw), generate_ids(model, ps, fast=True, **kw)


def with_lora(model, seed=0):
    """A copy of `model` with LoRA on every linear and a non-zero update (B random, not zeros)."""
    model = copy.deepcopy(model)
    apply_lora(model, r=4, alpha=8, dropout=0.0)
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in lora_modules(model).values():
            m.lora_B.weight.copy_(torch.randn(m.lora_B.weight.shape, generator=g) * 0.2)
    return model.eval()


# ----------------------------------------------------------------------------- the static forward


def test_tensor_cache_pos_equals_int_cache_pos(dense):
    """Decoding with a tensor cache_pos over the whole static cache == the sliced int path."""
    model = dense["qwen2"]
    torch.manual_seed(0)
    ids = torch.randint(3, VOCAB, (2, 14))
    mask = torch.ones_like(ids)
    mask[0, :3] = 0  # left padding
    L = 20
    with torch.no_grad():
        outs = []
        for static in (False, True):
            cache = KVCache.empty(model.config, 2, L, dtype=torch.float32, device="cpu")
            full_mask = torch.zeros(2, L, dtype=torch.long)
            full_mask[:, :14] = mask
            steps = [model(ids[:, :9], mask[:, :9], cache=cache, cache_pos=0)]
            for t in range(9, 14):
                if static:
                    steps.append(model(ids[:, t:t + 1], full_mask, cache=cache, cache_pos=torch.tensor([t])))
                else:
                    steps.append(model(ids[:, t:t + 1], mask[:, :t + 1], cache=cache, cache_pos=t))
            outs.append(torch.cat(steps, 1))
    torch.testing.assert_close(outs[1][mask.bool()], outs[0][mask.bool()], atol=1e-5, rtol=1e-5)


# ----------------------------------------------------------------------------- token-for-token parity


@pytest.mark.parametrize("family", FAMILIES)
def test_fast_greedy_equals_reference(dense, family):
    ref, fast = both(dense[family], prompts(), max_new_tokens=16)
    assert fast == ref


def test_fast_greedy_with_stops_and_batches_equals_reference(dense):
    """Rows that finish early (stop ids) go inactive in the static buffers; batches of 2."""
    model = dense["llama"]
    ps = prompts((5, 9, 2, 11, 4))
    free = generate_ids(model, ps, max_new_tokens=12, fast=False)
    stops = (free[0][0].token_ids[3], free[2][0].token_ids[6])  # ends row 0 at its 4th token, row 2 by its 7th
    ref, fast = both(model, ps, max_new_tokens=12, stop_token_ids=stops, batch_size=2)
    assert fast == ref
    assert any(c.finish_reason == "stop_token" for (c,) in fast)


def test_fast_stop_check_equals_reference(dense):
    model = dense["qwen3"]
    check = lambda ids: len(ids) >= 3 and ids[-1] % 7 == 0  # noqa: E731  (stands in for stop strings)
    ref, fast = both(model, prompts(), max_new_tokens=14, stop_check=check)
    assert fast == ref


def test_fast_sampling_equals_reference(dense):
    """Same seeds, same uniforms (drawn up front), same filters: the same samples."""
    model = dense["qwen2"]
    for kw in (dict(temperature=0.8, top_k=20, top_p=0.9, num_samples=3, seed=5),
               dict(temperature=1.3, num_samples=2, seed=1, repetition_penalty=1.2),
               dict(repetition_penalty=1.5)):  # greedy with the penalty
        ref, fast = both(model, prompts(), max_new_tokens=12, **kw)
        assert fast == ref, kw


def test_fast_nf4_model_equals_reference(paths):
    model = load_model(paths["qwen2"], dtype=torch.float32, quantize="nf4")
    ref, fast = both(model, prompts(), max_new_tokens=16, repetition_penalty=1.1)
    assert fast == ref


def test_fast_lora_unmerged_and_merged_equal_reference(paths):
    """QLoRA for eval: the adapter runs unmerged on the 4-bit base; and the dense merged copy."""
    base = load_model(paths["llama"], dtype=torch.float32, quantize="nf4")
    lora = with_lora(base)
    ps = prompts()
    ref, fast = both(lora, ps, max_new_tokens=14)
    assert fast == ref
    assert fast != generate_ids(base, ps, max_new_tokens=14, fast=True)  # the adapter did something
    merged = merge_lora(lora)
    ref_m, fast_m = both(merged, ps, max_new_tokens=14)
    assert fast_m == ref_m


# ----------------------------------------------------------------------------- pieces


def test_choose_tokens_greedy_and_sampled():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(4, 33, generator=g)
    assert torch.equal(choose_tokens(logits, SamplingSettings(), None, None), logits.argmax(-1))
    # A uniform just below 1 lands in the last token kept by top-k = 2 (the second largest or largest).
    s = SamplingSettings(temperature=1.0, top_k=2)
    got = choose_tokens(logits, s, None, torch.full((4,), 0.999999))
    top2 = logits.topk(2, -1).indices
    assert all(int(t) in top2[r].tolist() for r, t in enumerate(got))


def test_fast_switch(dense):
    model = dense["qwen2"]
    assert use_fast_path(model, None) is False  # CPU: the reference unless forced
    assert use_fast_path(model, True) is True
    with pytest.raises(ValueError, match="fast='yes'"):
        generate_ids(model, [[5]], fast="yes")
    with pytest.raises(ValueError, match="cuda_graph=True needs the fast path"):
        generate_ids(model, [[5]], fast=False, cuda_graph=True)
    with pytest.raises(ValueError, match="CUDA graph capture needs a CUDA model"):
        generate_ids(model, [[5]], fast=True, cuda_graph=True)
    cache = KVCache.empty(model.config, 1, 4, dtype=torch.float32, device="cpu")
    with pytest.raises(ValueError, match="CUDA graph capture needs a CUDA model"):
        StaticDecoder(model, cache, torch.ones(1, 4, dtype=torch.long), None, None, 2, SamplingSettings(), 0,
                      graph=True)


# ----------------------------------------------------------------------------- CUDA: the captured graph

cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


@cuda
@pytest.mark.gpu
@pytest.mark.parametrize("quantize", [None, "nf4"])
def test_cuda_graph_equals_reference(paths, quantize):
    model = load_model(paths["qwen2"], dtype=torch.float32, device="cuda", quantize=quantize)
    ps = prompts((5, 9, 2, 11))
    for kw in (dict(), dict(temperature=0.9, top_p=0.9, num_samples=2, seed=2, repetition_penalty=1.1)):
        ref = generate_ids(model, ps, max_new_tokens=16, fast=False, **kw)
        assert generate_ids(model, ps, max_new_tokens=16, **kw) == ref  # fast=None: the graph on CUDA


@cuda
@pytest.mark.gpu
def test_cuda_graph_lora_unmerged_bf16(paths):
    """bf16 NF4 + unmerged LoRA: graph replay == the same static step run eagerly (same kernels)."""
    base = load_model(paths["llama"], dtype=torch.bfloat16, device="cuda", quantize="nf4")
    lora = with_lora(base.cpu()).cuda()
    ps = prompts()
    for kw in (dict(), dict(temperature=0.7, top_k=50, num_samples=2, seed=9)):
        eager = generate_ids(lora, ps, max_new_tokens=16, fast=True, cuda_graph=False, **kw)
        assert generate_ids(lora, ps, max_new_tokens=16, fast=True, cuda_graph=True, **kw) == eager
