"""Scoring rules: Spider (test-suite-sql-eval exec mode, default flags) and BIRD execution match,
validity, hallucination, exact/token match, voting, pass@k, the
error categories end to end, and the file formats. Each Spider rule below is one the official
exec_eval.py applies (see the comments in engine/sql/scoring.py for file and function)."""

import itertools
import json
import math
import random
import sqlite3
from collections import Counter

import pytest

from engine.sql.connection import ExecResult
from engine.sql.match import (bird_result_eq, exact_match, is_valid_sql, normalize_sql, remove_distinct,
                              schema_hallucinations, spider_exec_sql, spider_order_matters, spider_result_eq,
                              sqlglot_parses, token_f1)
from engine.sql.reports import (BIRD_SEPARATOR, read_predictions, read_spider_gold, write_bird_predictions,
                                write_spider_gold, write_spider_predictions)
from engine.sql.scoring import majority_vote, pass_at_k, score_predictions

# ----------------------------------------------------------------------------- Spider semantics


def _official_definition(gold, pred, order_matters):
    """exec_eval.result_eq written as its definition: some column permutation of pred equals
    gold as a list (ORDER BY) or as a bag; both empty is a match. Exhaustive, for small tables."""
    if not gold and not pred:
        return True
    if len(gold) != len(pred) or len(gold[0]) != len(pred[0]):
        return False
    for perm in itertools.permutations(range(len(gold[0]))):
        p = [tuple(r[j] for j in perm) for r in pred]
        if (p == gold) if order_matters else (Counter(p) == Counter(gold)):
            return True
    return False


def test_spider_bag_semantics_duplicates_count():
    assert spider_result_eq([(1,), (1,), (2,)], [(2,), (1,), (1,)], order_matters=False)
    assert not spider_result_eq([(1,), (1,), (2,)], [(1,), (2,), (2,)], order_matters=False)
    assert not spider_result_eq([(1,), (2,)], [(1,), (2,), (2,)], order_matters=False)


def test_spider_column_order_is_free():
    gold = [("a", 1), ("b", 2)]
    assert spider_result_eq(gold, [(1, "a"), (2, "b")], order_matters=False)
    assert spider_result_eq(gold, [(1, "a"), (2, "b")], order_matters=True)
    # a permutation must be applied to every row alike
    assert not spider_result_eq([(1, 2), (3, 4)], [(1, 2), (4, 3)], order_matters=False)
    assert not spider_result_eq([(1,)], [(1, 1)], order_matters=False)  # column count differs


def test_spider_row_order_only_with_order_by():
    gold, pred = [(1,), (2,)], [(2,), (1,)]
    assert spider_result_eq(gold, pred, order_matters=False)
    assert not spider_result_eq(gold, pred, order_matters=True)
    assert spider_order_matters(spider_exec_sql("SELECT a FROM t ORDER BY a", is_prediction=False))
    assert not spider_order_matters(spider_exec_sql("SELECT a FROM t", is_prediction=False))
    # official: a plain substring test on the gold text, so a subquery's ORDER BY counts too
    assert spider_order_matters("SELECT a FROM t WHERE b IN (SELECT b FROM u ORDER BY b LIMIT 1)")


def test_spider_values_compare_with_python_equality():
    assert spider_result_eq([(1,)], [(1.0,)], order_matters=False)  # 1 == 1.0
    assert not spider_result_eq([(0.3,)], [(0.1 + 0.2,)], order_matters=False)  # floats exactly
    assert not spider_result_eq([("1",)], [(1,)], order_matters=False)  # text is not a number
    assert spider_result_eq([(None, 1), (2, None)], [(None, 2), (1, None)], order_matters=False)
    assert not spider_result_eq([(None,)], [(0,)], order_matters=False)
    assert spider_result_eq([], [], order_matters=True)
    assert not spider_result_eq([], [(None,)], order_matters=False)


def test_spider_result_eq_matches_definition_on_random_tables():
    rng = random.Random(0)
    for _ in range(3000):
        ncol, nrow = rng.randint(1, 4), rng.randint(0, 4)
        vals = [0, 1, 1.0, "1", None, "a"]
        gold = [tuple(rng.choice(vals) for _ in range(ncol)) for _ in range(nrow)]
        if rng.random() < 0.5:  # a shuffled, column-permuted copy, sometimes perturbed
            perm = rng.sample(range(ncol), ncol)
            pred = [tuple(r[j] for j in perm) for r in gold]
            if rng.random() < 0.5:
                rng.shuffle(pred)
            if pred and rng.random() < 0.3:
                pred[0] = tuple(rng.choice(vals) for _ in range(ncol))
        else:
            width = rng.choice([ncol, ncol + 1])
            pred = [tuple(rng.choice(vals) for _ in range(width)) for _ in range(rng.choice([nrow, nrow + 1]))]
        for om in (False, True):
            assert spider_result_eq(gold, pred, om) == _official_definition(gold, pred, om), (gold, pred, om)


def test_spider_default_flags_remove_distinct_everywhere():
    # keep_distinct defaults to False: DISTINCT is dropped from gold and prediction as tokens,
    # including inside COUNT(...), but not inside string literals or longer names.
    assert remove_distinct("SELECT DISTINCT name FROM t") == "SELECT  name FROM t"
    assert remove_distinct("SELECT count(DISTINCT name) FROM t") == "SELECT count( name) FROM t"
    assert remove_distinct("SELECT distinct_id FROM t WHERE x = 'distinct'") == \
        "SELECT distinct_id FROM t WHERE x = 'distinct'"
    assert spider_exec_sql("SELECT DISTINCT a FROM t", is_prediction=False, keep_distinct=True) == \
        "SELECT DISTINCT a FROM t"


def test_spider_value_postprocessing():
    # exec_eval.postprocess, evaluate()'s " value " -> " 1 " on predictions, replace_cur_year
    assert spider_exec_sql("SELECT a FROM t WHERE b > = 3 AND c ! = 2", is_prediction=True) == \
        "SELECT a FROM t WHERE b >= 3 AND c != 2"
    assert spider_exec_sql("SELECT a FROM t WHERE b = value ", is_prediction=True) == "SELECT a FROM t WHERE b = value"
    assert spider_exec_sql("SELECT a FROM t WHERE b = value AND c", is_prediction=True) == \
        "SELECT a FROM t WHERE b = 1 AND c"
    assert spider_exec_sql("SELECT YEAR(CURDATE()) - age FROM t", is_prediction=False) == "SELECT 2020- age FROM t"


def test_bird_set_semantics():
    assert bird_result_eq([(1, "a"), (2, "b")], [(2, "b"), (1, "a"), (1, "a")])  # order, duplicates ignored
    assert not bird_result_eq([(1, "a")], [("a", 1)])  # column order matters
    assert bird_result_eq([], [])
    assert bird_result_eq([(1,)], [(1.0,)])


# ----------------------------------------------------------------------------- a small database


@pytest.fixture()
def db_root(tmp_path):
    root = tmp_path / "database"
    (root / "shop").mkdir(parents=True)
    conn = sqlite3.connect(root / "shop" / "shop.sqlite")
    conn.executescript("""
        CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT, country TEXT, age INTEGER);
        CREATE TABLE concert (concert_id INTEGER PRIMARY KEY, singer_id INTEGER, year INTEGER);
        INSERT INTO singer VALUES (1, 'Ann', 'France', 30), (2, 'Bob', 'France', 41),
                                  (3, 'Cid', 'Peru', 25), (4, 'Dee', 'Peru', 41);
        INSERT INTO concert VALUES (1, 1, 2014), (2, 1, 2015), (3, 2, 2014), (4, 3, 2015);
    """)
    conn.commit()
    conn.close()
    return root


def _ex(gold, question="q", **kw):
    return {"question": question, "sql": gold, "db_id": "shop", **kw}


def test_score_error_categories_end_to_end(db_root):
    cases = [
        ("SELECT name FROM singer", "SELECT name FROM singer", None),
        ("SELECT name FROM singer", "SELECT country FROM singer", "wrong_result"),
        ("SELECT name FROM singer", None, "no_sql"),
        ("SELECT name FROM singer", "SELEC name FROM singer", "syntax_error"),
        ("SELECT name FROM singer", "SELECT name FROM singers", "no_such_table"),
        ("SELECT name FROM singer", "SELECT nom FROM singer", "no_such_column"),
        ("SELECT name FROM singer", "SELECT nofunc(name) FROM singer", "exec_error"),
        ("SELECT name FROM singer", "DROP TABLE singer", "exec_error"),
        ("SELECT count(*) FROM singer",
         "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c", "timeout"),
        ("SELECT nope FROM singer", "SELECT name FROM singer", "gold_error"),
    ]
    records, summary = score_predictions([p for _, p, _ in cases], [_ex(g) for g, _, _ in cases],
                                         db_root=db_root, timeout=1.0, workers=2)
    assert [r["error"] for r in records] == [want for _, _, want in cases]
    assert [r["exec_match"] for r in records] == [want is None for _, _, want in cases]
    assert summary["outcomes"]["correct"] == 1 and summary["outcomes"]["timeout"] == 1
    assert summary["outcomes"]["exec_error"] == 2
    assert summary["execution_accuracy"] == pytest.approx(1 / len(cases))
    assert [r["valid"] for r in records] == [True, True, False, False, False, False, False, False, True, True]


def test_score_spider_rules_through_execution(db_root):
    golds_preds = [
        # DISTINCT removed on both sides (default keep_distinct=False): duplicates then count
        ("SELECT DISTINCT country FROM singer", "SELECT country FROM singer", True),
        ("SELECT country FROM singer", "SELECT DISTINCT country FROM singer", True),
        ("SELECT count(DISTINCT country) FROM singer", "SELECT count(country) FROM singer", True),
        # column order free, row order free without ORDER BY in gold
        ("SELECT name, age FROM singer", "SELECT age, name FROM singer ORDER BY age", True),
        # row order matters when gold has ORDER BY
        ("SELECT name FROM singer ORDER BY age DESC, name", "SELECT name FROM singer ORDER BY age, name", False),
        ("SELECT name FROM singer ORDER BY age DESC, name", "SELECT name FROM singer ORDER BY age DESC, name", True),
        # bag semantics: a duplicated row is a different answer
        ("SELECT country FROM singer WHERE age > 28", "SELECT country FROM singer WHERE age > 28 UNION ALL "
         "SELECT country FROM singer WHERE age > 40", False),
        # double-quoted strings (Spider style) work
        ('SELECT name FROM singer WHERE country = "Peru"', "SELECT name FROM singer WHERE country = 'Peru'", True),
    ]
    records, summary = score_predictions([p for _, p, _ in golds_preds], [_ex(g) for g, _, _ in golds_preds],
                                         db_root=db_root, timeout=2, workers=1)
    assert [r["exec_match"] for r in records] == [w for _, _, w in golds_preds]

    bird = [{"question": "q", "SQL": g, "db_id": "shop", "difficulty": "simple"} for g, _, _ in golds_preds]
    records, summary = score_predictions([p for _, p, _ in golds_preds], bird, dialect="bird",
                                         db_root=db_root, timeout=2, workers=0)
    # BIRD: set equality, no DISTINCT removal, row order never matters, column order does
    assert [r["exec_match"] for r in records] == [True, True, False, False, True, True, True, True]
    assert summary["by_difficulty"]["simple"]["count"] == len(golds_preds)


def test_missing_database_is_skipped_and_reported(db_root):
    exs = [_ex("SELECT name FROM singer"), {"question": "q", "sql": "SELECT 1", "db_id": "gone"}]
    records, summary = score_predictions(["SELECT name FROM singer", "SELECT 1"], exs, db_root=db_root, workers=0)
    assert records[1]["error"] == "missing_db" and records[1]["exec_match"] is None
    assert summary["count"] == 1 and summary["skipped_missing_db"] == 1 and summary["missing_db_ids"] == ["gone"]
    assert summary["execution_accuracy"] == 1.0


def test_summary_names_and_buckets(db_root):
    exs = [_ex("SELECT count(*) FROM singer"),
           _ex("SELECT name FROM singer WHERE age > 30 ORDER BY age"),
           _ex("SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON T1.singer_id = T2.singer_id "
               "WHERE T2.year = 2014 INTERSECT SELECT T1.name FROM singer AS T1 JOIN concert AS T2 "
               "ON T1.singer_id = T2.singer_id WHERE T2.year = 2015")]
    preds = ["SELECT count(*) FROM singer", "SELECT name FROM singer", "select t1.name from singer t1"]
    records, summary = score_predictions(preds, exs, db_root=db_root, workers=0, extract=True)
    for key in ("execution_accuracy", "valid_sql", "exact_match", "token_match", "hallucination_rate",
                "by_hardness", "outcomes"):
        assert key in summary
    assert [r["hardness"] for r in records] == ["easy", "medium", "extra"]
    assert summary["by_hardness"]["easy"] == {"count": 1, "execution_accuracy": 1.0, "valid_sql": 1.0}
    assert summary["by_hardness"]["all"]["count"] == 3
    assert summary["exact_match"] == pytest.approx(1 / 3)
    for r in records:
        assert {"index", "db_id", "question", "pred_sql", "gold_sql", "exec_match", "error", "hardness",
                "valid"} <= set(r)


# ----------------------------------------------------------------------------- validity, schema


def test_valid_sql(db_root):
    db = db_root / "shop" / "shop.sqlite"
    assert is_valid_sql("SELECT name FROM singer", db)
    assert is_valid_sql('SELECT name FROM singer WHERE country = "Peru"', db)  # Spider's double quotes
    assert not is_valid_sql("SELECT nom FROM singer", db)  # SQLite rejects unknown column
    assert not is_valid_sql("SELECT DATEDIFF(day, age, 3) FROM singer", db)  # parses; not SQLite
    assert not is_valid_sql("SELECT name FROM singer WHERE", db)
    assert not is_valid_sql("SELECT 1; SELECT 2", db)
    assert not is_valid_sql("DROP TABLE singer", db)  # not compiled on a read-only connection
    assert not is_valid_sql(None, db)
    # not queries: SQLite compiles EXPLAIN VACUUM, but they are refused before it sees them
    assert not any(is_valid_sql(q, db) for q in ("VACUUM", "VACUUM INTO '/tmp/x.db'", "ANALYZE", "REINDEX"))
    # a ';' followed by whitespace or comments ends the one statement, as Python's sqlite3 reads it
    assert all(is_valid_sql(q, db) for q in ("SELECT name FROM singer; -- done", "SELECT name FROM singer;\n/* c */\n"))
    assert not is_valid_sql("SELECT name FROM singer;;", db)  # sqlite3: "only one statement at a time"
    assert sqlglot_parses("SELECT 1") and not sqlglot_parses("SELECT FROM WHERE (")


SCHEMA = {"Singer": ["Singer_ID", "Name", "Country", "Age"], "concert": ["concert_id", "singer_id", "year"]}


@pytest.mark.parametrize("sql, want", [
    ("SELECT name FROM singer", []),
    ("SELECT NAME FROM SINGER", []),  # case-insensitive
    ('SELECT "Name" FROM "singer"', []),  # quoted names
    ("SELECT T1.name FROM singer AS T1 JOIN concert T2 ON T1.singer_id = T2.singer_id", []),
    ("WITH s AS (SELECT name FROM singer) SELECT s.name FROM s", []),  # CTE
    ("SELECT x.n FROM (SELECT name AS n FROM singer) AS x", []),  # subquery alias
    ("SELECT count(*) AS c FROM singer ORDER BY c", []),  # select alias
    ('SELECT name FROM singer WHERE country = "Peru"', []),  # double-quoted string literal
    ("SELECT `Name`, `Home Town` FROM singer", ["Home Town"]),  # backticks are always names
    ("SELECT name FROM singers", ["singers"]),
    ("SELECT nom FROM singer", ["nom"]),
    ("SELECT T1.nom FROM singer AS T1", ["singer.nom"]),
    ("SELECT T3.name FROM singer AS T1", ["T3.name"]),
    ("SELECT genre FROM band JOIN singer ON band.id = singer.singer_id", ["band", "genre"]),
])
def test_schema_hallucinations(sql, want):
    assert schema_hallucinations(sql, SCHEMA) == sorted(want, key=str.lower)


def test_schema_hallucinations_unparseable():
    assert schema_hallucinations("SELECT FROM WHERE (", SCHEMA) is None


# ----------------------------------------------------------------------------- exact and token match


def test_exact_match_normalisation():
    gold = "SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON T1.singer_id = T2.singer_id WHERE T2.year = 2014"
    assert exact_match("select s.name from singer s join concert c on s.singer_id = c.singer_id "
                       "where c.year = 2014;", gold)
    assert exact_match('SELECT name  FROM singer WHERE country = "Peru"', "select name from singer where country = 'Peru'")
    assert not exact_match("SELECT name FROM singer WHERE country = 'peru'", "SELECT name FROM singer WHERE country = 'Peru'")
    assert not exact_match(None, gold)
    assert normalize_sql("SELECT count(*) FROM singer ;") == "select count ( * ) from singer"


def test_token_f1():
    assert token_f1("SELECT name FROM singer", "select name from singer;") == 1.0
    assert token_f1(None, "SELECT 1") == 0.0
    # pred tokens {select, age, from, singer}, gold {select, name, from, singer}: overlap 3 of 4 each
    assert token_f1("SELECT age FROM singer", "SELECT name FROM singer") == pytest.approx(0.75)


# ----------------------------------------------------------------------------- voting


def _ok(rows):
    return ExecResult(rows)


def test_majority_vote():
    fail = ExecResult(None, "syntax_error")
    assert majority_vote([_ok([(1,)]), _ok([(2,)]), _ok([(2,)])]) == 1
    assert majority_vote([fail, fail, _ok([(3,)])]) == 2  # failing samples ignored
    assert majority_vote([_ok([(1,)]), _ok([(2,)])]) == 0  # tie -> first sample order
    assert majority_vote([_ok([(1,), (2,)]), _ok([(9,)]), _ok([(2,), (1,)])]) == 0  # row order ignored
    assert majority_vote([fail, fail]) == 0


def test_pass_at_k_matches_combinatorial_definition():
    for n, c, k in [(5, 0, 1), (5, 2, 1), (5, 2, 3), (6, 3, 6), (10, 1, 4)]:
        subsets = list(itertools.combinations([1] * c + [0] * (n - c), k))
        want = sum(any(s) for s in subsets) / len(subsets)
        assert pass_at_k(n, c, k) == pytest.approx(want)
    assert pass_at_k(4, 1, 1) == pytest.approx(0.25)
    with pytest.raises(ValueError):
        pass_at_k(2, 3, 1)


def test_score_with_samples_votes_and_reports_pass_at_k(db_root):
    exs = [_ex("SELECT name FROM singer WHERE age = 41"), _ex("SELECT count(*) FROM singer")]
    preds = [["SELECT name FROM singer WHERE age > 40", "SELECT name FROM singer", "SELEC",
              "SELECT name FROM singer WHERE age >= 41"],
             ["SELECT count(*) FROM concert WHERE year = 2014", "SELECT 4",
              "SELECT count(*) FROM concert WHERE year = 2014", None]]
    records, summary = score_predictions(preds, exs, db_root=db_root, workers=0)
    assert records[0]["vote_index"] == 0 and records[0]["exec_match"] is True
    assert records[1]["vote_index"] == 0 and records[1]["exec_match"] is False  # majority is wrong
    assert records[1]["sample_exec_match"] == [False, True, False, False]
    assert summary["pass_at_k"]["1"] == pytest.approx((2 / 4 + 1 / 4) / 2)
    assert summary["pass_at_k"]["4"] == 1.0
    assert summary["execution_accuracy"] == 0.5


# ----------------------------------------------------------------------------- files


def test_prediction_files_round_trip(tmp_path):
    preds = ["SELECT a FROM t", None, "SELECT b\nFROM u WHERE c = 'x'"]
    p = tmp_path / "pred.sql"
    write_spider_predictions(p, preds)
    lines = p.read_text().splitlines()
    assert lines == ["SELECT a FROM t", "SELECT", "SELECT b FROM u WHERE c = 'x'"]
    assert read_predictions(p, num_examples=3) == ["SELECT a FROM t", "SELECT", "SELECT b FROM u WHERE c = 'x'"]
    with pytest.raises(ValueError, match="2 examples"):
        read_predictions(p, num_examples=2)

    b = tmp_path / "predict_dev.json"
    write_bird_predictions(b, preds, ["db1", "db2", "db3"])
    data = json.loads(b.read_text())
    assert data["0"] == "SELECT a FROM t" + BIRD_SEPARATOR + "db1"
    assert read_predictions(b)[0] == "SELECT a FROM t"

    j = tmp_path / "pred.jsonl"
    j.write_text('{"index": 1, "pred_sql": "SELECT 2"}\n{"index": 0, "pred_sql": "SELECT 1"}\n'
                 '{"index": 2, "samples": ["SELECT 3", "SELECT 4"]}\n')
    assert read_predictions(j) == ["SELECT 1", "SELECT 2", ["SELECT 3", "SELECT 4"]]

    g = tmp_path / "gold.sql"
    write_spider_gold(g, [{"query": "SELECT 1", "db_id": "x"}, {"sql": "SELECT\t2", "db_id": "y"}])
    assert read_spider_gold(g) == [("SELECT 1", "x"), ("SELECT 2", "y")]
    # Spider's official reader keeps the first tab-separated field of a prediction line
    t = tmp_path / "with_tab.txt"
    t.write_text("SELECT 1\tdb\n\n")
    assert read_predictions(t) == ["SELECT 1", None]


@pytest.mark.parametrize("text, want", [
    ('{"pred_sql": "SELECT 1"}\n', ["SELECT 1"]),  # used to be read as BIRD's dict: "key 'pred_sql' is not an index"
    ('{"index": 0, "sql": "SELECT 1"}', ["SELECT 1"]),
    ('{"samples": ["SELECT 1", "SELECT 2"]}\n', [["SELECT 1", "SELECT 2"]]),
    (json.dumps({"0": "SELECT 1" + BIRD_SEPARATOR + "db"}), ["SELECT 1"]),  # one-line BIRD dict: still BIRD
    (json.dumps({"1": "SELECT 2" + BIRD_SEPARATOR + "db", "0": "SELECT 1"}, indent=2), ["SELECT 1", "SELECT 2"]),
])
def test_one_row_jsonl_and_one_line_bird_files(tmp_path, text, want):
    for suffix in (".jsonl", ".json", ".txt"):
        path = tmp_path / f"preds{suffix}"
        path.write_text(text)
        assert read_predictions(path) == want, suffix


def test_prediction_files_that_cannot_be_read_say_so(tmp_path):
    bad = tmp_path / "preds.sql"
    bad.write_bytes("SELECT 1\nSELECT 'caf\xe9'\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"preds\.sql:2: not UTF-8 text \(byte 0xe9 at offset 20\); save the "
                                         r"predictions file as UTF-8, e\.g\. iconv -f latin1 -t utf-8"):
        read_predictions(bad)
    bom = tmp_path / "bom.sql"
    bom.write_bytes("\ufeffSELECT 1\n".encode("utf-8"))  # a BOM is not part of the first prediction
    assert read_predictions(bom) == ["SELECT 1"]
    deep = tmp_path / "deep.jsonl"
    deep.write_text('{"pred_sql": "SELECT 1"}\n{"pred_sql": ' + "[" * 100_000 + "]" * 100_000 + "}\n")
    with pytest.raises(ValueError, match=r"deep\.jsonl:2: JSON nested too deeply to read"):
        read_predictions(deep)
    other = tmp_path / "other.json"
    other.write_text('{"answer": "SELECT 1"}')
    with pytest.raises(ValueError, match=r"other\.json: key 'answer' is not an index 0\.\.0; expected BIRD's json dict"):
        read_predictions(other)
    rows = tmp_path / "rows.jsonl"
    rows.write_text('{"pred_sql": "SELECT 1"}\n["SELECT 2"]\n')
    with pytest.raises(ValueError, match=r"rows\.jsonl: row 2 is list, not a JSON object"):
        read_predictions(rows)


def test_pass_at_k_is_a_probability():
    for n in range(1, 8):
        for c in range(n + 1):
            vals = [pass_at_k(n, c, k) for k in range(1, n + 1)]
            assert all(0 <= v <= 1 for v in vals) and vals == sorted(vals)
            assert math.isclose(vals[0], c / n)


def test_score_file_writes_reports_and_official_formats(db_root, tmp_path):
    from engine.sql.reports import compare_reports, score_file
    from engine.sql.scoring import align_predictions

    exs = [_ex("SELECT name FROM singer", source=("dev.json", 0)),
           _ex("SELECT count(*) FROM singer", source=("dev.json", 2))]  # row 1 was left out by the loader
    pred = tmp_path / "pred.sql"
    pred.write_text("SELECT name FROM singer\nSELECT 'row 1'\nSELECT count(*) FROM concert WHERE year = 2014\n")
    records, report = score_file(pred, exs, db_root=db_root, out_dir=tmp_path / "out", workers=0,
                                 meta={"model": "tiny"})
    assert [r["index"] for r in records] == [0, 2]
    assert [r["exec_match"] for r in records] == [True, False]
    assert report["execution_accuracy"] == 0.5 and report["model"] == "tiny"
    out = tmp_path / "out"
    assert json.loads((out / "report.json").read_text())["execution_accuracy"] == 0.5
    assert "execution_accuracy" in (out / "report.md").read_text()
    rows = [json.loads(line) for line in (out / "predictions.jsonl").read_text().splitlines()]
    assert [r["pred_sql"] for r in rows] == ["SELECT name FROM singer", "SELECT count(*) FROM concert WHERE year = 2014"]
    assert read_spider_gold(out / "gold_spider.sql") == [("SELECT name FROM singer", "shop"),
                                                          ("SELECT count(*) FROM singer", "shop")]
    assert read_predictions(out / "pred_spider.sql", num_examples=2)[1].startswith("SELECT count(*) FROM concert")

    table = compare_reports(out / "report.json", {**report, "execution_accuracy": 0.75}, names=("base", "tuned"))
    assert "| execution_accuracy | 0.5000 | 0.7500 | +0.2500 |" in table
    with pytest.raises(ValueError, match="3 predictions for 1 examples"):
        align_predictions(["a", "b", "c"], [{"question": "q"}])


def test_spider_checks_every_database_file_in_the_folder(db_root):
    # exec_eval.eval_exec_match compares on every file in the database's folder whose name
    # contains '.sqlite' (test-suite accuracy); a prediction must match on all of them.
    main = db_root / "shop" / "shop.sqlite"
    suite = db_root / "shop" / "shop_suite1.sqlite"
    conn = sqlite3.connect(suite)
    conn.executescript("CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT, country TEXT, age INTEGER);"
                       "INSERT INTO singer VALUES (1, 'Zed', 'Chad', 50), (2, 'Yan', 'Chad', 20);")
    conn.close()
    from engine.sql.match import spider_db_files
    assert spider_db_files(main) == [main, suite]
    gold = "SELECT name FROM singer WHERE age > 28"
    pred = "SELECT name FROM singer WHERE name IN ('Ann', 'Bob', 'Dee')"  # right on shop.sqlite only
    records, _ = score_predictions([pred, gold], [_ex(gold), _ex(gold)], db_root=db_root, workers=0)
    assert [r["exec_match"] for r in records] == [False, True]
    assert records[0]["error"] == "wrong_result"
    records, _ = score_predictions([pred], [_ex(gold)], db_root=db_root, workers=0, test_suite=False)
    assert records[0]["exec_match"] is True


def test_a_folder_shared_by_several_databases_is_not_a_test_suite(tmp_path):
    # Test-suite variants live in the database's own folder (<db_id>/<db_id>*.sqlite). A folder of
    # unrelated databases (a JSONL set's dbs/) must not make every query run on all of them.
    from engine.sql.match import spider_db_files
    shop, school = tmp_path / "dbs" / "shop.sqlite", tmp_path / "dbs" / "school.sqlite"
    shop.parent.mkdir()
    for path, ddl in ((shop, "CREATE TABLE item (id INTEGER);"), (school, "CREATE TABLE pupil (id INTEGER);")):
        conn = sqlite3.connect(path)
        conn.executescript(ddl)
        conn.close()
    assert spider_db_files(shop) == [shop] and spider_db_files(school) == [school]
    records, _ = score_predictions(["SELECT count(*) FROM item"], [{"question": "q", "sql": "SELECT count(*) FROM item",
                                                                    "db_id": "shop", "db_path": str(shop)}], workers=0)
    assert records[0]["exec_match"] is True


def test_vacuum_is_refused_and_a_trailing_comment_scores_as_the_query(db_root, tmp_path):
    db = db_root / "shop" / "shop.sqlite"
    before = db.read_bytes()
    into = tmp_path / "copy.sqlite"
    gold = "SELECT name FROM singer WHERE age > 35"
    preds = [gold, gold + "; -- the singers over 35", gold + ";\n/* done */  \n", gold + " ;\n-- a\n-- b",
             "VACUUM", f"VACUUM INTO '{into}'", "EXPLAIN VACUUM", gold + ";;", gold + "; SELECT 1"]
    records, _ = score_predictions(preds, [_ex(gold)] * len(preds), db_root=db_root, timeout=2.0, workers=1)
    as_query = records[0]
    for rec in records[1:4]:  # the same verdicts and figures as the bare query
        assert {k: rec[k] for k in ("exec_match", "valid", "error", "exact_match", "token_f1")} == \
               {k: as_query[k] for k in ("exec_match", "valid", "error", "exact_match", "token_f1")}
        assert rec["pred_sql"] == gold
    assert as_query["exec_match"] and as_query["valid"]
    for rec in records[4:7]:  # refused before SQLite prepares them: never run, never valid
        assert rec["error"] == "exec_error" and not rec["valid"] and "is not a query" in rec["message"]
    for rec in records[7:]:  # two statements, as Python's sqlite3 (the official evaluators) counts them
        assert rec["error"] == "exec_error" and not rec["valid"] and "only one statement" in rec["message"]
    assert db.read_bytes() == before and not into.exists()
