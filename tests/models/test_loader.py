"""The checkpoint loader (models/loader.py): sharded checkpoints, and every bad checkpoint's error."""

import json
import shutil
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from models import CheckpointError, ModelConfigError, config_json, load_model
from tests.models.test_transformer import _ids
from tests.tiny_models import save_tiny


def test_sharded_checkpoint_loads(tmp_path):
    path, ref = save_tiny("qwen2", tmp_path, max_shard_size="60KB")
    assert (path / "model.safetensors.index.json").exists()
    assert len(list(path.glob("*.safetensors"))) > 1
    model = load_model(path, dtype=torch.float32)
    with torch.no_grad():
        torch.testing.assert_close(model(_ids()), ref(_ids()).logits, atol=2e-5, rtol=1e-5)


def _single_file_ckpt(tmp_path):
    path, _ = save_tiny("qwen2", tmp_path)
    return path, load_file(path / "model.safetensors")


def test_missing_unexpected_shape_and_dtype_problems_reported_together(tmp_path):
    path, sd = _single_file_ckpt(tmp_path)
    del sd["model.layers.0.mlp.up_proj.weight"]
    sd["model.layers.9.mlp.up_proj.weight"] = torch.zeros(3)
    sd["model.layers.1.self_attn.q_proj.weight"] = torch.zeros(64, 63)
    sd["model.norm.weight"] = torch.zeros(64, dtype=torch.int32)
    save_file(sd, path / "model.safetensors")
    with pytest.raises(CheckpointError) as e:
        load_model(path)
    msg = str(e.value)
    assert "4 problem(s)" in msg
    assert "missing tensor model.layers.0.mlp.up_proj.weight" in msg
    assert "unexpected tensor model.layers.9.mlp.up_proj.weight" in msg
    assert "model.layers.1.self_attn.q_proj.weight: shape [64, 63]" in msg and "[64, 64]" in msg
    assert "model.norm.weight: dtype I32" in msg


def test_truncated_or_corrupt_file_is_named(tmp_path):
    path, _ = _single_file_ckpt(tmp_path)
    f = path / "model.safetensors"
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    with pytest.raises(CheckpointError, match="model.safetensors: corrupt or truncated"):
        load_model(path)
    f.write_bytes(b"\x00" * 100)
    with pytest.raises(CheckpointError, match="model.safetensors: corrupt or truncated"):
        load_model(path)


def test_missing_shard_pickle_only_and_bad_sources(tmp_path, monkeypatch):
    path, _ = save_tiny("qwen2", tmp_path / "sharded", max_shard_size="60KB")
    next(iter(sorted(path.glob("model-*.safetensors")))).unlink()
    with pytest.raises(CheckpointError, match="names shard"):
        load_model(path)
    pick = tmp_path / "pickle"
    pick.mkdir()
    (pick / "config.json").write_text((path / "config.json").read_text())
    (pick / "pytorch_model.bin").write_bytes(b"not loaded")
    with pytest.raises(CheckpointError, match="pickle files are never loaded"):
        load_model(pick)
    with pytest.raises(CheckpointError, match="no such directory"):
        load_model(tmp_path / "nowhere")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(CheckpointError, match="HF_HUB_OFFLINE is set"):
        load_model("nobody-here/no-such-model")


# ----------------------------------------------------------------------------- untrusted files


def _with_index(path, first_shard_name):
    index = path / "model.safetensors.index.json"
    data = json.loads(index.read_text())
    first = sorted(set(data["weight_map"].values()))[0]
    data["weight_map"] = {k: (first_shard_name if v == first else v) for k, v in data["weight_map"].items()}
    index.write_text(json.dumps(data))
    return first


@pytest.mark.parametrize("name", ["../../../../etc/passwd", "/etc/passwd", "../outside.safetensors", "a/../../x"])
def test_shard_index_cannot_name_files_outside_the_folder(tmp_path, name):
    path, _ = save_tiny("qwen2", tmp_path / "ckpt", max_shard_size="60KB")
    shutil.copy(sorted(path.glob("model-*.safetensors"))[0], tmp_path / "outside.safetensors")  # a real shard
    _with_index(path, name)
    with pytest.raises(CheckpointError, match="outside the checkpoint folder") as e:
        load_model(path)
    assert repr(name) in str(e.value) and "\n" not in str(e.value)


def test_a_shard_symlinked_out_of_the_folder_is_refused_but_the_hub_cache_layout_loads(tmp_path):
    path, ref = save_tiny("qwen2", tmp_path / "ckpt", max_shard_size="60KB")
    shard = sorted(path.glob("model-*.safetensors"))[0]
    outside = tmp_path / "elsewhere.safetensors"
    shutil.move(shard, outside)
    shard.symlink_to(outside)
    with pytest.raises(CheckpointError, match=f"leads to {outside}, outside the checkpoint folder"):
        load_model(path)
    # huggingface_hub's cache: <repo>/snapshots/<rev>/<file> -> ../../blobs/<sha>, every file a symlink
    repo = tmp_path / "models--org--tiny"
    snapshot, blobs = repo / "snapshots" / "abc123", repo / "blobs"
    snapshot.mkdir(parents=True), blobs.mkdir()
    shard.unlink(), shutil.move(outside, shard)
    for i, f in enumerate(sorted(path.iterdir())):
        shutil.copy(f, blobs / f"blob{i}")
        (snapshot / f.name).symlink_to(Path("../../blobs") / f"blob{i}")
    model = load_model(snapshot, dtype=torch.float32)
    with torch.no_grad():
        torch.testing.assert_close(model(_ids()), ref(_ids()).logits, atol=2e-5, rtol=1e-5)


def _with_config(tmp_path, change):
    path, _ = save_tiny("qwen2", tmp_path / "ckpt")
    cfg = json.loads((path / "config.json").read_text())
    (path / "config.json").write_text(json.dumps(change(cfg)))
    return path


@pytest.mark.parametrize("change, expected", [
    (lambda c: [c], "the config is a list, expected a JSON object"),
    (lambda c: {**c, "hidden_size": "64"}, 'hidden_size = "64" (a string): expected an integer in [1, 2147483648]'),
    (lambda c: {**c, "hidden_size": -64}, "hidden_size = -64 (an integer): expected an integer in [1, 2147483648]"),
    (lambda c: {**c, "num_hidden_layers": True}, "num_hidden_layers = true (a boolean): expected an integer in [1, 1024]"),
    (lambda c: {**c, "rms_norm_eps": None}, "rms_norm_eps = null (null): expected a finite number > 0"),
    (lambda c: {**c, "rms_norm_eps": "1e-6"}, 'rms_norm_eps = "1e-6" (a string): expected a finite number > 0'),
    (lambda c: {**c, "rms_norm_eps": float("nan")}, "rms_norm_eps = NaN (a number): expected a finite number > 0"),
    (lambda c: {**c, "tie_word_embeddings": "false"}, 'tie_word_embeddings = "false" (a string): expected true or false'),
    (lambda c: {**c, "rope_parameters": {"rope_theta": "1e6"}}, 'rope_parameters.rope_theta = "1e6" (a string)'),
    (lambda c: {**c, "rope_scaling": [1]}, "rope_scaling = [1] (a list): expected an object or null"),
    (lambda c: {**c, "eos_token_id": "2"}, 'eos_token_id = "2" (a string): expected a token id'),
    # a million layers used to spend hours building modules on the meta device
    (lambda c: {**c, "num_hidden_layers": 10**6}, "num_hidden_layers = 1000000 (an integer): expected an integer in [1, 1024]"),
])
def test_config_json_values_are_type_checked(tmp_path, change, expected):
    path = _with_config(tmp_path, change)
    t0 = time.monotonic()
    with pytest.raises(ModelConfigError) as e:
        load_model(path)
    assert str(e.value).startswith(f"{path / 'config.json'}: ") and expected in str(e.value)
    assert time.monotonic() - t0 < 5


def test_a_config_too_big_for_memory_fails_before_building_anything(tmp_path, monkeypatch):
    path = _with_config(tmp_path, lambda c: {**c, "hidden_size": 10**9})
    t0 = time.monotonic()
    with pytest.raises(ModelConfigError, match=r"needs about [\d,.]+ GB \(bfloat16\), but cpu has [\d,.]+ GB available"):
        load_model(path)
    assert time.monotonic() - t0 < 5
    # the same check, on a model that is real but larger than what is said to be free
    path = _with_config(tmp_path / "b", lambda c: c)
    monkeypatch.setattr(config_json, "available_bytes", lambda device: 1000)
    with pytest.raises(ModelConfigError, match=r"but cpu has 0.0 GB available; check those fields, or load with "
                                               r"quantize='nf4'"):
        load_model(path, dtype=torch.float32)


def test_the_memory_estimate_counts_the_parameters(tmp_path):
    path, _ = save_tiny("qwen2", tmp_path)
    model = load_model(path, dtype=torch.float32)
    real = sum(p.numel() for p in model.parameters())
    params, dense = config_json.estimated_bytes(model.config, dtype_bytes=4, nf4=False)
    assert 0.98 * real <= params <= real  # biases left out
    assert dense == 4 * params
    assert config_json.estimated_bytes(model.config, dtype_bytes=4, nf4=True)[1] < dense / 2
