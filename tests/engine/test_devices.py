"""What "auto" means on each device: bf16 on CPUs with native bf16 matmuls, fp32 on the others."""

import torch

from engine.devices import auto_reason, cpu_bf16_flags, resolve_dtype, resolve_precision

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
