"""Shared test fixtures."""

import pytest
import torch

from tests.spider_like import spider  # noqa: F401  (a fixture: a Spider-shaped folder in tmp_path)


@pytest.fixture(scope="module")
def one_thread():
    """Tiny shapes are all overhead: extra threads only contend on a shared 2-core CPU (~5x slower)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(autouse=True)
def fp32_auto_on_every_cpu(monkeypatch):
    """"auto" precision picks bf16 on CPUs with AMX / AVX512-BF16 (engine/devices.py). The suite's
    references are fp32, so it pins the choice to fp32 on every CPU, keeping the same numbers
    everywhere; tests/engine/test_devices.py checks the detection itself."""
    monkeypatch.setenv("SQLORA_CPU_BF16", "0")


def pytest_collection_modifyitems(config, items):
    """Every test skipped for want of CUDA carries the `gpu` marker, so `pytest -m gpu` runs exactly
    the CUDA-only tests on a GPU machine (bench/gpu_all.sh)."""
    for item in items:
        if any("CUDA" in str(m.kwargs.get("reason", "")) for m in item.iter_markers("skipif")):
            item.add_marker(pytest.mark.gpu)
