"""Decoding: batched, KV-cached generation, greedy or sampled (temperature, top-k, top-p), seeded.

    from engine.decoding import generate
    outs = generate(model, tok, [prompt_text, ...], max_new_tokens=256)   # greedy
    outs[i][j].text              # prompt i, sample j: the completion, stop string trimmed
    outs[i][j].token_ids         # what the model generated (the stop token included)
    outs[i][j].finish_reason     # "stop_token" | "stop_string" | "length"

`generate_ids(model, input_ids_list, ...)` is the same loop on token ids, without a tokenizer.

How one batch is decoded (gpt-fast style: the caller owns the cache and passes `cache_pos`):
1. The prompts are left-padded to the longest, P tokens. One cache (`model.new_cache`: a `KVCache`, or
   for gemma3 / qwen3_5 a `models.cache.LayerCache` of per-layer windows and states) of P + max_new_tokens
   slots is allocated, and one attention mask (B, P + max_new_tokens) covers every slot: 1 for
   a real token, 0 for padding and for slots not written yet. The model derives positions from
   the mask, so a padded row sees the positions it would have alone.
2. Prefill: one forward over the prompts writes slots [0, P) (or engine/prefix.py's shared
   beginnings, then the tails); only the last position goes
   through `lm_head` (a (B, P, V) logits tensor would be gigabytes for a 152k vocabulary).
   With `num_samples` > 1 the prompts are prefilled once and the cache rows are repeated.
3. Decode: step i feeds the B newest tokens at `cache_pos` = P + i with the mask over slots
   [0, P + i + 1). A finished row is fed the pad token with mask 0 from then on, and its output
   stops growing; the loop ends when every row has finished or after `max_new_tokens` tokens.

How the next token is chosen and seeded is engine/sampling.py.

Stop conditions: a token in `stop_token_ids` (eos and end-of-turn markers), a stop string in
the decoded output (checked each step on the last few tokens' text; the returned text is cut
before the first stop string found in the full text), or `max_new_tokens`. Texts are decoded
with special tokens kept (the terminating stop token itself is left out of the text).

Fast path (`fast=True`, the default on CUDA): engine/static_decode.py's `StaticDecoder` runs each
decode step with fixed shapes (on CUDA as one CUDA graph); it picks the same tokens as the
reference loop.

Shared prefixes (`share_prefix=True`, the default): prompts are batched in sorted token order,
so one database's questions share a batch, and the beginning they share (system prompt and
schema) is prefilled once per batch instead of once per prompt: engine/prefix.py.

Batches hold `batch_size` prompts (all of them when None), in the order engine/prefix.py's `batch_order` gives
(longest first without shared prefixes); results come back in input order. Everything runs
under `torch.inference_mode()` on the model's device, with the model in eval mode (its previous
mode is restored afterwards).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import torch
from tqdm.auto import tqdm

from engine.prefix import batch_order, plan_prefill, prefill_shared, shares_prefixes
from engine.sampling import SamplingSettings, next_tokens, row_seed
from engine.static_decode import StaticDecoder
from kernels.backend import kernel_backend
from kernels.nf4_linear import cache_dense_weights
FINISH_REASONS = ("stop_token", "stop_string", "length")


@dataclass(frozen=True)
class Completion:
    """One generated continuation of one prompt."""

    token_ids: tuple[int, ...]  # generated ids, the stop token included when one ended the row
    finish_reason: str  # "stop_token", "stop_string" or "length"
    text: str = ""  # decoded output, stop token left out, cut before the first stop string (generate only)


# ----------------------------------------------------------------------------- the loop


def _available_memory() -> int | None:
    """Bytes of host memory available now (Linux: MemAvailable), or None when unknown."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def cache_nf4_for_cpu_decoding(model) -> int:
    """Where NF4 matmuls dequantize per call (the torch backend: CPU), keep a dense copy of each NF4
    weight for inference, if it fits in half the available memory; returns the bytes cached.

    Decoding multiplies by every weight once per token: dequantizing all of them per token made
    NF4 decoding ~18x slower than dense on CPU. The cache makes it dense-speed with identical
    outputs (kernels/nf4_linear.py `cache_dense_weights`); `model.train()` drops it. On CUDA the
    fused NF4 GEMV reads the packed weight directly, so nothing is cached there.
    """
    device, dtype = _model_device_dtype(model)
    if kernel_backend(device) == "triton":
        return 0
    free = _available_memory()
    return cache_dense_weights(model, dtype, max_bytes=None if free is None else free // 2)


def _model_device_dtype(model) -> tuple[torch.device, torch.dtype]:
    emb = model.model.embed_tokens.weight
    return emb.device, emb.dtype


def _check_prompts(input_ids: Sequence[Sequence[int]], vocab_size: int) -> list[list[int]]:
    prompts = []
    for i, ids in enumerate(input_ids):
        if isinstance(ids, torch.Tensor):
            ids = ids.reshape(-1).tolist()
        ids = [int(t) for t in ids]
        if not ids:
            raise ValueError(f"prompt {i} is empty: every prompt needs at least one token")
        bad = [t for t in ids if not 0 <= t < vocab_size]
        if bad:
            raise ValueError(f"prompt {i} has token id(s) {bad[:5]} outside the model's vocabulary [0, {vocab_size})")
        prompts.append(ids)
    return prompts


def _decode_batch(model, prompts: list[list[int]], settings: SamplingSettings, num_samples: int,
                  stop_token_ids: frozenset[int], pad_token_id: int, seeds: list[list[int]] | None,
                  stop_check: Callable[[list[int]], bool] | None, fast: bool = False,
                  cuda_graph: bool = False, share_prefix: bool = False) -> list[list[Completion]]:
    """Decode one batch; prompts (n of them) -> n lists of num_samples completions."""
    device, dtype = _model_device_dtype(model)
    n, P, N = len(prompts), max(len(p) for p in prompts), settings.max_new_tokens
    B = n * num_samples  # rows: prompt 0's samples, then prompt 1's, ...
    ids = torch.full((n, P), pad_token_id, dtype=torch.long)
    mask = torch.zeros((n, P + N), dtype=torch.long)  # every cache slot; 1 = real token
    for r, p in enumerate(prompts):
        ids[r, P - len(p):] = torch.tensor(p)
        mask[r, P - len(p):P] = 1
    ids, mask = ids.to(device), mask.to(device)

    # Prefill the distinct prompts once; with several samples, into a prompt-sized cache whose
    # rows are then repeated into the full one.
    # The model's own cache: KVCache, or models/cache.py's LayerCache (sliding windows, DeltaNet states).
    cache = model.new_cache(B, P + N, dtype=dtype, device=device)
    prefill = cache if num_samples == 1 else model.new_cache(n, P, dtype=dtype, device=device)
    groups = plan_prefill(prompts) if share_prefix else None
    if groups:  # engine/prefix.py: each shared beginning computed once
        hidden = prefill_shared(model, ids, mask, prefill, prompts, groups)  # (n, S, H)
    else:
        hidden = model.hidden_states(ids, mask[:, :P], cache=prefill, cache_pos=0)  # (n, P, H)
    logits = model.lm_head(hidden[:, -1])  # (n, V)
    del hidden
    if num_samples > 1:
        cache.fill_from(prefill, num_samples, P)  # each prompt's rows repeated num_samples times
        del prefill
        logits = logits.repeat_interleave(num_samples, 0)
        mask = mask.repeat_interleave(num_samples, 0)

    seen = None
    if settings.repetition_penalty != 1.0:
        # Count real prompt tokens only, not padding (a plain scatter of the mask would let a pad
        # slot's 0 overwrite a real token's 1 when the pad id also occurs in the prompt).
        counts = torch.zeros((n, logits.shape[-1]), dtype=torch.long, device=device)
        seen = counts.scatter_add_(1, ids, mask[:, :P]).gt(0).repeat_interleave(num_samples, 0)  # (B, V)
    generators = [None] * B
    if not settings.greedy:
        generators = [torch.Generator().manual_seed(s) for row in seeds for s in row]

    out: list[list[int]] = [[] for _ in range(B)]
    reason: list[str | None] = [None] * B

    def record(tokens: list[int]) -> bool:
        """Append each active row's new token; True when the loop is over."""
        for r, t in enumerate(tokens):  # one host sync per step
            if reason[r] is not None:
                continue
            out[r].append(t)
            if t in stop_token_ids:
                reason[r] = "stop_token"
            elif stop_check is not None and stop_check(out[r]):
                reason[r] = "stop_string"
        return all(reason)

    if fast:
        # The same uniforms the reference draws one step at a time (a generator's stream does
        # not depend on how many values each call takes).
        uniforms = None if settings.greedy else torch.stack(
            [torch.rand((N,), generator=g) for g in generators], 1).to(device)  # (N, B)
        dec = StaticDecoder(model, cache, mask, seen, uniforms, P, settings, pad_token_id, graph=cuda_graph)
        dec.start(logits)
        del logits
        for i in range(N):
            was = [x is None for x in reason]
            if record(dec.tok.tolist()) or i == N - 1:
                break
            now = [x is None for x in reason]
            if now != was:
                dec.set_active(now)
            dec.step()
        del dec
    else:
        for i in range(N):
            tok = next_tokens(logits, settings, seen, generators)  # (B,)
            if record(tok.tolist()) or i == N - 1:
                break
            active = torch.tensor([x is None for x in reason], device=device)  # (B,)
            tok = torch.where(active, tok, pad_token_id)
            if seen is not None:
                seen[active, tok[active]] = True
            pos = P + i
            mask[:, pos] = active.long()
            hidden = model.hidden_states(tok[:, None], mask[:, :pos + 1], cache=cache, cache_pos=pos)  # (B, 1, H)
            logits = model.lm_head(hidden[:, -1])  # (B, V)
    done = [Completion(tuple(o), why or "length") for o, why in zip(out, reason)]
    return [done[j * num_samples:(j + 1) * num_samples] for j in range(n)]


def use_fast_path(model, fast: bool | None) -> bool:
    """None: the fast path on CUDA, the reference elsewhere; True / False force it."""
    if fast is None:
        return _model_device_dtype(model)[0].type == "cuda"
    if not isinstance(fast, bool):
        raise ValueError(f"fast={fast!r}: use None (fast on CUDA), True or False")
    return fast


def generate_ids(model, input_ids: Sequence[Sequence[int]], *, max_new_tokens: int = 256, temperature: float = 0.0,
                 top_k: int = 0, top_p: float = 1.0, num_samples: int = 1, repetition_penalty: float = 1.0,
                 stop_token_ids: Sequence[int] = (), pad_token_id: int = 0, seed: int = 0,
                 batch_size: int | None = None, progress: bool | None = None,
                 stop_check: Callable[[list[int]], bool] | None = None,
                 fast: bool | None = None, cuda_graph: bool | None = None, share_prefix: bool = True,
                 on_batch: Callable[[list[int], list[list[Completion]]], None] | None = None) -> list[list[Completion]]:
    """Generate from token-id prompts; returns, per prompt in input order, `num_samples` Completions.

    input_ids:      one list of token ids (or 1-D tensor) per prompt, unpadded.
    stop_token_ids: ids that end a row (kept as the row's last token).
    pad_token_id:   fed for padding and finished rows; it is always masked out, so any valid id works.
    stop_check:     called with a row's generated ids after each new token; True ends the row
                    (finish_reason "stop_string"); `generate` uses it for stop strings.
    batch_size:     prompts per batch (each brings num_samples rows); None: all in one batch.
    progress:       tqdm bar over batches; None shows it on a terminal only.
    fast:           the static-cache decode step (StaticDecoder; a CUDA graph on CUDA): None uses
                    it on CUDA and the reference loop elsewhere, True / False force it. Both
                    paths choose the same tokens from the same logits.
    cuda_graph:     with the fast path, capture the step in a CUDA graph: None = on CUDA models;
                    False runs the same static step eagerly (to tell the graph's effect apart).
    share_prefix:   compute the beginning that prompts of a batch share once (engine/prefix.py; the
                    plain KV cache's families only) and order the batches so that they share;
                    False: every prompt prefilled whole, batches longest first.
    on_batch:       called after each batch with the batch's prompt indices (into input_ids) and
                    their completions, e.g. to save answers as they come (eval.py resumes from them).
    The other arguments are described in `generate` and the module docstring.
    """
    settings = SamplingSettings(max_new_tokens, temperature, top_k, top_p, repetition_penalty)
    if not isinstance(num_samples, int) or num_samples < 1:
        raise ValueError(f"num_samples={num_samples!r}: use an integer >= 1")
    if batch_size is not None and (not isinstance(batch_size, int) or batch_size < 1):
        raise ValueError(f"batch_size={batch_size!r}: use a positive integer, or None for one batch")
    vocab_size = model.config.vocab_size
    if not 0 <= pad_token_id < vocab_size:
        raise ValueError(f"pad_token_id={pad_token_id} is outside the model's vocabulary [0, {vocab_size})")
    fast = use_fast_path(model, fast)
    if cuda_graph is None:
        cuda_graph = fast and _model_device_dtype(model)[0].type == "cuda"
    elif cuda_graph and not fast:
        raise ValueError("cuda_graph=True needs the fast path (fast=True or None on CUDA)")
    prompts = _check_prompts(input_ids, vocab_size)
    if not prompts:
        return []
    cache_nf4_for_cpu_decoding(model)
    if max_new_tokens == 0:
        return [[Completion((), "length")] * num_samples for _ in prompts]

    # Greedy samples are all equal: decode each prompt once and repeat the completion.
    rows_per_prompt = 1 if settings.greedy else num_samples
    shared = shares_prefixes(model, share_prefix)
    batches = batch_order(prompts, batch_size, shared)
    stops = frozenset(int(t) for t in stop_token_ids)
    results: list[list[Completion] | None] = [None] * len(prompts)
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            for batch in tqdm(batches, desc="generating", unit="batch", disable=None if progress is None else not progress):
                group = [prompts[i] for i in batch]
                seeds = None if settings.greedy else [[row_seed(seed, s, p) for s in range(num_samples)] for p in group]
                done = _decode_batch(model, group, settings, rows_per_prompt, stops, pad_token_id, seeds, stop_check,
                                     fast, cuda_graph, shared)
                for i, completions in zip(batch, done):
                    results[i] = completions * (num_samples // rows_per_prompt)
                if on_batch is not None:
                    on_batch(list(batch), [results[i] for i in batch])
    finally:
        model.train(was_training)
    return results


# ----------------------------------------------------------------------------- text


def _stop_string_check(tokenizer, stop_strings: Sequence[str]) -> Callable[[list[int]], bool] | None:
    """True once the decoded tail of the ids contains a stop string.

    Decoding only the last few tokens keeps the check cheap; the window is wide enough for the
    longest stop string even if every token were one byte, plus slack for decoders that treat
    the first token of a text specially. The returned text is cut on the full decode regardless.
    """
    if not stop_strings:
        return None
    window = 2 * max(len(s.encode("utf-8")) for s in stop_strings) + 8

    def check(ids: list[int]) -> bool:
        tail = tokenizer.decode(ids[-window:], skip_special_tokens=False)
        return any(s in tail for s in stop_strings)

    return check


def trim_at_stop_strings(text: str, stop_strings: Sequence[str]) -> str:
    """The text before the earliest occurrence of any stop string (all of it if none occurs)."""
    cut = min((i for s in stop_strings if (i := text.find(s)) >= 0), default=len(text))
    return text[:cut]


def generate(model, tokenizer, prompts: Sequence[str | Sequence[int]], *, max_new_tokens: int = 256,
             temperature: float = 0.0, top_k: int = 0, top_p: float = 1.0, num_samples: int = 1,
             repetition_penalty: float = 1.0, stop_strings: Sequence[str] = (), seed: int = 0,
             batch_size: int | None = None, progress: bool | None = None,
             fast: bool | None = None, share_prefix: bool = True,
             on_batch: Callable[[list[int], list[list[Completion]]], None] | None = None) -> list[list[Completion]]:
    """Generate completions for text prompts; returns, per prompt in input order, `num_samples` Completions.

    model:              a models.CausalLM (dense, NF4 or with LoRA), on any device.
    tokenizer:          a models.tokenizer.Tokenizer, or anything with encode(text) -> ids,
                        decode(ids, skip_special_tokens=...), stop_token_ids and pad_token_id.
    prompts:            strings, already chat-rendered (encoded without adding special tokens),
                        or token-id lists.
    max_new_tokens:     at most this many generated tokens per completion.
    temperature:        0 for greedy decoding; otherwise the softmax temperature for sampling.
    top_k, top_p:       sampling filters (0 and 1.0 turn them off); ignored when greedy.
    num_samples:        completions per prompt.
    repetition_penalty: CTRL's penalty over prompt and output tokens; 1.0 is off, ~1.1 breaks loops.
    stop_strings:       a completion ends once its text contains one; the text is cut before it.
    seed:               seeds sampling (see the module docstring: per-row generators).
    batch_size:         prompts per batch (each brings num_samples rows); None: all in one batch.
    progress:           tqdm bar over batches; None shows it on a terminal only.
    fast:               None: the fast decode path on CUDA (static cache, CUDA graph, sampling on
                        the device), the reference loop elsewhere; True / False force it.
    share_prefix:       compute prompts' shared beginnings once (see generate_ids).
    on_batch:           called after each batch with its prompt indices and their text completions.
    """
    if isinstance(prompts, str):
        raise TypeError("prompts must be a list of prompts; wrap a single prompt in a list")
    stop_strings = tuple(stop_strings)
    if any(not isinstance(s, str) or not s for s in stop_strings):
        raise ValueError(f"stop_strings={stop_strings!r}: every stop string must be a non-empty str")
    input_ids = [tokenizer.encode(p) if isinstance(p, str) else p for p in prompts]
    stops = frozenset(tokenizer.stop_token_ids)

    def with_text(completions: list[Completion]) -> list[Completion]:
        row = []
        for c in completions:
            ids = c.token_ids[:-1] if c.finish_reason == "stop_token" and c.token_ids[-1] in stops else c.token_ids
            full = tokenizer.decode(ids, skip_special_tokens=False)
            text = trim_at_stop_strings(full, stop_strings)
            why = "stop_string" if len(text) < len(full) else c.finish_reason
            row.append(Completion(c.token_ids, why, text))
        return row

    texts: dict[int, list[Completion]] = {}

    def batch_done(indices: list[int], done: list[list[Completion]]) -> None:
        rows = [with_text(c) for c in done]
        texts.update(zip(indices, rows))
        if on_batch is not None:
            on_batch(indices, rows)

    results = generate_ids(model, input_ids, max_new_tokens=max_new_tokens, temperature=temperature, top_k=top_k,
                           top_p=top_p, num_samples=num_samples, repetition_penalty=repetition_penalty,
                           stop_token_ids=tokenizer.stop_token_ids, pad_token_id=tokenizer.pad_token_id, seed=seed,
                           batch_size=batch_size, progress=progress, fast=fast, share_prefix=share_prefix,
                           stop_check=_stop_string_check(tokenizer, stop_strings), on_batch=batch_done)
    return [texts[i] if i in texts else with_text(r) for i, r in enumerate(results)]  # no batch ran: max_new_tokens 0
