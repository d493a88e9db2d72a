"""The ask loop on the offline demo's databases with stub generators: the repair prompt quotes
SQLite's error and the second attempt is kept; voting; hostile SQL is refused or killed and the
database file is unchanged; prompts are the training prompts; settings and databases that
cannot be used say so."""

import hashlib
import sqlite3

import pytest

from engine.ask.loop import (AskError, Asker, AskSettings, check_sqlite_file, open_database, repair_request)
from engine.config import DataConfig
from engine.data import build_prompt_messages
from engine.demo.databases import database_rows, write_database
from engine.sql.datasets import load_examples


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """The offline demo's shop database (engine/demo/databases.py), as the demo writes it."""
    path = tmp_path_factory.mktemp("demo") / "database" / "shop" / "shop.sqlite"
    path.parent.mkdir(parents=True)
    write_database(path, "shop", database_rows(0)["shop"])
    return path


def rows_of(db, sql):
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Scripted:
    """A stub generator: answers each round from a script; records the conversations it saw."""

    def __init__(self, *answers):
        self.answers, self.seen = list(answers), []

    def __call__(self, conversations, *, num_samples, temperature, seed):
        self.seen.append([list(c) for c in conversations])
        out = []
        for _ in conversations:
            answer = self.answers.pop(0)
            out.append(answer if isinstance(answer, list) else [answer] * num_samples)
        return out


PARIS = "SELECT name FROM customers WHERE city = 'Paris' ORDER BY name"


def test_a_broken_query_is_repaired_with_sqlites_error(shop):
    gen = Scripted("```sql\nSELECT nme FROM customers WHERE city = 'Paris' ORDER BY name\n```", PARIS)
    with Asker(gen, AskSettings(max_repairs=2)) as asker:
        res = asker.ask(open_database(shop), "Names of the customers who live in Paris?")
    assert res.ok and res.sql == PARIS
    assert res.rows == tuple(rows_of(shop, PARIS)) and len(res.rows) > 0
    assert res.columns == ("name",)
    first, second = res.attempts
    assert (first.round, first.error, first.sql) == (0, "no_such_column", PARIS.replace("name", "nme", 1))
    assert "no such column: nme" in first.message and first.row_count is None
    assert (second.round, second.ok, second.row_count) == (1, True, len(res.rows))
    assert res.chosen == 1 and res.repairs == 1
    # the repair round saw the first prompt, the failed SQL as the assistant's turn, and the error
    repair = gen.seen[1][0]
    assert repair[:-2] == gen.seen[0][0] == list(res.prompt)
    assert repair[-2] == {"role": "assistant", "content": first.sql}
    assert repair[-1]["role"] == "user" and "no such column: nme" in repair[-1]["content"]
    assert repair[-1]["content"] == repair_request(first)
    assert set(res.timings) == {"generate_s", "check_s", "total_s"}


def test_repairs_stop_at_max_repairs_and_the_last_error_is_reported(shop):
    gen = Scripted("SELECT * FROM clients", "I don't know", "SELECT price FROM customers")
    with Asker(gen, AskSettings(max_repairs=2)) as asker:
        res = asker.ask(open_database(shop), "Which customers?")
    assert not res.ok and res.rows == () and res.chosen is None
    assert [a.error for a in res.attempts] == ["no_such_table", "no_sql", "no_such_column"]
    assert res.error == "no_such_column" and "price" in res.message
    assert res.sql == "SELECT price FROM customers"  # the last SQL tried, for the user to see
    assert "held no SQL" in gen.seen[2][0][-1]["content"]  # the no-SQL round's repair request
    with Asker(Scripted("SELECT * FROM clients"), AskSettings(max_repairs=0)) as asker:
        assert len(asker.ask(open_database(shop), "Which customers?").attempts) == 1


def test_voting_keeps_the_result_most_samples_agree_on(shop):
    n_paris = "SELECT count(*) FROM customers WHERE city = 'Paris'"
    gen = Scripted(["SELECT count(*) FROM customer", "SELECT count(*) FROM customers",
                    n_paris, "SELECT count(*) FROM customers WHERE city='Paris'"])
    with Asker(gen, AskSettings(num_samples=4, temperature=0.6, max_repairs=0)) as asker:
        res = asker.ask(open_database(shop), "How many customers live in Paris?")
    assert res.sql == n_paris and res.votes == 2 and res.chosen == 2
    assert [a.sample for a in res.attempts] == [0, 1, 2, 3] and res.attempts[0].error == "no_such_table"


def test_many_questions_go_to_the_generator_together(shop):
    db = open_database(shop)
    gen = Scripted(PARIS, "SELECT nothing", "SELECT count(*) FROM products")
    with Asker(gen, AskSettings(max_repairs=1)) as asker:
        a, b = asker.ask_many([(db, "Paris customers?"), (db, "How many products?")])
    assert [len(s) for s in gen.seen] == [2, 1]  # round 0 both questions, round 1 only the failed one
    assert a.ok and a.repairs == 0 and b.ok and b.repairs == 1
    assert b.rows == ((60,),)


HOSTILE = {
    "a write": "DELETE FROM customers",
    "a drop": "DROP TABLE orders",
    "an update in a CTE": "WITH x AS (SELECT 1) UPDATE customers SET age = 0",
    "ATTACH": "ATTACH DATABASE '/tmp/evil.sqlite' AS evil",
    "a PRAGMA": "PRAGMA journal_mode = WAL",
    "VACUUM INTO": "VACUUM INTO '/tmp/copy.sqlite'",
    "load_extension": "SELECT load_extension('/tmp/evil.so')",
    "two statements": "SELECT 1; DELETE FROM customers",
}


@pytest.mark.parametrize("sql", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_sql_is_refused_and_the_database_is_unchanged(shop, sql):
    before = digest(shop)
    with Asker(Scripted(sql), AskSettings(max_repairs=0)) as asker:
        res = asker.ask(open_database(shop), "Delete everything")
    assert digest(shop) == before
    if sql.startswith("SELECT 1;"):  # extract_sql keeps the first statement only: the harmless one runs
        assert res.ok and res.sql == "SELECT 1"
    else:
        assert not res.ok and res.attempts[0].error in ("exec_error", "syntax_error"), res.attempts[0]
    assert rows_of(shop, "SELECT count(*) FROM customers") == [(120,)]


def test_a_runaway_query_is_stopped_at_the_timeout(shop):
    runaway = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
               "SELECT count(*) FROM c, customers")
    endless_rows = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c"
    before = digest(shop)
    with Asker(Scripted(runaway), AskSettings(timeout=0.5, max_rows=1000, max_repairs=0)) as asker:
        res = asker.ask(open_database(shop), "Count forever")
    assert digest(shop) == before
    assert res.attempts[0].error == "timeout" and "timeout" in res.attempts[0].message
    assert res.attempts[0].seconds < 10
    # Endless rows stop at the row cap, long before a generous timeout (a 0.5 s one could pass
    # first on a loaded machine, the worker waiting for a core).
    with Asker(Scripted(endless_rows), AskSettings(timeout=30, max_rows=1000, max_repairs=0)) as asker:
        res = asker.ask(open_database(shop), "Count forever")
    assert digest(shop) == before
    assert res.attempts[0].error == "result_too_large" and "more than 1000 rows" in res.attempts[0].message


def test_the_prompt_is_the_training_prompt(shop, tmp_path):
    """The loop's prompt equals what engine.data builds for a training / eval row on the same database."""
    cfg = DataConfig(format="jsonl", schema_style="compact", sample_rows=2, system_prompt="Write SQL.")
    row = tmp_path / "rows.jsonl"
    row.write_text('{"question": "How many products?", "sql": "SELECT count(*) FROM products", '
                   f'"db_path": "{shop}"}}\n')
    example = load_examples(row, cfg).examples[0]
    assert open_database(shop, cfg).prompt("How many   products?") == build_prompt_messages(example, cfg)


def test_unusable_databases_questions_and_settings_are_named(shop, tmp_path):
    with pytest.raises(AskError, match="no such file"):
        check_sqlite_file(tmp_path / "missing.sqlite")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(AskError, match="not a SQLite database"):
        open_database(tmp_path / "notes.txt")
    with pytest.raises(AskError, match="not a file"):
        open_database(tmp_path)
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).execute("CREATE TABLE t (x)").connection.execute("DROP TABLE t").connection.close()
    with pytest.raises(AskError, match="no tables"):
        open_database(empty)
    with pytest.raises(AskError, match="type a question"):
        open_database(shop).prompt("   ")
    with pytest.raises(AskError, match="max_repairs = -1 must be >= 0"):
        AskSettings(max_repairs=-1)
    with pytest.raises(AskError, match="timeout"):
        AskSettings(timeout=0)
