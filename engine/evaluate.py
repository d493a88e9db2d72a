"""Generation-based evaluation as plain functions; `eval.py` parses arguments and calls them.

    report = evaluate_config(cfg, adapter="runs/x/adapter")          # model -> SQL -> scores -> files
    report = score_existing("preds.sql", "spider:../shared/data/spider", out_dir="out")   # no model
    print(compare_report_files("runs/x/eval-base/report.json", "runs/x/eval/report.json"))

`evaluate_config` loads the [model] checkpoint (NF4 when the config says so; device "auto" is
cuda when there is one), the adapter if given, the tokenizer from the model source and the
evaluation set from [data] eval_path (every example is kept: a prompt longer than data.max_len
is counted, not dropped), generates with the [eval] settings, extracts the SQL from each answer
(engine.sql.extract.extract_sql), and scores it with engine.sql.scoring: Spider's execution semantics
for data.format spider and jsonl, BIRD's for bird. With eval.num_samples > 1 the answer kept for
the main figures is chosen by execution-based majority voting, and pass@k is reported apart.

Outputs (engine.sql.reports.write_outputs), in `out_dir` (default <run_dir>/eval, or
<run_dir>/eval-base without an adapter):
    report.json        figures under plain names (execution_accuracy, valid_sql, exact_match,
                       token_match, hallucination_rate), per-bucket tables, outcome counts,
                       settings, model, adapter, timings
    report.md          the same, readable
    predictions.jsonl  one row per example in dataset order (index, db_id, question, pred_sql,
                       gold_sql, exec_match, error, hardness | difficulty, valid, samples, raw_outputs)
    pred_spider.sql + gold_spider.sql   (Spider semantics) or predict_bird.json (BIRD): the
                       official evaluators' input formats, to cross-check with them

Answers are saved batch by batch in <out_dir>/answers.partial.jsonl (engine/answer_log.py): a
stopped run, started again with the same command, reuses them and generates the rest; the file
goes once the outputs are written.

Under torchrun (`torchrun --nproc_per_node N eval.py CONFIG`, engine/distributed.py) every rank
loads the model and decodes a share of the batches: the very batches one process would form
(longest prompt first, `eval.batch_size` each), dealt round-robin, so greedy answers are the same
as one process's. Each round's answers are gathered on every rank (rank 0 saves them to the answer
log, which stays resumable by any number of ranks), each rank executes the SQL of a contiguous
share of the examples, and rank 0 assembles the records in dataset order and writes the one
report.

`eval.py --score` and `--compare` (no model) are engine/eval_files.py, which also holds what both
sides share: the scoring example shape, the dialect of a data.format, EvalError.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from engine import decoding  # the module: a test swaps decoding.generate for a canned one
from engine.adapter import load_adapter
from engine.answer_log import AnswerLog, AnswerRow, fingerprint
from engine.config import DataConfig
from engine.data import encode_examples
from engine.prefix import batch_order, shares_prefixes
from engine.devices import auto_reason, resolve_device, resolve_dtype
from engine.distributed import SINGLE, World
from engine.eval_files import (EvalError, add_difficulty_table, check_databases, dialect_of, output_dir,
                               score_with_progress, scoring_example, write_outputs_to)
from engine.sql.datasets import load_examples
from engine.sql.extract import extract_sql
from engine.sql.scoring import summarize
from engine.sql.validity import schema_columns, score_without_databases
from models import load_model
from models.tokenizer import load_tokenizer


# ----------------------------------------------------------------------------- the evaluation set


@dataclass(frozen=True)
class EvalSet:
    examples: tuple[dict, ...]  # scoring examples (engine.sql.scoring's shape), in dataset order
    prompts: tuple[tuple[int, ...], ...]  # chat-rendered prompt token ids, parallel to examples
    path: str
    too_long: int  # prompts longer than data.max_len (kept all the same)
    skipped: tuple[str, ...]  # rows the loader skipped (data.on_bad_row = "skip")


def load_eval_set(data_cfg: DataConfig, tokenizer, *, max_examples: int = 0, validity_only: bool = False) -> EvalSet:
    """The [data] eval_path examples (the first ``max_examples`` when > 0) and their prompts,
    rendered as in training (engine.data.build_prompt_messages) and never dropped. validity_only:
    no databases needed; each example carries its schema's {table: [columns]} instead."""
    if not data_cfg.eval_path:
        raise EvalError("[data] eval_path is empty: set it to the evaluation file (e.g. spider/dev.json), "
                        "or pass --set data.eval_path=PATH")
    if not Path(data_cfg.eval_path).exists():
        raise EvalError(f"[data] eval_path = {data_cfg.eval_path!r}: no such file")
    loaded = load_examples(data_cfg.eval_path, data_cfg)
    examples = list(loaded.examples)[:max_examples or None]
    encoded = encode_examples(examples, tokenizer, data_cfg, training=False)
    assert len(encoded.items) == len(examples)  # evaluation prompts are never dropped
    scored = tuple(scoring_example(ex, data_cfg.format) for ex in examples)
    if validity_only:
        scored = tuple({**sc, "schema": schema_columns(ex.schema_info)} for sc, ex in zip(scored, examples))
    else:
        check_databases(scored, data_cfg.eval_path, data_cfg.format)
    return EvalSet(scored, tuple(tuple(it["input_ids"]) for it in encoded.items), str(data_cfg.eval_path),
                   len(encoded.too_long), tuple(loaded.skipped))


# ----------------------------------------------------------------------------- model, generation

ANSWER_LOG = "answers.partial.jsonl"


def default_out_dir(cfg, adapter: str | Path | None) -> Path:
    """<run_dir>/eval for a fine-tuned model, <run_dir>/eval-base for the base model alone."""
    return Path(cfg.train.run_dir) / ("eval" if adapter else "eval-base")


def check_adapter_dir(adapter: str | Path) -> Path:
    path = Path(adapter)
    if not path.is_dir():
        raise EvalError(f"--adapter {adapter}: no such directory; expected the folder train.py writes "
                        f"(<run_dir>/adapter, with adapter_config.json and adapter_model.safetensors)")
    return path


def load_for_eval(cfg, adapter: str | Path | None = None):
    """(model, tokenizer, info): the [model] checkpoint as the config says (dtype, NF4, device),
    the adapter's LoRA weights loaded into it (frozen), and the model source's tokenizer."""
    adapter_path = check_adapter_dir(adapter) if adapter else None
    device = resolve_device(cfg.model.device)
    dtype = resolve_dtype(cfg.model.dtype, device)
    if cfg.model.dtype == "auto":
        print(auto_reason(device), file=sys.stderr)
    model = load_model(cfg.model.source, dtype=dtype, device=device, quantize=cfg.model.quantize,
                       skip_modules=cfg.model.skip_modules, blocksize=cfg.model.blocksize,
                       double_quant=cfg.model.double_quant)
    info = {"device": str(device), "dtype": str(dtype).removeprefix("torch."), "quantize": cfg.model.quantize}
    if adapter_path is not None:
        lora = load_adapter(model, adapter_path)
        info["adapter_modules"] = len(lora.modules)
        config = adapter_path / "adapter_config.json"
        if config.is_file():
            raw = json.loads(config.read_text())
            info["adapter_config"] = {k: raw.get(k) for k in ("r", "lora_alpha", "target_modules", "use_rslora")}
    model.eval()
    return model, load_tokenizer(cfg.model.source, chat_template=cfg.model.chat_template or None), info


GENERATION_KEYS = ("max_new_tokens", "temperature", "top_p", "top_k", "num_samples", "batch_size", "decode",
                   "repetition_penalty", "share_prefix")  # the [eval] settings the answers depend on


def generate_answers(model, tokenizer, prompts: Sequence[Sequence[int]], eval_cfg, *, seed: int = 0,
                     progress: bool | None = None, log: AnswerLog | None = None,
                     world: World = SINGLE) -> tuple[list[list[str]], dict]:
    """Raw answers (num_samples texts per prompt) with the [eval] decoding settings, and counts
    of generated tokens and finish reasons. With a log, answers an earlier run saved there are
    reused and each new batch is saved as it finishes (engine/answer_log.py). With several ranks,
    each decodes its share of the batches (module docstring) and every rank returns every answer;
    rank 0 alone reads and writes the log."""
    done = world.broadcast((log.load() if log else {}) if world.main else None)
    todo = [i for i in range(len(prompts)) if i not in done]
    if log and world.main:
        log.start(done)
        if done:
            print(f"resuming: {len(done)} of {len(prompts)} answers from {log.path}; generating {len(todo)}",
                  file=sys.stderr)
    rows = dict(done)
    mine, rounds = todo, 0
    if world.size > 1:  # the batches decoding.generate_ids would form over todo, dealt round-robin
        shared = shares_prefixes(model, eval_cfg.share_prefix)
        batches = [[todo[j] for j in b] for b in batch_order([prompts[i] for i in todo], eval_cfg.batch_size,
                                                                      shared)]
        mine = [i for b in batches[world.rank::world.size] for i in b]  # still in batch order: the same batches
        rounds = -(-len(batches) // world.size)
    calls = 0

    def take(pairs: list) -> None:
        """Every rank's newest batch: keep it, and on rank 0 save it."""
        for part in world.all_gather(pairs):
            rows.update(part)
            if log and world.main and part:
                log.append([i for i, _ in part], [r for _, r in part])

    def save(batch: list[int], completions) -> None:
        nonlocal calls
        calls += 1
        take([(mine[j], AnswerRow.of(c)) for j, c in zip(batch, completions)])

    try:
        outs = decoding.generate(model, tokenizer, [list(prompts[i]) for i in mine],
                                 max_new_tokens=eval_cfg.max_new_tokens, temperature=eval_cfg.temperature,
                                 top_k=eval_cfg.top_k, top_p=eval_cfg.top_p, num_samples=eval_cfg.num_samples,
                                 repetition_penalty=eval_cfg.repetition_penalty, seed=seed,
                                 batch_size=eval_cfg.batch_size, progress=progress if world.main else False,
                                 fast={"auto": None, "fast": True, "reference": False}[eval_cfg.decode],
                                 share_prefix=eval_cfg.share_prefix, on_batch=save)
    except KeyboardInterrupt:
        if log:
            print(f"{len(rows)} of {len(prompts)} answers are saved in {log.path}: the same command goes on "
                  f"from there", file=sys.stderr)
        raise
    if world.size > 1:
        for _ in range(rounds - calls):  # a rank with fewer batches joins the others' last rounds
            take([])
        take([(i, AnswerRow.of(row)) for i, row in zip(mine, outs) if i not in rows])  # none unless no batch ran
    for i, row in zip(mine, outs):
        rows.setdefault(i, AnswerRow.of(row))
    ordered = [rows[i] for i in range(len(prompts))]
    stats = {"generated_tokens": sum(sum(r.tokens) for r in ordered),
             "finish_reasons": dict(Counter(f for r in ordered for f in r.finish)),
             "resumed_answers": len(done)}
    return [list(r.texts) for r in ordered], stats


def predictions_from_answers(answers: Sequence[Sequence[str]]) -> list:
    """SQL per example: the extracted statement (None when the answer holds none), or with
    several samples the list of extracted samples (scoring votes over them)."""
    preds = []
    for row in answers:
        sqls = [extract_sql(t) for t in row]
        preds.append(sqls if len(sqls) > 1 else sqls[0])
    return preds


def evaluate_config(cfg, *, config_path: str | Path | None = None, adapter: str | Path | None = None,
                    out_dir: str | Path | None = None, max_examples: int | None = None,
                    workers: int | None = None, progress: bool | None = None, validity_only: bool = False,
                    world: World = SINGLE) -> dict:
    """Generate for the eval set of a RunConfig, score, and write the outputs; returns the report.

    max_examples overrides eval.max_examples (0 = all). out_dir defaults to default_out_dir.
    validity_only: no databases (e.g. BIRD's schema from dev_tables.json alone): score sqlglot
    validity, schema validity and exact / token match (engine/sql/validity.py), not execution.
    world: this rank's place under torchrun (every rank calls this; rank 0 writes, every rank returns
    the report).
    """
    t0 = time.perf_counter()
    if not cfg.data.eval_path:
        raise EvalError(f"{config_path or 'config'}: [data] eval_path is empty: set it to the evaluation file "
                        f"(e.g. spider/dev.json), or pass --set data.eval_path=PATH")
    if adapter:
        check_adapter_dir(adapter)
    limit = cfg.eval.max_examples if max_examples is None else max_examples
    if limit < 0:
        raise EvalError(f"--max-examples {limit}: use 0 (all) or a positive number")
    out = output_dir(out_dir if out_dir is not None else default_out_dir(cfg, adapter),
                     "--out" if out_dir is not None else f"train.run_dir = {cfg.train.run_dir}")  # before the model
    dialect = dialect_of(cfg.data.format)

    if cfg.eval.num_samples > 1 and cfg.eval.temperature == 0:
        print(f"note: eval.num_samples = {cfg.eval.num_samples} with greedy decoding (eval.temperature = 0) gives "
              f"identical samples; set eval.temperature > 0 for voting and pass@k to mean anything", file=sys.stderr)
    model, tokenizer, model_info = load_for_eval(cfg, adapter)
    eval_set = load_eval_set(cfg.data, tokenizer, max_examples=limit, validity_only=validity_only)
    t_loaded = time.perf_counter()
    too_long = (f"; {eval_set.too_long} prompts longer than data.max_len = {cfg.data.max_len} kept"
                if eval_set.too_long else "")
    print(f"evaluating {len(eval_set.examples)} examples of {eval_set.path} ({dialect} semantics){too_long}",
          file=sys.stderr)

    eval_dict = cfg.to_dict()["eval"]
    log = AnswerLog(out / ANSWER_LOG, fingerprint(
        model_source=cfg.model.source, adapter=adapter, model_info=model_info, prompts=eval_set.prompts,
        decoding={**{k: eval_dict[k] for k in GENERATION_KEYS}, "seed": cfg.train.seed}), len(eval_set.prompts))
    answers, gen_stats = generate_answers(model, tokenizer, eval_set.prompts, cfg.eval, seed=cfg.train.seed,
                                          progress=progress, log=log, world=world)
    t_generated = time.perf_counter()
    preds = predictions_from_answers(answers)
    if validity_only:
        records, summary = score_without_databases(preds, eval_set.examples, dialect=dialect)
    elif world.size == 1:
        records, summary = score_with_progress(preds, eval_set.examples, dialect=dialect, timeout=cfg.eval.timeout,
                                               workers=workers, progress=progress)
    else:  # each rank executes a contiguous share; rank 0 puts the records back in dataset order
        part = world.share(len(preds))
        mine, _ = score_with_progress(preds[part.start:part.stop], eval_set.examples[part.start:part.stop],
                                      dialect=dialect, timeout=cfg.eval.timeout, workers=workers or world.cpu_share(),
                                      progress=progress if world.main else False)
        parts = world.gather(mine)
        records = [r for p in parts for r in p] if world.main else []
        summary = summarize(records, dialect=dialect) if world.main else {}
    t_scored = time.perf_counter()

    def finish() -> dict:  # rank 0's part: the records in dataset order, the meta, the files
        if not validity_only:
            add_difficulty_table(records, summary, eval_set.examples)
        for rec, raw in zip(records, answers):
            rec.setdefault("samples", None)  # the extracted samples when num_samples > 1
            rec["raw_outputs"] = raw

        gen_s = t_generated - t_loaded
        meta = {
            "model": cfg.model.source,
            "adapter": str(adapter) if adapter else None,
            "data": eval_set.path,
            "config": str(config_path) if config_path else None,
            "settings": {
                **cfg.to_dict()["eval"], "seed": cfg.train.seed, "dialect": dialect, "data_format": cfg.data.format,
                "schema_style": cfg.data.schema_style, "sample_rows": cfg.data.sample_rows,
                "system_prompt": cfg.data.system_prompt, "max_len": cfg.data.max_len, "max_examples": limit,
                **model_info,
            },
            "prompts_too_long": eval_set.too_long,
            "skipped_rows": list(eval_set.skipped),
            **gen_stats,
            "timings": {"load_s": round(t_loaded - t0, 3), "generate_s": round(gen_s, 3),
                        "score_s": round(t_scored - t_generated, 3), "total_s": round(t_scored - t0, 3),
                        "generated_tokens_per_s": round(gen_stats["generated_tokens"] / gen_s, 1) if gen_s > 0 else None},
        }
        report = write_outputs_to(out, records, summary, meta=meta,
                                  what="--out" if out_dir is not None else f"train.run_dir = {cfg.train.run_dir}")
        log.remove()  # the answers are in predictions.jsonl now
        report["out_dir"] = str(out)
        return report

    return world.agree(finish)
