"""LoRA adapter files in peft's layout: `save_adapter`, `load_adapter`, and the option tables.

`adapter_config.json` and `adapter_model.safetensors` with keys
`base_model.model.<module path>.lora_A.weight`, so peft's `PeftModel.from_pretrained` loads ours and
we load peft's. Options that change what the adapter computes and that engine/lora.py does not
implement (DoRA, trained biases, ...) are named in the error, never silently dropped.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from collections import Counter
from pathlib import Path

import torch
from safetensors import safe_open
from torch import nn

from engine.lora import LoRALinear, LoraReport, inject, lora_modules, lora_state_dict, report, resolve_targets
from engine.run_dir import save_safetensors

ADAPTER_CONFIG = "adapter_config.json"
ADAPTER_WEIGHTS = "adapter_model.safetensors"
PEFT_PREFIX = "base_model.model."  # peft's prefix for module paths in adapter files


class AdapterError(ValueError):
    """An adapter directory we can't load; the message says what and where, and what would be valid."""


# ----------------------------------------------------------------------------------------------
# Adapter files in peft's layout.

def _module_settings(mods: dict[str, LoRALinear]) -> dict:
    """adapter_config.json fields describing the modules: r and alpha, plus peft patterns where they differ."""
    dropouts = {m.dropout for m in mods.values()}
    rslora = {m.use_rslora for m in mods.values()}
    if len(dropouts) > 1 or len(rslora) > 1:
        raise ValueError(f"save_adapter: LoRA modules differ in dropout {sorted(dropouts)} or use_rslora "
                         f"{sorted(rslora)}; peft's adapter_config.json holds one value of each")
    r = Counter(m.r for m in mods.values()).most_common(1)[0][0]
    alpha = Counter(m.alpha for m in mods.values()).most_common(1)[0][0]
    # peft matches pattern keys with re.match(rf"(.*\.)?({key})$", path); an escaped full path matches itself.
    rank_pattern = {re.escape(n): m.r for n, m in mods.items() if m.r != r}
    alpha_pattern = {re.escape(n): _num(m.alpha) for n, m in mods.items() if m.alpha != alpha}
    return dict(r=r, lora_alpha=_num(alpha), lora_dropout=dropouts.pop(), use_rslora=rslora.pop(),
                rank_pattern=rank_pattern, alpha_pattern=alpha_pattern)


def _num(x: float):
    return int(x) if float(x).is_integer() else float(x)


def adapter_config(model: nn.Module, base_model_name_or_path: str | None = None) -> dict:
    """The adapter_config.json peft writes for these LoRA modules (LoRA, no bias, causal LM)."""
    mods = lora_modules(model)
    if not mods:
        raise ValueError("the model has no LoRA modules (apply_lora first)")
    if base_model_name_or_path is None:
        base_model_name_or_path = getattr(model, "source", None)
    return dict(
        peft_type="LORA", task_type="CAUSAL_LM", base_model_name_or_path=base_model_name_or_path, revision=None,
        inference_mode=True,
        **_module_settings(mods),
        target_modules=sorted(mods),  # full paths, as peft itself writes for "all-linear"
        exclude_modules=None, bias="none", lora_bias=False, fan_in_fan_out=False, modules_to_save=None,
        init_lora_weights=True, use_dora=False, layers_to_transform=None, layers_pattern=None,
    )


def save_adapter(model: nn.Module, path, *, base_model_name_or_path: str | None = None) -> Path:
    """Write `adapter_config.json` and `adapter_model.safetensors` (fp32) in peft's layout into `path`."""
    path = Path(path)
    config = adapter_config(model, base_model_name_or_path)
    tensors = {PEFT_PREFIX + key: t.detach().to("cpu", torch.float32).contiguous()
               for key, t in lora_state_dict(model).items()}
    path.mkdir(parents=True, exist_ok=True)
    save_safetensors(tensors, path / ADAPTER_WEIGHTS, metadata={"format": "pt"})
    (path / ADAPTER_CONFIG).write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    return path


# peft options that change what the adapter computes and that we don't implement: name -> default.
UNSUPPORTED_OPTIONS = {
    "use_dora": False, "lora_bias": False, "fan_in_fan_out": False, "modules_to_save": None,
    "layers_to_transform": None, "layers_pattern": None, "layer_replication": None, "target_parameters": None,
    "trainable_token_indices": None, "use_qalora": False, "alora_invocation_tokens": None, "arrow_config": None,
    "velora_config": None, "monteclora_config": None, "kasa_config": None, "use_bdlora": None,
    "megatron_config": None,
}
# peft options that only matter when an adapter is created (or are bookkeeping): ignored on load.
IGNORED_OPTIONS = {
    "auto_mapping", "base_model_name_or_path", "revision", "inference_mode", "peft_version", "task_type",
    "megatron_core", "qalora_group_size", "loftq_config", "eva_config", "corda_config", "lora_ga_config",
    "ensure_weight_tying", "init_lora_weights",
}
SUPPORTED_OPTIONS = {"peft_type", "r", "lora_alpha", "lora_dropout", "use_rslora", "target_modules",
                     "exclude_modules", "rank_pattern", "alpha_pattern", "bias"}
# init_lora_weights values that rewrite the base weights at creation: such an adapter only fits
# the rewritten base (peft can convert it on save; then the config says True).
BASE_CHANGING_INITS = ("pissa", "olora", "corda", "loftq", "lora_ga", "orthogonal")


def _is_default(value, default) -> bool:
    return value == default or (default is None and value in ([], {}, "")) or (default is False and value is None)


def _read_adapter_config(path: Path) -> dict:
    file = path / ADAPTER_CONFIG
    if not path.is_dir():
        raise AdapterError(f"{path}: no such adapter directory (expected {ADAPTER_CONFIG} and {ADAPTER_WEIGHTS})")
    try:
        cfg = json.loads(file.read_text())
    except FileNotFoundError:
        raise AdapterError(f"{path}: no {ADAPTER_CONFIG} here (an adapter directory written by save_adapter or "
                           f"peft's save_pretrained has one)") from None
    except json.JSONDecodeError as e:
        raise AdapterError(f"{file}: not valid JSON ({e})") from None
    if not isinstance(cfg, dict):
        raise AdapterError(f"{file}: expected a JSON object")

    if cfg.get("peft_type") != "LORA":
        raise AdapterError(f"{file}: peft_type is {cfg.get('peft_type')!r}; only 'LORA' adapters are supported")
    problems = []
    for name, default in UNSUPPORTED_OPTIONS.items():
        if name in cfg and not _is_default(cfg[name], default):
            problems.append(f"{name}={cfg[name]!r} (only {default!r} is supported)")
    if cfg.get("bias", "none") != "none":
        problems.append(f"bias={cfg['bias']!r} (only 'none' is supported: no trained biases)")
    init = cfg.get("init_lora_weights", True)
    if isinstance(init, str) and init.lower().startswith(BASE_CHANGING_INITS):
        problems.append(f"init_lora_weights={init!r} (this init rewrites the base weights, so the adapter only fits "
                        f"the rewritten base; convert it with peft's path_initial_model_for_weight_conversion)")
    r, alpha, dropout = cfg.get("r"), cfg.get("lora_alpha"), cfg.get("lora_dropout") or 0.0
    if not _positive_int(r):
        problems.append(f"r={r!r} (must be a positive integer)")
    if not _finite_number(alpha):  # json.loads reads NaN and Infinity: scaling alpha / r would be NaN or inf
        problems.append(f"lora_alpha={alpha!r} (must be a finite number)")
    if not _finite_number(dropout) or not 0.0 <= dropout < 1.0:
        problems.append(f"lora_dropout={dropout!r} (must be a number in [0, 1))")
    for key, valid, what in (("rank_pattern", _positive_int, "positive integers"),
                             ("alpha_pattern", _finite_number, "finite numbers")):
        patterns = cfg.get(key) or {}
        bad = {k: v for k, v in patterns.items() if not valid(v)} if isinstance(patterns, dict) else patterns
        if bad:
            problems.append(f"{key}={bad!r} (must map module patterns to {what})")
    if cfg.get("target_modules") is None:
        problems.append("target_modules is missing")
    if problems:
        raise AdapterError(f"{file}: unsupported or invalid adapter option(s): " + "; ".join(problems))
    unknown = {k: v for k, v in cfg.items()
               if k not in SUPPORTED_OPTIONS | IGNORED_OPTIONS | set(UNSUPPORTED_OPTIONS) and v not in (None, False, [], {})}
    if unknown:
        warnings.warn(f"{file}: ignoring peft option(s) this loader doesn't know: {sorted(unknown)}", stacklevel=3)
    return cfg


def _positive_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v > 0


def _finite_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _pattern_value(patterns: dict, path: str, default):
    """peft's get_pattern_key: the first key k with re.match(rf"(.*\\.)?({k})$", path)."""
    for key, value in (patterns or {}).items():
        if re.match(rf"(.*\.)?({key})$", path):
            return value
    return default


def _read_adapter_weights(path: Path) -> dict[str, torch.Tensor]:
    file = path / ADAPTER_WEIGHTS
    if not file.exists():
        pickles = [p.name for p in path.glob("adapter_model.bin")]
        hint = (" It has adapter_model.bin: pickle files are never loaded (they can run code); re-save it with "
                "peft's save_pretrained(safe_serialization=True).") if pickles else ""
        raise AdapterError(f"{path}: no {ADAPTER_WEIGHTS}.{hint}")
    try:
        with safe_open(str(file), framework="pt", device="cpu") as f:
            return {k: f.get_tensor(k) for k in f.keys()}
    except Exception as e:  # safetensors raises its own error type for corrupt headers
        raise AdapterError(f"{file}: corrupt or truncated safetensors file ({e})") from None


def _module_rename(model: nn.Module):
    """The model family's checkpoint-name map (models/families.py), when it renames anything: an adapter
    trained on a multimodal checkpoint (Qwen3.5's `model.language_model.layers...`) names modules that way."""
    rename = getattr(getattr(model, "config", None), "checkpoint_key", None)
    return None if rename is None else (lambda name: rename(name) or name)


def load_adapter(model: nn.Module, path, *, trainable: bool = False) -> LoraReport:
    """Load an adapter directory (ours or peft's) into `model`, in place.

    A plain model gets the LoRA modules that adapter_config.json describes (peft's target_modules,
    exclude_modules, rank_pattern and alpha_pattern semantics), then their weights. A model that
    already has LoRA modules must have exactly the adapter's modules and shapes; only the weights
    are loaded (e.g. to resume training). The model is not changed if anything doesn't match.
    trainable: leave the adapter weights trainable (else everything is frozen, as peft's inference mode).
    """
    path = Path(path)
    cfg = _read_adapter_config(path)
    file = path / ADAPTER_WEIGHTS
    rename = _module_rename(model)
    if rename is not None and isinstance(cfg["target_modules"], (list, tuple)):
        cfg["target_modules"] = [rename(t) or t for t in cfg["target_modules"]]
    existing = lora_modules(model)
    if existing:
        names = list(existing)
        spec = {n: (m.r, m.alpha) for n, m in existing.items()}
        bases = {n: m for n, m in existing.items()}
        differ = [f"{n}: r={m.r}, alpha={m.alpha:g}, use_rslora={m.use_rslora} here; the adapter says "
                  f"r={want[0]}, alpha={want[1]:g}, use_rslora={bool(cfg.get('use_rslora', False))}"
                  for n, m in existing.items()
                  for want in [(_pattern_value(cfg.get("rank_pattern"), n, cfg["r"]),
                                float(_pattern_value(cfg.get("alpha_pattern"), n, cfg["lora_alpha"])))]
                  if (m.r, m.alpha, m.use_rslora) != (*want, bool(cfg.get("use_rslora", False)))]
        if differ:
            raise AdapterError(f"{path / ADAPTER_CONFIG}: the model's LoRA modules differ from the adapter's "
                               f"({len(differ)} modules):\n  " + "\n  ".join(differ[:10]))
    else:
        try:
            names = resolve_targets(model, cfg["target_modules"], cfg.get("exclude_modules"))
        except ValueError as e:
            raise AdapterError(f"{path / ADAPTER_CONFIG}: {e}") from None
        spec = {n: (_pattern_value(cfg.get("rank_pattern"), n, cfg["r"]),
                    _pattern_value(cfg.get("alpha_pattern"), n, cfg["lora_alpha"])) for n in names}
        bases = {n: model.get_submodule(n) for n in names}

    tensors = _read_adapter_weights(path)
    if rename is not None:  # a multimodal checkpoint's module paths -> the text model's
        tensors = {PEFT_PREFIX + rename(k[len(PEFT_PREFIX):]) if k.startswith(PEFT_PREFIX) else k: v
                   for k, v in tensors.items()}
    expected = {}
    for n in names:
        rank = spec[n][0]
        expected[f"{PEFT_PREFIX}{n}.lora_A.weight"] = (rank, bases[n].in_features)
        expected[f"{PEFT_PREFIX}{n}.lora_B.weight"] = (bases[n].out_features, rank)
    problems = []
    for key, t in tensors.items():
        if key not in expected:
            kind = next((k for k in ("lora_magnitude_vector", "lora_embedding", "modules_to_save", ".bias")
                         if k in key), None)
            why = f" ({kind}: not supported)" if kind else " (no such LoRA module in this model/config)"
            problems.append(f"unexpected tensor {key}{why}")
        elif tuple(t.shape) != expected[key]:
            problems.append(f"{key}: shape {list(t.shape)} in the file, this model and config need "
                            f"{list(expected[key])}")
        elif not t.is_floating_point():
            problems.append(f"{key}: dtype {t.dtype}, expected floating point")
        elif not torch.isfinite(t).all():
            problems.append(f"{key}: {int((~torch.isfinite(t)).sum())} NaN or inf value(s) (a diverged training?)")
    problems += [f"missing tensor {k}" for k in expected if k not in tensors]
    if problems:
        raise AdapterError(f"{file} does not match {'the LoRA modules of this model' if existing else path / ADAPTER_CONFIG}"
                           f" ({len(problems)} problem(s)):\n  " + "\n  ".join(problems[:30])
                           + ("\n  ..." if len(problems) > 30 else ""))

    if not existing:
        inject(model, spec, float(cfg.get("lora_dropout", 0.0) or 0.0), bool(cfg.get("use_rslora", False)))
    with torch.no_grad():
        for n, m in lora_modules(model).items():
            m.lora_A.weight.copy_(tensors[f"{PEFT_PREFIX}{n}.lora_A.weight"])
            m.lora_B.weight.copy_(tensors[f"{PEFT_PREFIX}{n}.lora_B.weight"])
    for p in model.parameters():
        p.requires_grad_(False)
    if trainable:
        for m in lora_modules(model).values():
            m.lora_A.weight.requires_grad_(True)
            m.lora_B.weight.requires_grad_(True)
    return report(model)
