"""Safe execution of untrusted SQL against SQLite databases.

Model-generated SQL is untrusted. Every query here:
- runs on a read-only connection (URI ``file:...?mode=ro`` plus ``PRAGMA query_only=ON``);
- passes an authorizer that allows reading only (SELECT, column reads, functions, recursive
  CTEs): ATTACH/DETACH, PRAGMA, INSERT/UPDATE/DELETE, CREATE/DROP/ALTER, transactions ... are
  denied while the statement is being prepared, before anything runs;
- must be exactly one statement (a trailing ';' with whitespace or comments after it is fine, a
  second statement is rejected), and a query: SELECT, WITH, VALUES or EXPLAIN of one; VACUUM
  [INTO], PRAGMA and the rest are refused before SQLite prepares them (engine/sql/statements.py);
- may build no string or blob over ``MAX_VALUE_BYTES`` (16 MiB, SQLite's ``SQLITE_LIMIT_LENGTH``:
  ``zeroblob(1e9)`` fails at once) and return at most ``max_rows`` rows (1,000,000) and
  ``max_bytes`` bytes of values (128 MiB, text and blobs by length, other values 8 each): fetching
  stops there with ``result_too_large``, so a runaway result cannot fill memory before the
  deadline; a worker process also runs under an address-space limit (``RLIMIT_AS``, Linux) a
  little above that, which catches what the counts cannot see (a row of a thousand big blobs);
- has a deadline: a progress handler interrupts the SQLite VM once the deadline passes, and when
  queries run in worker processes (the default), a watchdog in the parent kills a worker that
  has not answered ``grace`` seconds after the deadline (a C call stuck outside the VM) and
  starts a fresh one.

``execute_queries(jobs, timeout=..., workers=...)`` runs ``(db_path, sql)`` jobs over worker
processes and returns one ``ExecResult`` per job, in job order. Identical jobs run once.
Error categories (``ExecResult.error``): ``syntax_error``, ``no_such_table``,
``no_such_column``, ``timeout``, ``result_too_large``, ``exec_error`` (everything else: multiple
statements, a denied operation, a missing function, a crashed worker, ...). ``None`` means success.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import os
import sqlite3
import time
from collections import deque
from multiprocessing.connection import wait as wait_connections
from pathlib import Path
from typing import Iterable, Sequence

from engine.sql.connection import (DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, EXEC_ERROR, TIMEOUT, ExecResult, open_readonly,
                                   run_on_connection)


def _check_timeout(timeout: float | None) -> None:
    if timeout is not None and not 0 < timeout < math.inf:  # a NaN deadline never passes: no timeout at all
        raise ValueError(f"timeout must be a finite number of seconds > 0, or None; got {timeout}")


class _ConnectionCache:
    def __init__(self):
        self._conns: dict[str, sqlite3.Connection] = {}

    def get(self, db_path: str) -> sqlite3.Connection:
        conn = self._conns.get(db_path)
        if conn is None:
            conn = self._conns[db_path] = open_readonly(db_path)
        return conn


def _run_job(cache: _ConnectionCache, db_path: str, sql: str, timeout: float | None,
             max_rows: int | None = DEFAULT_MAX_ROWS, max_bytes: int | None = DEFAULT_MAX_BYTES) -> ExecResult:
    try:
        conn = cache.get(db_path)
    except (OSError, sqlite3.Error) as e:
        return ExecResult(None, EXEC_ERROR, f"cannot open database: {e}")
    return run_on_connection(conn, sql, timeout, max_rows, max_bytes)


def _limit_address_space(headroom: int) -> None:
    """RLIMIT_AS = this process's current size + headroom (Linux; elsewhere nothing): SQLite then
    fails an allocation past it with "out of memory", Python with MemoryError."""
    try:
        import resource
        size = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = size + headroom if hard == resource.RLIM_INFINITY else min(size + headroom, hard)
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ImportError, OSError, ValueError):
        pass


PARENT_CHECK_S = 1.0  # how often an idle worker checks that the process that started it is alive


def _worker_main(conn, headroom: int | None = None) -> None:
    if headroom is not None:
        _limit_address_space(headroom)
    cache = _ConnectionCache()
    parent = os.getppid()
    while True:
        try:
            # A forked worker holds the parent's end of the pipe too, so it sees no EOF when the
            # parent is killed: it would live on. Its parent pid changes then (reparenting).
            while not conn.poll(PARENT_CHECK_S):
                if os.getppid() != parent:
                    return
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        idx, db_path, sql, timeout, max_rows, max_bytes = job
        res = _run_job(cache, db_path, sql, timeout, max_rows, max_bytes)
        try:
            conn.send((idx, res.rows, res.error, res.message))
        except Exception as e:  # unpicklable value: report instead of dying
            conn.send((idx, None, EXEC_ERROR, f"result could not be returned: {e}"))


# ----------------------------------------------------------------------------- worker pool


class _Worker:
    def __init__(self, ctx, headroom: int | None):
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=_worker_main, args=(child, headroom), daemon=True)
        self.proc.start()
        child.close()
        self.job: int | None = None
        self.started = 0.0

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, BrokenPipeError):
            pass
        self.proc.join(1)
        if self.proc.is_alive():
            self.kill()
        else:
            self.conn.close()


class SQLRunner:
    """A pool of read-only SQLite worker processes with a hard per-query timeout.

    with SQLRunner(workers=4, timeout=10) as runner:
        results = runner.run([(db_path, sql), ...])   # list[ExecResult], in order
    ``workers=0`` runs in this process (deadline by progress handler only, no watchdog, no
    address-space limit). ``memory``: each worker's address-space headroom (default 4 x max_bytes
    + 256 MiB; None: no limit).
    """

    def __init__(self, workers: int | None = None, timeout: float | None = 30.0,
                 grace: float | None = None, start_method: str | None = None,
                 max_rows: int | None = DEFAULT_MAX_ROWS, max_bytes: int | None = DEFAULT_MAX_BYTES,
                 memory: int | None | str = "auto"):
        if workers is None:
            workers = os.cpu_count() or 1
        if workers < 0:
            raise ValueError(f"workers must be >= 0 (0 = run in this process), got {workers}")
        _check_timeout(timeout)
        self.workers, self.timeout, self.max_rows, self.max_bytes = workers, timeout, max_rows, max_bytes
        self.memory = (4 * (max_bytes or DEFAULT_MAX_BYTES) + 256 * 2**20) if memory == "auto" else memory
        self.grace = grace if grace is not None else (max(1.0, 0.5 * timeout) if timeout else 0.0)
        if start_method is None:
            start_method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        self._ctx = mp.get_context(start_method)
        self._pool: list[_Worker] = []
        self._local = _ConnectionCache() if workers == 0 else None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        for w in self._pool:
            w.stop()
        self._pool = []

    def start(self, num_jobs: int | None = None) -> None:
        """Start the worker processes now (at most ``num_jobs`` of them). Call it from the main
        thread before handing ``run`` to another thread, so processes fork from one thread."""
        want = self.workers if num_jobs is None else min(self.workers, max(1, num_jobs))
        while len(self._pool) < want:
            self._pool.append(_Worker(self._ctx, self.memory))

    def run(self, jobs: Sequence[tuple[str, str]], *, progress=None) -> list[ExecResult]:
        """Execute ``(db_path, sql)`` jobs; results in job order. Identical jobs run once;
        ``progress`` (optional) is called with 1 each time a unique job finishes."""
        keys = [(str(db), sql) for db, sql in jobs]
        unique = list(dict.fromkeys(keys))
        by_key = dict(zip(unique, self._run_unique(unique, progress)))
        return [by_key[k] for k in keys]

    def _run_unique(self, jobs, progress):
        if self.workers == 0:
            out = []
            for db, sql in jobs:
                out.append(_run_job(self._local, db, sql, self.timeout, self.max_rows, self.max_bytes))
                if progress:
                    progress(1)
            return out
        results: list = [None] * len(jobs)
        pending = deque(range(len(jobs)))
        self.start(len(jobs))
        busy: dict = {}  # conn -> worker
        while pending or busy:
            for w in self._pool:
                if w.job is None and pending:
                    i = pending.popleft()
                    w.job, w.started = i, time.monotonic()
                    try:
                        w.conn.send((i, jobs[i][0], jobs[i][1], self.timeout, self.max_rows, self.max_bytes))
                    except (OSError, BrokenPipeError):
                        results[i] = ExecResult(None, EXEC_ERROR, "worker process died")
                        self._replace(w)
                        continue
                    busy[w.conn] = w
            if not busy:  # every send failed and its worker was replaced: assign again
                continue
            wait_s = None
            if self.timeout is not None:
                now = time.monotonic()
                wait_s = max(0.0, min(w.started + self.timeout + self.grace - now for w in busy.values()))
            for conn in wait_connections(list(busy), timeout=wait_s):
                w = busy.pop(conn)
                try:
                    i, rows, err, msg = conn.recv()
                    results[i] = ExecResult(rows, err, msg)
                    w.job = None
                except (EOFError, OSError):
                    results[w.job] = ExecResult(None, EXEC_ERROR, "worker process died")
                    self._replace(w)
                if progress:
                    progress(1)
            if self.timeout is not None:
                now = time.monotonic()
                for conn, w in list(busy.items()):
                    if now - w.started > self.timeout + self.grace:  # watchdog: hard kill
                        busy.pop(conn)
                        results[w.job] = ExecResult(None, TIMEOUT, f"query ran past the {self.timeout:g} s "
                                                    "timeout (worker killed)")
                        self._replace(w)
                        if progress:
                            progress(1)
        return results

    def _replace(self, w: _Worker) -> None:
        w.kill()
        self._pool[self._pool.index(w)] = _Worker(self._ctx, self.memory)


def execute_queries(jobs: Iterable[tuple[str, str]], *, timeout: float | None = 30.0,
                    workers: int | None = None, max_rows: int | None = DEFAULT_MAX_ROWS,
                    max_bytes: int | None = DEFAULT_MAX_BYTES) -> list[ExecResult]:
    """One-shot: run ``(db_path, sql)`` jobs over ``workers`` processes (default: cpu count)."""
    jobs = list(jobs)
    with SQLRunner(workers=workers, timeout=timeout, max_rows=max_rows, max_bytes=max_bytes) as runner:
        return runner.run(jobs)


def execute_query(db_path: str, sql: str, *, timeout: float | None = 30.0,
                  max_rows: int | None = DEFAULT_MAX_ROWS, max_bytes: int | None = DEFAULT_MAX_BYTES) -> ExecResult:
    """Run one query in this process (deadline via progress handler; no process isolation)."""
    _check_timeout(timeout)
    return _run_job(_ConnectionCache(), str(db_path), sql, timeout, max_rows, max_bytes)
