"""A tiny Spider-shaped dataset for the data and SQL tests: two sqlite databases (concert_singer,
shop_1), their tables.json entries, dev / train rows, and the `spider` fixture that writes them
(registered for every test in tests/conftest.py)."""

import json
import sqlite3
from pathlib import Path

import pytest


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
