"""load_model: a checkpoint directory, a GGUF file or a hub id -> a CausalLM, streamed tensor by tensor.

The model is built on the meta device (no memory), then each tensor is read from the
safetensors files with `safe_open` (or dequantized from the GGUF file, see gguf.py),
converted, and put in place; so the loader never holds two
full copies of the weights. With `quantize="nf4"` each decoder linear is quantized on the
target device as its weight arrives, so the full-precision model is never resident there.
Checkpoints already quantized by transformers + bitsandbytes load straight into NF4Linear.

Every problem with the checkpoint (missing, unexpected, mis-shaped or mis-typed tensors) is
collected and reported together in one `CheckpointError`. No pickle anywhere: `.bin` files
are refused.
"""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path

import torch
from safetensors import safe_open
from torch import nn
from tqdm.auto import tqdm

from .config import ModelConfig, ModelConfigError
from .config_json import fits_memory_problem
from .checkpoint import CheckpointError, Entry
from .families import checkpoint_key, model_class, skip_reason
from .gguf import GGUFCheckpoint, find_gguf
from .transformer import CausalLM

# Files fetched from the hub: config, tokenizer and safetensors weights only (no pickles).
HUB_PATTERNS = ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
                "special_tokens_map.json", "chat_template.jinja", "*.safetensors", "model.safetensors.index.json"]
QUANT_MODES = (None, "nf4")
# Linear layers of the decoder that QLoRA quantizes; embeddings, norms and lm_head stay in the compute dtype.
DECODER_LINEARS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
BNB_SUFFIXES = ("absmax", "quant_map", "nested_absmax", "nested_quant_map", "quant_state.bitsandbytes__nf4")


def resolve_source(source: str | os.PathLike, patterns=HUB_PATTERNS) -> Path:
    """A local checkpoint directory or .gguf file, or a hub repo id downloaded (into the hub cache) with huggingface_hub."""
    path = Path(source).expanduser()
    if path.is_dir() or (path.is_file() and path.suffix.lower() == ".gguf"):
        return path
    if path.exists():
        raise CheckpointError(f"{path} is a file; expected a checkpoint directory (config.json + *.safetensors), "
                              f"a .gguf file, or a hub repo id like 'Qwen/Qwen2.5-Coder-1.5B-Instruct'")
    text = str(source)
    if text.startswith((".", "/", "~")) or not re.fullmatch(r"[\w.-]+/[\w.-]+", text):
        raise CheckpointError(f"{text}: no such directory, and not a hub repo id of the form 'owner/name'")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (GatedRepoError, LocalEntryNotFoundError, RepositoryNotFoundError,
                                        RevisionNotFoundError)
    try:
        return Path(snapshot_download(text, allow_patterns=list(patterns)))
    except GatedRepoError:
        raise CheckpointError(f"{text}: this hub repo is gated; accept its licence on the hub and log in "
                              f"(`hf auth login`)") from None
    except (RepositoryNotFoundError, RevisionNotFoundError):
        raise CheckpointError(f"{text}: no such repo on the hub (or it is private: log in with `hf auth login`)") from None
    except LocalEntryNotFoundError:
        offline = os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes")
        why = "HF_HUB_OFFLINE is set" if offline else "the hub could not be reached"
        raise CheckpointError(f"{text}: not in the local hub cache and {why}; download it on a machine with "
                              f"network access, or pass a local checkpoint directory") from None


def checkpoint_files(path: Path) -> list[Path]:
    """The safetensors files of a checkpoint directory: one file, or the shards of an index."""
    index = path / "model.safetensors.index.json"
    if index.exists():
        try:
            weight_map = json.loads(index.read_text(encoding="utf-8"))["weight_map"]
            names = list(dict.fromkeys(weight_map.values()))
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError, AttributeError) as e:
            raise CheckpointError(f"{index}: not a valid safetensors index ({e!r})") from None
        bad = [n for n in names if not isinstance(n, str) or not n or Path(n).is_absolute() or ".." in Path(n).parts]
        if bad:
            raise CheckpointError(f"{index} names shard(s) outside the checkpoint folder {path}: "
                                  f"{', '.join(map(repr, bad[:5]))}; a shard is a file name inside that folder")
        files = [path / name for name in names]
        missing = [f.name for f in files if not f.exists()]
        if missing:
            raise CheckpointError(f"{index} names shard(s) that are not in {path}: {', '.join(missing)}")
        return _inside(path, files)
    single = path / "model.safetensors"
    if single.exists():
        return _inside(path, [single])
    others = sorted(path.glob("*.safetensors"))
    if others:
        return _inside(path, others)
    pickles = sorted(p.name for p in path.glob("*.bin")) + sorted(p.name for p in path.glob("*.pt"))
    hint = (f" It has {', '.join(pickles)}: pickle files are never loaded (they can run code); "
            f"convert them to safetensors first.") if pickles else ""
    raise CheckpointError(f"{path}: no model.safetensors or model.safetensors.index.json.{hint}")


def _inside(folder: Path, files: list[Path]) -> list[Path]:
    """`files`, each checked to resolve inside `folder` (a symlink may not lead out of it), or, in the
    hub cache's layout (<repo>/snapshots/<revision>/file -> <repo>/blobs/<sha>), into the repo's blobs."""
    roots = [folder.resolve()]
    if folder.parent.name == "snapshots":
        roots.append((folder.parent.parent / "blobs").resolve())
    for f in files:
        real = f.resolve()
        if not any(real.is_relative_to(root) for root in roots):
            raise CheckpointError(f"{f} leads to {real}, outside the checkpoint folder {folder}; weights are read "
                                  "only from files inside it (copy the file in if it is really part of the checkpoint)")
    return files


def _as_dtype(dtype) -> torch.dtype:
    if isinstance(dtype, torch.dtype):
        return dtype
    names = {"bf16": torch.bfloat16, "bfloat16": torch.bfloat16, "fp16": torch.float16, "float16": torch.float16,
             "fp32": torch.float32, "float32": torch.float32}
    if dtype not in names:
        raise ValueError(f"dtype {dtype!r} is not supported (use one of {', '.join(names)})")
    return names[dtype]


def _set_tensor(model: nn.Module, key: str, value: torch.Tensor):
    module_name, _, attr = key.rpartition(".")
    module = model.get_submodule(module_name)
    old = getattr(module, attr)
    if isinstance(old, nn.Parameter):
        setattr(module, attr, nn.Parameter(value, requires_grad=old.requires_grad))
    else:
        module._buffers[attr] = value


def _replace_module(model: nn.Module, name: str, new: nn.Module):
    parent_name, _, child = name.rpartition(".")
    setattr(model.get_submodule(parent_name) if parent_name else model, child, new)


class SafetensorsCheckpoint:
    """config.json + safetensors file(s); `entries()` opens each file once, in order."""

    def __init__(self, path: Path):
        self.path = path
        self.files = checkpoint_files(path)
        self.keys_by_file = {}
        for f in self.files:
            with _open(f) as st:
                self.keys_by_file[f] = list(st.keys())

    def config(self) -> ModelConfig:
        return ModelConfig.from_file(self.path / "config.json")

    def keys(self) -> list[str]:
        return [k for ks in self.keys_by_file.values() for k in ks]

    def entries(self):
        for f, keys in self.keys_by_file.items():
            with _open(f) as st:
                for key in keys:
                    piece = st.get_slice(key)
                    stored = piece.get_dtype()
                    problem = (None if stored in ("F64", "F32", "F16", "BF16") else
                               f"{key}: dtype {stored} in {f.name}, expected a floating-point tensor")
                    yield Entry(key, tuple(piece.get_shape()), f.name, problem,
                                lambda dtype, key=key, st=st, f=f: _cast(_get(st, f, key), dtype))


def _cast(tensor: torch.Tensor, dtype: torch.dtype | None) -> torch.Tensor:
    return tensor if dtype is None else tensor.to(dtype)


def load_model(source: str | os.PathLike, *, dtype=torch.bfloat16, device="cpu", quantize: str | None = None,
               skip_modules=(), blocksize: int = 64, double_quant: bool = True, progress: bool | None = None) -> CausalLM:
    """Load a qwen2 / qwen3 / llama checkpoint.

    source:       a directory with config.json and model.safetensors (or shards with an index),
                  or a hub repo id (fetched with huggingface_hub; HF_HUB_OFFLINE and the cache are respected).
    dtype:        compute dtype of the unquantized parameters (embeddings, norms, biases, lm_head).
    quantize:     None, or "nf4" to store every decoder linear (q/k/v/o, gate/up/down) as NF4Linear,
                  quantized as its weight arrives. Pre-quantized bitsandbytes checkpoints load as NF4
                  whatever this says.
    skip_modules: names (or name suffixes, e.g. "down_proj" or "model.layers.0.mlp") of linears to keep dense.
    """
    if quantize not in QUANT_MODES:
        raise ValueError(f"quantize={quantize!r} is not supported (use one of {QUANT_MODES})")
    dtype, device = _as_dtype(dtype), torch.device(device)
    path = resolve_source(source)
    gguf_file = find_gguf(path)
    checkpoint = GGUFCheckpoint(gguf_file) if gguf_file else SafetensorsCheckpoint(path)
    cfg = checkpoint.config()
    # A bitsandbytes checkpoint is recognised by its quant-state keys, so read the key list first.
    all_keys = checkpoint.keys()
    prequantized = any(k.endswith(".weight.quant_state.bitsandbytes__nf4") for k in all_keys)
    too_big = fits_memory_problem(cfg, dtype=dtype, nf4=quantize == "nf4" or prequantized, device=device)
    if too_big:  # before building anything: a hostile config.json can describe any size
        raise ModelConfigError(f"{gguf_file or path / 'config.json'}: {too_big}; check those fields"
                               + ("" if quantize else ", or load with quantize='nf4'"))

    with torch.device("meta"):
        model = model_class(cfg)(cfg)  # models/families.py: CausalLM, Gemma3ForCausalLM, ...
    expected = {k: (tuple(v.shape), v.dtype) for k, v in model.state_dict().items()}
    if cfg.tie_word_embeddings:
        expected.pop("lm_head.weight", None)

    def skipped(name):
        return any(name == s or name.endswith("." + s) or name.startswith(s + ".") for s in skip_modules)

    names = getattr(model, "linears", DECODER_LINEARS)  # a family's own list (qwen3_5: the DeltaNet projections too)
    linears = {n for n, m in model.named_modules() if isinstance(m, nn.Linear) and n.rpartition(".")[2] in names}
    to_quantize = {n for n in linears if not skipped(n)} if quantize else set()

    bnb_modules = {k[: -len(".weight.quant_state.bitsandbytes__nf4")] for k in map(lambda k: checkpoint_key(cfg, k), all_keys)
                   if k and k.endswith(".weight.quant_state.bitsandbytes__nf4")}
    bad_bnb = bnb_modules - linears
    if bad_bnb:
        raise CheckpointError(f"{path}: 4-bit weights for modules that are not decoder linears: {sorted(bad_bnb)}")
    bnb_parts: dict[str, dict[str, torch.Tensor]] = {m: {} for m in bnb_modules}
    quantized: dict[str, object] = {}

    problems, seen, skipped = [], set(), {}
    # progress=None shows the bar on a terminal only.
    bar = tqdm(total=len(all_keys), desc=f"loading {(gguf_file or path).name}", unit="tensor",
               disable=None if progress is None else not progress, leave=False)
    for entry in checkpoint.entries():
        bar.update()
        key = checkpoint_key(cfg, entry.key)  # a multimodal checkpoint's text weights -> our names
        if key is None:  # e.g. a vision tower: counted and named in one note
            skipped.setdefault(skip_reason(cfg, entry.key), []).append(entry.key)
            continue
        module_name = key.rpartition(".")[0]
        owner = _bnb_owner(key, bnb_modules)
        if owner is not None:
            bnb_parts[owner][key[len(owner) + 1:]] = entry.read(None)
            seen.add(owner + ".weight")
            continue
        if key not in expected:
            if not (key == "lm_head.weight" and cfg.tie_word_embeddings):
                problems.append(f"unexpected tensor {key} (in {entry.where})")
            continue
        want_shape, _ = expected[key]
        seen.add(key)
        if entry.shape != want_shape:
            problems.append(f"{key}: shape {list(entry.shape)} in {entry.where}, the config implies {list(want_shape)}")
            continue
        if entry.problem:
            problems.append(entry.problem)
            continue
        # Read in the compute dtype: the NF4 quantizer quantizes the compute-dtype values anyway.
        tensor = entry.read(dtype)
        if module_name in to_quantize and key.endswith(".weight"):
            quantized[module_name] = _quantize(tensor.to(device), key, blocksize, double_quant, dtype)
        else:
            _set_tensor(model, key, tensor.to(device=device, dtype=dtype))
        del tensor
    bar.close()
    problems += [f"missing tensor {k}" for k in expected if k not in seen]
    if problems:
        head = f"{path}: the checkpoint does not match its config ({len(problems)} problem(s)):\n  "
        raise CheckpointError(head + "\n  ".join(problems[:50]) + ("\n  ..." if len(problems) > 50 else ""))

    model.load_notes = [f"skipped {len(keys)} tensor(s) ({keys[0]}, ...): {why}" for why, keys in skipped.items()]
    for note in model.load_notes:
        warnings.warn(f"{path}: {note}", stacklevel=2)
    model.tie_weights()
    for name, q in quantized.items():
        _replace_module(model, name, _nf4_module(q, model.get_submodule(name).bias, dtype))
    for name, parts in bnb_parts.items():
        _replace_module(model, name, _nf4_from_bnb(name, parts, model.get_submodule(name).bias, dtype, device))
    model.reset_buffers(device)
    model.source = str(source)
    return model.eval()


def _bnb_owner(key: str, bnb_modules: set[str]) -> str | None:
    """The module a bitsandbytes 4-bit tensor belongs to (`<m>.weight` or `<m>.weight.<suffix>`), else None."""
    if not bnb_modules:
        return None
    for suffix in ("weight",) + tuple("weight." + s for s in BNB_SUFFIXES):
        if key.endswith("." + suffix):
            owner = key[: -len(suffix) - 1]
            if owner in bnb_modules:
                return owner
    return None


class _open:
    """safe_open with errors that name the file."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        try:
            self.cm = safe_open(str(self.path), framework="pt", device="cpu")
            return self.cm.__enter__()
        except Exception as e:  # safetensors raises its own error type for corrupt headers
            raise CheckpointError(f"{self.path}: corrupt or truncated safetensors file ({e})") from None

    def __exit__(self, *exc):
        return self.cm.__exit__(*exc)


def _get(st, path: Path, key: str) -> torch.Tensor:
    try:
        return st.get_tensor(key)
    except Exception as e:
        raise CheckpointError(f"{path}: could not read tensor {key}: corrupt or truncated file ({e})") from None


# NF4 hooks: the NF4 primitives live in kernels/; the loader only routes tensors to them.
def _quantize(weight: torch.Tensor, key: str, blocksize: int, double_quant: bool, dtype: torch.dtype):
    from kernels.nf4 import quantize_nf4
    return quantize_nf4(weight.to(dtype), blocksize=blocksize, double_quant=double_quant, name=key)


def _nf4_module(q, bias: torch.Tensor | None, dtype: torch.dtype) -> nn.Module:
    from kernels.nf4_linear import NF4Linear
    return NF4Linear(q, bias=None if bias is None else bias.detach())


def _nf4_from_bnb(name: str, parts: dict[str, torch.Tensor], bias, dtype, device) -> nn.Module:
    from kernels.nf4_linear import NF4Linear
    try:
        module = NF4Linear.from_bnb_tensors({k: v.to(device) for k, v in parts.items()},
                                            bias=None if bias is None else bias.detach())
    except (KeyError, ValueError) as e:
        raise CheckpointError(f"{name}: bad bitsandbytes 4-bit tensors ({e})") from None
    return module


def save_checkpoint(model: CausalLM, path: str | os.PathLike) -> Path:
    """Write `model` as an HF checkpoint: config.json + model.safetensors.

    NF4 layers are written in transformers + bitsandbytes' 4-bit layout (`weight` packed uint8,
    `weight.absmax`, `weight.quant_map`, `weight.nested_absmax`, `weight.nested_quant_map`,
    `weight.quant_state.bitsandbytes__nf4`) with a matching `quantization_config`, so
    `AutoModelForCausalLM.from_pretrained(path)` loads it as a bitsandbytes 4-bit model and
    `load_model(path)` loads it back without re-quantizing. A model with LoRA adapters is refused:
    save the adapter (engine.save_adapter) or merge it (engine.export_merged).
    """
    from safetensors.torch import save_file

    from kernels.nf4_linear import NF4Linear

    path = Path(path)
    if any(hasattr(m, "base_layer") for m in model.modules()):  # an adapter wraps its base (peft's convention)
        raise ValueError("this model has LoRA adapters: save them with engine.save_adapter, or write a merged "
                         "dense model with engine.export_merged")
    path.mkdir(parents=True, exist_ok=True)
    hf = dict(model.config.hf_config)
    hf.pop("quantization_config", None)
    nf4 = {n: m for n, m in model.named_modules() if isinstance(m, NF4Linear)}
    compute_dtype = model.model.embed_tokens.weight.dtype
    hf["torch_dtype"] = str(compute_dtype).removeprefix("torch.")
    if nf4:
        double = {m.double_quant for m in nf4.values()}
        if len(double) > 1:
            raise ValueError("NF4 layers mix double quantization on and off; transformers' config can't say that")
        names = getattr(model, "linears", DECODER_LINEARS)
        dense = sorted(n for n, m in model.named_modules()
                       if isinstance(m, nn.Linear) and n.rpartition(".")[2] in names)
        hf["quantization_config"] = {
            "quant_method": "bitsandbytes", "load_in_4bit": True, "load_in_8bit": False,
            "_load_in_4bit": True, "_load_in_8bit": False,
            "bnb_4bit_quant_type": "nf4", "bnb_4bit_use_double_quant": double.pop(),
            "bnb_4bit_compute_dtype": str(compute_dtype).removeprefix("torch."), "bnb_4bit_quant_storage": "uint8",
            # A list replaces transformers' default skip list, which keeps lm_head dense: name it too.
            "llm_int8_skip_modules": ["lm_head", *dense] if dense else None, "llm_int8_threshold": 6.0,
            "llm_int8_has_fp16_weight": False, "llm_int8_enable_fp32_cpu_offload": False,
        }
    state = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
    if model.config.tie_word_embeddings:
        state.pop("lm_head.weight", None)
    save_file(state, str(path / "model.safetensors"), metadata={"format": "pt"})
    (path / "config.json").write_text(json.dumps(hf, indent=2, sort_keys=True) + "\n")
    return path
