"""Run config: a TOML file -> a small tree of frozen, typed dataclasses.

    [model]  ModelSection   which checkpoint, dtype, NF4 quantization
    [lora]   LoraSection    rank, alpha, dropout, target modules
    [data]   DataConfig     dataset, schema prompt, lengths, sampling, leakage policy
    [train]  TrainSection   optimisation, schedule, checkpoints, logging
    [eval]   EvalSection    decoding and SQL execution for generation-based evaluation

Defaults live in one place: the dataclass field defaults below. A key the file leaves out takes
its default; a key the dataclass doesn't have is an error naming the key, its section, the file
and the valid keys (with a close match when there is one). Values are type-checked (an int is
accepted where a float is expected; TOML arrays become tuples). Optional fields (`X | None`)
default to None and are unset by leaving the key out.

    cfg = load_config("configs/tiny.toml", overrides=["train.lr=1e-4", "lora.target_modules=['q_proj']"])
    save_config(cfg, run_dir / "config.toml")   # the resolved config, loadable again

Overrides (`--set section.key=value`) are parsed as TOML values, falling back to a plain string
(`train.schedule=linear` works unquoted); `none` unsets an optional field (`model.quantize=none`).
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import tomllib
import typing
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from engine.schedule import SCHEDULES
from engine.sql.datasets import FORMATS
from engine.sql.schema import SCHEMA_STYLES
from engine.sql.splits import STRATIFY_FIELDS
from engine.toml_values import NO, coerce, describe, is_optional, show, toml_type, toml_value
from kernels.nf4 import VALID_BLOCKSIZES

# The choices of the options below, each defined once (a module that gives a choice its meaning
# defines it, e.g. SCHEDULES beside lr_at; engine.devices, engine.step and engine.train read these).
PRECISIONS = ("auto", "bf16", "fp16", "fp32")  # train.precision (autocast); model.dtype takes the same names
DTYPES = PRECISIONS
QUANT_MODES = ("nf4",)
MODES = ("lora", "full")
DEVICE_RE = re.compile(r"auto|cpu|mps|cuda(:\d+)?")
DEFAULT_SYSTEM_PROMPT = (
    "You are a text-to-SQL assistant. Given a SQLite database schema and a question, "
    "answer with a single SQLite query and nothing else."
)


class ConfigError(ValueError):
    """A run config we can't use; the message names the file, section and key, and what is valid."""


def _choice(section: str, key: str, value, allowed) -> None:
    if value not in allowed:
        raise ConfigError(f"[{section}] {key} = {value!r} is not one of {list(allowed)}")


@dataclass(frozen=True)
class Range:
    """The valid values of a numeric option: finite, from `low` to `high` (None: unbounded), each
    end included unless it is open."""

    low: float | None = None
    high: float | None = None
    open_low: bool = False
    open_high: bool = False

    def __contains__(self, v) -> bool:
        if isinstance(v, float) and not math.isfinite(v):
            return False
        if self.low is not None and (v < self.low or (self.open_low and v == self.low)):
            return False
        return self.high is None or (v < self.high or (not self.open_high and v == self.high))

    def __str__(self) -> str:
        def num(x):
            return str(int(x)) if float(x).is_integer() else f"{x:g}"
        if self.high is None:
            return f"{'>' if self.open_low else '>='} {num(self.low)}"
        if self.low is None:
            return f"{'<' if self.open_high else '<='} {num(self.high)}"
        return f"in {'(' if self.open_low else '['}{num(self.low)}, {num(self.high)}{')' if self.open_high else ']'}"


POSITIVE = Range(0, open_low=True)
NON_NEGATIVE = Range(0)
AT_LEAST_1 = Range(1)
FRACTION = Range(0, 1, open_high=True)  # [0, 1)
SEED = Range(0, 2**63 - 1)
# The valid range of every numeric option, by section and key; each section checks its own when
# built, and eval.py's --timeout and --max-examples take theirs from here too.
RANGES: dict[str, dict[str, Range]] = {
    "model": {},  # blocksize: one of VALID_BLOCKSIZES
    "lora": {"r": Range(1, 4096), "alpha": POSITIVE, "dropout": FRACTION},
    "data": {"sample_rows": Range(0, 1000), "max_value_chars": AT_LEAST_1, "max_len": Range(1, 2**20),
             "sample_frac": Range(0, 1, open_low=True), "val_frac": FRACTION, "seed": SEED},
    "train": {"epochs": AT_LEAST_1, "max_steps": NON_NEGATIVE, "micro_batch_size": AT_LEAST_1, "grad_accum": AT_LEAST_1,
              "lr": POSITIVE, "warmup_ratio": FRACTION, "weight_decay": NON_NEGATIVE, "max_grad_norm": NON_NEGATIVE,
              "seed": SEED, "save_every": NON_NEGATIVE, "keep_last": AT_LEAST_1, "log_every": AT_LEAST_1,
              "min_lr_ratio": Range(0, 1), "adam_eps": POSITIVE, "loss_chunk_size": AT_LEAST_1,
              "length_group_window": AT_LEAST_1},
    "eval": {"max_new_tokens": Range(1, 65536), "temperature": NON_NEGATIVE, "top_p": Range(0, 1, open_low=True),
             "top_k": NON_NEGATIVE, "num_samples": Range(1, 1024), "batch_size": AT_LEAST_1,
             "repetition_penalty": POSITIVE, "timeout": Range(0, 86400, open_low=True), "max_examples": NON_NEGATIVE},
}


def range_error(what: str, value, valid: Range, is_int: bool) -> str:
    """"<what> = <value> must be <an integer | a finite number> <range>", the one message of every range check."""
    return f"{what} = {show(value)} must be {'an integer' if is_int else 'a finite number'} {valid}"


def _check_numbers(section: str, obj) -> None:
    """Every int / float field of a section within its RANGES entry (floats finite)."""
    for f in fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        valid = RANGES[section][f.name]  # a numeric field without a range is a bug: KeyError
        if value not in valid:
            is_int = "float" not in str(f.type)  # (annotations are strings here)
            raise ConfigError(range_error(f"[{section}] {f.name}", value, valid, is_int))


@dataclass(frozen=True)
class ModelSection:
    source: str = ""  # checkpoint directory (config.json + *.safetensors) or hub id; required
    dtype: str = "auto"  # compute dtype of unquantized weights: auto (bf16 if the GPU has it, fp16 on older GPUs; on CPU bf16 with AMX / AVX512-BF16, else fp32: engine/devices.py) | bf16 | fp16 | fp32
    quantize: str | None = None  # "nf4": decoder linears stored as NF4 (QLoRA); leave out for dense weights
    double_quant: bool = True  # NF4 only: quantize the per-block absmax scales too (QLoRA's double quantization)
    blocksize: int = 64  # NF4 only: weights per absmax block
    skip_modules: tuple[str, ...] = ()  # NF4 only: linears kept dense, by name or suffix (e.g. ["down_proj"])
    device: str = "auto"  # auto (cuda if available, else cpu) | cpu | cuda | cuda:N | mps
    build: str = ""  # when source does not exist: "" = error | "tiny" = random tiny model + tokenizer trained on the data (engine/demo/tiny.py) | path of a run config whose training writes source (e.g. a pretraining stage)
    chat_template: str = ""  # "" = the checkpoint's own; "chatml" | "plain" | path to a .jinja file (base models ship none)

    def __post_init__(self):
        _choice("model", "dtype", self.dtype, DTYPES)
        if self.quantize is not None:
            _choice("model", "quantize", self.quantize, QUANT_MODES)
        if self.blocksize not in VALID_BLOCKSIZES:  # the block sizes of bitsandbytes' NF4 (kernels/nf4.py)
            raise ConfigError(f"[model] blocksize = {self.blocksize!r} is not one of {list(VALID_BLOCKSIZES)}")
        if not DEVICE_RE.fullmatch(self.device):
            raise ConfigError(f"[model] device = {self.device!r} is not one of auto, cpu, cuda, cuda:N, mps")


@dataclass(frozen=True)
class LoraSection:
    r: int = 16  # rank of the update B @ A
    alpha: float = 32.0  # scaling numerator: the update is scaled by alpha / r (alpha / sqrt(r) with use_rslora)
    dropout: float = 0.05  # dropout on the adapter's input
    target_modules: str | tuple[str, ...] = "all-linear"  # "all-linear" (every linear but lm_head) or names, e.g. ["q_proj", "v_proj"]
    use_rslora: bool = False  # rank-stabilised scaling alpha / sqrt(r) (https://arxiv.org/abs/2312.03732)

    def __post_init__(self):
        _check_numbers("lora", self)  # alpha > 0: alpha = 0 scales the update to nothing and trains nothing
        if isinstance(self.target_modules, tuple) and not self.target_modules:
            raise ConfigError('[lora] target_modules = [] names no module; use "all-linear" or names like ["q_proj"]')


@dataclass(frozen=True)
class DataConfig:
    """[data]: what engine.sql.datasets reads and how engine.data renders and encodes it."""

    format: str = "spider"  # reader: spider | bird | sql-create-context | jsonl
    train_path: str = ""  # training file (.json/.jsonl); for sql-create-context also the hub id
    eval_path: str = ""  # evaluation file in the same format ("" = none); checked for leakage against training
    tables: str = ""  # spider/bird tables json ("" = tables.json / dev_tables.json / train_tables.json beside the file)
    db_dir: str = ""  # folder of <db_id>/<db_id>.sqlite ("" = database/ or *_databases/ beside the file, if any)
    schema_style: str = "create"  # "create" (CREATE TABLE as stored) | "compact" (table(col type PK, ...))
    sample_rows: int = 3  # example rows per table in the schema (0 = none)
    max_value_chars: int = 80  # sample values longer than this are cut with "..."
    use_evidence: bool = True  # add BIRD's evidence to the question as "External knowledge"
    system_prompt: str = DEFAULT_SYSTEM_PROMPT  # system message ("" = none: the chat template's default)
    max_len: int = 2048  # max tokens of prompt + answer; longer examples are shortened, then dropped
    sample_frac: float = 1.0  # fraction of the training set kept (stratified by stratify_by)
    stratify_by: str = ""  # "" | "difficulty" | "db_id" | "evidence_len": field whose distribution sampling keeps
    val_frac: float = 0.0  # fraction of the (sampled) training set held out for validation
    seed: int = 0  # seed of sampling and of the validation split
    leakage: str = "error"  # train/eval overlap (same question+SQL; same database for spider/bird): "error" | "warn"
    on_bad_row: str = "error"  # a bad row: "error" | "skip" (skipped rows are counted and listed)
    build: str = ""  # "" | "synthetic": generate the offline demo's task (engine/demo/synthetic.py) into train_path's folder when missing

    def __post_init__(self):
        choices = {"format": FORMATS, "schema_style": SCHEMA_STYLES, "stratify_by": STRATIFY_FIELDS, "build": ("", "synthetic"),
                   "leakage": ("error", "warn"), "on_bad_row": ("error", "skip")}
        for key, allowed in choices.items():
            if getattr(self, key) not in allowed:
                raise ConfigError(f"data.{key} = {getattr(self, key)!r} is not one of {list(allowed)}")
        _check_numbers("data", self)


@dataclass(frozen=True)
class TrainSection:
    run_dir: str = ""  # where checkpoints, metrics.jsonl and the adapter go ("" = runs/<config file name>)
    epochs: int = 1  # passes over the training set
    max_steps: int = 0  # run exactly this many optimizer steps, overriding epochs; the schedule spans them (0 = epochs decide)
    micro_batch_size: int = 4  # sequences per forward/backward
    grad_accum: int = 4  # micro-batches per optimizer step (effective batch = micro_batch_size * grad_accum)
    lr: float = 2e-4  # peak learning rate of AdamW
    schedule: str = "cosine"  # learning-rate decay after warmup: cosine | linear | constant
    warmup_ratio: float = 0.03  # fraction of all optimizer steps spent warming up linearly from 0
    weight_decay: float = 0.0  # AdamW decoupled weight decay on the LoRA weights
    max_grad_norm: float = 1.0  # clip the global gradient norm to this (0 = no clipping)
    seed: int = 0  # seeds LoRA init, dropout and data order
    grad_checkpointing: bool = True  # recompute each decoder layer in backward instead of storing activations
    save_every: int = 0  # also checkpoint every N optimizer steps (0 = only at the end of each epoch)
    keep_last: int = 2  # checkpoints kept (older ones are deleted)
    log_every: int = 10  # optimizer steps between log lines / metrics.jsonl rows
    precision: str = "auto"  # autocast: auto (bf16 if supported, fp16 with loss scaling on older GPUs; on CPU bf16 with AMX / AVX512-BF16, else fp32) | bf16 | fp16 | fp32
    wandb: bool = False  # also log to Weights & Biases (needs the wandb package)
    wandb_project: str = "sqlora"  # W&B project name
    wandb_run_name: str = ""  # W&B run name ("" = the run directory's name)
    mode: str = "lora"  # "lora": train the adapter only; "full": train every parameter (small models, pretraining)
    min_lr_ratio: float = 0.0  # floor of the lr decay, as a fraction of lr
    adam_betas: tuple[float, ...] = (0.9, 0.999)  # AdamW betas
    adam_eps: float = 1e-8  # AdamW epsilon
    loss_chunk_size: int = 256  # supervised tokens per lm_head + cross-entropy chunk (never the whole batch's logits)
    length_group_window: int = 64  # micro-batches per length-sorting window (1 = no length grouping)
    share_prefix: bool = False  # micro-batches of one database's examples (the epoch sorted by prompt, then shuffled), their shared prompt beginning computed once (engine/prefix.py)
    offload_activations: bool = False  # keep the checkpointed layer inputs in pinned CPU memory until backward (long sequences; costs two PCIe copies of them)

    def __post_init__(self):
        _check_numbers("train", self)
        _choice("train", "schedule", self.schedule, SCHEDULES)
        _choice("train", "precision", self.precision, PRECISIONS)
        _choice("train", "mode", self.mode, MODES)
        if len(self.adam_betas) != 2 or not all(b in FRACTION for b in self.adam_betas):
            raise ConfigError(f"[train] adam_betas = {show(self.adam_betas)} must be two finite numbers in [0, 1)")


@dataclass(frozen=True)
class EvalSection:
    max_new_tokens: int = 256  # generation budget per answer
    temperature: float = 0.0  # sampling temperature (0 = greedy decoding)
    top_p: float = 1.0  # nucleus sampling: keep the smallest token set with this much probability (1 = off)
    top_k: int = 0  # keep only the k most likely tokens (0 = off)
    num_samples: int = 1  # answers per question (> 1: vote over their execution results)
    batch_size: int = 8  # prompts decoded together
    decode: str = "auto"  # auto (fast path: static KV cache + CUDA graph + fused NF4 GEMV on CUDA; reference loop elsewhere) | fast | reference
    repetition_penalty: float = 1.0  # > 1 discourages repeating tokens (greedy decoding of small models loops); 1 = off
    share_prefix: bool = True  # prefill the beginning a batch's prompts share (system prompt, schema) once (engine/prefix.py)
    timeout: float = 10.0  # seconds allowed per SQL execution
    max_examples: int = 0  # evaluate the first N examples only (0 = all)
    side_by_side: bool = False  # eval.py CONFIG without --adapter: score the base, then <run_dir>/adapter when it exists, and print both

    def __post_init__(self):
        _check_numbers("eval", self)
        _choice("eval", "decode", self.decode, ("auto", "fast", "reference"))


@dataclass(frozen=True)
class RunConfig:
    model: ModelSection = dataclasses.field(default_factory=ModelSection)
    lora: LoraSection = dataclasses.field(default_factory=LoraSection)
    data: DataConfig = dataclasses.field(default_factory=DataConfig)
    train: TrainSection = dataclasses.field(default_factory=TrainSection)
    eval: EvalSection = dataclasses.field(default_factory=EvalSection)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """{section: {key: value}} (tuples stay tuples), e.g. for logging the run's settings."""
        return {f.name: {k.name: getattr(getattr(self, f.name), k.name) for k in fields(getattr(self, f.name))}
                for f in fields(self)}


SECTIONS: dict[str, type] = {f.name: f.default_factory for f in fields(RunConfig)}




# Names people bring from peft / transformers' TrainingArguments, and ours.
ALIASES = {"rank": "r", "lora_r": "r", "lora_alpha": "alpha", "lora_dropout": "dropout", "learning_rate": "lr",
           "num_epochs": "epochs", "num_train_epochs": "epochs", "per_device_train_batch_size": "micro_batch_size",
           "batch_size": "micro_batch_size", "gradient_accumulation_steps": "grad_accum",
           "lr_scheduler_type": "schedule", "gradient_checkpointing": "grad_checkpointing",
           "output_dir": "run_dir", "save_steps": "save_every", "save_total_limit": "keep_last",
           "logging_steps": "log_every", "model_name_or_path": "source",
           "torch_dtype": "dtype", "bnb_4bit_use_double_quant": "double_quant"}


def _suggest(key: str, valid) -> str:
    valid = list(valid)
    close = [ALIASES[key]] if ALIASES.get(key) in valid else difflib.get_close_matches(key, valid, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _build_section(name: str, cls: type, raw: dict, origin: dict[str, str]) -> Any:
    """cls(**raw) with every key known and every value type-checked; origin[key] says where it came from."""
    hints = typing.get_type_hints(cls)
    valid = [f.name for f in fields(cls)]
    kwargs = {}
    for key, value in raw.items():
        where = origin.get(key, "")
        if value == "none" and where.startswith("override") and key in hints and is_optional(hints[key]):
            kwargs[key] = None  # --set model.quantize=none unsets an optional field
            continue
        if key not in hints:
            raise ConfigError(f"{where}unknown key {key!r} in [{name}]{_suggest(key, valid)}; "
                              f"valid keys: {', '.join(valid)}")
        out = coerce(value, hints[key])
        if out is NO:
            raise ConfigError(f"{where}[{name}] {key} = {show(value)}: expected {describe(hints[key])}, "
                              f"got {toml_type(value)}")
        kwargs[key] = out
    try:
        return cls(**kwargs)
    except (ValueError, TypeError) as e:  # a section's own checks (ranges, choices), e.g. DataConfig's
        msg = str(e)
        # Say where the offending value came from when an override set it.
        named = [k for k in kwargs if re.search(rf"\b{re.escape(k)}\b", msg) and origin.get(k, "").startswith("override")]
        raise ConfigError(origin[named[0]] + msg if named else msg) from None




# ----------------------------------------------------------------------------------------------
# Loading, overrides, saving.

def parse_override(text: str) -> tuple[str, str, Any]:
    """'section.key=value' -> (section, key, value); value parsed as TOML, else kept as a string."""
    lhs, eq, rhs = text.partition("=")
    section, dot, key = lhs.strip().partition(".")
    if not eq or not dot or not section or not key:
        raise ConfigError(f"override {text!r}: expected section.key=value, e.g. train.lr=1e-4")
    rhs = rhs.strip()
    try:
        value = tomllib.loads(f"v = {rhs}")["v"]
    except tomllib.TOMLDecodeError:
        value = rhs
    return section, key.strip(), value


def load_config(path, overrides=()) -> RunConfig:
    """Read a TOML run config, apply `section.key=value` overrides, check it, and build the RunConfig.

    train.run_dir left empty resolves to runs/<config file name without .toml>.
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None

    origin: dict[str, dict[str, str]] = {}
    for section, table in raw.items():
        if section not in SECTIONS:
            raise ConfigError(f"{path}: unknown section [{section}]{_suggest(section, SECTIONS)}; "
                              f"valid sections: {', '.join(f'[{s}]' for s in SECTIONS)}")
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: {section} must be a table ([{section}] followed by key = value lines), "
                              f"got {toml_type(table)}")
        origin[section] = {k: f"{path}: " for k in table}
    for text in overrides:
        section, key, value = parse_override(text)
        if section not in SECTIONS:
            raise ConfigError(f"override {text!r}: unknown section {section!r}{_suggest(section, SECTIONS)}; "
                              f"valid sections: {', '.join(SECTIONS)}")
        raw.setdefault(section, {})[key] = value
        origin.setdefault(section, {})[key] = f"override {text!r}: "

    built = {}
    for name, cls in SECTIONS.items():
        try:
            built[name] = _build_section(name, cls, raw.get(name, {}), origin.get(name, {}))
        except ConfigError as e:
            msg = str(e)
            raise ConfigError(msg if msg.startswith((f"{path}: ", "override ")) else f"{path}: {msg}") from None
    if not built["model"].source:
        raise ConfigError(f"{path}: [model] source is required: a checkpoint directory or a hub id such as "
                          f"'Qwen/Qwen2.5-Coder-1.5B-Instruct'")
    if not built["train"].run_dir:
        built["train"] = dataclasses.replace(built["train"], run_dir=str(Path("runs") / path.stem))
    return RunConfig(**built)



def dumps_config(cfg: RunConfig) -> str:
    """The config as TOML text: one table per section, every key written (None: left out, the default)."""
    lines = ["# Resolved run config (engine/config.py); load with engine.config.load_config."]
    for section, values in cfg.to_dict().items():
        lines += ["", f"[{section}]"]
        lines += [f"{k} = {toml_value(v)}" if v is not None else f"# {k}: unset" for k, v in values.items()]
    return "\n".join(lines) + "\n"


def save_config(cfg: RunConfig, path) -> Path:
    """Write the resolved config as TOML (load_config reads it back to an equal RunConfig)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps_config(cfg))
    return path
