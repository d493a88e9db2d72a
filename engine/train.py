"""The training loop, as plain functions: batches, one optimizer step, validation, checkpoints, the run.

    summary = train(model, items, opts=cfg.train, run_dir="runs/x", val_items=val)   # a model you built
    summary = run_training(cfg, resume=True)     # build model + LoRA + data from a RunConfig, then train

`opts` is the [train] section of the run config (engine.config.TrainSection), where every option
and its default is defined.

`items` are encoded examples {"input_ids": [int], "labels": [int]} with labels -100 where there is no
loss (engine.data's `encode_example`). One optimizer step:

    micro-batches (right-padded to the longest, length-grouped) --x grad_accum-->
      checkpointed forward (per decoder layer) -> chunked CE on supervised tokens only (engine.loss)
      -> loss_sum / supervised tokens of the WHOLE accumulated batch -> backward
    -> unscale (fp16) -> clip grad norm -> AdamW -> lr from lr_at(step) (engine.schedule)

Normalising every micro-batch by the token count of the whole group makes the accumulated gradient
that of the mean token loss over the group, as if it had been one batch; a mean of per-micro-batch
means would weight the tokens of short examples more.

Right padding needs no attention mask: under the causal mask no real token attends to a pad to its
right, and positions 0..len-1 are those the row would have alone; pad positions carry no loss.

Precision: "auto" is bf16 autocast on a CUDA device that supports it, fp16 autocast with a
GradScaler on one that does not, fp32 on CPU. Trainable parameters are kept in fp32 (the LoRA
weights, or every weight in full mode); frozen base weights stay in the dtype they were loaded in.

Checkpoints (<run>/checkpoints/step_0000012/) hold the trainable weights, the adapter in peft's
layout (LoRA mode), the optimizer and GradScaler states, the RNG states (python, numpy, torch,
cuda), and the data position (epoch, step in epoch, seed); the schedule is a function of the step.
Each is written to a temporary directory and renamed into place, so a kill never leaves a half
checkpoint; the last `keep_last` are kept. `resume=True` continues from the newest one exactly:
the same batches in the same order, the same dropout masks, the same losses.

Logs: tqdm (loss, lr, tokens/s), <run>/metrics.jsonl (one JSON object per logged step and per
validation), optional wandb. At the end: <run>/adapter (or <run>/model in full mode) and
<run>/summary.json.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn
from tqdm.auto import tqdm

from engine.loss import IGNORE_INDEX, count_supervised, loss_sum_on
from engine.config import MODES
from engine.schedule import lr_at, warmup_steps_for

CHECKPOINTS = "checkpoints"


class NonFiniteLossError(RuntimeError):
    """The loss (or, without loss scaling, the gradient norm) became NaN or inf; the run stopped."""


class ResumeError(RuntimeError):
    """A run directory and a resume request disagree: nothing to resume, a run already there, or a
    checkpoint saved by a different setup (data, batch sizes, seed, mode, LoRA shapes)."""


# ----------------------------------------------------------------------------------------------
# Seeds, devices, precision, memory.

def seed_everything(seed: int):
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # also seeds every CUDA device


def model_device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def resolve_precision(precision: str, device: torch.device) -> str:
    """"auto" -> bf16 on CUDA with bf16 support, fp16 on older CUDA, fp32 on CPU."""
    if precision != "auto":
        return precision
    if device.type == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return "fp32"


def autocast(device: torch.device, precision: str):
    if precision == "fp32":
        return contextlib.nullcontext()
    return torch.autocast(device.type, dtype=torch.bfloat16 if precision == "bf16" else torch.float16)


def peak_memory(device: torch.device) -> dict:
    """Peak memory so far: CUDA allocator peaks on a GPU, the process's peak RSS on CPU (say which)."""
    if device.type == "cuda":
        return {"memory_kind": "cuda max_memory_allocated / max_memory_reserved",
                "peak_allocated_mb": round(torch.cuda.max_memory_allocated(device) / 2**20, 1),
                "peak_reserved_mb": round(torch.cuda.max_memory_reserved(device) / 2**20, 1)}
    import resource  # Unix only

    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux, bytes on macOS
    if sys.platform == "darwin":
        rss_kb /= 1024
    return {"memory_kind": "process peak RSS (ru_maxrss)", "peak_rss_mb": round(rss_kb / 1024, 1)}


# ----------------------------------------------------------------------------------------------
# Batches.

def epoch_batches(lengths, micro_batch_size: int, *, seed: int, epoch: int, group_window: int = 64) -> list[list[int]]:
    """The micro-batches (lists of item indices) of one epoch, deterministic given (seed, epoch).

    Shuffle, then sort each window of `group_window` micro-batches' worth of items by length (so a
    batch holds items of similar length and pads little), cut the windows into micro-batches, shuffle
    the batches, and move the longest batch first so that running out of memory happens at step 1.
    """
    rng = np.random.default_rng([seed, epoch])
    order = [int(i) for i in rng.permutation(len(lengths))]
    window = micro_batch_size * max(group_window, 1)
    batches = []
    for start in range(0, len(order), window):
        part = order[start:start + window]
        if group_window > 1:
            part = sorted(part, key=lambda i: -lengths[i])
        batches += [part[j:j + micro_batch_size] for j in range(0, len(part), micro_batch_size)]
    perm = rng.permutation(len(batches))
    batches = [batches[int(i)] for i in perm]
    if batches:
        longest = max(range(len(batches)), key=lambda b: (max(lengths[i] for i in batches[b]) * len(batches[b]), -b))
        batches.insert(0, batches.pop(longest))
    return batches


def collate(items: list[dict], *, pad_id: int = 0, device=None) -> dict:
    """Right-pad to the longest item: input_ids (B, T) with pad_id, labels (B, T) with -100 on the padding."""
    T = max(len(it["input_ids"]) for it in items)
    ids = torch.full((len(items), T), pad_id, dtype=torch.long)
    labels = torch.full((len(items), T), IGNORE_INDEX, dtype=torch.long)
    for b, it in enumerate(items):
        n = len(it["input_ids"])
        if len(it["labels"]) != n:
            raise ValueError(f"an item has {n} input_ids but {len(it['labels'])} labels; they must be parallel")
        ids[b, :n] = torch.tensor(it["input_ids"], dtype=torch.long)
        labels[b, :n] = torch.tensor(it["labels"], dtype=torch.long)
    real = sum(len(it["input_ids"]) for it in items)
    return {"input_ids": ids.to(device), "labels": labels.to(device), "tokens": real, "padded": ids.numel() - real}


def data_fingerprint(items: list[dict]) -> str:
    """sha256 of every item's input_ids and labels: a resume must see the same training data."""
    h = hashlib.sha256()
    for it in items:
        h.update(np.asarray(it["input_ids"], dtype=np.int64).tobytes())
        h.update(np.asarray(it["labels"], dtype=np.int64).tobytes())
    return h.hexdigest()


def padding_waste(lengths, batches) -> float:
    """Fraction of the padded token slots that are padding."""
    real = sum(lengths[i] for b in batches for i in b)
    slots = sum(max(lengths[i] for i in b) * len(b) for b in batches)
    return 1.0 - real / max(slots, 1)


# ----------------------------------------------------------------------------------------------
# One optimizer step.

def accumulate_gradients(model: nn.Module, micro_batches: list[dict], *, chunk_size: int = 256,
                         precision: str = "fp32", scaler=None, offload_activations: bool = False) -> tuple[float, int]:
    """Forward + backward over the micro-batches of one optimizer step; returns (mean token loss, tokens).

    Each micro-batch's summed loss is divided by the supervised tokens of all of them together, so the
    accumulated .grad equals that of one batch holding every micro-batch. Raises NonFiniteLossError
    naming the micro-batch whose loss is NaN or inf. offload_activations: see engine.loss.loss_sum_on.
    """
    total_tokens = sum(count_supervised(mb["labels"]) for mb in micro_batches)
    device = micro_batches[0]["input_ids"].device
    loss_total = 0.0
    for i, mb in enumerate(micro_batches):
        with autocast(device, precision):
            loss_sum, _ = loss_sum_on(model, mb["input_ids"], mb["labels"], chunk_size=chunk_size,
                                      offload_activations=offload_activations)
        value = float(loss_sum.detach())
        if not math.isfinite(value):
            raise NonFiniteLossError(f"micro-batch {i + 1} of {len(micro_batches)} has loss {value}")
        loss = loss_sum / max(total_tokens, 1)
        (scaler.scale(loss) if scaler is not None else loss).backward()
        loss_total += value
    return loss_total / max(total_tokens, 1), total_tokens


def optimizer_step(params: list[nn.Parameter], optimizer: torch.optim.Optimizer, *, lr: float,
                   max_grad_norm: float, scaler=None) -> float:
    """Set lr, unscale (fp16), clip, step, zero the grads; returns the global grad norm before clipping."""
    for group in optimizer.param_groups:
        group["lr"] = lr
    if scaler is not None:
        scaler.unscale_(optimizer)
    norm = torch.nn.utils.clip_grad_norm_(params, max_grad_norm if max_grad_norm > 0 else float("inf"))
    norm = float(norm)
    if scaler is not None:
        scaler.step(optimizer)  # skipped when the unscaled grads hold inf/NaN; the scale then shrinks
        scaler.update()
    else:
        if not math.isfinite(norm):
            raise NonFiniteLossError(f"the gradient norm is {norm}")
        optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    return norm


def build_optimizer(model: nn.Module, *, lr: float, weight_decay: float = 0.0, betas=(0.9, 0.999),
                    eps: float = 1e-8) -> torch.optim.AdamW:
    """AdamW over the trainable parameters; weight decay on matrices only (not biases and norm weights)."""
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    if not named:
        raise ValueError("the model has no trainable parameters (in LoRA mode, apply_lora first)")
    decay = [p for n, p in named if p.ndim >= 2]
    no_decay = [p for n, p in named if p.ndim < 2]
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    fused = model_device(model).type == "cuda" or None  # fused kernel on CUDA; the default elsewhere
    return torch.optim.AdamW(groups, lr=lr, betas=tuple(betas), eps=eps, fused=fused)


def prepare_model(model: nn.Module, *, mode: str = "lora", grad_checkpointing: bool = True) -> list[nn.Parameter]:
    """Set what trains (LoRA weights or everything), keep it in fp32, turn on checkpointing; returns the params."""
    if mode not in MODES:
        raise ValueError(f"train.mode = {mode!r} is not one of {list(MODES)}")
    if mode == "full":
        model.requires_grad_(True)
    elif not any(n.endswith(("lora_A.weight", "lora_B.weight")) for n, _ in model.named_parameters()):
        raise ValueError("train.mode = 'lora' but the model has no LoRA modules: call engine.lora.apply_lora "
                         "first, or set train.mode = 'full' to train every parameter")
    params = [p for p in model.parameters() if p.requires_grad]
    for p in params:
        if p.dtype != torch.float32:
            p.data = p.data.float()  # fp32 master weights; autocast casts them for the matmuls
    model.gradient_checkpointing = grad_checkpointing
    model.train()
    return params


# ----------------------------------------------------------------------------------------------
# Validation.

@torch.no_grad()
def evaluate_loss(model: nn.Module, items: list[dict], *, micro_batch_size: int, chunk_size: int = 256,
                  precision: str = "fp32", pad_id: int = 0) -> dict:
    """Mean token loss over every supervised token of `items` (batched by length, no shuffling)."""
    was_training = model.training
    model.eval()
    device = model_device(model)
    order = sorted(range(len(items)), key=lambda i: len(items[i]["input_ids"]))
    total, tokens = 0.0, 0
    for start in range(0, len(order), micro_batch_size):
        mb = collate([items[i] for i in order[start:start + micro_batch_size]], pad_id=pad_id, device=device)
        with autocast(device, precision):
            loss_sum, n = loss_sum_on(model, mb["input_ids"], mb["labels"], chunk_size=chunk_size)
        total, tokens = total + float(loss_sum), tokens + n
    model.train(was_training)
    return {"val_loss": total / max(tokens, 1), "val_tokens": tokens}


# ----------------------------------------------------------------------------------------------
# Checkpoints.

def _rng_state() -> tuple[dict, dict]:
    """(JSON-able python and numpy states, torch tensors)."""
    version, internal, gauss = random.getstate()
    np_state = np.random.get_state(legacy=False)
    np_state = {**np_state, "state": {"key": np_state["state"]["key"].tolist(), "pos": int(np_state["state"]["pos"])}}
    tensors = {"torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        for i, s in enumerate(torch.cuda.get_rng_state_all()):
            tensors[f"cuda{i}"] = s
    return {"python": [version, list(internal), gauss], "numpy": np_state}, tensors


def _set_rng_state(js: dict, tensors: dict):
    version, internal, gauss = js["python"]
    random.setstate((version, tuple(internal), gauss))
    np_state = dict(js["numpy"])
    np_state["state"] = {"key": np.array(np_state["state"]["key"], dtype=np.uint32), "pos": np_state["state"]["pos"]}
    np.random.set_state(np_state)
    torch.set_rng_state(tensors["torch"])
    cuda = [tensors[f"cuda{i}"] for i in range(len(tensors)) if f"cuda{i}" in tensors]
    if cuda and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(cuda[:torch.cuda.device_count()])


def _trainable(model: nn.Module) -> dict[str, nn.Parameter]:
    return {n: p for n, p in model.named_parameters() if p.requires_grad}


def checkpoint_dirs(run_dir) -> list[Path]:
    """Complete checkpoints of a run, oldest first."""
    root = Path(run_dir) / CHECKPOINTS
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if p.is_dir() and p.name.startswith("step_") and (p / "state.json").exists()]
    return sorted(found, key=lambda p: int(p.name.removeprefix("step_")))


def save_checkpoint(run_dir, model: nn.Module, optimizer, scaler, state: dict, *, keep_last: int = 2) -> Path:
    """Write <run>/checkpoints/step_<N> atomically (temp dir, then rename) and keep the last `keep_last`."""
    root = Path(run_dir) / CHECKPOINTS
    root.mkdir(parents=True, exist_ok=True)
    final = root / f"step_{state['step']:07d}"
    if final.exists():
        return final  # this step is saved already (an epoch end that is also a save_every step)
    tmp = root / f".tmp-{final.name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    save_file({n: p.detach().to("cpu").contiguous() for n, p in _trainable(model).items()},
              str(tmp / "trainable.safetensors"))
    if state.get("mode") == "lora":
        from engine.adapter import save_adapter
        save_adapter(model, tmp / "adapter", base_model_name_or_path=getattr(model, "source", None))
    torch.save(optimizer.state_dict(), tmp / "optimizer.pt")
    if scaler is not None:
        torch.save(scaler.state_dict(), tmp / "scaler.pt")
    rng_json, rng_tensors = _rng_state()
    torch.save(rng_tensors, tmp / "rng.pt")
    (tmp / "rng.json").write_text(json.dumps(rng_json))
    (tmp / "state.json").write_text(json.dumps(state, indent=2) + "\n")  # last: marks the checkpoint complete
    os.replace(tmp, final)
    for old in checkpoint_dirs(run_dir)[:-keep_last]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def load_checkpoint(path, model: nn.Module, optimizer, scaler=None) -> dict:
    """Load a checkpoint's weights, optimizer, scaler and RNG states into place; returns its state dict."""
    path = Path(path)
    state = json.loads((path / "state.json").read_text())
    saved = load_file(str(path / "trainable.safetensors"))
    params = _trainable(model)
    missing, unexpected = sorted(set(params) - set(saved)), sorted(set(saved) - set(params))
    bad_shape = [n for n in set(params) & set(saved) if tuple(saved[n].shape) != tuple(params[n].shape)]
    if missing or unexpected or bad_shape:
        raise ResumeError(f"{path}: the checkpoint's trainable weights do not match this model (was the LoRA or "
                         f"model config changed?): missing {missing[:5]}, unexpected {unexpected[:5]}, "
                         f"shape differs {bad_shape[:5]}")
    with torch.no_grad():
        for n, p in params.items():
            p.copy_(saved[n])
    optimizer.load_state_dict(torch.load(path / "optimizer.pt", map_location="cpu", weights_only=True))
    if scaler is not None and (path / "scaler.pt").exists():
        scaler.load_state_dict(torch.load(path / "scaler.pt", weights_only=True))
    _set_rng_state(json.loads((path / "rng.json").read_text()), torch.load(path / "rng.pt", weights_only=True))
    return state


# ----------------------------------------------------------------------------------------------
# Logging.

class MetricsLog:
    """metrics.jsonl in the run directory (and wandb when asked for and installed)."""

    def __init__(self, run_dir: Path, opts, *, resume_step: int | None, config: dict | None):
        self.path = Path(run_dir) / "metrics.jsonl"
        if resume_step is None:
            self.path.write_text("")
        elif self.path.exists():  # drop lines logged after the checkpoint we resume from
            keep = [line for line in self.path.read_text().splitlines()
                    if line.strip() and json.loads(line).get("step", 0) <= resume_step]
            self.path.write_text("".join(line + "\n" for line in keep))
        self.wandb = None
        if opts.wandb:
            try:
                import wandb
            except ImportError:
                print("train.wandb = true but the wandb package is not installed; logging to metrics.jsonl only",
                      file=sys.stderr)
            else:
                self.wandb = wandb.init(project=opts.wandb_project, dir=str(run_dir), config=config or vars(opts),
                                        name=opts.wandb_run_name or Path(run_dir).name,
                                        resume="allow")

    def log(self, record: dict):
        with self.path.open("a") as f:
            f.write(json.dumps(record) + "\n")
        if self.wandb is not None:
            self.wandb.log({k: v for k, v in record.items() if isinstance(v, (int, float))}, step=record.get("step"))

    def close(self):
        if self.wandb is not None:
            self.wandb.finish()


# ----------------------------------------------------------------------------------------------
# The run.

def plan(n_items: int, opts) -> dict:
    """Steps per epoch, total optimizer steps, warmup steps and epochs for a training set of n items."""
    micro = math.ceil(n_items / opts.micro_batch_size)
    per_epoch = math.ceil(micro / opts.grad_accum)
    total = opts.max_steps if opts.max_steps > 0 else per_epoch * opts.epochs
    epochs = math.ceil(total / per_epoch)
    return {"steps_per_epoch": per_epoch, "total_steps": total, "epochs": epochs,
            "warmup_steps": warmup_steps_for(total, opts.warmup_ratio)}


def train(model: nn.Module, items: list[dict], *, opts, run_dir, val_items: list[dict] | None = None,
          resume: bool = False, pad_id: int = 0, eval_hook: Callable | None = None,
          on_step: Callable | None = None, progress: bool | None = None, config: dict | None = None) -> dict:
    """Train `model` on encoded items; returns (and writes to <run>/summary.json) the run's summary.

    eval_hook(model, epoch=, step=) -> dict of metrics, called after each epoch's validation loss
    (e.g. a generation-based execution accuracy); its results go to metrics.jsonl.
    on_step(step, record): called after every optimizer step (and its checkpoint); tests use it to
    simulate a crash. config: the resolved run config, for wandb.
    """
    if not items:
        raise ValueError("no training items")
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    device = model_device(model)
    precision = resolve_precision(opts.precision, device)
    if precision == "bf16" and device.type == "cuda" and not torch.cuda.is_bf16_supported():
        raise ValueError("train.precision = 'bf16' but this GPU has no bf16 support; use 'fp16' or 'auto'")
    seed_everything(opts.seed)
    params = prepare_model(model, mode=opts.mode, grad_checkpointing=opts.grad_checkpointing)
    optimizer = build_optimizer(model, lr=opts.lr, weight_decay=opts.weight_decay, betas=opts.adam_betas,
                                eps=opts.adam_eps)
    scaler = torch.amp.GradScaler(device.type) if precision == "fp16" else None
    lengths = [len(it["input_ids"]) for it in items]
    fingerprint = data_fingerprint(items)
    p = plan(len(items), opts)

    position = {"step": 0, "epoch": 0, "step_in_epoch": 0, "tokens": 0, "supervised_tokens": 0,
                "padded_slots": 0, "train_time_s": 0.0}
    existing = checkpoint_dirs(run_dir)
    if resume:
        if not existing:
            raise ResumeError(f"--resume: no checkpoint in {run_dir / CHECKPOINTS}; start without --resume")
        state = json.loads((existing[-1] / "state.json").read_text())
        for key, want in (("n_items", len(items)), ("data_sha256", fingerprint), ("seed", opts.seed), ("micro_batch_size", opts.micro_batch_size),
                          ("grad_accum", opts.grad_accum), ("total_steps", p["total_steps"]), ("mode", opts.mode)):
            if state.get(key) != want:
                raise ResumeError(f"{existing[-1]}: saved with {key} = {state.get(key)!r}, this run has {want!r}; "
                                  f"resuming would not continue the same run (use the saved config, or a new run dir)")
        load_checkpoint(existing[-1], model, optimizer, scaler)
        position = {k: state[k] for k in position}
        print(f"resuming from {existing[-1]} (step {state['step']}, epoch {state['epoch'] + 1})", file=sys.stderr)
    elif existing:
        raise ResumeError(f"{run_dir} already has checkpoints ({existing[-1].name}); pass --resume to continue "
                          f"that run, or choose another output directory")
    log = MetricsLog(run_dir, opts, resume_step=position["step"] if resume else None, config=config)

    def snapshot(step: int, epoch: int, step_in_epoch: int) -> dict:
        return {**position, "step": step, "epoch": epoch, "step_in_epoch": step_in_epoch, "seed": opts.seed,
                "n_items": len(items), "data_sha256": fingerprint, "micro_batch_size": opts.micro_batch_size, "grad_accum": opts.grad_accum,
                "total_steps": p["total_steps"], "warmup_steps": p["warmup_steps"], "mode": opts.mode,
                "schedule": {"kind": opts.schedule, "lr": opts.lr, "min_lr_ratio": opts.min_lr_ratio}}

    def validate(step: int, epoch: int) -> dict:
        record = {"step": step, "epoch": epoch + 1}
        if val_items:
            record.update(evaluate_loss(model, val_items, micro_batch_size=opts.micro_batch_size,
                                        chunk_size=opts.loss_chunk_size, precision=precision, pad_id=pad_id))
        if eval_hook is not None:
            record.update(eval_hook(model, epoch=epoch + 1, step=step) or {})
        if len(record) > 2:
            log.log(record)
        return record

    step, last_val = position["step"], {}
    bar = tqdm(total=p["total_steps"], initial=step, desc="train", unit="step",
               disable=None if progress is None else not progress, dynamic_ncols=True)
    t_start = time.perf_counter()
    last_record: dict = {}
    try:
        for epoch in range(position["epoch"], p["epochs"]):
            batches = epoch_batches(lengths, opts.micro_batch_size, seed=opts.seed, epoch=epoch,
                                    group_window=opts.length_group_window)
            groups = [batches[i:i + opts.grad_accum] for i in range(0, len(batches), opts.grad_accum)]
            first = position["step_in_epoch"] if epoch == position["epoch"] else 0
            for s in range(first, len(groups)):
                if step >= p["total_steps"]:
                    break
                t0 = time.perf_counter()
                mbs = [collate([items[i] for i in b], pad_id=pad_id, device=device) for b in groups[s]]
                lr = lr_at(step, lr=opts.lr, total_steps=p["total_steps"], warmup_steps=p["warmup_steps"],
                           schedule=opts.schedule, min_lr_ratio=opts.min_lr_ratio)
                try:
                    loss, n_sup = accumulate_gradients(model, mbs, chunk_size=opts.loss_chunk_size,
                                                       precision=precision, scaler=scaler,
                                                       offload_activations=opts.offload_activations)
                    grad_norm = optimizer_step(params, optimizer, lr=lr, max_grad_norm=opts.max_grad_norm,
                                               scaler=scaler)
                except NonFiniteLossError as e:
                    good = checkpoint_dirs(run_dir)
                    where = (f"the last good checkpoint is {good[-1]} (continue from it with --resume, perhaps "
                             f"with a lower lr)") if good else "no checkpoint was written yet"
                    raise NonFiniteLossError(f"training stopped at step {step + 1} (epoch {epoch + 1}, step "
                                             f"{s + 1} of {len(groups)} in the epoch): {e}; {where}") from None
                dt = time.perf_counter() - t0
                step += 1
                tokens = sum(mb["tokens"] for mb in mbs)
                position["tokens"] += tokens
                padded = sum(mb["padded"] for mb in mbs)
                position["supervised_tokens"] += n_sup
                position["padded_slots"] += padded
                position["train_time_s"] += dt
                last_record = {"step": step, "epoch": epoch + 1, "loss": loss, "lr": lr, "grad_norm": grad_norm,
                               "tokens": tokens, "supervised_tokens": n_sup, "tokens_per_s": round(tokens / dt, 1),
                               "padding": round(padded / (tokens + padded), 4), **peak_memory(device)}
                if step % opts.log_every == 0 or step == p["total_steps"]:
                    log.log(last_record)
                bar.set_postfix(loss=f"{loss:.4f}", lr=f"{lr:.2e}", tok_s=f"{tokens / dt:.0f}")
                bar.update()
                epoch_done = s + 1 == len(groups)
                if epoch_done or step == p["total_steps"]:
                    last_val = validate(step, epoch)
                if epoch_done or (opts.save_every and step % opts.save_every == 0) or step == p["total_steps"]:
                    nxt = (epoch + 1, 0) if epoch_done else (epoch, s + 1)
                    save_checkpoint(run_dir, model, optimizer, scaler, snapshot(step, *nxt), keep_last=opts.keep_last)
                if on_step is not None:
                    on_step(step, last_record)
            if step >= p["total_steps"]:
                break
    finally:
        bar.close()
        log.close()

    out = save_final(model, run_dir, opts.mode)
    wall = time.perf_counter() - t_start
    slots = position["tokens"] + position["padded_slots"]
    summary = {"steps": step, "epochs": p["epochs"], "total_steps": p["total_steps"],
               "time_s": round(wall, 2), "train_time_s": round(position["train_time_s"], 2),
               "tokens": position["tokens"], "supervised_tokens": position["supervised_tokens"],
               "tokens_per_s": round(position["tokens"] / max(position["train_time_s"], 1e-9), 1),
               "padding_fraction": round(position["padded_slots"] / max(slots, 1), 4),
               "final_loss": last_record.get("loss"), **{k: v for k, v in last_val.items() if k.startswith("val")},
               "precision": precision, "device": str(device), **peak_memory(device), "output": str(out),
               "last_checkpoint": str(checkpoint_dirs(run_dir)[-1]) if checkpoint_dirs(run_dir) else None}
    (run_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(format_summary(summary), file=sys.stderr)
    return summary


def save_final(model: nn.Module, run_dir: Path, mode: str) -> Path:
    """<run>/adapter (peft layout) in LoRA mode; <run>/model (an HF checkpoint) in full mode."""
    from engine.adapter import save_adapter
    from engine.merge import export_merged
    if mode == "lora":
        return save_adapter(model, Path(run_dir) / "adapter", base_model_name_or_path=getattr(model, "source", None))
    return export_merged(model, Path(run_dir) / "model")


def format_summary(s: dict) -> str:
    mem = (f"peak allocated {s['peak_allocated_mb']:.0f} MB, reserved {s['peak_reserved_mb']:.0f} MB"
           if "peak_allocated_mb" in s else f"peak RSS {s['peak_rss_mb']:.0f} MB (CPU)")
    val = f", val loss {s['val_loss']:.4f}" if "val_loss" in s else ""
    loss = f"{s['final_loss']:.4f}" if s.get("final_loss") is not None else "-"
    return (f"done: {s['steps']} steps in {s['time_s']:.1f} s, {s['tokens']:,} tokens ({s['tokens_per_s']:,.0f} "
            f"tokens/s, {100 * s['padding_fraction']:.1f}% padding), last loss {loss}{val}, {mem}; "
            f"saved {s['output']}")


# ----------------------------------------------------------------------------------------------
# From a run config.

def resolve_device(name: str) -> torch.device:
    """"auto" -> cuda when available, else cpu."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"model.device = {name!r} but torch sees no CUDA device; use 'cpu' or 'auto'")
    return device


def resolve_dtype(name: str, device: torch.device) -> torch.dtype:
    """"auto" -> bf16 on a GPU that has it, fp16 on an older GPU, fp32 on CPU."""
    if name == "auto":
        if device.type == "cuda":
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.float32
    return {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[name]


def build_model(cfg) -> nn.Module:
    """Load the [model] checkpoint (NF4 when asked) and, in LoRA mode, inject the [lora] adapter."""
    from models import load_model

    from engine.lora import apply_lora

    device = resolve_device(cfg.model.device)
    model = load_model(cfg.model.source, dtype=resolve_dtype(cfg.model.dtype, device), device=device,
                       quantize=cfg.model.quantize, skip_modules=cfg.model.skip_modules,
                       blocksize=cfg.model.blocksize, double_quant=cfg.model.double_quant)
    if cfg.train.mode == "lora":
        report = apply_lora(model, r=cfg.lora.r, alpha=cfg.lora.alpha, dropout=cfg.lora.dropout,
                            target_modules=cfg.lora.target_modules, use_rslora=cfg.lora.use_rslora)
        print(report, file=sys.stderr)
    return model


def run_training(cfg, *, resume: bool = False, eval_hook: Callable | None = None,
                 progress: bool | None = None) -> dict:
    """Build everything a RunConfig describes and train: model (+ LoRA), tokenizer, data, loop.

    Writes the resolved config to <run>/config.toml; returns the summary (see `train`).
    """
    from models.tokenizer import load_tokenizer

    from engine.config import save_config
    from engine.data import data_report, prepare_data

    run_dir = Path(cfg.train.run_dir)
    seed_everything(cfg.train.seed)  # before apply_lora: the adapter's initialisation is seeded too
    model = build_model(cfg)
    tokenizer = load_tokenizer(cfg.model.source, chat_template=cfg.model.chat_template or None)
    data = prepare_data(cfg.data, tokenizer)
    if data.train is None:
        raise ValueError("data.train_path is empty: training needs a training set")
    data_report(data, tokenizer, file=sys.stderr, show_example=False)
    run_dir.mkdir(parents=True, exist_ok=True)
    save_config(cfg, run_dir / "config.toml")
    return train(model, list(data.train.items), opts=cfg.train, run_dir=run_dir,
                 val_items=list(data.val.items) if data.val else None, resume=resume,
                 pad_id=tokenizer.pad_token_id, eval_hook=eval_hook, progress=progress, config=cfg.to_dict())
