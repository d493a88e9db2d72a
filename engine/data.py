"""Text-to-SQL data: dataset readers, schema prompts, loss masks, sampling, splits, leakage check, report.

    cfg = DataConfig(format="spider", train_path="spider/train_spider.json", eval_path="spider/dev.json")
    data = prepare_data(cfg, tokenizer)       # load, sample, split, check leakage, tokenise
    data.train.items[0]                       # {"input_ids": [...], "labels": [-100, ..., answer ids, <|im_end|>]}
    python -m engine.data configs/x.toml      # or: python -m engine.data --format spider --train-path ... --tokenizer ...

Readers (`data.format`), all yielding `Example`s of one shape:
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

Prompt (`build_prompt_messages`, the same for training and evaluation): a system message
(`system_prompt`; omitted when empty), then a user message "Database schema:\\n<schema>\\n\\n
[External knowledge: <evidence>\\n]Question: <question>". Training adds the gold SQL as the
assistant message; the loss covers the SQL and its end-of-turn token only (models.tokenizer's
`encode_chat`).

Overflow policy for `max_len` (tokens of prompt + answer for training; of the prompt for
evaluation examples):
1. fewer sample rows: sample_rows - 1, ..., 0, taking the first rendering that fits;
2. training examples only: keep just the tables the gold SQL uses (sqlglot), again from
   sample_rows rows down to 0 (dropping tables by the gold query is not possible at evaluation);
3. a training example that still does not fit is dropped and counted. Evaluation examples are
   never dropped (that would flatter the benchmark): they are counted as "too long" and kept.
Nothing is ever truncated, so no answer is cut mid-way. `data_report` prints every count.

Bad input (a row missing a field, an unknown db_id, a missing or unreadable database file, an
empty dataset) raises `DataError` naming file, row and field; with on_bad_row = "skip" the row
is skipped and listed in `Loaded.skipped` (an empty result is still an error).

Sampling keeps `sample_frac` of the training set, stratified by `stratify_by` (difficulty,
db_id, evidence_len buckets) with largest-remainder quotas so each stratum keeps its share; the
validation split draws `val_frac` the same way. The leakage check compares the training (and
validation) set with the evaluation set: the same normalised question + SQL on the same database
(Spider's train and dev share two generic pairs such as "Count the number of documents." on
different databases: not the same example), and, for the cross-database benchmarks (spider,
bird), any shared database; it raises unless leakage = "warn".
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import sys
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from engine.sql.schema import (
    SCHEMA_STYLES,
    Schema,
    SchemaError,
    read_sqlite_schema,
    render_schema,
    schema_from_tables_entry,
    tables_in_sql,
)

FORMATS = ("spider", "bird", "sql-create-context", "jsonl")
CROSS_DATABASE_FORMATS = ("spider", "bird")
STRATIFY_FIELDS = ("", "difficulty", "db_id", "evidence_len")
SQL_CREATE_CONTEXT_HUB = "b-mc2/sql-create-context"
SQL_CREATE_CONTEXT_FILE = "sql_create_context_v4.json"
IGNORE_INDEX = -100  # label of positions that carry no loss (torch's cross_entropy default)
DEFAULT_SYSTEM_PROMPT = (
    "You are a text-to-SQL assistant. Given a SQLite database schema and a question, "
    "answer with a single SQLite query and nothing else."
)


class DataError(ValueError):
    """A dataset, row or database that cannot be used; the message names file, row and field."""


@dataclass(frozen=True)
class DataConfig:
    format: str = "spider"  # reader: spider | bird | sql-create-context | jsonl
    train_path: str = ""  # training file (.json/.jsonl); for sql-create-context also the hub id
    eval_path: str = ""  # evaluation file in the same format ("" = none); checked for leakage against training
    tables: str = ""  # spider/bird tables json ("" = tables.json / dev_tables.json / train_tables.json beside the file)
    db_dir: str = ""  # folder of <db_id>/<db_id>.sqlite ("" = database/ or *_databases/ beside the file, if any)
    schema_style: str = "create"  # "create" (CREATE TABLE as stored) | "compact" (table(col type PK, ...))
    sample_rows: int = 3  # example rows per table in the schema (0 = none)
    max_value_chars: int = 80  # sample values longer than this are cut with "..."
    use_evidence: bool = True  # add BIRD's evidence to the question as "External knowledge"
    system_prompt: str = DEFAULT_SYSTEM_PROMPT  # system message ("" = none: the chat template's default)
    max_len: int = 2048  # max tokens of prompt + answer; longer examples are shortened, then dropped
    sample_frac: float = 1.0  # fraction of the training set kept (stratified by stratify_by)
    stratify_by: str = ""  # "" | "difficulty" | "db_id" | "evidence_len": field whose distribution sampling keeps
    val_frac: float = 0.0  # fraction of the (sampled) training set held out for validation
    seed: int = 0  # seed of sampling and of the validation split
    leakage: str = "error"  # train/eval overlap (same question+SQL; same database for spider/bird): "error" | "warn"
    on_bad_row: str = "error"  # a bad row: "error" | "skip" (skipped rows are counted and listed)
    build: str = ""  # "" | "synthetic": generate the offline demo's task (engine/demo/synthetic.py) into train_path's folder when missing

    def __post_init__(self):
        choices = {"format": FORMATS, "schema_style": SCHEMA_STYLES, "stratify_by": STRATIFY_FIELDS, "build": ("", "synthetic"),
                   "leakage": ("error", "warn"), "on_bad_row": ("error", "skip")}
        for key, allowed in choices.items():
            if getattr(self, key) not in allowed:
                raise ValueError(f"data.{key} = {getattr(self, key)!r} is not one of {list(allowed)}")
        if not 0.0 < self.sample_frac <= 1.0:
            raise ValueError(f"data.sample_frac = {self.sample_frac} must be in (0, 1]")
        if not 0.0 <= self.val_frac < 1.0:
            raise ValueError(f"data.val_frac = {self.val_frac} must be in [0, 1)")
        if self.sample_rows < 0 or self.max_len <= 0 or self.max_value_chars <= 0:
            raise ValueError("data.sample_rows must be >= 0, data.max_len and data.max_value_chars > 0")


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
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise DataError(f"cannot read data file {path}: {e}") from e
    if path.suffix == ".jsonl" or (text.lstrip()[:1] == "{" and path.suffix != ".json"):
        rows = []
        for i, line in enumerate(text.splitlines()):
            if not line.strip():
                continue
            try:
                rows.append((i, json.loads(line)))
            except json.JSONDecodeError as e:
                bad(i, "<line>", f"not valid JSON ({e.msg}, column {e.colno})")
        return rows
    try:
        data = json.loads(text)
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
            entries = {e["db_id"]: e for e in json.loads(tables_path.read_text(encoding="utf-8"))}
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
    from engine.sql.hardness import hardness_from_dict, hardness_from_sql

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
    from huggingface_hub import hf_hub_download

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


def load_examples(path: str | Path, cfg: DataConfig) -> Loaded:
    """Examples of one file with the reader `cfg.format` names."""
    if not str(path):
        raise DataError("no data path given (set data.train_path or data.eval_path)")
    return READERS[cfg.format](path, cfg)


# ----------------------------------------------------------------------------- prompts


def format_user_prompt(example: Example, cfg: DataConfig) -> str:
    parts = [f"Database schema:\n{example.schema}", ""]
    if cfg.use_evidence and example.evidence:
        parts.append(f"External knowledge: {example.evidence}")
    parts.append(f"Question: {example.question}")
    return "\n".join(parts)


def build_prompt_messages(example: Example, cfg: DataConfig) -> list[dict]:
    """Chat messages [system, user] asking for the example's SQL (the same for training and eval)."""
    if example.messages:
        msgs = example.messages[:-1] if example.messages[-1][0] == "assistant" else example.messages
        return [{"role": r, "content": c} for r, c in msgs]
    msgs = [{"role": "system", "content": cfg.system_prompt}] if cfg.system_prompt else []
    return msgs + [{"role": "user", "content": format_user_prompt(example, cfg)}]


def build_training_messages(example: Example, cfg: DataConfig) -> list[dict]:
    """The prompt messages plus the gold SQL as the assistant's answer."""
    return build_prompt_messages(example, cfg) + [{"role": "assistant", "content": example.sql}]


# ----------------------------------------------------------------------------- tokenisation


@dataclass(frozen=True)
class Fitted:
    example: Example  # as rendered (schema possibly shortened)
    prompt_ids: list[int]
    answer_ids: list[int]  # gold SQL + end-of-turn token
    status: str  # "ok" | "shortened" | "dropped" (training) | "too_long" (evaluation, kept)


def _schema_variants(example: Example, cfg: DataConfig, training: bool):
    """Renderings to try, in the order of the overflow policy (the first is the example itself)."""
    yield example
    info = example.schema_info
    if info is None:
        return
    render = lambda s, n: render_schema(s, style=cfg.schema_style, sample_rows=n, max_value_chars=cfg.max_value_chars)
    has_rows = any(t.rows for t in info.tables)
    if has_rows:
        for n in range(cfg.sample_rows - 1, -1, -1):
            yield replace(example, schema=render(info, n))
    if training:
        used = tables_in_sql(example.sql, info.table_names)
        if used and len(used) < len(info.tables):
            small = info.keep(used)
            for n in range(cfg.sample_rows if has_rows else 0, -1, -1):
                yield replace(example, schema=render(small, n))


def fit_example(example: Example, tokenizer, cfg: DataConfig, *, training: bool = True) -> Fitted:
    """Tokenise an example, shortening its schema by the overflow policy until it fits `max_len`."""
    first = None
    for variant in _schema_variants(example, cfg, training):
        prompt_ids, answer_ids = tokenizer.encode_chat(build_training_messages(variant, cfg))
        first = first or (variant, prompt_ids, answer_ids)
        length = len(prompt_ids) + len(answer_ids) if training else len(prompt_ids)
        if length <= cfg.max_len:
            return Fitted(variant, prompt_ids, answer_ids, "ok" if variant is example else "shortened")
    variant, prompt_ids, answer_ids = first
    return Fitted(variant, prompt_ids, answer_ids, "dropped" if training else "too_long")


def encode_example(example: Example, tokenizer, cfg: DataConfig) -> dict | None:
    """{"input_ids", "labels"} of a training example (labels IGNORE_INDEX outside the answer), None if dropped."""
    fitted = fit_example(example, tokenizer, cfg, training=True)
    if fitted.status == "dropped":
        return None
    return {"input_ids": fitted.prompt_ids + fitted.answer_ids,
            "labels": [IGNORE_INDEX] * len(fitted.prompt_ids) + fitted.answer_ids}


@dataclass(frozen=True)
class Encoded:
    items: tuple[dict, ...]  # training: {"input_ids", "labels"}; evaluation: {"input_ids"} (the prompt)
    examples: tuple[Example, ...]  # the examples kept, as rendered, parallel to items
    prompt_lens: tuple[int, ...]  # tokens, parallel to items
    answer_lens: tuple[int, ...]  # tokens of gold SQL + end-of-turn, parallel to items
    n_shortened: int
    dropped: tuple[tuple[str, int], ...]  # sources of training examples dropped as too long
    too_long: tuple[tuple[str, int], ...]  # sources of evaluation prompts kept although longer than max_len


def encode_examples(examples, tokenizer, cfg: DataConfig, *, training: bool = True) -> Encoded:
    items, kept, plens, alens, dropped, too_long, shortened = [], [], [], [], [], [], 0
    for ex in examples:
        fitted = fit_example(ex, tokenizer, cfg, training=training)
        shortened += fitted.status == "shortened"
        if fitted.status == "dropped":
            dropped.append(ex.source)
            continue
        if fitted.status == "too_long":
            too_long.append(ex.source)
        p, a = fitted.prompt_ids, fitted.answer_ids
        items.append({"input_ids": p + a, "labels": [IGNORE_INDEX] * len(p) + a} if training else {"input_ids": p})
        kept.append(fitted.example)
        plens.append(len(p))
        alens.append(len(a))
    return Encoded(tuple(items), tuple(kept), tuple(plens), tuple(alens), shortened, tuple(dropped), tuple(too_long))


# ----------------------------------------------------------------------------- sampling, splits, leakage


def stratum_of(example: Example, by: str) -> str:
    if by == "":
        return ""
    if by == "difficulty":
        return example.difficulty or "<none>"
    if by == "db_id":
        return example.db_id or "<none>"
    if by == "evidence_len":  # characters of evidence, bucketed
        n = len(example.evidence)
        return "0" if n == 0 else "1-50" if n <= 50 else "51-100" if n <= 100 else "101-200" if n <= 200 else ">200"
    raise ValueError(f"stratify_by {by!r} is not one of {list(STRATIFY_FIELDS)}")


def _stratified_pick(examples, frac: float, by: str, seed: int) -> set[int]:
    """Indices of round(frac * n) examples, each stratum getting its largest-remainder share."""
    groups = defaultdict(list)
    for i, ex in enumerate(examples):
        groups[stratum_of(ex, by)].append(i)
    rng = random.Random(seed)
    total = round(frac * len(examples))
    keys = sorted(groups)
    quota = {k: frac * len(groups[k]) for k in keys}
    take = {k: math.floor(quota[k]) for k in keys}
    order = sorted(keys, key=lambda k: (-(quota[k] - take[k]), rng.random()))
    for k in order[: total - sum(take.values())]:
        take[k] += 1
    picked = set()
    for k in keys:
        picked.update(rng.sample(groups[k], take[k]))
    return picked


def sample_examples(examples, frac: float, *, stratify_by: str = "", seed: int = 0) -> list[Example]:
    """round(frac * n) examples, stratified by `stratify_by`, in their original order."""
    examples = list(examples)
    if frac >= 1.0:
        return examples
    picked = _stratified_pick(examples, frac, stratify_by, seed)
    return [ex for i, ex in enumerate(examples) if i in picked]


def split_validation(examples, val_frac: float, *, stratify_by: str = "", seed: int = 0):
    """(train, validation): validation holds round(val_frac * n) examples, stratified, seeded."""
    examples = list(examples)
    if val_frac <= 0:
        return examples, []
    picked = _stratified_pick(examples, val_frac, stratify_by, seed + 1)
    return ([ex for i, ex in enumerate(examples) if i not in picked],
            [ex for i, ex in enumerate(examples) if i in picked])


def _norm_text(s: str) -> str:
    return " ".join(s.lower().split()).rstrip("?.! ")


def _norm_sql(s: str) -> str:
    s = " ".join(s.lower().replace('"', "'").split()).rstrip("; ")
    return re.sub(r"\s*([(),=<>*])\s*", r"\1", s)


def check_leakage(train, evaluation, *, cross_database: bool, policy: str = "error") -> list[str]:
    """Overlaps between training and evaluation examples; raises DataError unless policy is "warn"."""
    key = lambda ex: (ex.db_id, _norm_text(ex.question), _norm_sql(ex.sql))
    seen = {}
    for ex in evaluation:
        seen.setdefault(key(ex), ex)
    pairs = [(ex, seen[k]) for ex in train if (k := key(ex)) in seen]
    findings = []
    if pairs:
        a, b = pairs[0]
        findings.append(
            f"{len(pairs)} training examples have the same question and SQL (and database) as an evaluation "
            f"example (e.g. {a.source[0]} row {a.source[1]} and {b.source[0]} row {b.source[1]}: {a.question!r})")
    if cross_database:
        shared = sorted({ex.db_id for ex in train if ex.db_id} & {ex.db_id for ex in evaluation if ex.db_id})
        if shared:
            n = sum(ex.db_id in shared for ex in train)
            findings.append(
                f"{len(shared)} databases appear in both training ({n} examples) and evaluation: "
                f"{', '.join(shared[:10])}{' ...' if len(shared) > 10 else ''}; Spider and BIRD measure "
                "generalisation to unseen databases")
    if findings:
        msg = "train/eval leakage: " + "; ".join(findings)
        if policy == "error":
            raise DataError(msg + ". Fix the splits, or set data.leakage = \"warn\" to continue anyway.")
        warnings.warn(msg, stacklevel=2)
    return findings


# ----------------------------------------------------------------------------- the whole pipeline


@dataclass(frozen=True)
class PreparedData:
    cfg: DataConfig
    train: Encoded | None
    val: Encoded | None
    eval: Encoded | None  # evaluation prompts (training=False)
    loaded_train: Loaded | None
    loaded_eval: Loaded | None
    n_sampled: int  # training examples after sample_frac, before the validation split
    leakage: tuple[str, ...]  # findings when leakage = "warn"


def prepare_data(cfg: DataConfig, tokenizer) -> PreparedData:
    """Load, sample, split, check leakage and tokenise what the config names."""
    loaded_train = load_examples(cfg.train_path, cfg) if cfg.train_path else None
    loaded_eval = load_examples(cfg.eval_path, cfg) if cfg.eval_path else None
    if loaded_train is None and loaded_eval is None:
        raise DataError("no data: set data.train_path and/or data.eval_path")
    train = val = evaluation = None
    findings, n_sampled = [], 0
    if loaded_train is not None:
        sampled = sample_examples(loaded_train.examples, cfg.sample_frac, stratify_by=cfg.stratify_by, seed=cfg.seed)
        n_sampled = len(sampled)
        train_ex, val_ex = split_validation(sampled, cfg.val_frac, stratify_by=cfg.stratify_by, seed=cfg.seed)
        if loaded_eval is not None:
            findings = check_leakage(train_ex + val_ex, loaded_eval.examples,
                                     cross_database=cfg.format in CROSS_DATABASE_FORMATS, policy=cfg.leakage)
        train = encode_examples(train_ex, tokenizer, cfg, training=True)
        val = encode_examples(val_ex, tokenizer, cfg, training=True) if val_ex else None
        if not train.items:
            raise DataError(f"every training example of {cfg.train_path} is longer than data.max_len = {cfg.max_len}")
    if loaded_eval is not None:
        evaluation = encode_examples(loaded_eval.examples, tokenizer, cfg, training=False)
    return PreparedData(cfg, train, val, evaluation, loaded_train, loaded_eval, n_sampled, tuple(findings))


# ----------------------------------------------------------------------------- report


def length_stats(values) -> dict:
    """min / median / p90 / p99 / max / mean of token counts (linear-interpolated percentiles)."""
    import numpy as np

    if len(values) == 0:
        return {}
    v = np.asarray(values, dtype=np.float64)
    q = np.percentile(v, [50, 90, 99])
    return {"n": int(v.size), "min": int(v.min()), "median": float(q[0]), "p90": float(q[1]),
            "p99": float(q[2]), "max": int(v.max()), "mean": float(v.mean())}


def _fmt_stats(s: dict) -> str:
    if not s:
        return "-"
    return (f"min {s['min']}  median {s['median']:.0f}  p90 {s['p90']:.0f}  p99 {s['p99']:.0f}  "
            f"max {s['max']}  mean {s['mean']:.1f}")


def data_report(data: PreparedData, tokenizer, *, file=None, show_example: bool = True) -> dict:
    """Print counts, token lengths, shortened/dropped counts and one rendered example; return the numbers."""
    out = file or sys.stdout
    cfg = data.cfg
    say = lambda s="": print(s, file=out)
    stats = {}
    say(f"data report: format={cfg.format} max_len={cfg.max_len} schema={cfg.schema_style} "
        f"sample_rows={cfg.sample_rows} tokenizer={getattr(tokenizer, 'name', '?')}")
    for name, loaded, enc in (("train", data.loaded_train, data.train), ("val", None, data.val),
                              ("eval", data.loaded_eval, data.eval)):
        if enc is None:
            continue
        s = {"examples": len(enc.items), "shortened": enc.n_shortened, "dropped": len(enc.dropped),
             "too_long_kept": len(enc.too_long), "prompt_tokens": length_stats(enc.prompt_lens),
             "answer_tokens": length_stats(enc.answer_lens)}
        if loaded is not None:
            s["rows_read"] = len(loaded.examples) + len(loaded.skipped)
            s["skipped_bad_rows"] = len(loaded.skipped)
        if name == "train":
            s["after_sample_frac"] = data.n_sampled
        stats[name] = s
        say(f"\n[{name}] {loaded.path if loaded else '(held out from train)'}")
        if loaded is not None:
            say(f"  rows read {s['rows_read']}, skipped as bad {s['skipped_bad_rows']}")
            for msg in loaded.skipped[:5]:
                say(f"    skipped: {msg}")
            if len(loaded.skipped) > 5:
                say(f"    ... and {len(loaded.skipped) - 5} more")
        if name == "train":
            say(f"  after sample_frac={cfg.sample_frac}: {data.n_sampled}; validation split val_frac={cfg.val_frac}")
        say(f"  examples {s['examples']}, shortened {s['shortened']}, dropped (too long) {s['dropped']}"
            + (f", longer than max_len but kept (eval) {s['too_long_kept']}" if name == "eval" else ""))
        say(f"  prompt tokens: {_fmt_stats(s['prompt_tokens'])}")
        say(f"  answer tokens: {_fmt_stats(s['answer_tokens'])}")
        diffs = Counter(ex.difficulty for ex in enc.examples if ex.difficulty)
        if diffs:
            say(f"  difficulty: {dict(sorted(diffs.items()))}")
    for finding in data.leakage:
        say(f"\nLEAKAGE (warn): {finding}")
    enc = data.train or data.eval
    if show_example and enc is not None and enc.items:
        item = enc.items[0]
        say(f"\none example, exactly as the model sees it ({enc.examples[0].source[0]} row {enc.examples[0].source[1]}):")
        say(tokenizer.decode(item["input_ids"]))
        if "labels" in item:
            supervised = [t for t in item["labels"] if t != IGNORE_INDEX]
            say(f"-- supervised tokens ({len(supervised)}): {tokenizer.decode(supervised)!r}")
    return stats


# ----------------------------------------------------------------------------- command line


def _config_from_args(args) -> tuple[DataConfig, str, str | None]:
    """(data config, tokenizer source, chat template override) from a TOML run config or from flags."""
    flags = {f.name: getattr(args, f.name) for f in fields(DataConfig) if getattr(args, f.name, None) is not None}
    tokenizer, template = args.tokenizer, args.chat_template
    if args.config:
        from engine.config import load_config

        run = load_config(args.config, args.set or [])
        return replace(run.data, **flags), tokenizer or run.model.source, template or run.model.chat_template or None
    return DataConfig(**flags), tokenizer, template


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m engine.data", description="Load, render and tokenise a text-to-SQL "
                                "dataset and print what the model will be trained / evaluated on.")
    p.add_argument("config", nargs="?", help="TOML run config (its [data] and [model] sections)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="config override, e.g. data.max_len=1024")
    p.add_argument("--tokenizer", help="tokenizer directory or hub id (default: the config's model)")
    p.add_argument("--chat-template", help='"chatml", "plain" or a .jinja file, for tokenizers without a template')
    p.add_argument("--path", dest="train_path", help="alias of --train-path")
    for f in fields(DataConfig):
        flag = "--" + f.name.replace("_", "-")
        if f.name == "train_path":
            p.add_argument(flag, dest="train_path")
        elif f.type in ("bool", bool):
            p.add_argument(flag, type=lambda s: s.lower() in ("1", "true", "yes"), metavar="BOOL")
        else:
            conv = {"int": int, "float": float}.get(f.type if isinstance(f.type, str) else f.type.__name__, str)
            p.add_argument(flag, type=conv)
    p.add_argument("--no-example", action="store_true", help="do not print a rendered example")
    args = p.parse_args(argv)
    try:
        cfg, tok_source, chat_template = _config_from_args(args)
    except ValueError as e:
        p.error(str(e))
    if not tok_source:
        p.error("no tokenizer: pass --tokenizer DIR_OR_HUB_ID (or a config whose model names one)")
    from models.tokenizer import load_tokenizer

    try:
        tokenizer = load_tokenizer(tok_source, chat_template=chat_template)
        data = prepare_data(cfg, tokenizer)
    except (DataError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    data_report(data, tokenizer, show_example=not args.no_example)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
