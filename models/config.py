"""ModelConfig: the architecture of a decoder-only checkpoint, read from its `config.json`.

One frozen dataclass serves every family we support. The families differ by a few fields:

| family  | model_type | q/k/v bias | q/k RMSNorm | head_dim          | rope scaling        |
|---------|------------|------------|-------------|-------------------|---------------------|
| qwen2   | qwen2      | yes        | no          | hidden / heads    | none                |
| qwen3   | qwen3      | no         | yes         | explicit          | none                |
| llama   | llama      | config     | no          | explicit or h / n | llama3, linear      |

(Qwen1.5, Qwen2, Qwen2.5 and Qwen2.5-Coder are all `qwen2`; Falcon3 and Llama 3.x are `llama`.)

`config.json` comes in two dialects: checkpoints on the hub carry `rope_theta` and `rope_scaling`;
transformers >= 5 writes both into one `rope_parameters` dict. `from_hf` reads either.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import torch

from .config_json import config_json_problems

SUPPORTED_MODEL_TYPES = ("qwen2", "qwen3", "llama")
# Families with their own model file and config class (models/families.py): gemma3 (models/gemma3.py),
# qwen3_5 (models/qwen3_5.py). config.json's model_type -> family.
FAMILY_MODEL_TYPES = {"gemma3_text": "gemma3", "gemma3": "gemma3", "qwen3_5_text": "qwen3_5", "qwen3_5": "qwen3_5"}
SUPPORTED_ROPE_TYPES = ("default", "linear", "llama3")
SUPPORTED_ACTIVATIONS = ("silu",)


class ModelConfigError(ValueError):
    """A config.json we cannot build a model from; the message says which field and what is valid."""


@dataclass(frozen=True)
class ModelConfig:
    # What __post_init__ accepts; a family's subclass (models/gemma3.py, models/qwen3_5.py) names its own.
    model_types: ClassVar[tuple[str, ...]] = SUPPORTED_MODEL_TYPES
    activations: ClassVar[tuple[str, ...]] = SUPPORTED_ACTIVATIONS

    model_type: str
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    head_dim: int
    rms_norm_eps: float = 1e-6
    rope_theta: float = 10000.0
    rope_type: str = "default"  # one of SUPPORTED_ROPE_TYPES
    rope_factor: float = 1.0  # linear and llama3 scaling factor
    rope_low_freq_factor: float = 1.0  # llama3 only
    rope_high_freq_factor: float = 4.0  # llama3 only
    rope_original_max_position: int = 8192  # llama3 only
    max_position_embeddings: int = 32768
    tie_word_embeddings: bool = False
    attention_bias: bool = False  # bias on q/k/v (qwen2) or q/k/v/o (llama attention_bias)
    o_proj_bias: bool = False
    mlp_bias: bool = False
    qk_norm: bool = False  # qwen3: RMSNorm over head_dim on q and k before RoPE
    hidden_act: str = "silu"
    bos_token_id: int | None = None
    eos_token_id: int | list[int] | None = None
    pad_token_id: int | None = None
    # The checkpoint's config.json as read, so an exported model can be written back faithfully.
    hf_config: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        problems = []
        if self.model_type not in self.model_types:
            problems.append(f"model_type {self.model_type!r} is not supported (supported: {', '.join(self.model_types)})")
        if self.rope_type not in SUPPORTED_ROPE_TYPES:
            problems.append(f"rope scaling type {self.rope_type!r} is not supported (supported: {', '.join(SUPPORTED_ROPE_TYPES)})")
        if self.hidden_act not in self.activations:
            problems.append(f"hidden_act {self.hidden_act!r} is not supported (supported: {', '.join(self.activations)})")
        for name in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                     "num_attention_heads", "num_key_value_heads", "head_dim"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) <= 0:
                problems.append(f"{name} must be a positive integer, got {getattr(self, name)!r}")
        if not problems and self.num_attention_heads % self.num_key_value_heads:
            problems.append(f"num_attention_heads ({self.num_attention_heads}) must be a multiple of "
                            f"num_key_value_heads ({self.num_key_value_heads})")
        if not problems and self.head_dim % 2:
            problems.append(f"head_dim must be even for RoPE, got {self.head_dim}")
        if problems:
            raise ModelConfigError("; ".join(problems))

    # Derived values.
    @property
    def q_size(self) -> int:
        return self.num_attention_heads * self.head_dim

    @property
    def kv_size(self) -> int:
        return self.num_key_value_heads * self.head_dim

    @property
    def gqa_groups(self) -> int:
        return self.num_attention_heads // self.num_key_value_heads

    @classmethod
    def from_file(cls, path: str | Path) -> "ModelConfig":
        path = Path(path)
        try:
            raw = json.loads(path.read_text())
        except FileNotFoundError:
            raise ModelConfigError(f"{path}: no config.json here") from None
        except json.JSONDecodeError as e:
            raise ModelConfigError(f"{path}: not valid JSON ({e})") from None
        try:
            return cls.from_hf(raw)
        except ModelConfigError as e:
            raise ModelConfigError(f"{path}: {e}") from None

    @classmethod
    def from_hf(cls, hf: dict[str, Any]) -> "ModelConfig":
        """Build from a transformers-style config dict (either rope dialect)."""
        problems = config_json_problems(hf)  # types and ranges of every field read below (models/config_json.py)
        if problems:
            raise ModelConfigError("; ".join(problems))
        model_type = hf.get("model_type")
        if model_type in FAMILY_MODEL_TYPES and cls is ModelConfig:
            from .families import config_class  # the family's own config class (a subclass of this one)
            return config_class(model_type).from_hf(hf)
        if model_type not in SUPPORTED_MODEL_TYPES:
            raise ModelConfigError(f"model_type {model_type!r} is not supported "
                              f"(supported: {', '.join(SUPPORTED_MODEL_TYPES + tuple(FAMILY_MODEL_TYPES))})")
        missing = [k for k in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                               "num_attention_heads") if k not in hf]
        if missing:
            raise ModelConfigError(f"config.json lacks required field(s): {', '.join(missing)}")
        if hf.get("use_sliding_window"):
            raise ModelConfigError("use_sliding_window=true is not supported (only full attention)")
        if hf.get("partial_rotary_factor", 1.0) != 1.0:
            raise ModelConfigError(f"partial_rotary_factor={hf['partial_rotary_factor']} is not supported (only 1.0)")
        if hf.get("pretraining_tp", 1) not in (1, None):
            # transformers' llama ignores it for inference too; it changes nothing numerically.
            pass

        heads = hf["num_attention_heads"]
        head_dim = hf.get("head_dim") or hf["hidden_size"] // heads
        rope = _rope_fields(hf)
        attn_bias = {"qwen2": True, "qwen3": bool(hf.get("attention_bias", False)),
                     "llama": bool(hf.get("attention_bias", False))}[model_type]
        return cls(
            model_type=model_type,
            vocab_size=hf["vocab_size"],
            hidden_size=hf["hidden_size"],
            intermediate_size=hf["intermediate_size"],
            num_hidden_layers=hf["num_hidden_layers"],
            num_attention_heads=heads,
            num_key_value_heads=hf.get("num_key_value_heads") or heads,
            head_dim=head_dim,
            rms_norm_eps=float(hf.get("rms_norm_eps", 1e-6)),
            max_position_embeddings=int(hf.get("max_position_embeddings", 32768)),
            tie_word_embeddings=bool(hf.get("tie_word_embeddings", False)),
            attention_bias=attn_bias,
            # qwen2/qwen3 never bias o_proj; llama's attention_bias covers o_proj too.
            o_proj_bias=attn_bias if model_type == "llama" else False,
            mlp_bias=bool(hf.get("mlp_bias", False)) if model_type == "llama" else False,
            qk_norm=model_type == "qwen3",
            hidden_act=hf.get("hidden_act", "silu"),
            bos_token_id=hf.get("bos_token_id"),
            eos_token_id=hf.get("eos_token_id"),
            pad_token_id=hf.get("pad_token_id"),
            hf_config=dict(hf),
            **rope,
        )


def _rope_fields(hf: dict) -> dict:
    """RoPE theta and scaling from either `rope_parameters` (transformers 5) or `rope_theta` + `rope_scaling`."""
    params = hf.get("rope_parameters")
    if isinstance(params, dict) and "rope_theta" in params:
        theta, scaling = params["rope_theta"], params
    else:
        theta, scaling = hf.get("rope_theta", 10000.0), hf.get("rope_scaling") or {}
    rope_type = scaling.get("rope_type", scaling.get("type", "default")) if scaling else "default"
    fields = dict(rope_theta=float(theta), rope_type=rope_type)
    if rope_type not in SUPPORTED_ROPE_TYPES:
        raise ModelConfigError(f"rope scaling type {rope_type!r} is not supported "
                          f"(supported: {', '.join(SUPPORTED_ROPE_TYPES)})")
    if rope_type in ("linear", "llama3"):
        if "factor" not in scaling:
            raise ModelConfigError(f"rope scaling of type {rope_type!r} needs a 'factor'")
        fields["rope_factor"] = float(scaling["factor"])
    if rope_type == "llama3":
        need = ("low_freq_factor", "high_freq_factor", "original_max_position_embeddings")
        absent = [k for k in need if k not in scaling]
        if absent:
            raise ModelConfigError(f"rope scaling of type 'llama3' lacks {', '.join(absent)}")
        fields.update(rope_low_freq_factor=float(scaling["low_freq_factor"]),
                      rope_high_freq_factor=float(scaling["high_freq_factor"]),
                      rope_original_max_position=int(scaling["original_max_position_embeddings"]))
    return fields


def rope_inv_freq(cfg: ModelConfig, device=None) -> torch.Tensor:
    """Inverse frequencies (head_dim/2,) in fp32, with the config's scaling applied.

    default: theta^(-2i/d) (RoFormer, https://arxiv.org/abs/2104.09864).
    linear:  divided by `factor` (position interpolation, https://arxiv.org/abs/2306.15595).
    llama3:  long wavelengths divided by `factor`, short ones kept, a smooth blend between
             (Llama 3.1's scheme; thresholds are original_max_position / {low,high}_freq_factor).
    """
    d = cfg.head_dim
    inv_freq = 1.0 / (cfg.rope_theta ** (torch.arange(0, d, 2, dtype=torch.int64, device=device).float() / d))
    if cfg.rope_type == "linear":
        inv_freq = inv_freq / cfg.rope_factor
    elif cfg.rope_type == "llama3":
        factor, lo, hi = cfg.rope_factor, cfg.rope_low_freq_factor, cfg.rope_high_freq_factor
        old_len = cfg.rope_original_max_position
        low_freq_wavelen, high_freq_wavelen = old_len / lo, old_len / hi
        wavelen = 2 * math.pi / inv_freq
        scaled = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
        smooth = (old_len / wavelen - lo) / (hi - lo)
        blended = (1 - smooth) * scaled / factor + smooth * scaled
        medium = (wavelen >= high_freq_wavelen) & (wavelen <= low_freq_wavelen)
        inv_freq = torch.where(medium, blended, scaled)
    return inv_freq
