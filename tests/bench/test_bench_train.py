"""The training benchmark's helpers: the random-weight QLoRA model and the FLOP / parameter arithmetic."""

import pytest
import torch

from bench.bench_train import flops_per_token, lora_params
from bench.random_qlora import LORA_TARGETS, build_random_qlora, qwen_coder_1p5b_config, tiny_config
from engine.lora import apply_lora
from kernels.nf4_linear import NF4Linear


def test_random_qlora_model_is_quantized_tied_and_runs():
    cfg = tiny_config()
    model = build_random_qlora(cfg, device="cpu", dtype=torch.float32)
    for layer in model.model.layers:
        for name in LORA_TARGETS:
            parent = layer.self_attn if name in ("q_proj", "k_proj", "v_proj", "o_proj") else layer.mlp
            assert isinstance(getattr(parent, name), NF4Linear), name
    assert layer.self_attn.q_proj.bias is not None  # qwen2: q/k/v bias
    assert model.lm_head.weight is model.model.embed_tokens.weight
    assert not any(t.is_meta for t in list(model.parameters()) + list(model.buffers()))
    logits = model(torch.randint(0, cfg.vocab_size, (2, 9)))
    assert logits.shape == (2, 9, cfg.vocab_size) and torch.isfinite(logits).all()


def test_lora_param_count_matches_apply_lora():
    cfg = tiny_config()
    model = build_random_qlora(cfg, device="cpu", dtype=torch.float32)
    apply_lora(model, r=16, alpha=32, dropout=0.0, target_modules=list(LORA_TARGETS))
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert trainable == lora_params(cfg, 16)


def test_forward_matmul_flops_match_torch_flop_counter():
    """2 (N_lin + N_head) per token: torch's FlopCounterMode on a dense model of the same config."""
    from torch.utils.flop_counter import FlopCounterMode

    from models.transformer import CausalLM

    cfg = tiny_config()
    model = CausalLM(cfg).eval()
    B, T = 2, 16
    with torch.no_grad(), FlopCounterMode(display=False) as fc:
        model(torch.randint(0, cfg.vocab_size, (B, T)))
    counts = fc.get_flop_counts()["Global"]
    matmul = sum(v for op, v in counts.items() if "mm" in str(op) and "attention" not in str(op))
    f = flops_per_token(cfg, T)
    assert matmul == f["forward"] * B * T


def test_flops_per_token_of_the_real_shape_is_designs_figure():
    """DESIGN.md: ~9.1 GFLOP per token with checkpointing (seq 512, r=16 on all seven projections)."""
    f = flops_per_token(qwen_coder_1p5b_config(), 512)
    assert f["total"] == pytest.approx(9.1e9, rel=0.01)
    assert f["recompute"] < f["forward"] and f["lora"] < 0.02 * f["total"]
