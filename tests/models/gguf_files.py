"""Tiny GGUF files written the way llama.cpp's converter writes them, for the GGUF tests.

`write_gguf(hf_model, path, types=...)` takes a transformers model (tests/tiny_models.py), renames
its tensors to llama.cpp's names, permutes the Q/K rows of llama models as llama.cpp does,
quantizes each tensor to the GGML type asked for, and writes the metadata a GGUF reader needs
(architecture fields, a byte-level BPE tokenizer, a ChatML template).

K-quants: the `gguf` package can read but not write them, so `_random_k_blocks` builds valid
blocks from random bytes with sane scale fields (the values are random weights either way).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from tests.tiny_models import CHATML

RENAMES = {"q_proj": "attn_q", "k_proj": "attn_k", "v_proj": "attn_v", "o_proj": "attn_output",
           "gate_proj": "ffn_gate", "up_proj": "ffn_up", "down_proj": "ffn_down",
           "input_layernorm": "attn_norm", "post_attention_layernorm": "ffn_norm",
           "q_norm": "attn_q_norm", "k_norm": "attn_k_norm"}


def gguf_name(key: str) -> str:
    if key == "model.embed_tokens.weight":
        return "token_embd.weight"
    if key == "model.norm.weight":
        return "output_norm.weight"
    if key == "lm_head.weight":
        return "output.weight"
    parts = key.split(".")  # model.layers.N.<self_attn|mlp>.<name>.<kind> or model.layers.N.<norm>.<kind>
    layer, name, kind = parts[2], parts[-2], parts[-1]
    return f"blk.{layer}.{RENAMES[name]}.{kind}"


def llama_permute(w: torch.Tensor, n_head: int) -> torch.Tensor:
    """llama.cpp's convert_hf_to_gguf `permute`: RoPE pairs of each head interleaved."""
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def _random_k_blocks(rows: int, cols: int, qtype, seed: int) -> np.ndarray:
    """Valid Q4_K / Q5_K / Q6_K / Q2_K / Q3_K blocks: random payload, small positive fp16 scales."""
    import gguf

    block, nbytes = gguf.GGML_QUANT_SIZES[qtype]
    assert cols % block == 0, f"{qtype.name} needs rows of a multiple of {block} values"
    rng = np.random.default_rng(seed)
    raw = rng.integers(0, 256, size=(rows, cols // block, nbytes), dtype=np.uint8)
    d = np.array([0.002], np.float16).view(np.uint8)
    T = gguf.GGMLQuantizationType
    if qtype in (T.Q4_K, T.Q5_K):  # d, dmin first
        raw[..., 0:2], raw[..., 2:4] = d, d
    elif qtype == T.Q2_K:  # scales(16) qs(64) d dmin
        raw[..., nbytes - 4:nbytes - 2], raw[..., nbytes - 2:] = d, d
    else:  # Q3_K, Q6_K: d last
        raw[..., nbytes - 2:] = d
    return raw.reshape(rows, -1)


def write_gguf(model, path: Path, *, types: dict[str, str] | None = None, default: str = "F32",
               tokenizer: dict | None = None, arch: str | None = None, seed: int = 0) -> Path:
    """Write `model` (a transformers CausalLM) as a GGUF file.

    types:   GGML type per GGUF tensor-name suffix, e.g. {"attn_q.weight": "Q8_0", "ffn_down": "Q4_K"};
             1-D tensors always stay F32 (as llama.cpp keeps norms and biases).
    tokenizer: {"tokens": [...], "merges": [...], "types": [...], "pre": "qwen2", "eos": id, ...};
             default: a byte-level vocabulary the size of the model's embedding.
    """
    import gguf

    cfg = model.config
    arch = arch or cfg.model_type
    T = gguf.GGMLQuantizationType
    w = gguf.GGUFWriter(str(path), arch)
    w.add_block_count(cfg.num_hidden_layers)
    w.add_context_length(cfg.max_position_embeddings)
    w.add_embedding_length(cfg.hidden_size)
    w.add_feed_forward_length(cfg.intermediate_size)
    w.add_head_count(cfg.num_attention_heads)
    w.add_head_count_kv(cfg.num_key_value_heads)
    w.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    rope = getattr(cfg, "rope_parameters", None) or {}
    w.add_rope_freq_base(float(rope.get("rope_theta", getattr(cfg, "rope_theta", 10000.0))))
    head_dim = getattr(cfg, "head_dim", None) or cfg.hidden_size // cfg.num_attention_heads
    w.add_rope_dimension_count(head_dim)
    if head_dim != cfg.hidden_size // cfg.num_attention_heads:
        w.add_key_length(head_dim)
        w.add_value_length(head_dim)
    w.add_vocab_size(cfg.vocab_size)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    tok = tokenizer or byte_vocab(cfg.vocab_size)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre(tok.get("pre", "default"))
    w.add_token_list(tok["tokens"])
    w.add_token_types(tok["types"])
    w.add_token_merges(tok["merges"])
    w.add_eos_token_id(tok.get("eos", 2))
    w.add_bos_token_id(tok.get("bos", 1))
    if "pad" in tok:
        w.add_pad_token_id(tok["pad"])
    w.add_chat_template(tok.get("chat_template", CHATML))

    types = types or {}
    for i, (key, value) in enumerate(model.state_dict().items()):
        if key == "lm_head.weight" and cfg.tie_word_embeddings:
            continue
        value = value.detach().float()
        if arch == "llama" and key.endswith(("q_proj.weight", "q_proj.bias")):
            value = llama_permute(value, cfg.num_attention_heads)
        elif arch == "llama" and key.endswith(("k_proj.weight", "k_proj.bias")):
            value = llama_permute(value, cfg.num_key_value_heads)
        name = gguf_name(key)
        kind = next((t for suffix, t in types.items() if name.endswith(suffix)), default) if value.ndim > 1 else "F32"
        qtype = T[kind]
        array = value.numpy()
        if qtype == T.F32:
            w.add_tensor(name, array)
        elif qtype == T.F16:
            w.add_tensor(name, array.astype(np.float16))
        elif qtype in (T.Q2_K, T.Q3_K, T.Q4_K, T.Q5_K, T.Q6_K):
            w.add_tensor(name, _random_k_blocks(*array.shape, qtype, seed + i), raw_dtype=qtype)
        else:
            w.add_tensor(name, gguf.quants.quantize(array, qtype), raw_dtype=qtype)
    return finish(w, path)


def finish(writer, path=None) -> Path | None:
    """Write a GGUFWriter's header, metadata and tensors, and close it; returns `path` as a Path."""
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return None if path is None else Path(path)


def byte_vocab(size: int) -> dict:
    """A byte-level vocabulary of `size` tokens: the 256 bytes, a few merges, ChatML control tokens."""
    from tokenizers import pre_tokenizers

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    tokens = list(alphabet)
    merges = []
    for a, b in [("S", "E"), ("L", "E"), ("C", "T"), ("SE", "LE"), ("SELE", "CT"), ("Ġ", "*"), ("F", "R")]:
        merges.append(f"{a} {b}")
        tokens.append(a + b)
    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    while len(tokens) < size - len(specials):
        tokens.append(f"[PAD{len(tokens)}]")
    types = [1] * len(tokens) + [3] * len(specials)
    for i, t in enumerate(tokens):
        if t.startswith("[PAD"):
            types[i] = 5
    tokens += specials
    return {"tokens": tokens, "merges": merges, "types": types, "pre": "default",
            "eos": tokens.index("<|im_end|>"), "bos": tokens.index("<|endoftext|>"), "pad": tokens.index("<|endoftext|>")}


GEMMA3_RENAMES = {**RENAMES, "post_attention_layernorm": "post_attention_norm", "pre_feedforward_layernorm": "ffn_norm",
                  "post_feedforward_layernorm": "post_ffw_norm"}


def gemma_vocab(size: int) -> dict:
    """A Gemma-shaped SentencePiece vocabulary of `size` tokens, as llama.cpp's converter writes it:
    control tokens, user-defined newline / space runs (spaces spelled as spaces), the 256 byte-fallback
    tokens, "▁"-words, scores -1000 for specials and 0, -1, -2, ... for the rest."""
    specials = ["<pad>", "<eos>", "<bos>", "<unk>", "<mask>", "<start_of_turn>", "<end_of_turn>"]
    user = ["\n", "\n\n", "  ", "   ", "<tool>"]
    pieces = ["▁", "S", "E", "L", "C", "T", "F", "R", "O", "M", "e", "l", "c", "t", "a", "b", "n", "i", "o", "r",
              "s", "u", "q", "(", ")", "*", ",", ".", "=", "'",
              "EL", "ECT", "SEL", "SELECT", "▁SELECT", "▁F", "RO", "ROM", "▁FROM", "▁t", "ab", "le", "▁table",
              "in", "▁in", "er", "on", "▁a", "re", "▁s", "un", "▁count", "ou", "nt", "co", "count"]
    tokens = specials + user + [f"<0x{b:02X}>" for b in range(256)] + pieces
    types = [3] * len(specials) + [4] * len(user) + [6] * 256 + [1] * len(pieces)
    scores = [-1000.0] * (len(specials) + len(user) + 256) + [-float(i) for i in range(len(pieces))]
    while len(tokens) < size:
        tokens.append(f"<unused{len(tokens)}>")
        types.append(3)
        scores.append(-1000.0)
    assert len(tokens) == size, f"the vocabulary needs at least {len(tokens)} tokens"
    return {"tokens": tokens, "types": types, "scores": scores}


def write_gemma3_gguf(model, path: Path, *, types: dict[str, str] | None = None, seed: int = 0) -> Path:
    """`model` (a transformers Gemma3ForCausalLM, 6-layer pattern) as llama.cpp writes a Gemma 3 GGUF:
    its names, norms stored as 1 + w, a SentencePiece vocabulary (`gemma_vocab`), no merges, no template."""
    import gguf

    cfg = model.config
    T = gguf.GGMLQuantizationType
    w = gguf.GGUFWriter(str(path), "gemma3")
    w.add_block_count(cfg.num_hidden_layers)
    w.add_context_length(cfg.max_position_embeddings)
    w.add_embedding_length(cfg.hidden_size)
    w.add_feed_forward_length(cfg.intermediate_size)
    w.add_head_count(cfg.num_attention_heads)
    w.add_head_count_kv(cfg.num_key_value_heads)
    w.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    w.add_rope_freq_base(float(cfg.rope_parameters["full_attention"]["rope_theta"]))
    w.add_key_length(cfg.head_dim)
    w.add_value_length(cfg.head_dim)
    w.add_sliding_window(cfg.sliding_window)
    w.add_file_type(gguf.LlamaFileType.ALL_F32)
    vocab = gemma_vocab(cfg.vocab_size)
    w.add_tokenizer_model("llama")
    w.add_tokenizer_pre("default")
    w.add_token_list(vocab["tokens"])
    w.add_token_scores(vocab["scores"])
    w.add_token_types(vocab["types"])
    w.add_bos_token_id(2)
    w.add_eos_token_id(1)
    w.add_unk_token_id(3)
    w.add_pad_token_id(0)
    types = types or {}
    for i, (key, value) in enumerate(model.state_dict().items()):
        if key == "lm_head.weight":
            continue  # tied
        value = value.detach().float()
        if key.endswith("norm.weight"):
            value = value + 1  # llama.cpp's norm multiplies by the stored weight
        if key == "model.embed_tokens.weight":
            name = "token_embd.weight"
        elif key == "model.norm.weight":
            name = "output_norm.weight"
        else:
            parts = key.split(".")
            name = f"blk.{parts[2]}.{GEMMA3_RENAMES[parts[-2]]}.{parts[-1]}"
        kind = next((t for suffix, t in types.items() if name.endswith(suffix)), "F32") if value.ndim > 1 else "F32"
        qtype = T[kind]
        array = value.numpy()
        if qtype == T.F32:
            w.add_tensor(name, array)
        elif qtype in (T.Q4_K, T.Q6_K):
            w.add_tensor(name, _random_k_blocks(*array.shape, qtype, seed + i), raw_dtype=qtype)
        else:
            w.add_tensor(name, gguf.quants.quantize(array, qtype), raw_dtype=qtype)
    return finish(w, path)
