"""Gemma 3 GGUF files: a tiny file written as llama.cpp writes one (names, norms stored as 1 + w, a
SentencePiece vocabulary without merges) loads with transformers' GGUF logits and tokenizer ids; the
real Gemma 3 270M-it file (bench/fetch_models.py) too, when data/models/ has it."""

import json

import pytest
import torch

pytest.importorskip("gguf")

from kernels.nf4_linear import NF4Linear  # noqa: E402
from models import load_model  # noqa: E402
from models.gguf import GGUFCheckpoint, hf_name  # noqa: E402
from models.tokenizer import load_tokenizer  # noqa: E402
from tests.family_models import hf_family_model  # noqa: E402
from tests.models.gguf_files import write_gemma3_gguf  # noqa: E402
from tests.paths import REPO, SHARED_DATA  # noqa: E402

TINY = dict(vocab_size=331, hidden_size=64, intermediate_size=256, num_hidden_layers=6, num_attention_heads=2,
            num_key_value_heads=1, head_dim=256, query_pre_attn_scalar=256, layer_types=None, sliding_window=8)
TYPES = {"attn_q.weight": "Q8_0", "attn_output.weight": "Q4_K", "ffn_up.weight": "Q5_0", "ffn_down.weight": "Q6_K",
         "token_embd.weight": "Q8_0"}
TEMPLATE = REPO / "configs" / "gemma3_chat_template.jinja"
FIXED = ["SELECT count(*) FROM singer", "  leading and trailing  ", "tabs\tand\nnew\r\nlines", "Zoë, café, naïve",
         "日本語のテキスト", "emoji 🙂 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "1234567890 3.14159 -42", "<start_of_turn>user\nhi<end_of_turn>\n",
         "x\n\n\ny", "\t\t\tindent", "   many    spaces   ", "WHERE T1.id = T2.id AND name LIKE '%a%'",
         "\x00\x01 control", "[multimodal] <bos> <tool>"]


def _rel(a, b):
    return ((a - b).norm() / b.norm()).item()


@pytest.fixture(scope="module")
def tiny_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("g3gguf") / "gemma3.gguf"
    return write_gemma3_gguf(hf_family_model("gemma3", **TINY), path, types=TYPES)


def test_names_config_and_logits_equal_transformers_gguf(tiny_file, one_thread):
    from transformers import AutoModelForCausalLM

    assert hf_name("blk.2.ffn_norm.weight", "gemma3") == "model.layers.2.pre_feedforward_layernorm.weight"
    assert hf_name("blk.2.post_ffw_norm.weight", "gemma3") == "model.layers.2.post_feedforward_layernorm.weight"
    assert hf_name("blk.2.ffn_norm.weight") == "model.layers.2.post_attention_layernorm.weight"  # llama's meaning
    cfg = GGUFCheckpoint(tiny_file).config()
    assert cfg.layer_types == ("sliding_attention",) * 5 + ("full_attention",)
    assert (cfg.sliding_window, cfg.query_pre_attn_scalar, cfg.rope_local_theta, cfg.tie_word_embeddings) == (8, 256, 1e4, True)
    ours = load_model(tiny_file, dtype=torch.float32)
    ref = AutoModelForCausalLM.from_pretrained(tiny_file.parent, gguf_file=tiny_file.name, dtype=torch.float32).eval()
    ids = torch.randint(0, 331, (2, 30), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert _rel(ours(ids), ref(ids).logits) < 1e-5
    nf4 = load_model(tiny_file, dtype=torch.float32, quantize="nf4")
    assert sum(isinstance(m, NF4Linear) for m in nf4.modules()) == 6 * 7


def test_sentencepiece_tokenizer_equals_transformers_gguf(tiny_file):
    from transformers import AutoTokenizer

    ours = load_tokenizer(tiny_file, chat_template=str(TEMPLATE))
    ref = AutoTokenizer.from_pretrained(tiny_file.parent, gguf_file=tiny_file.name)
    for s in FIXED + ["SELECT count FROM table", " SELECT a, b FROM t"]:
        ids = ours.encode(s)
        assert ids == ref.encode(s, add_special_tokens=False), s
        assert ours.decode(ids) == ref.decode(ids), s
    assert len(ours.encode(" in count")) < len(" in count")  # merges derived from the vocabulary apply
    assert ours.encode("日") == [ours.token_to_id(f"<0x{b:02X}>") for b in "日".encode()]  # byte fallback
    assert (ours.bos_token_id, ours.eos_token_id, ours.pad_token_id) == (2, 1, 0)
    text = ours.apply_chat_template([{"role": "system", "content": "S"}, {"role": "user", "content": "q"}],
                                    add_generation_prompt=True)
    assert text == "<bos><start_of_turn>user\nS\n\nq<end_of_turn>\n<start_of_turn>model\n"
    assert ours.token_to_id("<end_of_turn>") in ours.stop_token_ids


# ----------------------------------------------------------------------------- the real file

REAL = REPO / "data" / "models" / "gemma-3-270m-q4_k_m.gguf"
SPIDER_DEV = SHARED_DATA / "spider" / "dev.json"
PROMPTS = ["How many singers are there?", "List the names of all stadiums ordered by capacity.",
           "Write a SQL query that counts the rows of table t."]


@pytest.fixture(scope="module")
def real():
    if not REAL.exists():
        pytest.skip(f"{REAL} not fetched (python bench/fetch_models.py gemma-3-270m-q4_k_m)")
    from transformers import AutoModelForCausalLM, AutoTokenizer
    ours = load_model(REAL, dtype=torch.float32)
    ref = AutoModelForCausalLM.from_pretrained(REAL.parent, gguf_file=REAL.name, dtype=torch.float32).eval()
    tok = load_tokenizer(REAL, chat_template=str(TEMPLATE))
    ref_tok = AutoTokenizer.from_pretrained(REAL.parent, gguf_file=REAL.name)
    return ours, ref, tok, ref_tok


@pytest.mark.slow
def test_real_tokenizer_ids_equal_transformers(real):
    _, _, tok, ref_tok = real
    strings = list(FIXED)
    if SPIDER_DEV.exists():
        rows = json.loads(SPIDER_DEV.read_text())[::7][:120]
        strings += [r["question"] for r in rows] + [r["query"] for r in rows]
    for s in strings:
        ids = tok.encode(s)
        assert ids == ref_tok.encode(s, add_special_tokens=False), s
        assert tok.decode(ids) == ref_tok.decode(ids), s


@pytest.mark.slow
def test_real_logits_and_greedy_decoding_equal_transformers(real):
    """3 chat prompts: logits and 16 greedy tokens; and a prompt of ~700 tokens, longer than the 512
    window, whose last logits match (the sliding layers in prefill) and whose decoding matches."""
    from engine.decoding import generate_ids

    ours, ref, tok, ref_tok = real
    assert ours.config.sliding_window == 512 and ours.config.layer_types.count("full_attention") == 3
    texts = [tok.apply_chat_template([{"role": "user", "content": p}], add_generation_prompt=True) for p in PROMPTS]
    long_q = "Columns: " + ", ".join(f"column_{i} integer" for i in range(120)) + ". Which column comes last?"
    texts.append(tok.apply_chat_template([{"role": "user", "content": long_q}], add_generation_prompt=True))
    prompts = [tok.encode(t) for t in texts]
    assert len(prompts[-1]) > 600 and prompts[0][0] == tok.bos_token_id
    for ids in prompts:
        assert ids == ref_tok.encode(texts[prompts.index(ids)], add_special_tokens=False)
        x = torch.tensor([ids])
        with torch.no_grad():
            a = ours.lm_head(ours.hidden_states(x)[:, -8:])
            b = ref(x, logits_to_keep=8).logits
        assert _rel(a, b) < 1e-4
    outs = generate_ids(ours, prompts, max_new_tokens=16, stop_token_ids=tok.stop_token_ids)
    for ids, out in zip(prompts, outs):
        want = ref.generate(torch.tensor([ids]), max_new_tokens=16, do_sample=False,
                            eos_token_id=list(tok.stop_token_ids), pad_token_id=0)[0, len(ids):].tolist()
        assert list(out[0].token_ids) == want
