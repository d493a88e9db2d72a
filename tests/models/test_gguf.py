"""GGUF checkpoints: tiny files written like llama.cpp writes them load into our modules with
transformers' logits; NF4-on-load equals quantizing the dequantized model; bad files get errors
that name the file and what is supported. The real models (bench/fetch_models.py) are checked
when data/models/ has them."""

from pathlib import Path

import pytest
import torch

pytest.importorskip("gguf")

from kernels.nf4_linear import NF4Linear  # noqa: E402
from models import CheckpointError, ModelConfigError, load_model, save_checkpoint  # noqa: E402
from models.gguf import GGUFCheckpoint, find_gguf, hf_name, unpermute_qk  # noqa: E402
from models.tokenizer import load_tokenizer  # noqa: E402
from tests.paths import REPO  # noqa: E402
from tests.models.gguf_files import byte_vocab, finish, llama_permute, write_gguf  # noqa: E402
from tests.tiny_models import hf_model  # noqa: E402

SHAPE = dict(vocab_size=300, hidden_size=256, intermediate_size=512)  # rows of 256: K-quant blocks fit
MIXED = {"attn_q.weight": "Q8_0", "attn_k.weight": "F16", "attn_v.weight": "Q4_0", "attn_output.weight": "Q5_0",
         "ffn_down.weight": "Q4_K", "ffn_up.weight": "Q6_K", "ffn_gate.weight": "Q5_1",
         "token_embd.weight": "Q8_0", "output.weight": "Q4_1"}
CASES = [("llama", {}, {}), ("llama", {"tied": True}, MIXED), ("qwen2", {}, MIXED), ("qwen2", {"tied": True}, {}),
         ("llama", {}, {"": "Q2_K"}), ("qwen2", {}, {"": "Q3_K"}), ("llama", {}, {"": "Q5_K"}), ("qwen2", {}, {"": "F16"})]


def _ids(T=30):
    return torch.randint(0, SHAPE["vocab_size"], (2, T), generator=torch.Generator().manual_seed(0))


def _transformers_gguf(path: Path):
    from transformers import AutoModelForCausalLM
    return AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name, dtype=torch.float32).eval()


@pytest.mark.parametrize("family,kw,types", CASES,
                         ids=[f"{f}-{'tied' if k else 'untied'}-{'+'.join(sorted(set(t.values()))) or 'F32'}"
                              for f, k, t in CASES])
def test_logits_equal_transformers_gguf(tmp_path, family, kw, types, one_thread):
    path = write_gguf(hf_model(family, **SHAPE, **kw), tmp_path / "m.gguf", types=types)
    ours = load_model(path, dtype=torch.float32)
    ref = _transformers_gguf(path)
    with torch.no_grad():
        a, b = ours(_ids()), ref(_ids()).logits
    assert ((a - b).norm() / b.norm()).item() < 1e-5
    assert ours.config.tie_word_embeddings == bool(kw.get("tied"))


def test_unquantized_file_equals_the_original_model(tmp_path, one_thread):
    """F32 everywhere: the GGUF round trip (llama's Q/K permutation included) gives the original logits."""
    ref = hf_model("llama", **SHAPE)
    ours = load_model(write_gguf(ref, tmp_path / "m.gguf"), dtype=torch.float32)
    with torch.no_grad():
        torch.testing.assert_close(ours(_ids()), ref(_ids()).logits, atol=2e-5, rtol=1e-5)
    for key, value in ref.state_dict().items():
        torch.testing.assert_close(ours.state_dict()[key], value, atol=0, rtol=0)


def test_qwen3_with_qk_norms(tmp_path, one_thread):
    """qwen3 (q/k RMSNorm): equal to the original model. (transformers 5.24's GGUF loader ignores
    key_length and assumes head_dim 128, so it is not the reference here.)"""
    import transformers
    torch.manual_seed(0)
    cfg = transformers.Qwen3Config(vocab_size=300, hidden_size=256, intermediate_size=512, num_hidden_layers=2,
                                   num_attention_heads=4, num_key_value_heads=2, head_dim=32, rope_theta=1e6,
                                   max_position_embeddings=256, tie_word_embeddings=False)
    ref = transformers.Qwen3ForCausalLM(cfg).eval()
    with torch.no_grad():
        for name, p in ref.named_parameters():
            if "norm" in name:
                p.add_(torch.randn_like(p) * 0.1)
    ours = load_model(write_gguf(ref, tmp_path / "m.gguf"), dtype=torch.float32)
    assert ours.config.head_dim == 32 and ours.config.qk_norm
    with torch.no_grad():
        torch.testing.assert_close(ours(_ids()), ref(_ids()).logits, atol=2e-5, rtol=1e-5)


def test_unpermute_inverts_llama_cpp_permute():
    w = torch.randn(4 * 64, 48)
    torch.testing.assert_close(unpermute_qk(llama_permute(w, 4), 4), w, atol=0, rtol=0)
    b = torch.randn(2 * 64)
    torch.testing.assert_close(unpermute_qk(llama_permute(b, 2), 2), b, atol=0, rtol=0)
    assert not torch.equal(llama_permute(w, 4), w)


def test_nf4_on_load_equals_quantizing_the_dequantized_model(tmp_path, one_thread):
    path = write_gguf(hf_model("qwen2", **SHAPE), tmp_path / "m.gguf", types=MIXED)
    dense = load_model(path, dtype=torch.bfloat16)
    nf4 = load_model(path, dtype=torch.bfloat16, quantize="nf4")
    linears = [n for n, m in nf4.named_modules() if isinstance(m, NF4Linear)]
    assert len(linears) == 2 * 7
    for name in linears:
        want = NF4Linear.from_linear(dense.get_submodule(name))
        got = nf4.get_submodule(name)
        for key, value in want.state_dict().items():
            assert torch.equal(got.state_dict()[key], value), (name, key)
    with torch.no_grad():
        assert torch.isfinite(nf4(_ids())).all()


def test_export_writes_a_checkpoint_transformers_and_we_load(tmp_path, one_thread):
    from models.convert import convert
    path = write_gguf(hf_model("llama", **SHAPE), tmp_path / "m.gguf", types=MIXED)
    out = convert(path, tmp_path / "hf", dtype="float32")
    assert {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"} <= {p.name for p in out.iterdir()}
    import transformers
    ref = transformers.AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32).eval()
    ours = load_model(path, dtype=torch.float32)
    with torch.no_grad():
        torch.testing.assert_close(ref(_ids()).logits, ours(_ids()), atol=2e-5, rtol=1e-5)
    a, b = load_tokenizer(out), load_tokenizer(path)
    text = "SELECT * FROM t WHERE x = 'é' <|im_end|>"
    assert a.encode(text) == b.encode(text) and a.chat_template == b.chat_template
    assert a.eos_token_id == b.eos_token_id and a.pad_token_id == b.pad_token_id


def test_tokenizer_from_gguf_metadata(tmp_path):
    vocab = byte_vocab(300)
    path = write_gguf(hf_model("qwen2", **SHAPE), tmp_path / "m.gguf", tokenizer=vocab)
    tok = load_tokenizer(path)
    assert load_tokenizer(tmp_path).encode("hi") == tok.encode("hi")  # a directory with one .gguf, no tokenizer.json
    ids = tok.encode("SELECT * FROM t<|im_end|>")
    assert ids[0] == vocab["tokens"].index("SELECT") and ids[-1] == vocab["eos"]
    assert tok.decode(ids) == "SELECT * FROM t<|im_end|>"
    assert tok.eos_token_id == vocab["eos"] and tok.pad_token_id == vocab["pad"]
    assert vocab["eos"] in tok.stop_token_ids
    text = tok.apply_chat_template([{"role": "user", "content": "q"}], add_generation_prompt=True)
    assert text == "<|im_start|>user\nq<|im_end|>\n<|im_start|>assistant\n"
    from transformers import AutoTokenizer
    ref = AutoTokenizer.from_pretrained(tmp_path, gguf_file="m.gguf")
    for s in ["SELECT count(*) FROM singer", "  spaces\tand\nnewlines ", "café 123 <|im_start|>x", "SELECTSELECT"]:
        assert tok.encode(s) == ref.encode(s, add_special_tokens=False), s


def test_names_and_file_discovery(tmp_path):
    assert hf_name("blk.3.attn_q.weight") == "model.layers.3.self_attn.q_proj.weight"
    assert hf_name("blk.0.ffn_norm.weight") == "model.layers.0.post_attention_layernorm.weight"
    assert hf_name("output.weight") == "lm_head.weight" and hf_name("rope_freqs.weight") is None
    path = write_gguf(hf_model("qwen2", **SHAPE), tmp_path / "a.gguf")
    assert find_gguf(tmp_path) == path and find_gguf(path) == path
    (tmp_path / "b.gguf").write_bytes(path.read_bytes())
    with pytest.raises(CheckpointError, match="2 .gguf files"):
        load_model(tmp_path)


def test_truncated_file_is_named(tmp_path):
    path = write_gguf(hf_model("qwen2", **SHAPE), tmp_path / "m.gguf", types=MIXED)
    data = path.read_bytes()
    for cut in (100, len(data) // 2, len(data) - 10):
        bad = tmp_path / f"cut{cut}.gguf"
        bad.write_bytes(data[:cut])
        with pytest.raises(CheckpointError, match=f"cut{cut}.gguf"):
            load_model(bad, dtype=torch.float32)
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"not a gguf file at all" * 10)
    with pytest.raises(CheckpointError, match="junk.gguf: not a readable GGUF file"):
        load_model(junk)


def test_unsupported_architecture_type_and_missing_metadata(tmp_path):
    ref = hf_model("llama", **SHAPE)
    gemma = write_gguf(ref, tmp_path / "g.gguf", arch="phi2")
    with pytest.raises(CheckpointError, match="architecture 'phi2' is not supported.*llama, qwen2, qwen3"):
        load_model(gemma)
    # A tensor type gguf cannot dequantize (I32): the error names the tensor and the supported types.
    import gguf
    import numpy as np
    w = gguf.GGUFWriter(str(tmp_path / "i.gguf"), "llama")
    w.add_block_count(1)
    w.add_embedding_length(8)
    w.add_feed_forward_length(16)
    w.add_head_count(2)
    w.add_layer_norm_rms_eps(1e-6)
    w.add_tensor("token_embd.weight", np.zeros((10, 8), np.int32))
    finish(w)
    with pytest.raises(CheckpointError, match=r"model.embed_tokens.weight: GGML type I32 cannot be dequantized \(supported: .*Q4_K"):
        load_model(tmp_path / "i.gguf")
    w = gguf.GGUFWriter(str(tmp_path / "m.gguf"), "qwen2")
    w.add_block_count(1)
    w.add_tensor("token_embd.weight", np.zeros((10, 8), np.float32))
    finish(w)
    with pytest.raises(CheckpointError, match="m.gguf: GGUF metadata lacks 'qwen2.attention.head_count'"):
        load_model(tmp_path / "m.gguf")


def test_config_from_metadata(tmp_path):
    ref = hf_model("qwen2", **SHAPE)
    ckpt = GGUFCheckpoint(write_gguf(ref, tmp_path / "m.gguf"))
    cfg = ckpt.config()
    for key in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                "num_key_value_heads", "rms_norm_eps", "max_position_embeddings"):
        assert getattr(cfg, key) == getattr(ref.config, key), key
    assert cfg.rope_theta == 1e6 and cfg.attention_bias and cfg.model_type == "qwen2"
    assert isinstance(ModelConfigError("x"), ValueError)


def test_save_checkpoint_of_a_gguf_model_round_trips(tmp_path, one_thread):
    path = write_gguf(hf_model("llama", **SHAPE), tmp_path / "m.gguf", types=MIXED)
    model = load_model(path, dtype=torch.float32, quantize="nf4")
    back = load_model(save_checkpoint(model, tmp_path / "nf4"), dtype=torch.float32)
    with torch.no_grad():
        torch.testing.assert_close(back(_ids()), model(_ids()), atol=0, rtol=0)


# ----------------------------------------------------------------------------- the real files

MODELS = REPO / "data" / "models"
REAL = {"smollm2": MODELS / "smollm2-135m-instruct-q4_1.gguf",
        "qwen2.5-coder-0.5b": MODELS / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"}
PROMPTS = ["How many singers are there?", "List the names of all stadiums ordered by capacity.",
           "Write a SQL query that counts the rows of table t.", "What is 2 + 2?", "Translate 'bonjour' to English."]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(REAL))
def test_real_model_matches_transformers(name):
    path = REAL[name]
    if not path.exists():
        pytest.skip(f"{path} not fetched (python bench/fetch_models.py)")
    from engine import generate
    ours, ref = load_model(path, dtype=torch.float32), _transformers_gguf(path)
    tok = load_tokenizer(path)
    from transformers import AutoTokenizer
    ref_tok = AutoTokenizer.from_pretrained(path.parent, gguf_file=path.name)
    texts = [tok.apply_chat_template([{"role": "user", "content": p}], add_generation_prompt=True) for p in PROMPTS]
    for text in texts[:3]:
        ids = torch.tensor([tok.encode(text)])
        assert ids[0].tolist() == ref_tok.encode(text, add_special_tokens=False)
        with torch.no_grad():
            a, b = ours(ids), ref(ids).logits
        assert ((a - b).norm() / b.norm()).item() < 1e-4
    outs = generate(ours, tok, texts, max_new_tokens=24)
    for text, out in zip(texts, outs):
        ids = torch.tensor([tok.encode(text)])
        want = ref.generate(ids, max_new_tokens=24, do_sample=False, eos_token_id=list(tok.stop_token_ids),
                            pad_token_id=tok.pad_token_id)[0, ids.shape[1]:].tolist()
        assert list(out[0].token_ids) == want, (text, out[0].text)


# ----------------------------------------------------------------------------- the Qwen2.5 tokenizer

QWEN_TOKENIZER = REPO.parent / "shared" / "data" / "tokenizers" / "qwen2.5" / "tokenizer.json"
SPIDER_DEV = REPO.parent / "shared" / "data" / "spider" / "dev.json"


def _strings() -> list[str]:
    import json
    rows = json.loads(SPIDER_DEV.read_text())[::7][:120]
    fixed = ["SELECT count(*) FROM singer", "  leading and trailing  ", "tabs\tand\nnew\r\nlines", "Zoë, café, naïve",
             "日本語のテキスト", "emoji 🙂 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "1234567890 3.14159 -42", "x<|im_end|>y<|im_start|>user\n",
             "<tool_call>{\"a\": 1}</tool_call>", "it's they're we'll I'd", "WHERE T1.id = T2.id AND name LIKE '%a%'"]
    return fixed + [r["question"] for r in rows] + [r["query"] for r in rows]


def test_qwen25_tokenizer_rebuilt_from_gguf(tmp_path):
    """A GGUF carrying the Qwen2.5 vocabulary (as llama.cpp's converter writes it) gives the ids of the
    real tokenizer.json and of transformers' GGUF tokenizer on ~250 strings (Spider questions and SQL,
    unicode, digits, special tokens)."""
    if not (QWEN_TOKENIZER.exists() and SPIDER_DEV.exists()):
        pytest.skip("needs ../shared/data (the Qwen2.5 tokenizer and Spider dev)")
    import json

    import gguf
    from tokenizers import Tokenizer

    real = Tokenizer.from_file(str(QWEN_TOKENIZER))
    spec = json.loads(QWEN_TOKENIZER.read_text())
    vocab = spec["model"]["vocab"]
    tokens = [None] * (max(vocab.values()) + 1)
    for t, i in vocab.items():
        tokens[i] = t
    types = [1] * len(tokens)
    for added in sorted(spec["added_tokens"], key=lambda a: a["id"]):
        assert added["id"] == len(tokens)
        tokens.append(added["content"])
        types.append(3 if added["special"] else 4)
    merges = [m if isinstance(m, str) else " ".join(m) for m in spec["model"]["merges"]]
    w = gguf.GGUFWriter(str(tmp_path / "qwen.gguf"), "qwen2")
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("qwen2")
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    w.add_eos_token_id(tokens.index("<|im_end|>"))
    w.add_pad_token_id(tokens.index("<|endoftext|>"))
    w.add_chat_template("{{ messages[0]['content'] }}")
    finish(w)
    ours = load_tokenizer(tmp_path / "qwen.gguf")
    from transformers import AutoTokenizer
    ref = AutoTokenizer.from_pretrained(tmp_path, gguf_file="qwen.gguf")
    strings = _strings()
    assert len(strings) > 200
    for s in strings:
        ids = ours.encode(s)
        assert ids == real.encode(s, add_special_tokens=False).ids, s
        assert ids == ref.encode(s, add_special_tokens=False), s
        assert ours.decode(ids) == s
    assert ours.encode("SELECT count(*) FROM singer") == [4858, 1760, 28671, 4295, 22757]


def test_fast_reader_equals_gguf_reader(tmp_path):
    """models/gguf.py reads metadata and tensor views itself (GGUFReader builds one numpy view per array
    element: ~30 s for a 262k vocabulary); every field and tensor equals GGUFReader's."""
    import gguf
    import numpy as np

    from models.gguf_reader import _FastReader
    path = write_gguf(hf_model("llama", **SHAPE), tmp_path / "m.gguf", types=MIXED)
    fast, ref = _FastReader(path, gguf), gguf.GGUFReader(str(path))
    assert list(fast.fields) == list(ref.fields)
    for key, field in ref.fields.items():
        want = field.contents()
        assert fast.fields[key].contents() == (want.tolist() if isinstance(want, np.ndarray) else want), key
    assert [t.name for t in fast.tensors] == [t.name for t in ref.tensors]
    for a, b in zip(fast.tensors, ref.tensors):
        assert a.tensor_type == b.tensor_type and a.shape.tolist() == b.shape.tolist()
        assert a.data.dtype == b.data.dtype and np.array_equal(a.data, b.data), a.name
