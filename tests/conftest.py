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
