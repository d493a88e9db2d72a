"""A QLoRA-ready CausalLM with random weights, built on the device layer by layer (no checkpoint).

    cfg = qwen_coder_1p5b_config()            # the Qwen2.5-Coder-1.5B-Instruct shape (DESIGN.md)
    model = build_random_qlora(cfg, device="cuda")

The skeleton is built on the meta device; the embedding (tied to lm_head when the config says so)
and the final norm are materialised in `dtype`; then each decoder layer is created on the device,
cast to `dtype`, and its seven linears are replaced by NF4Linear.from_linear before the next
layer exists, so at most one dense layer (~94 MB in bf16 for the 1.5B shape) lives beside the
quantized model. Values are nn.Linear's default init and N(0, 0.02) embeddings: speed and memory
do not depend on them.

Used by bench/bench_train.py and bench/check_6gb.py.
"""

from __future__ import annotations

import torch
from torch import nn

from kernels.nf4_linear import NF4Linear
from models.config import ModelConfig
from models.transformer import CausalLM, DecoderLayer, RMSNorm

LORA_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


def qwen_coder_1p5b_config() -> ModelConfig:
    """Qwen/Qwen2.5-Coder-1.5B-Instruct's config.json fields (see ../shared/DESIGN.md)."""
    return ModelConfig.from_hf({
        "model_type": "qwen2", "vocab_size": 151936, "hidden_size": 1536, "intermediate_size": 8960,
        "num_hidden_layers": 28, "num_attention_heads": 12, "num_key_value_heads": 2,
        "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "max_position_embeddings": 32768,
        "tie_word_embeddings": True, "bos_token_id": 151643, "eos_token_id": 151645})


def tiny_config() -> ModelConfig:
    """The same family and features (GQA 2:1 here, q/k/v bias, tied embeddings) at a CPU-smoke size."""
    return ModelConfig.from_hf({
        "model_type": "qwen2", "vocab_size": 512, "hidden_size": 64, "intermediate_size": 160,
        "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "max_position_embeddings": 4096,
        "tie_word_embeddings": True})


def hf_config_dict(cfg: ModelConfig) -> dict:
    """The transformers config.json fields for `cfg` (a qwen2 model), for the baseline."""
    return {"model_type": cfg.model_type, "vocab_size": cfg.vocab_size, "hidden_size": cfg.hidden_size,
            "intermediate_size": cfg.intermediate_size, "num_hidden_layers": cfg.num_hidden_layers,
            "num_attention_heads": cfg.num_attention_heads, "num_key_value_heads": cfg.num_key_value_heads,
            "rms_norm_eps": cfg.rms_norm_eps, "rope_theta": cfg.rope_theta,
            "max_position_embeddings": cfg.max_position_embeddings,
            "tie_word_embeddings": cfg.tie_word_embeddings}


def build_random_qlora(cfg: ModelConfig, *, device="cuda", dtype=torch.bfloat16, blocksize: int = 64,
                       double_quant: bool = True, seed: int = 0, std: float = 0.02) -> CausalLM:
    """CausalLM of `cfg` with random weights: decoder linears in NF4, the rest in `dtype`, on `device`."""
    device = torch.device(device)
    torch.manual_seed(seed)
    with torch.device("meta"):
        model = CausalLM(cfg)
    embed = nn.Embedding(cfg.vocab_size, cfg.hidden_size, device=device, dtype=dtype)
    nn.init.normal_(embed.weight, std=std)
    model.model.embed_tokens = embed
    model.model.norm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps).to(device=device, dtype=dtype)
    if cfg.tie_word_embeddings:
        model.tie_weights()
    else:
        model.lm_head = nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False, device=device, dtype=dtype)
        nn.init.normal_(model.lm_head.weight, std=std)
    for i in range(cfg.num_hidden_layers):
        with torch.device(device):
            layer = DecoderLayer(cfg, i)
        layer.to(dtype)
        for parent_name, parent in (("self_attn", layer.self_attn), ("mlp", layer.mlp)):
            for name, child in list(parent.named_children()):
                if isinstance(child, nn.Linear):
                    setattr(parent, name, NF4Linear.from_linear(
                        child, blocksize=blocksize, double_quant=double_quant,
                        name=f"model.layers.{i}.{parent_name}.{name}"))
        model.model.layers[i] = layer
    model.reset_buffers(device)
    leftover = [n for n, t in list(model.named_parameters()) + list(model.named_buffers()) if t.is_meta]
    if leftover:
        raise RuntimeError(f"build_random_qlora left tensors on the meta device: {leftover[:5]}")
    return model
