"""Shared-prefix prefill (engine/prefix.py): the same cache, hidden states and tokens as prefilling
every prompt whole, for prompts that share a beginning the way one database's questions do."""

from __future__ import annotations

import json

import pytest
import torch

from engine.batches import collate, collate_shared
from engine.decoding import generate_ids
from engine.lora import apply_lora
from engine.loss import IGNORE_INDEX, count_supervised
from engine.prefix import batch_order, prefill_shared, shared_groups, shares_prefixes, worth_sharing
from engine.step import accumulate_gradients
from models import load_model
from tests.family_models import save_family
from tests.tiny_models import VOCAB, save_tiny

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    path, _ = save_tiny("qwen2", tmp_path_factory.mktemp("qwen2"))
    return load_model(path, dtype=torch.float32).eval()


def rand(n, g):
    return torch.randint(3, VOCAB, (n,), generator=g).tolist()


def schema_prompts(seed=0):
    """Two 'databases' (a shared system prompt, then a long schema each) with questions of
    different lengths, one question alone on a third schema, and one prompt repeated."""
    g = torch.Generator().manual_seed(seed)
    system = rand(6, g)
    schemas = [system + rand(40, g), system + rand(30, g), system + rand(35, g)]
    out = [schemas[0] + rand(n, g) for n in (5, 9, 3)] + [schemas[1] + rand(n, g) for n in (7, 4)]
    out.append(schemas[2] + rand(6, g))
    out.append(list(out[1]))
    return out


def test_groups_partition_the_rows_and_share_their_beginnings():
    prompts = schema_prompts()
    groups = shared_groups(prompts)
    rows = sorted(r for _, g in groups for r in g)
    assert rows == list(range(len(prompts)))
    for c, members in groups:
        assert all(c < len(prompts[r]) for r in members)
        assert len({tuple(prompts[r][:c]) for r in members}) == 1
    by_row = {r: (c, tuple(g)) for c, g in groups for r in g}
    assert sorted(by_row[0][1]) == [0, 1, 2, 6]  # schema 0's questions and the repeat
    assert by_row[0][0] == 46  # system prompt + schema
    assert sorted(by_row[3][1]) == [3, 4] and by_row[3][0] == 36
    # The third schema shares only the 6-token system prompt with the others: a group of its own,
    # all but its last token computed alone.
    assert by_row[5] == (len(prompts[5]) - 1, (5,))
    assert worth_sharing(prompts, groups)


def test_prompts_that_share_nothing_take_the_plain_prefill():
    g = torch.Generator().manual_seed(3)
    prompts = [rand(n, g) for n in (9, 12, 5)]
    assert not worth_sharing(prompts, shared_groups(prompts))


def left_padded(prompts, extra=0):
    n, P = len(prompts), max(map(len, prompts))
    ids = torch.zeros((n, P), dtype=torch.long)
    mask = torch.zeros((n, P + extra), dtype=torch.long)
    for r, p in enumerate(prompts):
        ids[r, P - len(p):] = torch.tensor(p)
        mask[r, P - len(p):P] = 1
    return ids, mask


def test_shared_prefill_equals_the_plain_one(model):
    prompts = schema_prompts()
    ids, mask = left_padded(prompts, extra=4)
    n, P = ids.shape
    with torch.inference_mode():
        plain = model.new_cache(n, P + 4, dtype=torch.float32, device="cpu")
        h_plain = model.hidden_states(ids, mask[:, :P], cache=plain, cache_pos=0)
        shared = model.new_cache(n, P + 4, dtype=torch.float32, device="cpu")
        h_shared = prefill_shared(model, ids, mask, shared, prompts, shared_groups(prompts))
    assert h_shared.shape[1] < P // 4  # the tails only: the longest unshared part, not the prompt
    torch.testing.assert_close(h_shared[:, -1], h_plain[:, -1], rtol=1e-5, atol=1e-5)
    real = mask[:, :P].bool()
    for a, b in zip(shared.k + shared.v, plain.k + plain.v):  # every real token's keys and values
        torch.testing.assert_close(a[:, :, :P].transpose(1, 2)[real], b[:, :, :P].transpose(1, 2)[real],
                                   rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("sampling", [dict(), dict(temperature=0.8, num_samples=3, seed=5)])
def test_generation_equals_the_plain_prefill(model, sampling):
    prompts = schema_prompts(seed=1)
    kw = dict(max_new_tokens=8, pad_token_id=0, batch_size=4, progress=False, **sampling)
    shared = generate_ids(model, prompts, share_prefix=True, **kw)
    plain = generate_ids(model, prompts, share_prefix=False, **kw)
    alone = [generate_ids(model, [p], share_prefix=False, **kw)[0] for p in prompts]
    assert [[c.token_ids for c in row] for row in shared] == [[c.token_ids for c in row] for row in plain]
    assert [[c.token_ids for c in row] for row in shared] == [[c.token_ids for c in row] for row in alone]


def test_batches_keep_alike_prompts_together_and_resume_as_the_rest():
    prompts = schema_prompts()
    batches = batch_order(prompts, 3, shared=True)
    assert sorted(i for b in batches for i in b) == list(range(len(prompts)))
    order = [i for b in batches for i in b]
    for schema in ({0, 1, 2, 6}, {3, 4}, {5}):  # each schema's questions side by side
        at = sorted(order.index(i) for i in schema)
        assert at == list(range(at[0], at[0] + len(at)))
    left = [i for b in batches[1:] for i in b]  # after the first batch was answered
    again = batch_order([prompts[i] for i in left], 3, shared=True)
    assert [[left[j] for j in b] for b in again] == batches[1:]
    longest = batch_order(prompts, 3, shared=False)
    assert [len(prompts[b[0]]) for b in longest] == sorted((len(prompts[b[0]]) for b in longest), reverse=True)


def test_windowed_and_recurrent_caches_prefill_whole(tmp_path, model):
    assert shares_prefixes(model, True) and not shares_prefixes(model, False)
    for family in ("gemma3", "qwen3_5"):
        other = load_model(save_family(family, tmp_path / family)[0], dtype=torch.float32)
        assert not shares_prefixes(other, True)
        prompts = schema_prompts()[:3]
        kw = dict(max_new_tokens=4, pad_token_id=0, progress=False)
        assert ([c.token_ids for c, in generate_ids(other, prompts, share_prefix=True, **kw)]
                == [c.token_ids for c, in generate_ids(other, prompts, share_prefix=False, **kw)])
    with pytest.raises(ValueError, match="share_prefix"):
        shares_prefixes(model, "yes")


# ----------------------------------------------------------------------------- training on packed rows


def training_items(seed=0):
    """Examples as engine.data encodes them: a prompt (no loss) then an answer (loss), the prompts
    of schema_prompts (shared beginnings of two schemas, one alone, one repeated)."""
    g = torch.Generator().manual_seed(seed + 10)
    items = []
    for p in schema_prompts(seed):
        answer = rand(int(torch.randint(2, 7, (1,), generator=g)), g)
        items.append({"input_ids": p + answer, "labels": [IGNORE_INDEX] * len(p) + answer})
    return items


def lora_model(path, seed=0):
    m = load_model(path, dtype=torch.float32)
    torch.manual_seed(seed)  # A's initialisation
    apply_lora(m, r=4, alpha=8, dropout=0.0)
    with torch.no_grad():  # B != 0, so that A gets a gradient too
        for name, p in m.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.05)
    return m.train()


@pytest.fixture(scope="module")
def tiny_path(tmp_path_factory):
    return save_tiny("qwen2", tmp_path_factory.mktemp("qwen2_lora"))[0]


def loss_and_grads(model, mbs):
    model.zero_grad(set_to_none=True)
    loss, tokens = accumulate_gradients(model, mbs)
    return loss, tokens, {n: p.grad.clone() for n, p in model.named_parameters() if p.requires_grad}


def test_packed_rows_hold_the_shared_prompt_once_before_the_first_supervised_token():
    items = training_items()
    mb = collate_shared(items)
    plain = collate(items)
    assert mb["rows"] == 3 and mb["tokens"] < plain["tokens"] * 0.6
    assert count_supervised(mb["labels"]) == count_supervised(plain["labels"])
    # Positions are each example's own: a packed row is longer than any example, its positions are not.
    assert mb["input_ids"].shape[1] > max(len(it["input_ids"]) for it in items)
    assert int(mb["position_ids"].max()) + 1 == max(len(it["input_ids"]) for it in items)
    m = mb["attention_mask"][:, 0]
    assert m.shape[1] == m.shape[2] == mb["input_ids"].shape[1] and not m.triu(1).any()  # causal
    assert m.any(-1).all()  # every query (padding too) sees at least itself: no NaN rows in SDPA


def test_packed_micro_batch_has_the_loss_and_gradients_of_the_plain_one(tiny_path):
    items = training_items(seed=2)
    model = lora_model(tiny_path)
    loss_p, tok_p, grads_p = loss_and_grads(model, [collate(items[:4]), collate(items[4:])])
    loss_s, tok_s, grads_s = loss_and_grads(model, [collate_shared(items[:4]), collate_shared(items[4:])])
    assert tok_s == tok_p
    assert loss_s == pytest.approx(loss_p, rel=1e-5)
    assert grads_s.keys() == grads_p.keys() and len(grads_p) > 0
    for name in grads_p:
        torch.testing.assert_close(grads_s[name], grads_p[name], rtol=1e-4, atol=1e-6, msg=name)


def test_share_prefix_training_refuses_windowed_and_recurrent_models(tmp_path):
    from engine.config import TrainSection
    from engine.train import start

    other = load_model(save_family("gemma3", tmp_path / "g")[0], dtype=torch.float32)
    with pytest.raises(ValueError, match="share_prefix"):
        start(other, training_items(), TrainSection(share_prefix=True), tmp_path / "run", pad_id=0)


def test_a_4d_mask_needs_positions(model):
    ids = torch.tensor([[5, 6, 7]])
    with pytest.raises(ValueError, match="position_ids"):
        model.hidden_states(ids, torch.ones((1, 1, 3, 3), dtype=torch.bool))


def test_train_with_share_prefix_equals_plain_training_on_the_same_batches(tiny_path, tmp_path):
    """One micro-batch of every example per step: both groupings see the same batches, so three
    steps of AdamW leave the same adapter (and the packed steps computed fewer token slots)."""
    from engine.config import TrainSection
    from engine.train import train

    items = training_items(seed=4)
    out = {}
    for share in (False, True):
        model = lora_model(tiny_path, seed=1)
        o = TrainSection(micro_batch_size=len(items), grad_accum=1, max_steps=3, lr=1e-2, warmup_ratio=0.0,
                         schedule="constant", seed=0, log_every=1, share_prefix=share)
        train(model, items, opts=o, run_dir=tmp_path / f"run_{share}", pad_id=0, progress=False)
        out[share] = ({n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad},
                      [json.loads(x) for x in (tmp_path / f"run_{share}" / "metrics.jsonl").read_text().splitlines()])
    (plain, plain_log), (packed, packed_log) = out[False], out[True]
    for name in plain:
        torch.testing.assert_close(packed[name], plain[name], rtol=1e-4, atol=1e-5, msg=name)
    steps = [(a, b) for a, b in zip(plain_log, packed_log) if "computed_slots" in a]
    slots = [mb["tokens"] + mb["padded"] for mb in (collate(items), collate_shared(items))]  # what each step ran
    assert slots[1] < 0.7 * slots[0]
    assert len(steps) == 3 and all([a["computed_slots"], b["computed_slots"]] == slots for a, b in steps)
    assert all(a["loss"] == pytest.approx(b["loss"], rel=1e-4) for a, b in steps)
