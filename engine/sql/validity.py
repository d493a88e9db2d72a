"""Scoring without databases: is the SQL valid, and does it name only what the schema has?

    records, summary = score_without_databases(preds, examples, dialect="bird")

For evaluation sets whose databases are not at hand (BIRD's dev databases are 1.5 GB; the
schema comes from its dev_tables.json), execution accuracy cannot be measured, but two figures a
text-to-SQL project reports can: **valid_sql** here means sqlglot parses the prediction as one
SQLite statement (no `EXPLAIN`: there is no database to compile it against), and
**schema_valid** that it also references no table or column the example's schema lacks
(engine.sql.match.schema_hallucinations, with its alias / CTE / string-literal rules). Exact
and token match against the gold SQL are reported beside them. Each example needs ``schema`` as
``{table: [columns]}`` (``schema_columns`` builds it from a parsed Schema).

With several samples per example the first is scored (there is no execution to vote with).
"""

from __future__ import annotations

from typing import Sequence

from engine.sql.match import exact_match, parse_sqlite, schema_hallucinations, token_f1
from engine.sql.scoring import BIRD_LEVELS, example_bucket, example_field, example_gold_sql, example_index
from engine.sql.hardness import HARDNESS_LEVELS

VALIDITY_FIGURES = ("valid_sql", "schema_valid", "exact_match", "token_match", "hallucination_rate")


def schema_columns(schema) -> dict[str, list[str]]:
    """``{table: [columns]}`` of an engine.sql.schema Schema ({} for None)."""
    if schema is None:
        return {}
    return {t.name: [c.name for c in t.columns] for t in schema.tables}


def score_without_databases(preds: Sequence, examples: Sequence, *, dialect: str = "bird") -> tuple[list[dict], dict]:
    """Per-example records and the summary figures (VALIDITY_FIGURES, per bucket too)."""
    if len(preds) != len(examples):
        raise ValueError(f"{len(preds)} predictions for {len(examples)} examples: they must align one to one")
    bucket_key = "hardness" if dialect == "spider" else "difficulty"
    records = []
    for position, (pred, ex) in enumerate(zip(preds, examples)):
        if isinstance(pred, (list, tuple)):
            pred = pred[0] if pred else None
        gold = example_gold_sql(ex)
        tree = parse_sqlite(pred) if pred else None
        schema = example_field(ex, "schema") or {}
        bad = schema_hallucinations(pred, schema, tree) if tree is not None and schema else None
        rec = {"index": example_index(ex, position), "db_id": example_field(ex, "db_id"),
               "question": example_field(ex, "question"), "pred_sql": pred, "gold_sql": gold,
               bucket_key: example_bucket(ex, dialect), "valid": tree is not None,
               "schema_valid": tree is not None and bool(schema) and not bad, "hallucinated": bad,
               "exact_match": exact_match(pred, gold), "token_f1": token_f1(pred, gold),
               "error": None if tree is not None else ("no_sql" if not pred else "syntax_error")}
        if dialect == "bird" and example_field(ex, "evidence") is not None:
            rec["evidence"] = example_field(ex, "evidence")
        records.append(rec)
    return records, summarize_validity(records, dialect=dialect)


def _figures(records: Sequence[dict]) -> dict:
    n = len(records)

    def rate(values) -> float:
        values = list(values)
        return sum(values) / len(values) if values else 0.0

    checked = [r for r in records if r["hallucinated"] is not None]
    return {"count": n, "valid_sql": rate(r["valid"] for r in records),
            "schema_valid": rate(r["schema_valid"] for r in records),
            "exact_match": rate(r["exact_match"] for r in records),
            "token_match": rate(r["token_f1"] for r in records),
            "hallucination_rate": rate(bool(r["hallucinated"]) for r in checked),
            "hallucination_checked": len(checked)}


def summarize_validity(records: Sequence[dict], *, dialect: str = "bird") -> dict:
    bucket_key = "hardness" if dialect == "spider" else "difficulty"
    levels = HARDNESS_LEVELS if dialect == "spider" else BIRD_LEVELS
    names = [lv for lv in levels if any(r[bucket_key] == lv for r in records)]
    names += sorted({r[bucket_key] for r in records} - set(names), key=str)
    buckets = {name: _figures([r for r in records if r[bucket_key] == name]) for name in names}
    buckets["all"] = _figures(records)
    errors = [r["error"] or "parses" for r in records]
    return {"dialect": dialect, "scoring": "no databases: valid_sql = sqlglot parses it as one SQLite statement; "
                                           "schema_valid = it also names only the schema's tables and columns",
            **_figures(records), f"validity_by_{bucket_key}": buckets,
            "outcomes": {k: errors.count(k) for k in ("parses", "syntax_error", "no_sql")}}
