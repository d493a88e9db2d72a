"""The checkpoint loader (models/loader.py): sharded checkpoints, and every bad checkpoint's error."""

import pytest
import torch
from safetensors.torch import load_file, save_file

from models import CheckpointError, load_model
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
