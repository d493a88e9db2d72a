"""Training state that is never poisoned or silently changed: what a crash, a full disk, a second
process, a damaged file or a changed setting does to a run directory (issue 15). Tiny models, CPU."""

import os
import stat

import pytest
import torch

from engine.train import train
from models import load_model
from tests.engine.test_train import lora_model, make_items, opts
from tests.tiny_models import save_tiny

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path, _ = save_tiny("qwen2", tmp_path_factory.mktemp("tiny"))
    return path


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def modes(root) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*") if p.is_file()}


def test_written_files_follow_the_umask(tiny, tmp_path, umask_022):
    """safetensors writes through a 0600 temporary file; every file of a run gets 0666 & ~umask."""
    train(lora_model(tiny), make_items(8), opts=opts(save_every=1), run_dir=tmp_path / "run", progress=False)
    found = modes(tmp_path / "run")
    assert "adapter/adapter_model.safetensors" in found and "checkpoints/step_0000002/trainable.safetensors" in found
    assert {k: v for k, v in found.items() if v != 0o644} == {}
    os.umask(0o027)  # and it is the umask, not a fixed 0644
    from engine.merge import export_merged
    export_merged(load_model(tiny, dtype=torch.float32), tmp_path / "merged")
    assert modes(tmp_path / "merged")["model.safetensors"] == 0o640
