"""engine.demo.prepare: a run's missing inputs are built only when the config asks, and a bad recipe is named."""

import pytest

from engine.config import ConfigError, load_config
from engine.demo.prepare import prepare_inputs
from models import load_model
from models.tokenizer import load_tokenizer


def _write(path, text):
    path.write_text(text)
    return path


def test_data_and_tiny_model_are_built_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = load_config(_write(tmp_path / "a.toml", """
[model]
source = "runs/base"
build = "tiny"
[data]
format = "jsonl"
build = "synthetic"
train_path = "data/syn/train.jsonl"
eval_path = "data/syn/test.jsonl"
"""))
    prepare_inputs(cfg)
    assert (tmp_path / "data/syn/train.jsonl").is_file() and (tmp_path / "data/syn/test.jsonl").is_file()
    model, tok = load_model("runs/base"), load_tokenizer("runs/base")
    assert model.config.vocab_size >= tok.vocab_size
    stamp = (tmp_path / "runs/base/model.safetensors").stat().st_mtime_ns
    prepare_inputs(cfg)  # everything exists: nothing is rebuilt
    assert (tmp_path / "runs/base/model.safetensors").stat().st_mtime_ns == stamp


def test_without_build_keys_nothing_is_built(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = load_config(_write(tmp_path / "a.toml", '[model]\nsource = "runs/none"\n[data]\ntrain_path = "d/t.json"\n'))
    prepare_inputs(cfg)
    assert not (tmp_path / "runs").exists() and not (tmp_path / "d").exists()


def test_bad_stage_configs_are_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="neither \"tiny\" nor a run config file"):
        prepare_inputs(load_config(_write(tmp_path / "a.toml", '[model]\nsource = "m"\nbuild = "nope.toml"\n')))
    _write(tmp_path / "b.toml", '[model]\nsource = "m2"\nbuild = "c.toml"\n')
    _write(tmp_path / "c.toml", '[model]\nsource = "m3"\nbuild = "b.toml"\n')
    with pytest.raises(ConfigError, match="cycle"):
        prepare_inputs(load_config(tmp_path / "b.toml"))
