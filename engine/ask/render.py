"""Results of the ask loop as text: what ask.py prints and the web page's cells show.

    print(format_result(result))          # the SQL, the table (first 50 rows), the attempts if any failed

    SELECT name FROM customers WHERE city = 'Paris'
    +-------------+
    | name        |
    +-------------+
    | Ada Stone   |
    | Boris Hill  |
    +-------------+
    2 rows (0.01 s)
"""

from __future__ import annotations

from engine.ask.loop import AskResult, Attempt, error_text

SHOW_ROWS = 50  # rows printed; the result itself holds up to AskSettings.max_rows
MAX_CELL = 40  # characters per printed cell


def cell_text(value, max_chars: int | None = MAX_CELL) -> str:
    """A value as a table shows it: NULL, <blob N bytes>, or its text on one line (cut with "...")."""
    if value is None:
        return "NULL"
    if isinstance(value, bytes):
        return f"<blob {len(value)} bytes>"
    text = str(value).replace("\n", " ").replace("\r", " ")
    return text if max_chars is None or len(text) <= max_chars else text[:max_chars - 3] + "..."


def format_table(columns, rows, *, show_rows: int = SHOW_ROWS, max_cell: int = MAX_CELL) -> str:
    """An ASCII table of the first `show_rows` rows, numbers right-aligned."""
    shown = [[cell_text(v, max_cell) for v in r] for r in rows[:show_rows]]
    header = list(columns) or [f"column{i + 1}" for i in range(len(shown[0]) if shown else 0)]
    if not header:
        return "(no columns)"
    widths = [max([len(h)] + [len(r[i]) for r in shown]) for i, h in enumerate(header)]
    numeric = [bool(rows) and all(isinstance(r[i], (int, float)) for r in rows[:show_rows] if r[i] is not None)
               for i in range(len(header))]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def line(cells, align=True):
        return "| " + " | ".join(c.rjust(w) if align and num else c.ljust(w)
                                 for c, w, num in zip(cells, widths, numeric)) + " |"

    out = [rule, line(header, align=False), rule] + [line(r) for r in shown] + [rule]
    return "\n".join(out)


def row_count_line(result: AskResult, show_rows: int = SHOW_ROWS) -> str:
    n = len(result.rows)
    more = f", first {show_rows} shown" if n > show_rows else ""
    return f"{n} row{'s' if n != 1 else ''}{more} ({result.timings['total_s']:.2f} s)"


def attempt_line(a: Attempt) -> str:
    what = "repair " + str(a.round) if a.round else "first try"
    sample = f" sample {a.sample + 1}" if a.sample else ""
    verdict = f"ran, {a.row_count} rows" if a.ok else error_text(a)
    return f"{what}{sample}: {a.sql if a.sql is not None else repr(a.output[:80])}\n    -> {verdict}"


def format_result(result: AskResult, *, show_rows: int = SHOW_ROWS, attempts: bool | None = None) -> str:
    """The kept SQL and its table; the attempts too when any failed (or `attempts=True`)."""
    parts = []
    failed = any(not a.ok for a in result.attempts)
    if attempts or (attempts is None and failed):
        parts += ["attempts:"] + ["  " + attempt_line(a) for a in result.attempts] + [""]
    if result.ok:
        parts += [result.sql, format_table(result.columns, result.rows, show_rows=show_rows),
                  row_count_line(result, show_rows)]
        if result.votes > 1:
            parts.append(f"{result.votes} of {sum(1 for a in result.attempts if a.round == result.attempts[result.chosen].round)} "
                         "samples returned this result")
    else:
        tries = len(result.attempts)
        parts.append(f"no query ran after {tries} attempt{'s' if tries != 1 else ''}; the last failed with: "
                     f"{error_text(result.attempts[-1]) if result.attempts else 'no answer'}")
    return "\n".join(parts)
