"""Batches of encoded examples: length- or prompt-grouped epochs, right-padded micro-batches, a data fingerprint.

Items are {"input_ids": [int], "labels": [int]} with IGNORE_INDEX where there is no loss
(engine.data's `encode_example`). Right padding needs no attention mask: under the causal mask no
real token attends to a pad to its right, and positions 0..len-1 are those the row would have
alone; pad positions carry no loss.
"""

from __future__ import annotations

import hashlib

import numpy as np
import torch

from engine.loss import IGNORE_INDEX
from engine.prefix import MIN_SHARED, first_supervised, pack_row, shared_groups


def epoch_batches(lengths, micro_batch_size: int, *, seed: int, epoch: int, group_window: int = 64,
                  keys=None) -> list[list[int]]:
    """The micro-batches (lists of item indices) of one epoch, deterministic given (seed, epoch).

    Shuffle, then sort each window of `group_window` micro-batches' worth of items by length (so a
    batch holds items of similar length and pads little), cut the windows into micro-batches, shuffle
    the batches, and move the longest batch first so that running out of memory happens at step 1.
    keys: one sort key per item to sort the windows by instead of length (engine/prefix.py sorts
    by prompt tokens, so that a micro-batch's examples share their prompt's beginning).
    """
    rng = np.random.default_rng([seed, epoch])
    order = [int(i) for i in rng.permutation(len(lengths))]
    window = micro_batch_size * max(group_window, 1)
    batches = []
    for start in range(0, len(order), window):
        part = order[start:start + window]
        if keys is not None:
            part = sorted(part, key=lambda i: keys[i])
        elif group_window > 1:
            part = sorted(part, key=lambda i: -lengths[i])
        batches += [part[j:j + micro_batch_size] for j in range(0, len(part), micro_batch_size)]
    perm = rng.permutation(len(batches))
    batches = [batches[int(i)] for i in perm]
    if batches:
        longest = max(range(len(batches)), key=lambda b: (max(lengths[i] for i in batches[b]) * len(batches[b]), -b))
        batches.insert(0, batches.pop(longest))
    return batches


def prompt_keys(items: list[dict]) -> list[tuple]:
    """Each item's unsupervised beginning (its prompt), the sort key that puts alike prompts together."""
    return [tuple(it["input_ids"][:first_supervised(it["labels"])]) for it in items]


def batching(items: list[dict], opts) -> dict:
    """epoch_batches' grouping: windows sorted by length, or with share_prefix the whole epoch as one
    window sorted by prompt (one database's examples are rare in a window of a shuffled epoch), so a
    micro-batch holds one database's examples; the micro-batches are shuffled either way."""
    if opts.share_prefix:
        return {"group_window": len(items), "keys": prompt_keys(items)}
    return {"group_window": opts.length_group_window}


def check_parallel(items: list[dict]) -> None:
    for it in items:
        if len(it["labels"]) != len(it["input_ids"]):
            raise ValueError(f"an item has {len(it['input_ids'])} input_ids but {len(it['labels'])} labels; "
                             f"they must be parallel")


def collate(items: list[dict], *, pad_id: int = 0, device=None) -> dict:
    """Right-pad to the longest item: input_ids (B, T) with pad_id, labels (B, T) with -100 on the padding."""
    check_parallel(items)
    T = max(len(it["input_ids"]) for it in items)
    ids = torch.full((len(items), T), pad_id, dtype=torch.long)
    labels = torch.full((len(items), T), IGNORE_INDEX, dtype=torch.long)
    for b, it in enumerate(items):
        n = len(it["input_ids"])
        ids[b, :n] = torch.tensor(it["input_ids"], dtype=torch.long)
        labels[b, :n] = torch.tensor(it["labels"], dtype=torch.long)
    real = sum(len(it["input_ids"]) for it in items)
    return {"input_ids": ids.to(device), "labels": labels.to(device), "tokens": real, "padded": ids.numel() - real}


def collate_shared(items: list[dict], *, pad_id: int = 0, device=None, min_shared: int = MIN_SHARED) -> dict:
    """A micro-batch with shared prompt beginnings packed (module docstring): input_ids, labels,
    position_ids (R, T), attention_mask bool (R, 1, T, T), right-padded to the longest row (R rows
    for the groups of `shared_groups`), and the counts `collate` gives plus `rows`."""
    check_parallel(items)
    heads = [it["input_ids"][:max(first_supervised(it["labels"]), 1)] for it in items]  # C < the first supervised
    groups = shared_groups(heads, min_shared)
    rows = [pack_row([items[r] for r in members], c if len(members) > 1 else 0) for c, members in groups]
    T = max(len(r["input_ids"]) for r in rows)
    R = len(rows)
    ids = torch.full((R, T), pad_id, dtype=torch.long)
    labels = torch.full((R, T), IGNORE_INDEX, dtype=torch.long)
    pos = torch.zeros((R, T), dtype=torch.long)
    seg = torch.full((R, T), -1, dtype=torch.long)  # -1: padding, which sees only padding
    for b, r in enumerate(rows):
        n = len(r["input_ids"])
        ids[b, :n], labels[b, :n] = torch.tensor(r["input_ids"]), torch.tensor(r["labels"])
        pos[b, :n], seg[b, :n] = torch.tensor(r["position_ids"]), torch.tensor(r["segments"])
    q, k = seg[:, :, None], seg[:, None, :]  # (R, T, 1), (R, 1, T)
    causal = torch.ones((T, T), dtype=torch.bool).tril()
    mask = causal & ((k == q) | ((k == 0) & (q >= 0)))  # (R, T, T): own segment, or the shared part
    computed = sum(len(r["input_ids"]) for r in rows)
    return {"input_ids": ids.to(device), "labels": labels.to(device), "position_ids": pos.to(device),
            "attention_mask": mask[:, None].to(device), "tokens": computed, "padded": R * T - computed, "rows": R}


def group_counts(items: list[dict], group: list[list[int]]) -> tuple[int, int, int]:
    """(tokens, padding slots, supervised tokens) of a step's micro-batches, as collate and the loss count them."""
    tokens = sum(len(items[i]["input_ids"]) for b in group for i in b)
    slots = sum(len(b) * max(len(items[i]["input_ids"]) for i in b) for b in group)
    supervised = sum(sum(1 for t in items[i]["labels"][1:] if t != IGNORE_INDEX) for b in group for i in b)
    return tokens, slots - tokens, supervised


def data_fingerprint(items: list[dict]) -> str:
    """sha256 of every item's input_ids and labels: a resume must see the same training data."""
    h = hashlib.sha256()
    for it in items:
        h.update(np.asarray(it["input_ids"], dtype=np.int64).tobytes())
        h.update(np.asarray(it["labels"], dtype=np.int64).tobytes())
    return h.hexdigest()


def padding_waste(lengths, batches) -> float:
    """Fraction of the padded token slots that are padding."""
    real = sum(lengths[i] for b in batches for i in b)
    slots = sum(max(lengths[i] for i in b) * len(b) for b in batches)
    return 1.0 - real / max(slots, 1)
