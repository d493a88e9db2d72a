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
- `replace_text(path, text)` writes a file whole or not at all; `intact_jsonl(path)` reads a log
  that a run appends to, setting aside a last line torn by a kill or a full disk; `MetricsLog`
  is <run>/metrics.jsonl (and wandb).
- `save_safetensors(tensors, path)`: safetensors writes its files through a temporary file created
  0600, so they would ignore the user's umask; this gives them the mode `open()` would have.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import sys
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


def replace_text(path, text: str) -> None:
    """Write `text` to `path` atomically: a kill or a full disk leaves the old file or the new one."""
    path = Path(path)
    tmp = temp_path(path)
    try:
        tmp.write_text(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _json_object(line: bytes) -> dict | None:
    try:
        value = json.loads(line)
    except ValueError:  # JSONDecodeError, or bytes cut inside a UTF-8 character
        return None
    return value if isinstance(value, dict) else None


def intact_jsonl(path) -> tuple[list[tuple[str, dict]], bytes]:
    """(text, object) of each line of a JSONL log a run appends to, and its torn last line (b"" if none).

    A kill or a full disk during a write can only tear the last line: it is returned apart when it
    is not a JSON object. An earlier line that is not one was not written by a run: a RunDirError
    names it (nothing is dropped silently).
    """
    path = Path(path)
    lines = path.read_bytes().split(b"\n")
    torn = lines.pop()  # what follows the last newline: b"" when the file ends with a whole line
    if torn.strip(b"\0 \t\r") and _json_object(torn) is not None:
        lines.append(torn)  # whole, only its newline missing
        torn = b""
    elif lines and torn == b"" and lines[-1].strip(b"\0 \t\r") and _json_object(lines[-1]) is None:
        torn = lines.pop()  # a torn line whose newline got written (a full disk mid-line, then \n)
    out = []
    for i, line in enumerate(lines, 1):
        if not line.strip(b"\0 \t\r"):
            continue
        record = _json_object(line)
        if record is None:
            raise RunDirError(f"{path}:{i}: not a JSON object ({line[:80]!r}); a run writes one per line: fix or "
                              f"remove that line")
        out.append((line.decode(), record))
    return out, torn


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


# ----------------------------------------------------------------------------------------------
# metrics.jsonl.

class MetricsLog:
    """metrics.jsonl in the run directory (and wandb when asked for and installed)."""

    def __init__(self, run_dir: Path, opts, *, resume_step: int | None, config: dict | None):
        self.path = Path(run_dir) / "metrics.jsonl"
        keep = []
        if resume_step is not None and self.path.exists():  # drop lines logged after the checkpoint
            lines, torn = intact_jsonl(self.path)
            if torn:
                print(f"warning: {self.path}: dropped its torn last line ({len(torn)} bytes, {torn[:40]!r}...), "
                      f"left by a run stopped while writing it", file=sys.stderr)
            keep = [text for text, record in lines if record.get("step", 0) <= resume_step]
        with writing(self.path, "the metrics"):
            replace_text(self.path, "".join(text + "\n" for text in keep))
        self.wandb = None
        if opts.wandb:
            try:
                import wandb  # lazy: an optional dependency, imported only when asked for
            except ImportError:
                print("train.wandb = true but the wandb package is not installed; logging to metrics.jsonl only",
                      file=sys.stderr)
            else:
                self.wandb = wandb.init(project=opts.wandb_project, dir=str(run_dir), config=config or vars(opts),
                                        name=opts.wandb_run_name or Path(run_dir).name,
                                        resume="allow")

    def log(self, record: dict):
        with writing(self.path, "the metrics"), self.path.open("a") as f:
            f.write(json.dumps(record) + "\n")
        if self.wandb is not None:
            self.wandb.log({k: v for k, v in record.items() if isinstance(v, (int, float))}, step=record.get("step"))

    def close(self):
        if self.wandb is not None:
            self.wandb.finish()
