"""SQL extraction from model output (engine/sql/extract.py): fences, prefixes, prose around the
query, several statements."""

import pytest

from engine.sql.extract import extract_sql


@pytest.mark.parametrize("text, want", [
    ("SELECT name FROM singer", "SELECT name FROM singer"),
    ("SELECT name FROM singer;", "SELECT name FROM singer"),
    ("```sql\nSELECT name FROM singer;\n```\nThis lists every singer.", "SELECT name FROM singer"),
    ("```\nSELECT 1\n```", "SELECT 1"),
    ("```SQL\nSELECT 1", "SELECT 1"),  # fence never closed (generation cut off)
    ("```python\nprint(1)\n```\nthen\n```sql\nSELECT 9\n```", "SELECT 9"),  # sql block preferred
    ("SQL: SELECT name FROM singer", "SELECT name FROM singer"),
    ("Answer: SELECT name\nFROM singer\nWHERE age > 3", "SELECT name\nFROM singer\nWHERE age > 3"),
    ("Question: how many?\nSQLQuery: SELECT count(*) FROM t", "SELECT count(*) FROM t"),
    ("Here is the query: SELECT a FROM t", "SELECT a FROM t"),
    ("The query with a join: SELECT x FROM a JOIN b ON a.id = b.id", "SELECT x FROM a JOIN b ON a.id = b.id"),
    ("SELECT a FROM t\n\nThis query returns a.", "SELECT a FROM t"),
    ("SELECT a FROM t\nExplanation: it returns a.", "SELECT a FROM t"),
    ("SELECT a\n\nFROM t", "SELECT a\nFROM t"),  # a blank line inside the query is kept
    ("SELECT\n  result\nFROM t", "SELECT\n  result\nFROM t"),  # a column named like a prose word
    ("SELECT a FROM t\n**Explanation:** it works", "SELECT a FROM t"),
    ("SELECT a FROM t; SELECT b FROM u;", "SELECT a FROM t"),
    ("SELECT a FROM t WHERE b = 'x;y'; DROP TABLE t", "SELECT a FROM t WHERE b = 'x;y'"),
    ("WITH c AS (SELECT 1 AS x) SELECT x FROM c", "WITH c AS (SELECT 1 AS x) SELECT x FROM c"),
    ("Sure!\n```sql\nWITH RECURSIVE c(x) AS (SELECT 1) SELECT x FROM c\n```", "WITH RECURSIVE c(x) AS (SELECT 1) SELECT x FROM c"),
    ("SELECT 1<|im_end|>", "SELECT 1"),
    ("DROP TABLE t", "DROP TABLE t"),  # kept as written: execution rejects it
    ("", None),
    ("   \n ", None),
    (None, None),
    ("I don't know.", None),
    ("```sql\n```", None),
])
def test_extract_sql(text, want):
    assert extract_sql(text) == want
