"""Run config: TOML -> typed frozen dataclasses; every error path names what is wrong and what is valid."""

from __future__ import annotations

import dataclasses
import tomllib

import pytest

from engine.config import (RANGES, SECTIONS, ConfigError, DataConfig, EvalSection, LoraSection, ModelSection, RunConfig,
                           TrainSection, dumps_config, load_config, parse_override, save_config)
from kernels.nf4 import VALID_BLOCKSIZES


def write(tmp_path, text, name="run.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


MINIMAL = '[model]\nsource = "some/model"\n'


def test_left_out_keys_take_the_dataclass_defaults(tmp_path):
    cfg = load_config(write(tmp_path, MINIMAL, "tiny.toml"))
    assert cfg == RunConfig(model=ModelSection(source="some/model"), lora=LoraSection(), data=DataConfig(),
                            train=TrainSection(run_dir="runs/tiny"), eval=EvalSection())
    assert cfg.train.run_dir == "runs/tiny"  # "" resolves to runs/<config name>
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.train.lr = 1.0


def test_values_are_read_and_typed(tmp_path):
    cfg = load_config(write(tmp_path, MINIMAL + """
quantize = "nf4"
skip_modules = ["down_proj"]
[lora]
r = 8
alpha = 16
target_modules = ["q_proj", "v_proj"]
[data]
format = "bird"
val_frac = 0.1
[train]
lr = 1
run_dir = "out/x"
grad_checkpointing = false
[eval]
timeout = 3
"""))
    assert cfg.model.quantize == "nf4" and cfg.model.skip_modules == ("down_proj",)
    assert cfg.lora.alpha == 16.0 and isinstance(cfg.lora.alpha, float)  # int accepted for float
    assert cfg.lora.target_modules == ("q_proj", "v_proj")
    assert cfg.data.format == "bird" and cfg.data.val_frac == 0.1
    assert cfg.train.lr == 1.0 and isinstance(cfg.train.lr, float) and cfg.train.run_dir == "out/x"
    assert cfg.train.grad_checkpointing is False and cfg.eval.timeout == 3.0


def test_unknown_key_names_key_section_file_valid_keys_and_a_close_match(tmp_path):
    path = write(tmp_path, MINIMAL + "[train]\nlearning_rat = 1e-4\nlrr = 2\n")
    with pytest.raises(ConfigError) as e:
        load_config(path)
    msg = str(e.value)
    assert str(path) in msg and "'learning_rat'" in msg and "[train]" in msg
    assert "valid keys: run_dir, epochs, max_steps" in msg and "warmup_ratio" in msg
    path = write(tmp_path, MINIMAL + "[lora]\nrank = 8\n[train]\nlrr = 2\n")
    with pytest.raises(ConfigError, match=r"unknown key 'rank' in \[lora\] \(did you mean 'r'\?\)"):
        load_config(path)
    path = write(tmp_path, MINIMAL + "[train]\nwarmup_raito = 0.1\n")
    with pytest.raises(ConfigError, match="did you mean 'warmup_ratio'"):
        load_config(path)
    path = write(tmp_path, MINIMAL + "[data]\nfromat = 'bird'\n")  # DataConfig's keys are checked too
    with pytest.raises(ConfigError, match=r"unknown key 'fromat' in \[data\] \(did you mean 'format'\?\)"):
        load_config(path)


def test_unknown_section_and_section_that_is_not_a_table(tmp_path):
    path = write(tmp_path, MINIMAL + "[trian]\nlr = 1e-4\n")
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert str(path) in str(e.value) and "[trian]" in str(e.value) and "did you mean 'train'" in str(e.value)
    assert "[model], [lora], [data], [train], [eval]" in str(e.value)
    with pytest.raises(ConfigError, match="train must be a table"):
        load_config(write(tmp_path, "train = 3\n" + MINIMAL))
    with pytest.raises(ConfigError, match=r"\[train\] wandb = \{"):  # a nested table where a value belongs
        load_config(write(tmp_path, MINIMAL + "[train.wandb]\nproject = 'x'\n"))


@pytest.mark.parametrize("line, section, expected", [
    ('lr = "fast"', "train", 'lr = "fast": expected a number, got a string'),
    ("epochs = 1.5", "train", "epochs = 1.5: expected an integer, got a float"),
    ("epochs = true", "train", "epochs = true: expected an integer, got a boolean"),
    ("grad_checkpointing = 1", "train", "expected a boolean (true or false), got an integer"),
    ("target_modules = 3", "lora", "target_modules = 3: expected a string or a list of strings, got an integer"),
    ('skip_modules = ["a", 1]', "model", 'skip_modules = ["a", 1]: expected a list of strings, got a list'),
    ("source = ['x']", "model", "expected a string, got a list"),
    ("sample_rows = 2.0", "data", "expected an integer, got a float"),
])
def test_mistyped_values_are_named(tmp_path, line, section, expected):
    if section == "model":
        text = f"[model]\n{line}\n" if line.startswith("source") else MINIMAL + line + "\n"
    else:
        text = MINIMAL + f"[{section}]\n{line}\n"
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert str(path) in str(e.value) and f"[{section}]" in str(e.value) and expected in str(e.value)


@pytest.mark.parametrize("line, expected", [
    ('[train]\nschedule = "cos"', r"\[train\] schedule = 'cos' is not one of \['cosine', 'linear', 'constant'\]"),
    ('[train]\nprecision = "bf32"', r"\[train\] precision = 'bf32' is not one of"),
    ('[train]\nwarmup_ratio = 1.5', r"\[train\] warmup_ratio = 1.5 must be a finite number in \[0, 1\)"),
    ('[train]\nlr = 0', r"\[train\] lr = 0.0 must be a finite number > 0"),
    ('[train]\nlr = nan', r"\[train\] lr = nan must be a finite number > 0"),
    ('[train]\nmax_grad_norm = nan', r"\[train\] max_grad_norm = nan must be a finite number >= 0"),
    ('[train]\nadam_betas = [0.9, nan]', r"\[train\] adam_betas = \[0.9, nan\] must be two finite numbers in \[0, 1\)"),
    ('[eval]\ntimeout = nan', r"\[eval\] timeout = nan must be a finite number in \(0, 86400\]"),
    ('[eval]\ntimeout = -1', r"\[eval\] timeout = -1.0 must be a finite number in \(0, 86400\]"),
    ('blocksize = 3', r"\[model\] blocksize = 3 is not one of \[32, 64, 128, 256, 512, 1024, 2048, 4096\]"),
    ('[lora]\nr = 0', r"\[lora\] r = 0 must be an integer in \[1, 4096\]"),
    ('[lora]\nr = -1', r"\[lora\] r = -1 must be an integer in \[1, 4096\]"),
    ('[lora]\nalpha = 0', r"\[lora\] alpha = 0.0 must be a finite number > 0"),
    ('[lora]\ntarget_modules = []', r"target_modules = \[\] names no module"),
    ('[eval]\ntop_p = 0', r"\[eval\] top_p = 0.0 must be a finite number in \(0, 1\]"),
    ('quantize = "int8"', r"\[model\] quantize = 'int8' is not one of \['nf4'\]"),
    ('device = "gpu"', r"\[model\] device = 'gpu' is not one of auto, cpu, cuda, cuda:N, mps"),
    ('[data]\nformat = "wikisql"', r"data.format = 'wikisql' is not one of"),  # DataConfig's own check
])
def test_out_of_range_or_invalid_choices(tmp_path, line, expected):
    path = write(tmp_path, MINIMAL + line + "\n")
    with pytest.raises(ConfigError, match=expected) as e:
        load_config(path)
    assert str(e.value).startswith(f"{path}: ")


def test_missing_source_bad_toml_and_missing_file(tmp_path):
    with pytest.raises(ConfigError, match=r"\[model\] source is required"):
        load_config(write(tmp_path, "[train]\nlr = 1e-4\n"))
    path = write(tmp_path, MINIMAL + "[train]\nlr = \n")
    with pytest.raises(ConfigError, match=r"not valid TOML: .*line 4") as e:
        load_config(path)
    assert str(path) in str(e.value)
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "absent.toml")


def test_overrides(tmp_path):
    path = write(tmp_path, MINIMAL + 'quantize = "nf4"\n[train]\nlr = 2e-4\n')
    cfg = load_config(path, overrides=["train.lr=1e-4", "train.schedule=linear", "lora.target_modules=['q_proj']",
                                       "model.quantize=none", "train.epochs = 3", 'data.system_prompt="a = b"'])
    assert cfg.train.lr == 1e-4 and cfg.train.schedule == "linear" and cfg.train.epochs == 3
    assert cfg.lora.target_modules == ("q_proj",) and cfg.model.quantize is None
    assert cfg.data.system_prompt == "a = b"
    assert parse_override("train.run_dir=runs/a b") == ("train", "run_dir", "runs/a b")  # not TOML: a string
    with pytest.raises(ConfigError, match="expected section.key=value"):
        load_config(path, overrides=["train.lr"])
    with pytest.raises(ConfigError, match="expected section.key=value"):
        load_config(path, overrides=["lr=1"])
    with pytest.raises(ConfigError, match=r"override 'trian.lr=1': unknown section 'trian' \(did you mean 'train'"):
        load_config(path, overrides=["trian.lr=1"])
    with pytest.raises(ConfigError, match=r"override 'train.lrr=1': unknown key 'lrr' in \[train\].*'lr'"):
        load_config(path, overrides=["train.lrr=1"])
    with pytest.raises(ConfigError, match=r"override 'train.epochs=two': \[train\] epochs = \"two\": expected an int"):
        load_config(path, overrides=["train.epochs=two"])
    with pytest.raises(ConfigError, match=r"override 'train.schedule=cos': \[train\] schedule = 'cos' is not one"):
        load_config(path, overrides=["train.schedule=cos"])


def test_save_config_round_trip(tmp_path):
    tricky = 'quotes " and \\ backslash,\nnew line, tab\t, unicode é 中, DEL \x7f, # not a comment'
    cfg = RunConfig(
        model=ModelSection(source="/ckpt/with space", dtype="bf16", quantize="nf4", skip_modules=("down_proj", "a.b")),
        lora=LoraSection(r=32, alpha=64, dropout=0.1, target_modules=("q_proj", "v_proj"), use_rslora=True),
        data=DataConfig(format="bird", system_prompt=tricky, val_frac=0.05),
        train=TrainSection(run_dir="runs/x", lr=1.5e-5, weight_decay=0.01, max_grad_norm=0.3,
                           grad_checkpointing=False, wandb=True),
        eval=EvalSection(temperature=0.7, top_k=50, timeout=2.5),
    )
    path = save_config(cfg, tmp_path / "run" / "config.toml")
    text = path.read_text()
    tomllib.loads(text)  # valid TOML
    assert load_config(path) == cfg
    # An unset optional field is left out (it is the default) and still round-trips.
    cfg2 = dataclasses.replace(cfg, model=dataclasses.replace(cfg.model, quantize=None),
                               lora=dataclasses.replace(cfg.lora, target_modules="all-linear"))
    assert "# quantize: unset" in dumps_config(cfg2)
    assert load_config(save_config(cfg2, tmp_path / "b.toml")) == cfg2


def test_config_values_are_checked():
    with pytest.raises(ValueError, match=r"data.format = 'wikisql' is not one of \['spider', 'bird'"):
        DataConfig(format="wikisql")
    with pytest.raises(ValueError, match="sample_frac"):
        DataConfig(sample_frac=0)
    with pytest.raises(ValueError, match="on_bad_row"):
        DataConfig(on_bad_row="ignore")


def _numeric_fields():
    for section, cls in SECTIONS.items():
        for f in dataclasses.fields(cls):
            default = f.default
            if isinstance(default, (int, float)) and not isinstance(default, bool):
                yield section, cls, f.name, default


def test_every_numeric_option_has_a_range_that_its_default_is_in():
    for section, cls, key, default in _numeric_fields():
        if (section, key) == ("model", "blocksize"):
            assert default in VALID_BLOCKSIZES  # a choice: bitsandbytes' block sizes
            continue
        assert key in RANGES[section], f"[{section}] {key} has no valid range in engine.config.RANGES"
        assert default in RANGES[section][key]


@pytest.mark.parametrize("section, cls, key, default", list(_numeric_fields()))
def test_every_numeric_option_refuses_nan_inf_and_out_of_range(section, cls, key, default):
    bad = [float("nan"), float("inf"), float("-inf")] if isinstance(default, float) else []
    valid = RANGES[section].get(key)
    if valid is not None and valid.low is not None:
        bad.append(type(default)(valid.low) - 1)
    if valid is not None and valid.high is not None:
        bad.append(type(default)(valid.high) + 1)
    if key == "blocksize":
        bad = [3, 0, 8192]
    for value in bad:
        with pytest.raises(ConfigError) as e:
            cls(**{key: value})
        msg = str(e.value)
        assert f"[{section}] {key} = " in msg and ("nan" in msg or "inf" in msg or str(value) in msg), msg
        assert "must be" in msg or "is not one of" in msg, msg
