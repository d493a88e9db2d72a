"""Matching SQL the way the official evaluators do: Spider's and BIRD's execution match, validity,
schema hallucinations, exact and token match.

- ``spider_result_eq`` / ``bird_result_eq``: execution match under Spider (test-suite-sql-eval,
  exec mode, default flags) and BIRD semantics;
- ``spider_exec_sql``: the official pre-processing applied before execution on Spider;
  ``spider_db_files``: the database files exec mode compares on;
- ``is_valid_sql`` (sqlglot + SQLite ``EXPLAIN``), ``schema_hallucinations``;
- ``normalize_sql``, ``exact_match``, ``token_f1``.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Sequence

import sqlglot
from sqlglot import exp

from engine.sql.connection import explain_ok, open_readonly
from engine.sql.statements import scan_sql
from engine.sql.statements import one_statement

# ----------------------------------------------------------------------------- Spider semantics
# Official source: taoyds/test-suite-sql-eval, exec_eval.py (eval_exec_match, result_eq,
# quick_rej, multiset_eq, get_constraint_permutation, postprocess, replace_cur_year) and
# parse.py (remove_distinct); evaluation.py (evaluate: reads the first tab field of each
# prediction line, strips it and replaces " value " with " 1 "; argparse defaults
# plug_value=False, keep_distinct=False, etype=exec). Re-implemented here from that reading.

_CUR_YEAR = re.compile(r"YEAR\s*\(\s*CURDATE\s*\(\s*\)\s*\)\s*", re.I)
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def remove_distinct(sql: str) -> str:
    """Drop every DISTINCT keyword outside literals and comments, as the official
    ``parse.remove_distinct`` does by filtering sqlparse tokens (so ``COUNT(DISTINCT x)``
    becomes ``COUNT( x)`` too); the surrounding whitespace is kept."""
    out, i, n = [], 0, len(sql)
    code = [in_code for _, _, in_code in scan_sql(sql)]
    while i < n:
        if code[i] and (sql[i].isalpha() or sql[i] == "_") and (i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] in "_$")):
            m = _WORD.match(sql, i)
            word = m.group(0)
            if word.lower() != "distinct":
                out.append(word)
            i = m.end()
        else:
            out.append(sql[i])
            i += 1
    return "".join(out)


def spider_exec_sql(sql: str, *, is_prediction: bool, keep_distinct: bool = False) -> str:
    """The text the official Spider evaluator executes for ``sql`` with its default flags."""
    sql = sql.strip()
    if is_prediction:
        sql = sql.replace(" value ", " 1 ")
    sql = sql.replace("> =", ">=").replace("< =", "<=").replace("! =", "!=")
    if not keep_distinct:
        sql = remove_distinct(sql)
    return _CUR_YEAR.sub("2020", sql)


def spider_db_files(db_path: str | Path) -> list[Path]:
    """The database files the official exec mode compares on: every file in the folder of
    ``db_path`` whose name contains '.sqlite' (a test suite keeps its distilled databases beside
    the original; the plain Spider layout has just the one), the named file first. Journal /
    WAL side files are left out.

    Only in a database's own folder (Spider's ``database/<db_id>/<db_id>.sqlite`` layout): a
    folder shared by several databases (a JSONL set's ``dbs/shop.sqlite``, ``dbs/school.sqlite``)
    holds unrelated databases, not variants of one, so there the named file alone is used."""
    db_path = Path(db_path)
    if db_path.parent.name != db_path.name.split(".sqlite")[0]:
        return [db_path]
    others = sorted(p for p in db_path.parent.iterdir()
                    if ".sqlite" in p.name and p != db_path and p.is_file()
                    and not p.name.endswith(("-journal", "-wal", "-shm")))
    return [db_path] + others


def spider_order_matters(gold_exec_sql: str) -> bool:
    """Row order counts iff the (processed) gold text contains 'order by', anywhere."""
    return "order by" in gold_exec_sql.lower()


def _unorder_row(row: tuple) -> tuple:
    return tuple(sorted(row, key=lambda v: str(v) + str(type(v))))


def spider_result_eq(gold: Sequence[tuple], pred: Sequence[tuple], order_matters: bool) -> bool:
    """Spider's denotation match (exec_eval.result_eq): True iff some permutation of the
    predicted columns makes the predicted rows equal to the gold rows, as lists when
    ``order_matters`` else as bags (multisets). Values compare with Python ``==`` (1 == 1.0;
    floats exactly; None == None). Both empty -> True.

    The official code prunes candidate permutations by sampling rows; its pruning only drops
    impossible permutations, so the outcome equals an exhaustive search, which this does with
    column-multiset pruning and backtracking instead.
    """
    if len(gold) == 0 and len(pred) == 0:
        return True
    if len(gold) != len(pred):
        return False
    ncol = len(gold[0])
    if len(pred[0]) != ncol:
        return False
    g_unordered = [_unorder_row(r) for r in gold]
    p_unordered = [_unorder_row(r) for r in pred]
    if order_matters:
        if g_unordered != p_unordered:
            return False
    elif set(g_unordered) != set(p_unordered):
        return False
    gold = [tuple(r) for r in gold]
    pred = [tuple(r) for r in pred]
    if order_matters:
        g_cols = [[r[i] for r in gold] for i in range(ncol)]
        p_cols = [[r[j] for r in pred] for j in range(ncol)]
    else:
        g_cols = [Counter(r[i] for r in gold) for i in range(ncol)]
        p_cols = [Counter(r[j] for r in pred) for j in range(ncol)]
    candidates = [[j for j in range(ncol) if p_cols[j] == g_cols[i]] for i in range(ncol)]
    gold_bag = None if order_matters else Counter(gold)

    def matches(perm) -> bool:
        permuted = [tuple(r[j] for j in perm) for r in pred]
        return permuted == gold if order_matters else Counter(permuted) == gold_bag

    def search(i, perm, used) -> bool:
        if i == ncol:
            return matches(perm)
        for j in candidates[i]:
            if j not in used:
                used.add(j)
                perm.append(j)
                if search(i + 1, perm, used):
                    return True
                perm.pop()
                used.discard(j)
        return False

    return search(0, [], set())


def bird_result_eq(gold: Sequence[tuple], pred: Sequence[tuple]) -> bool:
    """BIRD's execution match (evaluation.py, execute_sql): ``set(pred) == set(gold)``."""
    return set(map(tuple, pred)) == set(map(tuple, gold))


# ----------------------------------------------------------------------------- validity, schema


def parse_sqlite(sql: str) -> exp.Expression | None:
    """sqlglot tree of ``sql`` (SQLite dialect) if it is exactly one statement, else None
    (a ';' followed by whitespace or comments ends the one statement)."""
    statement = one_statement(sql)
    if statement is None:
        return None
    try:
        trees = [t for t in sqlglot.parse(statement, read="sqlite") if t is not None]
    except (sqlglot.errors.SqlglotError, RecursionError, ValueError):
        return None
    return trees[0] if len(trees) == 1 else None


def sqlglot_parses(sql: str) -> bool:
    """True if sqlglot parses ``sql`` as exactly one SQLite statement."""
    return parse_sqlite(sql) is not None


def is_valid_sql(sql: str | None, db_path: str | Path) -> bool:
    """Valid = parsed by sqlglot (SQLite dialect) AND accepted by SQLite ``EXPLAIN`` on a
    read-only connection to ``db_path`` (compiles: names resolve, syntax is SQLite's)."""
    if not sql or not sqlglot_parses(sql):
        return False
    conn = open_readonly(db_path)
    try:
        return explain_ok(conn, sql)
    finally:
        conn.close()


def read_schema(db_path: str | Path) -> dict[str, list[str]]:
    """``{table: [columns]}`` read from an SQLite file (read-only)."""
    conn = open_readonly(db_path)
    conn.set_authorizer(None)  # trusted, fixed queries: PRAGMA table_info needs it
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: [r[1] for r in conn.execute(f'PRAGMA table_info("{t}")')] for t in tables}
    finally:
        conn.close()


def schema_hallucinations(sql: str, schema: dict[str, Sequence[str]],
                          tree: exp.Expression | None = None) -> list[str] | None:
    """Names the query references that the schema does not have: ``"table"`` for an unknown
    table, ``"table.column"`` / ``"column"`` for an unknown column. Case-insensitive; quoted
    names unquoted; CTE names, table aliases, subquery aliases and select-list aliases are
    not schema names. An unqualified double-quoted name that is not a column is a string
    literal to SQLite (Spider's ``name = "Bob"``), so it is not counted. None if sqlglot
    cannot parse the query. ``tree``: ``parse_sqlite(sql)`` when the caller has it already.
    """
    tree = tree if tree is not None else parse_sqlite(sql)
    if tree is None:
        return None
    tables = {t.lower(): {c.lower() for c in cols} for t, cols in schema.items()}
    ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)}
    derived_cols = set()  # columns named by CTE / subquery column lists and select aliases
    for ta in tree.find_all(exp.TableAlias):
        derived_cols |= {c.name.lower() for c in ta.columns}
    derived_cols |= {a.alias.lower() for a in tree.find_all(exp.Alias) if a.alias}
    alias_to_table: dict[str, str | None] = {}  # alias -> real table, None for derived
    bad: list[str] = []
    used_tables = set()
    for t in tree.find_all(exp.Table):
        name = t.name.lower()
        if not name:
            continue
        real = name if name not in ctes else None
        if real is not None:
            if real not in tables:
                bad.append(t.name)
            else:
                used_tables.add(real)
        alias_to_table[(t.alias or t.name).lower()] = real
        alias_to_table.setdefault(name, real)
    for sq in tree.find_all(exp.Subquery):
        if sq.alias:
            alias_to_table[sq.alias.lower()] = None
    scope_cols = set().union(*(tables[t] for t in used_tables)) if used_tables else set().union(*tables.values()) if tables else set()
    for col in tree.find_all(exp.Column):
        if isinstance(col.this, exp.Star):
            continue
        cname = col.name.lower()
        qual = col.table.lower() if col.table else ""
        if qual:
            if qual not in alias_to_table:
                bad.append(f"{col.table}.{col.name}")
            else:
                real = alias_to_table[qual]
                if real is not None and real in tables and cname not in tables[real]:
                    bad.append(f"{real}.{col.name}")
        elif cname not in scope_cols and cname not in derived_cols:
            ident = col.this
            if isinstance(ident, exp.Identifier) and ident.quoted and f'"{col.name}"' in sql:
                continue  # "text" that names no column: SQLite falls back to a string literal
            bad.append(col.name)
    return sorted(set(bad), key=str.lower)


# ----------------------------------------------------------------------------- exact / token match

_TOKEN = re.compile(
    r"'(?:[^']|'')*'"          # single-quoted string
    r'|"(?:[^"]|"")*"'         # double-quoted (Spider uses it for strings)
    r"|`[^`]*`|\[[^\]]*\]"     # quoted identifiers
    r"|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+"
    r"|[A-Za-z_][A-Za-z0-9_$]*(?:\.[A-Za-z_][A-Za-z0-9_$]*|\.\*)?"
    r"|<>|!=|>=|<=|==|\|\||\S",
)
_CLAUSE_END = {"where", "group", "order", "having", "limit", "union", "intersect", "except", "on",
               "join", "inner", "left", "right", "cross", "natural", "outer", ")", ",", ";", "using"}


def sql_tokens(sql: str) -> list[str]:
    """Normalised tokens: keywords and names lower-cased, quotes unified to '...', trailing ';'
    dropped, table aliases renamed t1, t2, ... in order of definition."""
    toks = []
    for t in _TOKEN.findall(sql.strip().rstrip(";").strip()):
        if t[0] == "'":
            toks.append(t)
        elif t[0] == '"':
            toks.append("'" + t[1:-1].replace('""', '"').replace("'", "''") + "'")
        elif t[0] in "`[":
            toks.append(t[1:-1].lower())
        else:
            toks.append(t.lower())
    # alias normalisation: FROM/JOIN <table> [AS] <alias>
    aliases: dict[str, str] = {}
    out: list[str] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        out.append(t)
        if t in ("from", "join") and i + 1 < len(toks) and toks[i + 1] != "(":
            j = i + 2
            if j < len(toks) and toks[j] == "as":
                j += 1
            if j < len(toks) and re.fullmatch(r"[a-z_][a-z0-9_$]*", toks[j]) and toks[j] not in _CLAUSE_END:
                aliases.setdefault(toks[j], f"t{len(aliases) + 1}")
                out += [toks[i + 1], "as", aliases[toks[j]]]
                i = j + 1
                continue
        i += 1
    renamed = []
    for t in out:
        if "." in t and not t[0].isdigit() and t[0] != "'":
            q, _, c = t.partition(".")
            renamed.append(f"{aliases.get(q, q)}.{c}")
        else:
            renamed.append(aliases.get(t, t) if t in aliases else t)
    return renamed


def normalize_sql(sql: str) -> str:
    """One canonical string per query: ``sql_tokens`` joined by single spaces."""
    return " ".join(sql_tokens(sql))


def exact_match(pred: str | None, gold: str) -> bool:
    """String equality after ``normalize_sql`` (case, whitespace, quotes, ';', table aliases)."""
    return pred is not None and normalize_sql(pred) == normalize_sql(gold)


def token_f1(pred: str | None, gold: str) -> float:
    """Token-level F1 between the normalised token multisets of prediction and gold:
    overlap = sum over tokens of min(count_pred, count_gold); P = overlap/|pred|,
    R = overlap/|gold|, F1 = 2PR/(P+R); 0.0 for a missing prediction."""
    if not pred:
        return 0.0
    p, g = Counter(sql_tokens(pred)), Counter(sql_tokens(gold))
    overlap = sum((p & g).values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)
