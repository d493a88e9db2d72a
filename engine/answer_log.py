"""Resumable evaluation: the model's answers saved batch by batch, so a stopped `eval.py` goes on
where it stopped when the same command is run again.

    log = AnswerLog(out_dir / "answers.partial.jsonl", fingerprint(...), n_examples)
    done = log.load()                      # {index: AnswerRow} of an earlier run with the same fingerprint
    ... generate the others, calling log.append(indices, rows) after each batch ...
    log.remove()                           # once report.json is written

The file is JSON lines: first {"fingerprint": ..., "examples": n}, then one row per answered
example. The fingerprint is a sha256 over everything the answers depend on (the model file,
the adapter's bytes, dtype and quantization, the decoding settings, the seed and every prompt's
token ids), so answers are only reused for exactly the same generation; anything else starts
over, saying why. Batches are formed longest prompt first over the prompts still to answer, and
the answered ones are always a prefix of that order, so a resumed greedy run decodes the same
batches as an uninterrupted one and gives the same answers. A torn last line (a kill during a
write) is dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from engine.decoding import Completion


@dataclass(frozen=True)
class AnswerRow:
    texts: tuple[str, ...]  # num_samples decoded answers
    tokens: tuple[int, ...]  # generated tokens of each
    finish: tuple[str, ...]  # finish reason of each

    @staticmethod
    def of(completions: Sequence[Completion]) -> "AnswerRow":
        return AnswerRow(tuple(c.text for c in completions), tuple(len(c.token_ids) for c in completions),
                         tuple(c.finish_reason for c in completions))


def _file_identity(path: str | Path) -> dict:
    """Name, size and modification time of a file, or the sha256 of each file in a folder
    (adapters are small; a model folder's big files are named by size and mtime)."""
    p = Path(path)
    if p.is_file():
        st = p.stat()
        return {"path": str(p.resolve()), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    if p.is_dir():
        out = {}
        for f in sorted(q for q in p.iterdir() if q.is_file()):
            st = f.stat()
            small = st.st_size <= 256 << 20
            out[f.name] = hashlib.sha256(f.read_bytes()).hexdigest() if small else [st.st_size, st.st_mtime_ns]
        return out
    return {"path": str(p)}  # a hub id or a demo source: its name is what identifies it


def fingerprint(*, model_source: str, adapter: str | Path | None, model_info: dict, decoding: dict,
                prompts: Iterable[Sequence[int]]) -> str:
    """sha256 over what the answers depend on (see the module docstring)."""
    h = hashlib.sha256()
    head = {"model": _file_identity(model_source), "adapter": _file_identity(adapter) if adapter else None,
            "model_info": model_info, "decoding": decoding}
    h.update(json.dumps(head, sort_keys=True, default=str).encode())
    for p in prompts:
        h.update(b"\n" + ",".join(map(str, p)).encode())
    return h.hexdigest()


class AnswerLog:
    def __init__(self, path: str | Path, fingerprint: str, examples: int):
        self.path, self.fingerprint, self.examples = Path(path), fingerprint, examples

    def load(self) -> dict[int, AnswerRow]:
        """The answers saved by an earlier run of the same generation ({} when there are none)."""
        if not self.path.is_file():
            return {}
        lines = self.path.read_text(encoding="utf-8", errors="replace").split("\n")
        try:
            head = json.loads(lines[0])
        except json.JSONDecodeError:
            head = {}
        if head.get("fingerprint") != self.fingerprint or head.get("examples") != self.examples:
            print(f"note: {self.path} holds answers of another generation (model, adapter, prompts or decoding "
                  f"settings differ): starting over", file=sys.stderr)
            return {}
        done: dict[int, AnswerRow] = {}
        for n, line in enumerate(lines[1:], 2):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                index = row["index"]
                if not (isinstance(index, int) and 0 <= index < self.examples):
                    raise ValueError(index)
                done[index] = AnswerRow(tuple(row["texts"]), tuple(row["tokens"]), tuple(row["finish"]))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError):
                print(f"note: {self.path} line {n} is torn or malformed: dropped (its example is answered again)",
                      file=sys.stderr)
        return done

    def start(self, done: dict[int, AnswerRow]) -> None:
        """Rewrite the file with its header and the kept answers (drops torn lines)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(json.dumps({"fingerprint": self.fingerprint, "examples": self.examples}) + "\n")
            for i in sorted(done):
                f.write(self._line(i, done[i]))
        os.replace(tmp, self.path)

    def append(self, indices: Sequence[int], rows: Sequence[AnswerRow]) -> None:
        with open(self.path, "a", encoding="utf-8") as f:
            f.write("".join(self._line(i, r) for i, r in zip(indices, rows)))
            f.flush()
            os.fsync(f.fileno())

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)

    @staticmethod
    def _line(index: int, row: AnswerRow) -> str:
        return json.dumps({"index": index, "texts": list(row.texts), "tokens": list(row.tokens),
                           "finish": list(row.finish)}, ensure_ascii=False) + "\n"
