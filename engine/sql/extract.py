"""The SQL statement in a model's output: ``extract_sql(text)``.

Handles markdown fences, "SQL:" / "Answer:" prefixes, prose before and after the query, and
several statements (the first is kept; ';' inside string literals does not split).
"""

from __future__ import annotations

import re

from engine.sql.statements import split_statements

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
