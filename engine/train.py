"""The training loop, as plain functions: one optimizer step, validation, logging, the run.

    summary = train(model, items, opts=cfg.train, run_dir="runs/x", val_items=val)   # a model you built
    summary = run_training(cfg, resume=True)     # build model + LoRA + data from a RunConfig, then train

`opts` is the [train] section of the run config (engine.config.TrainSection), where every option
and its default is defined and checked.

`items` are encoded examples {"input_ids": [int], "labels": [int]} with labels -100 where there is no
loss (engine.data's `encode_example`); engine/batches.py groups them into micro-batches. One
optimizer step:

    micro-batches (right-padded to the longest, length-grouped) --x grad_accum-->
      checkpointed forward (per decoder layer) -> chunked CE on supervised tokens only (engine.loss)
      -> loss_sum / supervised tokens of the WHOLE accumulated batch -> backward
    -> unscale (fp16) -> clip grad norm -> AdamW -> lr from lr_at(step) (engine.schedule)

Normalising every micro-batch by the token count of the whole group makes the accumulated gradient
that of the mean token loss over the group, as if it had been one batch; a mean of per-micro-batch
means would weight the tokens of short examples more.

Precision (engine/devices.py): "auto" is bf16 autocast on a CUDA device that supports it, fp16
autocast with a GradScaler on one that does not, fp32 on CPU. Trainable parameters are kept in
fp32 (the LoRA weights, or every weight in full mode); frozen base weights stay in the dtype they
were loaded in.

Several ranks (`torchrun --nproc_per_node N train.py CONFIG`, engine/distributed.py): a step is
the N x grad_accum micro-batches one process with grad_accum N x k would take, each rank runs its
contiguous share, every micro-batch's loss is divided by the supervised tokens of the whole step,
and the gradients are summed over the ranks before the same update on every rank. Each
micro-batch's dropout is seeded from (seed, step, its index in the step), in one process too, so
N ranks x grad_accum k give the losses and adapter of one process with grad_accum N x k (up to
the order of float additions). Rank 0 alone takes the run-dir lock, logs, and writes checkpoints,
metrics and the adapter; the others start from its state (the adapter init, or the checkpoint it
resumed from).

Training-state checkpoints (engine/train_state.py) are written at each epoch end, every
`save_every` steps and at the last step; `resume=True` continues from the newest one exactly:
the same batches in the same order, the same dropout masks, the same losses; under torchrun
with the same ranks x grad_accum (the number of ranks may change if grad_accum makes up for it).

A resume that would change what is trained (the config saved in <run>/config.toml, or the
checkpoint's own state) is refused unless allowed, and then recorded (engine/resume.py loads the
checkpoint, engine/resume_check.py compares the configs).

Logs: tqdm (loss, lr, tokens/s), <run>/metrics.jsonl (one JSON object per logged step and per
validation; engine/run_dir.py's MetricsLog), optional wandb. At the end: <run>/adapter (or
<run>/model in full mode) and <run>/summary.json.
"""

from __future__ import annotations

import json
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import torch
from torch import nn
from tqdm.auto import tqdm

from engine.batches import batching, collate, collate_shared, data_fingerprint, epoch_batches, group_counts
from engine.prefix import shares_prefixes
from engine.config import ConfigError, save_config
from engine.data import data_report, prepare_data
from engine.devices import auto_reason, model_device, peak_memory, resolve_device, resolve_dtype, resolve_precision
from engine.distributed import SINGLE, PeerError, World
from engine.lora import apply_lora
from engine.resume import regrouped, restore, share_state
from engine.run_outputs import format_summary, run_summary, save_final
from engine.resume_check import CHANGES_FILE, CONFIG_FILE, FLAG, config_changes, record_changes
from engine.run_dir import MetricsLog, remove_stale_temps, writing
from engine.schedule import lr_at, warmup_steps_for
from engine.step import (NonFiniteLossError, accumulate_gradients, build_optimizer, evaluate_loss, micro_batch_seed,
                         optimizer_step, prepare_model)
from engine.train_state import CHECKPOINTS, save_train_state, seed_everything, train_state_dirs
from models import load_model
from models.tokenizer import load_tokenizer


# ----------------------------------------------------------------------------------------------
# The run.

def plan(n_items: int, opts, ranks: int = 1) -> dict:
    """Steps per epoch, total optimizer steps, warmup steps and epochs for a training set of n items
    (a step takes ranks x grad_accum micro-batches)."""
    micro = math.ceil(n_items / opts.micro_batch_size)
    per_epoch = math.ceil(micro / (opts.grad_accum * ranks))
    total = opts.max_steps if opts.max_steps > 0 else per_epoch * opts.epochs
    epochs = math.ceil(total / per_epoch)
    return {"steps_per_epoch": per_epoch, "total_steps": total, "epochs": epochs,
            "warmup_steps": warmup_steps_for(total, opts.warmup_ratio)}


@dataclass
class Position:
    """Where a run is: the step, the data position, and the running totals (saved in each checkpoint)."""

    step: int = 0
    epoch: int = 0
    step_in_epoch: int = 0
    tokens: int = 0
    supervised_tokens: int = 0
    padded_slots: int = 0
    train_time_s: float = 0.0


@dataclass
class Loop:
    """What one run's steps share: the model's trainable parameters, optimizer, scaler and plan."""

    model: nn.Module
    items: list[dict]
    opts: object  # the [train] section
    run_dir: Path
    pad_id: int
    device: torch.device
    precision: str
    params: list[nn.Parameter]
    optimizer: torch.optim.Optimizer
    scaler: torch.amp.GradScaler | None
    plan: dict
    fingerprint: str
    position: Position = field(default_factory=Position)
    world: World = SINGLE

    @property
    def per_step(self) -> int:
        """Micro-batches per optimizer step, over every rank."""
        return self.opts.grad_accum * self.world.size

    def state(self, epoch: int, step_in_epoch: int) -> dict:
        """state.json of a checkpoint taken now, resuming at (epoch, step_in_epoch)."""
        o = self.opts
        return {**vars(self.position), "epoch": epoch, "step_in_epoch": step_in_epoch, "seed": o.seed,
                "n_items": len(self.items), "data_sha256": self.fingerprint, "micro_batch_size": o.micro_batch_size,
                "grad_accum": o.grad_accum, "world_size": self.world.size, "total_steps": self.plan["total_steps"],
                "warmup_steps": self.plan["warmup_steps"], "mode": o.mode,
                "schedule": {"kind": o.schedule, "lr": o.lr, "min_lr_ratio": o.min_lr_ratio}}


def start(model: nn.Module, items: list[dict], opts, run_dir: Path, *, pad_id: int, world: World = SINGLE) -> Loop:
    """Seed, set what trains, build the optimizer (and GradScaler for fp16) and plan the steps."""
    device = model_device(model)
    precision = resolve_precision(opts.precision, device)
    if precision == "bf16" and device.type == "cuda" and not torch.cuda.is_bf16_supported():
        raise ValueError("train.precision = 'bf16' but this GPU has no bf16 support; use 'fp16' or 'auto'")
    if opts.share_prefix and not shares_prefixes(model, True):
        raise ValueError("train.share_prefix = true needs a model whose layers all attend over plain keys and values "
                         "(Qwen2 / Qwen2.5 / Llama / SmolLM2 / Falcon3 / Qwen1.5); sliding windows and DeltaNet "
                         "layers (gemma3, qwen3_5) can't take packed rows: set it to false")
    seed_everything(opts.seed)
    params = prepare_model(model, mode=opts.mode, grad_checkpointing=opts.grad_checkpointing)
    optimizer = build_optimizer(model, lr=opts.lr, weight_decay=opts.weight_decay, betas=opts.adam_betas,
                                eps=opts.adam_eps)
    scaler = torch.amp.GradScaler(device.type) if precision == "fp16" else None
    return Loop(model, items, opts, run_dir, pad_id, device, precision, params, optimizer, scaler,
                plan(len(items), opts, world.size), data_fingerprint(items), world=world)


def remaining_steps(loop: Loop):
    """(epoch, step in epoch, steps in the epoch, micro-batches of item indices) of every step left to run."""
    o, pos = loop.opts, loop.position
    lengths = [len(it["input_ids"]) for it in loop.items]
    step = pos.step
    for epoch in range(pos.epoch, loop.plan["epochs"]):
        batches = epoch_batches(lengths, o.micro_batch_size, seed=o.seed, epoch=epoch, **batching(loop.items, o))
        n = loop.per_step
        groups = [batches[i:i + n] for i in range(0, len(batches), n)]
        for s in range(pos.step_in_epoch if epoch == pos.epoch else 0, len(groups)):
            if step >= loop.plan["total_steps"]:
                return
            yield epoch, s, len(groups), groups[s]
            step += 1


def run_step(loop: Loop, epoch: int, s: int, n_steps: int, group: list[list[int]]) -> dict:
    """One optimizer step over a group of micro-batches (this rank runs its share); returns its metrics record."""
    o, pos, world = loop.opts, loop.position, loop.world
    t0 = time.perf_counter()
    mine = world.share(len(group))
    pack = collate_shared if o.share_prefix else collate
    mbs = [pack([loop.items[i] for i in group[j]], pad_id=loop.pad_id, device=loop.device) for j in mine]
    tokens, padded, n_sup = group_counts(loop.items, group)
    lr = lr_at(pos.step, lr=o.lr, total_steps=loop.plan["total_steps"], warmup_steps=loop.plan["warmup_steps"],
               schedule=o.schedule, min_lr_ratio=o.min_lr_ratio)
    failed = None
    try:
        loss, _ = accumulate_gradients(loop.model, mbs, chunk_size=o.loss_chunk_size, precision=loop.precision,
                                       scaler=loop.scaler, offload_activations=o.offload_activations,
                                       total_tokens=n_sup, seeds=[micro_batch_seed(o.seed, pos.step, j) for j in mine])
    except NonFiniteLossError as e:
        if world.size == 1:
            raise
        loss, failed = math.nan, (mine.start + e.micro_batch, e.loss)  # the others learn of it from the sum
    world.sum_grads(loop.params)
    loss, computed = world.sum_floats([loss, sum(mb["tokens"] + mb["padded"] for mb in mbs)])
    if not math.isfinite(loss):  # every rank is here, and one of them saw a non-finite micro-batch loss
        seen = sorted(f for f in world.all_gather(failed) if f is not None)
        j, value = seen[0] if seen else (None, loss)
        raise NonFiniteLossError(f"micro-batch {j + 1} of {len(group)} has loss {value}" if seen else
                                 f"the loss is {loss}")
    grad_norm = optimizer_step(loop.params, loop.optimizer, lr=lr, max_grad_norm=o.max_grad_norm, scaler=loop.scaler)
    dt = time.perf_counter() - t0
    pos.step += 1
    pos.tokens += tokens
    pos.supervised_tokens += n_sup
    pos.padded_slots += padded
    pos.train_time_s += dt
    return {"step": pos.step, "epoch": epoch + 1, "loss": loss, "lr": lr, "grad_norm": grad_norm,
            "tokens": tokens, "supervised_tokens": n_sup, "tokens_per_s": round(tokens / dt, 1),
            "padding": round(padded / (tokens + padded), 4), "computed_slots": int(computed), **peak_memory(loop.device)}


def validate(loop: Loop, epoch: int, val_items, eval_hook, log: MetricsLog) -> dict:
    """Validation loss (and eval_hook's metrics) after an epoch, logged when there are any."""
    record = {"step": loop.position.step, "epoch": epoch + 1}
    if val_items:
        record.update(evaluate_loss(loop.model, val_items, micro_batch_size=loop.opts.micro_batch_size,
                                    chunk_size=loop.opts.loss_chunk_size, precision=loop.precision,
                                    pad_id=loop.pad_id, world=loop.world))
    if eval_hook is not None and loop.world.main:  # the other ranks wait for rank 0 in the next collective
        record.update(eval_hook(loop.model, epoch=epoch + 1, step=loop.position.step) or {})
    if len(record) > 2:
        log.log(record)
    return record


def run_steps(loop: Loop, log: MetricsLog, bar, val_items, eval_hook, on_step) -> tuple[dict, dict]:
    """Every step left, each logged, validated at epoch ends and checkpointed as the options say;
    returns the last step's record and the last validation's."""
    o, total, record, last_val = loop.opts, loop.plan["total_steps"], {}, {}
    for epoch, s, n_steps, group in remaining_steps(loop):
        where = f"step {loop.position.step + 1} (epoch {epoch + 1}, step {s + 1} of {n_steps} in the epoch)"
        try:
            record = run_step(loop, epoch, s, n_steps, group)
            step, epoch_done = record["step"], s + 1 == n_steps
            if step % o.log_every == 0 or step == total:
                log.log(record)
            bar.set_postfix(loss=f"{record['loss']:.4f}", lr=f"{record['lr']:.2e}",
                            tok_s=f"{record['tokens_per_s']:.0f}")
            bar.update()
            if epoch_done or step == total:
                last_val = validate(loop, epoch, val_items, eval_hook, log)
            if epoch_done or (o.save_every and step % o.save_every == 0) or step == total:
                state = loop.state(*((epoch + 1, 0) if epoch_done else (epoch, s + 1)))
                loop.world.agree(lambda: save_train_state(loop.run_dir, loop.model, loop.optimizer, loop.scaler, state,
                                                          keep_last=o.keep_last))
        except NonFiniteLossError as e:
            if not loop.world.main:  # every rank stopped on it; rank 0 says where
                raise PeerError(f"stopped with rank 0 at {where}: {e}") from None
            good = train_state_dirs(loop.run_dir)  # each one finite: save_train_state writes no other
            then = (f"the last good checkpoint is {good[-1]} (continue from it with --resume, perhaps with a lower "
                    f"lr: {FLAG} --set train.lr=...)") if good else "no checkpoint was written yet"
            raise NonFiniteLossError(f"training stopped at {where}: {e}; {then}") from None
        if on_step is not None:
            on_step(step, record)
    return record, last_val


def train(model: nn.Module, items: list[dict], *, opts, run_dir, val_items: list[dict] | None = None,
          resume: bool = False, pad_id: int = 0, eval_hook: Callable | None = None,
          on_step: Callable | None = None, progress: bool | None = None, config: dict | None = None,
          run_config=None, allow_config_change: bool = False, world: World = SINGLE) -> dict:
    """Train `model` on encoded items; returns (and writes to <run>/summary.json) the run's summary.

    eval_hook(model, epoch=, step=) -> dict of metrics, called after each epoch's validation loss
    (e.g. a generation-based execution accuracy); its results go to metrics.jsonl.
    on_step(step, record): called after every optimizer step (and its checkpoint); tests use it to
    simulate a crash. config: the resolved run config as a dict, for wandb. run_config: the
    RunConfig, compared on resume with <run>/config.toml and then written there.
    allow_config_change: resume even if settings that change the training differ (recorded in
    <run>/config_changes.jsonl). Nothing is written before the resume checks pass.
    world: this rank's place under torchrun (engine/distributed.py): every rank calls train with the
    same items, and takes rank 0's trainable weights; rank 0 alone writes, every rank returns the
    summary.
    """
    if not items:
        raise ValueError("no training items")
    run_dir = Path(run_dir)
    with world.lock(run_dir):  # a second process on this run dir stops here
        changes = world.agree(lambda: config_changes(run_config, run_dir, allow=allow_config_change,
                                                     free=regrouped(run_dir, opts.grad_accum, world))
                              if resume and run_config else {})
        loop = start(model, items, opts, run_dir, pad_id=pad_id, world=world)
        world.agree(lambda: open_run_dir(loop, resume, changes, run_config, allow_config_change))
        share_state(loop)
        total = loop.plan["total_steps"]
        log = (MetricsLog(run_dir, opts, resume_step=loop.position.step if resume else None, config=config)
               if world.main else NoLog())
        bar = tqdm(total=total, initial=loop.position.step, desc="train", unit="step", dynamic_ncols=True,
                   disable=(None if progress is None else not progress) if world.main else True)
        t_start = time.perf_counter()
        try:
            record, last_val = run_steps(loop, log, bar, val_items, eval_hook, on_step)
        finally:
            bar.close()
            log.close()
        peaks = world.all_gather(peak_memory(loop.device))

        def finish() -> dict:
            with writing(run_dir, "the trained weights and summary into"):
                out = save_final(model, run_dir, opts.mode)
                summary = run_summary(loop, record, last_val, out, wall=time.perf_counter() - t_start)
                if world.size > 1:
                    summary |= {"ranks": world.size, "peak_memory_per_rank": peaks}
                (run_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
            print(format_summary(summary), file=sys.stderr)
            return summary

        return world.agree(finish)


def open_run_dir(loop: Loop, resume: bool, changes: dict, run_config, allow_config_change: bool) -> None:
    """What train does in the run dir before the first step, once the config checks passed: resume (or
    refuse to overwrite), remove stale temporary files, write config.toml, record allowed changes."""
    run_dir = loop.run_dir
    changes = changes | restore(loop, resume, allow_changes=allow_config_change)
    for stale in remove_stale_temps(run_dir / CHECKPOINTS) + remove_stale_temps(run_dir):
        print(f"removed {stale}, left by a run that stopped while writing it", file=sys.stderr)
    if run_config is not None:
        with writing(run_dir / CONFIG_FILE, "the run config"):
            save_config(run_config, run_dir / CONFIG_FILE)
    if changes:
        dirs = train_state_dirs(run_dir)
        record_changes(run_dir, changes, step=loop.position.step, checkpoint=dirs[-1].name if dirs else None,
                       allowed=allow_config_change)
        print(f"continuing with changed settings ({', '.join(changes)}), recorded in "
              f"{run_dir / CHANGES_FILE}", file=sys.stderr)


class NoLog:
    """The metrics log of a rank other than 0 (rank 0 alone writes metrics.jsonl)."""

    def log(self, record: dict):
        pass

    def close(self):
        pass


# ----------------------------------------------------------------------------------------------
# From a run config.

def build_model(cfg) -> nn.Module:
    """Load the [model] checkpoint (NF4 when asked) and, in LoRA mode, inject the [lora] adapter."""
    if cfg.train.mode == "full" and cfg.model.quantize:
        raise ConfigError(f"train.mode = 'full' with model.quantize = {cfg.model.quantize!r}: quantized linears can't "
                          f"be trained, so only the embeddings, norms and biases would be; use train.mode = 'lora' "
                          f"(QLoRA), or leave model.quantize unset to train every weight")
    device = resolve_device(cfg.model.device)
    if "auto" in (cfg.model.dtype, cfg.train.precision):
        print(auto_reason(device), file=sys.stderr)
    model = load_model(cfg.model.source, dtype=resolve_dtype(cfg.model.dtype, device), device=device,
                       quantize=cfg.model.quantize, skip_modules=cfg.model.skip_modules,
                       blocksize=cfg.model.blocksize, double_quant=cfg.model.double_quant)
    if cfg.train.mode == "lora":
        try:
            report = apply_lora(model, r=cfg.lora.r, alpha=cfg.lora.alpha, dropout=cfg.lora.dropout,
                                target_modules=cfg.lora.target_modules, use_rslora=cfg.lora.use_rslora)
        except ValueError as e:  # names that match nothing (or no linear): the message lists the linears there
            raise ConfigError(f"[lora] {e}") from None
        print(report, file=sys.stderr)
    return model


def run_training(cfg, *, resume: bool = False, allow_config_change: bool = False, eval_hook: Callable | None = None,
                 progress: bool | None = None, world: World = SINGLE, on_step: Callable | None = None) -> dict:
    """Build everything a RunConfig describes and train: model (+ LoRA), tokenizer, data, loop.

    Writes the resolved config to <run>/config.toml once the resume checks pass; returns the
    summary (see `train`, which also says what world and on_step are).
    """
    run_dir = Path(cfg.train.run_dir)
    with world.lock(run_dir):  # before the model is built: a second process on this run dir stops at once
        if resume:  # refuse a changed config before the model is built (train checks again, then records)
            world.agree(lambda: config_changes(cfg, run_dir, allow=allow_config_change,
                                               free=regrouped(run_dir, cfg.train.grad_accum, world)))
        seed_everything(cfg.train.seed)  # before apply_lora: the adapter's initialisation is seeded too
        model = build_model(cfg)
        tokenizer = load_tokenizer(cfg.model.source, chat_template=cfg.model.chat_template or None)
        data = prepare_data(cfg.data, tokenizer)
        if data.train is None:
            raise ValueError("data.train_path is empty: training needs a training set")
        data_report(data, tokenizer, file=sys.stderr, show_example=False)
        return train(model, list(data.train.items), opts=cfg.train, run_dir=run_dir,
                     val_items=list(data.val.items) if data.val else None, resume=resume,
                     pad_id=tokenizer.pad_token_id, eval_hook=eval_hook, progress=progress, config=cfg.to_dict(),
                     run_config=cfg, allow_config_change=allow_config_change, world=world, on_step=on_step)
