"""Dataset readers (engine/sql/datasets.py): spider, bird, sql-create-context, jsonl; every bad row,
database and file named."""

import json
from pathlib import Path

import pytest

from engine.config import DataConfig
from engine.data import build_prompt_messages
from engine.sql.datasets import DataError, load_examples
from engine.sql.schema import read_sqlite_schema, render_schema, schema_from_tables_entry
from tests.spider_like import CONCERT_ENTRY, SHOP_ENTRY, spider_rows


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


def test_files_that_cannot_be_read_name_the_file_line_and_fix(spider, tmp_path):
    row = '{"question": "q", "sql": "SELECT 1", "schema": "t(a)"}\n'
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes((row + row.replace('"q"', '"caf\xe9"')).encode("latin-1"))
    with pytest.raises(DataError, match=r"latin\.jsonl:2: not UTF-8 text \(byte 0xe9 at offset \d+\); save the data "
                                        r"file as UTF-8, e\.g\. iconv -f latin1 -t utf-8 latin\.jsonl"):
        load_examples(latin, DataConfig(format="jsonl"))
    # a 100k-deep row used to end in a RecursionError traceback from the json module
    deep = tmp_path / "deep.jsonl"
    deep.write_text(row + '{"question": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    for policy in ("error", "skip"):
        with pytest.raises(DataError, match=r"deep\.jsonl:2: JSON nested too deeply to read"):
            load_examples(deep, DataConfig(format="jsonl", on_bad_row=policy))
    (spider / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DataError, match=r"deep\.json: JSON nested too deeply to read"):
        load_examples(spider / "deep.json", DataConfig())
