"""Learning-rate schedules as one plain function of the optimizer step: `lr_at(step, ...)`.

The same curves as transformers' `get_{cosine,linear,constant}_schedule_with_warmup` (and
`get_cosine_with_min_lr_schedule_with_warmup` for a floor), so a config ported from an HF/peft
recipe trains with the learning rates it had there. `step` counts optimizer steps from 0:

    warmup (step < W):  lr * step / W                      (so step 0 has lr 0, as in transformers)
    then, with progress p = (step - W) / (total - W):
      "cosine":   lr * (m + (1 - m) * 0.5 * (1 + cos(pi * p)))   (SGDR without restarts,
                  https://arxiv.org/abs/1608.03983)
      "linear":   lr * (m + (1 - m) * (1 - p))
      "constant": lr
    m = min_lr_ratio (0 by default).

The schedule has no state besides the step, which is what a checkpoint stores.
"""

from __future__ import annotations

import math

SCHEDULES = ("cosine", "linear", "constant")


def warmup_steps_for(total_steps: int, warmup_ratio: float) -> int:
    """Warmup length in optimizer steps for a ratio of the run (rounded up, as transformers' Trainer does)."""
    if not 0.0 <= warmup_ratio < 1.0:
        raise ValueError(f"warmup_ratio must be in [0, 1), got {warmup_ratio}")
    return math.ceil(total_steps * warmup_ratio)


def lr_at(step: int, *, lr: float, total_steps: int, warmup_steps: int = 0, schedule: str = "cosine",
          min_lr_ratio: float = 0.0) -> float:
    """The learning rate for optimizer step `step` (0-based) of a run of `total_steps` steps."""
    if schedule not in SCHEDULES:
        raise ValueError(f"unknown lr schedule {schedule!r}; valid: {', '.join(SCHEDULES)}")
    if step < warmup_steps:
        return lr * step / max(1, warmup_steps)
    if schedule == "constant":
        return lr
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    if schedule == "cosine":
        shape = max(0.0, 0.5 * (1.0 + math.cos(math.pi * progress)))
    else:
        shape = max(0.0, 1.0 - progress)
    return lr * (min_lr_ratio + (1.0 - min_lr_ratio) * shape)
