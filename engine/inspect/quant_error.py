"""How far NF4 moves each weight, beside plain absmax int4 and FP4: `python -m engine.inspect MODEL --quant-error`.

Per decoder linear of a checkpoint (read one tensor at a time), the relative error of the round
trip (Frobenius and max) at the same block size, and how often each of the 16 NF4 codes is used;
`save_histograms` draws the weights against the NF4 levels when matplotlib is installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import safe_open

from engine.inspect import InspectError
from engine.inspect.memory import ALL_LINEARS
from engine.inspect.plot import pyplot
from kernels.nf4 import NF4_CODE_VALUES, dequantize_nf4, quantize_nf4
from models.loader import checkpoint_files, resolve_source


# bitsandbytes.functional.get_4bit_type("fp4"): an e2m1 float (bias 2, 0b001 a subnormal 0.0625)
# listed by bit pattern and normalised by its largest magnitude, 12.
FP4_CODE_VALUES = tuple(v / 12.0 for v in (0, 0.0625, 8, 12, 4, 6, 2, 3, -0.0, -0.0625, -8, -12, -4, -6, -2, -3))


def _blocks(w: torch.Tensor, blocksize: int) -> tuple[torch.Tensor, int]:
    flat = w.detach().reshape(-1).float()
    pad = (-flat.numel()) % blocksize
    return torch.nn.functional.pad(flat, (0, pad)).view(-1, blocksize), pad  # (n_blocks, bs)


def int4_absmax_roundtrip(w: torch.Tensor, blocksize: int = 64) -> torch.Tensor:
    """Symmetric absmax int4: q = round(w / absmax * 7) in [-7, 7] per block; back to w's shape (fp32)."""
    b, pad = _blocks(w, blocksize)
    scale = b.abs().amax(dim=1, keepdim=True).clamp(min=1e-38) / 7
    out = (torch.round(b / scale).clamp(-7, 7) * scale).reshape(-1)
    return out[: out.numel() - pad].view(w.shape)


def codebook_roundtrip(w: torch.Tensor, code, blocksize: int = 64) -> torch.Tensor:
    """Absmax-scaled nearest-value rounding to a 16-value table (fp32 scales, no double quant)."""
    values = torch.tensor(sorted(set(code)), dtype=torch.float32)
    b, pad = _blocks(w, blocksize)
    absmax = b.abs().amax(dim=1, keepdim=True).clamp(min=1e-38)
    idx = torch.bucketize(b / absmax, (values[1:] + values[:-1]) / 2)
    out = (values[idx] * absmax).reshape(-1)
    return out[: out.numel() - pad].view(w.shape)


def fp4_roundtrip(w: torch.Tensor, blocksize: int = 64) -> torch.Tensor:
    """bitsandbytes' FP4 (e2m1) code, absmax per block, nearest value."""
    return codebook_roundtrip(w, FP4_CODE_VALUES, blocksize)


@dataclass(frozen=True)
class QuantError:
    name: str
    shape: tuple[int, ...]
    rel_fro: dict  # method -> ||W - Q(W)||_F / ||W||_F
    rel_max: dict  # method -> max |W - Q(W)| / max |W|
    code_share: tuple[float, ...]  # share of the weights at each of the 16 NF4 codes


def quant_error(name: str, w: torch.Tensor, blocksize: int = 64, double_quant: bool = True) -> QuantError:
    w32 = w.detach().float()
    q = quantize_nf4(w32, blocksize=blocksize, double_quant=double_quant, name=name)
    codes = torch.stack([q.packed >> 4, q.packed & 0xF], dim=1).reshape(-1)[: w32.numel()].long()
    share = torch.bincount(codes, minlength=16).double() / codes.numel()
    approx = {"nf4": dequantize_nf4(q, torch.float32), "int4": int4_absmax_roundtrip(w32, blocksize),
              "fp4": fp4_roundtrip(w32, blocksize)}
    norm, peak = w32.norm().clamp(min=1e-30), w32.abs().max().clamp(min=1e-30)
    return QuantError(name=name, shape=tuple(w.shape),
                      rel_fro={k: float((w32 - v).norm() / norm) for k, v in approx.items()},
                      rel_max={k: float((w32 - v).abs().max() / peak) for k, v in approx.items()},
                      code_share=tuple(float(x) for x in share))


def iter_linear_weights(source: str, layers: set[int] | None = None):
    """(checkpoint key, dense weight) of each decoder linear, read one tensor at a time."""
    path = resolve_source(source)
    for f in checkpoint_files(path):
        with safe_open(str(f), framework="pt", device="cpu") as st:
            for key in st.keys():
                # qwen3_5: its DeltaNet linears too, and a multimodal checkpoint's text model
                m = re.fullmatch(r"model\.(?:language_model\.)?layers\.(\d+)\.(self_attn|mlp|linear_attn)\.(\w+)\.weight", key)
                if not m or m.group(3) not in ALL_LINEARS:
                    continue
                if layers is not None and int(m.group(1)) not in layers:
                    continue
                t = st.get_tensor(key)
                if t.dtype == torch.uint8:
                    raise InspectError(f"{key} in {f.name} is already 4-bit (a bitsandbytes checkpoint): "
                                       f"the quantization error needs the original 16/32-bit weights")
                yield key, t


def quant_error_text(errors: list[QuantError]) -> str:
    lines = ["quantization error per decoder linear (blocksize 64): relative Frobenius | relative max",
             f"  {'weight':44s} {'NF4':>7s} {'int4':>7s} {'FP4':>7s} | {'NF4':>6s} {'int4':>6s} {'FP4':>6s}"]
    for e in errors:
        lines.append(f"  {e.name:44s} {e.rel_fro['nf4']:7.4f} {e.rel_fro['int4']:7.4f} {e.rel_fro['fp4']:7.4f} | "
                     f"{e.rel_max['nf4']:6.3f} {e.rel_max['int4']:6.3f} {e.rel_max['fp4']:6.3f}")
    if errors:
        n = len(errors)
        mean = {k: sum(e.rel_fro[k] for e in errors) / n for k in ("nf4", "int4", "fp4")}
        lines.append(f"  {'mean':44s} {mean['nf4']:7.4f} {mean['int4']:7.4f} {mean['fp4']:7.4f}")
        share = [sum(e.code_share[i] for e in errors) / n for i in range(16)]
        lines.append("share of weights per NF4 code (mean over the layers; 1/16 = 6.2% would be uniform)")
        lines.append("  " + "  ".join(f"{v:+.3f}:{100 * s:4.1f}%" for v, s in zip(NF4_CODE_VALUES, share)))
    return "\n".join(lines)


def save_histograms(source: str, errors: list[QuantError], out_dir) -> list[Path]:
    """One PNG per layer: the weight histogram (absmax-normalised) with the NF4 levels, and code shares."""
    plt = pyplot("the text report")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    by_name = {e.name: e for e in errors}
    paths = []
    for key, w in iter_linear_weights(source, None):
        if key not in by_name:
            continue
        b, _ = _blocks(w, 64)
        normed = (b / b.abs().amax(dim=1, keepdim=True).clamp(min=1e-38)).reshape(-1)
        fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 3.5))
        a1.hist(normed.numpy(), bins=201, range=(-1.005, 1.005), color="0.4")  # +-1 mid-bin
        for v in NF4_CODE_VALUES:
            a1.axvline(v, color="tab:red", lw=0.6)
        a1.set_title(f"{key}: w / block absmax, NF4 levels in red")
        a2.bar(range(16), [100 * s for s in by_name[key].code_share])
        a2.axhline(100 / 16, color="tab:red", lw=0.8)
        a2.set_title("share of weights per NF4 code (%)")
        fig.tight_layout()
        p = out_dir / f"{key}.png"
        fig.savefig(p, dpi=80)
        plt.close(fig)
        paths.append(p)
    return paths
