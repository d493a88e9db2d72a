"""Parity of our qwen2 / qwen3 / llama modules with transformers, loaded through load_model."""

import pytest
import torch

from models import KVCache, load_model
from tests.tiny_models import FAMILIES, VOCAB, save_tiny

LLAMA3_SCALING = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                  "original_max_position_embeddings": 32}


CASES = [("qwen2", {}), ("qwen2", {"tied": True}), ("qwen3", {}), ("qwen3", {"tied": True}), ("llama", {}),
         ("llama", {"tied": True, "attention_bias": True}), ("llama", {"rope_scaling": LLAMA3_SCALING}),
         ("llama", {"rope_scaling": {"rope_type": "linear", "factor": 4.0}})]


def _ids(B=2, T=40, seed=1):
    return torch.randint(3, VOCAB, (B, T), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("family,kw", CASES, ids=[f"{f}-{'-'.join(k) or 'plain'}" for f, k in CASES])
def test_logits_match_transformers_fp32(tmp_path, family, kw):
    path, ref = save_tiny(family, tmp_path, **kw)
    model = load_model(path, dtype=torch.float32)
    ids = _ids(T=200 if "rope_scaling" in kw else 40)  # long enough for rope scaling to matter
    with torch.no_grad():
        ours, theirs = model(ids), ref(ids).logits
    torch.testing.assert_close(ours, theirs, atol=2e-5, rtol=1e-5)
    if kw.get("tied"):
        assert model.lm_head.weight is model.model.embed_tokens.weight


@pytest.mark.parametrize("family", FAMILIES)
def test_left_padded_batch_matches_transformers_and_unpadded(tmp_path, family):
    path, ref = save_tiny(family, tmp_path)
    model = load_model(path, dtype=torch.float32)
    ids = _ids(B=3, T=24)
    mask = torch.ones_like(ids)
    mask[1, :5] = 0  # left padding
    mask[2, :17] = 0
    ids = ids.masked_fill(mask == 0, 0)
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    with torch.no_grad():
        ours = model(ids, mask)
        theirs = ref(ids, attention_mask=mask, position_ids=positions).logits
        real = mask.bool()
        torch.testing.assert_close(ours[real], theirs[real], atol=2e-5, rtol=1e-5)
        assert torch.isfinite(ours).all()  # padding rows too
        for b in range(3):  # each row equals the row alone, unpadded
            alone = model(ids[b:b + 1, real[b]])
            torch.testing.assert_close(ours[b:b + 1, real[b]], alone, atol=2e-5, rtol=1e-5)


@pytest.mark.parametrize("family", FAMILIES)
def test_bf16_within_bf16_tolerance(tmp_path, family):
    path, ref = save_tiny(family, tmp_path)
    model = load_model(path)  # bf16 default
    assert model.model.embed_tokens.weight.dtype == torch.bfloat16
    ids = _ids()
    with torch.no_grad():
        ours = model(ids).float()
        theirs = ref.to(torch.bfloat16)(ids).logits.float()
        exact = ref.float()(ids).logits
    # Same bf16 arithmetic order as transformers: close to its bf16 result, and both near fp32.
    torch.testing.assert_close(ours, theirs, atol=2e-2, rtol=2e-2)
    assert (ours - exact).abs().max() < 0.1


def test_kv_cache_decoding_equals_full_forward(tmp_path):
    path, _ = save_tiny("qwen2", tmp_path)
    model = load_model(path, dtype=torch.float32)
    ids = _ids(B=2, T=20)
    mask = torch.ones_like(ids)
    mask[0, :4] = 0
    with torch.no_grad():
        full = model(ids, mask)
        cache = KVCache.empty(model.config, 2, 32, dtype=torch.float32, device="cpu")
        steps = [model(ids[:, :12], mask[:, :12], cache=cache, cache_pos=0)]
        for t in range(12, 20):
            steps.append(model(ids[:, t:t + 1], mask[:, :t + 1], cache=cache, cache_pos=t))
    torch.testing.assert_close(torch.cat(steps, 1)[mask.bool()], full[mask.bool()], atol=2e-5, rtol=1e-5)


def test_gradient_checkpointing_gives_same_gradients(tmp_path):
    path, _ = save_tiny("llama", tmp_path)
    grads = []
    for ckpt in (False, True):
        model = load_model(path, dtype=torch.float32).train()
        model.gradient_checkpointing = ckpt
        model(_ids()).logsumexp(-1).mean().backward()
        grads.append({n: p.grad for n, p in model.named_parameters()})
    for n in grads[0]:
        torch.testing.assert_close(grads[0][n], grads[1][n], atol=1e-6, rtol=1e-5)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_runs_on_cuda(tmp_path):
    path, ref = save_tiny("qwen2", tmp_path)
    model = load_model(path, dtype=torch.float32, device="cuda")
    with torch.no_grad():
        torch.testing.assert_close(model(_ids().cuda()).cpu(), ref(_ids()).logits, atol=1e-4, rtol=1e-4)
