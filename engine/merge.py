"""Merging LoRA into its base, W' = W + scaling * B @ A, its inverse, and the merged export.

- `merge_lora(model)` returns a merged copy with every `LoRALinear` replaced by a dense
  `nn.Linear`; the input model is not changed. NF4 bases are dequantized, so the merge is exact
  but dense. `merge_lora(model, requantize=True)` instead re-quantizes merged NF4 layers to NF4
  (dequantize, add, quantize again) and warns: the result carries fresh NF4 rounding error.
- `merge_lora(model, inplace=True)` folds the update into each dense base weight in place,
  keeping the adapter, and `unmerge_lora(model)` subtracts it back (equal up to rounding in the
  base's dtype). A merged `LoRALinear` runs the base only. NF4 bases can't be merged in place:
  the fold would have to re-quantize and could not be undone.
- `export_merged(model, dir)` writes the merged, dense model with `models.save_checkpoint`
  (`config.json` + `model.safetensors`, loadable by transformers).
"""

from __future__ import annotations

import copy
import dataclasses
import shutil
import warnings
from collections import Counter
from pathlib import Path

import torch
from torch import nn

from engine.lora import LoRALinear, is_quantized, swap_modules, dense_linear, lora_modules
from engine.run_dir import follow_umask
from models import save_checkpoint

# Files copied next to an exported checkpoint when the model was loaded from a local directory.
EXPORT_SIDE_FILES = ("generation_config.json", "tokenizer.json", "tokenizer_config.json",
                     "special_tokens_map.json", "chat_template.jinja", "vocab.json", "merges.txt")


def _requantize(base: nn.Module, weight: torch.Tensor, bias: torch.Tensor | None) -> nn.Module:
    """A new quantized linear of the same kind and settings as `base`, holding `weight`."""
    requant = getattr(type(base), "requantized", None)
    if requant is None:
        raise TypeError(f"{type(base).__name__} has no `requantized(weight, bias)` method: can't re-quantize a "
                        f"merged weight into it; use merge_lora(model) (requantize=False) for a dense merge")
    return requant(base, weight, bias)


# ----------------------------------------------------------------------------------------------
# Merge and unmerge.

def _shared_with_others(model: nn.Module) -> set[int]:
    """ids of parameters reachable from more than one module (tied weights)."""
    owners = Counter()
    for m in model.modules():
        for p in m.parameters(recurse=False):
            owners[id(p)] += 1
    return {pid for pid, n in owners.items() if n > 1}


def merge_lora(model: nn.Module, *, inplace: bool = False, requantize: bool = False) -> nn.Module:
    """Fold every LoRA update into its base weight: W' = W + scaling * B @ A.

    Default: returns a deep copy in which each LoRALinear is a dense nn.Linear (NF4 bases are
    dequantized: exact, but dense); `model` is unchanged.
    requantize=True: NF4 bases are merged, then quantized again to NF4 (with a warning: the merged
    weights get new rounding error, so outputs no longer equal the adapter's exactly).
    inplace=True: fold into dense base weights in place and return `model`; the adapters stay,
    inactive, and `unmerge_lora(model)` subtracts them back. Refused for NF4 bases.
    """
    mods = lora_modules(model)
    if not mods:
        raise ValueError("merge_lora: the model has no LoRA modules (apply_lora or load_adapter first)")
    if inplace:
        if requantize:
            raise ValueError("merge_lora: inplace=True works on dense bases only; requantize=True makes a copy")
        quantized = [n for n, m in mods.items() if not isinstance(m.base_layer, nn.Linear)]
        if quantized:
            raise TypeError(f"merge_lora(inplace=True): {len(quantized)} modules have a quantized base (e.g. "
                            f"{quantized[0]}, {type(mods[quantized[0]].base_layer).__name__}); folding into NF4 "
                            f"re-quantizes and can't be undone. Use merge_lora(model) for a dense merged copy or "
                            f"merge_lora(model, requantize=True) for an NF4 one")
        shared = _shared_with_others(model)
        tied = [n for n, m in mods.items() if id(m.base_layer.weight) in shared]
        if tied:
            raise ValueError(f"merge_lora(inplace=True): the base weight of {tied} is tied to another module "
                             f"(e.g. lm_head and embed_tokens); merging in place would change both. Use "
                             f"merge_lora(model) for a merged copy")
        for m in mods.values():
            m.merge_()
        return model

    merged = copy.deepcopy(model)
    requantized = []

    def fold(path: str, m: LoRALinear) -> nn.Module:
        if requantize and not isinstance(m.base_layer, nn.Linear):
            requantized.append(path)
            with torch.no_grad():
                return _requantize(m.base_layer, m.merged_weight(), m.base_layer.bias)
        return m.to_linear()

    swap_modules(merged, fold, set(lora_modules(merged)))
    if requantized:
        warnings.warn(f"merge_lora: re-quantized {len(requantized)} merged modules to "
                      f"{type(mods[requantized[0]].base_layer).__name__} (dequantize, add B@A, quantize again); "
                      f"the merged weights carry new quantization error, so outputs differ slightly from the "
                      f"model with its adapter. merge_lora(model) without requantize gives an exact dense merge",
                      stacklevel=2)
    return merged


def unmerge_lora(model: nn.Module) -> nn.Module:
    """Undo `merge_lora(model, inplace=True)`: subtract each merged update from its base weight."""
    mods = lora_modules(model)
    if not mods:
        raise ValueError("unmerge_lora: the model has no LoRA modules; a merged copy from merge_lora(model) has no "
                         "adapter left to subtract (keep the adapter model, or merge with inplace=True)")
    for m in mods.values():
        m.unmerge_()
    return model


# ----------------------------------------------------------------------------------------------
# Export a merged, dense, transformers-loadable checkpoint.

@torch.no_grad()
def dense_copy(model: nn.Module, dtype: torch.dtype | None = None) -> nn.Module:
    """A copy of `model` whose linears are all dense nn.Linear: LoRA folded in, quantized bases
    dequantized, floating tensors in `dtype` when given.

    Only what changes is new: every other tensor is shared with `model` (each module is a shallow
    copy with its own child, parameter and buffer tables), so the copy costs the dense weights of
    the converted linears, as a merged state dict would; tied tensors stay one tensor.
    """
    cast: dict[int, torch.Tensor] = {}  # id(original) -> its copy in dtype

    def tensor(t):
        if t is None or dtype is None or not t.is_floating_point() or t.dtype == dtype:
            return t
        if id(t) not in cast:
            c = t.detach().to(dtype)
            cast[id(t)] = nn.Parameter(c, requires_grad=False) if isinstance(t, nn.Parameter) else c
        return cast[id(t)]

    def visit(m: nn.Module) -> nn.Module:
        if isinstance(m, LoRALinear) or is_quantized(m):
            weight = m.merged_weight() if isinstance(m, LoRALinear) else m.dequantize()
            return dense_linear(tensor(weight), tensor(m.bias))
        new = copy.copy(m)  # a new __dict__ holding the same tables; they are replaced below
        new.__dict__["_modules"] = {n: visit(c) for n, c in m._modules.items()}
        new.__dict__["_parameters"] = {n: tensor(v) for n, v in m._parameters.items()}
        new.__dict__["_buffers"] = {n: tensor(v) for n, v in m._buffers.items()}
        return new

    return visit(model)


def export_merged(model: nn.Module, path, *, hf_config: dict | None = None,
                  dtype: torch.dtype | None = None, copy_from=None) -> Path:
    """Write the merged model as an HF checkpoint (config.json + model.safetensors) that transformers loads.

    hf_config: the checkpoint's config.json dict; by default `model.config.hf_config` (kept by models.load_model).
    dtype: weights dtype (default: that of the embedding); config.json's dtype field is set to match.
    copy_from: a checkpoint directory whose tokenizer and generation_config files are copied alongside
    (default: the directory the model was loaded from, when it is local).
    Tied embeddings stay tied unless LoRA changed lm_head, in which case they are written untied.
    The file itself is written by `models.save_checkpoint`.
    """
    path = Path(path)
    hf = dict(hf_config if hf_config is not None else getattr(getattr(model, "config", None), "hf_config", None) or {})
    if not hf:
        raise ValueError("export_merged: no config.json dict: pass hf_config= (the base checkpoint's config.json "
                         "as a dict), or load the model with models.load_model, which keeps it in model.config")
    dense = dense_copy(model, dtype)
    embed, head = dense.model.embed_tokens.weight, dense.lm_head.weight
    if hf.get("tie_word_embeddings") and head is not embed and not torch.equal(head, embed):
        hf["tie_word_embeddings"] = False  # LoRA on lm_head untied it
    if "dtype" in hf:  # transformers 5's name; save_checkpoint writes torch_dtype beside it
        hf["dtype"] = str(embed.dtype).removeprefix("torch.")
    dense.config = dataclasses.replace(dense.config, hf_config=hf,
                                       tie_word_embeddings=bool(hf.get("tie_word_embeddings")))
    save_checkpoint(dense, path)
    for written in path.glob("*.safetensors"):  # save_checkpoint's safetensors files are 0600 whatever the umask
        follow_umask(written)
    source = Path(copy_from) if copy_from is not None else Path(str(getattr(model, "source", "") or "/nonexistent"))
    if source.is_dir() and source.resolve() != path.resolve():
        for name in EXPORT_SIDE_FILES:
            if (source / name).exists():
                shutil.copyfile(source / name, path / name)
    return path
