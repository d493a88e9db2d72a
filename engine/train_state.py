"""Training-state checkpoints: what `--resume` needs to continue a run exactly (not model checkpoints).

<run>/checkpoints/step_0000012/ holds the trainable weights, the adapter in peft's layout (LoRA
mode), the optimizer and GradScaler states, the RNG states (python, numpy, torch, cuda), and the
data position (state.json: epoch, step in epoch, seed); the schedule is a function of the step.
Each is written to a temporary directory and renamed into place, so a kill never leaves a half
checkpoint, and a failed write (a full disk) removes it and says where and how much space is
free; the last `keep_last` are kept. A model checkpoint (config.json + model.safetensors)
is models.save_checkpoint's; the adapter alone is engine.adapter.save_adapter's.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from torch import nn

from engine.adapter import save_adapter
from engine.run_dir import save_safetensors, temp_path, writing

CHECKPOINTS = "checkpoints"


class ResumeError(RuntimeError):
    """A run directory and a resume request disagree: nothing to resume, a run already there, or a
    checkpoint saved by a different setup (data, batch sizes, seed, mode, LoRA shapes)."""


def seed_everything(seed: int):
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)  # also seeds every CUDA device


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


def train_state_dirs(run_dir) -> list[Path]:
    """Complete checkpoints of a run, oldest first."""
    root = Path(run_dir) / CHECKPOINTS
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if p.is_dir() and p.name.startswith("step_") and (p / "state.json").exists()]
    return sorted(found, key=lambda p: int(p.name.removeprefix("step_")))


def save_train_state(run_dir, model: nn.Module, optimizer, scaler, state: dict, *, keep_last: int = 2) -> Path:
    """Write <run>/checkpoints/step_<N> atomically (temp dir, then rename) and keep the last `keep_last`."""
    root = Path(run_dir) / CHECKPOINTS
    root.mkdir(parents=True, exist_ok=True)
    final = root / f"step_{state['step']:07d}"
    if final.exists():
        return final  # this step is saved already (an epoch end that is also a save_every step)
    tmp = temp_path(final)
    try:
        with writing(final, "the checkpoint"):
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir()
            save_safetensors({n: p.detach().to("cpu").contiguous() for n, p in _trainable(model).items()},
                             tmp / "trainable.safetensors")
            if state.get("mode") == "lora":
                save_adapter(model, tmp / "adapter", base_model_name_or_path=getattr(model, "source", None))
            torch.save(optimizer.state_dict(), tmp / "optimizer.pt")
            if scaler is not None:
                torch.save(scaler.state_dict(), tmp / "scaler.pt")
            rng_json, rng_tensors = _rng_state()
            torch.save(rng_tensors, tmp / "rng.pt")
            (tmp / "rng.json").write_text(json.dumps(rng_json))
            (tmp / "state.json").write_text(json.dumps(state, indent=2) + "\n")  # last: marks the checkpoint complete
            os.replace(tmp, final)
    except BaseException:  # a full disk, a kill signal turned exception: no half checkpoint stays behind
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in train_state_dirs(run_dir)[:-keep_last]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def load_train_state(path, model: nn.Module, optimizer, scaler=None) -> dict:
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
