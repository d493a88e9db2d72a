"""What the loader sees of a checkpoint, whatever its format: tensors described before they are read.

A checkpoint (a safetensors folder in `loader.py`, a GGUF file in `gguf.py`) offers `config()`,
`keys()` and `entries()`; the loader streams the entries into the model one at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch


class CheckpointError(RuntimeError):
    """The checkpoint can't be loaded; the message lists every problem found."""


@dataclass(frozen=True)
class Entry:
    """One tensor of a checkpoint."""
    key: str                        # our (= transformers') name
    shape: tuple
    where: str                      # the file it is in, for messages
    problem: str | None             # why it can't be read as a float tensor, if it can't
    read: Callable[[torch.dtype | None], torch.Tensor]   # read(None): as stored; read(dtype): converted
