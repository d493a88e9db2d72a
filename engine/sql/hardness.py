"""Spider hardness (easy / medium / hard / extra) by the official rules.

The rules are those of ``Evaluator.eval_hardness`` and its helpers ``count_component1``,
``count_component2``, ``count_others`` in the official evaluator (taoyds/spider and
taoyds/test-suite-sql-eval, ``evaluation.py``), applied to the parsed SQL dict that Spider's
``dev.json`` carries in its ``sql`` field (the shape produced by ``process_sql.get_sql``):

    sql = {'select': (is_distinct, [(agg_id, val_unit), ...]),
           'from': {'table_units': [(type, id_or_sql), ...], 'conds': condition},
           'where': condition, 'groupBy': [col_unit, ...], 'having': condition,
           'orderBy': () | ('asc'|'desc', [val_unit, ...]), 'limit': None | int,
           'intersect' / 'union' / 'except': None | sql}
    condition = [cond_unit, 'and'|'or', cond_unit, ...]
    cond_unit = (not_op, op_id, val_unit, val1, val2); val_unit = (unit_op, col_unit1, col_unit2)
    col_unit = (agg_id, col_id, is_distinct)

Quirks reproduced on purpose (they decide the official buckets): ``count_others`` counts
"aggregations" in WHERE by looking at ``cond_unit[0]``, which is the NOT flag, and in HAVING
over the whole condition list, where every 'and'/'or' string counts as one; subqueries in FROM
are not "nested" (only the extra table unit counts); only the top level is counted.

``hardness_from_sql(sql_string)`` builds the same skeleton from the SQL text with sqlglot (for
prediction files and datasets without the parsed dict) and applies the same rules.
"""

from __future__ import annotations

import sqlglot
from sqlglot import exp

HARDNESS_LEVELS = ("easy", "medium", "hard", "extra")

# Index tables from process_sql.py / evaluation.py.
WHERE_OPS = ("not", "between", "=", ">", "<", ">=", "<=", "!=", "in", "like", "is", "exists")
UNIT_OPS = ("none", "-", "+", "*", "/")
AGG_OPS = ("none", "max", "min", "count", "sum", "avg")
_LIKE = WHERE_OPS.index("like")


# ----------------------------------------------------------------------------- official rules


def _has_agg(unit) -> bool:
    return unit[0] != 0  # AGG_OPS.index('none'); on a cond_unit this reads the NOT flag


def _count_agg(units) -> int:
    return sum(1 for u in units if _has_agg(u))


def _nested(sql: dict) -> list:
    out = []
    for cond in sql["from"]["conds"][::2] + sql["where"][::2] + sql["having"][::2]:
        out += [v for v in (cond[3], cond[4]) if isinstance(v, dict)]
    out += [sql[k] for k in ("intersect", "except", "union") if sql[k] is not None]
    return out


def count_component1(sql: dict) -> int:
    """WHERE, GROUP BY, ORDER BY, LIMIT, each join, each OR, each LIKE (evaluation.py)."""
    n = sum([len(sql["where"]) > 0, len(sql["groupBy"]) > 0, len(sql["orderBy"]) > 0,
             sql["limit"] is not None])
    if len(sql["from"]["table_units"]) > 0:
        n += len(sql["from"]["table_units"]) - 1
    connectors = sql["from"]["conds"][1::2] + sql["where"][1::2] + sql["having"][1::2]
    n += sum(1 for t in connectors if t == "or")
    conds = sql["from"]["conds"][::2] + sql["where"][::2] + sql["having"][::2]
    n += sum(1 for c in conds if c[1] == _LIKE)
    return n


def count_component2(sql: dict) -> int:
    """Nested queries in conditions plus INTERSECT / EXCEPT / UNION (evaluation.py)."""
    return len(_nested(sql))


def count_others(sql: dict) -> int:
    """More than one aggregation / select column / WHERE condition / GROUP BY column."""
    agg = _count_agg(sql["select"][1]) + _count_agg(sql["where"][::2]) + _count_agg(sql["groupBy"])
    if len(sql["orderBy"]) > 0:
        units = sql["orderBy"][1]
        agg += _count_agg([u[1] for u in units if u[1]] + [u[2] for u in units if u[2]])
    agg += _count_agg(sql["having"])
    return sum([agg > 1, len(sql["select"][1]) > 1, len(sql["where"]) > 1, len(sql["groupBy"]) > 1])


def hardness_from_dict(sql: dict) -> str:
    """Spider hardness of a parsed SQL dict (``Evaluator.eval_hardness``)."""
    c1, c2, others = count_component1(sql), count_component2(sql), count_others(sql)
    if c1 <= 1 and others == 0 and c2 == 0:
        return "easy"
    if (others <= 2 and c1 <= 1 and c2 == 0) or (c1 <= 2 and others < 2 and c2 == 0):
        return "medium"
    if ((others > 2 and c1 <= 2 and c2 == 0) or (2 < c1 <= 3 and others <= 2 and c2 == 0)
            or (c1 <= 1 and others == 0 and c2 <= 1)):
        return "hard"
    return "extra"


# ----------------------------------------------------------------------------- from SQL text

_AGG_CLASSES = ((exp.Max, 1), (exp.Min, 2), (exp.Count, 3), (exp.Sum, 4), (exp.Avg, 5))
_UNIT_CLASSES = ((exp.Sub, 1), (exp.Add, 2), (exp.Mul, 3), (exp.Div, 4))
_OP_CLASSES = ((exp.Between, 1), (exp.EQ, 2), (exp.GT, 3), (exp.LT, 4), (exp.GTE, 5), (exp.LTE, 6),
               (exp.NEQ, 7), (exp.In, 8), (exp.Like, 9), (exp.Is, 10), (exp.Exists, 11))


def _agg_id(e: exp.Expression) -> int:
    while isinstance(e, (exp.Paren, exp.Alias)):
        e = e.this
    for cls, i in _AGG_CLASSES:
        if isinstance(e, cls):
            return i
    return 0


def _col_unit(e) -> tuple:
    return (_agg_id(e), "col", False) if e is not None else None


def _val_unit(e: exp.Expression) -> tuple:
    while isinstance(e, (exp.Paren, exp.Alias)):
        e = e.this
    for cls, i in _UNIT_CLASSES:
        if isinstance(e, cls):
            return (i, _col_unit(e.this), _col_unit(e.expression))
    return (0, _col_unit(e), None)


def _value(e):
    """A condition's right-hand value: a skeleton dict for a subquery, else a placeholder."""
    if e is None:
        return None
    while isinstance(e, exp.Paren):
        e = e.this
    if isinstance(e, (exp.Subquery, exp.Select, exp.SetOperation)):
        return _skeleton(e)
    return "value"


def _cond_unit(e: exp.Expression) -> tuple:
    not_op = False
    while isinstance(e, exp.Paren):
        e = e.this
    if isinstance(e, exp.Not):
        not_op, e = True, e.this
        while isinstance(e, exp.Paren):
            e = e.this
    if e.args.get("negate"):  # sqlglot writes "a NOT LIKE b" as Like(negate=True)
        not_op = True
    op = next((i for cls, i in _OP_CLASSES if isinstance(e, cls)), 2)
    if isinstance(e, exp.Between):
        return (not_op, op, _val_unit(e.this), _value(e.args.get("low")), _value(e.args.get("high")))
    if isinstance(e, exp.In):
        rhs = e.args.get("query")
        return (not_op, op, _val_unit(e.this), _value(rhs) if rhs is not None else "value", None)
    if isinstance(e, exp.Exists):
        return (not_op, op, (0, None, None), _value(e.this), None)
    if isinstance(e, exp.Binary):
        return (not_op, op, _val_unit(e.this), _value(e.expression), None)
    return (not_op, op, _val_unit(e), None, None)


def _condition(e) -> list:
    """Flatten AND/OR trees left to right into [cond_unit, 'and'|'or', cond_unit, ...]."""
    if e is None:
        return []
    while isinstance(e, exp.Paren) and isinstance(e.this, (exp.And, exp.Or)):
        e = e.this
    if isinstance(e, exp.And):
        return _condition(e.this) + ["and"] + _condition(e.expression)
    if isinstance(e, exp.Or):
        return _condition(e.this) + ["or"] + _condition(e.expression)
    return [_cond_unit(e)]


def _select_skeleton(sel: exp.Select) -> dict:
    frm = sel.args.get("from_") or sel.args.get("from")
    table_units, conds = [], []
    sources = ([frm.this] if frm is not None else []) + [j.this for j in sel.args.get("joins") or []]
    for src in sources:
        table_units.append(("sql", _skeleton(src)) if isinstance(src, exp.Subquery) else ("table_unit", "t"))
    for j in sel.args.get("joins") or []:
        on = _condition(j.args.get("on"))
        if on:
            conds += (["and"] if conds else []) + on
    where = sel.args.get("where")
    group = sel.args.get("group")
    having = sel.args.get("having")
    order = sel.args.get("order")
    return {
        "select": (bool(sel.args.get("distinct")), [(_agg_id(e), _val_unit(e)) for e in sel.expressions]),
        "from": {"table_units": table_units, "conds": conds},
        "where": _condition(where.this) if where is not None else [],
        "groupBy": [_col_unit(e) for e in group.expressions] if group is not None else [],
        "having": _condition(having.this) if having is not None else [],
        "orderBy": _order(order),
        "limit": 1 if sel.args.get("limit") is not None else None,
        "intersect": None, "union": None, "except": None,
    }


def _order(order) -> tuple:
    if order is None or not order.expressions:
        return ()
    direction = "desc" if any(o.args.get("desc") for o in order.expressions) else "asc"
    return (direction, [_val_unit(o.this) for o in order.expressions])


def _skeleton(e: exp.Expression) -> dict:
    """process_sql-shaped dict for a query: the leftmost SELECT carries the top-level clauses,
    each set operation nests the rest to its right (as process_sql parses ``A op B op C``)."""
    while isinstance(e, (exp.Subquery, exp.Paren)):
        e = e.this
    if not isinstance(e, exp.SetOperation):
        if not isinstance(e, exp.Select):
            raise ValueError(f"not a SELECT query: {e.sql()[:80]!r}")
        return _select_skeleton(e)
    chain = []  # [(op, select), ...] left to right

    def walk(node, op):
        while isinstance(node, (exp.Subquery, exp.Paren)):
            node = node.this
        if isinstance(node, exp.SetOperation):
            walk(node.this, op)
            walk(node.expression, type(node).__name__.lower())
        else:
            chain.append((op, node))

    walk(e, None)
    parts = [_skeleton(sel) for _, sel in chain]
    # ORDER BY / LIMIT written after the last operand belong to it in process_sql.
    if e.args.get("order") is not None:
        parts[-1]["orderBy"] = _order(e.args["order"])
    if e.args.get("limit") is not None:
        parts[-1]["limit"] = 1
    for i in range(len(parts) - 1, 0, -1):
        parts[i - 1][chain[i][0]] = parts[i]
    return parts[0]


def sql_skeleton(sql: str) -> dict:
    """Parse SQL text (sqlglot, SQLite dialect) into a process_sql-shaped dict for the counters."""
    tree = sqlglot.parse_one(sql, read="sqlite")
    return _skeleton(tree)


def hardness_from_sql(sql: str) -> str:
    """Spider hardness of SQL text. Raises ``ValueError`` if sqlglot cannot parse it."""
    try:
        return hardness_from_dict(sql_skeleton(sql))
    except sqlglot.errors.SqlglotError as e:
        raise ValueError(f"cannot parse SQL for hardness: {e}") from None


def spider_hardness(sql) -> str:
    """Hardness from the parsed dict (preferred, as the official rules) or from SQL text."""
    return hardness_from_dict(sql) if isinstance(sql, dict) else hardness_from_sql(sql)
