"""SQL text as statements, without parsing it: where literals and comments are, how many
statements a prediction holds, and whether the one it holds is a query.

    split_statements("SELECT 'a;b'; -- note")  -> ["SELECT 'a;b'"]   (one statement: the rest is a comment)
    not_a_query("VACUUM INTO '/tmp/x'")        -> "VACUUM is not a query: ..."

Semantics as Python's sqlite3 (which the official Spider and BIRD evaluators execute with): a
statement may be followed by ';' and any whitespace or comments, and is still one statement;
a second statement (even an empty one: "SELECT 1;;") is refused (`statement_count`). Only
queries run: a statement that opens with another of SQLite's statement keywords (VACUUM [INTO],
PRAGMA, ANALYZE, REINDEX, writes, ..., also after EXPLAIN) is refused before SQLite sees it
(`not_a_query`), so it never runs and never counts as valid SQL.
"""

from __future__ import annotations

# SQLite's other statements (https://www.sqlite.org/lang.html); any other first word is left to
# SQLite, whose syntax error says more ("SELEC name ..." stays a syntax_error).
STATEMENT_VERBS = ("alter", "analyze", "attach", "begin", "commit", "create", "delete", "detach", "drop", "end",
                   "insert", "pragma", "reindex", "release", "replace", "rollback", "savepoint", "update", "vacuum")


def scan_sql(sql: str):
    """Yield (index, char, in_code) for each char; in_code is False inside literals/comments."""
    i, n = 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"`[":
            close = "]" if c == "[" else c
            j = i + 1
            while j < n:
                if sql[j] == close:
                    if close != "]" and j + 1 < n and sql[j + 1] == close:  # doubled quote escape
                        j += 2
                        continue
                    break
                j += 1
            for k in range(i, min(j + 1, n)):
                yield k, sql[k], False
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                yield k, sql[k], False
            i = j
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                yield k, sql[k], False
            i = j
        else:
            yield i, c, True
            i += 1


def _has_code(text: str) -> bool:
    """True if ``text`` holds anything besides whitespace and comments."""
    return any(in_code and not c.isspace() or (not in_code and c in "'\"`[") for _, c, in_code in scan_sql(text))


def split_statements(sql: str) -> list[str]:
    """Split on ';' outside string literals, quoted names and comments; drop empty statements
    (whitespace and comments only, as after a final ';').

    ``"SELECT 'a;b'; DROP TABLE t;"`` -> ``["SELECT 'a;b'", "DROP TABLE t"]``.
    """
    out, start = [], 0
    for i, c, in_code in scan_sql(sql):
        if in_code and c == ";":
            out.append(sql[start:i])
            start = i + 1
    out.append(sql[start:])
    return [s.strip() for s in out if _has_code(s)]


def leading_words(stmt: str, n: int = 3) -> list[str]:
    """The first `n` words of code in `stmt`, lower-cased (comments and whitespace skipped)."""
    words, word = [], []
    for _, c, in_code in scan_sql(stmt):
        if in_code and (c.isalnum() or c == "_"):
            word.append(c)
            continue
        if word:
            words.append("".join(word).lower())
            word = []
            if len(words) == n:
                break
        if in_code and not c.isspace():
            break  # punctuation (or a literal) ends the keyword run
        if not in_code and c in "'\"`[":
            break
    if word and len(words) < n:
        words.append("".join(word).lower())
    return words


def not_a_query(stmt: str) -> str | None:
    """Why one statement is not a read-only query we run, or None when it is one."""
    words = leading_words(stmt, 4)
    if words[:1] == ["explain"]:
        words = words[3:] if words[1:3] == ["query", "plan"] else words[1:]
    if not words or words[0] not in STATEMENT_VERBS:
        return None  # a query, or for SQLite to judge (a typo, punctuation: a syntax error)
    verb = words[0].upper()
    return f"{verb} is not a query: only SELECT, WITH ... SELECT and VALUES statements run (refused, never run)"


def statement_count(sql: str) -> int:
    """Statements as Python's sqlite3 counts them when it executes `sql` (the official evaluators
    run predictions that way): leading ';' are skipped; after the first statement's ';' only
    whitespace and comments may follow, and every further ';' starts another statement, even an
    empty one ("SELECT 1;;" is two, "SELECT 1; -- done" one)."""
    pieces, start = [], 0
    for i, c, in_code in scan_sql(sql):
        if in_code and c == ";":
            pieces.append(sql[start:i])
            start = i + 1
    pieces.append(sql[start:])
    first = next((i for i, p in enumerate(pieces) if _has_code(p)), None)
    if first is None:
        return 0
    rest = pieces[first + 1:]
    return 1 + len(rest) - (1 if rest and not _has_code(rest[-1]) else 0)


def one_statement(sql: str) -> str | None:
    """The statement `sql` holds when it holds exactly one, without the ';' and whatever
    whitespace or comments follow it ("SELECT 1; -- done" -> "SELECT 1"); None otherwise."""
    return split_statements(sql)[0] if statement_count(sql) == 1 else None
