"""Data parallelism on PyTorch's own runtime: what `torchrun` needs from train.py and eval.py.

    torchrun --nproc_per_node 2 train.py configs/x.toml    # every rank: the base, the same adapter, its micro-batches
    torchrun --nproc_per_node 2 eval.py configs/x.toml     # every rank: a share of the examples

    with session(cfg.model.device) as world:    # torchrun's RANK / WORLD_SIZE -> a process group (else one process)
        with world.rank0_first():               # rank 0 builds missing inputs; the others then find them built
            prepare_inputs(cfg)
        run_training(cfg, world=world)

A `World` is this process's place (rank, size, local rank) and the few collectives the engine
uses, each a no-op in a single process, so `python train.py` runs the same code as one rank:

- `share(n)`: the contiguous part of n things (micro-batches, examples) this rank takes;
- `sum_grads(params)`: the sum over ranks of the trainable parameters' gradients (why not DDP:
  see there); `sum_floats(values)`: the sum of a few numbers (a loss, token counts);
- `broadcast(obj)`, `all_gather(obj)`, `gather(obj)`: picklable objects, moved through the CPU;
  `broadcast_tensors_(tensors)`: rank 0's values, in place;
- `agree(fn)`: rank 0 alone runs fn (a write, a check) and every rank gets its result, or its
  error: rank 0 raises the error itself, the others `PeerError`, which the command-line tools
  end on without printing (rank 0 has said why);
- `lock(run_dir)`: the run directory's lock, taken by rank 0 alone (it alone writes there);
  `quiet()`: the other ranks' informational output is dropped (their errors still show).

Backends: NCCL when the model lives on CUDA (rank r on cuda:<LOCAL_RANK>), gloo on CPU. A rank
that dies ends the run: torchrun stops the others.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable, Sequence

import torch
import torch.distributed as dist

from engine.config import ConfigError
from engine.devices import resolve_device
from engine.run_dir import RunLock

BUCKET_BYTES = 25 * 2**20  # gradients are summed in flat buckets of this size (DDP's default bucket_cap_mb)
# Rank 0 may work alone for a while (build the demo's inputs, write a checkpoint, run an eval hook)
# while the others wait in a collective; the defaults (NCCL 10 min) would end long ones.
TIMEOUT = timedelta(minutes=60)


class PeerError(RuntimeError):
    """Another rank (rank 0) stopped, and said why in its own output; this rank stops too."""


@dataclass(frozen=True)
class World:
    """Where this process is among the ranks of a run; every collective is a no-op at size 1."""

    rank: int = 0
    size: int = 1
    local_rank: int = 0
    local_size: int = 1  # ranks on this machine
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))  # where collectives' tensors go

    @property
    def main(self) -> bool:
        return self.rank == 0

    def share(self, n: int) -> range:
        """This rank's contiguous part of n things: [r n / N, (r + 1) n / N), rounded down. Shares differ
        by at most one, and a rank's share may be empty (fewer things than ranks)."""
        return range(self.rank * n // self.size, (self.rank + 1) * n // self.size)

    def cpu_share(self) -> int:
        """CPU cores for this rank's worker processes: the machine's, split between its ranks."""
        return max(1, (os.cpu_count() or 1) // self.local_size)

    # ------------------------------------------------------------------------------------------
    # Collectives.

    def sum_grads(self, params: Sequence[torch.nn.Parameter], bucket_bytes: int = BUCKET_BYTES) -> None:
        """Replace each parameter's .grad by its sum over the ranks (a rank that ran no micro-batch
        adds zeros); afterwards every rank holds the same gradients.

        The summing is an explicit all-reduce after the step's last backward, in flat buckets of at
        most `bucket_bytes` (one at a time: the extra memory is one bucket), not
        DistributedDataParallel, because here DDP would
        - broadcast every module buffer at each forward unless told not to, and the NF4 base's packed
          weights are buffers (about 0.7 GB for a 1.5B model);
        - need every rank to run a forward and backward at every step, while an epoch's last step can
          have fewer micro-batches than ranks;
        - average (divide by N) where the loss is already normalised by the tokens of the whole global
          step, and prefix every name with `module.` (adapter and checkpoint keys);
        and its one gain, overlapping the reduction with the backward, is small for LoRA: its
        gradients are a few tens of MB (74 MB for Qwen2.5-1.5B at r=16), against a step of seconds.
        (Full fine-tuning reduces every weight's gradient the same way, with no overlap.)
        """
        if self.size == 1:
            return
        grads = []
        for p in params:
            if p.grad is None:
                p.grad = torch.zeros_like(p)
            grads.append(p.grad)
        bucket, used = [], 0
        for g in grads + [None]:  # None: flush the last bucket
            fits = g is not None and (not bucket or (g.dtype == bucket[0].dtype and g.device == bucket[0].device
                                                     and used + g.numel() * g.element_size() <= bucket_bytes))
            if bucket and not fits:
                flat = torch.cat([t.reshape(-1) for t in bucket])
                dist.all_reduce(flat)
                offset = 0
                for t in bucket:
                    t.copy_(flat[offset:offset + t.numel()].view_as(t))
                    offset += t.numel()
                bucket, used = [], 0
            if g is not None:
                bucket.append(g)
                used += g.numel() * g.element_size()

    def sum_floats(self, values: Sequence[float]) -> list[float]:
        """The sum over ranks of each value (float64)."""
        if self.size == 1:
            return [float(v) for v in values]
        t = torch.tensor([float(v) for v in values], dtype=torch.float64, device=self.device)
        dist.all_reduce(t)
        return t.tolist()

    def broadcast(self, obj):
        """Rank 0's `obj` on every rank (pickled; tensors in it should be on the CPU)."""
        if self.size == 1:
            return obj
        box = [obj if self.main else None]
        dist.broadcast_object_list(box, src=0, device=self.device)
        return box[0]

    def broadcast_tensors_(self, tensors: Sequence[torch.Tensor]) -> None:
        """Overwrite each tensor with rank 0's values."""
        if self.size == 1:
            return
        with torch.no_grad():
            for t in tensors:
                dist.broadcast(t.data, src=0)

    def all_gather(self, obj) -> list:
        """Every rank's `obj`, in rank order, on every rank."""
        if self.size == 1:
            return [obj]
        out = [None] * self.size
        dist.all_gather_object(out, obj)
        return out

    def gather(self, obj) -> list | None:
        """Every rank's `obj` in rank order on rank 0; None on the others."""
        if self.size == 1:
            return [obj]
        out = [None] * self.size if self.main else None
        dist.gather_object(obj, out, dst=0)
        return out

    # ------------------------------------------------------------------------------------------
    # Rank 0 alone.

    def agree(self, fn: Callable):
        """fn() on rank 0 alone; its result on every rank, or its error: rank 0 raises it, the others
        raise PeerError. Every rank must call it at the same point."""
        if self.size == 1:
            return fn()
        result = error = None
        if self.main:
            try:
                result = fn()
            except BaseException as e:  # the others must hear of it, whatever it is
                error = e
        ok, payload = self.broadcast((error is None, result if error is None else f"{type(error).__name__}: {error}"))
        if error is not None:
            raise error
        if not ok:
            raise PeerError(f"rank 0 stopped: {payload}")
        return result if self.main else payload

    @contextlib.contextmanager
    def rank0_first(self):
        """Rank 0 runs the body first, then the others do (e.g. build missing files once, then find them)."""
        if self.size == 1:
            yield
            return
        if self.main:
            try:
                yield
            except BaseException as e:
                self.broadcast(f"{type(e).__name__}: {e}")
                raise
            self.broadcast(None)
        else:
            failed = self.broadcast(None)
            if failed is not None:
                raise PeerError(f"rank 0 stopped: {failed}")
            yield

    def lock(self, run_dir):
        """The run directory's lock (engine/run_dir.py) on rank 0, which alone writes there."""
        return RunLock(run_dir) if self.main else contextlib.nullcontext()

    @contextlib.contextmanager
    def quiet(self):
        """On ranks other than 0, drop what the body prints (progress, reports: rank 0 prints them once).
        Errors are printed after the body has left, so they still show."""
        if self.main:
            yield
            return
        with open(os.devnull, "w") as null, contextlib.redirect_stdout(null), contextlib.redirect_stderr(null):
            yield


SINGLE = World()


def current() -> World:
    """The World of an initialised default process group (a script that called init_process_group
    itself), else SINGLE."""
    if not (dist.is_available() and dist.is_initialized()):
        return SINGLE
    nccl = dist.get_backend() == "nccl"
    device = torch.device("cuda", torch.cuda.current_device()) if nccl else torch.device("cpu")
    size = dist.get_world_size()
    return World(dist.get_rank(), size, int(os.environ.get("LOCAL_RANK", 0)),
                 int(os.environ.get("LOCAL_WORLD_SIZE", size)), device)


@contextlib.contextmanager
def session(device: str = "auto"):
    """Under torchrun (RANK and WORLD_SIZE > 1 in the environment): pin this rank to its GPU when the
    model device is CUDA, start the process group (NCCL on CUDA, gloo on CPU) and yield this rank's
    World; destroy the group at the end. Otherwise yield SINGLE and start nothing."""
    env = os.environ
    size = int(env.get("WORLD_SIZE", "1"))
    if size <= 1 or "RANK" not in env:
        yield SINGLE
        return
    if dist.is_initialized():  # the caller set it up
        yield current()
        return
    rank, local = int(env["RANK"]), int(env.get("LOCAL_RANK", "0"))
    local_size = int(env.get("LOCAL_WORLD_SIZE", str(size)))
    where = resolve_device(device)
    if where.type == "cuda":
        if where.index is not None and where.index != local:
            raise ConfigError(f"model.device = {device!r} under torchrun with {size} ranks would put rank {rank} "
                              f"on GPU {where.index} instead of its own; use 'auto' or 'cuda' (rank r takes "
                              f"cuda:<LOCAL_RANK>), and CUDA_VISIBLE_DEVICES to choose the GPUs")
        if local >= torch.cuda.device_count():
            raise ConfigError(f"torchrun started {local_size} ranks on this machine but torch sees "
                              f"{torch.cuda.device_count()} GPU(s): use --nproc_per_node <= the GPU count")
        torch.cuda.set_device(local)
        world = World(rank, size, local, local_size, torch.device("cuda", local))
        dist.init_process_group("nccl", timeout=TIMEOUT, device_id=world.device)
    else:
        world = World(rank, size, local, local_size, torch.device("cpu"))
        dist.init_process_group("gloo", timeout=TIMEOUT)
    try:
        yield world
    finally:
        dist.destroy_process_group()
