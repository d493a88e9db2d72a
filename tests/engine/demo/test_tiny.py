"""The tiny model written by engine.demo.tiny: loads in our loader and in transformers with equal
logits, its tokenizer round-trips the synthetic corpus and matches transformers' tokenizer and
chat template, and writing it is deterministic and idempotent."""

from __future__ import annotations

import json

import pytest
import torch

from engine.demo.synthetic import build_synthetic, corpus_texts, read_examples
from engine.demo.tiny import SPECIAL_TOKENS, TinySpec, save_model, write_tiny_model
from models.loader import load_model
from models.tokenizer import load_tokenizer

SPEC = TinySpec(vocab_size=512, hidden_size=64, intermediate_size=160, num_hidden_layers=2, seed=1)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return build_synthetic(tmp_path_factory.mktemp("data"), seed=0, n_train=300, n_test=60)


@pytest.fixture(scope="module")
def corpus(data):
    return corpus_texts(data.root)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory, corpus):
    return write_tiny_model(tmp_path_factory.mktemp("tiny"), corpus, SPEC)


@pytest.fixture(scope="module")
def tiny_llama(tmp_path_factory, corpus):
    spec = TinySpec(model_type="llama", vocab_size=400, hidden_size=64, intermediate_size=96, num_hidden_layers=2)
    return write_tiny_model(tmp_path_factory.mktemp("tiny_llama"), corpus, spec)


def _ids(tok, data, n=8):
    texts = [r["question"] + " " + r["sql"] for r in read_examples(data.test)[:n]]
    rows = [tok.encode(t) for t in texts]
    L = min(map(len, rows))
    return torch.tensor([r[:L] for r in rows])  # (n, L)


@pytest.mark.parametrize("which", ["tiny", "tiny_llama"])
def test_loads_in_ours_and_transformers_with_equal_logits(which, request, data):
    transformers = pytest.importorskip("transformers")
    path = request.getfixturevalue(which)
    tok = load_tokenizer(path)
    ids = _ids(tok, data)
    ours = load_model(path, dtype=torch.float32, progress=False)
    theirs = transformers.AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()
    assert ours.config.vocab_size % 64 == 0 and ours.config.vocab_size >= tok.vocab_size
    assert ours.config.tie_word_embeddings and ours.lm_head.weight is ours.model.embed_tokens.weight
    with torch.no_grad():
        torch.testing.assert_close(ours(ids), theirs(ids).logits, rtol=1e-4, atol=1e-4)


def test_random_init(tiny):
    from safetensors.torch import load_file

    state = load_file(str(tiny / "model.safetensors"))
    assert "lm_head.weight" not in state  # tied, saved as transformers saves tied models
    w = state["model.layers.0.mlp.up_proj.weight"]
    assert abs(w.std().item() - SPEC.init_std) < 0.1 * SPEC.init_std
    assert torch.equal(state["model.norm.weight"], torch.ones(SPEC.hidden_size))
    assert torch.equal(state["model.layers.1.self_attn.q_proj.bias"], torch.zeros(SPEC.hidden_size))


def test_tokenizer_round_trips_the_corpus(tiny, corpus, data):
    tok = load_tokenizer(tiny)
    assert tok.vocab_size <= SPEC.vocab_size
    unseen = [r["question"] + "\n" + r["sql"] for r in read_examples(data.test)]  # test split: not trained on
    for text in corpus + unseen + ["naïve café 'Zürich' ≥ 3 😀"]:
        assert tok.decode(tok.encode(text)) == text
    # Digits are single tokens, so numbers never seen in training still spell out.
    assert [tok.decode([i]) for i in tok.encode("WHERE age > 1234")][-4:] == ["1", "2", "3", "4"]
    # A quoted value is cut the same way in the question and in the SQL (what lets the model copy it).
    value = tok.encode(" 'Lyon")
    contains = lambda seq, sub: any(seq[i:i + len(sub)] == sub for i in range(len(seq)))
    assert contains(tok.encode("whose city is 'Lyon'."), value)
    assert contains(tok.encode("WHERE city = 'Lyon'"), value)


def test_tokenizer_matches_transformers(tiny, corpus):
    transformers = pytest.importorskip("transformers")
    ours = load_tokenizer(tiny)
    theirs = transformers.AutoTokenizer.from_pretrained(tiny)
    for text in corpus[::50] + ["<|im_start|>user\nhi<|im_end|>\n"]:
        assert ours.encode(text) == theirs(text, add_special_tokens=False)["input_ids"]
    messages = [{"role": "user", "content": "Database schema:\ncustomers(id INTEGER PK)\n\nQuestion: How many?"},
                {"role": "assistant", "content": "SELECT COUNT(*) FROM customers"}]
    for msgs, gen in ((messages[:1], True), (messages, False)):
        assert ours.apply_chat_template(msgs, add_generation_prompt=gen) == \
            theirs.apply_chat_template(msgs, tokenize=False, add_generation_prompt=gen)
    assert theirs.eos_token == ours.special.eos == "<|im_end|>"
    assert theirs.pad_token_id == ours.pad_token_id


def test_chat_template_and_special_tokens(tiny):
    tok = load_tokenizer(tiny)
    for t in SPECIAL_TOKENS:
        assert len(tok.encode(t)) == 1
    im_end = tok.token_to_id("<|im_end|>")
    assert tok.eos_token_id == im_end and im_end in tok.stop_token_ids
    msgs = [{"role": "user", "content": "Question: hi"}, {"role": "assistant", "content": "SELECT 1"}]
    assert tok.apply_chat_template(msgs[:1], add_generation_prompt=True) == \
        "<|im_start|>user\nQuestion: hi<|im_end|>\n<|im_start|>assistant\n"
    prompt_ids, answer_ids = tok.encode_chat(msgs)
    assert tok.decode(answer_ids) == "SELECT 1<|im_end|>" and answer_ids[-1] == im_end
    gen = json.loads((tiny / "generation_config.json").read_text())
    assert im_end in gen["eos_token_id"] and gen["pad_token_id"] == tok.pad_token_id


def test_deterministic_and_idempotent(tiny, corpus, tmp_path):
    again = write_tiny_model(tmp_path / "again", corpus, SPEC)
    for name in ("model.safetensors", "tokenizer.json", "config.json", "tokenizer_config.json"):
        assert (again / name).read_bytes() == (tiny / name).read_bytes(), name
    stamp = (again / "model.safetensors").stat().st_mtime_ns
    write_tiny_model(again, corpus, SPEC)
    assert (again / "model.safetensors").stat().st_mtime_ns == stamp  # skipped
    write_tiny_model(again, corpus, TinySpec(**{**SPEC.__dict__, "seed": 2}))
    assert (again / "model.safetensors").read_bytes() != (tiny / "model.safetensors").read_bytes()


def test_save_model_round_trip(tiny, tmp_path, data):
    model = load_model(tiny, dtype=torch.float32, progress=False)
    with torch.no_grad():
        model.model.layers[0].mlp.down_proj.weight.add_(0.5)
        model.model.embed_tokens.weight.mul_(1.5)
    out = save_model(model, tmp_path / "trained")
    for name in ("tokenizer.json", "tokenizer_config.json", "generation_config.json"):
        (out / name).write_bytes((tiny / name).read_bytes())
    back = load_model(out, dtype=torch.float32, progress=False)
    ids = _ids(load_tokenizer(out), data, n=2)
    with torch.no_grad():
        torch.testing.assert_close(back(ids), model(ids), rtol=0, atol=0)


def test_bad_spec_is_reported():
    with pytest.raises(ValueError, match="model_type"):
        TinySpec(model_type="gpt2")
    with pytest.raises(ValueError, match="num_attention_heads"):
        TinySpec(hidden_size=130)
