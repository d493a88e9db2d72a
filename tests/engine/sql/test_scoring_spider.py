"""Scoring on the real Spider dev set from ../shared/data (skipped when absent): hardness from
the SQL text agrees with the official rules over Spider's parsed dicts, and the gold queries
scored against themselves give 100% execution accuracy."""

import json

import pytest

from engine.sql.reports import read_predictions, read_spider_gold
from engine.sql.scoring import score_predictions
from engine.sql.hardness import hardness_from_dict, hardness_from_sql
from tests.paths import SHARED_DATA

DATA = SHARED_DATA / "spider"
pytestmark = pytest.mark.skipif(not (DATA / "dev.json").is_file(), reason=f"Spider dev not found in {DATA}")


@pytest.fixture(scope="module")
def dev():
    return json.loads((DATA / "dev.json").read_text())


def test_hardness_from_sql_agrees_with_official_dicts(dev):
    disagree = [(i, ex["query"]) for i, ex in enumerate(dev)
                if hardness_from_sql(ex["query"]) != hardness_from_dict(ex["sql"])]
    assert disagree == [], f"{len(disagree)} of {len(dev)} disagree, e.g. {disagree[:3]}"


def test_gold_against_gold_scores_100(dev):
    # dev_gold.sql is the official evaluator's gold file; it aligns with dev.json
    gold = read_spider_gold(DATA / "dev_gold.sql")
    assert gold == [(ex["query"].strip(), ex["db_id"]) for ex in dev]
    preds = read_predictions(DATA / "dev_gold.sql", num_examples=len(dev))
    records, summary = score_predictions(preds, dev, dialect="spider", db_root=DATA / "database",
                                         timeout=30, workers=2)
    have_db = sum((DATA / "database" / ex["db_id"] / f"{ex['db_id']}.sqlite").is_file() for ex in dev)
    assert summary["count"] == have_db
    assert summary["skipped_missing_db"] == len(dev) - have_db
    assert summary["execution_accuracy"] == 1.0, [r for r in records if r["exec_match"] is False][:3]
    assert summary["valid_sql"] == 1.0
    assert summary["exact_match"] == 1.0
    assert summary["hallucination_rate"] == 0.0
    assert sum(row["count"] for k, row in summary["by_hardness"].items() if k != "all") == have_db
