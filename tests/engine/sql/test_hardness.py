"""Spider hardness (engine/sql/hardness.py) by the official evaluator's counters: hand-counted queries
and the parsed dicts Spider stores."""

import pytest

from engine.sql.hardness import (count_component1, count_component2, count_others, hardness_from_dict,
                                 hardness_from_sql, sql_skeleton)


# (sql, component1, component2, others, bucket), counted by hand with evaluation.py's rules:
# component1 = WHERE + GROUP BY + ORDER BY + LIMIT + joins + ORs + LIKEs; component2 = nested
# queries in conditions + set operations; others = [aggregates > 1] + [select columns > 1] +
# [WHERE conditions > 1] + [GROUP BY columns > 1].
@pytest.mark.parametrize("sql, c1, c2, others, want", [
    ("SELECT count(*) FROM singer", 0, 0, 0, "easy"),
    ("SELECT name FROM singer WHERE age > 20", 1, 0, 0, "easy"),
    ("SELECT name, country FROM singer", 0, 0, 1, "medium"),
    ("SELECT name FROM singer ORDER BY age LIMIT 1", 2, 0, 0, "medium"),
    ("SELECT T1.name FROM singer AS T1 JOIN concert AS T2 ON T1.singer_id = T2.singer_id", 1, 0, 0, "easy"),
    ("SELECT name FROM singer WHERE age > 20 AND country = 'Peru' ORDER BY age LIMIT 1", 3, 0, 1, "hard"),
    ("SELECT name FROM singer WHERE age > (SELECT avg(age) FROM singer)", 1, 1, 0, "hard"),
    ("SELECT name FROM singer EXCEPT SELECT name FROM singer WHERE age > 3", 0, 1, 0, "hard"),
    ("SELECT name, age FROM singer WHERE country = 'Peru' UNION SELECT name, age FROM singer", 1, 1, 1, "extra"),
    # HAVING is not a component; count(*) in SELECT and ORDER BY are 2 aggregates
    ("SELECT country, count(*) FROM singer GROUP BY country HAVING count(*) > 1 ORDER BY count(*) DESC LIMIT 1",
     3, 0, 2, "hard"),
    ("SELECT name FROM singer WHERE name LIKE '%a%' OR name LIKE '%b%'", 4, 0, 1, "extra"),
    # a NOT counts as an aggregate in WHERE (cond_unit[0] is the NOT flag): 2 "aggregates"
    ("SELECT max(age), name FROM singer WHERE name NOT LIKE 'a%'", 2, 0, 2, "extra"),
    ("SELECT max(age) FROM singer WHERE name LIKE 'a%'", 2, 0, 0, "medium"),
])
def test_hardness_hand_picked(sql, c1, c2, others, want):
    sk = sql_skeleton(sql)
    assert (count_component1(sk), count_component2(sk), count_others(sk)) == (c1, c2, others)
    assert hardness_from_dict(sk) == hardness_from_sql(sql) == want


def test_hardness_from_dict_follows_official_counters():
    # the parsed dict Spider stores for "SELECT count(*) FROM singer" (dev.json, first example)
    parsed = {"from": {"table_units": [["table_unit", 1]], "conds": []},
              "select": [False, [[3, [0, [0, 0, False], None]]]], "where": [], "groupBy": [], "having": [],
              "orderBy": [], "limit": None, "intersect": None, "union": None, "except": None}
    assert hardness_from_dict(parsed) == "easy"
    # official quirk: a NOT condition counts as an "aggregation" in WHERE (cond_unit[0] is not_op)
    sk = sql_skeleton("SELECT max(age) FROM singer WHERE country NOT IN (SELECT country FROM singer)")
    assert sk["where"][0][0] is True
    assert sql_skeleton("SELECT a FROM t WHERE b NOT LIKE 'x'")["where"][0][:2] == (True, 9)
