"""Ask a SQLite database questions in plain words: the model writes SQL, the loop runs and repairs it.

    python ask.py CONFIG --db FILE [--adapter DIR] "question"     # the SQL and its rows as a table
    python ask.py CONFIG --db FILE [--adapter DIR]                # an interactive prompt (history in ~/.sqlora_history)
    python ask.py CONFIG --db FILE [--adapter DIR] --serve [--port 7860]   # the web page, on 127.0.0.1

CONFIG is a run config (its [model], [data] schema settings and [eval] decoding); the database is
opened read-only. Thin: parse, build, run; the loop is engine/ask/loop.py, the page engine/ask/app.py.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

from engine.ask.loop import AskError, Asker, AskSettings, check_sqlite_file, open_database
from engine.ask.render import SHOW_ROWS, format_result
from engine.cli import user_errors
from engine.config import load_config
from engine.demo.prepare import prepare_inputs

HISTORY = Path(os.environ.get("SQLORA_HISTORY", "~/.sqlora_history")).expanduser()
QUIT = {"quit", "exit", ":q", r"\q"}


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="ask.py", description=__doc__.splitlines()[0],
                                epilog="Interactive commands: .schema prints the schema prompt; quit or Ctrl-D leaves.")
    p.add_argument("config", help="run config (TOML): [model], [data] (schema prompt), [eval] (decoding)")
    p.add_argument("question", nargs="?", help="the question (none: an interactive prompt)")
    p.add_argument("--db", required=True, metavar="FILE", help="the SQLite database to ask (opened read-only)")
    p.add_argument("--adapter", metavar="DIR", help="LoRA adapter folder (train.py writes <run_dir>/adapter)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="SECTION.KEY=VALUE",
                   help="override a config value, e.g. --set eval.max_new_tokens=128 (repeatable)")
    p.add_argument("--max-repairs", type=int, metavar="N", help=f"re-prompts with SQLite's error (default {AskSettings.max_repairs})")
    p.add_argument("--num-samples", type=int, metavar="N", help="answers per round, voted by execution (default: eval.num_samples)")
    p.add_argument("--temperature", type=float, metavar="T", help="sampling temperature (default: eval.temperature)")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="per query (default: eval.timeout)")
    p.add_argument("--max-rows", type=int, metavar="N", help=f"a larger result is an error (default {AskSettings.max_rows})")
    p.add_argument("--show-rows", type=int, default=SHOW_ROWS, metavar="N", help=f"rows printed (default {SHOW_ROWS})")
    p.add_argument("--json", action="store_true", help="print the whole result (SQL, rows, attempts, timings) as JSON")
    p.add_argument("--serve", action="store_true", help="serve the web page instead of answering here")
    p.add_argument("--host", default="127.0.0.1", help="with --serve: the address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=7860, help="with --serve: the port (default 7860)")
    args = p.parse_intermixed_args(argv)  # CONFIG --db FILE "question": positionals on both sides
    if args.serve and args.question:
        p.error("give a question or --serve, not both")
    if not args.serve and (args.host != "127.0.0.1" or args.port != 7860):
        p.error("--host and --port go with --serve")
    return args


def load_generator(cfg, adapter):
    """The model generator (a separate name so tests can put a stub in its place)."""
    from engine.ask.model import load_generator as load

    return load(cfg, adapter)[0]


def answer(asker, db, question: str, args, out=None) -> bool:
    out = out or sys.stdout
    result = asker.ask(db, question)
    if args.json:
        print(json.dumps(result.to_dict(), indent=1, default=repr), file=out)
    else:
        print(format_result(result, show_rows=args.show_rows), file=out)
    return result.ok


def interactive(asker, db, args, *, read=input, out=None) -> None:
    """Questions from `read` until quit / end of input; errors are printed and the prompt goes on."""
    out = out or sys.stdout
    history = _readline_history()
    print(f"asking {db.path} ({len(db.schema.tables)} tables); .schema shows the schema, quit or Ctrl-D leaves",
          file=out)
    try:
        while True:
            try:
                line = read("ask> ").strip()
            except EOFError:
                print(file=out)
                return
            if not line:
                continue
            if line.lower() in QUIT:
                return
            if line == ".schema":
                print(db.schema_text, file=out)
                continue
            try:
                answer(asker, db, line, args, out)
            except AskError as e:
                print(f"error: {e}", file=out)
            except KeyboardInterrupt:
                print("(interrupted)", file=out)
    finally:
        if history is not None:
            history()


def _readline_history():
    """Load ~/.sqlora_history into readline; returns the function that saves it (None without readline)."""
    try:
        import readline
    except ImportError:
        return None
    try:
        readline.read_history_file(HISTORY)
    except OSError:
        pass
    readline.set_history_length(1000)

    def save():
        try:
            readline.write_history_file(HISTORY)
        except OSError:
            pass

    return save


def main(argv=None) -> int:
    """Exit status: 0 answered, 1 no query ran, 2 a user error (one line naming what to fix)."""
    args = parse_args(argv)
    try:
        with user_errors("ask.py"):
            try:
                check_sqlite_file(args.db)  # before minutes of model loading
                cfg = load_config(args.config, overrides=args.overrides)
                settings = AskSettings.from_config(cfg, max_repairs=args.max_repairs, num_samples=args.num_samples,
                                                   temperature=args.temperature, timeout=args.timeout,
                                                   max_rows=args.max_rows)
                if args.serve:
                    from engine.ask.app import check_gradio
                    check_gradio()
                prepare_inputs(cfg)  # only what [data] build / [model] build ask for (the offline demo)
                generator = load_generator(cfg, args.adapter)
                db = open_database(args.db, cfg.data, getattr(generator, "tokenizer", None))
                with Asker(generator, settings) as asker:
                    asker.start()  # the executor's worker, forked before any server thread
                    if args.serve:
                        from engine.ask.app import serve
                        # a kill stops the server as Ctrl-C does, so the executor's worker is closed too
                        signal.signal(signal.SIGTERM, signal.default_int_handler)
                        serve(asker, db, host=args.host, port=args.port)
                        return 0
                    if args.question is not None:
                        return 0 if answer(asker, db, args.question, args) else 1
                    interactive(asker, db, args)
                    return 0
            except AskError as e:
                print(f"ask.py: error: {e}", file=sys.stderr)
                return 2
    except SystemExit as e:
        return e.code


if __name__ == "__main__":
    sys.exit(main())
