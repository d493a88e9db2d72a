"""One read-only SQLite connection and one untrusted query on it: the safety layer under the
worker pool of engine/sql/executor.py (whose module docstring lists every rule).

`open_readonly(path)` opens a database read-only (URI ``mode=ro``, ``PRAGMA query_only``, an
authorizer that allows reading only, ``SQLITE_LIMIT_LENGTH`` at ``MAX_VALUE_BYTES``);
`run_on_connection(conn, sql, timeout, max_rows, max_bytes)` runs one statement that must be a
query, with a deadline enforced by a progress handler and the row / byte caps enforced while
fetching, and returns an `ExecResult` whose error is one of `EXEC_ERROR_CATEGORIES`;
`explain_ok(conn, sql)` says whether SQLite can prepare it. engine/ask/check.py and
engine/sql/match.py use these in-process; the executor runs them in worker processes.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from engine.sql.statements import not_a_query, split_statements, statement_count

SYNTAX_ERROR = "syntax_error"
NO_SUCH_TABLE = "no_such_table"
NO_SUCH_COLUMN = "no_such_column"
EXEC_ERROR = "exec_error"
TIMEOUT = "timeout"
RESULT_TOO_LARGE = "result_too_large"
EXEC_ERROR_CATEGORIES = (SYNTAX_ERROR, NO_SUCH_TABLE, NO_SUCH_COLUMN, EXEC_ERROR, TIMEOUT, RESULT_TOO_LARGE)

# Authorizer action codes a plain read-only query needs; everything else is denied.
# https://www.sqlite.org/c3ref/c_alter_table.html
_ALLOWED_ACTIONS = frozenset(
    {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}
)
# Functions that have side effects or reach outside the database file.
_DENIED_FUNCTIONS = frozenset({"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"})
_PROGRESS_EVERY = 1000  # SQLite VM instructions between deadline checks


@dataclass(frozen=True)
class ExecResult:
    """Outcome of one query: ``rows`` (list of tuples) on success, else ``error`` category."""

    rows: list | None
    error: str | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.error is None


# ----------------------------------------------------------------------------- connections


def classify_error(message: str) -> str:
    """Map an SQLite error message to an error category."""
    m = message.lower()
    if "interrupted" in m:
        return TIMEOUT
    if "no such table" in m:
        return NO_SUCH_TABLE
    if "no such column" in m:
        return NO_SUCH_COLUMN
    if "syntax error" in m or "incomplete input" in m or "unrecognized token" in m:
        return SYNTAX_ERROR
    if "string or blob too big" in m or "out of memory" in m:
        return RESULT_TOO_LARGE
    return EXEC_ERROR


def _authorizer(action, arg1, arg2, db_name, trigger):
    if action not in _ALLOWED_ACTIONS:
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in _DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _decode_text(b: bytes) -> str:
    # As the official Spider evaluator does (exec_eval.get_cursor_from_path): invalid UTF-8 is
    # dropped rather than failing the query.
    return b.decode(errors="ignore")


def open_readonly(db_path: str | os.PathLike) -> sqlite3.Connection:
    """Open ``db_path`` read-only, with ``query_only`` and the read-only authorizer installed."""
    path = Path(db_path)
    if not path.is_file():
        raise FileNotFoundError(f"SQLite database not found: {path}")
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False)
    conn.execute("PRAGMA query_only = ON")
    conn.set_authorizer(_authorizer)
    conn.text_factory = _decode_text
    if hasattr(conn, "setlimit"):  # Python >= 3.11
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    return conn


DEFAULT_MAX_ROWS = 1_000_000  # a result larger than this is an error, not gigabytes of tuples
DEFAULT_MAX_BYTES = 128 * 2**20  # bytes of values in one result (Spider's and BIRD's gold results: a few MB at most)
MAX_VALUE_BYTES = 16 * 2**20  # the longest string or blob a query may build (SQLITE_LIMIT_LENGTH)
_FETCH_CHUNK = 10_000


def _row_bytes(row: tuple) -> int:
    return sum(len(v) if isinstance(v, (str, bytes)) else 8 for v in row)


def _fetch(cur: sqlite3.Cursor, max_rows: int | None, max_bytes: int | None) -> ExecResult:
    """Every row of an executed cursor, or result_too_large as soon as a cap is passed. Chunks
    start small and double, so a few fat rows are counted before many more are fetched."""
    rows, nbytes, chunk = [], 0, 16
    while batch := cur.fetchmany(chunk):
        rows += batch
        nbytes += sum(map(_row_bytes, batch))
        if max_rows is not None and len(rows) > max_rows:
            return ExecResult(None, RESULT_TOO_LARGE, f"the result has more than {max_rows} rows (max_rows)")
        if max_bytes is not None and nbytes > max_bytes:
            return ExecResult(None, RESULT_TOO_LARGE, f"the result holds more than {max_bytes} bytes of values "
                                                      "(max_bytes); fetching stopped there")
        chunk = min(_FETCH_CHUNK, 2 * chunk)
    return ExecResult(rows)


def run_on_connection(conn: sqlite3.Connection, sql: str, timeout: float | None,
                      max_rows: int | None = DEFAULT_MAX_ROWS, max_bytes: int | None = DEFAULT_MAX_BYTES) -> ExecResult:
    """Run one statement on an open read-only connection, with a deadline and caps on the rows
    and bytes fetched. Never raises."""
    statements = split_statements(sql)
    if not statements:
        return ExecResult(None, SYNTAX_ERROR, "empty query")
    if statement_count(sql) > 1:
        return ExecResult(None, EXEC_ERROR, f"only one statement is allowed, got {statement_count(sql)}")
    refused = not_a_query(statements[0])
    if refused:
        return ExecResult(None, EXEC_ERROR, refused)
    deadline = None if timeout is None else time.monotonic() + timeout
    if deadline is not None:
        conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, _PROGRESS_EVERY)
    cur = conn.cursor()
    try:
        cur.execute(statements[0])
        return _fetch(cur, max_rows, max_bytes)
    except sqlite3.Warning as e:  # e.g. "You can only execute one statement at a time."
        return ExecResult(None, EXEC_ERROR, str(e))
    except sqlite3.Error as e:
        msg = str(e)
        if deadline is not None and time.monotonic() > deadline and "interrupt" in msg.lower():
            return ExecResult(None, TIMEOUT, f"query ran past the {timeout:g} s timeout")
        return ExecResult(None, classify_error(msg), msg)
    except MemoryError:  # past the worker's address-space limit: a result too large to hold
        return ExecResult(None, RESULT_TOO_LARGE, "the result did not fit in the worker's memory limit")
    except (ValueError, OverflowError) as e:  # e.g. null character, huge ints
        return ExecResult(None, EXEC_ERROR, f"{type(e).__name__}: {e}")
    finally:
        cur.close()
        if deadline is not None:
            conn.set_progress_handler(None, 0)


def explain_ok(conn: sqlite3.Connection, sql: str) -> bool:
    """True if SQLite accepts ``EXPLAIN <sql>`` (it compiles) on this read-only connection."""
    statements = split_statements(sql)
    if statement_count(sql) != 1 or not_a_query(statements[0]):
        return False
    try:
        conn.execute("EXPLAIN " + statements[0]).fetchall()
        return True
    except (sqlite3.Error, sqlite3.Warning, ValueError, OverflowError):
        return False
