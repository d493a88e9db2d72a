"""config.json (or a GGUF file's metadata) as untrusted input: the values `ModelConfig.from_hf`
reads are type-checked, and the model they describe is sized against memory before anything
is built, so a hostile or broken config fails fast with a message instead of a traceback, a
silent misreading (`"tie_word_embeddings": "false"` is truthy) or an hour building a million
layers.

    problems = config_json_problems(raw)              # [] when every known field has a sane value
    why = fits_memory_problem(cfg, dtype=torch.bfloat16, nf4=True, device=torch.device("cuda"))  # None: fits

Only fields present are checked (a missing one is `from_hf`'s to report), in the config and in a
nested `text_config`; fields this file does not know are left alone.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import torch

POSITIVE_INTS = ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                 "num_key_value_heads", "head_dim", "max_position_embeddings")
NULLABLE = ("num_key_value_heads", "head_dim")  # from_hf falls back to the attention heads / hidden size / heads
POSITIVE_NUMBERS = ("rms_norm_eps", "rope_theta", "partial_rotary_factor")
BOOLS = ("tie_word_embeddings", "attention_bias", "mlp_bias", "use_sliding_window")  # null reads as false
STRINGS = ("model_type", "hidden_act")
TOKEN_IDS = ("bos_token_id", "eos_token_id", "pad_token_id")  # an id, a list of ids, or null
ROPE_DICTS = ("rope_scaling", "rope_parameters")
ROPE_INTS = ("original_max_position_embeddings",)
ROPE_NUMBERS = ("rope_theta", "factor", "low_freq_factor", "high_freq_factor")
MAX_SIZE = 2**31  # any one dimension; the largest real vocabularies are ~262k, hidden sizes ~16k
MAX_LAYERS = 1024  # the deepest real decoders have ~130; a meta-device build of a million takes hours
NF4_BYTES_PER_PARAM = 4.127 / 8  # packed codes + double-quantized scales (kernels/nf4.py)


def _kind(v) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
            dict: "an object", type(None): "null"}.get(type(v), type(v).__name__)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _field_problems(hf: dict, prefix: str) -> list[str]:
    out = []

    def bad(key, value, expected):
        try:
            shown = json.dumps(value)[:80]  # as config.json writes it: null, true, "64"
        except (TypeError, ValueError):
            shown = repr(value)[:80]
        out.append(f"{prefix}{key} = {shown} ({_kind(value)}): expected {expected}")

    for key in POSITIVE_INTS:
        if key in hf and not (hf[key] is None and key in NULLABLE):
            v = hf[key]
            limit = MAX_LAYERS if key == "num_hidden_layers" else MAX_SIZE
            if not _is_int(v) or not 0 < v <= limit:
                bad(key, v, f"an integer in [1, {limit}]")
    for key in POSITIVE_NUMBERS:
        if key in hf and not (_is_number(hf[key]) and hf[key] > 0):
            bad(key, hf[key], "a finite number > 0")
    for key in BOOLS:
        if key in hf and hf[key] is not None and not isinstance(hf[key], bool):
            bad(key, hf[key], "true or false")
    for key in STRINGS:
        if key in hf and not isinstance(hf[key], str):
            bad(key, hf[key], "a string")
    for key in TOKEN_IDS:
        v = hf.get(key)
        if v is not None and not (_is_int(v) or (isinstance(v, list) and all(_is_int(i) for i in v))):
            bad(key, v, "a token id, a list of token ids, or null")
    for key in ROPE_DICTS:
        rope = hf.get(key)
        if rope is None:
            continue
        if not isinstance(rope, dict):
            bad(key, rope, "an object or null")
            continue
        for sub in ROPE_NUMBERS:
            if sub in rope and not (_is_number(rope[sub]) and rope[sub] > 0):
                bad(f"{key}.{sub}", rope[sub], "a finite number > 0")
        for sub in ROPE_INTS:
            if sub in rope and not (_is_int(rope[sub]) and rope[sub] > 0):
                bad(f"{key}.{sub}", rope[sub], "a positive integer")
        for sub in ("rope_type", "type"):
            if sub in rope and not isinstance(rope[sub], str):
                bad(f"{key}.{sub}", rope[sub], "a string")
    return out


def config_json_problems(hf) -> list[str]:
    """Every value of a known field that has the wrong type or an impossible value, as
    "key = value (its JSON type): expected ..."; [] when there is none."""
    if not isinstance(hf, dict):
        return [f"the config is {_kind(hf)}, expected a JSON object of fields (vocab_size, hidden_size, ...)"]
    out = _field_problems(hf, "")
    if isinstance(hf.get("text_config"), dict):
        out += _field_problems(hf["text_config"], "text_config.")
    return out


# ----------------------------------------------------------------------------- memory


def estimated_bytes(cfg, *, dtype_bytes: int, nf4: bool) -> tuple[int, int]:
    """(parameters, bytes) of the model a ModelConfig describes: the decoder linears (NF4 or
    dense), embeddings, lm_head unless tied, norms. Biases and buffers are left out, so this
    slightly underestimates: it only refuses what cannot fit."""
    h, layers = cfg.hidden_size, cfg.num_hidden_layers
    linear = layers * (2 * h * cfg.q_size + 2 * h * cfg.kv_size + 3 * h * cfg.intermediate_size)
    other = cfg.vocab_size * h * (1 if cfg.tie_word_embeddings else 2) + (2 * layers + 1) * h
    nbytes = other * dtype_bytes + linear * (NF4_BYTES_PER_PARAM if nf4 else dtype_bytes)
    return linear + other, int(nbytes)


def available_bytes(device: torch.device) -> int | None:
    """Free memory on `device` (CUDA: the driver's free bytes; CPU: MemAvailable), None when unknown."""
    if device.type == "cuda" and torch.cuda.is_available():
        return torch.cuda.mem_get_info(device)[0]
    if device.type != "cpu":
        return None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _gb(n: float) -> str:
    return f"{n / 1e9:,.1f} GB"


def fits_memory_problem(cfg, *, dtype: torch.dtype, nf4: bool, device: torch.device) -> str | None:
    """Why the model cannot fit on `device` (estimated bytes vs available), or None."""
    free = available_bytes(device)
    params, need = estimated_bytes(cfg, dtype_bytes=torch.tensor([], dtype=dtype).element_size(), nf4=nf4)
    if free is None or need <= free:
        return None
    how = "NF4 decoder linears, " if nf4 else ""
    return (f"the model it describes ({params:,} parameters: {cfg.num_hidden_layers} layers, hidden_size "
            f"{cfg.hidden_size}, vocab_size {cfg.vocab_size}) needs about {_gb(need)} ({how}"
            f"{str(dtype).removeprefix('torch.')}), but {device} has {_gb(free)} available")
