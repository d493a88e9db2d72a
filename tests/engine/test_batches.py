"""Batches (engine/batches.py): deterministic, complete, length-grouped epochs; right-padded micro-batches."""

import math
import random

import pytest

from engine.batches import collate, epoch_batches, padding_waste
from engine.loss import IGNORE_INDEX
from tests.engine.test_train import make_items


def test_epoch_batches_deterministic_complete_and_length_grouped():
    lengths = [random.Random(i).randint(5, 200) for i in range(203)]
    a = epoch_batches(lengths, 4, seed=1, epoch=0, group_window=8)
    assert a == epoch_batches(lengths, 4, seed=1, epoch=0, group_window=8)  # deterministic
    assert a != epoch_batches(lengths, 4, seed=1, epoch=1, group_window=8)  # a new order each epoch
    assert a != epoch_batches(lengths, 4, seed=2, epoch=0, group_window=8)
    assert sorted(i for b in a for i in b) == list(range(203))  # every item once
    assert len(a) == math.ceil(203 / 4)
    assert max(lengths[i] for i in a[0]) == max(lengths)  # the longest batch first
    ungrouped = epoch_batches(lengths, 4, seed=1, epoch=0, group_window=1)
    assert padding_waste(lengths, a) < padding_waste(lengths, ungrouped) / 2


def test_collate_right_pads():
    items = make_items(3, seed=5)
    mb = collate(items, pad_id=0)
    T = max(len(it["input_ids"]) for it in items)
    assert mb["input_ids"].shape == mb["labels"].shape == (3, T)
    for b, it in enumerate(items):
        n = len(it["input_ids"])
        assert mb["input_ids"][b, :n].tolist() == it["input_ids"]
        assert (mb["labels"][b, n:] == IGNORE_INDEX).all() and (mb["input_ids"][b, n:] == 0).all()
    assert mb["tokens"] + mb["padded"] == 3 * T
    with pytest.raises(ValueError, match="parallel"):
        collate([{"input_ids": [1, 2, 3], "labels": [1, 2]}])
