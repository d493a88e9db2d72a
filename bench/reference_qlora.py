"""The reference stack's QLoRA training step, for bench/bench_train.py to time beside ours:
transformers + peft + bitsandbytes on a random checkpoint of the same shape.

Two recipes: "kbit" is peft's documented QLoRA recipe (prepare_model_for_kbit_training: casts
every non-quantized weight, the embedding included, to fp32, and enables checkpointing); "lean"
keeps them in bf16 and only enables non-reentrant checkpointing.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import torch
from safetensors.torch import save_file

from bench.random_qlora import LORA_TARGETS, hf_config_dict
from models.config import ModelConfig


def write_random_checkpoint(cfg: ModelConfig, path: Path, dtype) -> Path:
    """A transformers checkpoint of `cfg` with random weights (N(0, 0.02), norms 1), tensor by tensor."""
    import transformers  # lazy: a test reference, installed with the dev extra

    hf_cfg = transformers.AutoConfig.for_model(**hf_config_dict(cfg))
    with torch.device("meta"):
        meta = transformers.AutoModelForCausalLM.from_config(hf_cfg)
    g = torch.Generator().manual_seed(0)
    tensors = {}
    for name, p in meta.state_dict().items():
        if cfg.tie_word_embeddings and name == "lm_head.weight":
            continue
        if "norm" in name:
            tensors[name] = torch.ones(p.shape, dtype=dtype)
        else:
            tensors[name] = (torch.randn(p.shape, generator=g) * 0.02).to(dtype)
    save_file(tensors, str(path / "model.safetensors"), metadata={"format": "pt"})
    hf_cfg.save_pretrained(path)
    return path


def baseline(cfg: ModelConfig, device, dtype, recipe: str, ckpt: Path, *, r: int, alpha: float, dropout: float,
             lr: float):
    """(step function, model, optimizer) of transformers + peft + bitsandbytes; step(ids) -> loss."""
    import peft  # lazy: test references, installed with the dev extra
    import transformers

    qc = transformers.BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                         bnb_4bit_use_double_quant=True, bnb_4bit_compute_dtype=torch.bfloat16)
    model = transformers.AutoModelForCausalLM.from_pretrained(
        ckpt, quantization_config=qc, dtype=dtype, attn_implementation="sdpa", device_map={"": device.index or 0}
        if device.type == "cuda" else "cpu")
    model.config.use_cache = False
    ckpt_kwargs = {"use_reentrant": False}
    if recipe == "kbit":
        model = peft.prepare_model_for_kbit_training(model, use_gradient_checkpointing=True,
                                                     gradient_checkpointing_kwargs=ckpt_kwargs)
    else:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=ckpt_kwargs)
    model = peft.get_peft_model(model, peft.LoraConfig(r=r, lora_alpha=alpha, lora_dropout=dropout,
                                                       target_modules=list(LORA_TARGETS), task_type="CAUSAL_LM"))
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=lr, fused=device.type == "cuda" or None)
    amp = (torch.autocast(device.type, dtype=torch.bfloat16) if dtype == torch.bfloat16
           else contextlib.nullcontext())

    def step(ids):
        with amp:
            loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return float(loss.detach())

    return step, model, optimizer
