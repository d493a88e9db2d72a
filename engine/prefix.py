"""Shared-prefix prefill: prompts that begin alike have their common beginning computed once.

Text-to-SQL prompts repeat themselves: every question about one database carries the same
system prompt and the same schema (CREATE TABLE statements and sample rows, ~800 tokens of
Spider's ~850), and only the last ~30 tokens, the question, differ. The prefill over the
prompts is most of an evaluation's time on CPU (bench/NOTES.md: 71%), and almost all of it
recomputes those shared tokens. Keys and values depend only on the tokens before them and
their positions, so a shared beginning has the same keys and values in every prompt.

How one batch is prefilled here (engine/decoding.py's `_decode_batch` calls `prefill_shared`):
1. `shared_groups` partitions the batch's rows into groups whose prompts share their first C
   tokens (sorted, consecutive prompts that share at least half of the shorter one). C is kept
   below each member's length, so every row has at least its last token left to compute; a
   prompt that shares with no one is a group of its own, its C all but its last token.
2. Each group's C tokens go through the model once, as a one-row forward into a C-slot cache.
3. Those keys and values are copied into every member's rows of the batch cache, at the slots
   the prompt occupies there (left padding: row r's prompt starts at slot P - len(r)).
4. One forward over the last S slots of every row (S = the longest unshared tail) finishes the
   prefill at `cache_pos` = P - S. A row whose tail is shorter than S recomputes some of its
   shared tokens there, with the same context: their keys and values come out the same.
The result is the cache and the last position's hidden state that the plain prefill gives, up
to float rounding (different matmul shapes sum in a different order), for sum(C) + n * S
tokens of work instead of n * P. tests/engine/test_prefix.py compares the two.

Training (`[train] share_prefix = true`): the same idea for a micro-batch. Its examples come
from the epoch sorted by prompt (so they tend to come from one database), and
`engine.batches.collate_shared` packs each group of examples that share a prompt beginning
into one row (`pack_row`): the shared C tokens once, then each example's rest, with each rest's
positions continuing from C and a (B, 1, T, T) mask that lets a rest see the shared tokens and
its own earlier tokens only. The loss and every gradient are those of the examples trained side
by side (tests/engine/test_prefix.py), for C + sum(rest) tokens instead of sum(C + rest): the
backward sums what each rest sends into the shared keys and values, as autograd does for any
tensor used twice. C stops before each example's first supervised token, so the shared part
carries no loss.

Only for the plain KV cache (models/transformer.py's families: Qwen2 / Qwen2.5, Llama / SmolLM2,
Falcon3, Qwen1.5): a sliding-window ring or a recurrent state (gemma3, qwen3_5; models/cache.py)
can't take a copied prefix at an offset, so those models prefill every prompt whole.
"""

from __future__ import annotations

from typing import Sequence

import torch

from engine.loss import IGNORE_INDEX
from models.transformer import KVCache

MIN_SHARED = 16  # tokens; a shorter common beginning is not worth a forward of its own
WORTH = 0.8  # use the shared path when it computes at most this fraction of the plain prefill's tokens


def common_length(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading tokens a and b share."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def shared_groups(prompts: Sequence[Sequence[int]], min_shared: int = MIN_SHARED) -> list[tuple[int, list[int]]]:
    """[(C, rows)]: every row index in exactly one group, whose prompts all begin with the same C
    tokens (C < each member's length). Neighbours are taken in sorted order, and a row joins its
    predecessor's group when they share at least `min_shared` tokens and half of the shorter
    prompt (so two schemas that share only a system prompt stay apart). A row that joins no one
    is a group of its own with C = its length - 1: its whole prompt but the last token is computed
    alone, so it does not stretch the tail S that every row computes."""
    order = sorted(range(len(prompts)), key=lambda i: tuple(prompts[i]))
    groups: list[list] = []  # [C so far, rows]
    for i in order:
        p = prompts[i]
        if groups:
            group = groups[-1]
            prev = prompts[group[1][-1]]
            link = common_length(prev, p)
            if link >= max(min_shared, min(len(prev), len(p)) // 2):
                group[0] = min(group[0], link, len(p) - 1)  # sorted: the group's common beginning is its links' minimum
                group[1].append(i)
                continue
        groups.append([len(p) - 1, [i]])
    return [(c, rows) for c, rows in groups]


def shared_tail(prompts: Sequence[Sequence[int]], groups: list[tuple[int, list[int]]]) -> int:
    """S: the longest part of any prompt its group does not share."""
    return max(len(prompts[r]) - c for c, rows in groups for r in rows)


def worth_sharing(prompts: Sequence[Sequence[int]], groups: list[tuple[int, list[int]]]) -> bool:
    """Whether the shared path computes at most WORTH of the plain prefill's n * P tokens."""
    plain = prefill_positions(prompts, None)
    return any(len(rows) > 1 and c for c, rows in groups) and prefill_positions(prompts, groups) <= WORTH * plain


def prefill_positions(prompts: Sequence[Sequence[int]], groups: list[tuple[int, list[int]]] | None) -> int:
    """Token positions one batch's prefill runs through the model: n * P for the plain prefill
    (groups None), sum(C) + n * S for the shared one."""
    if groups is None:
        return len(prompts) * max(map(len, prompts))
    return sum(c for c, _ in groups) + len(prompts) * shared_tail(prompts, groups)


def plan_prefill(prompts: Sequence[Sequence[int]]) -> list[tuple[int, list[int]]] | None:
    """The groups to prefill a batch by (`prefill_shared`), or None when the plain prefill is as good."""
    groups = shared_groups(prompts)
    return groups if worth_sharing(prompts, groups) else None


def shares_prefixes(model, share_prefix: bool) -> bool:
    """Whether decoding computes prompts' shared beginnings once (engine/prefix.py): asked for, and
    the model's cache is the plain KVCache (not a sliding-window ring or a recurrent state)."""
    if not isinstance(share_prefix, bool):
        raise ValueError(f"share_prefix={share_prefix!r}: use True or False")
    if not share_prefix:
        return False
    emb = model.model.embed_tokens.weight
    return isinstance(model.new_cache(1, 1, dtype=emb.dtype, device=emb.device), KVCache)


def batch_order(prompts: Sequence[Sequence[int]], batch_size: int | None, shared: bool) -> list[list[int]]:
    """The batches `generate_ids` decodes, as prompt indices: longest prompt first (little padding,
    and an out-of-memory error comes at the first batch); with shared prefixes, in sorted token
    order instead, so that prompts beginning alike (one database's questions) share a batch.
    Either order is a sort by a key of each prompt alone, so the batches over the prompts left after
    any number of batches are the remaining batches (eval.py resumes on that)."""
    key = (lambda i: tuple(prompts[i])) if shared else (lambda i: -len(prompts[i]))
    order = sorted(range(len(prompts)), key=key)
    size = batch_size or len(prompts)
    return [order[s:s + size] for s in range(0, len(order), size)]


def prefill_shared(model, ids: torch.Tensor, mask: torch.Tensor, cache: KVCache, prompts: Sequence[Sequence[int]],
                   groups: list[tuple[int, list[int]]]) -> torch.Tensor:
    """Prefill `cache` (n rows, >= P slots) with the left-padded prompts `ids` (n, P) as the plain
    `model.hidden_states(ids, mask, cache=cache, cache_pos=0)` would, computing each group's shared
    beginning once; returns the hidden states of the last S slots (n, S, H)."""
    n, P = ids.shape
    device, dtype = ids.device, cache.k[0].dtype
    for c, rows in groups:
        if not c:
            continue
        head = torch.tensor(prompts[rows[0]][:c], dtype=torch.long, device=device)[None]  # (1, C)
        part = KVCache.empty(model.config, 1, c, dtype=dtype, device=device)
        model.hidden_states(head, torch.ones_like(head), cache=part, cache_pos=0)
        for full, one in zip(cache.k + cache.v, part.k + part.v):  # (n, nkv, slots, hd) <- (1, nkv, C, hd)
            for r in rows:
                start = P - len(prompts[r])
                full[r, :, start:start + c] = one[0]
        del part
    S = shared_tail(prompts, groups)
    return model.hidden_states(ids[:, P - S:], mask[:, :P], cache=cache, cache_pos=P - S)  # (n, S, H)


def pack_row(items: list[dict], c: int) -> dict:
    """One training row: the items' shared first c tokens once, then each item's tokens after them.
    Lists of input_ids, labels, position_ids and segment ids (0 the shared part, j + 1 item j's rest)."""
    ids, labels, pos, seg = list(items[0]["input_ids"][:c]), [IGNORE_INDEX] * c, list(range(c)), [0] * c
    for j, it in enumerate(items):
        n = len(it["input_ids"])
        ids += it["input_ids"][c:]
        labels += it["labels"][c:]
        pos += range(c, n)
        seg += [j + 1] * (n - c)
    return {"input_ids": ids, "labels": labels, "position_ids": pos, "segments": seg}


def first_supervised(labels: Sequence[int]) -> int:
    """Index of the first label that carries loss (len(labels) if none does)."""
    return next((i for i, t in enumerate(labels) if t != IGNORE_INDEX), len(labels))
