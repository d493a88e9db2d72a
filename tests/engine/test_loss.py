"""The chunked, supervised-only cross-entropy equals plain F.cross_entropy on full logits: value and gradients."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from engine.loss import IGNORE_INDEX, chunked_cross_entropy, count_supervised, loss_sum_on, shift_and_gather
from models import load_model
from tests.tiny_models import VOCAB, save_tiny


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def tiny_path(tmp_path_factory):
    path, _ = save_tiny("qwen2", tmp_path_factory.mktemp("tiny"))
    return path


def _rows(N=37, H=24, V=VOCAB, dtype=torch.float64, seed=0):
    g = torch.Generator().manual_seed(seed)
    rows = torch.randn(N, H, generator=g, dtype=dtype, requires_grad=True)
    head = nn.Linear(H, V, bias=False).to(dtype)
    with torch.no_grad():
        head.weight.copy_(torch.randn(V, H, generator=g, dtype=dtype))
    targets = torch.randint(0, V, (N,), generator=g)
    return rows, head, targets


@pytest.mark.parametrize("chunk", [1, 5, 16, 37, 1000])
def test_chunked_ce_equals_full_ce_value_and_grads(chunk):
    rows, head, targets = _rows()
    ref = F.cross_entropy(rows @ head.weight.T, targets, reduction="sum")
    g_rows, g_w = torch.autograd.grad(ref, (rows, head.weight))
    ours = chunked_cross_entropy(rows, targets, head, chunk_size=chunk)
    o_rows, o_w = torch.autograd.grad(ours, (rows, head.weight))
    torch.testing.assert_close(ours, ref, rtol=1e-10, atol=1e-10)
    torch.testing.assert_close(o_rows, g_rows, rtol=1e-10, atol=1e-10)
    torch.testing.assert_close(o_w, g_w, rtol=1e-10, atol=1e-10)


def test_frozen_head_gets_no_gradient_and_generic_head_path_matches():
    rows, head, targets = _rows(dtype=torch.float32)
    head.weight.requires_grad_(False)
    ref = F.cross_entropy(head(rows), targets, reduction="sum")
    (g_ref,) = torch.autograd.grad(ref, rows)
    ours = chunked_cross_entropy(rows, targets, head, chunk_size=8)
    ours.backward()
    assert head.weight.grad is None
    torch.testing.assert_close(rows.grad, g_ref, rtol=1e-5, atol=1e-6)
    # A head that is not a plain Linear (here: with a bias) takes the checkpoint-per-chunk path.
    biased = nn.Linear(rows.shape[1], VOCAB)
    ref = F.cross_entropy(biased(rows), targets, reduction="sum")
    g_ref = torch.autograd.grad(ref, (rows, biased.weight, biased.bias))
    ours = chunked_cross_entropy(rows, targets, biased, chunk_size=8)
    g_ours = torch.autograd.grad(ours, (rows, biased.weight, biased.bias))
    torch.testing.assert_close(ours, ref, rtol=1e-5, atol=1e-4)
    for a, b in zip(g_ours, g_ref):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)


def test_shift_gather_and_bad_labels():
    hidden = torch.arange(2 * 5 * 3, dtype=torch.float32).view(2, 5, 3)
    labels = torch.tensor([[IGNORE_INDEX, IGNORE_INDEX, 7, 8, IGNORE_INDEX],
                           [IGNORE_INDEX, 4, IGNORE_INDEX, IGNORE_INDEX, 9]])
    rows, targets = shift_and_gather(hidden, labels)
    assert targets.tolist() == [7, 8, 4, 9]  # token t+1 is predicted from position t
    torch.testing.assert_close(rows, torch.stack([hidden[0, 1], hidden[0, 2], hidden[1, 0], hidden[1, 3]]))
    assert count_supervised(labels) == 4
    _, head, _ = _rows(N=1, H=3, dtype=torch.float32)
    with pytest.raises(ValueError, match="outside the vocabulary"):
        chunked_cross_entropy(rows, torch.tensor([1, 2, VOCAB, 3]), head)
    empty = chunked_cross_entropy(rows[:0], targets[:0], head)
    assert float(empty) == 0.0


def _batch(B=3, T=29, seed=3):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(3, VOCAB, (B, T), generator=g)
    labels = ids.clone()
    labels[:, :11] = IGNORE_INDEX  # the prompt
    labels[1, 20:] = IGNORE_INDEX  # right padding of a shorter row
    return ids, labels


@pytest.mark.parametrize("tied", [False, True])
def test_loss_on_model_equals_plain_ce_on_full_logits(tmp_path, tied):
    path, _ = save_tiny("llama", tmp_path, tied=tied)
    model = load_model(path, dtype=torch.float32).train()
    ids, labels = _batch()
    logits = model(ids)  # (B, T, V)
    ref = F.cross_entropy(logits[:, :-1].reshape(-1, VOCAB), labels[:, 1:].reshape(-1),
                          ignore_index=IGNORE_INDEX, reduction="sum")
    params = [p for p in model.parameters()]
    g_ref = torch.autograd.grad(ref, params)
    ours, n = loss_sum_on(model, ids, labels, chunk_size=7)
    g_ours = torch.autograd.grad(ours, params)
    assert n == count_supervised(labels)
    torch.testing.assert_close(ours, ref, rtol=1e-5, atol=1e-4)
    for (name, _), a, b in zip(model.named_parameters(), g_ours, g_ref):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6, msg=lambda m: f"{name}: {m}")


def test_no_full_logits_are_kept_for_backward(tiny_path):
    """Every tensor saved for backward is smaller than the (N, V) logits of the supervised rows alone."""
    model = load_model(tiny_path, dtype=torch.float32).train()
    ids, labels = _batch(B=4, T=64)
    n_sup = count_supervised(labels)
    sizes = []

    def pack(t):
        sizes.append(t.numel())
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        loss_sum_on(model, ids, labels, chunk_size=16)
    assert max(sizes) < n_sup * VOCAB, (max(sizes), n_sup * VOCAB)
    sizes.clear()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        logits = model(ids)  # the plain path keeps (B, T-1, V) logits (their log-softmax) for backward
        F.cross_entropy(logits[:, :-1].reshape(-1, VOCAB), labels[:, 1:].reshape(-1), ignore_index=IGNORE_INDEX)
    assert max(sizes) >= labels[:, 1:].numel() * VOCAB


def test_bf16_autocast_close_to_fp32(tiny_path):
    model = load_model(tiny_path, dtype=torch.float32).train()
    ids, labels = _batch()
    ref, n = loss_sum_on(model, ids, labels)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        low, n2 = loss_sum_on(model, ids, labels)
    assert low.dtype == torch.float32 and n == n2
    torch.testing.assert_close(low / n, ref / n, rtol=2e-2, atol=2e-2)
    low.backward()
    assert all(torch.isfinite(p.grad).all() for p in model.parameters() if p.grad is not None)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_peak_memory_stays_far_below_full_logits():
    N, H, V = 4096, 256, 32000  # full fp32 logits: 4096 * 32000 * 4 B = 500 MiB
    g = torch.Generator(device="cuda").manual_seed(0)
    rows = torch.randn(N, H, device="cuda", dtype=torch.bfloat16, generator=g, requires_grad=True)
    head = nn.Linear(H, V, bias=False, device="cuda", dtype=torch.bfloat16).requires_grad_(False)
    targets = torch.randint(0, V, (N,), device="cuda", generator=g)
    torch.cuda.synchronize()
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    chunked_cross_entropy(rows, targets, head, chunk_size=256).backward()
    torch.cuda.synchronize()
    peak = torch.cuda.max_memory_allocated() - base
    full_logits = N * V * 4
    assert peak < full_logits / 8, (peak / 2**20, full_logits / 2**20)
    ref_rows = rows.detach().clone().requires_grad_(True)
    ref = F.cross_entropy(head(ref_rows).float(), targets, reduction="sum")
    ref.backward()
    torch.testing.assert_close(rows.grad.float(), ref_rows.grad.float(), rtol=2e-2, atol=2e-2)
