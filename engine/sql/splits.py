"""Sampling, validation splits and the train / eval leakage check, over `Example`s.

Sampling keeps `sample_frac` of the training set, stratified by `stratify_by` (difficulty,
db_id, evidence_len buckets) with largest-remainder quotas so each stratum keeps its share; the
validation split draws `val_frac` the same way. The leakage check compares the training (and
validation) set with the evaluation set: the same normalised question + SQL on the same database
(Spider's train and dev share two generic pairs such as "Count the number of documents." on
different databases: not the same example), and, for the cross-database benchmarks (spider,
bird), any shared database; it raises unless leakage = "warn".
"""

from __future__ import annotations

import math
import random
import re
import warnings
from collections import defaultdict

from engine.sql.datasets import DataError, Example

STRATIFY_FIELDS = ("", "difficulty", "db_id", "evidence_len")


def stratum_of(example: Example, by: str) -> str:
    if by == "":
        return ""
    if by == "difficulty":
        return example.difficulty or "<none>"
    if by == "db_id":
        return example.db_id or "<none>"
    if by == "evidence_len":  # characters of evidence, bucketed
        n = len(example.evidence)
        return "0" if n == 0 else "1-50" if n <= 50 else "51-100" if n <= 100 else "101-200" if n <= 200 else ">200"
    raise ValueError(f"stratify_by {by!r} is not one of {list(STRATIFY_FIELDS)}")


def _stratified_pick(examples, frac: float, by: str, seed: int) -> set[int]:
    """Indices of round(frac * n) examples, each stratum getting its largest-remainder share."""
    groups = defaultdict(list)
    for i, ex in enumerate(examples):
        groups[stratum_of(ex, by)].append(i)
    rng = random.Random(seed)
    total = round(frac * len(examples))
    keys = sorted(groups)
    quota = {k: frac * len(groups[k]) for k in keys}
    take = {k: math.floor(quota[k]) for k in keys}
    order = sorted(keys, key=lambda k: (-(quota[k] - take[k]), rng.random()))
    for k in order[: total - sum(take.values())]:
        take[k] += 1
    picked = set()
    for k in keys:
        picked.update(rng.sample(groups[k], take[k]))
    return picked


def sample_examples(examples, frac: float, *, stratify_by: str = "", seed: int = 0) -> list[Example]:
    """round(frac * n) examples, stratified by `stratify_by`, in their original order."""
    examples = list(examples)
    if frac >= 1.0:
        return examples
    picked = _stratified_pick(examples, frac, stratify_by, seed)
    return [ex for i, ex in enumerate(examples) if i in picked]


def split_validation(examples, val_frac: float, *, stratify_by: str = "", seed: int = 0):
    """(train, validation): validation holds round(val_frac * n) examples, stratified, seeded."""
    examples = list(examples)
    if val_frac <= 0:
        return examples, []
    picked = _stratified_pick(examples, val_frac, stratify_by, seed + 1)
    return ([ex for i, ex in enumerate(examples) if i not in picked],
            [ex for i, ex in enumerate(examples) if i in picked])


def _norm_text(s: str) -> str:
    return " ".join(s.lower().split()).rstrip("?.! ")


def _norm_sql(s: str) -> str:
    s = " ".join(s.lower().replace('"', "'").split()).rstrip("; ")
    return re.sub(r"\s*([(),=<>*])\s*", r"\1", s)


def check_leakage(train, evaluation, *, cross_database: bool, policy: str = "error") -> list[str]:
    """Overlaps between training and evaluation examples; raises DataError unless policy is "warn"."""
    key = lambda ex: (ex.db_id, _norm_text(ex.question), _norm_sql(ex.sql))
    seen = {}
    for ex in evaluation:
        seen.setdefault(key(ex), ex)
    pairs = [(ex, seen[k]) for ex in train if (k := key(ex)) in seen]
    findings = []
    if pairs:
        a, b = pairs[0]
        findings.append(
            f"{len(pairs)} training examples have the same question and SQL (and database) as an evaluation "
            f"example (e.g. {a.source[0]} row {a.source[1]} and {b.source[0]} row {b.source[1]}: {a.question!r})")
    if cross_database:
        shared = sorted({ex.db_id for ex in train if ex.db_id} & {ex.db_id for ex in evaluation if ex.db_id})
        if shared:
            n = sum(ex.db_id in shared for ex in train)
            findings.append(
                f"{len(shared)} databases appear in both training ({n} examples) and evaluation: "
                f"{', '.join(shared[:10])}{' ...' if len(shared) > 10 else ''}; Spider and BIRD measure "
                "generalisation to unseen databases")
    if findings:
        msg = "train/eval leakage: " + "; ".join(findings)
        if policy == "error":
            raise DataError(msg + ". Fix the splits, or set data.leakage = \"warn\" to continue anyway.")
        warnings.warn(msg, stacklevel=2)
    return findings
