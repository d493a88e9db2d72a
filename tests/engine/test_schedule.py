"""Learning-rate schedules (engine/schedule.py) against transformers' get_*_schedule_with_warmup, step by step."""

import pytest
import torch
from torch import nn

from engine.schedule import lr_at, warmup_steps_for


@pytest.mark.parametrize("kind,min_ratio", [("cosine", 0.0), ("linear", 0.0), ("constant", 0.0), ("cosine", 0.1)])
def test_lr_at_matches_transformers_schedules(kind, min_ratio):
    import transformers

    total, base = 37, 3e-4
    warmup = warmup_steps_for(total, 0.1)
    opt = torch.optim.AdamW([nn.Parameter(torch.zeros(1))], lr=base)
    if kind == "cosine" and min_ratio:
        sched = transformers.get_cosine_with_min_lr_schedule_with_warmup(opt, warmup, total, min_lr_rate=min_ratio)
    else:
        make = {"cosine": transformers.get_cosine_schedule_with_warmup,
                "linear": transformers.get_linear_schedule_with_warmup}.get(kind)
        sched = make(opt, warmup, total) if make else transformers.get_constant_schedule_with_warmup(opt, warmup)
    for step in range(total):
        assert lr_at(step, lr=base, total_steps=total, warmup_steps=warmup, schedule=kind,
                     min_lr_ratio=min_ratio) == pytest.approx(sched.get_last_lr()[0], rel=1e-12, abs=1e-15)
        opt.step()
        sched.step()
    with pytest.raises(ValueError, match="valid: cosine, linear, constant"):
        lr_at(0, lr=1.0, total_steps=10, schedule="exp")
