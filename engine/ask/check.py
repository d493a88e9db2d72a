"""Checking the model's answers against a live database: each answer's SQL extracted, parsed with
sqlglot, compiled by SQLite (EXPLAIN on a read-only connection with the executor's authorizer) and
run in engine/sql/executor.py's worker processes; what came of it is an `Attempt`. The ask loop
(engine/ask/loop.py) calls `Checker.check` once per round."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from engine.sql.connection import ExecResult, open_readonly, run_on_connection
from engine.sql.executor import SQLRunner
from engine.sql.extract import extract_sql
from engine.sql.match import parse_sqlite

NO_SQL = "no_sql"


@dataclass(frozen=True)
class Attempt:
    """One answer of the model and what became of it."""

    round: int  # 0 = the first try, 1, 2, ... = repairs
    sample: int  # which of the round's num_samples answers
    output: str  # the model's text
    sql: str | None  # extract_sql(output)
    parses: bool  # sqlglot reads it as one SQLite statement (eval's valid SQL also needs EXPLAIN)
    error: str | None  # None = it ran; else no_sql | syntax_error | no_such_table | no_such_column | exec_error | timeout
    message: str  # SQLite's message (or the executor's: timeout, row cap, refused statement)
    row_count: int | None  # rows it returned, when it ran
    seconds: float  # checking and running it

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Checked:
    attempt: Attempt
    result: ExecResult
    columns: tuple[str, ...] = ()


class Checker:
    """Validates and runs candidate SQL: EXPLAIN in this process (compiling only, on a read-only
    connection with the executor's authorizer), execution in the executor's worker processes."""

    def __init__(self, *, timeout: float, max_rows: int, workers: int = 1):
        self.timeout = timeout
        self.runner = SQLRunner(workers=workers, timeout=timeout, max_rows=max_rows)
        self._conns: dict[Path, sqlite3.Connection] = {}

    def start(self) -> None:
        """Fork the worker processes now (call from the main thread, before serving from others)."""
        self.runner.start()

    def close(self) -> None:
        self.runner.close()
        for conn in self._conns.values():
            conn.close()
        self._conns.clear()

    def _conn(self, db: Path) -> sqlite3.Connection:
        if db not in self._conns:
            self._conns[db] = open_readonly(db)
        return self._conns[db]

    def check(self, items: Sequence[tuple[Path, str, int, int]]) -> list[Checked]:
        """(database, model text, round, sample) -> what came of each, in order."""
        t0 = time.perf_counter()
        staged, jobs = [], []
        for db, text, rnd, sample in items:
            sql = extract_sql(text)
            if sql is None:
                staged.append((sql, False, ExecResult(None, NO_SQL, "no SQL query found in the answer")))
                continue
            parses = parse_sqlite(sql) is not None
            explained = run_on_connection(self._conn(db), "EXPLAIN " + sql, self.timeout)
            if not explained.ok:
                staged.append((sql, parses, explained))
                continue
            staged.append((sql, parses, None))
            jobs.append((str(db), sql))
        ran = iter(self.runner.run(jobs)) if jobs else iter(())
        t_run = time.perf_counter()
        share = (t_run - t0) / max(1, len(items))  # the batch's time, shared out
        out = []
        for (db, text, rnd, sample), (sql, parses, res) in zip(items, staged):
            res = res if res is not None else next(ran)
            columns = result_columns(self._conn(db), sql, res.rows, self.timeout) if res.ok else ()
            attempt = Attempt(rnd, sample, text, sql, parses, res.error, res.message,
                              len(res.rows) if res.ok else None, round(share, 6))
            out.append(Checked(attempt, res, columns))
        return out


def result_columns(conn: sqlite3.Connection, sql: str, rows, timeout: float) -> tuple[str, ...]:
    """The query's column names as SQLite gives them to `SELECT * FROM (query)` (a repeated name
    gets SQLite's ":1" suffix), compiled on the read-only connection with LIMIT 0 so nothing is
    read; column1, column2, ... if that fails. (The executor returns rows only.)"""
    deadline = time.monotonic() + timeout
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 1000)
    try:
        cur = conn.execute(f"SELECT * FROM (\n{sql}\n) LIMIT 0")  # newlines: a trailing -- comment stays inside
        return tuple(d[0] for d in cur.description or ())
    except (sqlite3.Error, sqlite3.Warning, ValueError, OverflowError):
        width = len(rows[0]) if rows else 0
        return tuple(f"column{i + 1}" for i in range(width))
    finally:
        conn.set_progress_handler(None, 0)
