"""bitsandbytes' 4-bit format: an NF4Weight as the tensors transformers + bitsandbytes save.

    weight            uint8 (n/2, 1) packed codes        weight.absmax       uint8 or fp32 scales
    weight.quant_map  fp32 (16,) NF4 values              weight.nested_*     double quantization
    weight.quant_state.bitsandbytes__nf4   the rest (blocksize, dtype, shape, offset, ...) as JSON in uint8

NF4Linear's state dict and the loader's bitsandbytes checkpoints go through these two functions.
"""

from __future__ import annotations

import json
import math

import torch

from kernels.nf4 import VALID_BLOCKSIZES, NF4Weight

QUANT_STATE_KEY = "quant_state.bitsandbytes__nf4"
_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def nf4_weight_to_bnb(q: NF4Weight) -> dict[str, torch.Tensor]:
    """NF4Weight -> the tensors bitsandbytes' QuantState.as_dict(packed=True) gives, plus `weight`."""
    meta = {"quant_type": "nf4", "blocksize": q.blocksize,
            "dtype": str(q.dtype).replace("torch.", ""), "shape": list(q.shape)}
    out = {"weight": q.packed.reshape(-1, 1), "weight.absmax": q.absmax, "weight.quant_map": q.code}
    if q.double_quant:
        out["weight.nested_absmax"] = q.nested_absmax
        out["weight.nested_quant_map"] = q.nested_code.clone()
        meta.update(nested_blocksize=q.nested_blocksize, nested_dtype="float32",
                    nested_offset=float(q.offset))
    blob = json.dumps(meta).encode("utf-8")
    out["weight." + QUANT_STATE_KEY] = torch.tensor(list(blob), dtype=torch.uint8)
    return out


def nf4_weight_from_bnb(tensors: dict[str, torch.Tensor], name: str | None = None) -> NF4Weight:
    """bitsandbytes' serialized 4-bit tensors (keys without the module prefix) -> NF4Weight."""
    where = name or "weight"
    keys = {k.removeprefix("weight.") if k != "weight" else k: v for k, v in tensors.items()}
    needed = ["weight", "absmax", "quant_map", QUANT_STATE_KEY]
    missing = [k for k in needed if k not in keys]
    if missing:
        raise ValueError(f"{where}: bitsandbytes 4-bit tensors lack {missing}; found {sorted(tensors)}; "
                         f"expected weight, weight.absmax, weight.quant_map, weight.{QUANT_STATE_KEY} "
                         "(+ weight.nested_absmax, weight.nested_quant_map with double quantization)")
    other = [k for k in keys if k.startswith("quant_state.") and k != QUANT_STATE_KEY]
    if other:
        raise ValueError(f"{where}: only NF4 is supported, found {other} (e.g. fp4)")
    try:
        meta = json.loads(bytes(keys[QUANT_STATE_KEY].cpu().to(torch.uint8).tolist()).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{where}.{QUANT_STATE_KEY}: not the JSON bitsandbytes writes ({e})") from None
    if meta.get("quant_type") != "nf4":
        raise ValueError(f"{where}: quant_type {meta.get('quant_type')!r}; only 'nf4' is supported")
    if meta.get("dtype") not in _DTYPES:
        raise ValueError(f"{where}: dtype {meta.get('dtype')!r} not one of {sorted(_DTYPES)}")
    shape = tuple(int(s) for s in meta["shape"])
    blocksize = int(meta["blocksize"])
    if blocksize not in VALID_BLOCKSIZES:
        raise ValueError(f"{where}: blocksize {blocksize} not one of {VALID_BLOCKSIZES}")
    n = math.prod(shape)
    n_blocks = -(-n // blocksize)
    packed = keys["weight"]
    if packed.dtype != torch.uint8 or packed.numel() != (n + 1) // 2:
        raise ValueError(f"{where}: packed weight is {packed.dtype} with {packed.numel()} elements; "
                         f"shape {shape} needs uint8 with {(n + 1) // 2}")
    absmax, code = keys["absmax"], keys["quant_map"]
    if absmax.numel() != n_blocks:
        raise ValueError(f"{where}.absmax: {absmax.numel()} values, shape {shape} with blocksize "
                         f"{blocksize} needs {n_blocks}")
    if code.shape != (16,):
        raise ValueError(f"{where}.quant_map: shape {tuple(code.shape)}, expected (16,)")
    nested = "nested_absmax" in keys
    if nested:
        nbs = int(meta["nested_blocksize"])
        nested_absmax, nested_code = keys["nested_absmax"].float(), keys["nested_quant_map"].float()
        if absmax.dtype != torch.uint8 or nested_absmax.numel() != -(-n_blocks // nbs):
            raise ValueError(f"{where}: double-quantized absmax must be uint8 ({absmax.dtype}) with "
                             f"{-(-n_blocks // nbs)} nested absmax ({nested_absmax.numel()})")
        offset = float(torch.tensor(float(meta["nested_offset"]), dtype=torch.float32))
    else:
        nbs, nested_absmax, nested_code, offset = None, None, None, 0.0
        absmax = absmax.float()
    return NF4Weight(packed=packed.reshape(-1), absmax=absmax.reshape(-1), nested_absmax=nested_absmax,
                     offset=offset, shape=shape, dtype=_DTYPES[meta["dtype"]], blocksize=blocksize,
                     nested_blocksize=nbs, code=code.float(), nested_code=nested_code)


# ---- memory accounting ---------------------------------------------------------------------
