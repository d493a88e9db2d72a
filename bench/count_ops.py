"""Count the operator launches of one QLoRA training micro-batch, per decoder layer, on CPU.

    python bench/count_ops.py                       # kernel backend torch (the twins)
    TRITON_INTERPRET=1 python bench/count_ops.py --backend triton              # what CUDA runs
    TRITON_INTERPRET=1 python bench/count_ops.py --backend triton --no-fused   # NF4 Triton, norms etc. twins
    python bench/count_ops.py --unfused-lora        # LoRALinear's unfused path (LoRALinear.fused = False)

On a GPU nearly every aten operator is one kernel launch, and eager PyTorch spends several
microseconds of CPU time on each; with small micro-batches the GPU then waits on the CPU. This
counts the aten operators (TorchDispatchMode) and the Triton launches of one micro-batch
(forward, checkpoint recompute, backward; not the optimizer) of a tiny model with the engine's
recipe (NF4 + double quant, LoRA r=16 on all seven projections, checkpointing, chunked CE),
and divides the per-layer part out: the count per layer does not depend on the layer's width, so
it holds for the 1.5B shape. Writes nothing; prints a table (bench/NOTES.md uses it).
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from torch.utils._python_dispatch import TorchDispatchMode  # noqa: E402

from bench.random_qlora import LORA_TARGETS, build_random_qlora, tiny_config  # noqa: E402
import kernels.rmsnorm  # noqa: E402
import kernels.rope  # noqa: E402
import kernels.swiglu  # noqa: E402
from engine.lora import LoRALinear, apply_lora  # noqa: E402
from engine.loss import loss_sum_on  # noqa: E402
from engine.step import prepare_model  # noqa: E402
from kernels.backend import backend_reason, use_backend  # noqa: E402


# aten operators that only make a new view or touch metadata: CPU dispatch time, no GPU kernel.
NO_KERNEL = {"view", "_unsafe_view", "t", "detach", "expand", "unsqueeze", "squeeze", "slice", "select",
             "transpose", "permute", "alias", "as_strided", "_reshape_alias", "split", "split_with_sizes",
             "unbind", "chunk", "empty", "empty_like", "empty_strided", "new_empty", "new_empty_strided",
             "lift_fresh", "set_", "_to_copy_noop", "is_same_size", "result_type", "sym_size", "sym_stride",
             "sym_numel", "sym_storage_offset", "_local_scalar_dense", "promote_types"}
_inside_triton = [False]  # ops the Triton interpreter itself issues during a launch are not counted


class OpCounter(TorchDispatchMode):
    def __init__(self):
        super().__init__()
        self.counts = collections.Counter()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        if not _inside_triton[0]:
            self.counts[str(func.overloadpacket).split(".")[-1]] += 1
        return func(*args, **(kwargs or {}))


class _CountedKernel:
    def __init__(self, kernel, name, counts):
        self.kernel, self.name, self.counts = kernel, name, counts

    def __getitem__(self, grid):
        launch = self.kernel[grid]

        def run(*args, **kwargs):
            self.counts[self.name] += 1
            _inside_triton[0] = True
            try:
                return launch(*args, **kwargs)
            finally:
                _inside_triton[0] = False
        return run


def triton_launches() -> collections.Counter:
    """Replace the JIT kernels of kernels/ (module globals) by counting wrappers."""
    import importlib

    counts = collections.Counter()
    for mod_name in ("kernels.nf4_triton", "kernels.rmsnorm", "kernels.rope", "kernels.swiglu", "kernels.cross_entropy"):
        mod = importlib.import_module(mod_name)
        for name in list(vars(mod)):
            if name.startswith("_") and name.endswith("_kernel"):
                setattr(mod, name, _CountedKernel(getattr(mod, name), name, counts))
    return counts


def kernels_of(counts: collections.Counter) -> int:
    return sum(v for k, v in counts.items() if k not in NO_KERNEL)


def micro_batch_ops(layers: int, backend: str, launches: collections.Counter):
    cfg = tiny_config()
    cfg = type(cfg)(**{**{f: getattr(cfg, f) for f in cfg.__dataclass_fields__}, "num_hidden_layers": layers})
    model = build_random_qlora(cfg, device="cpu", dtype=torch.bfloat16)
    apply_lora(model, r=16, alpha=32, dropout=0.05, target_modules=list(LORA_TARGETS))
    prepare_model(model, mode="lora", grad_checkpointing=True)
    ids = torch.randint(0, cfg.vocab_size, (2, 32))
    with use_backend(backend):
        loss_sum_on(model, ids, ids)[0].backward()  # warm: lazy imports, first-call paths
        model.zero_grad(set_to_none=True)
        launches.clear()
        with OpCounter() as c:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                loss, _ = loss_sum_on(model, ids, ids)
            loss.backward()
    return c.counts, collections.Counter(launches)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backend", default="torch", choices=["torch", "triton"])
    ap.add_argument("--unfused-lora", action="store_true",
                    help="LoRALinear's unfused path (nn.Dropout, lora_A, lora_B, add) instead of LoRALinearFunction")
    ap.add_argument("--no-fused", action="store_true",
                    help="with --backend triton: RMSNorm / RoPE / SwiGLU through their torch twins (NF4 stays Triton)")
    args = ap.parse_args(argv)
    if args.no_fused:
        kernels.rmsnorm.rms_norm_triton = kernels.rmsnorm.rms_norm_torch
        kernels.rope.apply_rope_triton = kernels.rope.apply_rope_torch
        kernels.swiglu.swiglu_triton = kernels.swiglu.swiglu_torch
    if args.unfused_lora:
        LoRALinear.fused = False
    print(f"LoRA path: {'unfused' if args.unfused_lora else 'fused (LoRALinearFunction)'}")
    print(f"kernels: {args.backend}; {backend_reason('cpu') if args.backend == 'torch' else 'forced'}")
    launches = triton_launches() if args.backend == "triton" else collections.Counter()
    c2, t2 = micro_batch_ops(2, args.backend, launches)
    c4, t4 = micro_batch_ops(4, args.backend, launches)
    per = {k: (c4[k] - c2[k]) / 2 for k in c4}  # per decoder layer
    aten = sum(per.values())
    kern = sum(v for k, v in per.items() if k not in NO_KERNEL)
    tl = {k: (t4[k] - t2[k]) / 2 for k in t4}
    n_tl = sum(tl.values())
    print(f"per decoder layer and micro-batch (forward + recompute + backward): {aten:.0f} aten ops, "
          f"{kern:.0f} of them launching a kernel (the rest are views / metadata)"
          + (f", plus {n_tl:.0f} Triton launches ({', '.join(f'{k} {v:.0f}' for k, v in sorted(tl.items()))})"
             if args.backend == "triton" else ""))
    top = sorted(((k, v) for k, v in per.items() if k not in NO_KERNEL), key=lambda kv: -kv[1])[:14]
    print("kernel-launching aten ops per layer: " + ", ".join(f"{k} {v:.0f}" for k, v in top))
    total2 = kernels_of(c2) + sum(t2.values())
    print(f"28 layers (the 1.5B shape): ~{total2 + 26 * (kern + n_tl):,.0f} kernel launches and "
          f"~{sum(c2.values()) + 26 * aten:,.0f} aten dispatches per micro-batch")

if __name__ == "__main__":
    main()
