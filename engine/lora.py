"""LoRA written by hand: one wrapper (`LoRALinear`) and one injection function (`apply_lora`).

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

The fused training path (one autograd Function for base + adapter) is engine/lora_fused.py; merging
and its inverse, and the merged export, engine/merge.py; adapter files in peft's layout,
engine/adapter.py.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass

import torch
from torch import nn

from engine.lora_fused import LoRALinearFunction
from kernels.nf4_linear import NF4Linear

ALL_LINEAR = "all-linear"


# ----------------------------------------------------------------------------------------------
# Base linears: dense nn.Linear or a quantized linear (NF4Linear) with in/out_features.

def _is_linear(module: nn.Module) -> bool:
    """A module LoRA can wrap: nn.Linear, or a quantized linear that can give back a dense weight."""
    if isinstance(module, nn.Linear):
        return True
    return (isinstance(getattr(module, "in_features", None), int)
            and isinstance(getattr(module, "out_features", None), int)
            and callable(getattr(module, "dequantize", None)))


def is_quantized(module: nn.Module) -> bool:
    """A linear LoRA can wrap that is not a dense nn.Linear (NF4Linear): its weight is packed."""
    return _is_linear(module) and not isinstance(module, nn.Linear) and not isinstance(module, LoRALinear)


def _dense_weight(base: nn.Module) -> torch.Tensor:
    """The base's weight as a dense (out, in) tensor in its compute dtype (no copy for nn.Linear)."""
    if isinstance(base, nn.Linear):
        return base.weight
    return base.dequantize()


@torch.no_grad()
def dense_linear(weight: torch.Tensor, bias: torch.Tensor | None) -> nn.Linear:
    """A frozen nn.Linear holding copies of `weight` (out, in) and `bias`, on their device and in their dtype."""
    out_features, in_features = weight.shape
    lin = nn.Linear(in_features, out_features, bias=bias is not None, device=weight.device, dtype=weight.dtype)
    lin.weight.copy_(weight)
    if bias is not None:
        lin.bias.copy_(bias)
    return lin.requires_grad_(False)


def _device_of(module: nn.Module) -> torch.device:
    for t in module.parameters():
        return t.device
    for t in module.buffers():
        return t.device
    return torch.device("cpu")


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
        return dense_linear(self.merged_weight(), self.base_layer.bias)

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
                 if is_quantized(m) and not isinstance(getattr(m, "weight", None), nn.Parameter))
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


def swap_modules(module: nn.Module, make, targets: set[str], prefix: str = ""):
    """Walk named_children and replace each target module by make(path, child), in place."""
    for name, child in module.named_children():
        path = prefix + name
        if path in targets:
            setattr(module, name, make(path, child))
        else:
            swap_modules(child, make, targets, path + ".")


def inject(model: nn.Module, spec: dict[str, tuple[int, float]], dropout: float, use_rslora: bool):
    """Wrap each module of spec {path: (r, alpha)} in a LoRALinear; freeze all but the adapters."""
    for p in model.parameters():
        p.requires_grad_(False)
    swap_modules(model, lambda path, child: LoRALinear.from_linear(child, spec[path][0], spec[path][1], dropout,
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
    inject(model, {n: (r, alpha) for n in names}, dropout, use_rslora)
    return report(model)
