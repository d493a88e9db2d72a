"""NF4Linear: a frozen linear layer stored as NF4 (bitsandbytes' layout and state-dict keys).

The weight lives in the module as buffers, exactly the tensors bitsandbytes' Linear4bit keeps:

    weight            uint8 (ceil(out*in/2), 1)  packed codes, first element in the high nibble
    absmax            uint8 (n_blocks,) with double quantization, fp32 otherwise
    quant_map         fp32 (16,)   the NF4 values
    nested_absmax     fp32 (ceil(n_blocks/256),)   } double quantization only
    nested_quant_map  fp32 (256,)  dynamic map     }
    offset            Python float (the fp32 mean of the absmax), blocksize, dtype, shape

`state_dict()` writes them under bitsandbytes / transformers keys (`weight`, `bias`,
`weight.absmax`, `weight.quant_map`, `weight.nested_absmax`, `weight.nested_quant_map`,
`weight.quant_state.bitsandbytes__nf4` = the JSON of the rest, as uint8), so checkpoints
load both ways without re-quantizing (the format itself: kernels/nf4_bnb.py).

Forward dequantizes on the fly (Triton on CUDA, torch elsewhere: kernels.backend) and
never keeps the dense weight for backward; see NF4LinearFunction.
`nf4_memory(module)` accounts the bytes of all of it.
"""

from __future__ import annotations

import dataclasses

import torch
from torch import nn

from kernels import backend
from kernels.nf4 import NF4Weight, quantize_nf4
from kernels.nf4_bnb import QUANT_STATE_KEY, nf4_weight_from_bnb, nf4_weight_to_bnb
from kernels.nf4_gemv import gemv_applies, nf4_gemv_triton

_FLOAT_STATE = ("quant_map", "nested_absmax", "nested_quant_map")  # fp32 buffers, always fp32


# ---- one scratch buffer per (device, dtype) for the dense weight of one matmul -----------------
_scratch: dict[tuple[torch.device, torch.dtype], torch.Tensor] = {}


def dequantize_for_matmul(q: NF4Weight, dtype: torch.dtype) -> torch.Tensor:
    """W = dequant(q) (out, in) in `dtype`, for ONE matmul issued before the next call.

    On the Triton backend (with `NF4Linear.scratch`, the default) W is written into a scratch
    buffer shared by every NF4 weight on the device, grown to the largest one: no allocation per
    layer, and no dense copy outlives its matmul. That is safe because the caller consumes W at
    once (GPU work on one stream runs in order: the next dequant into the buffer starts after the
    matmul that reads it) and never saves it for backward. Elsewhere W is a fresh tensor.
    `release_scratch()` frees the buffers.
    """
    if not NF4Linear.scratch or backend.kernel_backend(q.device) != "triton":
        return backend.dequantize(q, dtype)
    key = (q.device, dtype)
    n = q.shape[0] * q.shape[1]
    buf = _scratch.get(key)
    if buf is None or buf.numel() < n:
        _scratch[key] = buf = torch.empty(n, dtype=dtype, device=q.device)
    return backend.dequantize(q, dtype, out=buf[:n].view(q.shape))


def release_scratch():
    """Drop the dequantization scratch buffers (they are re-made on the next NF4 matmul)."""
    _scratch.clear()


class NF4LinearFunction(torch.autograd.Function):
    """y = x @ W^T + b with W = dequant(Q) (out, in), Q frozen.

    Forward: W is dequantized into a temporary (the scratch buffer on Triton:
    `dequantize_for_matmul`), y = x W^T + b, W is dropped.
    Saved for backward: the quantized tensors only (packed bytes, scales, code tables);
    neither W nor x (no weight gradient needs x).

    Backward, with G = dL/dy of shape (..., out):
        dL/dx = G @ W                         (..., out) @ (out, in) -> (..., in)
                W dequantized again from Q, in G's dtype
        dL/dW = none (frozen: the weight is not a tensor that requires grad)
        dL/db = sum of G over all leading dims  (out,), only if the bias requires grad
    """

    @staticmethod
    def forward(ctx, x, bias, meta: NF4Weight, packed, absmax, nested_absmax, code, nested_code):
        q = dataclasses.replace(meta, packed=packed, absmax=absmax, nested_absmax=nested_absmax,
                                code=code, nested_code=nested_code)
        w = dequantize_for_matmul(q, x.dtype)  # (out, in), consumed by the next line
        y = torch.nn.functional.linear(x, w, None if bias is None else bias.to(x.dtype))
        ctx.meta = meta
        ctx.has_bias = bias is not None
        ctx.save_for_backward(packed, absmax, nested_absmax, code, nested_code)
        return y

    @staticmethod
    def backward(ctx, grad_y):
        packed, absmax, nested_absmax, code, nested_code = ctx.saved_tensors
        grad_x = grad_bias = None
        if ctx.needs_input_grad[0]:
            q = dataclasses.replace(ctx.meta, packed=packed, absmax=absmax,
                                    nested_absmax=nested_absmax, code=code, nested_code=nested_code)
            w = dequantize_for_matmul(q, grad_y.dtype)  # (out, in), consumed by the next line
            grad_x = grad_y @ w  # (..., in)
        if ctx.has_bias and ctx.needs_input_grad[1]:
            grad_bias = grad_y.reshape(-1, grad_y.shape[-1]).sum(0)
        return grad_x, grad_bias, None, None, None, None, None, None


class NF4Linear(nn.Module):
    """A frozen linear layer y = x W^T + b with W in NF4 (see the module docstring).

    Build with `NF4Linear.from_linear(linear)`, `NF4Linear.from_weight(weight, bias)`,
    `NF4Linear(quantize_nf4(weight), bias)` or `NF4Linear.from_bnb_tensors(tensors)`;
    `to_linear()` gives a dense nn.Linear back. Computes in the input's dtype (the autocast
    dtype under autocast). `dequantize()` gives W in the original dtype.

    `scratch` (class attribute, default True): on the Triton backend the per-matmul dense weight
    goes into a shared per-device buffer (see `dequantize_for_matmul`); False: a fresh tensor.
    """

    scratch: bool = True

    def __init__(self, q: NF4Weight, bias: torch.Tensor | None = None):
        super().__init__()
        if len(q.shape) != 2:
            raise ValueError(f"NF4Linear needs a 2-D (out, in) weight, got shape {q.shape}")
        self.out_features, self.in_features = q.shape
        self.dtype = q.dtype  # original weight dtype: the default dequantization dtype
        self.blocksize = q.blocksize
        self.nested_blocksize = q.nested_blocksize
        self.offset = float(q.offset)
        self.register_buffer("weight", q.packed.reshape(-1, 1), persistent=False)
        self.register_buffer("absmax", q.absmax, persistent=False)
        self.register_buffer("quant_map", q.code, persistent=False)
        self.register_buffer("nested_absmax", q.nested_absmax, persistent=False)
        self.register_buffer("nested_quant_map", q.nested_code, persistent=False)
        self._dense: torch.Tensor | None = None  # inference-only dense copy (cache_dense_weights)
        if bias is not None:
            if bias.shape != (self.out_features,):
                raise ValueError(f"NF4Linear: bias shape {tuple(bias.shape)} does not match "
                                 f"out_features {self.out_features}")
            self.bias = nn.Parameter(bias.detach().clone(), requires_grad=False)
        else:
            self.register_parameter("bias", None)

    # ---- the quantized weight ------------------------------------------------------------
    @property
    def double_quant(self) -> bool:
        return self.nested_absmax is not None

    @property
    def quant(self) -> NF4Weight:
        """The NF4Weight held by this module (views of its buffers)."""
        return NF4Weight(packed=self.weight.reshape(-1), absmax=self.absmax,
                         nested_absmax=self.nested_absmax, offset=self.offset,
                         shape=(self.out_features, self.in_features), dtype=self.dtype,
                         blocksize=self.blocksize, nested_blocksize=self.nested_blocksize,
                         code=self.quant_map, nested_code=self.nested_quant_map)

    def dequantize(self, dtype: torch.dtype | None = None) -> torch.Tensor:
        """Dense W (out, in) in `dtype` (default: the original weight dtype); a tensor of its own."""
        return backend.dequantize(self.quant, dtype or self.dtype)

    def dequantize_for_matmul(self, dtype: torch.dtype) -> torch.Tensor:
        """W for one matmul issued at once (maybe the shared scratch buffer: see `dequantize_for_matmul`)."""
        return dequantize_for_matmul(self.quant, dtype)

    # ---- forward ---------------------------------------------------------------------------
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] != self.in_features:
            raise ValueError(f"NF4Linear: input last dim {x.shape[-1]} != in_features {self.in_features}")
        if torch.is_autocast_enabled(x.device.type):
            x = x.to(torch.get_autocast_dtype(x.device.type))
        dense = self._dense
        if dense is not None and dense.dtype == x.dtype and not torch.is_grad_enabled():
            return torch.nn.functional.linear(x, dense, None if self.bias is None else self.bias.to(x.dtype))
        q = self.quant
        if gemv_applies(x, q, self.bias):  # decoding: <= 32 rows, Triton backend, no gradient -> fused GEMV
            return nf4_gemv_triton(x, q, self.bias)
        return NF4LinearFunction.apply(x, self.bias, q, q.packed, q.absmax, q.nested_absmax,
                                       q.code, q.nested_code)

    # ---- construction ----------------------------------------------------------------------
    @classmethod
    def from_weight(cls, weight: torch.Tensor, bias: torch.Tensor | None = None, blocksize: int = 64,
                    double_quant: bool = True, name: str | None = None) -> "NF4Linear":
        """Quantize a dense (out, in) weight; `name` appears in errors (e.g. NaN in the weight)."""
        return cls(quantize_nf4(weight, blocksize=blocksize, double_quant=double_quant, name=name), bias)

    @classmethod
    def from_linear(cls, linear: nn.Linear, blocksize: int = 64, double_quant: bool = True,
                    name: str | None = None) -> "NF4Linear":
        return cls.from_weight(linear.weight.detach(), linear.bias, blocksize, double_quant, name)

    def requantized(self, weight: torch.Tensor, bias: torch.Tensor | None) -> "NF4Linear":
        """A new NF4Linear with this one's settings holding `weight` (used by merge_lora)."""
        return type(self).from_weight(weight.to(self.dtype), bias, self.blocksize, self.double_quant)

    def to_linear(self, dtype: torch.dtype | None = None) -> nn.Linear:
        """A dense nn.Linear with the dequantized weight (and the bias), in `dtype` or the original."""
        dtype = dtype or self.dtype
        lin = nn.Linear(self.in_features, self.out_features, bias=self.bias is not None,
                        device=self.weight.device, dtype=dtype)
        with torch.no_grad():
            lin.weight.copy_(self.dequantize(dtype))
            if self.bias is not None:
                lin.bias.copy_(self.bias)
        return lin

    @classmethod
    def from_bnb_tensors(cls, tensors: dict[str, torch.Tensor], bias: torch.Tensor | None = None,
                         name: str | None = None) -> "NF4Linear":
        """From bitsandbytes' serialized tensors (keys `weight`, `weight.absmax`, ... without the
        module prefix, as transformers saves a 4-bit model), without re-quantizing."""
        return cls(nf4_weight_from_bnb(tensors, name), bias)

    # ---- state dict in bitsandbytes' format ------------------------------------------------
    def bnb_tensors(self) -> dict[str, torch.Tensor]:
        """The bitsandbytes serialization of the weight: keys as in a transformers 4-bit checkpoint."""
        return nf4_weight_to_bnb(self.quant)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        tensors = self.bnb_tensors()
        destination[prefix + "weight"] = tensors.pop("weight")
        if self.bias is not None:  # bitsandbytes' order: weight, bias, then the quant state
            destination[prefix + "bias"] = self.bias if keep_vars else self.bias.detach()
        for k, v in tensors.items():
            destination[prefix + k] = v

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs):
        ours = {k[len(prefix):]: v for k, v in state_dict.items() if k.startswith(prefix)}  # no children
        known = {"weight", "bias", "weight.absmax", "weight.quant_map", "weight.nested_absmax",
                 "weight.nested_quant_map", "weight." + QUANT_STATE_KEY}
        for k in ours:
            if k not in known and strict:
                unexpected_keys.append(prefix + k)
        dense = ours.get("weight")
        if (dense is not None and dense.is_floating_point() and "weight.absmax" not in ours
                and dense.shape == (self.out_features, self.in_features)):
            # a dense checkpoint (nn.Linear keys): quantize it with this layer's settings
            ours = dict(ours, **nf4_weight_to_bnb(quantize_nf4(
                dense, self.blocksize, self.double_quant, name=prefix + "weight")))
        required = ["weight", "weight.absmax", "weight.quant_map", "weight." + QUANT_STATE_KEY]
        if self.bias is not None:
            required.append("bias")
        missing = [prefix + k for k in required if k not in ours]
        if missing:
            missing_keys.extend(missing)
            return
        try:
            q = nf4_weight_from_bnb({k: v for k, v in ours.items() if k != "bias"}, name=prefix + "weight")
        except ValueError as e:
            error_msgs.append(str(e))
            return
        if q.shape != (self.out_features, self.in_features):
            error_msgs.append(f"{prefix}weight: checkpoint shape {q.shape} does not match this layer's "
                              f"(out, in) = ({self.out_features}, {self.in_features})")
            return
        device = self.weight.device
        q = q.to(device)
        self.dtype, self.blocksize, self.offset = q.dtype, q.blocksize, float(q.offset)
        self.nested_blocksize = q.nested_blocksize
        self._buffers.update(weight=q.packed.reshape(-1, 1), absmax=q.absmax, quant_map=q.code,
                             nested_absmax=q.nested_absmax, nested_quant_map=q.nested_code)
        if "bias" in ours:
            if self.bias is None:
                if strict:
                    unexpected_keys.append(prefix + "bias")
            elif ours["bias"].shape != self.bias.shape:
                error_msgs.append(f"{prefix}bias: shape {tuple(ours['bias'].shape)} != {tuple(self.bias.shape)}")
            else:
                with torch.no_grad():
                    self.bias.copy_(ours["bias"])

    # ---- an inference-only dense cache ---------------------------------------------------------
    def train(self, mode: bool = True):
        if mode:
            self._dense = None  # training never runs on the cache: it would break the memory promise
        return super().train(mode)

    # ---- device moves keep the quantization state exact -------------------------------------
    def _apply(self, fn, recurse=True):
        self._dense = None
        # .to(device) / .cuda() must move the fp32 scales and code tables, but .to(bfloat16) /
        # .half() must not round them: pass them through `fn` as int32 bit patterns.
        held = {}
        for name in _FLOAT_STATE + ("absmax",):
            t = self._buffers.get(name)
            if t is not None and t.dtype == torch.float32:
                held[name] = fn(t.view(torch.int32)).view(torch.float32)
                self._buffers[name] = None
        try:
            super()._apply(fn, recurse)
        finally:
            self._buffers.update(held)
        return self

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}, blocksize={self.blocksize}, "
                f"double_quant={self.double_quant}, dtype={str(self.dtype).replace('torch.', '')}")


# ---- decoding on CPU: dequantize once, not once per token --------------------------------------

def cache_dense_weights(model: nn.Module, dtype: torch.dtype, *, max_bytes: int | None = None) -> int:
    """Give every NF4Linear of `model` a dense copy of its weight in `dtype`, for inference.

    Why: without a fused kernel (the Triton GEMV runs on CUDA only), each NF4 matmul dequantizes
    its whole weight first; decoding one token then costs a dequantization of the entire model,
    ~20x the matmul itself on a CPU. With the cache, a forward without gradients multiplies by the
    stored dense weight: the same values the per-call dequantization gives (bit-identical
    outputs), at dense speed, for dense memory. The cache is dropped by `model.train()`, by any
    device or dtype move, and by `drop_dense_weights`; forwards that record gradients never use it.

    max_bytes: build nothing when the dense copies would need more (returns 0). Returns the bytes used.
    """
    layers = [m for m in model.modules() if isinstance(m, NF4Linear)]
    need = sum(m.out_features * m.in_features for m in layers) * torch.empty((), dtype=dtype).element_size()
    if not layers or (max_bytes is not None and need > max_bytes):
        return 0
    for m in layers:
        if m._dense is None or m._dense.dtype != dtype:
            m._dense = m.dequantize(dtype)
    return need


def drop_dense_weights(model: nn.Module) -> None:
    for m in model.modules():
        if isinstance(m, NF4Linear):
            m._dense = None


def nf4_memory(module: nn.Module) -> dict:
    """Bytes held by a module or model, split by what they are.

    packed_bytes:       4-bit codes of every NF4Linear
    scale_bytes:        first-level scales (uint8 codes with double quant, fp32 otherwise)
    nested_scale_bytes: second-level fp32 absmax + the fp32 offset (double quant only)
    code_table_bytes:   the 16-value NF4 table and the 256-value dynamic map of each layer
    unquantized_bytes:  every other parameter and buffer (biases, embeddings, norms, ...)
    quantized_params:   weights stored as NF4; unquantized_params: the rest
    bits_per_param:     (packed + scales + nested scales) * 8 / quantized_params
    bits_per_param_with_tables: the same including the code tables
    """
    out = dict.fromkeys(["packed_bytes", "scale_bytes", "nested_scale_bytes", "code_table_bytes",
                         "unquantized_bytes", "quantized_params", "unquantized_params"], 0)
    nbytes = lambda t: 0 if t is None else t.numel() * t.element_size()  # noqa: E731
    seen: set[int] = set()
    for m in module.modules():
        if isinstance(m, NF4Linear):
            out["packed_bytes"] += nbytes(m.weight)
            out["scale_bytes"] += nbytes(m.absmax)
            out["nested_scale_bytes"] += nbytes(m.nested_absmax) + (4 if m.double_quant else 0)
            out["code_table_bytes"] += nbytes(m.quant_map) + nbytes(m.nested_quant_map)
            out["quantized_params"] += m.in_features * m.out_features
            tensors = [m.bias] if m.bias is not None else []
        else:
            tensors = list(m.parameters(recurse=False)) + list(m.buffers(recurse=False))
        for t in tensors:
            if id(t) in seen:  # tied weights count once
                continue
            seen.add(id(t))
            out["unquantized_bytes"] += nbytes(t)
            out["unquantized_params"] += t.numel()
    quant = out["packed_bytes"] + out["scale_bytes"] + out["nested_scale_bytes"]
    q = max(out["quantized_params"], 1)
    out["bits_per_param"] = quant * 8 / q if out["quantized_params"] else 0.0
    out["bits_per_param_with_tables"] = ((quant + out["code_table_bytes"]) * 8 / q
                                         if out["quantized_params"] else 0.0)
    out["total_bytes"] = quant + out["code_table_bytes"] + out["unquantized_bytes"]
    return out
