"""Exact, deterministic accounting of tensor memory on any device, CPU included.

`TensorMemoryTracker` is a TorchDispatchMode: every tensor an operator returns is looked at, and
its storage is counted once until the storage is freed (a weak reference on the storage object,
which torch keeps unique per storage, says when). The tracker therefore sees what
`torch.cuda.max_memory_allocated` would see for tensors, without a GPU and without the caching
allocator's rounding: the sum of the bytes of the live tensor storages. It does not see memory
that kernels allocate internally without returning a tensor (cuBLAS / SDPA workspaces).

    with TensorMemoryTracker(baseline=model_and_optimizer_tensors) as mem:
        loss = step(...)
        mem.mark("forward")
        loss.backward()
    mem.peak, mem.phase_peaks   # bytes

Storages that existed before the tracker started (weights, optimizer state) are not seen by the
mode; pass them as `baseline` (tensors, counted once each by storage) so the peak is a total.
"""

from __future__ import annotations

import contextlib
import weakref

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten

from engine.loss import loss_sum_on


def storage_bytes(tensors) -> int:
    """Bytes of the distinct storages behind `tensors` (views and shared tensors count once)."""
    seen: dict[int, int] = {}
    for t in tensors:
        if isinstance(t, torch.Tensor) and t.device.type != "meta":
            st = t.untyped_storage()
            seen[st.data_ptr() or id(st)] = st.nbytes()
    return sum(seen.values())


class TensorMemoryTracker(TorchDispatchMode):
    """Sum of live tensor-storage bytes created inside the mode, plus a baseline; tracks the peak.

    baseline: tensors alive before the mode (counted once each by storage, never freed here).
    `mark(name)` closes a phase: `phase_peaks[name]` is the peak since the previous mark.
    """

    def __init__(self, baseline=()):
        super().__init__()
        self._live: dict[int, int] = {}  # storage key -> bytes
        self._baseline_keys: set[int] = set()
        base = 0
        for t in baseline:
            if isinstance(t, torch.Tensor) and t.device.type != "meta":
                st = t.untyped_storage()
                key = st._cdata
                if key not in self._baseline_keys:
                    self._baseline_keys.add(key)
                    base += st.nbytes()
        self.baseline = base
        self.current = base
        self.peak = base
        self._phase_peak = base
        self.phase_peaks: dict[str, int] = {}

    def _free(self, key: int):
        self.current -= self._live.pop(key, 0)

    def _track(self, t: torch.Tensor):
        if t.device.type == "meta":
            return
        st = t.untyped_storage()
        key = st._cdata
        if key in self._live or key in self._baseline_keys:
            return
        nbytes = st.nbytes()
        self._live[key] = nbytes
        weakref.finalize(st, self._free, key)
        self.current += nbytes
        if self.current > self.peak:
            self.peak = self.current
        if self.current > self._phase_peak:
            self._phase_peak = self.current

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for t in tree_flatten(out)[0]:
            if isinstance(t, torch.Tensor):
                self._track(t)
        return out

    def mark(self, name: str):
        """End a phase: record its peak and start the next phase from the current bytes."""
        self.phase_peaks[name] = self._phase_peak
        self._phase_peak = self.current


def measure_training_step(model, input_ids, labels, *, optimizer, chunk_size: int = 256,
                          autocast_dtype=None) -> TensorMemoryTracker:
    """Exact tensor-memory peak of one training step (forward, backward, AdamW step) on any device.

    First makes the optimizer create its state (AdamW's moments) with one step on zero gradients,
    so the tracked step looks like every step after the first; then runs one tracked step with
    phases "forward", "backward", "optimizer". The baseline is every parameter, buffer and
    optimizer-state tensor. autocast_dtype: e.g. torch.bfloat16 to run the
    step under autocast on the model's device type (as engine/train.py does on a GPU).
    """
    device_type = input_ids.device.type

    def ctx():
        if autocast_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(device_type, dtype=autocast_dtype)

    def step(mem=None):
        with ctx():
            loss, n = loss_sum_on(model, input_ids, labels, chunk_size=chunk_size)
        if mem is not None:
            mem.mark("forward")
        (loss / max(n, 1)).backward()
        if mem is not None:
            mem.mark("backward")
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if mem is not None:
            mem.mark("optimizer")

    model.train()
    params = [p for g in optimizer.param_groups for p in g["params"]]
    for p in params:
        p.grad = torch.zeros_like(p)
    optimizer.step()  # creates the state; zero gradients leave the weights as they are (bar weight decay)
    optimizer.zero_grad(set_to_none=True)
    state = [t for s in optimizer.state.values() for t in s.values() if isinstance(t, torch.Tensor)]
    baseline = list(model.parameters()) + list(model.buffers()) + state
    with TensorMemoryTracker(baseline=baseline) as mem:
        step(mem)
    return mem
