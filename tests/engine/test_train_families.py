"""The gemma3 and qwen3_5 families through the whole training path: TOML -> run_training (NF4 base,
all-linear LoRA, checkpointing, chunked loss) -> adapter -> KV / state-cached generation."""

import json

import pytest
import torch

from tests.family_models import hf_family_model


@pytest.mark.parametrize("family", ["gemma3", "qwen3_5"])
def test_a_tiny_model_trains_saves_its_adapter_and_generates(tmp_path, family, one_thread):
    from engine.config import load_config
    from engine.decoding import generate
    from engine.demo.tiny import TinySpec, write_tiny_model
    from engine.train import run_training
    from models import load_model
    from models.tokenizer import load_tokenizer

    schema = "CREATE TABLE singer (id INTEGER PRIMARY KEY, name TEXT, age INTEGER)"
    rows = [{"question": f"How many singers are older than {n}?", "sql": f"SELECT count(*) FROM singer WHERE age > {n}",
             "schema": schema} for n in range(20, 32)]
    data = tmp_path / "train.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    texts = [schema] + [r["question"] + " " + r["sql"] for r in rows]
    model_dir = write_tiny_model(tmp_path / "model", texts, TinySpec(vocab_size=400, hidden_size=64,
                                                                      intermediate_size=128, num_hidden_layers=2))
    for f in ("config.json", "model.safetensors"):  # keep its tokenizer, swap in the family's model
        (model_dir / f).unlink()
    hf_family_model(family, vocab_size=400).save_pretrained(model_dir)
    toml = tmp_path / "tiny.toml"
    toml.write_text(f"""
[model]
source = "{model_dir}"
device = "cpu"
quantize = "nf4"
[lora]
r = 4
alpha = 8
[data]
format = "jsonl"
train_path = "{data}"
max_len = 256
sample_rows = 0
[train]
run_dir = "{tmp_path / 'run'}"
micro_batch_size = 2
grad_accum = 2
lr = 1e-2
log_every = 1
loss_chunk_size = 16
""")
    summary = run_training(load_config(toml, overrides=["train.max_steps=3"]), progress=False)
    assert summary["steps"] == 3
    losses = [json.loads(line)["loss"] for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()
              if "loss" in json.loads(line)]
    assert len(losses) == 3 and all(torch.isfinite(torch.tensor(losses)))
    from engine.adapter import load_adapter
    model = load_model(model_dir, dtype=torch.float32, quantize="nf4")
    load_adapter(model, tmp_path / "run" / "adapter")
    tok = load_tokenizer(model_dir)
    prompt = tok.apply_chat_template([{"role": "user", "content": rows[0]["question"]}], add_generation_prompt=True)
    out = generate(model, tok, [prompt, prompt[:40]], max_new_tokens=8)
    assert all(len(o[0].token_ids) >= 1 for o in out)
