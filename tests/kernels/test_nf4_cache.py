"""The dense inference cache of NF4Linear (CPU decoding): identical outputs, never used while
gradients are recorded, dropped by train() and by moves, built by generate() on the torch backend."""

import importlib

import torch

from engine import apply_lora, generate_ids
from kernels.nf4_linear import NF4Linear, cache_dense_weights, drop_dense_weights
from models import load_model
from tests.tiny_models import save_tiny


def _nf4_model(tmp_path):
    path, _ = save_tiny("qwen2", tmp_path)
    return load_model(path, dtype=torch.float32, quantize="nf4")


def _layers(model):
    return [m for m in model.modules() if isinstance(m, NF4Linear)]


def test_cached_forward_is_bit_identical(tmp_path, one_thread):
    model = _nf4_model(tmp_path)
    ids = torch.randint(3, 200, (2, 17), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        plain = model(ids)
        used = cache_dense_weights(model, torch.float32)
        assert used == sum(m.in_features * m.out_features * 4 for m in _layers(model))
        assert all(m._dense is not None for m in _layers(model))
        cached = model(ids)
    assert torch.equal(plain, cached)


def test_cache_not_used_with_gradients_and_dropped_by_train(tmp_path, one_thread):
    model = _nf4_model(tmp_path)
    apply_lora(model, r=4, alpha=8, dropout=0.0)
    cache_dense_weights(model, torch.float32)
    layer = _layers(model)[0]
    layer._dense.fill_(float("nan"))  # a stale cache would poison any forward that used it
    x = torch.randn(3, layer.in_features, requires_grad=True)
    y = layer(x)  # gradients recorded: the packed weight, not the cache
    assert torch.isfinite(y).all()
    y.sum().backward()
    assert torch.isfinite(x.grad).all()
    model.train()
    assert all(m._dense is None for m in _layers(model))
    cache_dense_weights(model, torch.float32)
    model.to(torch.float32)  # any move drops it too
    assert all(m._dense is None for m in _layers(model))
    cache_dense_weights(model, torch.float32)
    drop_dense_weights(model)
    assert all(m._dense is None for m in _layers(model))


def test_over_budget_builds_nothing(tmp_path):
    model = _nf4_model(tmp_path)
    assert cache_dense_weights(model, torch.float32, max_bytes=10) == 0
    assert all(m._dense is None for m in _layers(model))


def test_generate_on_cpu_builds_it_and_decodes_the_same_tokens(tmp_path, one_thread, monkeypatch):
    model = _nf4_model(tmp_path)
    prompts = [[5, 6, 7, 8], [9, 10]]
    assert all(m._dense is None for m in _layers(model))
    # Reference: the per-call dequantization path (cache disabled by a zero budget).
    gen = importlib.import_module(generate_ids.__module__)
    with monkeypatch.context() as m:
        m.setattr(gen, "_available_memory", lambda: 0)
        plain = generate_ids(model, prompts, max_new_tokens=12)
        assert all(layer._dense is None for layer in _layers(model))
    cached = generate_ids(model, prompts, max_new_tokens=12)
    assert all(m._dense is not None for m in _layers(model))
    assert [c[0].token_ids for c in plain] == [c[0].token_ids for c in cached]
