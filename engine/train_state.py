"""Training-state checkpoints: what `--resume` needs to continue a run exactly (not model checkpoints).

<run>/checkpoints/step_0000012/ holds the trainable weights, the adapter in peft's layout (LoRA
mode), the optimizer and GradScaler states, the RNG states (python, numpy, torch, cuda), and the
data position (state.json: epoch, step in epoch, seed); the schedule is a function of the step.
Each is written to a temporary directory and renamed into place, so a kill never leaves a half
checkpoint, and a failed write (a full disk) removes it and says where and how much space is
free; the last `keep_last` are kept. manifest.json, written last, holds the size and sha256 of
every file: `newest_intact` resumes from the newest checkpoint whose files are all still whole
(a truncated file, a damaged JSON, a lost page after a power cut), and names the damaged ones
it passed over. Checkpoints written before manifests existed are checked by reading them.
Weights or optimizer state holding a NaN or an inf are never written (NonFiniteLossError) and
never resumed from (ResumeError naming the file).

A model checkpoint (config.json + model.safetensors) is models.save_checkpoint's; the adapter
alone is engine.adapter.save_adapter's.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import random
import re
import shutil
import sys
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file
from torch import nn

from engine.adapter import save_adapter
from engine.run_dir import save_safetensors, temp_path, writing
from engine.step import NonFiniteLossError

CHECKPOINTS = "checkpoints"
MANIFEST = "manifest.json"
STEP_DIR = re.compile(r"step_(\d+)")  # step_0000012
DAMAGED_PREFIX = "damaged-"  # a damaged checkpoint, set aside when a resume passed over it


class ResumeError(RuntimeError):
    """A run directory and a resume request disagree: nothing to resume, a run already there, or a
    checkpoint saved by a different setup (data, batch sizes, seed, mode, LoRA shapes)."""


class DamagedCheckpointError(ResumeError):
    """A checkpoint file is missing, truncated or not what its manifest says."""


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


def _not_finite(tensors) -> list[str]:
    """Names of the floating-point tensors of {name: tensor} holding a NaN or an inf."""
    return [n for n, t in tensors.items()
            if torch.is_tensor(t) and t.is_floating_point() and not torch.isfinite(t).all()]


def _optimizer_tensors(optimizer, names: dict) -> dict[str, torch.Tensor]:
    """The optimizer's state as {'<param name>.<state key>': tensor} (exp_avg, exp_avg_sq, ...)."""
    return {f"{names.get(p, '?')}.{k}": v for p, st in optimizer.state.items() for k, v in st.items()}


def non_finite_state(model: nn.Module, optimizer) -> str | None:
    """What in the trainable weights or the optimizer state is NaN or inf, or None when all is finite."""
    params = _trainable(model)
    state = _optimizer_tensors(optimizer, {p: n for n, p in params.items()})
    parts = [f"NaN or inf in {len(bad)} of {len(of)} {what} (e.g. {bad[0]})"
             for what, of in (("trainable weights", params), ("optimizer state tensors", state))
             for bad in [_not_finite(of)] if bad]
    return " and ".join(parts) or None


def train_state_dirs(run_dir) -> list[Path]:
    """The run's checkpoints (step_<N> folders with a manifest, or a state.json from before
    manifests), oldest first; other names in the folder are not checkpoints."""
    root = Path(run_dir) / CHECKPOINTS
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if STEP_DIR.fullmatch(p.name) and p.is_dir()
             and ((p / MANIFEST).is_file() or (p / "state.json").is_file())]
    return sorted(found, key=lambda p: int(STEP_DIR.fullmatch(p.name)[1]))


def _sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _write_manifest(folder: Path, step: int) -> None:
    files = {p.relative_to(folder).as_posix(): {"bytes": p.stat().st_size, "sha256": _sha256(p)}
             for p in sorted(folder.rglob("*")) if p.is_file()}
    (folder / MANIFEST).write_text(json.dumps({"step": step, "files": files}, indent=1) + "\n")


def checkpoint_problem(path) -> str | None:
    """What is wrong with the files of the checkpoint at `path` (by its manifest), or None when they
    are all whole. Without a manifest (an older checkpoint) None: reading it is the check."""
    path = Path(path)
    if not (path / MANIFEST).is_file():
        return None
    try:
        manifest = json.loads((path / MANIFEST).read_text())
        files, step = manifest["files"], manifest["step"]
    except (ValueError, KeyError, TypeError) as e:
        return f"{path / MANIFEST} is damaged ({e})"
    if step != int(STEP_DIR.fullmatch(path.name)[1]):
        return f"{path / MANIFEST} is the manifest of step {step}, not of this folder"
    for name, want in files.items():
        file = path / name
        if not file.is_file():
            return f"{file} is missing"
        if file.stat().st_size != want["bytes"]:
            return f"{file} has {file.stat().st_size} bytes, {want['bytes']} were written"
        if _sha256(file) != want["sha256"]:
            return f"{file} is not the file that was written (sha256 differs)"
    return None


def save_train_state(run_dir, model: nn.Module, optimizer, scaler, state: dict, *, keep_last: int = 2) -> Path:
    """Write <run>/checkpoints/step_<N> atomically (temp dir, then rename) and keep the last `keep_last`.

    Raises NonFiniteLossError, writing nothing, when the weights or the optimizer state are not finite:
    every checkpoint on disk can be resumed from.
    """
    root = Path(run_dir) / CHECKPOINTS
    final = root / f"step_{state['step']:07d}"
    if final.exists():
        return final  # this step is saved already (an epoch end that is also a save_every step)
    problem = non_finite_state(model, optimizer)
    if problem:
        raise NonFiniteLossError(f"{problem} after the update, so the checkpoint {final.name} was not written")
    root.mkdir(parents=True, exist_ok=True)
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
            (tmp / "state.json").write_text(json.dumps(state, indent=2) + "\n")
            _write_manifest(tmp, state["step"])  # last: the sizes and hashes of everything above
            os.replace(tmp, final)
    except BaseException:  # a full disk, a kill signal turned exception: no half checkpoint stays behind
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for old in train_state_dirs(run_dir)[:-keep_last]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def _read(file: Path, read):
    """read(file), a damaged or missing file raised as DamagedCheckpointError naming it."""
    try:
        return read(file)
    except (OSError, ValueError, KeyError, TypeError, EOFError, RuntimeError, pickle.UnpicklingError,
            SafetensorError) as e:
        raise DamagedCheckpointError(f"{file}: can't be read ({type(e).__name__}: {str(e)[:200]})") from None


def read_train_state(path) -> dict:
    """Every file of a checkpoint, read into memory (nothing is changed yet): state, weights,
    optimizer, scaler, RNG states. Raises DamagedCheckpointError naming a file that can't be read."""
    path = Path(path)
    problem = checkpoint_problem(path)
    if problem:
        raise DamagedCheckpointError(problem)
    torch_load = lambda f: torch.load(f, map_location="cpu", weights_only=True)
    out = {"state": _read(path / "state.json", lambda f: json.loads(f.read_text())),
           "weights": _read(path / "trainable.safetensors", lambda f: load_file(str(f))),
           "optimizer": _read(path / "optimizer.pt", torch_load),
           "scaler": _read(path / "scaler.pt", torch_load) if (path / "scaler.pt").exists() else None,
           "rng_json": _read(path / "rng.json", lambda f: json.loads(f.read_text())),
           "rng": _read(path / "rng.pt", torch_load)}
    if not isinstance(out["state"], dict) or out["state"].get("step") != int(STEP_DIR.fullmatch(path.name)[1]):
        raise DamagedCheckpointError(f"{path / 'state.json'}: not the state of step {path.name}")
    opt_state = out["optimizer"].get("state", {}) if isinstance(out["optimizer"], dict) else {}
    for file, bad in (("trainable.safetensors", _not_finite(out["weights"])),
                      ("optimizer.pt", _not_finite({f"state[{i}].{k}": v for i, st in opt_state.items()
                                                    for k, v in st.items()}))):
        if bad:  # whole, but poisoned (a version that did not check wrote it): never resumed from
            raise ResumeError(f"{path / file}: NaN or inf in {bad[:3]}{' ...' if len(bad) > 3 else ''}; training "
                              f"from it can only give NaN. Move {path.name} out of {path.parent} to resume from "
                              f"the checkpoint before it")
    return out


def apply_train_state(path, saved: dict, model: nn.Module, optimizer, scaler=None) -> dict:
    """Put what read_train_state read into place; returns the state dict."""
    path, weights = Path(path), saved["weights"]
    params = _trainable(model)
    missing, unexpected = sorted(set(params) - set(weights)), sorted(set(weights) - set(params))
    bad_shape = [n for n in set(params) & set(weights) if tuple(weights[n].shape) != tuple(params[n].shape)]
    if missing or unexpected or bad_shape:
        raise ResumeError(f"{path}: the checkpoint's trainable weights do not match this model (was the LoRA or "
                          f"model config changed?): missing {missing[:5]}, unexpected {unexpected[:5]}, "
                          f"shape differs {bad_shape[:5]}")
    with torch.no_grad():
        for n, p in params.items():
            p.copy_(weights[n])
    optimizer.load_state_dict(saved["optimizer"])
    if scaler is not None and saved["scaler"] is not None:
        scaler.load_state_dict(saved["scaler"])
    _set_rng_state(saved["rng_json"], saved["rng"])
    return saved["state"]


def load_train_state(path, model: nn.Module, optimizer, scaler=None) -> dict:
    """Load a checkpoint's weights, optimizer, scaler and RNG states into place; returns its state dict."""
    return apply_train_state(path, read_train_state(path), model, optimizer, scaler)


def newest_intact(run_dir) -> tuple[Path, dict, list[Path]]:
    """(path, contents) of the newest checkpoint that reads whole, and the damaged ones newer than it
    (each named in a warning); names in the folder that are not checkpoints are ignored with a
    warning. Changes nothing on disk. Raises ResumeError when no checkpoint is intact."""
    root = Path(run_dir) / CHECKPOINTS
    dirs = train_state_dirs(run_dir)
    other = sorted(p.name for p in root.iterdir() if p not in dirs and not p.name.startswith((".", DAMAGED_PREFIX)))
    if other:
        print(f"warning: ignoring {', '.join(other)} in {root}: not checkpoints (step_<N> folders with a "
              f"manifest.json)", file=sys.stderr)
    damaged = []
    for path in reversed(dirs):
        try:
            return path, read_train_state(path), damaged
        except DamagedCheckpointError as e:
            print(f"warning: {e}; passing over {path.name}", file=sys.stderr)
            damaged.append(path)
    raise ResumeError(f"--resume: no intact checkpoint in {root} (each is damaged, see the warnings above); "
                      f"start over in another train.run_dir")


def set_aside(damaged: list[Path]) -> None:
    """Rename damaged checkpoints to damaged-step_<N> (kept for a look; the step can be written again)."""
    for path in damaged:
        aside = path.with_name(DAMAGED_PREFIX + path.name)
        shutil.rmtree(aside, ignore_errors=True)
        os.replace(path, aside)
        print(f"warning: moved the damaged {path} to {aside.name}", file=sys.stderr)
