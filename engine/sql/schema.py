"""Database schemas as prompt text: read from a sqlite file or a Spider/BIRD `tables.json` entry,
rendered as CREATE TABLE statements (default) or a compact `table(col type, ...)` form, with N
sample rows per table. The same renderer serves training and evaluation prompts.

CREATE style, one block per table, blocks separated by a blank line:

    CREATE TABLE singer (Singer_ID int, Name text, PRIMARY KEY (Singer_ID))
    /*
    3 example rows:
    SELECT * FROM singer LIMIT 3;
    Singer_ID | Name
    1 | Joe Sharp
    ...
    */

The statement is the one sqlite stores in `sqlite_master` (so it carries the database's own
primary and foreign keys, comments and formatting). The sample-row block follows the BIRD
baseline prompt (`llm/src/gpt_request.py`: "/* N example rows: SELECT * FROM t LIMIT N; header,
rows */", also used by Qwen's text-to-SQL evaluations) except that values are separated by " | "
instead of right-justified with spaces (fewer tokens, unambiguous when values hold spaces). Long
values are cut to `max_value_chars` with "..." and blobs shown as <blob N bytes>.

Compact style, one line per table (blocks separated by a blank line only when they carry rows):

    singer(Singer_ID int PK, Name text, Country_ID int FK->country.Country_ID)

Without a database (BIRD without its 1.5 GB of sqlite files, or a tables.json-only Spider
setup), the schema comes from the tables.json entry: CREATE TABLE statements are synthesised
from its original table/column names, types, primary and foreign keys; there are no sample rows.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path

import sqlglot
from sqlglot import exp

SCHEMA_STYLES = ("create", "compact")


class SchemaError(ValueError):
    """A database or tables.json entry that cannot be read as a schema."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    primary_key: bool = False
    references: tuple[str, str] | None = None  # (table, column) of a foreign key


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    create_sql: str  # as sqlite stores it, or synthesised from tables.json
    rows: tuple[tuple, ...] = ()  # the first rows of the table (SELECT * ... LIMIT n)


@dataclass(frozen=True)
class Schema:
    db_id: str
    tables: tuple[Table, ...]
    source: str  # the sqlite file or tables.json it was read from

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)

    def keep(self, names) -> "Schema":
        """The schema restricted to the given tables (case-insensitive), in schema order."""
        wanted = {n.lower() for n in names}
        return replace(self, tables=tuple(t for t in self.tables if t.name.lower() in wanted))


def quote_ident(name: str) -> str:
    """A sqlite identifier, double-quoted when it is not a plain word."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        return name
    return '"' + name.replace('"', '""') + '"'


def connect_readonly(db_path: str | Path) -> sqlite3.Connection:
    """Read-only connection that tolerates the invalid UTF-8 a few Spider databases hold."""
    path = Path(db_path)
    if not path.is_file():
        raise SchemaError(f"database file {path} does not exist")
    try:
        conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise SchemaError(f"cannot open database {path}: {e}") from e
    conn.text_factory = lambda b: b.decode("utf-8", errors="replace")
    return conn


def read_sqlite_schema(db_path: str | Path, *, sample_rows: int = 3, db_id: str | None = None) -> Schema:
    """Tables of a sqlite file, their CREATE statements, keys and first `sample_rows` rows."""
    path = Path(db_path)
    conn = connect_readonly(path)
    try:
        master = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        ).fetchall()
        tables = []
        for name, sql in master:
            q = quote_ident(name)
            fks = {row[3]: (row[2], row[4]) for row in conn.execute(f"PRAGMA foreign_key_list({q})")}
            columns = []
            for _cid, col, typ, _notnull, _default, pk in conn.execute(f"PRAGMA table_info({q})"):
                ref = fks.get(col)
                if ref is not None and ref[1] is None:  # REFERENCES t without a column: t's primary key
                    ref = (ref[0], "")
                columns.append(Column(col, typ or "", bool(pk), ref))
            rows = ()
            if sample_rows > 0:
                rows = tuple(conn.execute(f"SELECT * FROM {q} LIMIT {int(sample_rows)}").fetchall())
            tables.append(Table(name, tuple(columns), (sql or "").strip(), rows))
    except sqlite3.DatabaseError as e:
        raise SchemaError(f"cannot read the schema of database {path}: {e}") from e
    finally:
        conn.close()
    if not tables:
        raise SchemaError(f"database {path} has no tables")
    return Schema(db_id or path.stem, tuple(tables), str(path))


def schema_from_tables_entry(entry: dict, *, source: str = "tables.json") -> Schema:
    """Schema of one tables.json entry (Spider / BIRD format), CREATE statements synthesised."""
    try:
        db_id = entry["db_id"]
        table_names = entry["table_names_original"]
        columns = entry["column_names_original"]  # [[table_index, name], ...], first is [-1, "*"]
        types = entry["column_types"]
        pks = entry.get("primary_keys", [])
        fks = entry.get("foreign_keys", [])
    except (KeyError, TypeError) as e:
        raise SchemaError(f"{source}: entry {entry.get('db_id', '?') if isinstance(entry, dict) else '?'} "
                          f"lacks field {e}") from e
    pk_cols = set()
    for pk in pks:  # an int, or a list of ints for a composite key (BIRD)
        pk_cols.update(pk if isinstance(pk, list) else [pk])
    refs = {}
    for src, dst in fks:
        t, c = columns[dst]
        refs[src] = (table_names[t], c)
    tables = []
    for ti, tname in enumerate(table_names):
        cols = [
            Column(name, types[ci], ci in pk_cols, refs.get(ci))
            for ci, (t, name) in enumerate(columns) if t == ti
        ]
        lines = [f"  {quote_ident(c.name)} {c.type}" for c in cols]
        keys = [quote_ident(c.name) for c in cols if c.primary_key]
        if keys:
            lines.append(f"  PRIMARY KEY ({', '.join(keys)})")
        for c in cols:
            if c.references:
                lines.append(f"  FOREIGN KEY ({quote_ident(c.name)}) REFERENCES "
                             f"{quote_ident(c.references[0])}({quote_ident(c.references[1])})")
        create = f"CREATE TABLE {quote_ident(tname)} (\n" + ",\n".join(lines) + "\n)"
        tables.append(Table(tname, tuple(cols), create))
    return Schema(db_id, tuple(tables), source)


def _cell(value, max_chars: int) -> str:
    if isinstance(value, bytes):
        return f"<blob {len(value)} bytes>"
    text = "NULL" if value is None else str(value)
    text = text.replace("\n", " ").replace("\r", " ")
    return text if len(text) <= max_chars else text[:max_chars] + "..."


def _rows_block(table: Table, n: int, max_chars: int) -> str:
    rows = table.rows[:n]
    header = " | ".join(c.name for c in table.columns)
    body = [" | ".join(_cell(v, max_chars) for v in row) for row in rows]
    lines = ["/*", f"{n} example rows:", f"SELECT * FROM {quote_ident(table.name)} LIMIT {n};", header, *body, "*/"]
    return "\n".join(lines)


def _compact_line(table: Table) -> str:
    parts = []
    for c in table.columns:
        part = f"{c.name} {c.type}".strip()
        if c.primary_key:
            part += " PK"
        if c.references:
            part += f" FK->{c.references[0]}.{c.references[1]}" if c.references[1] else f" FK->{c.references[0]}"
        parts.append(part)
    return f"{table.name}({', '.join(parts)})"


def render_schema(schema: Schema, *, style: str = "create", sample_rows: int = 3, max_value_chars: int = 80) -> str:
    """Prompt text for a schema; `sample_rows` beyond what was read are simply not there."""
    if style not in SCHEMA_STYLES:
        raise ValueError(f"schema style {style!r} is not one of {SCHEMA_STYLES}")
    blocks = []
    for table in schema.tables:
        head = table.create_sql if style == "create" else _compact_line(table)
        n = min(sample_rows, len(table.rows))
        blocks.append(head + ("\n" + _rows_block(table, n, max_value_chars) if n > 0 else ""))
    one_line_each = style == "compact" and all("\n" not in b for b in blocks)
    return ("\n" if one_line_each else "\n\n").join(blocks)


def tables_in_sql(sql: str, table_names) -> set[str]:
    """Tables of `table_names` that a query uses (sqlglot's parse; a word match if it cannot parse)."""
    by_lower = {t.lower(): t for t in table_names}
    try:
        used = set()
        for tree in sqlglot.parse(sql, read="sqlite"):
            if tree is not None:
                used.update(t.name.lower() for t in tree.find_all(exp.Table))
        found = {by_lower[u] for u in used if u in by_lower}
        if found:
            return found
    except Exception:  # sqlglot rejects some valid SQLite (Spider's double-quoted strings): fall back
        pass
    words = {w.lower() for w in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", sql)}
    quoted = {w.lower() for w in re.findall(r'["`\[]([^"`\]]+)["`\]]', sql)}
    return {by_lower[w] for w in (words | quoted) if w in by_lower}
