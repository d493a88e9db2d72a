"""engine/sql/validity.py: scoring without databases (sqlglot validity, schema validity)."""

import pytest

from engine.sql.validity import score_without_databases
from tests.paths import SHARED_DATA

SCHEMA = {"singer": ["singer_id", "name", "age"], "concert": ["concert_id", "singer_id"]}


def example(i, gold="SELECT name FROM singer", schema=SCHEMA, difficulty="simple"):
    return {"index": i, "question": f"q{i}", "gold_sql": gold, "db_id": "concerts", "schema": schema,
            "difficulty": difficulty}


def test_aliases_ctes_and_samples():
    preds = [
        "SELECT s.name FROM singer AS s JOIN concert AS c ON s.singer_id = c.singer_id",  # aliases resolve
        "WITH t AS (SELECT age AS a FROM singer) SELECT a FROM t",                         # CTE + its alias
        ["SELECT s.nam FROM singer AS s", "SELECT name FROM singer"],                       # first sample scored
        "SELECT name FROM singer",                                                          # no schema known
    ]
    exs = [example(0), example(1), example(2), example(3, schema={})]
    records, summary = score_without_databases(preds, exs, dialect="bird")
    assert [r["valid"] for r in records] == [True, True, True, True]
    assert [r["schema_valid"] for r in records] == [True, True, False, False]
    assert records[2]["hallucinated"] == ["singer.nam"] and records[3]["hallucinated"] is None
    assert records[3]["exact_match"] and summary["hallucination_checked"] == 3
    assert summary["valid_sql"] == 1.0 and summary["schema_valid"] == 0.5


@pytest.mark.parametrize("fmt, path", [("bird", "bird_dev/dev.json"), ("spider", "spider/dev.json")])
def test_every_real_gold_query_is_valid_and_names_only_its_schema(fmt, path):
    """The checker's false-alarm rate on real data: BIRD dev's 1534 gold queries (schema from
    dev_tables.json: backquoted names with spaces, evidence-driven CASTs) and Spider dev's 972 (wta_1, whose database is missing, skipped)
    all parse and name only their schema's tables and columns."""
    from engine.config import DataConfig
    from engine.eval_files import scoring_example
    from engine.sql.datasets import load_examples
    from engine.sql.validity import schema_columns

    file = SHARED_DATA / path
    if not file.exists():
        pytest.skip(f"needs {file} (../shared/data)")
    examples = load_examples(file, DataConfig(format=fmt, eval_path=str(file), on_bad_row="skip")).examples
    scored = [{**scoring_example(e, fmt), "schema": schema_columns(e.schema_info)} for e in examples]
    records, summary = score_without_databases([e.sql for e in examples], scored, dialect=fmt)
    assert summary["count"] == {"bird": 1534, "spider": 972}[fmt]
    assert [r["gold_sql"] for r in records if not r["schema_valid"]] == []
