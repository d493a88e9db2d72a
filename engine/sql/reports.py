"""Scores on disk and side by side: report.json / report.md, predictions files in and out (Spider's
one-SQL-per-line, JSONL, BIRD's json, the official evaluators' inputs), and report comparison.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Sequence

from engine.sql.datasets import parse_json, read_utf8
from engine.sql.scoring import OUTCOMES, example_field, align_predictions, example_gold_sql, score_predictions

BIRD_SEPARATOR = "\t----- bird -----\t"  # BIRD's evaluator splits predictions on this
EMPTY_PREDICTION = "SELECT"  # written for a missing prediction: keeps files aligned, fails to run

# ----------------------------------------------------------------------------- reports

REPORT_FIGURES = ("execution_accuracy", "valid_sql", "schema_valid", "exact_match", "token_match", "hallucination_rate")


def format_bucket_table(table: dict[str, dict]) -> str:
    """Markdown table of a ``bucket_table``."""
    lines = ["| bucket | count | execution_accuracy | valid_sql |", "|---|---:|---:|---:|"]
    for name, row in table.items():
        lines.append(f"| {name} | {row['count']} | {row['execution_accuracy']:.3f} | {row['valid_sql']:.3f} |")
    return "\n".join(lines)


def build_report(summary: dict, meta: dict | None = None) -> dict:
    """report.json content: the summary's figures at the top level (plain names), then
    ``meta`` (model, adapter, settings, predictions source, ...) as given."""
    return {**summary, **(meta or {})}


def format_report_md(report: dict) -> str:
    """A readable report.md: main figures, the per-bucket table, outcome counts, pass@k."""
    dialect = report.get("dialect", "spider")
    bucket_key = "by_hardness" if dialect == "spider" else "by_difficulty"
    lines = [f"# Text-to-SQL evaluation ({dialect})", ""]
    for key in ("model", "adapter", "predictions", "data"):
        if report.get(key):
            lines.append(f"- {key}: `{report[key]}`")
    lines += ["", f"Scored examples: {report['count']}"
              + (f" (skipped {report['skipped_missing_db']} without a database: "
                 f"{', '.join(report['missing_db_ids'])})" if report.get("skipped_missing_db") else ""), "",
              "| figure | value |", "|---|---:|"]
    lines += [f"| {k} | {report[k]:.4f} |" for k in REPORT_FIGURES if k in report]
    if "pass_at_k" in report:
        lines += [f"| pass@{k} | {v:.4f} |" for k, v in report["pass_at_k"].items()]
    if bucket_key in report:
        lines += ["", f"## {bucket_key.replace('_', ' ')}", "", format_bucket_table(report[bucket_key])]
    validity_key = "validity_" + bucket_key
    if validity_key in report:  # scored without databases (engine/sql/validity.py)
        lines += ["", f"## {validity_key.replace('_', ' ')}", "", f"{report.get('scoring', '')}", "",
                  "| bucket | count | valid_sql | schema_valid | exact_match |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {name} | {row['count']} | {row['valid_sql']:.3f} | {row['schema_valid']:.3f} | "
                  f"{row['exact_match']:.3f} |" for name, row in report[validity_key].items()]
    if "outcomes" in report:
        lines += ["", "## outcomes", "", "| outcome | count |", "|---|---:|"]
        lines += [f"| {k} | {v} |" for k, v in report["outcomes"].items()]
    if report.get("settings"):
        lines += ["", "## settings", "", "```json", json.dumps(report["settings"], indent=2, default=str), "```"]
    return "\n".join(lines) + "\n"


def write_outputs(out_dir: str | Path, records: Sequence[dict], summary: dict, *, meta: dict | None = None) -> dict:
    """Write report.json, report.md, predictions.jsonl and the official evaluators' inputs
    (Spider: pred_spider.sql + gold_spider.sql; BIRD: predict_bird.json) into ``out_dir``.
    Returns the report dict."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    report = build_report(summary, meta)
    (out / "report.json").write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    (out / "report.md").write_text(format_report_md(report), encoding="utf-8")
    write_predictions_jsonl(out / "predictions.jsonl", records)
    preds = [r["pred_sql"] for r in records]
    if summary.get("dialect") == "bird":
        write_bird_predictions(out / "predict_bird.json", preds, [r["db_id"] for r in records])
    else:
        write_spider_predictions(out / "pred_spider.sql", preds)
        write_spider_gold(out / "gold_spider.sql", [{"sql": r["gold_sql"], "db_id": r["db_id"]} for r in records])
    return report


def score_file(pred_path: str | Path, examples: Sequence, *, dialect: str = "spider",
               db_root: str | Path | None = None, out_dir: str | Path | None = None, timeout: float = 30.0,
               workers: int | None = None, progress=None, meta: dict | None = None) -> tuple[list[dict], dict]:
    """``eval.py --score``: read a predictions file (Spider's one-SQL-per-line, JSONL or BIRD's
    json), align it with ``examples``, score it, and with ``out_dir`` write the outputs
    (``write_outputs``). Returns ``(records, report)``."""
    preds = align_predictions(read_predictions(pred_path), examples, source=str(pred_path))
    records, summary = score_predictions(preds, examples, dialect=dialect, db_root=db_root, timeout=timeout,
                                         workers=workers, progress=progress)
    meta = {"predictions": str(pred_path), "settings": {"timeout_s": timeout, "dialect": dialect}, **(meta or {})}
    report = build_report(summary, meta)
    if out_dir is not None:
        write_outputs(out_dir, records, summary, meta=meta)
    return records, report


def compare_reports(a: dict | str | Path, b: dict | str | Path, names: tuple[str, str] = ("A", "B")) -> str:
    """Side-by-side table of two reports (dicts or report.json paths): main figures, per-bucket
    execution accuracy and outcome counts, with the difference B - A."""
    ra, rb = (json.loads(Path(r).read_text()) if not isinstance(r, dict) else r for r in (a, b))
    lines = [f"| figure | {names[0]} | {names[1]} | {names[1]} - {names[0]} |", "|---|---:|---:|---:|"]

    def row(label, x, y, fmt):
        diff = f"{y - x:+{fmt}}" if isinstance(x, (int, float)) and isinstance(y, (int, float)) else ""
        show = lambda v: f"{v:{fmt}}" if isinstance(v, (int, float)) else "-"  # noqa: E731
        lines.append(f"| {label} | {show(x)} | {show(y)} | {diff} |")

    row("count", ra.get("count"), rb.get("count"), "d")
    for k in REPORT_FIGURES:
        row(k, ra.get(k), rb.get(k), ".4f")
    for key in ("by_hardness", "by_difficulty"):
        buckets = list(dict.fromkeys(list(ra.get(key, {})) + list(rb.get(key, {}))))
        for bname in buckets:
            row(f"execution_accuracy [{bname}]", ra.get(key, {}).get(bname, {}).get("execution_accuracy"),
                rb.get(key, {}).get(bname, {}).get("execution_accuracy"), ".4f")
    for k in OUTCOMES:
        row(f"outcome {k}", ra.get("outcomes", {}).get(k), rb.get("outcomes", {}).get(k), "d")
    for k in sorted(set(ra.get("pass_at_k", {})) | set(rb.get("pass_at_k", {})), key=int):
        row(f"pass@{k}", ra.get("pass_at_k", {}).get(k), rb.get("pass_at_k", {}).get(k), ".4f")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- files


PREDICTION_FIELDS = ("pred_sql", "sql", "prediction", "predicted_sql")  # a JSONL row's prediction, first found


def read_predictions(path: str | Path, num_examples: int | None = None) -> list:
    """Read predictions: JSONL (one object per line with ``pred_sql`` / ``sql`` /
    ``prediction`` / ``predicted_sql``, optional ``samples`` list and ``index``), BIRD's json
    dict ``{"0": "SQL\\t----- bird -----\\tdb_id"}``, or Spider's official text format (one SQL
    per line, first tab-separated field; an empty line is a missing prediction).
    With ``num_examples`` the count must match."""
    path = Path(path)
    text = read_utf8(path, "predictions file")
    whole = None
    if text.lstrip().startswith("{"):  # one JSON value: BIRD's dict, or a JSONL file of one row
        try:
            whole = parse_json(text, str(path))
        except json.JSONDecodeError:
            whole = None  # several lines of JSON: JSONL
    preds: list
    if isinstance(whole, dict) and not any(k in whole for k in (*PREDICTION_FIELDS, "samples", "index")):
        data = whole
        preds = [None] * len(data)
        for k, v in data.items():
            if not str(k).isdigit() or int(k) >= len(data):
                raise ValueError(f"{path}: key {k!r} is not an index 0..{len(data) - 1}; expected BIRD's json dict "
                                 f"{{\"0\": \"SQL\\t----- bird -----\\tdb_id\"}} or JSONL rows with a "
                                 f"{' / '.join(PREDICTION_FIELDS)} field")
            sql = v.split(BIRD_SEPARATOR)[0] if isinstance(v, str) else None
            preds[int(k)] = sql if sql and sql.strip() else None
    elif text.lstrip().startswith("{"):
        rows = [whole] if whole is not None else []
        for ln, line in enumerate(text.splitlines() if whole is None else [], 1):
            if not line.strip():
                continue
            try:
                rows.append(parse_json(line, f"{path}:{ln}"))
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{ln}: not valid JSON ({e.msg}); JSONL needs one object per line") from None
        bad = next((ln for ln, r in enumerate(rows, 1) if not isinstance(r, dict)), None)
        if bad is not None:
            raise ValueError(f"{path}: row {bad} is {type(rows[bad - 1]).__name__}, not a JSON object; JSONL "
                             f"predictions are one object per line, e.g. {{\"pred_sql\": \"SELECT ...\"}}")
        if rows and all("index" in r for r in rows):
            rows.sort(key=lambda r: r["index"])
        preds = []
        for ln, r in enumerate(rows, 1):
            if r.get("samples"):
                preds.append(list(r["samples"]))
                continue
            sql = next((r[k] for k in PREDICTION_FIELDS if k in r), "__missing__")
            if sql == "__missing__":
                raise ValueError(f"{path}: row {ln} has none of the fields pred_sql, sql, prediction, "
                                 f"predicted_sql, samples (has: {sorted(r)})")
            preds.append(sql if sql and str(sql).strip() else None)
    else:
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        preds = [(ln.split("\t")[0].strip() or None) for ln in lines]
    if num_examples is not None and len(preds) != num_examples:
        raise ValueError(f"{path}: {len(preds)} predictions but the dataset has {num_examples} examples; "
                         "predictions must align one to one with the dataset")
    return preds


def read_spider_gold(path: str | Path) -> list[tuple[str, str]]:
    """Read Spider's official gold file: ``SQL\\tdb_id`` per line -> [(sql, db_id)]."""
    out = []
    for ln, line in enumerate(read_utf8(Path(path), "gold file").splitlines(), 1):
        if not line.strip():
            continue
        parts = line.strip().split("\t")
        if len(parts) != 2:
            raise ValueError(f"{path}:{ln}: expected 'SQL<TAB>db_id', got {line[:80]!r}")
        out.append((parts[0], parts[1]))
    return out


def _one_line(sql: str | None) -> str:
    if sql is None or not sql.strip():
        return EMPTY_PREDICTION
    return " ".join(sql.replace("\t", " ").split("\n")).replace("\r", " ").strip()


def write_spider_predictions(path: str | Path, preds: Iterable[str | None]) -> None:
    """Spider official evaluator input: one SQL per line (a missing one written as
    ``SELECT``, which fails to execute, so lines stay aligned)."""
    Path(path).write_text("".join(_one_line(p) + "\n" for p in preds), encoding="utf-8")


def write_spider_gold(path: str | Path, examples: Iterable) -> None:
    """Spider official gold file: ``SQL\\tdb_id`` per line."""
    Path(path).write_text("".join(f"{_one_line(example_gold_sql(ex))}\t{example_field(ex, 'db_id')}\n"
                                  for ex in examples), encoding="utf-8")


def write_bird_predictions(path: str | Path, preds: Iterable[str | None], db_ids: Iterable[str]) -> None:
    """BIRD official evaluator input: ``{"0": "SQL\\t----- bird -----\\tdb_id", ...}``."""
    data = {str(i): f"{_one_line(p)}{BIRD_SEPARATOR}{db}" for i, (p, db) in enumerate(zip(preds, db_ids))}
    Path(path).write_text(json.dumps(data, indent=4), encoding="utf-8")


def write_predictions_jsonl(path: str | Path, records: Iterable[dict]) -> None:
    """One JSON object per line (the per-example records of ``score_predictions``)."""
    with open(path, "w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
