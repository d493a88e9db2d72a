"""Files a run writes: the user's permissions on each of them.

- `save_safetensors(tensors, path)`: safetensors writes its files through a temporary file created
  0600, so they would ignore the user's umask; this gives them the mode `open()` would have.
"""

from __future__ import annotations

import os
from pathlib import Path

from safetensors.torch import save_file


def umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def follow_umask(path) -> None:
    """Give a file the permissions a plain open() would have (0666 less the umask)."""
    os.chmod(path, 0o666 & ~umask())


def save_safetensors(tensors: dict, path, metadata: dict | None = None) -> Path:
    """safetensors' save_file, then the file's mode from the umask (not the 0600 of its temp file)."""
    save_file(tensors, str(path), metadata=metadata)
    follow_umask(path)
    return Path(path)
