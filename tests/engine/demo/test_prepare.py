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
    _write(tmp_path / "b.toml", '[model]\nsource = "runs/c/model"\nbuild = "c.toml"\n[train]\nmode = "full"\nrun_dir = "runs/b"\n')
    _write(tmp_path / "c.toml", '[model]\nsource = "runs/b/model"\nbuild = "b.toml"\n[train]\nmode = "full"\nrun_dir = "runs/c"\n')
    with pytest.raises(ConfigError, match="cycle"):
        prepare_inputs(load_config(tmp_path / "b.toml"))


def test_a_mistyped_source_is_named_before_anything_is_built(tmp_path, monkeypatch):
    # It used to build the stage's own base, train the stage (minutes of CPU in the demo), and only
    # then say that the stage's output is not model.source.
    import engine.demo.prepare as prepare
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(prepare, "run_training", lambda cfg: pytest.fail("trained a stage for nothing"))
    _write(tmp_path / "stage.toml", '[model]\nsource = "runs/base"\nbuild = "tiny"\n[data]\nformat = "jsonl"\n'
                                    'train_path = "data/syn/train.jsonl"\n[train]\nmode = "full"\nrun_dir = "runs/stage"\n')
    cfg = load_config(_write(tmp_path / "a.toml", '[model]\nsource = "runs/stage/modle"\nbuild = "stage.toml"\n'))
    with pytest.raises(ConfigError, match=r"model.source = 'runs/stage/modle' does not exist, and model.build = "
                                          r"'stage.toml' writes 'runs/stage/model' .*set model.source = 'runs/stage/model'"):
        prepare_inputs(cfg)
    assert not (tmp_path / "runs").exists()
    _write(tmp_path / "lora.toml", '[model]\nsource = "runs/base"\n[train]\nrun_dir = "runs/stage"\n')
    with pytest.raises(ConfigError, match=r"trains in 'lora' mode, which writes an adapter, not a model"):
        prepare_inputs(load_config(_write(tmp_path / "b.toml", '[model]\nsource = "runs/stage/model"\nbuild = "lora.toml"\n')))
