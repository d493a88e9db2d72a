"""The web page of `python ask.py CONFIG --db FILE --serve`: a question box, the SQL (highlighted),
the result table and every attempt, with the database's schema beside them. Gradio 6 (optional:
`pip install -e ".[app]"`; 6.31 is the version tested).

    app = serve(asker, db, port=7860, block=False)    # 127.0.0.1 unless host says otherwise
    ...; app.close()

What the page can do is what the loop can: one fixed database opened read-only (chosen on the
command line, never by the page), queries through engine/sql/executor.py (authorizer, timeout,
row cap). Gradio's upload route is capped at 0 bytes, since no component takes a file. A user's
mistake or a failed query shows its message in the status line, never a traceback; an
unexpected error shows its type and message there and its traceback in the server's log.
Questions are answered one at a time (the model and the executor's worker are shared).
"""

from __future__ import annotations

import sys
import threading
import traceback

from engine.ask.loop import AskError, AskResult, Asker, Database, error_text
from engine.ask.render import cell_text

PAGE_ROWS = 500  # rows the page's table shows; the result holds up to AskSettings.max_rows


def check_gradio() -> None:
    try:
        import gradio  # noqa: F401
    except ImportError:
        raise AskError('--serve needs Gradio, an optional extra: pip install -e ".[app]"') from None


def _code(text: str) -> str:
    """Text as a Markdown code span (backticks inside it can't end the span)."""
    return "`" + text.replace("`", "'") + "`"


def status_line(result: AskResult) -> str:
    """Markdown: what became of the question, in one line."""
    tries = len(result.attempts)
    tried = f"{tries} attempt{'s' if tries != 1 else ''}"
    if not result.ok:
        last = error_text(result.attempts[-1]) if result.attempts else "no answer"
        return f"**No query ran** after {tried}; the last failed with: {_code(last)}"
    n = len(result.rows)
    shown = f" (first {PAGE_ROWS} shown)" if n > PAGE_ROWS else ""
    repaired = f", {result.repairs} repair{'s' if result.repairs != 1 else ''}" if result.repairs else ""
    voted = f", {result.votes} samples agreed" if result.votes > 1 else ""
    return f"**{n} row{'s' if n != 1 else ''}**{shown} in {result.timings['total_s']:.2f} s ({tried}{repaired}{voted})"


def attempts_table(result: AskResult) -> str:
    """Markdown: one row per answer of the model, with what became of it."""
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| attempt | SQL | outcome |", "|---|---|---|"]
    for a in result.attempts:
        which = ("repair " + str(a.round) if a.round else "first try") + (f", sample {a.sample + 1}" if a.sample else "")
        said = _code(a.sql) if a.sql is not None else "(no SQL) " + _code(a.output[:200])
        outcome = f"ran: {a.row_count} rows" if a.ok else error_text(a)
        lines.append(f"| {which} | {cell(said)} | {cell(outcome)} |")
    return "\n".join(lines) if result.attempts else ""


def page_values(result: AskResult):
    """(status, SQL, result table, attempts) for the page's components."""
    import pandas as pd

    rows = [[v if isinstance(v, (int, float, str)) else cell_text(v, None) for v in r] for r in result.rows[:PAGE_ROWS]]
    table = pd.DataFrame(rows, columns=list(result.columns)) if result.ok else pd.DataFrame()
    return status_line(result), result.sql or "", table, attempts_table(result)


def answer_page(asker: Asker, db: Database, question: str, lock: threading.Lock):
    """The handler: the page's values for a question, errors as a status line."""
    import pandas as pd

    empty = ("", pd.DataFrame(), "")
    try:
        with lock:
            result = asker.ask(db, question)
    except AskError as e:
        return (f"**Error:** {_code(str(e))}",) + empty
    except Exception as e:  # a bug: its message on the page, its traceback in the log
        traceback.print_exc(file=sys.stderr)
        return (f"**Error:** {_code(f'{type(e).__name__}: {e}')}",) + empty
    return page_values(result)


def build_app(asker: Asker, db: Database, *, title: str | None = None):
    import gradio as gr

    lock = threading.Lock()
    name = db.path.name
    with gr.Blocks(title=title or f"ask {name}", analytics_enabled=False) as app:
        gr.Markdown(f"## Ask `{name}`\n{len(db.schema.tables)} tables, opened read-only. "
                    "The model writes SQL; a query that fails is sent back with SQLite's error.")
        with gr.Row():
            with gr.Column(scale=3):
                question = gr.Textbox(label="Question", placeholder="e.g. How many customers live in Paris?",
                                      elem_id="question", lines=1, max_lines=4)
                ask = gr.Button("Ask", variant="primary", elem_id="ask")
                status = gr.Markdown(elem_id="status")
                sql = gr.Code(label="SQL", language="sql", interactive=False, elem_id="sql", wrap_lines=True,
                              lines=2, max_lines=12)
                rows = gr.Dataframe(label="Result", interactive=False, elem_id="rows", max_height=420)
                attempts = gr.Markdown(elem_id="attempts")
            with gr.Column(scale=2):
                gr.Code(db.schema_text, label=f"Schema ({name})", language="sql", interactive=False,
                        elem_id="schema", wrap_lines=True)
        outputs = [status, sql, rows, attempts]
        handler = lambda q: answer_page(asker, db, q, lock)  # noqa: E731
        ask.click(handler, question, outputs, api_name=False)
        question.submit(handler, question, outputs, api_name=False)
    return app


def serve(asker: Asker, db: Database, *, host: str = "127.0.0.1", port: int = 7860, block: bool = True,
          quiet: bool = False):
    """Launch the page on host:port; with block=False, return the running app (app.close() stops it)."""
    app = build_app(asker, db)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"ask.py: serving on {host}: anyone who reaches {host}:{port} can query {db.path} (read-only)",
              file=sys.stderr)
    app.launch(server_name=host, server_port=port, prevent_thread_lock=not block, quiet=quiet, inbrowser=False,
               share=False, show_error=False, max_file_size=0)
    return app
