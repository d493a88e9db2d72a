"""engine/sql/validity.py: scoring without databases (sqlglot validity, schema validity)."""

from engine.sql.validity import score_without_databases

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
