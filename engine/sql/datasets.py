"""Text-to-SQL dataset readers: one file -> `Example`s of one shape, with the schema prompt text.

    loaded = load_examples("spider/dev.json", cfg)    # cfg: the [data] section (engine.config.DataConfig)
    loaded.examples[0]                                # Example(question, sql, db_id, schema, ...)

Readers (`data.format`):
- spider: rows {question, query, db_id} (dev.json, train_spider.json, train_spider_min.json);
  tables.json and database/<db_id>/<db_id>.sqlite beside the file unless `tables` / `db_dir` say where.
  `difficulty` is Spider's official hardness (engine.sql.hardness) from the row's parsed `sql`
  dict; for files without it (train_spider_min) from the SQL text, only when stratify_by = "difficulty".
- bird: rows {question, evidence, SQL, db_id, difficulty}; dev_tables.json beside the file; a
  databases folder (dev_databases/, train_databases/ or databases/) when the user has one.
- sql-create-context: rows {context, question, answer} from a local .json / .jsonl, or the hub
  dataset `b-mc2/sql-create-context` (huggingface_hub) when `train_path` is that id.
- jsonl: rows {question, sql, schema | db_path [, db_id, evidence, difficulty]} or chat rows
  {messages: [{role, content}, ...]} whose last message is the assistant's SQL.
Schema source, for spider/bird: if a database folder exists, every example's database must be
there and readable (sample rows come from it); if there is none, the schema is synthesised from
the tables json (no sample rows).

Bad input (a row missing a field, an unknown db_id, a missing or unreadable database file, an
empty dataset) raises `DataError` naming file, row and field; with on_bad_row = "skip" the row
is skipped and listed in `Loaded.skipped` (an empty result is still an error).
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from huggingface_hub import hf_hub_download

from engine.sql.hardness import hardness_from_dict, hardness_from_sql
from engine.sql.schema import Schema, SchemaError, read_sqlite_schema, render_schema, schema_from_tables_entry

if TYPE_CHECKING:  # the readers only read the [data] section's fields
    from engine.config import DataConfig

CROSS_DATABASE_FORMATS = ("spider", "bird")
SQL_CREATE_CONTEXT_HUB = "b-mc2/sql-create-context"
SQL_CREATE_CONTEXT_FILE = "sql_create_context_v4.json"


class DataError(ValueError):
    """A dataset, row or database that cannot be used; the message names file, row and field."""


@dataclass(frozen=True)
class Example:
    question: str
    sql: str  # gold SQL, stripped
    db_id: str | None
    schema: str  # schema prompt text ("" for chat-form rows, which carry their own prompt)
    evidence: str = ""  # BIRD's external knowledge
    difficulty: str = ""  # BIRD: simple / moderate / challenging; Spider: easy / medium / hard / extra
    db_path: str | None = None  # sqlite file, when there is one (for execution)
    source: tuple[str, int] = ("", -1)  # (file, row index)
    schema_info: Schema | None = field(default=None, repr=False, compare=False)  # structured, for shortening
    messages: tuple[tuple[str, str], ...] = ()  # chat-form rows: (role, content) as given


@dataclass(frozen=True)
class Loaded:
    path: str
    examples: tuple[Example, ...]
    skipped: tuple[str, ...] = ()  # one message per skipped bad row


# ----------------------------------------------------------------------------- reading


def read_utf8(path: Path, what: str = "file") -> str:
    """The text of a UTF-8 file (a BOM is dropped); otherwise a DataError naming the file, the line
    of the first bad byte and the fix. `what` names the file in the message ("predictions file")."""
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise DataError(f"{path}:{line}: not UTF-8 text (byte 0x{raw[e.start]:02x} at offset {e.start}); save the "
                        f"{what} as UTF-8, e.g. iconv -f latin1 -t utf-8 {Path(path).name} > utf8-{Path(path).name}") from None


def parse_json(text: str, where: str):
    """json.loads, with JSON nested past Python's recursion limit as a DataError naming `where`
    (file, or file:line) instead of a RecursionError; other JSON errors are the caller's to word."""
    try:
        return json.loads(text)
    except RecursionError:
        raise DataError(f"{where}: JSON nested too deeply to read (more than about {sys.getrecursionlimit()} "
                        "levels of [ or {); is this the right file?") from None


class _BadRows:
    """Raises on a bad row, or records it when the config says skip."""

    def __init__(self, path: Path, policy: str):
        self.path, self.policy, self.skipped = path, policy, []

    def __call__(self, row: int, field_name: str, problem: str):
        msg = f"{self.path}: row {row}: field {field_name!r}: {problem}"
        if self.policy == "error":
            raise DataError(msg + " (set data.on_bad_row = \"skip\" to skip such rows)")
        self.skipped.append(msg)


def _read_rows(path: Path, bad: _BadRows) -> list[tuple[int, Any]]:
    """(row index, row) from a JSON list or a JSON-lines file."""
    if not path.is_file():
        raise DataError(f"data file {path} does not exist")
    try:
        text = read_utf8(path, "data file")
    except OSError as e:
        raise DataError(f"cannot read data file {path}: {e}") from e
    if path.suffix == ".jsonl" or (text.lstrip()[:1] == "{" and path.suffix != ".json"):
        rows = []
        for i, line in enumerate(text.splitlines()):
            if not line.strip():
                continue
            try:
                rows.append((i, parse_json(line, f"{path}:{i + 1}")))
            except json.JSONDecodeError as e:
                bad(i, "<line>", f"not valid JSON ({e.msg}, column {e.colno})")
        return rows
    try:
        data = parse_json(text, str(path))
    except json.JSONDecodeError as e:
        raise DataError(f"{path}: not valid JSON at line {e.lineno} column {e.colno}: {e.msg}") from e
    if isinstance(data, dict) and isinstance(data.get("data"), list):
        data = data["data"]
    if not isinstance(data, list):
        raise DataError(f"{path}: expected a JSON list of rows (or JSON lines), got {type(data).__name__}")
    return list(enumerate(data))


def _text_field(row, key: str, i: int, bad: _BadRows, *, required: bool = True) -> str | None:
    if not isinstance(row, dict):
        bad(i, "<row>", f"expected a JSON object, got {type(row).__name__}")
        return None
    value = row.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            bad(i, key, "missing or empty" + (f" (row has {sorted(row)})" if key not in row else ""))
            return None
        return ""
    if not isinstance(value, str):
        bad(i, key, f"expected a string, got {type(value).__name__}")
        return None
    return value.strip()


def _finish(path: Path, examples: list[Example], bad: _BadRows) -> Loaded:
    if not examples:
        why = f" (all {len(bad.skipped)} rows were bad; first: {bad.skipped[0]})" if bad.skipped else ""
        raise DataError(f"{path}: the dataset is empty{why}")
    return Loaded(str(path), tuple(examples), tuple(bad.skipped))


def _find_beside(path: Path, explicit: str, candidates: tuple[str, ...], what: str, *, is_dir: bool) -> Path | None:
    if explicit:
        p = Path(explicit)
        if not (p.is_dir() if is_dir else p.is_file()):
            raise DataError(f"{what} {p} (from the data config) does not exist")
        return p
    for name in candidates:
        p = path.parent / name
        if p.is_dir() if is_dir else p.is_file():
            return p
    return None


class _SchemaCache:
    """One read per database; a database that fails keeps failing with the same message."""

    def __init__(self, cfg: DataConfig):
        self.cfg, self.cache, self.texts = cfg, {}, {}

    def sqlite(self, db_path: Path, db_id: str) -> Schema:
        key = str(db_path)
        if key not in self.cache:
            try:
                self.cache[key] = read_sqlite_schema(db_path, sample_rows=self.cfg.sample_rows, db_id=db_id)
            except SchemaError as e:
                self.cache[key] = e
        hit = self.cache[key]
        if isinstance(hit, Exception):
            raise hit
        return hit

    def render(self, schema: Schema) -> str:
        key = id(schema)  # schemas are cached above, so one rendering per database
        if key not in self.texts:
            self.texts[key] = (schema, render_schema(schema, style=self.cfg.schema_style, sample_rows=self.cfg.sample_rows,
                                                     max_value_chars=self.cfg.max_value_chars))
        return self.texts[key][1]


def _read_benchmark(path: Path, cfg: DataConfig, *, sql_key: str, tables_names: tuple[str, ...],
                    db_dir_names: tuple[str, ...], bird: bool) -> Loaded:
    bad = _BadRows(path, cfg.on_bad_row)
    rows = _read_rows(path, bad)
    tables_path = _find_beside(path, cfg.tables, tables_names, "tables file", is_dir=False)
    db_dir = _find_beside(path, cfg.db_dir, db_dir_names, "database folder", is_dir=True)
    if tables_path is None and db_dir is None:
        raise DataError(f"{path}: found neither a tables file ({' / '.join(tables_names)}) nor a database folder "
                        f"({' / '.join(db_dir_names)}) beside it; set data.tables or data.db_dir")
    entries = {}
    if tables_path is not None:
        try:
            entries = {e["db_id"]: e for e in parse_json(read_utf8(tables_path, "tables file"), str(tables_path))}
        except (OSError, json.JSONDecodeError, KeyError, TypeError) as e:
            raise DataError(f"cannot read tables file {tables_path}: {e}") from e
    schemas = _SchemaCache(cfg)
    from_tables: dict[str, Schema] = {}
    examples = []
    for i, row in rows:
        question = _text_field(row, "question", i, bad)
        sql = _text_field(row, sql_key, i, bad) if question is not None else None
        db_id = _text_field(row, "db_id", i, bad) if sql is not None else None
        if db_id is None:
            continue
        evidence = difficulty = ""
        if not bird:
            difficulty = _spider_hardness(row, sql, parse_text=cfg.stratify_by == "difficulty")
        if bird:
            evidence = _text_field(row, "evidence", i, bad, required=False)
            difficulty = _text_field(row, "difficulty", i, bad, required=False)
            if evidence is None or difficulty is None:
                continue
        if entries and db_id not in entries:
            bad(i, "db_id", f"unknown database {db_id!r}: not in {tables_path}")
            continue
        db_path = None
        try:
            if db_dir is not None:
                db_path = db_dir / db_id / f"{db_id}.sqlite"
                if not db_path.is_file():
                    bad(i, "db_id", f"database file {db_path} is missing")
                    continue
                schema = schemas.sqlite(db_path, db_id)
            else:
                if db_id not in from_tables:
                    from_tables[db_id] = schema_from_tables_entry(entries[db_id], source=str(tables_path))
                schema = from_tables[db_id]
        except SchemaError as e:
            bad(i, "db_id", str(e))
            continue
        examples.append(Example(
            question=question, sql=sql, db_id=db_id, schema=schemas.render(schema), evidence=evidence,
            difficulty=difficulty, db_path=str(db_path) if db_path else None, source=(str(path), i),
            schema_info=schema,
        ))
    return _finish(path, examples, bad)


def _spider_hardness(row: dict, sql: str, *, parse_text: bool) -> str:
    """Spider's official hardness from the row's parsed `sql` dict (dev.json, train_spider.json); from the
    SQL text (sqlglot, ~2 ms a query) only when asked, for files without the dict (train_spider_min)."""
    try:
        if isinstance(row.get("sql"), dict):
            return hardness_from_dict(row["sql"])
        return hardness_from_sql(sql) if parse_text else ""
    except Exception:  # an odd row gets no bucket rather than an error: hardness is informative only
        return ""


def read_spider(path: str | Path, cfg: DataConfig) -> Loaded:
    return _read_benchmark(Path(path), cfg, sql_key="query", tables_names=("tables.json",),
                           db_dir_names=("database",), bird=False)


def read_bird(path: str | Path, cfg: DataConfig) -> Loaded:
    return _read_benchmark(Path(path), cfg, sql_key="SQL",
                           tables_names=("dev_tables.json", "train_tables.json", "tables.json"),
                           db_dir_names=("dev_databases", "train_databases", "databases", "database"), bird=True)


def _fetch_sql_create_context(repo_id: str) -> Path:
    """The hub dataset's JSON file (only that file) through huggingface_hub's cache."""
    try:
        return Path(hf_hub_download(repo_id=repo_id, filename=SQL_CREATE_CONTEXT_FILE, repo_type="dataset"))
    except Exception as e:
        raise DataError(f"cannot fetch {SQL_CREATE_CONTEXT_FILE} of hub dataset {repo_id!r} ({e}); "
                        "download it once and set data.train_path to the local .json/.jsonl file") from e


def read_sql_create_context(path: str | Path, cfg: DataConfig) -> Loaded:
    path = Path(path)
    if not path.exists() and str(path) == SQL_CREATE_CONTEXT_HUB:
        path = _fetch_sql_create_context(str(path))
    bad = _BadRows(path, cfg.on_bad_row)
    examples = []
    for i, row in _read_rows(path, bad):
        context = _text_field(row, "context", i, bad)
        question = _text_field(row, "question", i, bad) if context is not None else None
        answer = _text_field(row, "answer", i, bad) if question is not None else None
        if answer is None:
            continue
        examples.append(Example(question=question, sql=answer, db_id=None, schema=context, source=(str(path), i)))
    return _finish(path, examples, bad)


def read_jsonl(path: str | Path, cfg: DataConfig) -> Loaded:
    path = Path(path)
    bad = _BadRows(path, cfg.on_bad_row)
    schemas = _SchemaCache(cfg)
    examples = []
    for i, row in _read_rows(path, bad):
        if isinstance(row, dict) and "messages" in row:
            msgs = row["messages"]
            ok = isinstance(msgs, list) and msgs and all(
                isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
                for m in msgs)
            if not ok or msgs[-1]["role"] != "assistant" or not msgs[-1]["content"].strip():
                bad(i, "messages", "expected a list of {role, content} ending with a non-empty assistant message")
                continue
            users = [m["content"] for m in msgs if m["role"] == "user"]
            examples.append(Example(
                question=users[-1] if users else "", sql=msgs[-1]["content"].strip(), db_id=row.get("db_id"),
                schema="", source=(str(path), i),
                messages=tuple((m["role"], m["content"]) for m in msgs[:-1]) + (("assistant", msgs[-1]["content"].strip()),),
            ))
            continue
        question = _text_field(row, "question", i, bad)
        sql = _text_field(row, "sql", i, bad) if question is not None else None
        if sql is None:
            continue
        schema_text = _text_field(row, "schema", i, bad, required=False)
        db_rel = _text_field(row, "db_path", i, bad, required=False)
        evidence = _text_field(row, "evidence", i, bad, required=False)
        difficulty = _text_field(row, "difficulty", i, bad, required=False)
        if None in (schema_text, db_rel, evidence, difficulty):
            continue
        info, db_path = None, None
        if db_rel:
            db_path = Path(db_rel) if Path(db_rel).is_absolute() else path.parent / db_rel
            if not db_path.is_file():
                bad(i, "db_path", f"database file {db_path} is missing")
                continue
            try:
                info = schemas.sqlite(db_path, row.get("db_id") or db_path.stem)
            except SchemaError as e:
                bad(i, "db_path", str(e))
                continue
            if not schema_text:
                schema_text = schemas.render(info)
        elif not schema_text:
            bad(i, "schema", "a row needs 'schema' (text) or 'db_path' (a sqlite file)")
            continue
        examples.append(Example(
            question=question, sql=sql, db_id=row.get("db_id") or (db_path.stem if db_path else None),
            schema=schema_text, evidence=evidence, difficulty=difficulty,
            db_path=str(db_path) if db_path else None, source=(str(path), i), schema_info=info,
        ))
    return _finish(path, examples, bad)


READERS = {"spider": read_spider, "bird": read_bird, "sql-create-context": read_sql_create_context,
           "jsonl": read_jsonl}
FORMATS = tuple(READERS)  # data.format's choices


def load_examples(path: str | Path, cfg: DataConfig) -> Loaded:
    """Examples of one file with the reader `cfg.format` names."""
    if not str(path):
        raise DataError("no data path given (set data.train_path or data.eval_path)")
    return READERS[cfg.format](path, cfg)
