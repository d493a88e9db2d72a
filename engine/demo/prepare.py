"""Build a run's missing inputs before training or evaluating: what makes the offline demo one command.

Two config keys ask for it; with both empty (the default) nothing is built and a missing path
is the loader's clear error.

- `data.build = "synthetic"`: the synthetic text-to-SQL task (engine/demo/synthetic.py: sqlite
  databases, train / test / pretraining JSONL) is generated into the folder of `data.train_path`
  (or `eval_path`) unless it is there already, built with the same seed and version.
- `model.build`, when `model.source` has no config.json yet:
  - `"tiny"`: a randomly initialised tiny model with a BPE tokenizer trained on that data's
    corpus (engine/demo/tiny.py);
  - a path to another run config: that run is prepared (recursively) and trained first; its
    output (`<run_dir>/model` in full mode) must be `model.source`, which is checked before
    anything is built (a mistyped source is an error naming the path the stage writes, not a
    stage trained for nothing). The demo's base model is pretrained this way
    (configs/tiny_pretrain.toml).
"""

from __future__ import annotations

import sys
from pathlib import Path

from engine.config import ConfigError, load_config
from engine.demo.synthetic import build_synthetic
from engine.demo.tiny import build_tiny_for_synthetic
from engine.train import run_training


def data_folder(cfg) -> Path:
    path = cfg.data.train_path or cfg.data.eval_path
    if not path:
        raise ConfigError("data.build needs data.train_path or data.eval_path to know where to write")
    return Path(path).parent


def prepare_inputs(cfg, *, _stack: tuple[str, ...] = ()) -> None:
    """Build the data and model that `cfg` asks to build and that don't exist yet."""
    if cfg.data.build == "synthetic":
        build_synthetic(data_folder(cfg), seed=cfg.data.seed)
    source = Path(cfg.model.source)
    if not cfg.model.build or (source / "config.json").is_file():
        return
    if cfg.model.build == "tiny":
        print(f"building a random tiny model in {source}", file=sys.stderr)
        build_tiny_for_synthetic(source, data_folder(cfg))
        return
    stage_path = Path(cfg.model.build)
    if str(stage_path) in _stack:
        raise ConfigError(f"model.build configs form a cycle: {' -> '.join(_stack + (str(stage_path),))}")
    if not stage_path.is_file():
        raise ConfigError(f"model.build = {cfg.model.build!r}: neither \"tiny\" nor a run config file")
    stage = load_config(stage_path)
    writes = Path(stage.train.run_dir) / "model"  # engine.run_outputs.save_final in full mode
    if stage.train.mode != "full":
        raise ConfigError(f"model.build = {cfg.model.build!r} trains in {stage.train.mode!r} mode, which writes an "
                          f"adapter, not a model; a base-building stage needs train.mode = \"full\" there")
    if writes.resolve() != source.resolve():  # checked before building or training anything
        there = "already trained, " if (writes / "config.json").is_file() else ""
        raise ConfigError(f"model.source = {str(source)!r} does not exist, and model.build = {cfg.model.build!r} "
                          f"writes {str(writes)!r} ({there}its train.run_dir + /model), not that path: set "
                          f"model.source = {str(writes)!r}")
    prepare_inputs(stage, _stack=_stack + (str(stage_path),))
    print(f"{source} is missing: training {stage_path} first", file=sys.stderr)
    run_training(stage)
