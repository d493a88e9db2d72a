"""The fast decode step: fixed shapes, everything on the device, on CUDA one CUDA graph per batch.

`StaticDecoder` is used by engine/decoding.py when `fast=True` (the default on CUDA): the same
prefill as the reference loop, then it runs each
decode step with fixed shapes (a tensor cache position; attention over every slot of the cache
under the mask), token choice on the device (`choose_tokens`, uniforms drawn up front from the
same per-row generators), and on CUDA the step captured once in a CUDA graph. It picks the same
tokens as the reference loop; with a LoRA model the adapter runs unmerged on the (4-bit) base.
"""

from __future__ import annotations

import torch

from engine.sampling import SamplingSettings, choose_tokens
from models.transformer import KVCache


class StaticDecoder:
    """The fast decode step: fixed shapes, everything on the device, optionally one CUDA graph.

    State lives in static device buffers that the step updates in place:
        tok      (B,) long   the tokens chosen last (fed by the next step)
        active   (B,) bool   rows still generating (the host clears a row when it finishes)
        pos      (1,) long   the cache slot the fed tokens go to
        mask     (B, L) long every cache slot: 1 = a real token
        seen     (B, V) bool tokens of each row so far (repetition penalty only), else None
        uniforms (N, B)      one pre-drawn uniform per row and step (sampling only), else None
    step(): tok_in = where(active, tok, pad); mask[:, pos] = active; seen[tok_in] = True;
            logits = lm_head(hidden_states(tok_in, mask, cache, cache_pos=pos))  (B, V)
            tok = choose_tokens(logits, uniforms[pos - P + 1]); pos += 1
    The model attends over all L cache slots under the mask (a tensor cache_pos), so no shape
    depends on the step. With `graph=True` (CUDA only) the step is captured once into a
    torch.cuda.CUDAGraph at the first step, after a warm-up (which also compiles any Triton
    kernel), and replayed: one launch per token instead of hundreds. The host reads `tok` once
    per step (stop checks).
    """

    def __init__(self, model, cache: KVCache, mask: torch.Tensor, seen: torch.Tensor | None,
                 uniforms: torch.Tensor | None, prompt_len: int, settings: SamplingSettings,
                 pad_token_id: int, graph: bool):
        self.model, self.cache, self.settings, self.pad = model, cache, settings, pad_token_id
        device = mask.device
        B = mask.shape[0]
        self.mask, self.seen, self.uniforms = mask, seen, uniforms
        self.tok = torch.zeros(B, dtype=torch.long, device=device)
        self.active = torch.ones(B, dtype=torch.bool, device=device)
        self.pos = torch.full((1,), prompt_len, dtype=torch.long, device=device)
        self.first_uniform = prompt_len - 1  # uniforms row = pos - (P - 1): step i feeds slot P + i
        if graph and device.type != "cuda":
            raise ValueError(f"CUDA graph capture needs a CUDA model, this one is on {device}")
        self.use_graph, self.graph = graph, None  # captured at the first step (after the first token)

    def start(self, logits: torch.Tensor):
        """Choose the first tokens from the prefill logits (B, V)."""
        u = None if self.uniforms is None else self.uniforms[0]
        self.tok.copy_(choose_tokens(logits, self.settings, self.seen, u))

    def set_active(self, flags: list[bool]):
        self.active.copy_(torch.tensor(flags, dtype=torch.bool), non_blocking=False)

    def _step(self):
        B = self.tok.shape[0]
        tok_in = torch.where(self.active, self.tok, self.pad)  # (B,)
        self.mask.scatter_(1, self.pos.view(1, 1).expand(B, 1), self.active.long()[:, None])
        if self.seen is not None:  # a finished row marks the pad id: it only affects that row
            self.seen.scatter_(1, tok_in[:, None], True)
        hidden = self.model.hidden_states(tok_in[:, None], self.mask, cache=self.cache, cache_pos=self.pos)
        logits = self.model.lm_head(hidden[:, -1])  # (B, V)
        u = None if self.uniforms is None else self.uniforms.index_select(0, self.pos - self.first_uniform)[0]
        self.tok.copy_(choose_tokens(logits, self.settings, self.seen, u))
        self.pos.add_(1)

    def step(self):
        if not self.use_graph:
            self._step()
            return
        if self.graph is None:
            self.graph = self._capture()
        self.graph.replay()

    def _capture(self) -> "torch.cuda.CUDAGraph":
        state = [t for t in (self.tok, self.active, self.pos, self.mask, self.seen) if t is not None]
        saved = [t.clone() for t in state]

        def restore():
            for t, v in zip(state, saved):
                t.copy_(v)

        # Warm up on a side stream (cuBLAS handles, Triton compilation), as torch.cuda.graphs asks.
        # The warm-up writes cache slot `pos` with what the first replay will write again.
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(2):
                self._step()
                restore()
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            self._step()
        restore()  # capture records without running; nothing to undo, but keep the state exact
        return graph
