"""Scoring text-to-SQL predictions the way the field's official evaluators do.

Plain functions, no model needed:
- ``extract_sql(text)``: the SQL statement in a model's output (fences, "SQL:" prefixes,
  trailing prose, several statements), or None;
- ``spider_result_eq`` / ``bird_result_eq``: execution match under Spider (test-suite-sql-eval,
  exec mode, default flags) and BIRD semantics;
- ``spider_exec_sql``: the official pre-processing applied before execution on Spider;
- ``is_valid_sql`` (sqlglot + SQLite ``EXPLAIN``), ``schema_hallucinations``, ``normalize_sql``,
  ``exact_match``, ``token_f1``;
- ``majority_vote`` and ``pass_at_k`` for several samples per question;
- ``score_predictions(preds, examples, dialect=..., db_root=...)``: per-example records and a
  summary with plain names (``execution_accuracy``, ``valid_sql``, ``exact_match``,
  ``token_match``, ``hallucination_rate``, per-bucket tables, outcome counts);
- readers and writers for predictions files (Spider's one-SQL-per-line, JSONL, BIRD's json) and
  for the official evaluators' input formats.

An example is a dict or an object with: ``question``; gold SQL as ``gold_sql``, ``sql`` (a
string), ``query`` (Spider) or ``SQL`` (BIRD); ``db_id``; ``db_path`` (else
``db_root/db_id/db_id.sqlite``); optionally Spider's parsed ``sql`` dict (for hardness),
``hardness`` or ``difficulty``, and ``schema`` as ``{table: [columns]}``.

Outcome categories per example: ``correct``, ``wrong_result``, ``no_sql``, ``syntax_error``,
``no_such_table``, ``no_such_column``, ``exec_error``, ``timeout``; plus ``gold_error`` (the
gold query itself failed; counted as not matching) and ``missing_db`` (no database file; the
example is left out of every figure and counted under ``skipped_missing_db``).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterable, Sequence

import sqlglot
from sqlglot import exp

from engine.sql.hardness import HARDNESS_LEVELS, hardness_from_dict, hardness_from_sql
from engine.sql.executor import SQLRunner, ExecResult, _scan, split_statements

BIRD_LEVELS = ("simple", "moderate", "challenging")
BIRD_SEPARATOR = "\t----- bird -----\t"  # BIRD's evaluator splits predictions on this
EMPTY_PREDICTION = "SELECT"  # written for a missing prediction: keeps files aligned, fails to run
OUTCOMES = ("correct", "wrong_result", "no_sql", "syntax_error", "no_such_table", "no_such_column",
            "exec_error", "timeout", "gold_error")

# ----------------------------------------------------------------------------- extraction

_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_+-]*)[^\n]*\n?(.*?)(?:```|\Z)", re.S)
_PREFIX = re.compile(r"^\s*(?:[#*>\s]*)(?:sql\s*query|sqlquery|sql|answer|query|final\s+answer)\s*[:：]\s*",
                     re.I | re.M)
_SELECT = re.compile(r"\bselect\b", re.I)
_SPECIAL_TOKEN = re.compile(r"<\|[^|<>]{1,40}\|>")  # chat-template markers such as <|im_end|>
_CTE = re.compile(r"\bwith\s+(?:recursive\s+)?[\w\"`\[\]]+\s*(?:\([^)]*\))?\s*as\s*\(", re.I)
_SQL_VERB = re.compile(r"^\s*(select|with|insert|update|delete|replace|drop|create|alter|attach|detach|"
                       r"pragma|vacuum|begin|commit|explain)\b", re.I)
_CONTINUATION = re.compile(r"^\s*(from|where|join|inner|left|right|cross|natural|on|group|order|having|"
                           r"limit|offset|union|intersect|except|and|or|not|as|select|with|case|when|"
                           r"then|else|end|[(),*])", re.I)
# a line of prose after the query: "Explanation: ...", "**Note**: ...", "This query returns ..."
_PROSE = re.compile(r"^[\s*#>]*(?:(?:explanation|note|output|result|reasoning)s?[*\s]*[:：]"
                    r"|(?:this|the|here|in this|it|these|that|i)\s+[a-z']+\s+[a-z']+)", re.I)


def extract_sql(text: str | None) -> str | None:
    """The first SQL statement in a model's output, without the trailing ';'; None if none.

    Handles markdown fences (a ```sql block is preferred over other blocks; an unclosed fence
    runs to the end), "SQL:" / "Answer:" / "Query:" prefixes, prose before the query (starts at
    the first SELECT, or WITH that opens a CTE), prose after it (stops at a blank line that is
    not followed by an SQL clause, or at a line such as "Explanation: ..."), and several
    statements (keeps the first; ';' inside string literals does not split).
    """
    if text is None or not text.strip():
        return None
    text = _SPECIAL_TOKEN.sub("\n", text)
    blocks = [(lang.lower(), body) for lang, body in _FENCE.findall(text)]
    if blocks:
        sql_blocks = [b for lang, b in blocks if lang in ("sql", "sqlite")]
        text = (sql_blocks or [b for _, b in blocks])[0]
    m = None
    for m in _PREFIX.finditer(text):  # the last "SQL:"-style prefix wins ("Question: ... SQL: ...")
        pass
    if m is not None:
        text = text[m.end():]
    if not _SQL_VERB.match(text):
        sel = _SELECT.search(text)
        cte = _CTE.search(text)
        if sel is None:
            return None
        text = text[cte.start():] if cte is not None and cte.start() <= sel.start() else text[sel.start():]
    lines, kept, blank = text.split("\n"), [], False
    for line in lines:
        if not line.strip():
            blank = True
            continue
        if kept and (_PROSE.match(line) or (blank and not _CONTINUATION.match(line))):
            break
        kept.append(line)
        blank = False
    statements = split_statements("\n".join(kept))
    return statements[0] if statements else None


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
    code = [in_code for _, _, in_code in _scan(sql)]
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
    """sqlglot tree of ``sql`` (SQLite dialect) if it is exactly one statement, else None."""
    try:
        trees = [t for t in sqlglot.parse(sql, read="sqlite") if t is not None]
    except (sqlglot.errors.SqlglotError, RecursionError, ValueError):
        return None
    return trees[0] if len(trees) == 1 else None


def sqlglot_parses(sql: str) -> bool:
    """True if sqlglot parses ``sql`` as exactly one SQLite statement."""
    return parse_sqlite(sql) is not None


def is_valid_sql(sql: str | None, db_path: str | Path) -> bool:
    """Valid = parsed by sqlglot (SQLite dialect) AND accepted by SQLite ``EXPLAIN`` on a
    read-only connection to ``db_path`` (compiles: names resolve, syntax is SQLite's)."""
    from engine.sql.executor import explain_ok, open_readonly

    if not sql or not sqlglot_parses(sql):
        return False
    conn = open_readonly(db_path)
    try:
        return explain_ok(conn, sql)
    finally:
        conn.close()


def read_schema(db_path: str | Path) -> dict[str, list[str]]:
    """``{table: [columns]}`` read from an SQLite file (read-only)."""
    from engine.sql.executor import open_readonly

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


def _field(ex: Any, *names: str, default=None):
    for name in names:
        v = ex.get(name) if isinstance(ex, dict) else getattr(ex, name, None)
        if v is not None:
            return v
    return default


def example_gold_sql(ex: Any) -> str:
    for name in ("gold_sql", "sql", "query", "SQL"):
        v = _field(ex, name)
        if isinstance(v, str):
            return v
    raise ValueError("example has no gold SQL: expected a string field 'gold_sql', 'sql', 'query' or 'SQL'")


def example_db_path(ex: Any, db_root: str | Path | None) -> Path:
    p = _field(ex, "db_path")
    if p:
        return Path(p)
    db_id = _field(ex, "db_id")
    if db_root is None or db_id is None:
        raise ValueError("example has no 'db_path'; pass db_root= (databases at DB_ROOT/<db_id>/<db_id>.sqlite) "
                         "and give each example a 'db_id'")
    return Path(db_root) / db_id / f"{db_id}.sqlite"


def example_index(ex: Any, position: int) -> int:
    """The example's row in its dataset file (``source = (file, row)`` as engine.data sets it),
    else its position in the list."""
    src = _field(ex, "source")
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
        return str(_field(ex, "difficulty", default="") or "unknown")
    given = _field(ex, "hardness")
    if given:
        return str(given)
    parsed = _field(ex, "sql")
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


def format_bucket_table(table: dict[str, dict]) -> str:
    """Markdown table of a ``bucket_table``."""
    lines = ["| bucket | count | execution_accuracy | valid_sql |", "|---|---:|---:|---:|"]
    for name, row in table.items():
        lines.append(f"| {name} | {row['count']} | {row['execution_accuracy']:.3f} | {row['valid_sql']:.3f} |")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- scoring


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
    bucket_key = "hardness" if dialect == "spider" else "difficulty"

    def prep(sql: str | None, is_pred: bool) -> str | None:
        if sql is None:
            return None
        if dialect == "spider":
            return spider_exec_sql(sql, is_prediction=is_pred, keep_distinct=keep_distinct)
        return sql.strip()

    items = []
    for i, (p, ex) in enumerate(zip(preds, examples)):
        samples = list(p) if isinstance(p, (list, tuple)) else None
        cands = samples if samples is not None else [p]
        cands = [extract_sql(c) if extract else (c if c is None or c.strip() else None) for c in cands]
        db = example_db_path(ex, db_root)
        items.append(dict(index=example_index(ex, i), ex=ex, samples=cands if samples is not None else None, cands=cands,
                          db=db, has_db=db.is_file(), gold=example_gold_sql(ex)))

    # One batch: gold queries, every candidate, and EXPLAIN of every raw candidate; on Spider
    # gold and candidates run on every database file of the example (see spider_db_files).
    jobs: list[tuple[str, str]] = []

    def add(db: Path, sql: str) -> int:
        jobs.append((str(db), sql))
        return len(jobs) - 1

    for it in items:
        if not it["has_db"]:
            continue
        dbs = spider_db_files(it["db"]) if dialect == "spider" and test_suite else [it["db"]]
        gold_sql = prep(it["gold"], False)
        it["gold_jobs"] = [add(db, gold_sql) for db in dbs]
        it["order_matters"] = dialect == "spider" and spider_order_matters(gold_sql)
        it["cand_jobs"], it["explain_jobs"] = [], []
        for c in it["cands"]:
            stmts = split_statements(c) if c is not None else []
            it["cand_jobs"].append([add(db, prep(c, True)) for db in dbs] if c is not None else None)
            it["explain_jobs"].append(add(it["db"], "EXPLAIN " + stmts[0]) if len(stmts) == 1 else None)
    # Queries run in worker processes while this thread does the sqlglot work (parse once per
    # distinct prediction: validity and hallucinations), so the two overlap.
    schemas: dict[Path, dict] = {}
    analysis: dict[tuple, tuple] = {}  # (db, sql) -> (sqlglot parses, hallucinated names)
    with SQLRunner(workers=workers, timeout=timeout) as runner, ThreadPoolExecutor(1) as pool:
        runner.start(len(jobs))
        running = pool.submit(runner.run, jobs, progress=progress)
        for it in items:
            if not it["has_db"]:
                continue
            schema = _field(it["ex"], "schema")
            if not isinstance(schema, dict):
                if it["db"] not in schemas:
                    schemas[it["db"]] = read_schema(it["db"])
                schema = schemas[it["db"]]
            for c in it["cands"]:
                if c is not None and (it["db"], c) not in analysis:
                    tree = parse_sqlite(c)
                    analysis[(it["db"], c)] = (tree is not None,
                                               schema_hallucinations(c, schema, tree) if tree is not None else None)
        results = running.result()

    records = []
    for it in items:
        ex = it["ex"]
        rec = {
            "index": it["index"], "db_id": _field(ex, "db_id"), "question": _field(ex, "question"),
            "pred_sql": None, "gold_sql": it["gold"], "exec_match": None, "error": None,
            bucket_key: example_bucket(ex, dialect), "valid": False, "exact_match": False,
            "token_f1": 0.0, "hallucinated": None,
        }
        if dialect == "bird" and _field(ex, "evidence") is not None:
            rec["evidence"] = _field(ex, "evidence")
        if not it["has_db"]:
            rec["pred_sql"] = it["cands"][0]
            rec["error"] = "missing_db"
            records.append(rec)
            continue
        def outcome(cand_jobs) -> tuple[bool, str | None, str]:
            """(match, error category, message) over the example's database files, in the
            official order: gold then prediction on each file; the first failure decides."""
            for gj, pj in zip(it["gold_jobs"], cand_jobs):
                gold_res, res = results[gj], results[pj]
                if not gold_res.ok:
                    return False, "gold_error", gold_res.message
                if not res.ok:
                    return False, res.error, res.message
                same = (spider_result_eq(gold_res.rows, res.rows, it["order_matters"]) if dialect == "spider"
                        else bird_result_eq(gold_res.rows, res.rows))
                if not same:
                    return False, "wrong_result", ""
            return True, None, ""

        pick = 0
        if it["samples"] is not None:
            # vote on each sample's result on the example's own database file
            ran = [results[j[0]] if j is not None else ExecResult(None, "no_sql") for j in it["cand_jobs"]]
            pick = majority_vote(ran) if it["samples"] else 0
            rec["samples"] = it["samples"]
            rec["sample_exec_match"] = [j is not None and outcome(j)[0] for j in it["cand_jobs"]]
            rec["vote_index"] = pick
        pred = it["cands"][pick] if it["cands"] else None
        rec["pred_sql"] = pred
        if pred is None:
            rec["error"], rec["exec_match"] = "no_sql", False
        else:
            ej = it["explain_jobs"][pick]
            parses, rec["hallucinated"] = analysis[(it["db"], pred)]
            rec["valid"] = bool(ej is not None and results[ej].ok and parses)
            rec["exact_match"] = exact_match(pred, it["gold"])
            rec["token_f1"] = token_f1(pred, it["gold"])
            rec["exec_match"], rec["error"], message = outcome(it["cand_jobs"][pick])
            if message:
                rec["gold_message" if rec["error"] == "gold_error" else "message"] = message
        records.append(rec)
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


# ----------------------------------------------------------------------------- reports

REPORT_FIGURES = ("execution_accuracy", "valid_sql", "exact_match", "token_match", "hallucination_rate")


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


def read_predictions(path: str | Path, num_examples: int | None = None) -> list:
    """Read predictions: JSONL (one object per line with ``pred_sql`` / ``sql`` /
    ``prediction`` / ``predicted_sql``, optional ``samples`` list and ``index``), BIRD's json
    dict ``{"0": "SQL\\t----- bird -----\\tdb_id"}``, or Spider's official text format (one SQL
    per line, first tab-separated field; an empty line is a missing prediction).
    With ``num_examples`` the count must match."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    stripped = text.lstrip()
    preds: list
    if stripped.startswith("{") and path.suffix == ".json" or (stripped.startswith("{") and "\n" not in stripped.strip()):
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError(f"{path}: expected BIRD's json dict {{\"0\": \"SQL\\t----- bird -----\\tdb_id\"}}")
        preds = [None] * len(data)
        for k, v in data.items():
            if not str(k).isdigit() or int(k) >= len(data):
                raise ValueError(f"{path}: key {k!r} is not an index 0..{len(data) - 1}")
            sql = v.split(BIRD_SEPARATOR)[0] if isinstance(v, str) else None
            preds[int(k)] = sql if sql and sql.strip() else None
    elif stripped.startswith("{"):
        rows = []
        for ln, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{ln}: not valid JSON ({e.msg}); JSONL needs one object per line") from None
        if rows and all("index" in r for r in rows):
            rows.sort(key=lambda r: r["index"])
        preds = []
        for ln, r in enumerate(rows, 1):
            if r.get("samples"):
                preds.append(list(r["samples"]))
                continue
            sql = next((r[k] for k in ("pred_sql", "sql", "prediction", "predicted_sql") if k in r), "__missing__")
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
    for ln, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
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
    Path(path).write_text("".join(f"{_one_line(example_gold_sql(ex))}\t{_field(ex, 'db_id')}\n"
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


__all__ = [
    "extract_sql", "remove_distinct", "spider_exec_sql", "spider_order_matters", "spider_result_eq",
    "bird_result_eq", "parse_sqlite", "sqlglot_parses", "is_valid_sql", "read_schema", "schema_hallucinations",
    "sql_tokens", "normalize_sql", "exact_match", "token_f1", "result_key", "majority_vote",
    "pass_at_k", "example_gold_sql", "example_db_path", "example_bucket", "bucket_table",
    "format_bucket_table", "score_predictions", "summarize", "read_predictions", "read_spider_gold",
    "write_spider_predictions", "write_spider_gold", "write_bird_predictions", "write_predictions_jsonl",
    "OUTCOMES", "BIRD_SEPARATOR", "BIRD_LEVELS", "EMPTY_PREDICTION", "REPORT_FIGURES", "example_index",
    "align_predictions", "build_report", "format_report_md", "write_outputs", "score_file", "compare_reports",
]
