"""Every config shipped in configs/ parses against the run-config schema, and names the setups it promises."""

from pathlib import Path

import pytest

from engine.config import load_config

CONFIGS = sorted((Path(__file__).resolve().parents[1] / "configs").glob("*.toml"))


@pytest.mark.parametrize("path", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_config_loads(path):
    cfg = load_config(path)
    assert cfg.model.source
    assert cfg.train.run_dir == str(Path("runs") / path.stem) or cfg.train.run_dir


def test_promised_setups():
    by = {p.stem: load_config(p) for p in CONFIGS}
    q = by["qwen_coder_1p5b"]
    assert (q.model.quantize, q.model.double_quant, q.lora.target_modules, q.data.max_len) == ("nf4", True, "all-linear", 512)
    f = by["falcon3_1b"]
    assert (f.lora.r, f.lora.alpha, set(f.lora.target_modules)) == (32, 64, {"q_proj", "v_proj"})
    assert (f.train.micro_batch_size, f.train.grad_accum, f.train.lr, f.train.epochs) == (2, 8, 2e-5, 3)
    assert f.data.format == "bird" and f.data.use_evidence
    c = by["qwen1p5_1p8b_chat"]
    assert (c.lora.r, c.lora.alpha, set(c.lora.target_modules)) == (16, 32, {"q_proj", "k_proj", "v_proj", "o_proj"})
    assert (c.train.epochs, c.train.lr, c.train.schedule, c.train.warmup_ratio, c.train.weight_decay) == (5, 2e-4, "cosine", 0.05, 0.01)
    g = by["gemma3_270m"]
    assert g.model.chat_template.endswith("gemma3_chat_template.jinja") and g.eval.temperature == 0.0
    assert (Path(__file__).resolve().parents[1] / g.model.chat_template).is_file()
    q5 = by["qwen3p5"]
    assert (q5.lora.r, q5.eval.temperature, q5.eval.num_samples, q5.lora.target_modules) == (32, 0.6, 3, "all-linear")
