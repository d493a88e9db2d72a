"""Sampling, validation splits and the leakage check (engine/sql/splits.py): stratified, seeded,
disjoint."""

import warnings
from collections import Counter

import pytest

from engine.config import DataConfig
from engine.sql.datasets import DataError, Example, load_examples
from engine.sql.splits import check_leakage, sample_examples, split_validation, stratum_of


def synthetic(n_by_difficulty):
    out = []
    for d, n in n_by_difficulty.items():
        for i in range(n):
            out.append(Example(question=f"{d} q{i}", sql=f"SELECT {i}", db_id=f"db{i % 7}", schema="",
                               evidence="e" * (i % 250), difficulty=d, source=("s.json", len(out))))
    return out


@pytest.mark.parametrize("by", ["difficulty", "db_id", "evidence_len"])
def test_stratified_sampling_preserves_the_distribution(by):
    exs = synthetic({"simple": 600, "moderate": 300, "challenging": 100})
    picked = sample_examples(exs, 0.1, stratify_by=by, seed=3)
    assert len(picked) == 100
    full = Counter(stratum_of(e, by) for e in exs)
    got = Counter(stratum_of(e, by) for e in picked)
    for k, n in full.items():  # each stratum keeps its share, up to the one example of rounding
        assert abs(got[k] - n * 0.1) < 1, (k, got[k], n)
    assert [e.source for e in picked] == sorted(e.source for e in picked)  # original order kept
    assert picked == sample_examples(exs, 0.1, stratify_by=by, seed=3)  # seeded
    assert picked != sample_examples(exs, 0.1, stratify_by=by, seed=4)
    assert Counter(e.difficulty for e in sample_examples(exs, 0.1, stratify_by="difficulty", seed=0)) == {
        "simple": 60, "moderate": 30, "challenging": 10}


def test_validation_split_is_seeded_disjoint_and_stratified():
    exs = synthetic({"simple": 60, "moderate": 30, "challenging": 10})
    train, val = split_validation(exs, 0.2, stratify_by="difficulty", seed=1)
    assert len(val) == 20 and len(train) == 80
    assert {e.source for e in train}.isdisjoint({e.source for e in val})
    assert Counter(e.difficulty for e in val) == {"simple": 12, "moderate": 6, "challenging": 2}
    assert (train, val) == split_validation(exs, 0.2, stratify_by="difficulty", seed=1)
    assert split_validation(exs, 0.0) == (exs, [])


def test_leakage_same_question_and_sql(spider):
    a = Example(question="How many  singers?", sql="SELECT count(*) FROM singer;", db_id=None, schema="", source=("t", 5))
    b = Example(question="how many singers", sql="select count( * ) from singer", db_id=None, schema="", source=("e", 9))
    c = Example(question="How many stadiums?", sql="SELECT count(*) FROM stadium", db_id=None, schema="")
    with pytest.raises(DataError, match=r"1 training examples have the same question and SQL .and database. as an evaluation example .e.g. t row 5 and e row 9.*leakage = \"warn\""):
        check_leakage([a, c], [b], cross_database=False)
    with pytest.warns(UserWarning, match="same question and SQL"):
        assert len(check_leakage([a], [b], cross_database=False, policy="warn")) == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_leakage([c], [b], cross_database=False) == []
        # the same text on another database is another example (Spider train/dev have two such pairs)
        assert check_leakage([Example(**{**a.__dict__, "db_id": "x"})], [Example(**{**b.__dict__, "db_id": "y"})],
                             cross_database=False) == []


def test_leakage_same_database_for_cross_database_benchmarks(spider):
    cfg = DataConfig(format="spider", train_path=str(spider / "dev.json"), eval_path=str(spider / "dev.json"))
    dev = load_examples(spider / "dev.json", cfg).examples
    shifted = [Example(**{**e.__dict__, "question": e.question + " (rephrased)"}) for e in dev]
    with pytest.raises(DataError, match="1 databases appear in both training \\(4 examples\\) and evaluation: concert_singer"):
        check_leakage(shifted, dev, cross_database=True)
    assert check_leakage(shifted, dev, cross_database=False) == []
    train = load_examples(spider / "train.json", cfg).examples
    assert check_leakage(train, dev, cross_database=True) == []
