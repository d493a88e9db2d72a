"""The loop's generator over a model: chat conversations in, answer texts out.

    model, tokenizer, info = load_for_eval(cfg, adapter)          # engine/evaluate.py: NF4, adapter, device
    generator = ModelGenerator(model, tokenizer, cfg.eval)
    generator([messages, ...], num_samples=1, temperature=0.0, seed=0)   # -> [["SELECT ..."], ...]

Each conversation is rendered with the tokenizer's chat template (the assistant's turn opened,
as eval's prompts are) and decoded by engine.decoding.generate with the [eval] settings
(max_new_tokens, top_k, top_p, repetition_penalty, batch_size, decode path); the loop chooses
num_samples and temperature per round.
"""

from __future__ import annotations

from typing import Sequence

from engine import decoding
from engine.config import EvalSection
from engine.evaluate import load_for_eval


class ModelGenerator:
    def __init__(self, model, tokenizer, eval_cfg: EvalSection = EvalSection(), *, progress: bool | None = False):
        self.model, self.tokenizer, self.eval_cfg = model, tokenizer, eval_cfg
        self.progress = progress  # decoding's bar over batches: False off, None on a terminal

    def __call__(self, conversations: Sequence[list[dict]], *, num_samples: int, temperature: float,
                 seed: int) -> list[list[str]]:
        e = self.eval_cfg
        prompts = [self.tokenizer.encode_prompt(list(c)) for c in conversations]
        outs = decoding.generate(self.model, self.tokenizer, prompts, max_new_tokens=e.max_new_tokens,
                                 temperature=temperature, top_k=e.top_k, top_p=e.top_p, num_samples=num_samples,
                                 repetition_penalty=e.repetition_penalty, seed=seed, batch_size=e.batch_size,
                                 progress=self.progress, fast={"auto": None, "fast": True, "reference": False}[e.decode],
                                 share_prefix=e.share_prefix)
        return [[c.text for c in row] for row in outs]


def load_generator(cfg, adapter=None) -> tuple[ModelGenerator, dict]:
    """(generator, model info) for a RunConfig: its [model], the adapter if given, its [eval] decoding."""
    model, tokenizer, info = load_for_eval(cfg, adapter)
    return ModelGenerator(model, tokenizer, cfg.eval), info
