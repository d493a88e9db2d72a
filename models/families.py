"""Which model file builds which config.json: the registry of families.

| family  | config.json model_type        | file                   | config class   | model class         |
|---------|-------------------------------|------------------------|----------------|---------------------|
| qwen2, qwen3, llama | qwen2, qwen3, llama | models/transformer.py | ModelConfig    | CausalLM            |
| gemma3  | gemma3_text, gemma3 (text)    | models/gemma3.py       | Gemma3Config   | Gemma3ForCausalLM   |
| qwen3_5 | qwen3_5_text, qwen3_5 (text)  | models/qwen3_5.py      | Qwen3_5Config  | Qwen3_5ForCausalLM  |

`ModelConfig.from_hf` hands a family's config.json to its config class; `load_model` builds the
model class `model_class(cfg)` names, and asks `checkpoint_key(cfg, key)` where a checkpoint
tensor goes (a multimodal checkpoint's `model.language_model.*` -> `model.*`; None: skipped, with
the reason `skip_reason(cfg, key)` gives).
"""

from __future__ import annotations

import importlib

from torch import nn

from .config import FAMILY_MODEL_TYPES, ModelConfig

_FAMILY_CLASSES = {"gemma3": ("models.gemma3", "Gemma3Config", "Gemma3ForCausalLM"),
                   "qwen3_5": ("models.qwen3_5", "Qwen3_5Config", "Qwen3_5ForCausalLM")}


def _family(name: str):
    module, config_name, model_name = _FAMILY_CLASSES[name]
    mod = importlib.import_module(module)
    return getattr(mod, config_name), getattr(mod, model_name)


def config_class(model_type: str) -> type[ModelConfig]:
    """The config class of a family's config.json model_type (e.g. "gemma3_text" -> Gemma3Config)."""
    return _family(FAMILY_MODEL_TYPES[model_type])[0]


def model_class(cfg: ModelConfig) -> type[nn.Module]:
    """The module class that builds `cfg`'s architecture."""
    if cfg.model_type in _FAMILY_CLASSES:
        return _family(cfg.model_type)[1]
    from .transformer import CausalLM
    return CausalLM


def checkpoint_key(cfg: ModelConfig, key: str) -> str | None:
    """Our name for a checkpoint tensor (the same name for the qwen2 / qwen3 / llama files); None: not loaded."""
    rename = getattr(cfg, "checkpoint_key", None)
    return key if rename is None else rename(key)


def skip_reason(cfg: ModelConfig, key: str) -> str:
    """Why `checkpoint_key` skips `key` (e.g. "vision tower: text only"), for the loader's note."""
    why = getattr(cfg, "skip_reason", None)
    return "not part of this model" if why is None else why(key)


def base_fields(hf: dict, defaults: dict) -> dict:
    """The ModelConfig fields every family shares, from a config.json dict; `defaults` stand in for
    the fields a family's config.json may leave out (transformers' defaults for that config class:
    multimodal checkpoints list only what differs)."""
    from .config import ModelConfigError

    def get(key):
        return hf[key] if hf.get(key) is not None else defaults.get(key)

    missing = [k for k in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                           "num_attention_heads") if get(k) is None]
    if missing:
        raise ModelConfigError(f"config.json lacks required field(s): {', '.join(missing)}")
    heads = get("num_attention_heads")
    return dict(vocab_size=get("vocab_size"), hidden_size=get("hidden_size"),
                intermediate_size=get("intermediate_size"), num_hidden_layers=get("num_hidden_layers"),
                num_attention_heads=heads, num_key_value_heads=get("num_key_value_heads") or heads,
                head_dim=get("head_dim") or get("hidden_size") // heads,
                rms_norm_eps=float(get("rms_norm_eps") or 1e-6),
                max_position_embeddings=int(get("max_position_embeddings") or 32768),
                tie_word_embeddings=bool(get("tie_word_embeddings")),
                bos_token_id=get("bos_token_id"), eos_token_id=get("eos_token_id"), pad_token_id=get("pad_token_id"))


def text_part(hf: dict, text_type: str, architecture: str) -> tuple[dict, bool]:
    """(the text model's config.json dict, whether `hf` was a multimodal config).

    A multimodal config nests the text model under `text_config`; its token ids and embedding tying
    may sit at the top level. The dict returned is what a text-only checkpoint of the same model
    would carry (model_type `text_type`), so an exported model loads as `architecture`."""
    if not isinstance(hf.get("text_config"), dict):
        return dict(hf), False
    text = dict(hf["text_config"])
    for key in ("tie_word_embeddings", "bos_token_id", "eos_token_id", "pad_token_id"):
        if text.get(key) is None and hf.get(key) is not None:
            text[key] = hf[key]
    text["model_type"], text["architectures"] = text_type, [architecture]
    return text, True
