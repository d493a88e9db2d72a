"""Tiny random gemma3 / qwen3_5 checkpoints written by transformers' `save_pretrained` (no hub access).

Both layer kinds present, a sliding window (gemma3: 8) shorter than the test sequences, an odd
vocabulary; norms, biases and the DeltaNet decay parameters randomised so parity means something.
"""

from __future__ import annotations

from pathlib import Path

import torch

VOCAB = 251  # odd on purpose
GEMMA_LAYERS = ["sliding_attention", "sliding_attention", "full_attention", "sliding_attention"]
QWEN35_LAYERS = ["linear_attention", "full_attention", "linear_attention"]


def gemma3_config(**overrides):
    import transformers

    kw = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=160, num_hidden_layers=4, num_attention_heads=4,
              num_key_value_heads=2, head_dim=32, sliding_window=8, layer_types=GEMMA_LAYERS,
              query_pre_attn_scalar=24, max_position_embeddings=256, rms_norm_eps=1e-6, bos_token_id=2,
              eos_token_id=1, pad_token_id=0)
    kw.update(overrides)
    return transformers.Gemma3TextConfig(**kw)


def qwen3_5_config(**overrides):
    import transformers

    kw = dict(vocab_size=VOCAB, hidden_size=64, intermediate_size=128, num_hidden_layers=3, num_attention_heads=4,
              num_key_value_heads=2, head_dim=32, linear_num_key_heads=2, linear_num_value_heads=4,
              linear_key_head_dim=16, linear_value_head_dim=8, linear_conv_kernel_dim=4, layer_types=QWEN35_LAYERS,
              max_position_embeddings=256, rms_norm_eps=1e-6, tie_word_embeddings=False, bos_token_id=1,
              eos_token_id=2, pad_token_id=0,
              rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "partial_rotary_factor": 0.25,
                               "mrope_section": [1, 1, 0], "mrope_interleaved": True})
    kw.update(overrides)
    return transformers.Qwen3_5TextConfig(**kw)


def randomize(model, seed: int = 0):
    """transformers initialises norms (and DeltaNet's dt_bias) to constants: perturb them."""
    g = torch.Generator().manual_seed(seed + 100)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias") or "norm" in name or name.endswith(("dt_bias", "A_log")):
                p.add_(torch.randn(p.shape, generator=g) * 0.1)
    return model


def hf_family_model(family: str, seed: int = 0, **overrides):
    import transformers

    torch.manual_seed(seed)
    if family == "gemma3":
        model = transformers.Gemma3ForCausalLM(gemma3_config(**overrides))
    elif family == "qwen3_5":
        model = transformers.Qwen3_5ForCausalLM(qwen3_5_config(**overrides))
    else:
        raise ValueError(family)
    return randomize(model.eval(), seed)


def save_family(family: str, path: Path, seed: int = 0, **overrides):
    """Save a tiny random model; returns (path, the transformers model)."""
    model = hf_family_model(family, seed, **overrides)
    model.save_pretrained(path)
    return Path(path), model
