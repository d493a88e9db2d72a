"""The run directory: one process writes it at a time, and what it writes follows the user's umask.

    with RunLock(run_dir):          # a second process on the same run dir stops here, naming the first
        with writing(path, "the checkpoint"):   # an OSError (disk full, read-only) -> one clear line
            ...

- `RunLock`: `fcntl.flock` on `<run>/.lock`, which holds the owner's pid for the message. The
  kernel drops the lock when its process dies, so a lock left by a killed run is simply taken.
  Nested `RunLock`s on one directory in one process are one lock (run_training locks before it
  builds the model, train locks again).
- `writing(path, what)` turns an OSError into a `RunDirError` naming the path and the free space.
- Temporary files and folders are named `.tmp-<name>-<pid>` beside what they become and renamed
  into place; `remove_stale_temps` deletes those of processes that no longer run.
- `save_safetensors(tensors, path)`: safetensors writes its files through a temporary file created
  0600, so they would ignore the user's umask; this gives them the mode `open()` would have.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
from pathlib import Path

from safetensors.torch import save_file

LOCK = ".lock"
TMP_PREFIX = ".tmp-"


class RunDirError(RuntimeError):
    """The run directory can't be used as asked: another process holds it, or a write failed
    (disk full, read-only, not a directory); the message names the path."""


# ----------------------------------------------------------------------------------------------
# Writes: errors that name the path, permissions from the umask.

def _free_space(path: Path) -> str:
    """Free space on the file system holding `path` (or its nearest existing parent), e.g. '12.3 MB'."""
    for p in (path, *path.parents):
        try:
            free = shutil.disk_usage(p).free
        except OSError:
            continue
        for unit, size in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
            if free >= size:
                return f"{free / size:.1f} {unit}"
        return f"{free} bytes"
    return "unknown"


@contextlib.contextmanager
def writing(path, what: str):
    """Run a write of `what` at `path`; an OSError becomes a RunDirError naming both and the free space."""
    path = Path(path)
    try:
        yield
    except OSError as e:
        reason = e.strerror or str(e) or type(e).__name__
        where = f" ({e.filename})" if e.filename and str(e.filename) != str(path) else ""
        full = e.errno in (errno.ENOSPC, errno.EDQUOT)
        hint = "; free some space, then continue with --resume" if full else ""
        raise RunDirError(f"could not write {what} {path}: {reason}{where}; {_free_space(path)} free "
                          f"there{hint}") from None


def temp_path(path) -> Path:
    """Where `path` is written before it is renamed into place: .tmp-<name>-<pid> beside it."""
    path = Path(path)
    return path.with_name(f"{TMP_PREFIX}{path.name}-{os.getpid()}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def remove_stale_temps(folder) -> list[Path]:
    """Delete the .tmp-*-<pid> files and folders in `folder` whose process is gone (or is this one,
    which has none open yet); returns what it removed."""
    folder, removed = Path(folder), []
    if not folder.is_dir():
        return removed
    for p in sorted(folder.iterdir()):
        pid = p.name.rpartition("-")[2]
        if not p.name.startswith(TMP_PREFIX) or (pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid))):
            continue
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        removed.append(p)
    return removed


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


# ----------------------------------------------------------------------------------------------
# One process per run directory.

class RunLock:
    """An exclusive lock on a run directory for as long as the `with` block runs."""

    _held: dict[Path, int] = {}  # run dir -> depth of the nested RunLocks this process holds on it

    def __init__(self, run_dir):
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / LOCK
        self.fd: int | None = None

    def __enter__(self) -> RunLock:
        key = self.run_dir.resolve()
        if key in RunLock._held:
            RunLock._held[key] += 1
            return self
        with writing(self.run_dir, "the run directory"):
            self.run_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise RunDirError(f"{self.run_dir} is in use by another training process (pid {owner}, lock "
                              f"{self.path}); wait for it to finish, stop it, or choose another "
                              f"train.run_dir") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self.fd = fd
        RunLock._held[key] = 1
        return self

    def __exit__(self, *exc) -> None:
        key = self.run_dir.resolve()
        RunLock._held[key] -= 1
        if RunLock._held[key] == 0:
            del RunLock._held[key]
            if self.fd is not None:
                os.close(self.fd)  # releases the flock; the file stays (removing it would race a new owner)
        self.fd = None
