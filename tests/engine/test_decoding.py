"""Decoding: cached == uncached, parity with transformers' generate and logits processors,
seeded sampling, batch independence, stop tokens / strings, repetition penalty, num_samples.

Tiny random models from tests/tiny_models.py in fp32 on the CPU; the text tests use a byte-level
tokenizer (one token per byte plus ChatML's special tokens) built here, loaded by load_tokenizer.
"""


import pytest
import torch
from transformers.generation.logits_process import (RepetitionPenaltyLogitsProcessor, TemperatureLogitsWarper,
                                                    TopKLogitsWarper, TopPLogitsWarper)

from engine.decoding import Completion, generate, generate_ids, trim_at_stop_strings
from engine.sampling import apply_repetition_penalty, filter_logits, sample_inverse_cdf
from models import load_model
from models.tokenizer import load_tokenizer
from tests.tiny_models import FAMILIES, VOCAB, save_tiny, write_byte_tokenizer

PAD = 0
NO_STOP = ()  # stop ids that nothing matches: runs go to max_new_tokens


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """{family: (our model, the transformers model)}."""
    out = {}
    for family in FAMILIES:
        path, ref = save_tiny(family, tmp_path_factory.mktemp(family))
        out[family] = (load_model(path, dtype=torch.float32), ref)
    return out


def prompts(lengths=(7, 3, 12), seed=1):
    g = torch.Generator().manual_seed(seed)
    return [torch.randint(3, VOCAB, (n,), generator=g).tolist() for n in lengths]


def ids_of(results):
    """[[Completion]] -> [[token ids]]."""
    return [[list(c.token_ids) for c in row] for row in results]


def uncached_greedy(model, prompt, n):
    """The reference: a full forward over everything so far at every step, argmax of the last logits."""
    ids = torch.tensor([prompt])
    with torch.no_grad():
        for _ in range(n):
            ids = torch.cat([ids, model(ids)[:, -1].argmax(-1, keepdim=True)], 1)
    return ids[0, len(prompt):].tolist()


# ----------------------------------------------------------------------------- greedy parity


@pytest.mark.parametrize("family", FAMILIES)
def test_cached_greedy_equals_uncached(tiny, family):
    model, _ = tiny[family]
    ps = prompts()
    got = ids_of(generate_ids(model, ps, max_new_tokens=16, stop_token_ids=NO_STOP))
    for p, (row,) in zip(ps, got):
        assert row == uncached_greedy(model, p, 16)


@pytest.mark.parametrize("family", FAMILIES)
def test_greedy_equals_transformers_generate(tiny, family):
    model, ref = tiny[family]
    ps, N = prompts(), 16
    # transformers with its own left padding, one batch; its eos set to an id we don't produce.
    P = max(map(len, ps))
    ids = torch.tensor([[PAD] * (P - len(p)) + p for p in ps])
    mask = torch.tensor([[0] * (P - len(p)) + [1] * len(p) for p in ps])
    ours = ids_of(generate_ids(model, ps, max_new_tokens=N, pad_token_id=PAD))
    eos = min(set(range(3, VOCAB)) - {t for (row,) in ours for t in row})
    theirs = ref.generate(ids, attention_mask=mask, do_sample=False, max_new_tokens=N, eos_token_id=eos, pad_token_id=PAD)
    assert [[row] for row in theirs[:, P:].tolist()] == ours
    for p, (row,) in zip(ps, ours):  # each prompt alone in transformers too
        alone = ref.generate(torch.tensor([p]), do_sample=False, max_new_tokens=N, eos_token_id=eos, pad_token_id=PAD)
        assert alone[0, len(p):].tolist() == row


@pytest.mark.parametrize("family", FAMILIES)
def test_greedy_with_eos_equals_transformers(tiny, family):
    """An eos that row 0 produces at its 6th token: row 0 stops there (eos kept), the others go on."""
    model, ref = tiny[family]
    ps, N = prompts(), 16
    free = ids_of(generate_ids(model, ps, max_new_tokens=N))
    eos = free[0][0][5]
    ours = ids_of(generate_ids(model, ps, max_new_tokens=N, stop_token_ids=(eos,), pad_token_id=PAD))
    P = max(map(len, ps))
    ids = torch.tensor([[PAD] * (P - len(p)) + p for p in ps])
    mask = torch.tensor([[0] * (P - len(p)) + [1] * len(p) for p in ps])
    theirs = ref.generate(ids, attention_mask=mask, do_sample=False, max_new_tokens=N, eos_token_id=eos, pad_token_id=PAD)
    for (row,), full, hf in zip(ours, free, theirs[:, P:].tolist()):
        cut = full[0].index(eos) + 1 if eos in full[0] else N
        assert row == full[0][:cut]  # stops at the first eos, and is otherwise unchanged
        assert hf[:len(row)] == row and all(t == PAD for t in hf[len(row):])  # transformers pads after eos
    assert len(ours[0][0]) <= 6 and ours[0][0][-1] == eos


def test_batch_gives_same_tokens_as_each_prompt_alone(tiny):
    model, _ = tiny["qwen3"]
    ps = prompts((5, 17, 1, 9, 30, 2))
    alone = [ids_of(generate_ids(model, [p], max_new_tokens=12))[0] for p in ps]
    for bs in (None, 2, 4):
        assert ids_of(generate_ids(model, ps, max_new_tokens=12, batch_size=bs)) == alone


def test_stopped_row_does_not_disturb_the_others(tiny):
    model, _ = tiny["llama"]
    ps = prompts()
    free = ids_of(generate_ids(model, ps, max_new_tokens=14))
    stop = free[1][0][2]  # row 1 stops at its 3rd token at the latest
    res = generate_ids(model, ps, max_new_tokens=14, stop_token_ids=(stop,))
    for row, full in zip(res, free):
        (c,) = row
        cut = full[0].index(stop) + 1 if stop in full[0] else 14
        assert list(c.token_ids) == full[0][:cut]
        assert c.finish_reason == ("stop_token" if stop in full[0] else "length")
    assert len(res[1][0].token_ids) <= 3


def test_loop_ends_when_every_row_has_finished(tiny):
    model, _ = tiny["qwen2"]
    ps = prompts()
    free = ids_of(generate_ids(model, ps, max_new_tokens=30))
    stops = {row[0][k] for row, k in zip(free, (1, 2, 3))}  # every row stops by its 4th token
    calls = []
    hook = model.model.layers[0].register_forward_pre_hook(lambda m, a: calls.append(a[0].shape[1]))
    try:
        res = generate_ids(model, ps, max_new_tokens=30, stop_token_ids=stops)
    finally:
        hook.remove()
    longest = max(len(row[0].token_ids) for row in res)
    assert longest <= 4 and all(row[0].finish_reason == "stop_token" for row in res)
    assert calls == [max(map(len, ps))] + [1] * (longest - 1)  # prefill, then one token per step


# ----------------------------------------------------------------------------- sampling


def test_filter_logits_equals_transformers_warpers():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(6, VOCAB, generator=g) * 3
    for temperature, top_k, top_p in [(0.7, 0, 1.0), (1.0, 20, 1.0), (0.8, 0, 0.9), (1.3, 50, 0.5), (1.0, 0, 1e-6),
                                      (0.5, 1, 1.0), (1.0, VOCAB + 5, 0.95)]:
        ours = filter_logits(logits, temperature, top_k, top_p)
        theirs = TemperatureLogitsWarper(temperature)(None, logits.clone())
        if top_k:
            theirs = TopKLogitsWarper(top_k)(None, theirs)
        if top_p < 1:
            theirs = TopPLogitsWarper(top_p)(None, theirs)
        assert torch.equal(ours.isinf(), theirs.isinf()), (temperature, top_k, top_p)
        torch.testing.assert_close(ours.softmax(-1), theirs.softmax(-1))


def test_inverse_cdf_sampling_follows_the_distribution():
    probs = torch.tensor([[0.0, 0.5, 0.0, 0.2, 0.3, 0.0]])
    u = torch.rand(20000, generator=torch.Generator().manual_seed(0))
    picks = sample_inverse_cdf(probs.expand(len(u), -1), u)
    freq = torch.bincount(picks, minlength=6).float() / len(u)
    assert freq[[0, 2, 5]].sum() == 0  # zero-probability tokens never drawn
    torch.testing.assert_close(freq, probs[0], atol=0.015, rtol=0)
    edges = sample_inverse_cdf(probs.expand(3, -1), torch.tensor([0.0, 0.5 - 1e-6, 0.5]))
    assert edges.tolist() == [1, 1, 3]  # u=0 -> the first likely token; intervals are [lo, hi)


def test_sampling_is_seeded_and_batch_independent(tiny):
    model, _ = tiny["qwen2"]
    ps = prompts()
    kw = dict(max_new_tokens=12, temperature=1.0, num_samples=3)
    a = ids_of(generate_ids(model, ps, seed=5, **kw))
    assert a == ids_of(generate_ids(model, ps, seed=5, **kw))
    b = ids_of(generate_ids(model, ps, seed=6, **kw))
    assert all(x != y for x, y in zip(a, b))
    # The samples of a prompt don't depend on the other prompts or the batch size.
    assert ids_of(generate_ids(model, ps[1:2], seed=5, **kw)) == a[1:2]
    assert ids_of(generate_ids(model, ps[::-1], seed=5, batch_size=1, **kw)) == a[::-1]
    for row in a:  # three different samples per prompt
        assert len(row) == 3 and len({tuple(s) for s in row}) == 3


def test_top_k_1_and_tiny_top_p_equal_greedy(tiny):
    model, _ = tiny["llama"]
    ps = prompts()
    greedy = ids_of(generate_ids(model, ps, max_new_tokens=12))
    for kw in (dict(top_k=1), dict(top_p=1e-6)):
        sampled = ids_of(generate_ids(model, ps, max_new_tokens=12, temperature=1.5, num_samples=2, **kw))
        assert sampled == [row * 2 for row in greedy], kw


def test_num_samples(tiny):
    model, _ = tiny["qwen2"]
    ps = prompts((4, 6))
    for temperature in (0.0, 0.9):
        res = generate_ids(model, ps, max_new_tokens=5, temperature=temperature, num_samples=4)
        assert [len(row) for row in res] == [4, 4]
        assert all(isinstance(c, Completion) and len(c.token_ids) == 5 for row in res for c in row)
    greedy = ids_of(generate_ids(model, ps, max_new_tokens=5, num_samples=3))
    assert all(row == [row[0]] * 3 for row in greedy)


# ----------------------------------------------------------------------------- repetition penalty


def test_repetition_penalty_equals_transformers_processor():
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(3, VOCAB, generator=g) * 2
    history = torch.randint(0, VOCAB, (3, 40), generator=g)
    seen = torch.zeros(3, VOCAB, dtype=torch.bool).scatter_(1, history, True)
    for penalty in (1.3, 0.7):
        theirs = RepetitionPenaltyLogitsProcessor(penalty)(history, logits.clone())
        assert torch.equal(apply_repetition_penalty(logits, seen, penalty), theirs)


@pytest.mark.parametrize("family", FAMILIES)
def test_repetition_penalty_decoding_equals_transformers_and_reduces_repeats(tiny, family):
    model, ref = tiny[family]
    ps, N = prompts((6, 10)), 24
    plain = ids_of(generate_ids(model, ps, max_new_tokens=N))
    penalised = ids_of(generate_ids(model, ps, max_new_tokens=N, repetition_penalty=1.5))
    eos = min(set(range(3, VOCAB)) - {t for (row,) in plain + penalised for t in row})
    for p, (row,) in zip(ps, penalised):  # unpadded prompts: transformers penalises the same token set
        hf = ref.generate(torch.tensor([p]), do_sample=False, max_new_tokens=N, repetition_penalty=1.5,
                          eos_token_id=eos, pad_token_id=PAD)
        assert hf[0, len(p):].tolist() == row
    repeats = lambda rows: sum(len(r[0]) - len(set(r[0])) for r in rows)  # noqa: E731
    assert repeats(penalised) < repeats(plain)


def test_repetition_penalty_ignores_left_padding(tiny):
    """The pad id is not 'seen': a padded row decodes as it would alone, even when pad is a likely token."""
    model, _ = tiny["qwen2"]
    ps = prompts((3, 11))
    pad = ids_of(generate_ids(model, ps[:1], max_new_tokens=10))[0][0][0]  # the first greedy token of prompt 0
    alone = [ids_of(generate_ids(model, [p], max_new_tokens=10, repetition_penalty=2.0))[0] for p in ps]
    assert ids_of(generate_ids(model, ps, max_new_tokens=10, repetition_penalty=2.0, pad_token_id=pad)) == alone
    # A pad id that also occurs in the padded prompt stays penalised there.
    assert ids_of(generate_ids(model, ps, max_new_tokens=10, repetition_penalty=2.0, pad_token_id=ps[0][1])) == alone


# ----------------------------------------------------------------------------- text: tokenizer, stop strings




@pytest.fixture(scope="module")
def byte_model(tmp_path_factory):
    """A qwen2 tiny model whose vocabulary is a byte-level tokenizer's: 256 bytes + 3 ChatML specials."""
    path = tmp_path_factory.mktemp("bytes")
    save_tiny("qwen2", path, vocab_size=write_byte_tokenizer(path), seed=3)
    (path / "generation_config.json").unlink()  # its eos id 2 would be a byte here
    return load_model(path, dtype=torch.float32), load_tokenizer(path)


class StopAt:
    """The real tokenizer with other stop ids (a random model never emits <|im_end|> on cue)."""

    def __init__(self, tok, stop_token_ids):
        self.tok, self.stop_token_ids, self.pad_token_id = tok, tuple(stop_token_ids), tok.pad_token_id

    def encode(self, text):
        return self.tok.encode(text)

    def decode(self, ids, skip_special_tokens=False):
        return self.tok.decode(ids, skip_special_tokens=skip_special_tokens)


def chat_prompts(tok):
    qs = ["How many singers are there?", "List all stadiums.", "Names of concerts in 2014, sorted by year"]
    return [tok.apply_chat_template([{"role": "user", "content": q}], add_generation_prompt=True) for q in qs]


def test_text_prompts_equal_id_prompts(byte_model):
    model, tok = byte_model
    assert tok.stop_token_ids == (258,) and tok.pad_token_id == 256
    texts = chat_prompts(tok)
    by_text = generate(model, tok, texts, max_new_tokens=10)
    by_ids = generate(model, tok, [tok.encode(t) for t in texts], max_new_tokens=10)
    assert by_text == by_ids
    for row in by_text:
        (c,) = row
        assert c.text == tok.decode(c.token_ids) and c.finish_reason == "length"


def test_stop_token_ends_row_and_is_left_out_of_text(byte_model):
    model, tok = byte_model
    texts = chat_prompts(tok)
    free = generate(model, tok, texts, max_new_tokens=20)
    stop = free[0][0].token_ids[4]
    res = generate(model, StopAt(tok, (stop,)), texts, max_new_tokens=20)
    for (c,), (f,) in zip(res, free):
        if stop in f.token_ids:
            cut = f.token_ids.index(stop)
            assert c.token_ids == f.token_ids[:cut + 1] and c.finish_reason == "stop_token"
            assert c.text == tok.decode(f.token_ids[:cut])
        else:
            assert c == f


def test_stop_strings_end_rows_and_are_trimmed(byte_model):
    model, tok = byte_model
    texts = chat_prompts(tok)
    free = generate(model, tok, texts, max_new_tokens=40)
    full = free[1][0].text
    stop = next(full[i:i + 2] for i in range(8, len(full) - 2) if "\ufffd" not in full[i:i + 2])
    res = generate(model, tok, texts, max_new_tokens=40, stop_strings=[stop, "never appears"])
    for (c,), (f,) in zip(res, free):
        assert f.token_ids[:len(c.token_ids)] == c.token_ids  # the same tokens, cut short
        if stop in f.text:
            assert c.finish_reason == "stop_string"
            assert stop in tok.decode(c.token_ids) and stop not in tok.decode(c.token_ids[:-1])  # stopped at once
            assert c.text == f.text[:f.text.index(stop)]
        else:
            assert c == f
    assert res[1][0].finish_reason == "stop_string" and len(res[1][0].token_ids) < 40


def test_trim_at_stop_strings():
    assert trim_at_stop_strings("SELECT 1;\n```\nmore", ["```", ";"]) == "SELECT 1"
    assert trim_at_stop_strings("SELECT 1", ["```"]) == "SELECT 1"
    assert trim_at_stop_strings("```", ["```"]) == ""


# ----------------------------------------------------------------------------- modes and errors


def test_eval_mode_inside_and_training_mode_restored(tiny):
    model, _ = tiny["qwen2"]
    seen = []
    hook = model.model.layers[0].register_forward_pre_hook(lambda m, a: seen.append(m.training))
    try:
        model.train()
        generate_ids(model, prompts((3,)), max_new_tokens=3)
        assert model.training and seen and not any(seen)
    finally:
        hook.remove()
        model.eval()


def test_bad_arguments_are_named(tiny):
    model, _ = tiny["qwen2"]
    with pytest.raises(ValueError, match="prompt 1 is empty"):
        generate_ids(model, [[5], []])
    with pytest.raises(ValueError, match=rf"prompt 0 has token id\(s\) \[{VOCAB}\] outside .* \[0, {VOCAB}\)"):
        generate_ids(model, [[5, VOCAB]])
    with pytest.raises(ValueError, match="temperature=-1.*top_p=0"):
        generate_ids(model, [[5]], temperature=-1, top_p=0)
    with pytest.raises(ValueError, match="num_samples=0"):
        generate_ids(model, [[5]], num_samples=0)
    with pytest.raises(TypeError, match="list of prompts"):
        generate(model, None, "one prompt")
    assert generate_ids(model, [[5]], max_new_tokens=0) == [[Completion((), "length")]]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_matches_cpu(tmp_path):
    path, _ = save_tiny("qwen2", tmp_path)
    ps = prompts()
    cpu = generate_ids(load_model(path, dtype=torch.float32), ps, max_new_tokens=12, repetition_penalty=1.2)
    cuda_model = load_model(path, dtype=torch.float32, device="cuda")
    assert generate_ids(cuda_model, ps, max_new_tokens=12, repetition_penalty=1.2) == cpu
    kw = dict(max_new_tokens=12, temperature=1.0, top_p=0.9, num_samples=2, seed=3)
    assert generate_ids(cuda_model, ps, **kw) == generate_ids(cuda_model, ps, **kw)
