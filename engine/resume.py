"""Resuming a run: the newest intact checkpoint loaded into the loop, after checking it belongs to
this run (engine/train.py's Loop); under torchrun, every rank continuing from rank 0's state.

`restore` reads the checkpoint (engine/train_state.py picks the newest intact one) and refuses a
resume whose data, batch shape, seed, steps or schedule differ unless allowed (then it returns
the differences, which engine/resume_check.py records); `regrouped` tells when another number of
ranks with the same micro-batches per step continues the same run; `share_state` broadcasts the
trainable weights, optimizer, scaler and position from rank 0.
"""

from __future__ import annotations

import json
import sys

import torch

from engine.distributed import World
from engine.resume_check import FLAG
from engine.train_state import CHECKPOINTS, ResumeError, apply_train_state, newest_intact, set_aside, train_state_dirs


def restore(loop, resume: bool, *, allow_changes: bool = False) -> dict[str, list]:
    """With resume, load the newest intact checkpoint and check it belongs to this run; without, refuse
    to overwrite a run that has checkpoints. Returns {"checkpoint.<key>": [saved, now]} of what
    allow_changes let differ from the checkpoint's state.json (refused without it)."""
    existing = train_state_dirs(loop.run_dir)
    if not resume:
        if existing:
            raise ResumeError(f"{loop.run_dir} already has checkpoints ({existing[-1].name}); pass --resume to "
                              f"continue that run, or choose another output directory")
        return {}
    if not existing:
        raise ResumeError(f"--resume: no checkpoint in {loop.run_dir / CHECKPOINTS}; start without --resume")
    o = loop.opts
    last, saved, damaged = newest_intact(loop.run_dir)
    state, changes = saved["state"], {}
    ranks = state.get("world_size", 1)  # checkpoints from before torchrun: one process
    # first: another step size also changes total_steps, and this says why
    if "grad_accum" in state and state["grad_accum"] * ranks != loop.per_step:
        if not allow_changes:
            raise ResumeError(f"{last}: saved by {ranks} rank(s) x grad_accum {state['grad_accum']} = "
                              f"{state['grad_accum'] * ranks} micro-batches per step, this run has {loop.world.size} "
                              f"x {o.grad_accum} = {loop.per_step}: its steps would take other batches. Resume with "
                              f"{ranks} rank(s) (torchrun --nproc_per_node), or with a train.grad_accum that makes "
                              f"ranks x grad_accum = {state['grad_accum'] * ranks} (or {FLAG}, recorded)")
        changes["checkpoint.micro_batches_per_step"] = [state["grad_accum"] * ranks, loop.per_step]
    elif ranks != loop.world.size:
        print(f"resuming a run of {ranks} rank(s) x grad_accum {state['grad_accum']} on {loop.world.size} x "
              f"{o.grad_accum}: the same {loop.per_step} micro-batches per step", file=sys.stderr)
    for key, want in (("n_items", len(loop.items)), ("data_sha256", loop.fingerprint), ("seed", o.seed),
                      ("micro_batch_size", o.micro_batch_size),
                      ("total_steps", loop.plan["total_steps"]), ("warmup_steps", loop.plan["warmup_steps"]),
                      ("mode", o.mode), ("schedule", loop.state(0, 0)["schedule"])):
        if key in state and state[key] != want:
            if not allow_changes:
                raise ResumeError(f"{last}: saved with {key} = {state[key]!r}, this run has {want!r}; resuming "
                                  f"would not continue the same run (use the saved config, a new run dir, or "
                                  f"{FLAG} to continue with the new settings, recorded in the run dir)")
            changes[f"checkpoint.{key}"] = [state[key], want]
    now = [{k: v for k, v in g.items() if k != "params"} for g in loop.optimizer.param_groups]
    apply_train_state(last, saved, loop.model, loop.optimizer, loop.scaler)
    for group, settings in zip(loop.optimizer.param_groups, now):
        group.update(settings)  # this run's betas, eps, weight decay (load_state_dict puts the saved ones back)
    set_aside(damaged)
    position = type(loop.position)
    loop.position = position(**{k: state[k] for k in vars(position())})
    print(f"resuming from {last} (step {state['step']}, epoch {state['epoch'] + 1})", file=sys.stderr)
    return changes


def regrouped(run_dir, grad_accum: int, world: World) -> tuple[str, ...]:
    """("train.grad_accum",) when the newest checkpoint was saved by another number of ranks with as
    many micro-batches per step as this run's ranks x grad_accum: then a new grad_accum continues the
    same run (`restore` checks it again on the checkpoint it resumes from)."""
    dirs = train_state_dirs(run_dir)
    try:
        state = json.loads((dirs[-1] / "state.json").read_text()) if dirs else {}
        ranks, accum = int(state.get("world_size", 1)), int(state["grad_accum"])
    except (OSError, ValueError, KeyError, TypeError):
        return ()
    return ("train.grad_accum",) if ranks != world.size and ranks * accum == world.size * grad_accum else ()


def share_state(loop) -> None:
    """Every rank continues from rank 0's state: the trainable weights (the adapter's init, or the
    checkpoint rank 0 resumed from), the optimizer and scaler states and the position."""
    world = loop.world
    if world.size == 1:
        return
    world.broadcast_tensors_(loop.params)
    on_cpu = lambda v: v.cpu() if torch.is_tensor(v) else v
    opt = loop.optimizer.state_dict()
    opt = {**opt, "state": {i: {k: on_cpu(v) for k, v in st.items()} for i, st in opt["state"].items()}}
    position, opt, scaler = world.broadcast((vars(loop.position), opt, loop.scaler.state_dict() if loop.scaler else None)
                                            if world.main else None)
    if not world.main:
        loop.position = type(loop.position)(**position)
        loop.optimizer.load_state_dict(opt)
        if loop.scaler is not None:
            loop.scaler.load_state_dict(scaler)
