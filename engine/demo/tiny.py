"""A tiny causal LM written to disk in Hugging Face layout, with a tokenizer trained on a given corpus.

`write_tiny_model(out_dir, texts)` writes everything `models.load_model`, `models.tokenizer.load_tokenizer`
and transformers' `AutoModelForCausalLM` / `AutoTokenizer` read:

    config.json              a qwen2 (or llama) config: TinySpec's shape, tied embeddings
    model.safetensors        random weights: N(0, init_std) matrices, zero biases, unit norms (seeded)
    tokenizer.json           byte-level BPE trained with `tokenizers` on `texts`: Qwen2's split
                             pattern (single digits, words with their leading space), ChatML
                             special tokens <|endoftext|>, <|im_start|>, <|im_end|>
    tokenizer_config.json    eos <|im_end|>, pad <|endoftext|>, no bos, a ChatML chat template
    generation_config.json   eos ids (<|im_end|>, <|endoftext|>), pad id
    tiny_manifest.json       the spec and corpus fingerprint: an identical second call does nothing

`save_model(model, out_dir)` writes a (trained) CausalLM's weights and config back in the same
layout, so a briefly pretrained tiny base can be loaded again, e.g. with NF4 quantize-on-load.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, trainers
from tokenizers.models import BPE

from engine.demo.synthetic import built_alike, corpus_texts
from engine.run_dir import save_safetensors
from models.config import ModelConfig
from models.transformer import CausalLM

SPECIAL_TOKENS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
# Qwen2's pre-tokenizer split: contractions, words with one leading non-letter, single digits,
# punctuation runs, newlines, spaces. Digits one by one, so any number is spelled with ten tokens.
SPLIT_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                 r"|\s*[\r\n]+|\s+(?!\S)|\s+")
# ChatML, as Qwen2.5 renders it but without a default system message (shorter prompts).
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
FORMAT_VERSION = 1


@dataclass(frozen=True)
class TinySpec:
    """Shape and seed of a tiny model. vocab_size is the tokenizer's target; the embedding is
    the trained vocabulary rounded up to a multiple of 64."""
    model_type: str = "qwen2"  # "qwen2" (q/k/v bias) or "llama"
    vocab_size: int = 1024
    hidden_size: int = 128
    intermediate_size: int = 384
    num_hidden_layers: int = 4
    num_attention_heads: int = 4
    num_key_value_heads: int = 2
    max_position_embeddings: int = 1024
    rope_theta: float = 10000.0
    init_std: float = 0.02
    seed: int = 0

    def __post_init__(self):
        if self.model_type not in ("qwen2", "llama"):
            raise ValueError(f"TinySpec.model_type must be 'qwen2' or 'llama', got {self.model_type!r}")
        if self.hidden_size % self.num_attention_heads or self.num_attention_heads % self.num_key_value_heads:
            raise ValueError(f"TinySpec: hidden_size ({self.hidden_size}) must divide by num_attention_heads "
                             f"({self.num_attention_heads}), which must divide by num_key_value_heads "
                             f"({self.num_key_value_heads})")
        if self.vocab_size < 300:
            raise ValueError(f"TinySpec.vocab_size must be at least 300 (256 bytes + specials + merges), "
                             f"got {self.vocab_size}")


# ----------------------------------------------------------------------------- tokenizer


def train_tokenizer(texts, vocab_size: int = 1024) -> Tokenizer:
    """Byte-level BPE trained on `texts`, with the ChatML special tokens as ids 0, 1, 2."""
    tok = Tokenizer(BPE())
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(SPLIT_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, min_frequency=2, show_progress=False,
                                  special_tokens=list(SPECIAL_TOKENS),
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(list(texts), trainer=trainer)
    return tok


def write_tokenizer(tok: Tokenizer, out_dir: str | os.PathLike, max_length: int = 1024) -> None:
    """tokenizer.json, tokenizer_config.json (ChatML template) and special_tokens_map.json."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tok.save(str(out / "tokenizer.json"))
    added = {str(tok.token_to_id(t)): {"content": t, "lstrip": False, "normalized": False, "rstrip": False,
                                       "single_word": False, "special": True} for t in SPECIAL_TOKENS}
    config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "added_tokens_decoder": added,
        "additional_special_tokens": ["<|im_start|>", "<|im_end|>"],
        "bos_token": None,
        "eos_token": "<|im_end|>",
        "pad_token": "<|endoftext|>",
        "unk_token": None,
        "chat_template": CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "model_max_length": max_length,
        "split_special_tokens": False,
    }
    (out / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n")
    special = {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>",
               "additional_special_tokens": ["<|im_start|>", "<|im_end|>"]}
    (out / "special_tokens_map.json").write_text(json.dumps(special, indent=2) + "\n")


# ----------------------------------------------------------------------------- model


def hf_config(spec: TinySpec, vocab_size: int, eos_id: int, pad_id: int) -> dict:
    """config.json for the spec, in the dialect checkpoints on the hub use (rope_theta at top level)."""
    arch = {"qwen2": "Qwen2ForCausalLM", "llama": "LlamaForCausalLM"}[spec.model_type]
    cfg = {
        "architectures": [arch],
        "model_type": spec.model_type,
        "vocab_size": vocab_size,
        "hidden_size": spec.hidden_size,
        "intermediate_size": spec.intermediate_size,
        "num_hidden_layers": spec.num_hidden_layers,
        "num_attention_heads": spec.num_attention_heads,
        "num_key_value_heads": spec.num_key_value_heads,
        "head_dim": spec.hidden_size // spec.num_attention_heads,
        "hidden_act": "silu",
        "max_position_embeddings": spec.max_position_embeddings,
        "rms_norm_eps": 1e-6,
        "rope_theta": spec.rope_theta,
        "tie_word_embeddings": True,
        "initializer_range": spec.init_std,
        "bos_token_id": None,
        "eos_token_id": eos_id,
        "pad_token_id": pad_id,
        "torch_dtype": "float32",
        "use_cache": True,
    }
    if spec.model_type == "qwen2":
        cfg.update(use_sliding_window=False, sliding_window=None, max_window_layers=spec.num_hidden_layers)
    else:
        cfg.update(attention_bias=False, mlp_bias=False)
    return cfg


def random_state_dict(cfg, std: float, seed: int) -> dict[str, torch.Tensor]:
    """Checkpoint tensors for a models.ModelConfig: N(0, std) weights, zero biases, unit norms."""
    g = torch.Generator().manual_seed(seed)
    model = CausalLM(cfg)
    state = {}
    for name, p in model.state_dict().items():
        if name.endswith("norm.weight"):
            state[name] = torch.ones_like(p)
        elif name.endswith(".bias"):
            state[name] = torch.zeros_like(p)
        else:
            state[name] = torch.randn(p.shape, generator=g) * std
    return state


def _weights_for_disk(model_or_state, tied: bool) -> dict[str, torch.Tensor]:
    state = model_or_state if isinstance(model_or_state, dict) else model_or_state.state_dict()
    state = {k: v.detach().to("cpu").contiguous() for k, v in state.items()}
    if tied:
        state.pop("lm_head.weight", None)  # as transformers saves tied models
    return state


def save_model(model, out_dir: str | os.PathLike) -> Path:
    """Write a dense CausalLM's config.json (as read) and model.safetensors into out_dir."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cfg = model.config
    hf = dict(cfg.hf_config) if cfg.hf_config else None
    if not hf:
        raise ValueError("save_model needs a model loaded from a config.json (model.config.hf_config is empty)")
    state = _weights_for_disk(model, cfg.tie_word_embeddings)
    bad = [k for k, v in state.items() if not v.is_floating_point()]
    if bad:
        raise ValueError(f"save_model writes dense models only; quantized tensors found: {bad[:3]} "
                         f"(merge or dequantize first)")
    save_safetensors(state, out / "model.safetensors", metadata={"format": "pt"})
    (out / "config.json").write_text(json.dumps(hf, indent=2) + "\n")
    return out


def _fingerprint(texts) -> str:
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:16]


def write_tiny_model(out_dir: str | os.PathLike, texts, spec: TinySpec = TinySpec(), *, force: bool = False) -> Path:
    """Train a tokenizer on `texts` and write a randomly initialised model of `spec` beside it.

    Skipped (returns out_dir) when out_dir already holds a model built from the same spec and texts.
    """
    out = Path(out_dir)
    texts = list(texts)
    manifest = {"format": FORMAT_VERSION, "spec": asdict(spec), "corpus": _fingerprint(texts)}
    manifest_path = out / "tiny_manifest.json"
    needed = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "generation_config.json")
    if not force and built_alike(manifest_path, manifest, [out / f for f in needed]):
        return out
    out.mkdir(parents=True, exist_ok=True)
    manifest_path.unlink(missing_ok=True)

    tok = train_tokenizer(texts, spec.vocab_size)
    write_tokenizer(tok, out, spec.max_position_embeddings)
    eos_id, pad_id = tok.token_to_id("<|im_end|>"), tok.token_to_id("<|endoftext|>")
    vocab = -(-tok.get_vocab_size() // 64) * 64  # room to spare, a friendly multiple (as real models pad)
    hf = hf_config(spec, vocab, eos_id, pad_id)
    cfg = ModelConfig.from_hf(hf)
    state = random_state_dict(cfg, spec.init_std, spec.seed)
    save_safetensors(_weights_for_disk(state, tied=True), out / "model.safetensors", metadata={"format": "pt"})
    (out / "config.json").write_text(json.dumps(hf, indent=2) + "\n")
    generation = {"eos_token_id": [eos_id, pad_id], "pad_token_id": pad_id, "do_sample": False}
    (out / "generation_config.json").write_text(json.dumps(generation, indent=2) + "\n")
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    return out


def build_tiny_for_synthetic(model_dir: str | os.PathLike, data_dir: str | os.PathLike,
                             spec: TinySpec = TinySpec()) -> Path:
    """The tiny model for the synthetic task: tokenizer trained on its schemas, values and training split."""
    return write_tiny_model(model_dir, corpus_texts(data_dir, splits=("train",)), spec)
