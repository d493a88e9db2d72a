"""Scoring text-to-SQL predictions the way the field's official evaluators do: execution accuracy
and the figures beside it, per example and in summary.

    records, summary = score_predictions(preds, examples, dialect="spider", db_root=...)

``score_predictions`` plans every query (gold and prediction on each database file, EXPLAIN of
each prediction), runs them in the safe executor (engine/sql/executor.py) while this thread
parses each distinct prediction once (validity, schema hallucinations), and assembles one record
per example with the matching rules of engine/sql/match.py; ``summarize`` gives the figures
under plain names (``execution_accuracy``, ``valid_sql``, ``exact_match``, ``token_match``,
``hallucination_rate``, per-bucket tables, outcome counts). ``majority_vote`` and ``pass_at_k``
handle several samples per question. Reports and predictions files are engine/sql/reports.py;
``extract_sql`` is engine/sql/extract.py.

An example is a dict or an object with: ``question``; gold SQL as ``gold_sql``, ``sql`` (a
string), ``query`` (Spider) or ``SQL`` (BIRD); ``db_id``; ``db_path`` (else
``db_root/db_id/db_id.sqlite``); optionally Spider's parsed ``sql`` dict (for hardness),
``hardness`` or ``difficulty``, and ``schema`` as ``{table: [columns]}``.

Outcome categories per example: ``correct``, ``wrong_result``, ``no_sql``, ``syntax_error``,
``no_such_table``, ``no_such_column``, ``exec_error``, ``timeout``, ``result_too_large`` (past the
executor's row or byte cap); plus ``gold_error`` (the
gold query itself failed; counted as not matching) and ``missing_db`` (no database file; the
example is left out of every figure and counted under ``skipped_missing_db``).
"""

from __future__ import annotations

import math
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from engine.sql.connection import ExecResult
from engine.sql.executor import SQLRunner
from engine.sql.statements import one_statement
from engine.sql.extract import extract_sql
from engine.sql.hardness import HARDNESS_LEVELS, hardness_from_dict, hardness_from_sql
from engine.sql.match import (bird_result_eq, exact_match, parse_sqlite, read_schema, schema_hallucinations,
                              spider_db_files, spider_exec_sql, spider_order_matters, spider_result_eq, token_f1)

BIRD_LEVELS = ("simple", "moderate", "challenging")
OUTCOMES = ("correct", "wrong_result", "no_sql", "syntax_error", "no_such_table", "no_such_column",
            "exec_error", "timeout", "result_too_large", "gold_error")

# ----------------------------------------------------------------------------- voting


def result_key(rows: Sequence[tuple]) -> frozenset:
    """Hashable key for a result set as a bag of rows (row order ignored)."""
    return frozenset(Counter(map(tuple, rows)).items())


def majority_vote(results: Sequence[ExecResult]) -> int:
    """Index of the sample to keep: samples that executed are grouped by result set (bag of
    rows); the largest group wins, ties go to the group whose first sample comes first; the
    first sample of the winning group is returned. Failing samples are ignored; if all fail,
    0 (the first sample)."""
    groups: dict[frozenset, list[int]] = {}
    for i, r in enumerate(results):
        if r.ok:
            groups.setdefault(result_key(r.rows), []).append(i)
    if not groups:
        return 0
    best = max(groups.values(), key=lambda g: (len(g), -g[0]))
    return best[0]


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k from n samples of which c are correct (Chen et al. 2021, "Evaluating
    Large Language Models Trained on Code", https://arxiv.org/abs/2107.03374): 1 - C(n-c,k)/C(n,k)."""
    if not 0 <= c <= n or not 1 <= k <= n:
        raise ValueError(f"need 0 <= c <= n and 1 <= k <= n, got n={n}, c={c}, k={k}")
    if n - c < k:
        return 1.0
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


# ----------------------------------------------------------------------------- examples


def example_field(ex: Any, *names: str, default=None):
    """The first of `names` the example (a dict or an object) has and is not None, else `default`."""
    for name in names:
        v = ex.get(name) if isinstance(ex, dict) else getattr(ex, name, None)
        if v is not None:
            return v
    return default


def example_gold_sql(ex: Any) -> str:
    for name in ("gold_sql", "sql", "query", "SQL"):
        v = example_field(ex, name)
        if isinstance(v, str):
            return v
    raise ValueError("example has no gold SQL: expected a string field 'gold_sql', 'sql', 'query' or 'SQL'")


def example_db_path(ex: Any, db_root: str | Path | None) -> Path:
    p = example_field(ex, "db_path")
    if p:
        return Path(p)
    db_id = example_field(ex, "db_id")
    if db_root is None or db_id is None:
        raise ValueError("example has no 'db_path'; pass db_root= (databases at DB_ROOT/<db_id>/<db_id>.sqlite) "
                         "and give each example a 'db_id'")
    return Path(db_root) / db_id / f"{db_id}.sqlite"


def example_index(ex: Any, position: int) -> int:
    """The example's row in its dataset file (``source = (file, row)`` as engine.data sets it),
    else its position in the list."""
    src = example_field(ex, "source")
    if isinstance(src, (tuple, list)) and len(src) == 2 and isinstance(src[1], int) and src[1] >= 0:
        return src[1]
    return position


def align_predictions(preds: Sequence, examples: Sequence, source: str = "predictions") -> list:
    """Predictions for ``examples``: as given when the counts agree; when the dataset file had
    rows the loader left out (e.g. questions whose database is missing), pick each example's
    row by its ``source`` row index. Raises ``ValueError`` saying what does not line up."""
    if len(preds) == len(examples):
        return list(preds)
    rows = [example_index(ex, -1) for ex in examples]
    if all(r >= 0 for r in rows) and len(preds) > max(rows, default=-1):
        return [preds[r] for r in rows]
    raise ValueError(f"{source}: {len(preds)} predictions for {len(examples)} examples; a predictions file "
                     "must have one line (or JSONL row) per dataset row, in dataset order")


def example_bucket(ex: Any, dialect: str) -> str:
    """Spider hardness (from the parsed ``sql`` dict if present, else from the gold text) or
    BIRD difficulty (from the data); 'unknown' when it cannot be told."""
    if dialect == "bird":
        return str(example_field(ex, "difficulty", default="") or "unknown")
    given = example_field(ex, "hardness")
    if given:
        return str(given)
    parsed = example_field(ex, "sql")
    if isinstance(parsed, dict):
        return hardness_from_dict(parsed)
    try:
        return hardness_from_sql(example_gold_sql(ex))
    except ValueError:
        return "unknown"


def bucket_table(records: Sequence[dict], key: str, levels: Sequence[str] = ()) -> dict[str, dict]:
    """``{bucket: {count, execution_accuracy, valid_sql}}`` over scored records, buckets in
    ``levels`` order (then any others), plus ``all``."""
    scored = [r for r in records if r.get("exec_match") is not None]
    names = list(levels) + sorted({str(r.get(key)) for r in scored} - set(levels))
    table = {}
    for name in names + ["all"]:
        rows = scored if name == "all" else [r for r in scored if str(r.get(key)) == name]
        n = len(rows)
        table[name] = {
            "count": n,
            "execution_accuracy": sum(r["exec_match"] for r in rows) / n if n else 0.0,
            "valid_sql": sum(bool(r["valid"]) for r in rows) / n if n else 0.0,
        }
    return table


# ----------------------------------------------------------------------------- scoring: plan -> run -> assemble


@dataclass
class Planned:
    """One example on its way through scoring: its candidates and the indices of its queries in the batch."""

    index: int  # the example's row in its dataset (example_index)
    example: Any
    gold: str  # gold SQL as given
    db: Path  # the example's own database file
    candidates: list  # the prediction, or each sample: SQL or None
    sampled: bool  # the prediction was a list of samples (vote over them)
    has_db: bool
    gold_jobs: list[int] = field(default_factory=list)  # gold on each database file
    candidate_jobs: list = field(default_factory=list)  # per candidate: its jobs on each file, or None
    explain_jobs: list = field(default_factory=list)  # per candidate: EXPLAIN on `db`, or None
    order_matters: bool = False


def plan_queries(preds: Sequence, examples: Sequence, *, dialect: str, db_root, extract: bool,
                 keep_distinct: bool, test_suite: bool) -> tuple[list[Planned], list[tuple[str, str]]]:
    """Every example planned, and one batch of (db file, SQL) jobs: gold queries, every candidate,
    and EXPLAIN of every raw candidate; on Spider gold and candidates run on every database file
    of the example (see spider_db_files)."""

    def prep(sql: str | None, is_pred: bool) -> str | None:
        if sql is None:
            return None
        if dialect == "spider":
            return spider_exec_sql(sql, is_prediction=is_pred, keep_distinct=keep_distinct)
        return sql.strip()

    planned, jobs = [], []

    def add(db: Path, sql: str) -> int:
        jobs.append((str(db), sql))
        return len(jobs) - 1

    for i, (p, ex) in enumerate(zip(preds, examples)):
        sampled = isinstance(p, (list, tuple))
        # a prediction followed by '; -- comment' is one statement, scored as that statement
        cands = [extract_sql(c) if extract else (one_statement(c) or c if c is not None and c.strip() else None)
                 for c in (list(p) if sampled else [p])]
        db = example_db_path(ex, db_root)
        it = Planned(example_index(ex, i), ex, example_gold_sql(ex), db, cands, sampled, db.is_file())
        planned.append(it)
        if not it.has_db:
            continue
        dbs = spider_db_files(db) if dialect == "spider" and test_suite else [db]
        gold_sql = prep(it.gold, False)
        it.gold_jobs = [add(d, gold_sql) for d in dbs]
        it.order_matters = dialect == "spider" and spider_order_matters(gold_sql)
        for c in cands:
            single = one_statement(c) if c is not None else None
            it.candidate_jobs.append([add(d, prep(c, True)) for d in dbs] if c is not None else None)
            it.explain_jobs.append(add(db, "EXPLAIN " + single) if single is not None else None)
    return planned, jobs


def run_queries(planned: list[Planned], jobs: list[tuple[str, str]], *, timeout: float, workers: int | None,
                progress) -> tuple[list[ExecResult], dict[tuple, tuple]]:
    """(results of the jobs, {(db, sql): (sqlglot parses, hallucinated names)}). Queries run in worker
    processes while this thread does the sqlglot work (parse once per distinct prediction), so the
    two overlap."""
    schemas: dict[Path, dict] = {}
    analysis: dict[tuple, tuple] = {}
    with SQLRunner(workers=workers, timeout=timeout) as runner, ThreadPoolExecutor(1) as pool:
        runner.start(len(jobs))
        running = pool.submit(runner.run, jobs, progress=progress)
        for it in planned:
            if not it.has_db:
                continue
            schema = example_field(it.example, "schema")
            if not isinstance(schema, dict):
                if it.db not in schemas:
                    schemas[it.db] = read_schema(it.db)
                schema = schemas[it.db]
            for c in it.candidates:
                if c is not None and (it.db, c) not in analysis:
                    tree = parse_sqlite(c)
                    analysis[(it.db, c)] = (tree is not None,
                                            schema_hallucinations(c, schema, tree) if tree is not None else None)
        results = running.result()
    return results, analysis


def _outcome(it: Planned, jobs: list[int], results: list[ExecResult], dialect: str) -> tuple[bool, str | None, str]:
    """(match, error category, message) of one candidate over the example's database files, in the
    official order: gold then prediction on each file; the first failure decides."""
    for gj, pj in zip(it.gold_jobs, jobs):
        gold_res, res = results[gj], results[pj]
        if not gold_res.ok:
            return False, "gold_error", gold_res.message
        if not res.ok:
            return False, res.error, res.message
        same = (spider_result_eq(gold_res.rows, res.rows, it.order_matters) if dialect == "spider"
                else bird_result_eq(gold_res.rows, res.rows))
        if not same:
            return False, "wrong_result", ""
    return True, None, ""


def assemble(it: Planned, results: list[ExecResult], analysis: dict[tuple, tuple], dialect: str) -> dict:
    """The example's record: the kept prediction (majority vote over samples), its verdicts and figures."""
    ex = it.example
    bucket_key = "hardness" if dialect == "spider" else "difficulty"
    rec = {
        "index": it.index, "db_id": example_field(ex, "db_id"), "question": example_field(ex, "question"),
        "pred_sql": None, "gold_sql": it.gold, "exec_match": None, "error": None,
        bucket_key: example_bucket(ex, dialect), "valid": False, "exact_match": False,
        "token_f1": 0.0, "hallucinated": None,
    }
    if dialect == "bird" and example_field(ex, "evidence") is not None:
        rec["evidence"] = example_field(ex, "evidence")
    if not it.has_db:
        rec["pred_sql"], rec["error"] = it.candidates[0], "missing_db"
        return rec
    pick = 0
    if it.sampled:
        # vote on each sample's result on the example's own database file
        ran = [results[j[0]] if j is not None else ExecResult(None, "no_sql") for j in it.candidate_jobs]
        pick = majority_vote(ran) if it.candidates else 0
        rec["samples"] = it.candidates
        rec["sample_exec_match"] = [j is not None and _outcome(it, j, results, dialect)[0] for j in it.candidate_jobs]
        rec["vote_index"] = pick
    pred = it.candidates[pick] if it.candidates else None
    rec["pred_sql"] = pred
    if pred is None:
        rec["error"], rec["exec_match"] = "no_sql", False
        return rec
    ej = it.explain_jobs[pick]
    parses, rec["hallucinated"] = analysis[(it.db, pred)]
    rec["valid"] = bool(ej is not None and results[ej].ok and parses)
    rec["exact_match"] = exact_match(pred, it.gold)
    rec["token_f1"] = token_f1(pred, it.gold)
    rec["exec_match"], rec["error"], message = _outcome(it, it.candidate_jobs[pick], results, dialect)
    if message:
        rec["gold_message" if rec["error"] == "gold_error" else "message"] = message
    return rec


def score_predictions(preds: Sequence, examples: Sequence, *, dialect: str = "spider",
                      db_root: str | Path | None = None, timeout: float = 30.0,
                      workers: int | None = None, extract: bool = False,
                      keep_distinct: bool = False, test_suite: bool = True,
                      progress=None) -> tuple[list[dict], dict]:
    """Score predictions against examples; returns ``(records, summary)``.

    preds[i] is the prediction for examples[i]: an SQL string, None (no SQL), or a list of
    sample strings (majority vote by execution picks one; pass@k reported separately).
    ``extract=True`` runs ``extract_sql`` on each prediction first (raw model output).
    ``dialect``: "spider" (test-suite-sql-eval exec semantics, hardness buckets) or "bird"
    (set equality, difficulty buckets). ``keep_distinct=False`` and ``test_suite=True`` are
    the official Spider defaults (DISTINCT removed; every ``*.sqlite`` file in the database's
    folder must agree, see ``spider_db_files``). ``progress``: optional callable, called with 1
    per finished query.
    """
    if dialect not in ("spider", "bird"):
        raise ValueError(f"dialect must be 'spider' or 'bird', got {dialect!r}")
    if len(preds) != len(examples):
        raise ValueError(f"{len(preds)} predictions for {len(examples)} examples: they must align one to one")
    planned, jobs = plan_queries(preds, examples, dialect=dialect, db_root=db_root, extract=extract,
                                 keep_distinct=keep_distinct, test_suite=test_suite)
    results, analysis = run_queries(planned, jobs, timeout=timeout, workers=workers, progress=progress)
    records = [assemble(it, results, analysis, dialect) for it in planned]
    return records, summarize(records, dialect=dialect)


def summarize(records: Sequence[dict], *, dialect: str = "spider") -> dict:
    """Summary figures over scored records (records with ``exec_match`` None are skipped)."""
    bucket_key = "hardness" if dialect == "spider" else "difficulty"
    levels = HARDNESS_LEVELS if dialect == "spider" else BIRD_LEVELS
    scored = [r for r in records if r.get("exec_match") is not None]
    n = len(scored)

    def rate(values) -> float:
        values = list(values)
        return sum(values) / len(values) if values else 0.0

    checked = [r for r in scored if r.get("hallucinated") is not None]
    outcomes = Counter((r["error"] or "correct") for r in scored)
    summary = {
        "dialect": dialect,
        "count": n,
        "execution_accuracy": rate(r["exec_match"] for r in scored),
        "valid_sql": rate(bool(r["valid"]) for r in scored),
        "exact_match": rate(bool(r["exact_match"]) for r in scored),
        "token_match": rate(r["token_f1"] for r in scored),
        "hallucination_rate": rate(bool(r["hallucinated"]) for r in checked),
        "hallucination_checked": len(checked),
        "outcomes": {k: outcomes.get(k, 0) for k in OUTCOMES},
        f"by_{bucket_key}": bucket_table(scored, bucket_key, levels),
        "skipped_missing_db": sum(1 for r in records if r.get("error") == "missing_db"),
        "missing_db_ids": sorted({str(r["db_id"]) for r in records if r.get("error") == "missing_db"}),
    }
    sampled = [r for r in scored if r.get("sample_exec_match")]
    if sampled:
        n_samples = min(len(r["sample_exec_match"]) for r in sampled)
        ks = sorted({1, n_samples} | {k for k in (2, 4, 8, 16, 32, 64) if k < n_samples})
        summary["num_samples"] = n_samples
        summary["pass_at_k"] = {
            str(k): rate(pass_at_k(len(r["sample_exec_match"]), sum(r["sample_exec_match"]), k) for r in sampled)
            for k in ks}
        summary["execution_accuracy_first_sample"] = rate(r["sample_exec_match"][0] for r in sampled)
    return summary
