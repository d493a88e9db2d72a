"""Safe execution: read-only, one statement, no ATTACH/PRAGMA/writes, hard timeouts, ordered
results from worker processes. Hostile queries must leave the database byte-identical."""

import hashlib
import os
import signal
import sqlite3
import time

import pytest

from engine.sql.connection import (EXEC_ERROR, NO_SUCH_COLUMN, NO_SUCH_TABLE, RESULT_TOO_LARGE, SYNTAX_ERROR, TIMEOUT,
                                   classify_error, open_readonly)
from engine.sql.executor import SQLRunner, execute_queries, execute_query
from engine.sql.statements import split_statements


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "db" / "shop.sqlite"
    path.parent.mkdir()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, price REAL)")
    conn.executemany("INSERT INTO item VALUES (?, ?, ?)", [(i, f"n{i}", i * 1.5) for i in range(1000)])
    conn.commit()
    conn.close()
    return path


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


HOSTILE = [
    "DROP TABLE item",
    "UPDATE item SET price = 0",
    "INSERT INTO item VALUES (5000, 'x', 1)",
    "DELETE FROM item",
    "REPLACE INTO item VALUES (1, 'x', 1)",
    "CREATE TABLE evil (a)",
    "ALTER TABLE item ADD COLUMN evil TEXT",
    "ATTACH DATABASE '{other}' AS other",
    "DETACH DATABASE main",
    "PRAGMA writable_schema = 1",
    "PRAGMA query_only = OFF",
    "PRAGMA journal_mode = DELETE",
    "VACUUM",
    "BEGIN",
    "SELECT 1; DROP TABLE item",
    "SELECT name FROM item; UPDATE item SET price = 0;",
    "SELECT load_extension('/tmp/evil')",
]
CROSS_JOIN = "SELECT count(*) FROM item a, item b, item c, item d"  # 10^12 rows


def test_hostile_queries_leave_database_identical_and_finish(db, tmp_path):
    other = tmp_path / "other.sqlite"
    before = _digest(db.parent)
    queries = [q.format(other=other) for q in HOSTILE] + [CROSS_JOIN]
    t0 = time.monotonic()
    results = execute_queries([(db, q) for q in queries], timeout=1.0, workers=2)
    elapsed = time.monotonic() - t0
    assert _digest(db.parent) == before  # byte-identical, and no -journal / -wal file appeared
    assert not other.exists()  # ATTACH did not create a file
    for q, r in zip(queries[:-1], results[:-1]):
        assert r.error == EXEC_ERROR, (q, r)
        assert r.rows is None
    assert results[-1].error == TIMEOUT
    assert elapsed < 10, elapsed
    # the database still answers normally afterwards
    assert execute_query(db, "SELECT count(*) FROM item", timeout=1.0).rows == [(1000,)]


def test_hostile_queries_in_process(db):
    before = _digest(db.parent)
    for q in ["DROP TABLE item", "PRAGMA writable_schema=1", "SELECT 1; DELETE FROM item"]:
        assert execute_query(db, q, timeout=1.0).error == EXEC_ERROR
    t0 = time.monotonic()
    assert execute_query(db, CROSS_JOIN, timeout=0.5).error == TIMEOUT
    assert time.monotonic() - t0 < 5
    assert _digest(db.parent) == before


def test_connection_is_read_only_even_without_authorizer(db):
    conn = open_readonly(db)
    conn.set_authorizer(None)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        conn.execute("DELETE FROM item")
    assert conn.execute("PRAGMA query_only").fetchone() == (1,)


def test_error_categories(db):
    cases = {
        "SELECT name FROM nope": NO_SUCH_TABLE,
        "SELECT nope FROM item": NO_SUCH_COLUMN,
        "SELEC name FROM item": SYNTAX_ERROR,
        "SELECT name FROM item WHERE": SYNTAX_ERROR,
        "SELECT 'unterminated FROM item": SYNTAX_ERROR,
        "SELECT nofunc(name) FROM item": EXEC_ERROR,
        "": SYNTAX_ERROR,
    }
    results = execute_queries([(db, q) for q in cases], timeout=2, workers=1)
    assert [r.error for r in results] == list(cases.values())
    assert classify_error("interrupted") == TIMEOUT


def test_trailing_semicolon_and_literal_semicolons_are_one_statement(db):
    r = execute_query(db, "SELECT name FROM item WHERE name = 'a;b' ; ", timeout=2)
    assert r.ok and r.rows == []
    assert execute_query(db, "SELECT ';' -- ; comment\n", timeout=2).rows == [(";",)]


def test_statement_count_is_python_sqlite3s(db):
    from engine.sql.statements import one_statement, statement_count
    conn = sqlite3.connect(":memory:")
    cases = ["SELECT 1", "SELECT 1;", "SELECT 1; -- c", "SELECT 1; /* ; */", "SELECT 1;\n-- a;\n", ";SELECT 1",
             " ; SELECT 1", "SELECT 1;;", "SELECT 1; ;", "SELECT 1;\n;\n", "SELECT 1; SELECT 2", "SELECT ';'; -- x"]
    for sql in cases:
        try:
            conn.execute(sql)
            official = 1
        except (sqlite3.ProgrammingError, sqlite3.Warning):  # "You can only execute one statement at a time."
            official = 2
        assert min(statement_count(sql), 2) == official, sql
        assert (one_statement(sql) is not None) == (official == 1), sql
    assert one_statement("SELECT ';' ; -- x") == "SELECT ';'"


@pytest.mark.parametrize("sql", ["VACUUM", "vacuum into '{into}'", "/* c */ VACUUM", "EXPLAIN VACUUM",
                                 "EXPLAIN QUERY PLAN VACUUM", "ANALYZE", "REINDEX", "PRAGMA table_info(item)"])
def test_only_queries_run(db, tmp_path, sql):
    before = _digest(db.parent)
    into = tmp_path / "copy.sqlite"
    r = execute_query(db, sql.format(into=into), timeout=2)
    assert r.error == EXEC_ERROR and "is not a query" in r.message and "never run" in r.message
    assert _digest(db.parent) == before and not into.exists()
    for query in ("SELECT 1", "WITH a AS (SELECT 2) SELECT * FROM a", "VALUES (3)", "EXPLAIN SELECT 1",
                  "-- lead\nSELECT 4"):
        assert execute_query(db, query, timeout=2).ok, query


def test_split_statements():
    assert split_statements("SELECT 'a;b'; DROP TABLE t;") == ["SELECT 'a;b'", "DROP TABLE t"]
    assert split_statements('SELECT "x;y" FROM t /* ; */ -- ;') == ['SELECT "x;y" FROM t /* ; */ -- ;']
    assert split_statements("SELECT 'it''s;'") == ["SELECT 'it''s;'"]
    assert split_statements(" ; -- nothing\n ;") == []


def test_results_come_back_in_order_and_duplicates_run_once(db):
    jobs = [(db, f"SELECT {i}, count(*) FROM item WHERE id < {i}") for i in range(40)] * 2
    results = execute_queries(jobs, timeout=5, workers=2)
    assert [r.rows for r in results] == [[(i, i)] for i in range(40)] * 2


def test_workers_zero_runs_in_process(db):
    with SQLRunner(workers=0, timeout=2) as runner:
        out = runner.run([(db, "SELECT max(id) FROM item"), (db, "SELECT nope FROM item")])
    assert out[0].rows == [(999,)] and out[1].error == NO_SUCH_COLUMN


@pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs SIGSTOP to freeze a worker")
def test_watchdog_kills_a_stuck_worker_and_replaces_it(db):
    # A frozen worker stands in for a C call that never returns to SQLite's VM (where the
    # progress handler cannot interrupt it): only the parent's watchdog can end it.
    with SQLRunner(workers=1, timeout=0.5, grace=0.5) as runner:
        assert runner.run([(db, "SELECT 1")])[0].rows == [(1,)]
        stuck = runner._pool[0].proc
        os.kill(stuck.pid, signal.SIGSTOP)
        t0 = time.monotonic()
        r = runner.run([(db, "SELECT 2")])[0]
        assert r.error == TIMEOUT and "killed" in r.message
        assert time.monotonic() - t0 < 5
        assert not stuck.is_alive()
        assert runner.run([(db, "SELECT 3")])[0].rows == [(3,)]  # a fresh worker took over


def test_missing_database_is_an_error_not_a_new_file(tmp_path):
    missing = tmp_path / "nope.sqlite"
    r = execute_query(missing, "SELECT 1", timeout=1)
    assert r.error == EXEC_ERROR and "not found" in r.message
    assert not missing.exists()


def test_result_size_is_capped(db):
    assert execute_query(db, "SELECT id FROM item", timeout=2, max_rows=1000).ok
    r = execute_query(db, "SELECT a.id FROM item a, item b", timeout=5, max_rows=1000)
    assert r.error == RESULT_TOO_LARGE and "more than 1000 rows" in r.message
    assert execute_queries([(db, "SELECT id FROM item")], timeout=2, workers=1, max_rows=10)[0].error == RESULT_TOO_LARGE


# A value SQLite refuses to build (over SQLITE_LIMIT_LENGTH), many values over the byte cap, and a
# row of big blobs that only the worker's address-space limit sees (zeroblob is lazy until fetched).
BIG_RESULTS = {
    "SELECT zeroblob(1e9)": "string or blob too big",  # took the scorer to 3.7 GB before the watchdog
    "SELECT replace(hex(zeroblob(5e8)), '0', 'x')": "string or blob too big",
    "WITH RECURSIVE r(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM r LIMIT 40) SELECT s FROM r": "too big",
    "SELECT a.name || zeroblob(5e4) FROM item a, item b": "bytes of values (max_bytes); fetching stopped",
    "SELECT " + ", ".join(["zeroblob(16e6)"] * 40): "memory limit",
}


@pytest.mark.parametrize("query", list(BIG_RESULTS))
def test_results_too_large_stop_early_with_their_own_verdict(db, query):
    before = _digest(db.parent)
    t0 = time.monotonic()
    with SQLRunner(workers=1, timeout=20, max_bytes=8 * 2**20, memory=200 * 2**20) as runner:
        r = runner.run([(db, query)])[0]
        assert runner.run([(db, "SELECT count(*) FROM item")])[0].rows == [(1000,)]  # the worker goes on
    assert r.error == RESULT_TOO_LARGE and BIG_RESULTS[query] in r.message, r
    assert time.monotonic() - t0 < 10
    assert _digest(db.parent) == before


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), 0.0, -1.0])
def test_timeout_must_be_a_finite_positive_number(db, timeout):
    # a NaN deadline never passes: it would switch off the progress handler's deadline and the watchdog
    with pytest.raises(ValueError, match="finite number of seconds > 0"):
        SQLRunner(workers=0, timeout=timeout)
    with pytest.raises(ValueError, match="finite number of seconds > 0"):
        execute_query(db, "SELECT 1", timeout=timeout)


def test_workers_end_when_the_process_that_started_them_is_killed(db, tmp_path):
    """A forked worker holds both ends of its pipe, so a SIGKILLed parent never closes it; the
    worker notices it has been reparented and exits instead of living on."""
    import subprocess
    import sys

    from tests.paths import REPO

    script = (f"import sys, time; sys.path.insert(0, {str(REPO)!r})\n"
              "from engine.sql.executor import SQLRunner\n"
              f"r = SQLRunner(workers=1, timeout=5); r.run([({str(db)!r}, 'SELECT 1')])\n"
              "print(r._pool[0].proc.pid, flush=True); time.sleep(60)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    worker = int(parent.stdout.readline())
    os.kill(worker, 0)  # alive while its parent is
    parent.kill()
    parent.wait()
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        try:  # reap it if it was reparented to us (a subreaper) and is a zombie now
            if os.waitpid(worker, os.WNOHANG)[0] == worker:
                return
        except ChildProcessError:
            pass
        time.sleep(0.2)
    os.kill(worker, signal.SIGKILL)
    pytest.fail(f"worker {worker} outlived its killed parent by 10 s")
