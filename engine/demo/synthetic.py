"""A synthetic text-to-SQL task, generated from a seed: two small sqlite databases and templated
questions with their gold SQL, split so that the test set asks about things training never saw.

It exists so the whole pipeline (tokenizer, model, LoRA, training, decoding, scoring) can be run
and checked offline, on a CPU, in minutes. `build_synthetic(out_dir, seed=0)` writes

    out_dir/database/<db_id>/<db_id>.sqlite        shop and school (primary and foreign keys, ~1,100 rows), in
                                                   Spider's layout: one folder per database, since scorers
                                                   run a query on every .sqlite beside the one named
    out_dir/train.jsonl, out_dir/test.jsonl        {"question", "sql", "db_path", "db_id"} per line;
                                                   db_path is relative to out_dir (the jsonl's folder)
    out_dir/pretrain.jsonl                         chat rows of a copy task to pretrain a tiny base on
                                                   (`pretrain_records`: no question is paired with its SQL)
    out_dir/manifest.json                          version, seed, counts: a rebuild with the same
                                                   seed and version is skipped

The databases, shop and school, are engine/demo/databases.py.

Twelve question templates (`TEMPLATES`), each with three or four phrasings, instantiated on every table
that has the columns they need: WHERE with = / > / < / AND, COUNT, AVG/MAX/MIN, GROUP BY,
ORDER BY ... LIMIT, and JOIN over a foreign key. The SQL is canonical and short (upper-case
keywords, no aliases, single-quoted strings, `child.fk = parent.id` joins). Text values are
quoted in the question too ("whose city is 'Lyon'"), so that a byte-level BPE cuts them into the
same tokens in the question and in the SQL: a tiny model can then learn to copy values it has
never seen, instead of having to spell them.

The split (checked by `check_split`, and asserted when building):
- every value a test question uses (a city, a category, a name, a threshold, a LIMIT) is one that
  no training question uses: the values of each column are partitioned first, names are unique
  across tables, and no text value is shared by two columns (numbers are compared per column);
- some (template, table) combinations occur only in the test set (`HELD_OUT`);
- no test question or (db, sql) pair appears in training.
Every gold query is executed when the set is built and must return a non-empty, non-zero result.
"""
from __future__ import annotations

import json
import os
import random
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path

from engine.demo.databases import (CITIES, ENTITIES, FOREIGN_KEYS, SCHEMAS, EntityTable, ForeignKey, database_rows,
                                  write_database)
from engine.sql.schema import read_sqlite_schema, render_schema

VERSION = 5  # bump whenever the generated data changes, so stale builds are rebuilt

# ----------------------------------------------------------------------------- templates


@dataclass(frozen=True)
class Example:
    question: str
    sql: str
    db_id: str
    template: str  # name in TEMPLATES
    table: str  # the table the question is about (the child table for joins)
    values: tuple[tuple[str, str], ...]  # ((table.column or "limit", value as text), ...) the question uses


# name -> (phrasings, gold SQL); fields: {t} table, {s} singular, {label}, {cat}, {num}, {v}, {n}, {k},
# {agg}/{AGG} word/function, {p} parent table, {ps} parent singular, {fk} child's key column, {plabel}, {pcat}.
TEMPLATES: dict[str, tuple[tuple[str, ...], str]] = {
    "select_eq": (("List the {label}s of {t} whose {cat} is '{v}'.", "Which {t} have {cat} '{v}'? Give their {label}s.",
                   "Show the {label} of every {s} with {cat} '{v}'.", "Find the {label}s of the {t} where the {cat} is '{v}'."),
                  "SELECT {label} FROM {t} WHERE {cat} = '{v}'"),
    "count_eq": (("How many {t} have {cat} '{v}'?", "Count the {t} whose {cat} is '{v}'.",
                  "What is the number of {t} with {cat} '{v}'?", "Find how many {t} have the {cat} '{v}'."),
                 "SELECT COUNT(*) FROM {t} WHERE {cat} = '{v}'"),
    "select_gt": (("Show the {label}s of {t} with {num} greater than {n}.",
                   "Which {t} have {num} above {n}? List their {label}s.",
                   "Find the {label} of each {s} whose {num} is more than {n}.",
                   "List the {label}s of {t} where {num} exceeds {n}."),
                  "SELECT {label} FROM {t} WHERE {num} > {n}"),
    "count_lt": (("How many {t} have {num} less than {n}?", "Count the {t} with {num} below {n}.",
                  "What is the number of {t} whose {num} is under {n}?", "Find how many {t} have a {num} smaller than {n}."),
                 "SELECT COUNT(*) FROM {t} WHERE {num} < {n}"),
    "and_where": (("List the {label}s of {t} whose {cat} is '{v}' and {num} is greater than {n}.",
                   "Which {t} have {cat} '{v}' and {num} above {n}? Give their {label}s.",
                   "Find the {label} of each {s} with {cat} '{v}' and a {num} over {n}."),
                  "SELECT {label} FROM {t} WHERE {cat} = '{v}' AND {num} > {n}"),
    "group_count": (("How many {t} are there for each {cat}?", "Count the {t} in each {cat}.",
                     "For every {cat}, show the number of {t}.", "Show each {cat} with how many {t} have it."),
                    "SELECT {cat}, COUNT(*) FROM {t} GROUP BY {cat}"),
    "group_avg": (("What is the average {num} of {t} for each {cat}?", "Show each {cat} with the average {num} of its {t}.",
                   "For every {cat}, give the average {num} of the {t}."),
                  "SELECT {cat}, AVG({num}) FROM {t} GROUP BY {cat}"),
    "top_k": (("List the {label}s of the {k} {t} with the highest {num}.",
               "Which {k} {t} have the highest {num}? Give their {label}s.",
               "Show the {label}s of the top {k} {t} by {num}, highest first.",
               "Find the {k} {t} with the largest {num} and list their {label}s."),
              "SELECT {label} FROM {t} ORDER BY {num} DESC LIMIT {k}"),
    "bottom_k": (("List the {label}s of the {k} {t} with the lowest {num}.",
                  "Which {k} {t} have the lowest {num}? Give their {label}s.",
                  "Show the {label}s of the bottom {k} {t} by {num}, lowest first.",
                  "Find the {k} {t} with the smallest {num} and list their {label}s."),
                 "SELECT {label} FROM {t} ORDER BY {num} ASC LIMIT {k}"),
    "aggregate": (("What is the {agg} {num} of all {t}?", "Find the {agg} {num} among the {t}.",
                   "Give the {agg} {num} over every {s}."),
                  "SELECT {AGG}({num}) FROM {t}"),
    "join_count_label": (("How many {t} are there for the {ps} '{v}'?", "Count the {t} of the {ps} '{v}'.",
                          "What is the number of {t} that belong to the {ps} '{v}'?"),
                         "SELECT COUNT(*) FROM {t} JOIN {p} ON {t}.{fk} = {p}.id WHERE {p}.{plabel} = '{v}'"),
    "join_count_cat": (("How many {t} are there for {p} whose {pcat} is '{v}'?",
                        "Count the {t} of {p} with {pcat} '{v}'.",
                        "What is the number of {t} that belong to {p} with the {pcat} '{v}'?"),
                       "SELECT COUNT(*) FROM {t} JOIN {p} ON {t}.{fk} = {p}.id WHERE {p}.{pcat} = '{v}'"),
}
AGGREGATES = (("average", "AVG"), ("maximum", "MAX"), ("minimum", "MIN"), ("total", "SUM"))

# (template, table) pairs that occur only in the test set: each template and each table still
# occurs in training with other partners.
HELD_OUT = (("top_k", "students"), ("count_lt", "products"), ("group_avg", "teachers"),
            ("select_eq", "customers"), ("join_count_cat", "courses"))
LIMITS = (2, 3, 4, 5, 6, 7, 8, 9)


def _entity(name: str) -> EntityTable:
    return next(e for e in ENTITIES if e.name == name)


def template_slots() -> list[tuple[str, str, ForeignKey | None]]:
    """Every (template, table, foreign key or None) the templates can be instantiated on."""
    slots = []
    for tname in TEMPLATES:
        if tname.startswith("join_"):
            for fk in FOREIGN_KEYS:
                parent = _entity(fk.parent)
                if (tname == "join_count_label" and parent.label) or (tname == "join_count_cat" and parent.category):
                    slots.append((tname, fk.child, fk))
            continue
        for e in ENTITIES:
            needs = {"select_eq": ("label", "category"), "count_eq": ("category",), "select_gt": ("label", "number"),
                     "count_lt": ("number",), "and_where": ("label", "category", "number"),
                     "group_count": ("category",), "group_avg": ("category", "number"),
                     "top_k": ("label", "number"), "bottom_k": ("label", "number"), "aggregate": ("number",)}[tname]
            if all(getattr(e, n) for n in needs):
                slots.append((tname, e.name, None))
    return slots


def _split_values(rng: random.Random, values, test_fraction: float) -> tuple[list, list]:
    values = sorted(set(values), key=str)
    rng.shuffle(values)
    n_test = max(1, round(len(values) * test_fraction))
    return values[n_test:], values[:n_test]


def _value_pools(rows: dict[str, dict[str, list[tuple]]], seed: int, test_fraction: float):
    """{(table, column): (train values, test values)} for every column a question can mention.

    Thresholds are drawn from the column's observed range, so a `> n` or `< n` question usually
    selects something; the build re-draws those that select nothing.
    """
    rng = random.Random(f"synthetic-split-{seed}")
    columns = {"customers": ("id", "name", "city", "age"), "products": ("id", "name", "category", "price"),
               "orders": ("id", "customer_id", "product_id", "quantity", "year"),
               "teachers": ("id", "name", "subject", "age"), "students": ("id", "name", "city", "age"),
               "courses": ("id", "title", "teacher_id", "credits"),
               "enrollments": ("id", "student_id", "course_id", "score")}
    pools = {}
    for db in rows.values():
        for table, table_rows in db.items():
            e = _entity(table)
            for col in (e.label, e.category, e.number):
                if col is None:
                    continue
                seen = [r[columns[table].index(col)] for r in table_rows]
                if col == e.number:
                    lo, hi = min(seen), max(seen)
                    seen = range(lo + 1, hi)  # thresholds strictly inside the range
                pools[(table, col)] = _split_values(rng, seen, test_fraction)
    # Cities are shared by customers and students: one split for the word, whichever table.
    train, test = _split_values(rng, CITIES, test_fraction)
    pools[("customers", "city")] = pools[("students", "city")] = (train, test)
    pools[("limit", "k")] = _split_values(rng, LIMITS, 2 / len(LIMITS))  # two LIMITs only tests use
    return pools


def _fill(template: str, table: str, fk: ForeignKey | None, rng: random.Random, pools, split: str):
    """One (question, sql, values) for a slot, drawing values from the split's pools."""
    e = _entity(table)
    side = 0 if split == "train" else 1
    f = dict(t=e.name, s=e.singular, label=e.label, cat=e.category, num=e.number)
    values = []

    def draw(key):
        v = rng.choice(pools[key][side])
        values.append((f"{key[0]}.{key[1]}", str(v)))
        return v

    if template in ("select_eq", "count_eq", "and_where"):
        f["v"] = draw((table, e.category))
    if template in ("select_gt", "count_lt", "and_where"):
        f["n"] = draw((table, e.number))
    if template in ("top_k", "bottom_k"):
        f["k"] = draw(("limit", "k"))
    if template == "aggregate":
        f["agg"], f["AGG"] = rng.choice(AGGREGATES)
    if fk is not None:
        p = _entity(fk.parent)
        f.update(p=p.name, ps=p.singular, fk=fk.column, plabel=p.label, pcat=p.category)
        f["v"] = draw((p.name, p.label if template == "join_count_label" else p.category))
    phrasings, sql = TEMPLATES[template]
    question = rng.choice(phrasings).format(**f)
    return question[0].upper() + question[1:], sql.format(**f), tuple(values)


def _result_ok(conn: sqlite3.Connection, sql: str) -> bool:
    rows = conn.execute(sql).fetchall()
    return bool(rows) and rows != [(0,)] and rows != [(None,)]


def generate_examples(db_dir: Path, seed: int = 0, *, n_train: int = 1200, n_test: int = 200,
                      test_fraction: float = 0.25) -> tuple[list[Example], list[Example]]:
    """(train, test) examples over the databases already written in `db_dir`.

    Training draws its slots evenly from every (template, table) slot not held out; the test set
    draws evenly from every slot, held-out ones included. Duplicates are dropped.
    """
    rows = database_rows(seed)
    pools = _value_pools(rows, seed, test_fraction)
    rng = random.Random(f"synthetic-questions-{seed}")
    conns = {db: sqlite3.connect(f"file:{_paths(db_dir).databases[db]}?mode=ro", uri=True) for db in rows}
    slots = template_slots()
    try:
        out = {}
        for split, n in (("train", n_train), ("test", n_test)):
            usable = [s for s in slots if split == "test" or (s[0], s[1]) not in HELD_OUT]
            examples, seen, tries = [], set(), 0
            while len(examples) < n:
                tries += 1
                if tries > 50 * n:
                    raise RuntimeError(f"could only make {len(examples)} distinct {split} examples of {n} asked "
                                       f"(seed {seed}); ask for fewer")
                template, table, fk = usable[tries % len(usable)]  # every slot gets its turn
                db_id = _entity(table).db_id
                question, sql, values = _fill(template, table, fk, rng, pools, split)
                if question in seen:
                    continue
                if not values and split == "test" and (template, table) not in HELD_OUT:
                    continue  # a value-free question outside the held-out slots would repeat training
                if not _result_ok(conns[db_id], sql):
                    continue
                seen.add(question)
                examples.append(Example(question, sql, db_id, template, table, values))
            out[split] = examples
    finally:
        for c in conns.values():
            c.close()
    check_split(out["train"], out["test"])
    return out["train"], out["test"]


def check_split(train: list[Example], test: list[Example]) -> None:
    """Raise AssertionError if the test set leaks into training (see the module docstring).

    Text values are compared across columns ('music' as a subject must not be a training
    category); numbers per column (a test age of 38 may be a training price of 38).
    """
    train_text, train_numbers = set(), set()
    for ex in train:
        for col, v in ex.values:
            train_numbers.add((col, v)) if v.isdigit() else train_text.add(v)
    for ex in test:
        for col, v in ex.values:
            leaked = (col, v) in train_numbers if v.isdigit() else v in train_text
            assert not leaked, f"test value {col}={v!r} also in training: {ex.question}"
    train_q = {ex.question for ex in train}
    train_sql = {(ex.db_id, ex.sql) for ex in train}
    for ex in test:
        assert ex.question not in train_q, f"test question also in training: {ex.question}"
        assert (ex.db_id, ex.sql) not in train_sql, f"test SQL also in training: {ex.sql}"
    train_slots = {(ex.template, ex.table) for ex in train}
    assert not train_slots & set(HELD_OUT), f"held-out slots in training: {train_slots & set(HELD_OUT)}"


# ----------------------------------------------------------------------------- files


@dataclass(frozen=True)
class SyntheticSet:
    """Paths of a built synthetic set."""
    root: Path
    train: Path
    test: Path
    pretrain: Path  # chat rows of the copy task that pretrains a tiny base (see pretrain_records)
    databases: dict[str, Path]


def _paths(root: Path) -> SyntheticSet:
    return SyntheticSet(root, root / "train.jsonl", root / "test.jsonl", root / "pretrain.jsonl",
                        {db: root / "database" / db / f"{db}.sqlite" for db in SCHEMAS})


def built_alike(manifest_path: Path, manifest: dict, files) -> bool:
    """True when every file exists and the manifest says they were built with these settings."""
    if not (manifest_path.is_file() and all(Path(f).is_file() for f in files)):
        return False
    try:
        return json.loads(manifest_path.read_text()) == manifest
    except json.JSONDecodeError:
        return False


def build_synthetic(out_dir: str | os.PathLike, seed: int = 0, *, n_train: int = 1200, n_test: int = 200,
                    force: bool = False) -> SyntheticSet:
    """Write the databases, train.jsonl and test.jsonl into out_dir; skipped when already built alike."""
    root = Path(out_dir)
    paths = _paths(root)
    manifest = {"version": VERSION, "seed": seed, "n_train": n_train, "n_test": n_test}
    manifest_path = root / "manifest.json"
    files = [paths.train, paths.test, paths.pretrain, *paths.databases.values()]
    if not force and built_alike(manifest_path, manifest, files):
        return paths
    root.mkdir(parents=True, exist_ok=True)
    manifest_path.unlink(missing_ok=True)  # a half-written build is never taken for a finished one
    for db_id, tables in database_rows(seed).items():
        paths.databases[db_id].parent.mkdir(parents=True, exist_ok=True)
        write_database(paths.databases[db_id], db_id, tables)
    train, test = generate_examples(root, seed, n_train=n_train, n_test=n_test)
    for path, examples in ((paths.train, train), (paths.test, test)):
        with open(path, "w", encoding="utf-8") as fh:
            for ex in examples:
                record = {"question": ex.question, "sql": ex.sql, "db_path": f"database/{ex.db_id}/{ex.db_id}.sqlite",
                          "db_id": ex.db_id}
                fh.write(json.dumps(record) + "\n")
    with open(paths.pretrain, "w", encoding="utf-8") as fh:
        for record in pretrain_records(root, seed):
            fh.write(json.dumps(record) + "\n")
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    return paths


def read_examples(path: str | os.PathLike) -> list[dict]:
    """The records of a train.jsonl / test.jsonl written here."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _row_text(table: str, row: tuple) -> str:
    """A row as SQL writes literals: "customers: 1, 'Ada Stone', 'Lisbon', 34" (text quoted as in the questions)."""
    return f"{table}: " + ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in row)


def corpus_texts(root: str | os.PathLike, splits=("train",)) -> list[str]:
    """Text to train a tokenizer (or pretrain a tiny model) on: the schemas as prompts show them
    (CREATE TABLE and compact), every row of every table (text values quoted, as questions quote
    them), and the questions and SQL of `splits`."""
    root = Path(root)
    texts = []
    for db in SCHEMAS:
        schema = read_sqlite_schema(_paths(root).databases[db], sample_rows=3, db_id=db)
        texts += ["Database schema:\n" + render_schema(schema, style=style, sample_rows=n)
                  for style in ("create", "compact") for n in (0, 3)]
        conn = sqlite3.connect(f"file:{_paths(root).databases[db]}?mode=ro", uri=True)
        try:
            for table in schema.table_names:
                texts += [_row_text(table, r) for r in conn.execute(f"SELECT * FROM {table}")]
        finally:
            conn.close()
    for split in splits:
        for rec in read_examples(root / f"{split}.jsonl"):
            texts += [f"Question: {rec['question']}", rec["sql"]]
    return texts


def pretrain_records(root: str | os.PathLike, seed: int = 0) -> list[dict]:
    """Chat rows {"messages": [user "Repeat: <text>", assistant "<text>"]} for pretraining a tiny base.

    The texts: `corpus_texts(root)` (every table row, the training questions, the training SQL;
    not the test split), plus as many random lists of 3-10 database values ("'Lyon', 42, 'Ada
    Stone'"), which only copying can predict.

    Why a copy task: a tiny model's weak point on this task is copying values it has never seen
    (test cities, names, thresholds) from the question into the SQL. Learning to repeat text
    builds that copying circuit (induction heads), and reading every row trains the embeddings of
    every value; yet the base never sees a question paired with its SQL, so it scores ~0 on the
    task until it is fine-tuned.
    """
    root = Path(root)
    texts = [t for t in corpus_texts(root) if not t.startswith("Database schema:")]
    values = set()
    for db in SCHEMAS:
        conn = sqlite3.connect(f"file:{_paths(root).databases[db]}?mode=ro", uri=True)
        try:
            tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            for table in tables:
                for row in conn.execute(f"SELECT * FROM {table}"):
                    values.update(f"'{v}'" if isinstance(v, str) else str(v) for v in row)
        finally:
            conn.close()
    values = sorted(values)
    rng = random.Random(f"synthetic-pretrain-{seed}")
    texts += [", ".join(rng.choice(values) for _ in range(rng.randint(3, 10))) for _ in range(len(texts))]
    return [{"messages": [{"role": "user", "content": f"Repeat: {t}"}, {"role": "assistant", "content": t}]}
            for t in texts]


if __name__ == "__main__":  # python -m engine.demo.synthetic OUT_DIR [SEED]
    out = build_synthetic(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    print(f"wrote {out.train} and {out.test}")
