"""Evaluation from files, no model: `eval.py --score` and `eval.py --compare`, and what the
model-side evaluation (engine/evaluate.py) shares with them.

    report = score_existing("preds.sql", "spider:../shared/data/spider", out_dir="out")
    print(compare_report_files("runs/x/eval-base/report.json", "runs/x/eval/report.json"))

`score_existing` reads a predictions file (Spider's one SQL per line, JSONL, BIRD's json) for a
dataset named as "spider:DIR", "bird:DIR" or "jsonl:FILE" (DIR may also be the dataset file) and
writes the same outputs.

The outputs are those of engine.sql.reports.write_outputs (report.json, report.md,
predictions.jsonl, the official evaluators' inputs).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from tqdm.auto import tqdm

from engine.config import DataConfig, EvalSection
from engine.sql.datasets import DataError, Example, load_examples, parse_json, read_utf8
from engine.sql.reports import REPORT_FIGURES, compare_reports, read_predictions, write_outputs
from engine.sql.scoring import align_predictions, bucket_table, example_index, score_predictions

DATA_KINDS = ("spider", "bird", "jsonl")  # --data KIND:PATH
DATASET_FILES = {"spider": ("dev.json",), "bird": ("dev.json", "mini_dev_sqlite.json")}
DB_FOLDERS = {"spider": ("database",), "bird": ("dev_databases", "databases", "database")}


class EvalError(ValueError):
    """Something the user can fix: a missing file or folder, a predictions file that does not
    line up with its dataset, an unknown --data kind; the message says what would be valid."""


def dialect_of(data_format: str) -> str:
    """Scoring semantics for a data.format: BIRD's for bird, Spider's for everything else."""
    return "bird" if data_format == "bird" else "spider"


def scoring_example(ex: Example, data_format: str) -> dict:
    """An engine.data Example as engine.sql.scoring reads it. Spider's official hardness travels as
    ``hardness``; a jsonl row's own ``difficulty`` is kept beside the hardness Spider's rules
    give its gold SQL; BIRD's difficulty and evidence as given."""
    out = {"question": ex.question, "gold_sql": ex.sql, "db_id": ex.db_id, "db_path": ex.db_path,
           "source": ex.source}
    if data_format == "bird":
        out.update(difficulty=ex.difficulty or "unknown", evidence=ex.evidence)
    elif data_format == "spider":
        out["hardness"] = ex.difficulty or None  # None: scoring computes it from the SQL
    elif ex.difficulty:
        out["difficulty"] = ex.difficulty
    return out


def check_databases(examples: Sequence[dict], path: str, data_format: str) -> None:
    missing = [ex for ex in examples if not ex.get("db_path")]
    if missing:
        where = ", ".join(f"row {ex['source'][1]}" for ex in missing[:5]) + (" ..." if len(missing) > 5 else "")
        fix = ("data.format = 'sql-create-context' has no databases; use a jsonl eval set whose rows name a db_path"
               if data_format == "sql-create-context" else
               "jsonl rows need a db_path; spider / bird need their database folder beside the file or data.db_dir")
        raise EvalError(f"{path}: {len(missing)} of {len(examples)} evaluation examples have no database to run "
                        f"SQL on ({where}); execution accuracy needs one per example: {fix}")


def output_dir(path: str | Path, what: str) -> Path:
    """The output folder, created if missing and checked writable now, before any work (a model's
    whole generation must not end in a traceback at the write); `what` says where the path came
    from ("--out", "train.run_dir = runs/x"). EvalError naming the path and the fix otherwise."""
    out = Path(path)
    fix = "pass --out with a writable folder"
    if out.exists() and not out.is_dir():
        raise EvalError(f"{what}: the output folder {out} is a file; {fix}")
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=out)
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise EvalError(f"{what}: cannot write into the output folder {out} ({e.strerror or e}"
                        f"{': ' + str(e.filename) if e.filename and str(e.filename) != str(out) else ''}); {fix}") from None
    return out


def write_outputs_to(out: Path, records, summary, *, meta: dict, what: str) -> dict:
    """engine.sql.reports.write_outputs, an OSError (disk full, the folder removed meanwhile) as EvalError."""
    try:
        return write_outputs(out, records, summary, meta=meta)
    except OSError as e:
        raise EvalError(f"{what}: writing the outputs into {out} failed ({e.strerror or e}); "
                        "pass --out with a writable folder") from None


def _exec_bar(progress: bool | None):
    return tqdm(desc="executing", unit="query", disable=None if progress is None else not progress)


def score_with_progress(preds: Sequence, examples: Sequence, *, dialect: str, timeout: float,
                        workers: int | None = None, db_root=None, progress: bool | None = None):
    """engine.sql.scoring.score_predictions with a tqdm bar over executed queries."""
    with _exec_bar(progress) as bar:
        return score_predictions(preds, examples, dialect=dialect, db_root=db_root, timeout=timeout,
                                 workers=workers, progress=bar.update)


def add_difficulty_table(records: list[dict], summary: dict, examples: Sequence[dict]) -> None:
    """Spider semantics on a jsonl set whose rows carry their own difficulty: keep it per record
    and add a by_difficulty table beside by_hardness."""
    if summary.get("dialect") != "spider" or not any(ex.get("difficulty") for ex in examples):
        return
    for rec, ex in zip(records, examples):
        rec["difficulty"] = ex.get("difficulty") or "unknown"
    summary["by_difficulty"] = bucket_table(records, "difficulty")


# ----------------------------------------------------------------------------- --score


@dataclass(frozen=True)
class DataSpec:
    kind: str  # spider | bird | jsonl
    path: Path  # the dataset file
    db_root: Path | None  # <db_root>/<db_id>/<db_id>.sqlite (spider, bird); None for jsonl (rows name db_path)


def parse_data_spec(spec: str, db_dir: str | Path | None = None) -> DataSpec:
    """"spider:DIR" | "bird:DIR" | "jsonl:FILE" (DIR may also be the dataset file itself) -> DataSpec."""
    kind, sep, where = spec.partition(":")
    if not sep or kind not in DATA_KINDS or not where:
        raise EvalError(f"--data {spec!r}: expected KIND:PATH with KIND one of {', '.join(DATA_KINDS)}, "
                        f"e.g. spider:../shared/data/spider, bird:BIRD_DIR --db-dir BIRD_DIR/dev_databases, "
                        f"or jsonl:eval.jsonl")
    path = Path(where)
    if not path.exists():
        raise EvalError(f"--data {spec!r}: {path} does not exist")
    if kind == "jsonl":
        if not path.is_file():
            raise EvalError(f"--data {spec!r}: jsonl needs a file (rows with question, sql, db_path)")
        return DataSpec(kind, path, None)
    if path.is_dir():
        found = [path / n for n in DATASET_FILES[kind] if (path / n).is_file()]
        if not found:
            raise EvalError(f"--data {spec!r}: {path} holds none of {', '.join(DATASET_FILES[kind])}; "
                            f"name the dataset file instead ({kind}:{path}/FILE.json)")
        path = found[0]
    if db_dir is not None:
        db_root = Path(db_dir)
        if not db_root.is_dir():
            raise EvalError(f"--db-dir {db_dir}: no such directory (expected <db_id>/<db_id>.sqlite inside)")
    else:
        roots = [path.parent / n for n in DB_FOLDERS[kind] if (path.parent / n).is_dir()]
        if not roots:
            raise EvalError(f"--data {spec!r}: no database folder ({' / '.join(DB_FOLDERS[kind])}) beside {path}; "
                            f"pass --db-dir with the folder of <db_id>/<db_id>.sqlite")
        db_root = roots[0]
    return DataSpec(kind, path, db_root)


def read_dataset(spec: DataSpec) -> list[dict]:
    """The dataset's rows as scoring examples, one per row in file order (a row whose database
    is missing stays, and is counted as skipped_missing_db by the scoring)."""
    if spec.kind == "jsonl":
        try:
            loaded = load_examples(spec.path, DataConfig(format="jsonl", sample_rows=0))
        except DataError as e:
            raise EvalError(str(e)) from None
        examples = [scoring_example(ex, "jsonl") for ex in loaded.examples]
        check_databases(examples, str(spec.path), "jsonl")
        return examples
    try:
        rows = parse_json(read_utf8(spec.path, "dataset"), str(spec.path))
    except DataError as e:
        raise EvalError(str(e)) from None
    except (OSError, json.JSONDecodeError) as e:
        raise EvalError(f"{spec.path}: cannot read the dataset ({e})") from None
    sql_key = "query" if spec.kind == "spider" else "SQL"
    if not isinstance(rows, list):
        raise EvalError(f"{spec.path}: expected a JSON list of rows with question, {sql_key}, db_id")
    for i, row in enumerate(rows):
        missing = [k for k in ("question", sql_key, "db_id") if not isinstance(row, dict) or k not in row]
        if missing:
            raise EvalError(f"{spec.path}: row {i} lacks {', '.join(missing)}; is this a {spec.kind} file?")
    return [{**row, "source": (str(spec.path), i)} for i, row in enumerate(rows)]


def indexed_predictions(path: Path) -> dict[int, object] | None:
    """{dataset row: prediction} for a JSONL file whose every row has an integer ``index`` (as
    predictions.jsonl has: a run on part of a dataset, or with rows the loader skipped, names the
    rows it answered); None for any other file."""
    text = read_utf8(path, "predictions file")
    if path.suffix == ".json" or not text.lstrip().startswith("{"):
        return None
    try:
        rows = [parse_json(line, str(path)) for line in text.splitlines() if line.strip()]
    except (json.JSONDecodeError, DataError):
        return None  # read_predictions names the bad line
    if not rows or not all(isinstance(r, dict) and isinstance(r.get("index"), int) for r in rows):
        return None
    index = sorted(r["index"] for r in rows)
    dup = sorted({i for i, j in zip(index, index[1:]) if i == j})
    if dup:
        raise ValueError(f"{path}: index {dup[:5]} appears more than once; one prediction per dataset row")
    return dict(zip(index, read_predictions(path)))  # read_predictions orders rows by index


def select_indexed(indexed: dict[int, object], examples: Sequence[dict], source: str) -> tuple[list, list]:
    """(the examples whose dataset row has a prediction, their predictions), in dataset order."""
    rows = [example_index(ex, i) for i, ex in enumerate(examples)]
    unknown = sorted(set(indexed) - set(rows))
    if unknown:
        raise ValueError(f"{source}: index {unknown[:5]}{' ...' if len(unknown) > 5 else ''} is not a row of the "
                         f"dataset ({len(examples)} rows, 0-based); is it the predictions file of another dataset?")
    keep = [i for i, r in enumerate(rows) if r in indexed]
    return [examples[i] for i in keep], [indexed[rows[i]] for i in keep]


def score_existing(pred_path: str | Path, data: str, *, db_dir: str | Path | None = None,
                   out_dir: str | Path | None = None, timeout: float | None = None, workers: int | None = None,
                   progress: bool | None = None) -> dict:
    """``eval.py --score``: score a predictions file against a dataset, write the outputs (into
    ``out_dir``, default ``<predictions stem>-eval`` beside the file) and return the report."""
    t0 = time.perf_counter()
    pred_path = Path(pred_path)
    if not pred_path.is_file():
        raise EvalError(f"--score {pred_path}: no such file")
    spec = parse_data_spec(data, db_dir)
    where = "--out" if out_dir is not None else f"--score {pred_path} (its outputs go beside it)"
    out = output_dir(out_dir if out_dir is not None else pred_path.with_name(pred_path.stem + "-eval"), where)
    examples = read_dataset(spec)
    n_rows = len(examples)
    try:
        indexed = indexed_predictions(pred_path)
        if indexed is None:
            preds = align_predictions(read_predictions(pred_path), examples, source=str(pred_path))
        else:
            examples, preds = select_indexed(indexed, examples, source=str(pred_path))
    except ValueError as e:
        raise EvalError(str(e)) from None
    if len(examples) < n_rows:
        print(f"note: {pred_path} has predictions for {len(examples)} of the {n_rows} dataset rows "
              f"(its 'index' fields name them); scoring those", file=sys.stderr)
    dialect = dialect_of(spec.kind)
    timeout = EvalSection().timeout if timeout is None else timeout
    records, summary = score_with_progress(preds, examples, dialect=dialect, timeout=timeout, workers=workers,
                                           db_root=spec.db_root, progress=progress)
    add_difficulty_table(records, summary, examples)
    meta = {"model": None, "adapter": None, "predictions": str(pred_path), "data": str(spec.path),
            "dataset_rows": n_rows,
            "settings": {"dialect": dialect, "data_kind": spec.kind, "timeout": timeout,
                         "db_root": str(spec.db_root) if spec.db_root else None},
            "timings": {"score_s": round(time.perf_counter() - t0, 3)}}
    report = write_outputs_to(out, records, summary, meta=meta, what=where)
    report["out_dir"] = str(out)
    return report


# ----------------------------------------------------------------------------- --compare


def _load_report(path: str | Path) -> dict:
    path = Path(path)
    if path.is_dir():
        path = path / "report.json"
    if not path.is_file():
        raise EvalError(f"--compare {path}: no such report (give a report.json or the folder holding one)")
    try:
        return parse_json(read_utf8(path, "report"), str(path))
    except (json.JSONDecodeError, DataError) as e:
        raise EvalError(f"--compare {path}: not a JSON report ({e})") from None


def compare_report_files(a: str | Path, b: str | Path) -> str:
    """Both reports side by side (B - A in the last column), each labelled by its folder name
    (eval-base, eval, ...) and described by model, adapter and data."""
    ra, rb = _load_report(a), _load_report(b)
    names = [Path(p).resolve().parent.name if Path(p).is_file() else Path(p).resolve().name for p in (a, b)]
    if names[0] == names[1] or not all(names):
        names = ["A", "B"]
    if ra.get("dialect") != rb.get("dialect"):
        print(f"note: different scoring semantics ({ra.get('dialect')} vs {rb.get('dialect')})", file=sys.stderr)
    if (ra.get("count"), ra.get("data")) != (rb.get("count"), rb.get("data")):
        print(f"note: the reports cover different examples ({ra.get('count')} of {ra.get('data')} vs "
              f"{rb.get('count')} of {rb.get('data')}): differences mix model and data", file=sys.stderr)
    head = []
    for name, path, r in zip(names, (a, b), (ra, rb)):
        what = ", ".join(f"{k}: {r[k]}" for k in ("model", "adapter", "predictions", "data") if r.get(k))
        head.append(f"{name} = {path} ({what or 'no description'})")
    return "\n".join(head) + "\n\n" + compare_reports(ra, rb, names=tuple(names)) + "\n"


def summary_lines(report: dict) -> list[str]:
    """A few lines for the terminal: the main figures, pass@k, and where the files went."""
    n = report.get("count", 0)
    lines = [f"{k:>20}: {report[k]:.4f}" for k in REPORT_FIGURES if isinstance(report.get(k), (int, float))]
    lines += [f"{'pass@' + k:>20}: {v:.4f}" for k, v in report.get("pass_at_k", {}).items()]
    lines.insert(0, f"{'examples scored':>20}: {n}" + (f" ({report['skipped_missing_db']} without a database skipped)"
                                                      if report.get("skipped_missing_db") else ""))
    if report.get("out_dir"):
        lines.append(f"wrote report.json, report.md, predictions.jsonl into {report['out_dir']}")
    return lines
