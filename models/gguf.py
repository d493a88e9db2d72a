"""GGUF checkpoints (llama.cpp, Ollama, LM Studio files) as a source of tensors for `load_model`.

A GGUF file holds the model's config as metadata under llama.cpp's key names and its tensors
under llama.cpp's names, most of them block-quantized (Q4_K, Q6_K, Q8_0, ...). This module turns
the metadata into a transformers-style config dict (so `ModelConfig.from_hf` builds the model,
and an exported folder has a normal config.json), maps each tensor name to our module names
(which equal transformers' checkpoint keys), and dequantizes one tensor at a time to float32
with the `gguf` package (llama.cpp's own reader, an optional dependency: `pip install
sqlora[gguf]`). The file is memory-mapped, so nothing but the tensor being converted is read.

llama.cpp's converter permutes the rows of the Q and K projections of `llama` models (it
stores RoPE pairs interleaved, the transformers layout keeps them half a head apart); that
permutation is undone here. `qwen2` / `qwen3` files are written unpermuted. For `gemma3` the
converter stores each RMSNorm weight as 1 + w (llama.cpp's norm multiplies by the weight as is);
that is undone too, and the fields llama.cpp's code hard-wires for Gemma 3 (which layers slide, the
local RoPE base, the attention scale) are filled in.

    ckpt = GGUFCheckpoint("SmolLM2-135M-Instruct.Q4_1.gguf")
    ckpt.hf_config                        # {"model_type": "llama", "hidden_size": 576, ...}
    w = ckpt.read("model.layers.0.self_attn.q_proj.weight")   # (576, 576) float32
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .checkpoint import CheckpointError, Entry
from .config import ModelConfig, ModelConfigError
from .gguf_reader import read_gguf

# general.architecture -> (transformers model_type, architectures entry).
ARCHITECTURES = {"llama": ("llama", "LlamaForCausalLM"), "qwen2": ("qwen2", "Qwen2ForCausalLM"),
                 "qwen3": ("qwen3", "Qwen3ForCausalLM"), "gemma3": ("gemma3_text", "Gemma3ForCausalLM")}
GLOBAL_NAMES = {"token_embd": "model.embed_tokens", "output_norm": "model.norm", "output": "lm_head"}
LAYER_NAMES = {
    "attn_norm": "input_layernorm", "ffn_norm": "post_attention_layernorm",
    "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj", "attn_q_norm": "self_attn.q_norm", "attn_k_norm": "self_attn.k_norm",
    "ffn_gate": "mlp.gate_proj", "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj",
}
# Gemma 3 has four norms per layer; llama.cpp's ffn_norm is the one before the MLP there.
ARCH_LAYER_NAMES = {"gemma3": {**LAYER_NAMES, "post_attention_norm": "post_attention_layernorm",
                               "ffn_norm": "pre_feedforward_layernorm", "post_ffw_norm": "post_feedforward_layernorm"}}
# Dequantize this many elements at a time, so a large tensor never has several float32 temporaries.
CHUNK_ELEMENTS = 1 << 23


def import_gguf():
    """The `gguf` package, imported lazily: it is an optional dependency (the `gguf` extra)."""
    try:
        import gguf
    except ImportError:
        raise CheckpointError("reading GGUF files needs the `gguf` package: pip install gguf "
                              "(or pip install -e '.[gguf]')") from None
    return gguf


def find_gguf(path: Path) -> Path | None:
    """The GGUF file `path` names: the path itself, or the one `.gguf` in a directory without config.json."""
    if path.is_file():
        return path if path.suffix.lower() == ".gguf" else None
    if not path.is_dir() or (path / "config.json").exists():
        return None
    found = sorted(path.glob("*.gguf"))
    if len(found) > 1:
        raise CheckpointError(f"{path} holds {len(found)} .gguf files ({', '.join(f.name for f in found)}); "
                              f"pass the one to load")
    return found[0] if found else None


def hf_name(gguf_name: str, arch: str = "llama") -> str | None:
    """`blk.3.attn_q.weight` -> `model.layers.3.self_attn.q_proj.weight`; None for a name we don't know."""
    base, dot, kind = gguf_name.rpartition(".")
    if kind not in ("weight", "bias"):
        return None
    if base in GLOBAL_NAMES:
        return f"{GLOBAL_NAMES[base]}.{kind}"
    names = ARCH_LAYER_NAMES.get(arch, LAYER_NAMES)
    m = re.fullmatch(r"blk\.(\d+)\.(\w+)", base)
    if m and m.group(2) in names:
        return f"model.layers.{int(m.group(1))}.{names[m.group(2)]}.{kind}"
    return None


def unpermute_qk(w: torch.Tensor, n_head: int) -> torch.Tensor:
    """Undo llama.cpp's `permute(w, n_head)` of a Q or K projection's rows (weight or bias).

    llama.cpp stores head h's rows as (d/2, 2): the pairs (x_i, x_{i+d/2}) side by side; the
    transformers layout (rotate_half) keeps the two halves apart, (2, d/2).
    """
    rows = w.shape[0]
    return w.reshape(n_head, rows // n_head // 2, 2, *w.shape[1:]).transpose(1, 2).reshape(w.shape)


@dataclass(frozen=True)
class GGUFTensor:
    name: str             # llama.cpp's name
    key: str              # our (= transformers') name, or the GGUF name when unknown
    shape: tuple          # torch order: (out_features, in_features)
    type_name: str        # GGML type, e.g. "Q4_K"
    raw: object           # the gguf ReaderTensor


class GGUFCheckpoint:
    """One GGUF file: metadata as a transformers config dict, tensors by our names, read one at a time."""

    def __init__(self, path: str | Path, *, model: bool = True):
        """model=False reads the metadata only (enough for the tokenizer of any architecture)."""
        gguf = import_gguf()
        self.path = Path(path)
        try:
            self.reader = read_gguf(self.path, gguf)
        except Exception as e:  # the reader raises ValueError / IndexError / struct errors on bad files
            size = self.path.stat().st_size if self.path.exists() else 0
            raise CheckpointError(f"{self.path}: not a readable GGUF file ({type(e).__name__}: {e}); "
                                  f"{size} bytes on disk: truncated or corrupt?") from None
        self.dequantize = gguf.quants.dequantize
        self.arch = self.metadata("general.architecture")
        if not model:
            return
        self.supported_types = _dequantizable_types(gguf)  # probed once per process
        if self.arch not in ARCHITECTURES:
            raise CheckpointError(f"{self.path}: GGUF architecture {self.arch!r} is not supported "
                                  f"(supported: {', '.join(ARCHITECTURES)})")
        self.tensors: dict[str, GGUFTensor] = {}
        for t in self.reader.tensors:
            key = hf_name(t.name, self.arch) or t.name
            shape = tuple(int(n) for n in reversed(t.shape.tolist()))
            self.tensors[key] = GGUFTensor(t.name, key, shape, t.tensor_type.name, t)
        self.hf_config = self._hf_config()

    # --- metadata -------------------------------------------------------------
    def metadata(self, key: str, default=...):
        field = self.reader.fields.get(key)
        if field is None:
            if default is ...:
                raise CheckpointError(f"{self.path}: GGUF metadata lacks {key!r}")
            return default
        value = field.contents()
        return value

    def _arch(self, key: str, default=...):
        return self.metadata(f"{self.arch}.{key}", default)

    def _hf_config(self) -> dict:
        if "rope_freqs.weight" in self.tensors:
            raise CheckpointError(f"{self.path}: this file carries rope_freqs (Llama 3.1-style rope scaling), "
                                  f"which is not supported from GGUF; load the safetensors checkpoint instead")
        model_type, architecture = ARCHITECTURES[self.arch]
        heads = int(self._arch("attention.head_count"))
        hidden = int(self._arch("embedding_length"))
        head_dim = int(self._arch("attention.key_length", hidden // heads))
        rotary = int(self._arch("rope.dimension_count", head_dim))
        if rotary != head_dim:
            raise CheckpointError(f"{self.path}: rope.dimension_count {rotary} != head_dim {head_dim} (partial "
                                  f"rotary embeddings are not supported for {self.arch})")
        embed = self.tensors.get("model.embed_tokens.weight")
        if embed is None:
            raise CheckpointError(f"{self.path}: no token_embd.weight tensor")
        hf = {
            "model_type": model_type, "architectures": [architecture],
            "vocab_size": embed.shape[0], "hidden_size": hidden,
            "intermediate_size": int(self._arch("feed_forward_length")),
            "num_hidden_layers": int(self._arch("block_count")),
            "num_attention_heads": heads,
            "num_key_value_heads": int(self._arch("attention.head_count_kv", heads)),
            "head_dim": head_dim,
            # Stored as float32: 1e-6 reads back as 9.99999997e-07; print the value the model was made with.
            "rms_norm_eps": _short_float(self._arch("attention.layer_norm_rms_epsilon")),
            "rope_theta": _short_float(self._arch("rope.freq_base", 10000.0)),
            "max_position_embeddings": int(self._arch("context_length", 32768)),
            "tie_word_embeddings": "lm_head.weight" not in self.tensors,
            "hidden_act": "silu",
            "torch_dtype": "float32",
        }
        if model_type != "qwen2":  # qwen2 always has q/k/v biases; llama and qwen3 say so in the config
            hf["attention_bias"] = "model.layers.0.self_attn.q_proj.bias" in self.tensors
        scaling = self._arch("rope.scaling.type", None)
        if scaling not in (None, "none"):
            if scaling != "linear":
                raise CheckpointError(f"{self.path}: rope scaling {scaling!r} is not supported from GGUF "
                                      f"(supported: none, linear)")
            hf["rope_scaling"] = {"rope_type": "linear", "factor": float(self._arch("rope.scaling.factor"))}
        for ours, theirs in (("bos_token_id", "bos_token_id"), ("eos_token_id", "eos_token_id"),
                             ("pad_token_id", "padding_token_id")):
            value = self.metadata(f"tokenizer.ggml.{theirs}", None)
            if value is not None:
                hf[ours] = int(value)
        if self.arch == "gemma3":
            hf.update(self._gemma3_fields(hf))
        return hf

    def _gemma3_fields(self, hf: dict) -> dict:
        """What a Gemma 3 file leaves to llama.cpp's code (src/llama-model.cpp, LLM_ARCH_GEMMA3): every 6th
        layer global, the local RoPE base 10k, and the attention scale: 1/sqrt(head_dim), except the 27B
        (62 layers), which scales by 1/sqrt(hidden / heads). Keys the file does carry win."""
        layers, pattern = hf["num_hidden_layers"], self._arch("attention.sliding_window_pattern", 6)
        if isinstance(pattern, list):  # newer files: one flag per layer, True = sliding
            layer_types = ["sliding_attention" if p else "full_attention" for p in pattern]
        else:
            layer_types = ["sliding_attention" if (i + 1) % int(pattern) else "full_attention" for i in range(layers)]
        out = {"hidden_activation": "gelu_pytorch_tanh", "hidden_act": "gelu_pytorch_tanh",
               "sliding_window": int(self._arch("attention.sliding_window")), "layer_types": layer_types,
               "rope_local_base_freq": _short_float(self._arch("rope.freq_base_swa", 10000.0)),
               "query_pre_attn_scalar": hf["hidden_size"] // hf["num_attention_heads"] if layers == 62 else hf["head_dim"],
               "final_logit_softcapping": self._arch("final_logit_softcapping", None)}
        if "rope_scaling" in hf:  # the global layers' scaling (linear x8 on the 4B+ models)
            out["rope_scaling"] = hf["rope_scaling"]
        return out

    def config(self) -> ModelConfig:
        try:
            return ModelConfig.from_hf(self.hf_config)
        except ModelConfigError as e:
            raise ModelConfigError(f"{self.path}: {e}") from None

    # --- tensors --------------------------------------------------------------
    def keys(self) -> list[str]:
        return list(self.tensors)

    def entries(self):
        for key, t in self.tensors.items():
            yield Entry(key, t.shape, self.path.name, self.check_type(key),
                        lambda dtype, key=key: self.read(key, torch.float32 if dtype is None else dtype))

    def check_type(self, key: str) -> str | None:
        """None if the tensor can be read, else why not."""
        t = self.tensors[key]
        if t.raw.tensor_type not in self.supported_types:
            names = ", ".join(sorted(q.name for q in self.supported_types))
            return f"{key}: GGML type {t.type_name} cannot be dequantized (supported: {names})"
        return None

    def read(self, key: str, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """One tensor, dequantized, in `dtype`, in transformers' layout (llama Q/K rows un-permuted; Gemma's
        norms stored as 1 + w by llama.cpp's converter, given back as w, the subtraction in fp32)."""
        if self.arch == "gemma3" and key.endswith("norm.weight") and dtype != torch.float32:
            return self.read(key, torch.float32).to(dtype)
        t = self.tensors[key]
        raw = t.raw.data
        rows = raw.reshape(-1, raw.shape[-1]) if raw.ndim > 1 else raw.reshape(1, -1)
        out = torch.empty(rows.shape[0], int(np.prod(t.shape)) // rows.shape[0], dtype=dtype)
        step = max(1, CHUNK_ELEMENTS // max(1, out.shape[1]))
        try:
            for i in range(0, rows.shape[0], step):
                block = self.dequantize(np.asarray(rows[i:i + step]), t.raw.tensor_type)
                out[i:i + step] = torch.from_numpy(np.array(block, dtype=np.float32)).to(dtype)  # a copy: the map is read-only
        except (ValueError, OSError, IndexError, TypeError) as e:
            raise CheckpointError(f"{self.path}: could not read tensor {t.name} ({e}): truncated or corrupt file?") from None
        out = out.reshape(t.shape)
        if self.arch == "llama" and key.endswith(("q_proj.weight", "q_proj.bias")):
            out = unpermute_qk(out, self.hf_config["num_attention_heads"])
        elif self.arch == "llama" and key.endswith(("k_proj.weight", "k_proj.bias")):
            out = unpermute_qk(out, self.hf_config["num_key_value_heads"])
        elif self.arch == "gemma3" and key.endswith("norm.weight"):
            out = out - 1
        return out


def _short_float(x) -> float:
    """A float32 value as the shortest decimal that rounds to it (9.99999997e-07 -> 1e-06)."""
    return float(np.format_float_positional(np.float32(x), unique=True, trim="-"))


@functools.cache
def _dequantizable_types(gguf) -> frozenset:
    """GGML types the installed `gguf` can turn back into floats (probed on one zero block each:
    the package defines a class for every type but implements dequantization for most, not all)."""
    kinds = set()
    for qtype in gguf.GGMLQuantizationType:
        block, nbytes = gguf.GGML_QUANT_SIZES[qtype]
        floats = {qtype.F32: np.float32, qtype.F16: np.float16}
        probe = np.zeros((1, block), floats[qtype]) if qtype in floats else np.zeros((1, nbytes), np.uint8)
        try:
            gguf.quants.dequantize(probe, qtype)
        except Exception:  # NotImplementedError for the types it can't read
            continue
        kinds.add(qtype)
    return frozenset(kinds)
