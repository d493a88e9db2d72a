"""Tiny random checkpoints of each family, written by transformers' `save_pretrained`.

Shared by the tests: 2 layers, hidden 64, GQA 4:2, an odd vocab size. No hub access needed.
"""

from __future__ import annotations

from pathlib import Path

import torch

FAMILIES = ("qwen2", "qwen3", "llama")
VOCAB = 251  # odd on purpose


def hf_config(family: str, *, tied: bool = False, rope_scaling: dict | None = None, **overrides):
    import transformers

    common = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=160, num_hidden_layers=2,
                  num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
                  rms_norm_eps=1e-6, tie_word_embeddings=tied, bos_token_id=1, eos_token_id=2)
    common.update(overrides)
    if family == "qwen2":
        return transformers.Qwen2Config(rope_theta=1e6, **common)
    if family == "qwen3":
        return transformers.Qwen3Config(head_dim=32, rope_theta=1e6, **common)  # head_dim != hidden/heads
    if family == "llama":
        kw = dict(rope_scaling=rope_scaling) if rope_scaling else {}
        return transformers.LlamaConfig(rope_theta=10000.0, **kw, **common)
    raise ValueError(family)


def hf_model(family: str, seed: int = 0, **kw):
    import transformers

    torch.manual_seed(seed)
    cfg = hf_config(family, **kw)
    cls = {"qwen2": transformers.Qwen2ForCausalLM, "qwen3": transformers.Qwen3ForCausalLM,
           "llama": transformers.LlamaForCausalLM}[family]
    model = cls(cfg).eval()
    # transformers initialises biases and norms to constants; randomise them so parity means something.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias") or "norm" in name:
                p.add_(torch.randn_like(p) * 0.1)
    return model


def save_tiny(family: str, path: Path, *, seed: int = 0, max_shard_size=None, **kw):
    """Save a tiny random model; returns (path, the transformers model) for comparison."""
    model = hf_model(family, seed=seed, **kw)
    extra = {"max_shard_size": max_shard_size} if max_shard_size else {}
    model.save_pretrained(path, **extra)
    return Path(path), model


CHATML = ("{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}"
          "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")


def write_byte_tokenizer(path: Path) -> int:
    """A byte-level tokenizer (256 bytes + <|endoftext|>, <|im_start|>, <|im_end|>) with a ChatML
    template, as load_tokenizer reads it; returns its vocabulary size (259)."""
    import json

    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    tok = Tokenizer(models.BPE(vocab={c: i for i, c in enumerate(alphabet)}, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False)
                            for t in ("<|endoftext|>", "<|im_start|>", "<|im_end|>")])
    Path(path).mkdir(parents=True, exist_ok=True)
    tok.save(str(Path(path) / "tokenizer.json"))
    (Path(path) / "tokenizer_config.json").write_text(json.dumps(
        {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>", "chat_template": CHATML}))
    return tok.get_vocab_size()
