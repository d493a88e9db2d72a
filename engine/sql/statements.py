"""SQL text as statements, without parsing it: where literals and comments are, and how many
statements a prediction holds.

    split_statements("SELECT 'a;b'; -- note")  -> ["SELECT 'a;b'"]   (one statement: the rest is a comment)
"""

from __future__ import annotations


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
    """Split on ';' outside string literals, quoted names and comments; drop empty statements.

    ``"SELECT 'a;b'; DROP TABLE t;"`` -> ``["SELECT 'a;b'", "DROP TABLE t"]``.
    """
    out, start = [], 0
    for i, c, in_code in scan_sql(sql):
        if in_code and c == ";":
            out.append(sql[start:i])
            start = i + 1
    out.append(sql[start:])
    return [s.strip() for s in out if _has_code(s)]
