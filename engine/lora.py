"""LoRA written by hand: one wrapper (`LoRALinear`), one injection function (`apply_lora`), merge
and its inverse, and adapter files in peft's layout.

LoRA (https://arxiv.org/abs/2106.09685) adds a trainable low-rank update to a frozen linear:

    y = base(x) + scaling * B(A(dropout(x)))      A: (r, in), B: (out, r)
    scaling = alpha / r        (rsLoRA, https://arxiv.org/abs/2312.03732: alpha / sqrt(r))

`LoRALinear` wraps any base linear, dense `nn.Linear` or quantized `NF4Linear`, so QLoRA is just
`LoRALinear(base=NF4Linear)`. The base stays frozen and untouched; A and B are always fp32 (the
input is cast to fp32 for the adapter path and the update is cast back to the output dtype; under
autocast the adapter matmuls run in the autocast dtype, the weights and their gradients stay fp32).
A is initialised as peft does (kaiming-uniform with a=sqrt(5), the default of `nn.Linear`), B
with zeros, so at initialisation the output equals the base output exactly.

State-dict keys: the base keeps its own keys (`...q_proj.weight`, `...q_proj.bias`, or the NF4
keys `...q_proj.weight.absmax`, ...), as if it were not wrapped, so a base checkpoint loads into
a wrapped model unchanged; the adapter adds `...q_proj.lora_A.weight` and `...q_proj.lora_B.weight`
(peft's keys without the adapter name).

Merging (W' = W + scaling * B @ A):
- `merge_lora(model)` returns a merged copy with every `LoRALinear` replaced by a dense
  `nn.Linear`; the input model is not changed. NF4 bases are dequantized, so the merge is exact
  but dense. `merge_lora(model, requantize=True)` instead re-quantizes merged NF4 layers to NF4
  (dequantize, add, quantize again) and warns: the result carries fresh NF4 rounding error.
- `merge_lora(model, inplace=True)` folds the update into each dense base weight in place,
  keeping the adapter, and `unmerge_lora(model)` subtracts it back (equal up to rounding in the
  base's dtype). A merged `LoRALinear` runs the base only. NF4 bases can't be merged in place:
  the fold would have to re-quantize and could not be undone.

Adapter files (`save_adapter`, `load_adapter`) follow peft: `adapter_config.json` and
`adapter_model.safetensors` with keys `base_model.model.<module path>.lora_A.weight`, so peft's
`PeftModel.from_pretrained` loads ours and we load peft's. `export_merged` writes a merged,
dense, transformers-loadable checkpoint (`config.json` + `model.safetensors`).
"""

from __future__ import annotations

import copy
import difflib
import json
import math
import re
import shutil
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors import safe_open
from safetensors.torch import save_file
from torch import nn

from kernels.nf4_linear import NF4Linear

ADAPTER_CONFIG = "adapter_config.json"
ADAPTER_WEIGHTS = "adapter_model.safetensors"
PEFT_PREFIX = "base_model.model."  # peft's prefix for module paths in adapter files
ALL_LINEAR = "all-linear"
# Files copied next to an exported checkpoint when the model was loaded from a local directory.
EXPORT_SIDE_FILES = ("generation_config.json", "tokenizer.json", "tokenizer_config.json",
                     "special_tokens_map.json", "chat_template.jinja", "vocab.json", "merges.txt")


class AdapterError(ValueError):
    """An adapter directory we can't load; the message says what and where, and what would be valid."""


# ----------------------------------------------------------------------------------------------
# Base linears: dense nn.Linear or a quantized linear (NF4Linear) with in/out_features.

def _is_linear(module: nn.Module) -> bool:
    """A module LoRA can wrap: nn.Linear, or a quantized linear that can give back a dense weight."""
    if isinstance(module, nn.Linear):
        return True
    return (isinstance(getattr(module, "in_features", None), int)
            and isinstance(getattr(module, "out_features", None), int)
            and callable(getattr(module, "dequantize", None)))


def _is_quantized(module: nn.Module) -> bool:
    return _is_linear(module) and not isinstance(module, nn.Linear) and not isinstance(module, LoRALinear)


def _dense_weight(base: nn.Module) -> torch.Tensor:
    """The base's weight as a dense (out, in) tensor in its compute dtype (no copy for nn.Linear)."""
    if isinstance(base, nn.Linear):
        return base.weight
    return base.dequantize()


def _device_of(module: nn.Module) -> torch.device:
    for t in module.parameters():
        return t.device
    for t in module.buffers():
        return t.device
    return torch.device("cpu")


def _requantize(base: nn.Module, weight: torch.Tensor, bias: torch.Tensor | None) -> nn.Module:
    """A new quantized linear of the same kind and settings as `base`, holding `weight`."""
    requant = getattr(type(base), "requantized", None)
    if requant is None:
        raise TypeError(f"{type(base).__name__} has no `requantized(weight, bias)` method: can't re-quantize a "
                        f"merged weight into it; use merge_lora(model) (requantize=False) for a dense merge")
    return requant(base, weight, bias)


# ----------------------------------------------------------------------------------------------
# The fused training path: base matmul and adapter in one autograd Function.

def _frozen_weight(base: nn.Module, dtype: torch.dtype) -> torch.Tensor:
    """The frozen base's (out, in) weight in `dtype` for one matmul issued at once (NF4: dequantized,
    on Triton into the shared scratch buffer, which the next dequantization overwrites)."""
    if isinstance(base, nn.Linear):
        return base.weight.to(dtype)  # no copy when it already is `dtype`
    return base.dequantize_for_matmul(dtype)


class LoRALinearFunction(torch.autograd.Function):
    """y = base(x) + s * (drop(x) A^T) B^T over a frozen base (nn.Linear or NF4Linear), one Function.

    Shapes: x (..., in), W (out, in) frozen, A (r, in), B (out, r), s = scaling, p = dropout,
    drop(x) = x * m / (1 - p) with a bool mask m (torch.native_dropout: the same mask and random
    stream as nn.Dropout). Flattened to N rows: X (N, in), G = dL/dy (N, out).

    Forward:
        Xd = drop(X)                         (N, in)   a temporary
        Hs = s * Xd A^T                      (N, r)    kept for backward (rank r: tiny)
        Y  = X W^T + b + Hs B^T              (N, out)
    Saved: X itself (the tensor the caller already holds: q, k and v read the same one, so it is
    kept once however many adapters read it), the bool mask m, Hs, and the fp32 parameters A, B.
    Not saved: Xd, W (re-derived in backward), any (N, out) tensor. The 16-bit copies of A and B
    (under autocast) are made once per optimizer step by `LoRALinear.cast_adapter`, not per call.

    Backward (the cheaper association: every product goes through the rank-r side, never an
    (out, in) or an (N, out) x (out, in) product beyond the base's own input gradient):
        dL/dB = G^T Hs                                  (out, N) (N, r) -> (out, r)
        Gs    = s * G B                                 (N, out) (out, r) -> (N, r)
        dL/dA = Gs^T Xd,  Xd = X * m / (1 - p) again    (r, N) (N, in) -> (r, in)
        dL/dX = G W + (Gs A) * m / (1 - p)              (N, in): base input gradient + adapter's
    (in code the 1/(1-p) is folded into s at rank r); since Y = X W^T + s Xd A^T B^T gives dY/dB-contraction G^T (s Xd A^T), dY/dA-contraction
    (s G B)^T Xd, and dXd/dX = m / (1 - p) elementwise.

    Precision: the base runs in `base_dtype`, the adapter in `lora_dtype` (both the autocast dtype
    under autocast; else the input's dtype and fp32, as LoRALinear's unfused path); the gradients of
    A and B are returned in their own dtype (fp32).
    """

    @staticmethod
    def forward(ctx, x, lora_a, lora_b, bias, module: "LoRALinear", scaling: float, p: float,
                base_dtype: torch.dtype, lora_dtype: torch.dtype):
        a, b = module.cast_adapter(lora_dtype)  # (r, in), (out, r): cached casts, no copy per call
        with torch.autocast(x.device.type, enabled=False):
            w = _frozen_weight(module.base_layer, base_dtype)  # (out, in), freed when this returns
            y = F.linear(x.to(base_dtype), w, None if bias is None else bias.to(base_dtype))  # (..., out)
            del w
            xl = x.to(lora_dtype)  # (..., in)
            mask = None
            if p > 0:
                xl, mask = torch.native_dropout(xl, p, True)  # (..., in), bool mask
            hs = F.linear(xl, a) * scaling  # (..., r)
            del xl
            if y.dtype == lora_dtype:
                y.view(-1, y.shape[-1]).addmm_(hs.view(-1, hs.shape[-1]), b.T)  # y += Hs B^T, one launch
            else:
                y = y + F.linear(hs, b).to(y.dtype)
        ctx.module, ctx.scaling, ctx.p = module, scaling, p
        ctx.base_dtype, ctx.lora_dtype = base_dtype, lora_dtype
        ctx.save_for_backward(x, mask, hs, lora_a, lora_b)
        return y

    @staticmethod
    def backward(ctx, grad_y):
        x, mask, hs, lora_a, lora_b = ctx.saved_tensors
        ldt = ctx.lora_dtype
        a, b = ctx.module.cast_adapter(ldt)
        # The dropout scale 1/(1-p) is folded into s at rank r: drop(X) = (X * m) / (1 - p).
        s = ctx.scaling / (1.0 - ctx.p)
        need_x, need_a, need_b = ctx.needs_input_grad[:3]
        r, n_out, n_in = hs.shape[-1], grad_y.shape[-1], x.shape[-1]
        g = grad_y.reshape(-1, n_out).to(ldt)  # (N, out)
        grad_x = grad_a = grad_b = None
        if need_b:
            grad_b = (g.T @ hs.reshape(-1, r)).to(lora_b.dtype)  # (out, r)
        if need_a or need_x:
            gs = (g @ b) * s  # (N, r)
        if need_a:
            xm = x.reshape(-1, n_in).to(ldt)  # (N, in)
            if mask is not None:
                xm = xm * mask.reshape(-1, n_in)
            grad_a = (gs.T @ xm).to(lora_a.dtype)  # (r, in)
            del xm
        if need_x:
            w = _frozen_weight(ctx.module.base_layer, ctx.base_dtype)  # (out, in); its temporaries go first
            grad_x = gs @ a  # (N, in): the adapter's term first, so one (N, in) buffer holds the sum
            if mask is not None:
                grad_x.mul_(mask.reshape(-1, n_in))  # * m  (the 1/(1-p) is in s)
            g_base = grad_y.reshape(-1, n_out).to(ctx.base_dtype)
            if grad_x.dtype == w.dtype:
                grad_x.addmm_(g_base, w)  # + G W, in place: no second (N, in) buffer
            else:
                grad_x = (g_base @ w).add_(grad_x.to(w.dtype))
            del w
            grad_x = grad_x.reshape(x.shape).to(x.dtype)
        return grad_x, grad_a, grad_b, None, None, None, None, None, None


# ----------------------------------------------------------------------------------------------
# The wrapper.

def _strip_base_prefix(module, state_dict, prefix, local_metadata):
    """state_dict post-hook: `<prefix>base_layer.<k>` -> `<prefix><k>` (the base keeps its own keys)."""
    inner = prefix + "base_layer."
    for key in [k for k in state_dict if k.startswith(inner)]:
        state_dict[prefix + key[len(inner):]] = state_dict.pop(key)
    # Put the lora keys after the base keys, as a reader would expect.
    for key in [k for k in state_dict if k.startswith(prefix + "lora_")]:
        state_dict[key] = state_dict.pop(key)


def _add_base_prefix(module, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs):
    """load_state_dict pre-hook: the inverse of `_strip_base_prefix`."""
    for key in [k for k in state_dict if k.startswith(prefix)]:
        rest = key[len(prefix):]
        if not rest.startswith(("lora_A.", "lora_B.", "base_layer.")):
            state_dict[prefix + "base_layer." + rest] = state_dict.pop(key)


class LoRALinear(nn.Module):
    """y = base(x) + scaling * B(A(dropout(x))), with the base frozen and A, B in fp32.

    Build with `LoRALinear.from_linear(base, r, alpha, dropout, use_rslora)`; fold back into a
    dense `nn.Linear` with `to_linear()`.

    `fused` (default True, settable per module or on the class): while gradients are recorded and
    the base is a frozen nn.Linear or NF4Linear, forward and backward run as one
    `LoRALinearFunction` (fewer ops, the adapter gradients through rank r, no dropout'd input
    or 16-bit copies of A and B kept for backward). Same outputs and gradients as the unfused path
    (tests/engine/test_lora.py), which runs otherwise (no grad, merged, other bases, a trainable base).
    """

    fused: bool = True

    def __init__(self, base: nn.Module, r: int, alpha: float, dropout: float = 0.0, use_rslora: bool = False):
        super().__init__()
        if isinstance(base, LoRALinear):
            raise TypeError("this module already has a LoRA adapter; LoRA can't be stacked")
        if not _is_linear(base):
            raise TypeError(f"LoRA wraps nn.Linear or a quantized linear (NF4Linear), not {type(base).__name__}")
        if not isinstance(r, int) or isinstance(r, bool) or r <= 0:
            raise ValueError(f"LoRA rank r must be a positive integer, got {r!r}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"LoRA dropout must be in [0, 1), got {dropout!r}")
        self.in_features, self.out_features = base.in_features, base.out_features
        self.r, self.alpha, self.use_rslora = r, float(alpha), bool(use_rslora)
        self.scaling = self.alpha / (math.sqrt(r) if use_rslora else r)
        self.merged = False  # True while the update is folded into the base weight (merge_lora(inplace=True))

        self.base_layer = base
        for p in base.parameters():
            p.requires_grad_(False)
        device = _device_of(base)
        self.lora_dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.lora_A = nn.Linear(self.in_features, r, bias=False, device=device, dtype=torch.float32)  # (r, in)
        self.lora_B = nn.Linear(r, self.out_features, bias=False, device=device, dtype=torch.float32)  # (out, r)
        self.reset_lora_parameters()
        self.train(base.training)  # a wrapped eval-mode model stays in eval mode (no adapter dropout)
        self.register_state_dict_post_hook(_strip_base_prefix)
        self.register_load_state_dict_pre_hook(_add_base_prefix)

    @classmethod
    def from_linear(cls, base: nn.Module, r: int, alpha: float, dropout: float = 0.0,
                    use_rslora: bool = False) -> "LoRALinear":
        return cls(base, r, alpha, dropout, use_rslora)

    def reset_lora_parameters(self):
        # As peft and the LoRA reference code: A like nn.Linear's default init, B zeros (update starts at 0).
        nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B.weight)

    # The base's weight and bias, for code that reads `layer.weight` (e.g. its dtype or shape).
    @property
    def weight(self):
        return self.base_layer.weight

    @property
    def bias(self):
        return self.base_layer.bias

    @property
    def dropout(self) -> float:
        return self.lora_dropout.p if isinstance(self.lora_dropout, nn.Dropout) else 0.0

    def _fusable(self, x: torch.Tensor) -> bool:
        """Whether the fused Function computes exactly what the unfused path would (see `fused`)."""
        base = self.base_layer
        if not (self.fused and torch.is_grad_enabled() and not self.merged):
            return False
        if not isinstance(base, (nn.Linear, NF4Linear)) or any(p.requires_grad for p in base.parameters()):
            return False  # another quantized linear, or a base that trains (mode "full"): unfused
        if isinstance(base, nn.Linear) and not torch.is_autocast_enabled(x.device.type):
            return x.dtype == base.weight.dtype  # else let nn.Linear raise its dtype error
        return True

    def cast_adapter(self, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
        """(A, B) in `dtype` for the fused path: the fp32 parameters themselves, or 16-bit copies made
        once and reused while the parameters are unchanged (keyed on their storage and version
        counters, which every in-place update such as optimizer.step or load_state_dict bumps)."""
        a, b = self.lora_A.weight, self.lora_B.weight
        if a.dtype == dtype and b.dtype == dtype:
            return a, b
        key = (dtype, a.data_ptr(), a._version, b.data_ptr(), b._version)
        cached = self.__dict__.get("_adapter_cast")
        if cached is None or cached[0] != key:
            with torch.no_grad():
                cached = (key, a.detach().to(dtype), b.detach().to(dtype))
            self.__dict__["_adapter_cast"] = cached
        return cached[1], cached[2]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self._fusable(x):
            if x.shape[-1] != self.in_features:
                raise ValueError(f"LoRALinear: input last dim {x.shape[-1]} != in_features {self.in_features}")
            dt = x.device.type
            autocast = torch.is_autocast_enabled(dt)
            base_dtype = torch.get_autocast_dtype(dt) if autocast else x.dtype
            lora_dtype = torch.get_autocast_dtype(dt) if autocast else self.lora_A.weight.dtype
            p = self.dropout if self.training else 0.0
            return LoRALinearFunction.apply(x, self.lora_A.weight, self.lora_B.weight, self.base_layer.bias,
                                            self, self.scaling, p, base_dtype, lora_dtype)
        out = self.base_layer(x)  # (..., out)
        if self.merged:
            return out
        if not torch.is_autocast_enabled(x.device.type):  # under autocast the matmuls pick their own dtype
            x = x.to(self.lora_A.weight.dtype)
        h = self.lora_A(self.lora_dropout(x))  # (..., r)
        delta = self.lora_B(h * self.scaling)  # (..., out); scaled at rank r, where it is cheapest
        return out + delta.to(out.dtype)

    def delta_weight(self) -> torch.Tensor:
        """scaling * B @ A: (out, in) in fp32."""
        return (self.lora_B.weight @ self.lora_A.weight) * self.scaling

    def merged_weight(self) -> torch.Tensor:
        """W + scaling * B @ A as a dense (out, in) tensor in the base's compute dtype."""
        w = _dense_weight(self.base_layer)
        if self.merged:
            return w.detach().clone()
        return (w.detach().float() + self.delta_weight().detach()).to(w.dtype)

    def to_linear(self) -> nn.Linear:
        """A new dense nn.Linear holding the merged weight (and the base's bias); self is unchanged."""
        with torch.no_grad():
            w = self.merged_weight()
            bias = self.base_layer.bias
            lin = nn.Linear(self.in_features, self.out_features, bias=bias is not None, device=w.device, dtype=w.dtype)
            lin.weight.copy_(w)
            if bias is not None:
                lin.bias.copy_(bias)
        lin.requires_grad_(False)
        return lin

    def merge_(self):
        """Fold the update into a dense base weight in place (inverse: `unmerge_`)."""
        if self.merged:
            return
        if not isinstance(self.base_layer, nn.Linear):
            raise TypeError(f"can't merge in place into a {type(self.base_layer).__name__} base: the fold would "
                            f"re-quantize and could not be undone; use merge_lora(model) for a dense merged copy, "
                            f"or merge_lora(model, requantize=True) for a re-quantized one")
        with torch.no_grad():
            w = self.base_layer.weight
            w.copy_((w.float() + self.delta_weight()).to(w.dtype))
        self.merged = True

    def unmerge_(self):
        """Subtract a merged update back out of the base weight (exact up to rounding in its dtype)."""
        if not self.merged:
            return
        with torch.no_grad():
            w = self.base_layer.weight
            w.copy_((w.float() - self.delta_weight()).to(w.dtype))
        self.merged = False

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, r={self.r}, "
                f"alpha={self.alpha:g}, scaling={self.scaling:g}, dropout={self.dropout:g}"
                + (", rslora" if self.use_rslora else "") + (", merged" if self.merged else ""))


# ----------------------------------------------------------------------------------------------
# Injection.

@dataclass(frozen=True)
class LoraReport:
    """What `apply_lora` / `load_adapter` did: the wrapped modules and the parameter counts.

    `total` counts a quantized weight by its logical size (in * out), not by its packed bytes.
    """

    modules: tuple[str, ...]
    trainable: int
    total: int

    @property
    def percent(self) -> float:
        return 100.0 * self.trainable / max(self.total, 1)

    def __str__(self) -> str:
        return (f"LoRA on {len(self.modules)} modules: {self.trainable:,} trainable parameters of "
                f"{self.total:,} ({self.percent:.3f}%)")


def lora_modules(model: nn.Module) -> dict[str, LoRALinear]:
    """{module path: LoRALinear} in model order."""
    return {name: m for name, m in model.named_modules() if isinstance(m, LoRALinear)}


def lora_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    """The adapter weights only, under the model's own keys (`<path>.lora_A.weight`, ...)."""
    return {f"{name}.{ab}.weight": getattr(m, ab).weight for name, m in lora_modules(model).items()
            for ab in ("lora_A", "lora_B")}


def report(model: nn.Module) -> LoraReport:
    """Trainable and total parameter counts of a model (quantized weights at their logical size)."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    total = sum(p.numel() for p in model.parameters())
    total += sum(m.in_features * m.out_features for m in model.modules()
                 if _is_quantized(m) and not isinstance(getattr(m, "weight", None), nn.Parameter))
    return LoraReport(modules=tuple(lora_modules(model)), trainable=trainable, total=total)


def _linear_names(model: nn.Module) -> dict[str, nn.Module]:
    return {name: m for name, m in model.named_modules() if _is_linear(m)}


def _matches(name: str, target: str) -> bool:
    """peft's rule for a list entry: the full path, or a dotted suffix of it (`q_proj`, `mlp.down_proj`)."""
    return name == target or name.endswith("." + target)


def resolve_targets(model: nn.Module, target_modules, exclude_modules=None) -> list[str]:
    """The module paths `target_modules` selects, with peft's semantics.

    "all-linear": every linear except the output layer (`lm_head`), as peft does;
    a list of names: modules whose path equals or ends with one of them (`q_proj`, `self_attn.q_proj`);
    any other string: a regular expression that must match the whole module path.
    Raises ValueError naming unknown targets, targets that are not linear, and the linear names that exist.
    """
    existing = lora_modules(model)
    if existing:
        raise ValueError(f"the model already has LoRA on {len(existing)} modules (e.g. {next(iter(existing))}); "
                         f"LoRA can't be applied twice")
    linears = _linear_names(model)
    leaf_names = sorted({n.rpartition(".")[2] for n in linears})
    all_modules = dict(model.named_modules())

    if isinstance(target_modules, str) and target_modules == ALL_LINEAR:
        names = [n for n in linears if n.rpartition(".")[2] != "lm_head"]
    elif isinstance(target_modules, str):
        try:
            pattern = re.compile(target_modules)
        except re.error as e:
            raise ValueError(f"target_modules={target_modules!r} is neither 'all-linear' nor a valid regular "
                             f"expression ({e}); pass a list of module names such as {leaf_names}") from None
        hits = [n for n in all_modules if n and pattern.fullmatch(n)]
        bad = [n for n in hits if n not in linears]
        if bad:
            raise ValueError(f"target_modules={target_modules!r} matches modules that are not linear: {bad[:5]}; "
                             f"LoRA wraps linears only: {leaf_names}")
        names = hits
        if not names:
            raise ValueError(f"target_modules={target_modules!r} (a regular expression over full module paths, as "
                             f"in peft) matches no module; linear modules here: {leaf_names} (pass a list of names "
                             f"like {leaf_names[:2]}, or 'all-linear')")
    elif isinstance(target_modules, (list, tuple, set, frozenset)) and target_modules and all(
            isinstance(t, str) for t in target_modules):
        problems = []
        for t in target_modules:
            hits = [n for n in all_modules if n and _matches(n, t)]
            if not hits:
                close = difflib.get_close_matches(t.rpartition(".")[2], leaf_names, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(f"no module named {t!r}{hint}")
            elif not all(h in linears for h in hits):
                kinds = sorted({type(all_modules[h]).__name__ for h in hits if h not in linears})
                problems.append(f"{t!r} is a {', '.join(kinds)}, not a linear")
        if problems:
            raise ValueError(f"target_modules: {'; '.join(problems)}. Linear modules in this model: "
                             f"{', '.join(leaf_names)} (or 'all-linear' for all but lm_head)")
        names = [n for n in linears if any(_matches(n, t) for t in target_modules)]
    else:
        raise ValueError(f"target_modules must be 'all-linear' or a non-empty list of module names, "
                         f"got {target_modules!r}; linear modules here: {leaf_names}")

    if exclude_modules:
        if isinstance(exclude_modules, str):
            names = [n for n in names if not re.fullmatch(exclude_modules, n)]
        else:
            names = [n for n in names if not any(_matches(n, e) for e in exclude_modules)]
    if not names:
        raise ValueError(f"target_modules={target_modules!r} with exclude_modules={exclude_modules!r} leaves "
                         f"no module to adapt")
    return names


def _swap_modules(module: nn.Module, make, targets: set[str], prefix: str = ""):
    """Walk named_children and replace each target module by make(path, child), in place."""
    for name, child in module.named_children():
        path = prefix + name
        if path in targets:
            setattr(module, name, make(path, child))
        else:
            _swap_modules(child, make, targets, path + ".")


def _inject(model: nn.Module, spec: dict[str, tuple[int, float]], dropout: float, use_rslora: bool):
    """Wrap each module of spec {path: (r, alpha)} in a LoRALinear; freeze all but the adapters."""
    for p in model.parameters():
        p.requires_grad_(False)
    _swap_modules(model, lambda path, child: LoRALinear.from_linear(child, spec[path][0], spec[path][1], dropout,
                                                                    use_rslora), set(spec))
    for m in lora_modules(model).values():
        m.lora_A.weight.requires_grad_(True)
        m.lora_B.weight.requires_grad_(True)


def apply_lora(model: nn.Module, r: int = 16, alpha: float = 32, dropout: float = 0.05,
               target_modules="all-linear", use_rslora: bool = False) -> LoraReport:
    """Wrap the targeted linears of `model` in LoRALinear (in place) and freeze everything else.

    target_modules: "all-linear" (every linear but lm_head), or module names such as
    ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"].
    Returns a LoraReport (str() gives the one-line summary of trainable parameters).
    """
    names = resolve_targets(model, target_modules)
    _inject(model, {n: (r, alpha) for n in names}, dropout, use_rslora)
    return report(model)


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

    _swap_modules(merged, fold, set(lora_modules(merged)))
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
    save_file(tensors, str(path / ADAPTER_WEIGHTS), metadata={"format": "pt"})
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
    r, alpha = cfg.get("r"), cfg.get("lora_alpha")
    if not isinstance(r, int) or isinstance(r, bool) or r <= 0:
        problems.append(f"r={r!r} (must be a positive integer)")
    if not isinstance(alpha, (int, float)) or isinstance(alpha, bool):
        problems.append(f"lora_alpha={alpha!r} (must be a number)")
    if cfg.get("target_modules") is None:
        problems.append("target_modules is missing")
    if problems:
        raise AdapterError(f"{file}: unsupported adapter option(s): " + "; ".join(problems))
    unknown = {k: v for k, v in cfg.items()
               if k not in SUPPORTED_OPTIONS | IGNORED_OPTIONS | set(UNSUPPORTED_OPTIONS) and v not in (None, False, [], {})}
    if unknown:
        warnings.warn(f"{file}: ignoring peft option(s) this loader doesn't know: {sorted(unknown)}", stacklevel=3)
    return cfg


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
    problems += [f"missing tensor {k}" for k in expected if k not in tensors]
    if problems:
        raise AdapterError(f"{file} does not match {'the LoRA modules of this model' if existing else path / ADAPTER_CONFIG}"
                           f" ({len(problems)} problem(s)):\n  " + "\n  ".join(problems[:30])
                           + ("\n  ..." if len(problems) > 30 else ""))

    if not existing:
        _inject(model, spec, float(cfg.get("lora_dropout", 0.0) or 0.0), bool(cfg.get("use_rslora", False)))
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


# ----------------------------------------------------------------------------------------------
# Export a merged, dense, transformers-loadable checkpoint.

def merged_state_dict(model: nn.Module, dtype: torch.dtype | None = None) -> dict[str, torch.Tensor]:
    """The model's weights under checkpoint keys, with LoRA folded in and quantized linears dequantized.

    Tied tensors appear under each key (one tensor object); non-persistent buffers are left out.
    """
    out: dict[str, torch.Tensor] = {}
    seen: dict[int, torch.Tensor] = {}  # id(parameter) -> its detached view, so tied weights stay one object

    def plain(t: torch.Tensor) -> torch.Tensor:
        return seen.setdefault(id(t), t.detach())

    def visit(module: nn.Module, prefix: str):
        if isinstance(module, LoRALinear) or _is_quantized(module):
            w = module.merged_weight() if isinstance(module, LoRALinear) else module.dequantize()
            out[prefix + "weight"] = w.detach()
            if module.bias is not None:
                out[prefix + "bias"] = module.bias.detach()
            return
        for name, p in module.named_parameters(recurse=False):
            out[prefix + name] = plain(p)
        for name, b in module.named_buffers(recurse=False):
            if b is not None and name not in module._non_persistent_buffers_set:
                out[prefix + name] = plain(b)
        for name, child in module.named_children():
            visit(child, prefix + name + ".")

    with torch.no_grad():
        visit(model, "")
    if dtype is not None:
        done: dict[int, torch.Tensor] = {}  # id(original) -> cast, so tied tensors stay one tensor
        for k, t in out.items():
            if id(t) not in done:
                done[id(t)] = t.to(dtype) if t.is_floating_point() else t
            out[k] = done[id(t)]
    return out


def export_merged(model: nn.Module, path, *, hf_config: dict | None = None,
                  dtype: torch.dtype | None = None, copy_from=None) -> Path:
    """Write the merged model as an HF checkpoint (config.json + model.safetensors) that transformers loads.

    hf_config: the checkpoint's config.json dict; by default `model.config.hf_config` (kept by models.load_model).
    dtype: weights dtype (default: that of the embedding); config.json's dtype field is set to match.
    copy_from: a checkpoint directory whose tokenizer and generation_config files are copied alongside
    (default: the directory the model was loaded from, when it is local).
    Tied embeddings stay tied unless LoRA changed lm_head, in which case they are written untied.
    """
    path = Path(path)
    hf = dict(hf_config if hf_config is not None else getattr(getattr(model, "config", None), "hf_config", None) or {})
    if not hf:
        raise ValueError("export_merged: no config.json dict: pass hf_config= (the base checkpoint's config.json "
                         "as a dict), or load the model with models.load_model, which keeps it in model.config")
    sd = merged_state_dict(model, dtype)
    embed, head = sd.get("model.embed_tokens.weight"), sd.get("lm_head.weight")
    if hf.get("tie_word_embeddings") and head is not None:
        if head is embed or (embed is not None and torch.equal(head, embed)):
            del sd["lm_head.weight"]  # transformers' convention for tied weights
        else:
            hf["tie_word_embeddings"] = False  # LoRA on lm_head untied it
    elif head is not None and embed is not None and head is embed:
        sd["lm_head.weight"] = head.clone()
    hf.pop("quantization_config", None)  # the export is dense
    wdtype = (embed if embed is not None else next(iter(sd.values()))).dtype
    hf["dtype" if "dtype" in hf or "torch_dtype" not in hf else "torch_dtype"] = str(wdtype).removeprefix("torch.")

    path.mkdir(parents=True, exist_ok=True)
    save_file({k: t.to("cpu").contiguous() for k, t in sd.items()}, str(path / "model.safetensors"),
              metadata={"format": "pt"})
    (path / "config.json").write_text(json.dumps(hf, indent=2, sort_keys=True) + "\n")
    source = Path(copy_from) if copy_from is not None else Path(str(getattr(model, "source", "") or "/nonexistent"))
    if source.is_dir() and source.resolve() != path.resolve():
        for name in EXPORT_SIDE_FILES:
            if (source / name).exists():
                shutil.copyfile(source / name, path / name)
    return path
