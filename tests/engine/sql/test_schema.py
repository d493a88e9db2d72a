"""Schema prompts (engine/sql/schema.py): CREATE and compact text from sqlite files and tables.json
entries, with sample rows; the tables a query uses."""

import sqlite3


from engine.sql.schema import read_sqlite_schema, render_schema, schema_from_tables_entry, tables_in_sql
from tests.spider_like import CONCERT_ENTRY


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
