"""The ask loop: a question about a live SQLite database -> SQL that runs -> its rows.

    db = open_database("shop.sqlite", cfg.data, tokenizer)      # the schema prompt, as in training
    with Asker(generator, AskSettings(max_repairs=2)) as asker:
        result = asker.ask(db, "How many customers live in Paris?")
    result.sql, result.columns, result.rows, result.attempts, result.timings

One question goes through rounds (`Session`):
1. The prompt: the database's schema read and rendered by engine/sql/schema.py with the [data]
   settings (style, sample rows, value length), wrapped by engine.data.build_prompt_messages:
   exactly what a fine-tuned adapter saw in training. With a tokenizer, a schema that makes the
   prompt longer than data.max_len loses sample rows, by eval's policy (engine.data.fit_example).
2. Generate `num_samples` answers with the generator: any callable
   `generator(conversations, *, num_samples, temperature, seed) -> [[text, ...], ...]`
   (engine/ask/model.py wraps a model; tests pass stubs).
3. Check each answer (`Checker`, engine/ask/check.py): extract_sql -> sqlglot parse (recorded, as eval's valid SQL)
   -> SQLite EXPLAIN on a read-only connection with the executor's authorizer (writes, ATTACH,
   PRAGMA and unknown names are refused while compiling, before anything runs) -> execution in
   engine/sql/executor.py's worker process (read-only, a timeout backed by a watchdog that kills
   a stuck worker, at most `max_rows` rows: a larger result is an error).
4. If an answer ran, keep the one execution voting picks (the largest group of equal result
   sets, engine.sql.scoring.majority_vote) and stop. Otherwise, while repairs are left, the
   conversation gets the failed SQL (the first sample's, when there are several) as the
   assistant's turn and a user turn quoting SQLite's error (`repair_request`), and the round
   repeats; with none left the result is the failure.

`Asker.ask_many` advances many sessions in lock step, each round's prompts in one generator call
(batched decoding) and their queries in one executor call: what a benchmark needs.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Protocol, Sequence

from engine.config import DataConfig, EvalSection
from engine.data import build_prompt_messages, fit_example
from engine.sql.datasets import Example
from engine.ask.check import NO_SQL, Attempt, Checked, Checker
from engine.sql.connection import EXEC_ERROR
from engine.sql.schema import Schema, SchemaError, read_sqlite_schema, render_schema
from engine.sql.scoring import majority_vote, result_key

SQLITE_MAGIC = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite 3 file (https://www.sqlite.org/fileformat.html)
MAX_QUESTION_CHARS = 2000
REPAIR_REQUEST = ("That query failed: {error}\n"
                  "Write a corrected SQLite query for the same question. Answer with the query only.")


class AskError(ValueError):
    """A question, database or setting the loop cannot use; the message says what to change."""


# ----------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class AskSettings:
    """What the loop does with a question; decoding details (max_new_tokens, top_p, ...) are the
    generator's, from the config's [eval]. The defaults shared with eval are [eval]'s own."""

    max_repairs: int = 2  # rounds after the first that re-prompt with SQLite's error (0 = one try)
    num_samples: int = EvalSection.num_samples  # answers per round; > 1: execution voting among those that run
    temperature: float = EvalSection.temperature  # 0 = greedy (then extra samples are identical)
    timeout: float = EvalSection.timeout  # seconds per query, enforced by the executor's deadline and watchdog
    max_rows: int = 10_000  # a result with more rows is an error (the model may add a LIMIT on repair)
    seed: int = 0  # sampling seed (round r uses seed + r)

    def __post_init__(self):
        checks = [("max_repairs", self.max_repairs >= 0, ">= 0"), ("num_samples", self.num_samples >= 1, ">= 1"),
                  ("temperature", self.temperature >= 0, ">= 0"), ("timeout", self.timeout > 0, "> 0 seconds"),
                  ("max_rows", self.max_rows >= 1, ">= 1")]
        for name, ok, want in checks:
            if not ok:
                raise AskError(f"{name} = {getattr(self, name)!r} must be {want}")

    @classmethod
    def from_config(cls, cfg, **overrides) -> "AskSettings":
        """Settings from a RunConfig's [eval] (num_samples, temperature, timeout) and train.seed,
        then the overrides that are not None (command-line flags)."""
        base = dict(num_samples=cfg.eval.num_samples, temperature=cfg.eval.temperature,
                    timeout=cfg.eval.timeout, seed=cfg.train.seed)
        base.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**base)


class Generator(Protocol):
    def __call__(self, conversations: Sequence[list[dict]], *, num_samples: int, temperature: float,
                 seed: int) -> list[list[str]]:
        """num_samples answer texts per conversation (chat messages ending with a user turn)."""


# ----------------------------------------------------------------------------- the database


def check_sqlite_file(path: str | Path) -> Path:
    """`path` if it is a readable SQLite 3 file, else AskError saying what it is instead."""
    p = Path(path).expanduser()
    if not p.exists():
        raise AskError(f"--db {path}: no such file")
    if not p.is_file():
        raise AskError(f"--db {path}: not a file (a SQLite database file is expected)")
    try:
        with open(p, "rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as e:
        raise AskError(f"--db {path}: cannot read it: {e.strerror}") from e
    if head != SQLITE_MAGIC:
        raise AskError(f"--db {path}: not a SQLite database (its first bytes are not 'SQLite format 3')")
    return p


@dataclass(frozen=True)
class Database:
    """A live database and its schema prompt."""

    path: Path
    schema: Schema  # tables, columns, keys and sample rows, as read (engine/sql/schema.py)
    schema_text: str  # the rendering the prompt carries (before any shortening)
    data_cfg: DataConfig
    tokenizer: object | None = field(default=None, repr=False)  # fits prompts to data.max_len when given

    def prompt(self, question: str) -> list[dict]:
        """Chat messages asking for the question's SQL, as engine.data builds training prompts."""
        question = check_question(question)
        example = Example(question=question, sql="", db_id=self.schema.db_id, schema=self.schema_text,
                          db_path=str(self.path), schema_info=self.schema)
        if self.tokenizer is not None:
            # eval's overflow policy (fewer sample rows until the prompt fits data.max_len);
            # fit_example measures prompt + answer, so a one-token placeholder answer stands in
            example = fit_example(replace(example, sql="SELECT"), self.tokenizer, self.data_cfg,
                                  training=False).example
        return build_prompt_messages(example, self.data_cfg)


def open_database(path: str | Path, data_cfg: DataConfig = DataConfig(), tokenizer=None) -> Database:
    """Read a SQLite file's schema (read-only) and render it with the [data] settings."""
    p = check_sqlite_file(path)
    try:
        schema = read_sqlite_schema(p, sample_rows=data_cfg.sample_rows)
    except SchemaError as e:
        raise AskError(f"--db {path}: {e}") from e
    text = render_schema(schema, style=data_cfg.schema_style, sample_rows=data_cfg.sample_rows,
                         max_value_chars=data_cfg.max_value_chars)
    return Database(p, schema, text, data_cfg, tokenizer)


def check_question(question) -> str:
    if not isinstance(question, str) or not question.strip():
        raise AskError("type a question about the database")
    question = " ".join(question.split())
    if len(question) > MAX_QUESTION_CHARS:
        raise AskError(f"the question is {len(question)} characters long; at most {MAX_QUESTION_CHARS} are taken")
    return question


def error_text(attempt: Attempt) -> str:
    """The failure as the repair request quotes it."""
    if attempt.error == NO_SQL:
        return "the answer held no SQL query."
    return f"SQLite error: {attempt.message}" if attempt.message else f"SQLite error ({attempt.error})"


def repair_request(attempt: Attempt) -> str:
    return REPAIR_REQUEST.format(error=error_text(attempt))


# ----------------------------------------------------------------------------- one question


@dataclass(frozen=True)
class AskResult:
    """What the loop made of one question."""

    question: str
    db: str
    sql: str | None  # the query kept; on failure, the last one tried (None if no answer held SQL)
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]  # at most max_rows
    attempts: tuple[Attempt, ...]  # every answer, in order
    chosen: int | None  # index into attempts of the query kept; None when none ran
    votes: int  # answers of the kept round that returned the kept result set (1 without voting)
    prompt: tuple[dict, ...]  # the first prompt's chat messages
    timings: dict  # generate_s, check_s, total_s (with ask_many: of the batched calls this question was in)

    @property
    def ok(self) -> bool:
        return self.chosen is not None

    @property
    def error(self) -> str | None:
        return None if self.ok else (self.attempts[-1].error if self.attempts else EXEC_ERROR)

    @property
    def message(self) -> str:
        return "" if self.ok or not self.attempts else self.attempts[-1].message

    @property
    def repairs(self) -> int:
        return max((a.round for a in self.attempts), default=0)

    def to_dict(self) -> dict:
        """JSON-ready (values that JSON lacks, such as blobs, become their repr)."""
        d = asdict(self)
        d["rows"] = [[v if v is None or isinstance(v, (int, float, str)) else repr(v) for v in r] for r in self.rows]
        d.update(ok=self.ok, error=self.error, message=self.message)
        return d


class Session:
    """One question on its way through the rounds; `conversation` is the next prompt (None when done)."""

    def __init__(self, db: Database, question: str, settings: AskSettings):
        self.db, self.settings = db, settings
        self.question = check_question(question)
        first = db.prompt(self.question)
        self.prompt = tuple(first)
        self.conversation: list[dict] | None = list(first)
        self.round = 0
        self.checked: list[Checked] = []
        self.kept: tuple[int, int] | None = None  # (index into checked, votes)
        self.generate_s = self.check_s = 0.0

    @property
    def done(self) -> bool:
        return self.conversation is None

    def take(self, round_checked: list[Checked]) -> None:
        """The round's checked answers: keep the voted one, or ask for a repair, or give up."""
        start = len(self.checked)
        self.checked += round_checked
        results = [c.result for c in round_checked]
        if any(r.ok for r in results):
            pick = majority_vote(results)
            key = result_key(results[pick].rows)
            votes = sum(1 for r in results if r.ok and result_key(r.rows) == key)
            self.kept, self.conversation = (start + pick, votes), None
        elif self.round < self.settings.max_repairs:
            failed = round_checked[0].attempt
            said = failed.sql if failed.sql is not None else failed.output.strip()[:MAX_QUESTION_CHARS]
            self.conversation += [{"role": "assistant", "content": said or "(no answer)"},
                                  {"role": "user", "content": repair_request(failed)}]
            self.round += 1
        else:
            self.conversation = None

    def result(self, total_s: float) -> AskResult:
        attempts = tuple(c.attempt for c in self.checked)
        if self.kept is not None:
            i, votes = self.kept
            c = self.checked[i]
            sql, columns, rows, chosen = c.attempt.sql, c.columns, tuple(map(tuple, c.result.rows)), i
        else:
            votes, columns, rows, chosen = 0, (), (), None
            sql = next((a.sql for a in reversed(attempts) if a.sql is not None), None)
        timings = {"generate_s": round(self.generate_s, 4), "check_s": round(self.check_s, 4),
                   "total_s": round(total_s, 4)}
        return AskResult(self.question, str(self.db.path), sql, columns, rows, attempts, chosen, votes,
                         self.prompt, timings)


# ----------------------------------------------------------------------------- the asker


class Asker:
    """The generator, the settings and the executor's worker process, kept for many questions."""

    def __init__(self, generator: Generator | Callable, settings: AskSettings = AskSettings(), *, workers: int = 1):
        self.generator, self.settings = generator, settings
        self.checker = Checker(timeout=settings.timeout, max_rows=settings.max_rows, workers=workers)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self) -> None:
        self.checker.start()

    def close(self) -> None:
        self.checker.close()

    def ask(self, db: Database, question: str, settings: AskSettings | None = None) -> AskResult:
        return self.ask_many([(db, question)], settings)[0]

    def ask_many(self, items: Sequence[tuple[Database, str]], settings: AskSettings | None = None, *,
                 on_round: Callable[[int, int], None] | None = None) -> list[AskResult]:
        """Answer (database, question) pairs; each round's prompts go to the generator together.
        `settings` overrides the asker's for this call (not timeout / max_rows: the executor's).
        on_round(round, prompts) is called before each round's generation."""
        s = settings or self.settings
        t0 = time.perf_counter()
        sessions = [Session(db, q, s) for db, q in items]
        rnd = 0
        while live := [x for x in sessions if not x.done]:
            if on_round:
                on_round(rnd, len(live))
            t = time.perf_counter()
            texts = self.generator([x.conversation for x in live], num_samples=s.num_samples,
                                   temperature=s.temperature, seed=s.seed + rnd)
            gen_s = time.perf_counter() - t
            if len(texts) != len(live) or any(len(row) != s.num_samples for row in texts):
                raise RuntimeError(f"the generator returned {[len(r) for r in texts]} answers for {len(live)} "
                                   f"conversations x {s.num_samples} samples")
            t = time.perf_counter()
            checked = self.checker.check([(x.db.path, text, x.round, j) for x, row in zip(live, texts)
                                          for j, text in enumerate(row)])
            check_s = time.perf_counter() - t
            for i, x in enumerate(live):
                x.generate_s += gen_s
                x.check_s += check_s
                x.take(checked[i * s.num_samples:(i + 1) * s.num_samples])
            rnd += 1
        total = time.perf_counter() - t0
        return [x.result(total) for x in sessions]
