"""What `--resume` may change: the saved run config against the new one, key by key.

A run resumed with other settings is not the run that was started: a new lr, schedule, LoRA
alpha, dropout or target, quantization, dataset, max_len, seed or batch shape changes what is
trained from that step on. So every key of the saved `<run>/config.toml` is compared with the
config given now, before anything is built or written:

- keys that change what is computed (every key, unless listed in FREE_ON_RESUME) must be equal,
  or the resume is refused with one line listing each change (`train.lr 0.0002 -> 0.001`);
- `--allow-config-change` lets them differ, and then each change is recorded: one JSON line in
  `<run>/config_changes.jsonl` per resume that changed anything, {"step", "checkpoint", "time",
  "allowed_by_flag", "changes": {"train.lr": [old, new], ...}}, and `<run>/config.toml` becomes
  the new config (the old values are in the record);
- FREE_ON_RESUME keys (where files go, how often to log and save, memory-only switches, the
  [eval] section) may change without the flag; their changes are recorded all the same.

engine.train checks the checkpoint's own state.json too (data fingerprint, batch shape, seed,
steps, schedule), which also covers runs trained without a config file.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Iterable

from engine.config import ConfigError, RunConfig, load_config
from engine.run_dir import writing
from engine.train_state import ResumeError

CONFIG_FILE = "config.toml"
CHANGES_FILE = "config_changes.jsonl"
FLAG = "--allow-config-change"

# Keys that do not change the numbers a run computes: where it writes, how often it logs and
# saves, how much memory it trades for recomputation, and evaluation settings.
FREE_ON_RESUME = {
    "model.device", "model.build", "data.build", "data.leakage",
    "train.run_dir", "train.save_every", "train.keep_last", "train.log_every", "train.wandb",
    "train.wandb_project", "train.wandb_run_name", "train.grad_checkpointing", "train.offload_activations",
}
FREE_SECTIONS = {"eval"}


def changed_keys(old: RunConfig, new: RunConfig) -> dict[str, list]:
    """{"section.key": [old, new]} for every key whose value differs."""
    a, b = old.to_dict(), new.to_dict()
    return {f"{section}.{key}": [a[section][key], b[section][key]]
            for section in b for key in b[section] if a[section][key] != b[section][key]}


def changes_training(key: str) -> bool:
    return key not in FREE_ON_RESUME and key.partition(".")[0] not in FREE_SECTIONS


def _show(v) -> str:
    text = repr(list(v) if isinstance(v, tuple) else v)
    return text if len(text) <= 60 else text[:57] + "..."


def config_changes(cfg: RunConfig, run_dir, *, allow: bool, free: Iterable[str] = ()) -> dict[str, list]:
    """The changes from <run>/config.toml to `cfg` (empty without a saved config). Raises
    ResumeError when one changes what is trained and `allow` is False. Writes nothing. `free`: keys
    that do not change the training this time (train.grad_accum when the number of ranks changed
    with it: engine.resume.regrouped)."""
    saved_path = Path(run_dir) / CONFIG_FILE
    if not saved_path.is_file():
        return {}
    try:
        saved = load_config(saved_path)
    except ConfigError as e:
        raise ResumeError(f"--resume: the run's saved config can't be read ({e}); fix or remove {saved_path} "
                          f"(then only the checkpoint's own state is compared)") from None
    changes = changed_keys(saved, cfg)
    free = set(free)
    refused = [k for k in changes if changes_training(k) and k not in free]
    if refused and not allow:
        listed = ", ".join(f"{k} {_show(changes[k][0])} -> {_show(changes[k][1])}" for k in refused)
        raise ResumeError(f"--resume: {saved_path} was trained with other settings: {listed}; resuming with them "
                          f"would not continue the same run. Resume with the saved settings, start a new "
                          f"train.run_dir, or pass {FLAG} to continue with the new ones (the change is recorded "
                          f"in {Path(run_dir) / CHANGES_FILE})")
    return changes


def record_changes(run_dir, changes: dict[str, list], *, step: int, checkpoint: str | None, allowed: bool) -> None:
    """Append one line to <run>/config_changes.jsonl (see the module docstring)."""
    path = Path(run_dir) / CHANGES_FILE
    line = {"step": step, "checkpoint": checkpoint, "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "allowed_by_flag": allowed, "changes": changes}
    with writing(path, "the record of config changes"), path.open("a") as f:
        f.write(json.dumps(line, default=list) + "\n")
