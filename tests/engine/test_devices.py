"""What "auto" means on each device: bf16 on CPUs with native bf16 matmuls, fp32 on the others; a
device this machine lacks is named."""

import pytest
import torch

from engine.config import ConfigError
from engine.devices import auto_reason, cpu_bf16_flags, resolve_device, resolve_dtype, resolve_precision

CPU = torch.device("cpu")
XEON = "processor\t: 0\nflags\t\t: fpu sse avx2 avx512f avx512_bf16 amx_bf16 amx_tile\n"
EPYC = "processor\t: 0\nflags\t\t: fpu sse avx avx2 fma vaes\n"


def test_flags_read_from_cpuinfo(tmp_path, monkeypatch):
    monkeypatch.delenv("SQLORA_CPU_BF16", raising=False)
    (tmp_path / "xeon").write_text(XEON)
    (tmp_path / "epyc").write_text(EPYC)
    assert cpu_bf16_flags(str(tmp_path / "xeon")) == ("amx_bf16", "avx512_bf16")
    assert cpu_bf16_flags(str(tmp_path / "epyc")) == ()
    assert cpu_bf16_flags(str(tmp_path / "missing")) == ()


def test_auto_follows_the_cpu(monkeypatch):
    monkeypatch.setenv("SQLORA_CPU_BF16", "1")
    assert resolve_precision("auto", CPU) == "bf16" and resolve_dtype("auto", CPU) == torch.bfloat16
    assert "bf16" in auto_reason(CPU)
    monkeypatch.setenv("SQLORA_CPU_BF16", "0")
    assert resolve_precision("auto", CPU) == "fp32" and resolve_dtype("auto", CPU) == torch.float32
    assert "fp32 (no AMX / AVX512-BF16" in auto_reason(CPU)
    # An explicit choice is never overridden.
    assert resolve_precision("fp32", CPU) == "fp32" and resolve_dtype("bf16", CPU) == torch.bfloat16


def test_detection_matches_this_machine(monkeypatch):
    monkeypatch.delenv("SQLORA_CPU_BF16", raising=False)
    try:
        flags = open("/proc/cpuinfo").read()
    except OSError:
        flags = ""
    native = "amx_bf16" in flags or "avx512_bf16" in flags
    assert (resolve_precision("auto", CPU) == "bf16") == native


@pytest.mark.parametrize("name, cuda, count, mps, expected", [
    ("cuda", False, 0, False, r"model.device = 'cuda', but torch sees no CUDA device \(torch .* build\); use 'cpu'"),
    ("cuda:0", False, 0, False, "torch sees no CUDA device"),
    ("cuda:3", True, 1, False, r"model.device = 'cuda:3', but this machine has 1 CUDA device\(s\): cuda:0"),
    ("mps", False, 0, False, r"model.device = 'mps', but torch has no usable MPS device here"),
])
def test_a_device_this_machine_lacks_is_a_config_error(monkeypatch, name, cuda, count, mps, expected):
    # used to be a ValueError traceback from engine/devices.py (or torch's own RuntimeError for mps)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: count)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    with pytest.raises(ConfigError, match=expected):
        resolve_device(name)
    assert resolve_device("auto").type == ("cuda" if cuda else "cpu")
