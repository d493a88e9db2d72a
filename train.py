"""Fine-tune a model with (Q)LoRA from a TOML run config.

    python train.py configs/qwen_coder_1p5b.toml
    python train.py configs/tiny.toml --set train.lr=1e-3 --set lora.r=8
    python train.py configs/qwen_coder_1p5b.toml --resume      # continue from the newest checkpoint
    python train.py configs/x.toml --resume --allow-config-change --set train.lr=1e-4   # ... with a new lr, recorded
    torchrun --nproc_per_node 4 train.py configs/x.toml     # data parallel: 4 ranks x train.grad_accum per step

Everything it does lives in engine/: this file parses, builds, runs and reports.
"""

from __future__ import annotations

import argparse
import json

from engine.cli import user_errors
from engine.config import load_config
from engine.demo.prepare import prepare_inputs
from engine.distributed import session
from engine.train import run_training


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="train.py", description=__doc__.splitlines()[0])
    p.add_argument("config", help="TOML run config (see configs/)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE",
                   help="override one config key, e.g. --set train.lr=1e-4 (repeatable)")
    p.add_argument("--resume", action="store_true", help="continue exactly from the run's newest checkpoint")
    p.add_argument("--allow-config-change", action="store_true",
                   help="with --resume: continue even if settings that change the training differ from the run's "
                        "saved config.toml (each change is recorded in <run>/config_changes.jsonl)")
    return p.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)

    with user_errors("train.py"):
        cfg = load_config(args.config, args.overrides)
        with session(cfg.model.device) as world, world.quiet():  # torchrun: one rank of N (else one process)
            with world.rank0_first():
                prepare_inputs(cfg)  # only what [data] build / [model] build ask for (the offline demo)
            summary = run_training(cfg, resume=args.resume, allow_config_change=args.allow_config_change, world=world)
    if world.main:
        print(json.dumps(summary, indent=2, default=str))
    return summary


if __name__ == "__main__":
    main()
