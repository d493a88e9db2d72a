"""Text-to-SQL examples as model inputs: prompts, loss masks, the fit to max_len, the pipeline, the report.

    cfg = DataConfig(format="spider", train_path="spider/train_spider.json", eval_path="spider/dev.json")
    data = prepare_data(cfg, tokenizer)       # load, sample, split, check leakage, tokenise
    data.train.items[0]                       # {"input_ids": [...], "labels": [-100, ..., answer ids, <|im_end|>]}
    python -m engine.data configs/x.toml      # or: python -m engine.data --format spider --train-path ... --tokenizer ...

The [data] section is `engine.config.DataConfig`; reading the dataset files is engine.sql.datasets,
sampling, the validation split and the leakage check are engine.sql.splits.

Prompt (`build_prompt_messages`, the same for training and evaluation): a system message
(`system_prompt`; omitted when empty), then a user message "Database schema:\\n<schema>\\n\\n
[External knowledge: <evidence>\\n]Question: <question>". Training adds the gold SQL as the
assistant message; the loss covers the SQL and its end-of-turn token only (models.tokenizer's
`encode_chat`).

Overflow policy for `max_len` (tokens of prompt + answer for training; of the prompt for
evaluation examples):
1. fewer sample rows: sample_rows - 1, ..., 0, taking the first rendering that fits;
2. training examples only: keep just the tables the gold SQL uses (sqlglot), again from
   sample_rows rows down to 0 (dropping tables by the gold query is not possible at evaluation);
3. a training example that still does not fit is dropped and counted. Evaluation examples are
   never dropped (that would flatter the benchmark): they are counted as "too long" and kept.
Nothing is ever truncated, so no answer is cut mid-way. `data_report` prints every count.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, fields, replace

import numpy as np

from engine.config import DataConfig, load_config
from engine.loss import IGNORE_INDEX
from engine.sql.datasets import CROSS_DATABASE_FORMATS, DataError, Example, Loaded, load_examples
from engine.sql.schema import render_schema, tables_in_sql
from engine.sql.splits import check_leakage, sample_examples, split_validation
from models.tokenizer import load_tokenizer


# ----------------------------------------------------------------------------- prompts


def format_user_prompt(example: Example, cfg: DataConfig) -> str:
    parts = [f"Database schema:\n{example.schema}", ""]
    if cfg.use_evidence and example.evidence:
        parts.append(f"External knowledge: {example.evidence}")
    parts.append(f"Question: {example.question}")
    return "\n".join(parts)


def build_prompt_messages(example: Example, cfg: DataConfig) -> list[dict]:
    """Chat messages [system, user] asking for the example's SQL (the same for training and eval)."""
    if example.messages:
        msgs = example.messages[:-1] if example.messages[-1][0] == "assistant" else example.messages
        return [{"role": r, "content": c} for r, c in msgs]
    msgs = [{"role": "system", "content": cfg.system_prompt}] if cfg.system_prompt else []
    return msgs + [{"role": "user", "content": format_user_prompt(example, cfg)}]


def build_training_messages(example: Example, cfg: DataConfig) -> list[dict]:
    """The prompt messages plus the gold SQL as the assistant's answer."""
    return build_prompt_messages(example, cfg) + [{"role": "assistant", "content": example.sql}]


# ----------------------------------------------------------------------------- tokenisation


@dataclass(frozen=True)
class Fitted:
    example: Example  # as rendered (schema possibly shortened)
    prompt_ids: list[int]
    answer_ids: list[int]  # gold SQL + end-of-turn token
    status: str  # "ok" | "shortened" | "dropped" (training) | "too_long" (evaluation, kept)


def _schema_variants(example: Example, cfg: DataConfig, training: bool):
    """Renderings to try, in the order of the overflow policy (the first is the example itself)."""
    yield example
    info = example.schema_info
    if info is None:
        return
    render = lambda s, n: render_schema(s, style=cfg.schema_style, sample_rows=n, max_value_chars=cfg.max_value_chars)
    has_rows = any(t.rows for t in info.tables)
    if has_rows:
        for n in range(cfg.sample_rows - 1, -1, -1):
            yield replace(example, schema=render(info, n))
    if training:
        used = tables_in_sql(example.sql, info.table_names)
        if used and len(used) < len(info.tables):
            small = info.keep(used)
            for n in range(cfg.sample_rows if has_rows else 0, -1, -1):
                yield replace(example, schema=render(small, n))


def fit_example(example: Example, tokenizer, cfg: DataConfig, *, training: bool = True) -> Fitted:
    """Tokenise an example, shortening its schema by the overflow policy until it fits `max_len`."""
    first = None
    for variant in _schema_variants(example, cfg, training):
        prompt_ids, answer_ids = tokenizer.encode_chat(build_training_messages(variant, cfg))
        first = first or (variant, prompt_ids, answer_ids)
        length = len(prompt_ids) + len(answer_ids) if training else len(prompt_ids)
        if length <= cfg.max_len:
            return Fitted(variant, prompt_ids, answer_ids, "ok" if variant is example else "shortened")
    variant, prompt_ids, answer_ids = first
    return Fitted(variant, prompt_ids, answer_ids, "dropped" if training else "too_long")


def encode_example(example: Example, tokenizer, cfg: DataConfig) -> dict | None:
    """{"input_ids", "labels"} of a training example (labels IGNORE_INDEX outside the answer), None if dropped."""
    fitted = fit_example(example, tokenizer, cfg, training=True)
    if fitted.status == "dropped":
        return None
    return {"input_ids": fitted.prompt_ids + fitted.answer_ids,
            "labels": [IGNORE_INDEX] * len(fitted.prompt_ids) + fitted.answer_ids}


@dataclass(frozen=True)
class Encoded:
    items: tuple[dict, ...]  # training: {"input_ids", "labels"}; evaluation: {"input_ids"} (the prompt)
    examples: tuple[Example, ...]  # the examples kept, as rendered, parallel to items
    prompt_lens: tuple[int, ...]  # tokens, parallel to items
    answer_lens: tuple[int, ...]  # tokens of gold SQL + end-of-turn, parallel to items
    n_shortened: int
    dropped: tuple[tuple[str, int], ...]  # sources of training examples dropped as too long
    too_long: tuple[tuple[str, int], ...]  # sources of evaluation prompts kept although longer than max_len


def encode_examples(examples, tokenizer, cfg: DataConfig, *, training: bool = True) -> Encoded:
    items, kept, plens, alens, dropped, too_long, shortened = [], [], [], [], [], [], 0
    for ex in examples:
        fitted = fit_example(ex, tokenizer, cfg, training=training)
        shortened += fitted.status == "shortened"
        if fitted.status == "dropped":
            dropped.append(ex.source)
            continue
        if fitted.status == "too_long":
            too_long.append(ex.source)
        p, a = fitted.prompt_ids, fitted.answer_ids
        items.append({"input_ids": p + a, "labels": [IGNORE_INDEX] * len(p) + a} if training else {"input_ids": p})
        kept.append(fitted.example)
        plens.append(len(p))
        alens.append(len(a))
    return Encoded(tuple(items), tuple(kept), tuple(plens), tuple(alens), shortened, tuple(dropped), tuple(too_long))


# ----------------------------------------------------------------------------- the whole pipeline


@dataclass(frozen=True)
class PreparedData:
    cfg: DataConfig
    train: Encoded | None
    val: Encoded | None
    eval: Encoded | None  # evaluation prompts (training=False)
    loaded_train: Loaded | None
    loaded_eval: Loaded | None
    n_sampled: int  # training examples after sample_frac, before the validation split
    leakage: tuple[str, ...]  # findings when leakage = "warn"


def prepare_data(cfg: DataConfig, tokenizer) -> PreparedData:
    """Load, sample, split, check leakage and tokenise what the config names."""
    loaded_train = load_examples(cfg.train_path, cfg) if cfg.train_path else None
    loaded_eval = load_examples(cfg.eval_path, cfg) if cfg.eval_path else None
    if loaded_train is None and loaded_eval is None:
        raise DataError("no data: set data.train_path and/or data.eval_path")
    train = val = evaluation = None
    findings, n_sampled = [], 0
    if loaded_train is not None:
        sampled = sample_examples(loaded_train.examples, cfg.sample_frac, stratify_by=cfg.stratify_by, seed=cfg.seed)
        n_sampled = len(sampled)
        train_ex, val_ex = split_validation(sampled, cfg.val_frac, stratify_by=cfg.stratify_by, seed=cfg.seed)
        if loaded_eval is not None:
            findings = check_leakage(train_ex + val_ex, loaded_eval.examples,
                                     cross_database=cfg.format in CROSS_DATABASE_FORMATS, policy=cfg.leakage)
        train = encode_examples(train_ex, tokenizer, cfg, training=True)
        val = encode_examples(val_ex, tokenizer, cfg, training=True) if val_ex else None
        if not train.items:
            raise DataError(f"every training example of {cfg.train_path} is longer than data.max_len = {cfg.max_len}")
    if loaded_eval is not None:
        evaluation = encode_examples(loaded_eval.examples, tokenizer, cfg, training=False)
    return PreparedData(cfg, train, val, evaluation, loaded_train, loaded_eval, n_sampled, tuple(findings))


# ----------------------------------------------------------------------------- report


def length_stats(values) -> dict:
    """min / median / p90 / p99 / max / mean of token counts (linear-interpolated percentiles)."""
    if len(values) == 0:
        return {}
    v = np.asarray(values, dtype=np.float64)
    q = np.percentile(v, [50, 90, 99])
    return {"n": int(v.size), "min": int(v.min()), "median": float(q[0]), "p90": float(q[1]),
            "p99": float(q[2]), "max": int(v.max()), "mean": float(v.mean())}


def _fmt_stats(s: dict) -> str:
    if not s:
        return "-"
    return (f"min {s['min']}  median {s['median']:.0f}  p90 {s['p90']:.0f}  p99 {s['p99']:.0f}  "
            f"max {s['max']}  mean {s['mean']:.1f}")


def data_report(data: PreparedData, tokenizer, *, file=None, show_example: bool = True) -> dict:
    """Print counts, token lengths, shortened/dropped counts and one rendered example; return the numbers."""
    out = file or sys.stdout
    cfg = data.cfg
    say = lambda s="": print(s, file=out)
    stats = {}
    say(f"data report: format={cfg.format} max_len={cfg.max_len} schema={cfg.schema_style} "
        f"sample_rows={cfg.sample_rows} tokenizer={getattr(tokenizer, 'name', '?')}")
    for name, loaded, enc in (("train", data.loaded_train, data.train), ("val", None, data.val),
                              ("eval", data.loaded_eval, data.eval)):
        if enc is None:
            continue
        s = {"examples": len(enc.items), "shortened": enc.n_shortened, "dropped": len(enc.dropped),
             "too_long_kept": len(enc.too_long), "prompt_tokens": length_stats(enc.prompt_lens),
             "answer_tokens": length_stats(enc.answer_lens)}
        if loaded is not None:
            s["rows_read"] = len(loaded.examples) + len(loaded.skipped)
            s["skipped_bad_rows"] = len(loaded.skipped)
        if name == "train":
            s["after_sample_frac"] = data.n_sampled
        stats[name] = s
        say(f"\n[{name}] {loaded.path if loaded else '(held out from train)'}")
        if loaded is not None:
            say(f"  rows read {s['rows_read']}, skipped as bad {s['skipped_bad_rows']}")
            for msg in loaded.skipped[:5]:
                say(f"    skipped: {msg}")
            if len(loaded.skipped) > 5:
                say(f"    ... and {len(loaded.skipped) - 5} more")
        if name == "train":
            say(f"  after sample_frac={cfg.sample_frac}: {data.n_sampled}; validation split val_frac={cfg.val_frac}")
        say(f"  examples {s['examples']}, shortened {s['shortened']}, dropped (too long) {s['dropped']}"
            + (f", longer than max_len but kept (eval) {s['too_long_kept']}" if name == "eval" else ""))
        say(f"  prompt tokens: {_fmt_stats(s['prompt_tokens'])}")
        say(f"  answer tokens: {_fmt_stats(s['answer_tokens'])}")
        diffs = Counter(ex.difficulty for ex in enc.examples if ex.difficulty)
        if diffs:
            say(f"  difficulty: {dict(sorted(diffs.items()))}")
    for finding in data.leakage:
        say(f"\nLEAKAGE (warn): {finding}")
    enc = data.train or data.eval
    if show_example and enc is not None and enc.items:
        item = enc.items[0]
        say(f"\none example, exactly as the model sees it ({enc.examples[0].source[0]} row {enc.examples[0].source[1]}):")
        say(tokenizer.decode(item["input_ids"]))
        if "labels" in item:
            supervised = [t for t in item["labels"] if t != IGNORE_INDEX]
            say(f"-- supervised tokens ({len(supervised)}): {tokenizer.decode(supervised)!r}")
    return stats


# ----------------------------------------------------------------------------- command line


def _config_from_args(args) -> tuple[DataConfig, str, str | None]:
    """(data config, tokenizer source, chat template override) from a TOML run config or from flags."""
    flags = {f.name: getattr(args, f.name) for f in fields(DataConfig) if getattr(args, f.name, None) is not None}
    tokenizer, template = args.tokenizer, args.chat_template
    if args.config:
        run = load_config(args.config, args.set or [])
        return replace(run.data, **flags), tokenizer or run.model.source, template or run.model.chat_template or None
    return DataConfig(**flags), tokenizer, template


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m engine.data", description="Load, render and tokenise a text-to-SQL "
                                "dataset and print what the model will be trained / evaluated on.")
    p.add_argument("config", nargs="?", help="TOML run config (its [data] and [model] sections)")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="config override, e.g. data.max_len=1024")
    p.add_argument("--tokenizer", help="tokenizer directory or hub id (default: the config's model)")
    p.add_argument("--chat-template", help='"chatml", "plain" or a .jinja file, for tokenizers without a template')
    p.add_argument("--path", dest="train_path", help="alias of --train-path")
    for f in fields(DataConfig):
        flag = "--" + f.name.replace("_", "-")
        if f.name == "train_path":
            p.add_argument(flag, dest="train_path")
        elif f.type in ("bool", bool):
            p.add_argument(flag, type=lambda s: s.lower() in ("1", "true", "yes"), metavar="BOOL")
        else:
            conv = {"int": int, "float": float}.get(f.type if isinstance(f.type, str) else f.type.__name__, str)
            p.add_argument(flag, type=conv)
    p.add_argument("--no-example", action="store_true", help="do not print a rendered example")
    args = p.parse_args(argv)
    try:
        cfg, tok_source, chat_template = _config_from_args(args)
    except ValueError as e:
        p.error(str(e))
    if not tok_source:
        p.error("no tokenizer: pass --tokenizer DIR_OR_HUB_ID (or a config whose model names one)")
    try:
        tokenizer = load_tokenizer(tok_source, chat_template=chat_template)
        data = prepare_data(cfg, tokenizer)
    except (DataError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    data_report(data, tokenizer, show_example=not args.no_example)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
