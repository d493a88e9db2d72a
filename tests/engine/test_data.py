"""Text-to-SQL data layer on small files and sqlite databases the tests build themselves.

The tokenizer is the byte-level one of test_tokenizer (one token per UTF-8 byte, ChatML template),
so token counts are byte counts and the overflow policy can be driven exactly.
"""

import json
import sqlite3
import warnings
from collections import Counter
from pathlib import Path

import pytest

from engine.config import DataConfig
from engine.data import (build_prompt_messages, build_training_messages, data_report, encode_example, encode_examples,
                         fit_example, main, prepare_data)
from engine.loss import IGNORE_INDEX
from engine.sql.datasets import DataError, Example, load_examples
from engine.sql.splits import check_leakage, sample_examples, split_validation, stratum_of
from engine.sql.schema import read_sqlite_schema, render_schema, schema_from_tables_entry, tables_in_sql
from models.tokenizer import load_tokenizer
from tests.models.test_tokenizer import write_tiny_tokenizer

CONCERT_SQL = [
    "CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT, country TEXT, age INTEGER)",
    "CREATE TABLE stadium (stadium_id INTEGER PRIMARY KEY, location TEXT, capacity INTEGER)",
    "CREATE TABLE concert (concert_id INTEGER PRIMARY KEY, concert_name TEXT, stadium_id INTEGER, "
    "FOREIGN KEY (stadium_id) REFERENCES stadium(stadium_id))",
]
SHOP_SQL = ["CREATE TABLE shop (shop_id INTEGER PRIMARY KEY, name TEXT, \"Open Year\" TEXT)"]


def make_db(path: Path, statements, rows: dict):
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    for s in statements:
        conn.execute(s)
    for table, values in rows.items():
        marks = ",".join("?" * len(values[0]))
        conn.executemany(f'INSERT INTO "{table}" VALUES ({marks})', values)
    conn.commit()
    conn.close()


def tables_entry(db_id, tables, columns, types, pks, fks):
    return {"db_id": db_id, "table_names_original": tables, "table_names": tables,
            "column_names_original": columns, "column_names": columns, "column_types": types,
            "primary_keys": pks, "foreign_keys": fks}


CONCERT_ENTRY = tables_entry(
    "concert_singer", ["singer", "stadium", "concert"],
    [[-1, "*"], [0, "singer_id"], [0, "name"], [0, "country"], [0, "age"], [1, "stadium_id"], [1, "location"],
     [1, "capacity"], [2, "concert_id"], [2, "concert_name"], [2, "stadium_id"]],
    ["text", "number", "text", "text", "number", "number", "text", "number", "number", "text", "number"],
    [1, 5, 8], [[10, 5]])
SHOP_ENTRY = tables_entry("shop_1", ["shop"], [[-1, "*"], [0, "shop_id"], [0, "name"], [0, "Open Year"]],
                          ["text", "number", "text", "text"], [1], [])


def spider_rows(db_id, n, offset=0):
    return [{"db_id": db_id, "question": f"How many singers are older than {offset + i}?",
             "query": f"SELECT count(*) FROM singer WHERE age > {offset + i}"} for i in range(n)]


@pytest.fixture()
def spider(tmp_path):
    """A Spider-shaped folder: dev.json, train.json, tables.json, database/<db>/<db>.sqlite."""
    root = tmp_path / "spider"
    make_db(root / "database" / "concert_singer" / "concert_singer.sqlite", CONCERT_SQL, {
        "singer": [(i, f"Singer {i}", ["France", "Peru", "Japan"][i % 3], 20 + i) for i in range(1, 6)],
        "stadium": [(1, "Raith", 10104), (2, "Ayr", 11998)],
        "concert": [(1, "Auditions", 1), (2, "Home Visits", 2)],
    })
    make_db(root / "database" / "shop_1" / "shop_1.sqlite", SHOP_SQL, {"shop": [(1, "Corner\nShop", "2001")]})
    (root / "tables.json").write_text(json.dumps([CONCERT_ENTRY, SHOP_ENTRY]))
    (root / "dev.json").write_text(json.dumps(spider_rows("concert_singer", 4)))
    (root / "train.json").write_text(json.dumps(
        [{"db_id": "shop_1", "question": f"Which shops opened in {y}?", "query": f"SELECT name FROM shop WHERE \"Open Year\" = '{y}'"}
         for y in range(2000, 2010)]))
    return root


@pytest.fixture(scope="module")
def tok(tmp_path_factory):
    return load_tokenizer(write_tiny_tokenizer(tmp_path_factory.mktemp("tok")))


# ----------------------------------------------------------------------------- schema


def test_create_schema_is_sqlite_master_plus_rows(spider):
    db = spider / "database" / "concert_singer" / "concert_singer.sqlite"
    schema = read_sqlite_schema(db, sample_rows=3)
    text = render_schema(schema, style="create", sample_rows=3)
    conn = sqlite3.connect(db)
    stored = [sql for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE type='table' ORDER BY rowid")]
    first_rows = conn.execute("SELECT * FROM singer LIMIT 3").fetchall()
    blocks = text.split("\n\n")
    assert [b.split("\n/*")[0] for b in blocks] == stored  # the statements exactly as the database holds them
    assert blocks[0].split("\n/*\n")[1].splitlines() == [
        "3 example rows:", "SELECT * FROM singer LIMIT 3;", "singer_id | name | country | age",
        *(" | ".join(map(str, r)) for r in first_rows), "*/"]
    assert "example rows" not in render_schema(schema, sample_rows=0)
    assert "2 example rows" in render_schema(schema, sample_rows=2)


def test_compact_schema_and_value_cleanup(spider):
    schema = read_sqlite_schema(spider / "database" / "concert_singer" / "concert_singer.sqlite")
    lines = render_schema(schema, style="compact", sample_rows=0).split("\n")
    assert lines == ["singer(singer_id INTEGER PK, name TEXT, country TEXT, age INTEGER)",
                     "stadium(stadium_id INTEGER PK, location TEXT, capacity INTEGER)",
                     "concert(concert_id INTEGER PK, concert_name TEXT, stadium_id INTEGER FK->stadium.stadium_id)"]
    assert render_schema(schema, style="compact", sample_rows=1).split("\n\n")[0].split("\n")[:4] == [
        lines[0], "/*", "1 example rows:", "SELECT * FROM singer LIMIT 1;"]
    shop = render_schema(read_sqlite_schema(spider / "database" / "shop_1" / "shop_1.sqlite"), max_value_chars=6)
    assert "SELECT * FROM shop LIMIT 1;" in shop and "1 | Corner... | 2001" in shop  # newline flattened, cut


def test_tables_json_schema_is_valid_sql_with_the_same_keys(tmp_path):
    schema = schema_from_tables_entry(CONCERT_ENTRY)
    conn = sqlite3.connect(tmp_path / "x.sqlite")
    for t in schema.tables:
        conn.execute(t.create_sql)  # the synthesised statements are accepted by sqlite itself
    assert [r[1] for r in conn.execute("PRAGMA table_info(singer)") if r[5]] == ["singer_id"]
    assert [(r[2], r[3], r[4]) for r in conn.execute("PRAGMA foreign_key_list(concert)")] == [
        ("stadium", "stadium_id", "stadium_id")]
    assert "rows" not in render_schema(schema)


def test_tables_in_sql():
    names = ["singer", "concert", "stadium", "Open Year"]
    assert tables_in_sql("SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON T1.x = T2.y", names) == {"singer", "concert"}
    assert tables_in_sql("SELECT count(*) FROM stadium WHERE name = \"x\"", names) == {"stadium"}


# ----------------------------------------------------------------------------- readers


def test_spider_reader(spider):
    loaded = load_examples(spider / "dev.json", DataConfig(format="spider"))
    assert len(loaded.examples) == 4 and loaded.skipped == ()
    ex = loaded.examples[2]
    assert (ex.question, ex.sql, ex.db_id) == ("How many singers are older than 2?", "SELECT count(*) FROM singer WHERE age > 2", "concert_singer")
    assert ex.source == (str(spider / "dev.json"), 2)
    assert Path(ex.db_path) == spider / "database" / "concert_singer" / "concert_singer.sqlite"
    assert ex.schema == render_schema(read_sqlite_schema(ex.db_path))
    assert ex.difficulty == ""  # no parsed `sql` dict in these rows: hardness only when stratifying by it
    from engine.sql.hardness import hardness_from_sql
    strat = load_examples(spider / "dev.json", DataConfig(format="spider", stratify_by="difficulty")).examples
    assert [e.difficulty for e in strat] == [hardness_from_sql(e.sql) for e in strat]


def test_bird_reader_with_and_without_databases(tmp_path, spider):
    bird = tmp_path / "bird"
    bird.mkdir()
    (bird / "dev_tables.json").write_text(json.dumps([CONCERT_ENTRY]))
    rows = [{"question_id": i, "db_id": "concert_singer", "question": "Oldest singer?", "evidence": "old = max(age)" * i,
             "SQL": "SELECT name FROM singer ORDER BY age DESC LIMIT 1", "difficulty": d}
            for i, d in enumerate(["simple", "moderate", "challenging"])]
    (bird / "dev.json").write_text(json.dumps(rows))
    loaded = load_examples(bird / "dev.json", DataConfig(format="bird"))
    ex = loaded.examples[1]
    assert ex.db_path is None and ex.schema == render_schema(schema_from_tables_entry(CONCERT_ENTRY))
    assert (ex.evidence, ex.difficulty) == ("old = max(age)", "moderate")
    user = build_prompt_messages(ex, DataConfig(format="bird"))[-1]["content"]
    assert user.endswith("External knowledge: old = max(age)\nQuestion: Oldest singer?")
    assert "External knowledge" not in build_prompt_messages(ex, DataConfig(format="bird", use_evidence=False))[-1]["content"]
    assert "External knowledge" not in build_prompt_messages(loaded.examples[0], DataConfig())[-1]["content"]
    # with a databases folder the schema comes from the sqlite file, sample rows included
    cfg = DataConfig(format="bird", db_dir=str(spider / "database"))
    ex = load_examples(bird / "dev.json", cfg).examples[0]
    assert ex.db_path and "3 example rows" in ex.schema


def test_sql_create_context_json_and_jsonl(tmp_path):
    rows = [{"context": "CREATE TABLE head (age INTEGER)", "question": "How many heads are older than 56?",
             "answer": "SELECT COUNT(*) FROM head WHERE age > 56"},
            {"context": "CREATE TABLE t (a VARCHAR)", "question": "List a.", "answer": "SELECT a FROM t"}]
    (tmp_path / "scc.json").write_text(json.dumps(rows))
    (tmp_path / "scc.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    cfg = DataConfig(format="sql-create-context")
    a, b = load_examples(tmp_path / "scc.json", cfg), load_examples(tmp_path / "scc.jsonl", cfg)
    assert [(e.question, e.sql, e.schema) for e in a.examples] == [(e.question, e.sql, e.schema) for e in b.examples]
    assert a.examples[0].schema == "CREATE TABLE head (age INTEGER)" and a.examples[0].db_id is None


def test_jsonl_plain_and_chat_rows(tmp_path, spider, tok):
    db = spider / "database" / "shop_1" / "shop_1.sqlite"
    rows = [
        {"question": "Shop names?", "sql": "SELECT name FROM shop", "db_path": str(db)},
        {"question": "Count t.", "sql": "SELECT count(*) FROM t", "schema": "CREATE TABLE t (a INT)", "evidence": "e"},
        {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Count t."},
                      {"role": "assistant", "content": "SELECT count(*) FROM t"}]},
    ]
    (tmp_path / "d.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    exs = load_examples(tmp_path / "d.jsonl", DataConfig(format="jsonl")).examples
    assert exs[0].db_id == "shop_1" and exs[0].schema == render_schema(read_sqlite_schema(db))
    assert exs[1].schema == "CREATE TABLE t (a INT)" and exs[1].evidence == "e"
    chat = exs[2]
    assert build_prompt_messages(chat, DataConfig()) == rows[2]["messages"][:2]  # the row's own prompt, untouched
    item = encode_example(chat, tok, DataConfig())
    supervised = [t for t in item["labels"] if t != IGNORE_INDEX]
    assert tok.decode(supervised) == "SELECT count(*) FROM t<|im_end|>"


# ----------------------------------------------------------------------------- prompts and masks


def test_training_item_supervises_exactly_sql_and_end_of_turn(spider, tok):
    cfg = DataConfig()
    ex = load_examples(spider / "dev.json", cfg).examples[0]
    item = encode_example(ex, tok, cfg)
    full = tok.apply_chat_template(build_training_messages(ex, cfg))
    assert item["input_ids"] == tok.encode(full)[:-1]  # the rendering, minus the "\n" after <|im_end|>
    n_answer = len(tok.encode(ex.sql)) + 1
    assert item["labels"][:-n_answer] == [IGNORE_INDEX] * (len(item["labels"]) - n_answer)
    assert item["labels"][-n_answer:] == item["input_ids"][-n_answer:]
    assert tok.decode(item["labels"][-n_answer:]) == ex.sql + "<|im_end|>"
    msgs = build_prompt_messages(ex, cfg)
    assert [m["role"] for m in msgs] == ["system", "user"] and msgs[0]["content"] == cfg.system_prompt
    assert msgs[1]["content"] == f"Database schema:\n{ex.schema}\n\nQuestion: {ex.question}"
    assert [m["role"] for m in build_prompt_messages(ex, DataConfig(system_prompt=""))] == ["user"]


def _length(ex, tok, cfg):
    p, a = tok.encode_chat(build_training_messages(ex, cfg))
    return len(p) + len(a)


def test_overflow_policy_rows_then_tables_then_drop(spider, tok):
    cfg = DataConfig(sample_rows=3)
    ex = load_examples(spider / "dev.json", cfg).examples[0]  # uses only table singer (of 3)
    info = ex.schema_info
    with_rows = lambda n, schema=info: _length(Example(**{**ex.__dict__, "schema": render_schema(schema, sample_rows=n)}), tok, cfg)
    full, one_row, no_rows = with_rows(3), with_rows(1), with_rows(0)
    singer_only = with_rows(3, info.keep(["singer"]))
    assert full > one_row > no_rows > singer_only  # the tiny schema makes the policy's order checkable

    def fit(max_len, training=True):
        return fit_example(ex, tok, DataConfig(sample_rows=3, max_len=max_len), training=training)

    assert fit(full).status == "ok" and fit(full).example.schema == ex.schema
    f = fit(one_row)  # fewer rows first: 1 row fits, 2 do not
    assert f.status == "shortened" and "1 example rows" in f.example.schema and "stadium" in f.example.schema
    assert len(f.prompt_ids) + len(f.answer_ids) <= one_row
    f = fit(singer_only)  # then only the tables the gold SQL uses, rows restored
    assert f.status == "shortened" and f.example.schema == render_schema(info.keep(["singer"]), sample_rows=3)
    assert fit(singer_only - 1).example.schema == render_schema(info.keep(["singer"]), sample_rows=2)
    assert fit(20).status == "dropped"
    assert fit(20, training=False).status == "too_long"  # eval prompts are never dropped
    assert fit(one_row, training=False).status == "shortened"  # but get fewer rows too
    assert fit(no_rows - 1, training=False).example.schema == render_schema(info, sample_rows=0)  # no table dropping

    exs = load_examples(spider / "dev.json", cfg).examples
    enc = encode_examples(exs, tok, DataConfig(max_len=singer_only))
    assert len(enc.items) == 4 and enc.n_shortened == 4 and enc.dropped == ()
    enc = encode_examples(exs, tok, DataConfig(max_len=20))
    assert enc.items == () and [s[1] for s in enc.dropped] == [0, 1, 2, 3]
    assert encode_example(exs[0], tok, DataConfig(max_len=20)) is None


# ----------------------------------------------------------------------------- sampling, splits, leakage


def synthetic(n_by_difficulty):
    out = []
    for d, n in n_by_difficulty.items():
        for i in range(n):
            out.append(Example(question=f"{d} q{i}", sql=f"SELECT {i}", db_id=f"db{i % 7}", schema="",
                               evidence="e" * (i % 250), difficulty=d, source=("s.json", len(out))))
    return out


@pytest.mark.parametrize("by", ["difficulty", "db_id", "evidence_len"])
def test_stratified_sampling_preserves_the_distribution(by):
    exs = synthetic({"simple": 600, "moderate": 300, "challenging": 100})
    picked = sample_examples(exs, 0.1, stratify_by=by, seed=3)
    assert len(picked) == 100
    full = Counter(stratum_of(e, by) for e in exs)
    got = Counter(stratum_of(e, by) for e in picked)
    for k, n in full.items():  # each stratum keeps its share, up to the one example of rounding
        assert abs(got[k] - n * 0.1) < 1, (k, got[k], n)
    assert [e.source for e in picked] == sorted(e.source for e in picked)  # original order kept
    assert picked == sample_examples(exs, 0.1, stratify_by=by, seed=3)  # seeded
    assert picked != sample_examples(exs, 0.1, stratify_by=by, seed=4)
    assert Counter(e.difficulty for e in sample_examples(exs, 0.1, stratify_by="difficulty", seed=0)) == {
        "simple": 60, "moderate": 30, "challenging": 10}


def test_validation_split_is_seeded_disjoint_and_stratified():
    exs = synthetic({"simple": 60, "moderate": 30, "challenging": 10})
    train, val = split_validation(exs, 0.2, stratify_by="difficulty", seed=1)
    assert len(val) == 20 and len(train) == 80
    assert {e.source for e in train}.isdisjoint({e.source for e in val})
    assert Counter(e.difficulty for e in val) == {"simple": 12, "moderate": 6, "challenging": 2}
    assert (train, val) == split_validation(exs, 0.2, stratify_by="difficulty", seed=1)
    assert split_validation(exs, 0.0) == (exs, [])


def test_leakage_same_question_and_sql(spider):
    a = Example(question="How many  singers?", sql="SELECT count(*) FROM singer;", db_id=None, schema="", source=("t", 5))
    b = Example(question="how many singers", sql="select count( * ) from singer", db_id=None, schema="", source=("e", 9))
    c = Example(question="How many stadiums?", sql="SELECT count(*) FROM stadium", db_id=None, schema="")
    with pytest.raises(DataError, match=r"1 training examples have the same question and SQL .and database. as an evaluation example .e.g. t row 5 and e row 9.*leakage = \"warn\""):
        check_leakage([a, c], [b], cross_database=False)
    with pytest.warns(UserWarning, match="same question and SQL"):
        assert len(check_leakage([a], [b], cross_database=False, policy="warn")) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_leakage([c], [b], cross_database=False) == []
        # the same text on another database is another example (Spider train/dev have two such pairs)
        assert check_leakage([Example(**{**a.__dict__, "db_id": "x"})], [Example(**{**b.__dict__, "db_id": "y"})],
                             cross_database=False) == []


def test_leakage_same_database_for_cross_database_benchmarks(spider):
    cfg = DataConfig(format="spider", train_path=str(spider / "dev.json"), eval_path=str(spider / "dev.json"))
    dev = load_examples(spider / "dev.json", cfg).examples
    shifted = [Example(**{**e.__dict__, "question": e.question + " (rephrased)"}) for e in dev]
    with pytest.raises(DataError, match="1 databases appear in both training \\(4 examples\\) and evaluation: concert_singer"):
        check_leakage(shifted, dev, cross_database=True)
    assert check_leakage(shifted, dev, cross_database=False) == []
    train = load_examples(spider / "train.json", cfg).examples
    assert check_leakage(train, dev, cross_database=True) == []


# ----------------------------------------------------------------------------- bad input


def write_rows(path, rows):
    path.write_text(json.dumps(rows))
    return path


@pytest.mark.parametrize("row, field, problem", [
    ({"db_id": "concert_singer", "question": "q?"}, "query", "missing or empty"),
    ({"db_id": "concert_singer", "question": "  ", "query": "SELECT 1"}, "question", "missing or empty"),
    ({"db_id": "nope_db", "question": "q?", "query": "SELECT 1"}, "db_id", "unknown database 'nope_db'"),
    ({"db_id": "concert_singer", "question": 3, "query": "SELECT 1"}, "question", "expected a string"),
])
def test_bad_rows_name_file_row_and_field(spider, row, field, problem):
    path = write_rows(spider / "bad.json", spider_rows("concert_singer", 2) + [row])
    with pytest.raises(DataError) as err:
        load_examples(path, DataConfig(format="spider"))
    assert f"{path}: row 2: field {field!r}: {problem}" in str(err.value)
    loaded = load_examples(path, DataConfig(format="spider", on_bad_row="skip"))
    assert len(loaded.examples) == 2 and len(loaded.skipped) == 1 and f"row 2: field {field!r}" in loaded.skipped[0]


def test_missing_and_unreadable_database_files(spider):
    entries = json.loads((spider / "tables.json").read_text())
    ghost, broken = dict(SHOP_ENTRY, db_id="ghost"), dict(SHOP_ENTRY, db_id="broken")
    (spider / "tables.json").write_text(json.dumps(entries + [ghost, broken]))
    (spider / "database" / "broken").mkdir()
    (spider / "database" / "broken" / "broken.sqlite").write_bytes(b"this is not a sqlite file" * 100)
    rows = spider_rows("concert_singer", 1) + spider_rows("ghost", 1) + spider_rows("broken", 2)
    path = write_rows(spider / "mixed.json", rows)
    with pytest.raises(DataError, match=r"row 1: field 'db_id': database file .*ghost\.sqlite is missing"):
        load_examples(path, DataConfig())
    loaded = load_examples(path, DataConfig(on_bad_row="skip"))
    assert len(loaded.examples) == 1 and len(loaded.skipped) == 3
    assert "row 2: field 'db_id'" in loaded.skipped[1] and "broken.sqlite" in loaded.skipped[1]
    assert "not a database" in loaded.skipped[2]


def test_empty_and_missing_datasets(spider, tmp_path):
    with pytest.raises(DataError, match="empty"):
        load_examples(write_rows(spider / "empty.json", []), DataConfig())
    with pytest.raises(DataError, match=r"empty \(all 1 rows were bad"):
        load_examples(write_rows(spider / "allbad.json", [{"question": "x"}]), DataConfig(on_bad_row="skip"))
    with pytest.raises(DataError, match="does not exist"):
        load_examples(spider / "nope.json", DataConfig())
    (tmp_path / "lonely.json").write_text("[]")
    with pytest.raises(DataError, match="neither a tables file"):
        load_examples(tmp_path / "lonely.json", DataConfig())
    (tmp_path / "x.jsonl").write_text('{"question": "q", "sql": "SELECT 1", "schema": "s"}\n{oops\n')
    with pytest.raises(DataError, match=r"x\.jsonl: row 1: field '<line>': not valid JSON"):
        load_examples(tmp_path / "x.jsonl", DataConfig(format="jsonl"))
    with pytest.raises(DataError, match="field 'schema'"):
        load_examples(write_rows(tmp_path / "y.json", [{"question": "q", "sql": "SELECT 1"}]), DataConfig(format="jsonl"))


def test_config_values_are_checked():
    with pytest.raises(ValueError, match=r"data.format = 'wikisql' is not one of \['spider', 'bird'"):
        DataConfig(format="wikisql")
    with pytest.raises(ValueError, match="sample_frac"):
        DataConfig(sample_frac=0)
    with pytest.raises(ValueError, match="on_bad_row"):
        DataConfig(on_bad_row="ignore")


# ----------------------------------------------------------------------------- pipeline, report, CLI


def test_prepare_data_and_report(spider, tok, capsys):
    cfg = DataConfig(train_path=str(spider / "train.json"), eval_path=str(spider / "dev.json"), val_frac=0.2, seed=0)
    data = prepare_data(cfg, tok)
    assert len(data.train.items) == 8 and len(data.val.items) == 2 and len(data.eval.items) == 4
    assert set(data.eval.items[0]) == {"input_ids"}  # eval items are prompts
    assert tok.decode(data.eval.items[0]["input_ids"]).endswith("<|im_start|>assistant\n")
    stats = data_report(data, tok)
    out = capsys.readouterr().out
    assert stats["train"]["examples"] == 8 and stats["eval"]["skipped_bad_rows"] == 0
    assert stats["train"]["answer_tokens"]["max"] == max(data.train.answer_lens)
    assert "prompt tokens: min" in out and "<|im_start|>assistant\nSELECT name FROM shop" in out
    with pytest.raises(DataError, match="leakage"):
        prepare_data(DataConfig(train_path=str(spider / "dev.json"), eval_path=str(spider / "dev.json")), tok)


def test_cli_with_flags(spider, tmp_path, capsys):
    tok_dir = write_tiny_tokenizer(tmp_path / "tok")
    rc = main(["--format", "spider", "--path", str(spider / "dev.json"), "--tokenizer", str(tok_dir),
               "--sample-rows", "1", "--max-len", "4096", "--use-evidence", "false"])
    out = capsys.readouterr().out
    assert rc == 0 and "examples 4, shortened 0, dropped (too long) 0" in out and "1 example rows" in out
    assert main(["--path", str(spider / "nope.json"), "--tokenizer", str(tok_dir)]) == 1
    assert "does not exist" in capsys.readouterr().err
