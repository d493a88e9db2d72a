"""The synthetic text-to-SQL task: deterministic for a seed, no test leakage into training, every
gold query runs and returns rows, every template is covered, and the data module reads it."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from engine.demo.synthetic import (HELD_OUT, TEMPLATES, build_synthetic, check_split, corpus_texts, generate_examples,
                              read_examples, template_slots)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_synthetic(tmp_path_factory.mktemp("synthetic"), seed=0)


@pytest.fixture(scope="module")
def examples(built):
    return generate_examples(built.root, seed=0)


def _dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_deterministic_for_a_seed(built, tmp_path):
    again = build_synthetic(tmp_path / "again", seed=0)
    assert again.train.read_bytes() == built.train.read_bytes()
    assert again.test.read_bytes() == built.test.read_bytes()
    for db_id, path in built.databases.items():
        assert _dump(again.databases[db_id]) == _dump(path)
    other = build_synthetic(tmp_path / "other", seed=1, n_train=100, n_test=40)
    assert other.train.read_bytes() != built.train.read_bytes()
    assert _dump(other.databases["shop"]) != _dump(built.databases["shop"])


def test_idempotent_build(built):
    stamps = {p: p.stat().st_mtime_ns for p in (built.train, built.test, *built.databases.values())}
    again = build_synthetic(built.root, seed=0)
    assert again == built
    assert {p: p.stat().st_mtime_ns for p in stamps} == stamps  # nothing rewritten
    manifest = json.loads((built.root / "manifest.json").read_text())
    assert manifest["seed"] == 0 and manifest["n_train"] == len(read_examples(built.train))


def test_rebuilds_when_the_seed_changes(tmp_path):
    first = build_synthetic(tmp_path, seed=0, n_train=100, n_test=40)
    before = first.train.read_bytes()
    second = build_synthetic(tmp_path, seed=3, n_train=100, n_test=40)
    assert second.train.read_bytes() != before
    assert json.loads((tmp_path / "manifest.json").read_text())["seed"] == 3


def test_files_match_examples(built, examples):
    train, test = examples
    for path, exs in ((built.train, train), (built.test, test)):
        records = read_examples(path)
        assert [(r["question"], r["sql"], r["db_id"]) for r in records] == [(e.question, e.sql, e.db_id) for e in exs]
        assert all((built.root / r["db_path"]).is_file() for r in records)  # db_path relative to the jsonl


def test_no_leakage(examples):
    train, test = examples
    check_split(train, test)  # (also run by the build)
    # Checked independently here: values, questions and SQL.
    train_values = {v for e in train for v in e.values}
    assert not {v for e in test for v in e.values} & train_values
    assert not {e.question for e in test} & {e.question for e in train}
    assert not {(e.db_id, e.sql) for e in test} & {(e.db_id, e.sql) for e in train}
    # Test string values are not even mentioned by any training question or SQL.
    train_text = " ".join(e.question + " " + e.sql for e in train)
    for e in test:
        for col, v in e.values:
            if not v.isdigit():
                assert f"'{v}'" not in train_text, (col, v)


def test_check_split_catches_leaks(examples):
    train, test = examples
    with pytest.raises(AssertionError, match="also in training"):
        check_split(train, test + [train[0]])
    valued = next(e for e in test if e.values)
    with pytest.raises(AssertionError, match="test value"):
        check_split(train + [replace(valued, question="leak?", sql="SELECT 1")], test)
    held = next(e for e in test if (e.template, e.table) in HELD_OUT)
    with pytest.raises(AssertionError, match="held-out"):
        check_split(train + [replace(held, question="new?", sql="SELECT 2", values=())], test)


def test_every_gold_query_runs_and_returns_rows(built, examples):
    for ex in examples[0] + examples[1]:
        conn = sqlite3.connect(f"file:{built.databases[ex.db_id]}?mode=ro", uri=True)
        try:
            rows = conn.execute(ex.sql).fetchall()
        finally:
            conn.close()
        assert rows and rows != [(0,)] and rows != [(None,)], ex


def test_template_coverage(examples):
    train, test = examples
    slots = {(t, table) for t, table, _ in template_slots()}
    assert {(e.template, e.table) for e in train} == slots - set(HELD_OUT)
    assert set(HELD_OUT) <= {(e.template, e.table) for e in test}
    assert set(HELD_OUT) <= slots
    assert set(Counter(e.template for e in train)) == set(TEMPLATES)
    assert {e.db_id for e in test} == {"shop", "school"}
    sql = " ".join(e.sql for e in train)
    for clause in ("WHERE", "COUNT(*)", "GROUP BY", "ORDER BY", "LIMIT", "JOIN", "AND", "AVG("):
        assert clause in sql


def test_foreign_keys_hold(built):
    for path in built.databases.values():
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
            fks = [r for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
                   for r in conn.execute(f"PRAGMA foreign_key_list({t})")]
            assert fks  # declared, so schema prompts show them
        finally:
            conn.close()


def test_corpus_leaves_out_test_questions(built, examples):
    texts = "\n".join(corpus_texts(built.root, splits=("train",)))
    assert all(e.question not in texts for e in examples[1])
    assert all(e.question in texts for e in examples[0][:50])


def test_read_by_the_data_module(built):
    data = pytest.importorskip("engine.data")
    cfg = data.DataConfig(format="jsonl", train_path=str(built.train), schema_style="compact", sample_rows=0)
    loaded = data.load_examples(built.test, cfg)
    exs = getattr(loaded, "examples", loaded)
    records = read_examples(built.test)
    assert len(exs) == len(records)
    assert exs[0].sql == records[0]["sql"] and Path(exs[0].db_path).is_file()
    assert "customers(" in next(e.schema for e in exs if e.db_id == "shop")


def test_pretrain_rows_never_pair_a_question_with_its_sql(built, examples):
    rows = read_examples(built.pretrain)
    assert rows and all(r["messages"][0]["content"] == "Repeat: " + r["messages"][1]["content"] for r in rows)
    texts = {r["messages"][1]["content"] for r in rows}
    train, test = examples
    assert not {e.question for e in test} & {t.removeprefix("Question: ") for t in texts}
    assert not {e.sql for e in test} & texts
    assert all(e.question not in t or e.sql not in t for e in train[:100] for t in texts)
    # Every value of every test question is in some row, so the base model has read it.
    for e in test:
        for _, v in e.values:
            assert any(f"'{v}'" in t or f" {v}" in t for t in texts), v
