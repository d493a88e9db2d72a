"""Parity of our qwen2 / qwen3 / llama modules with transformers, loaded through load_model."""

import pytest
import torch
from safetensors.torch import load_file, save_file

from models import CheckpointError, ModelConfigError, KVCache, ModelConfig, load_model
from tests.tiny_models import FAMILIES, VOCAB, save_tiny

LLAMA3_SCALING = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                  "original_max_position_embeddings": 32}
CASES = [("qwen2", {}), ("qwen2", {"tied": True}), ("qwen3", {}), ("qwen3", {"tied": True}), ("llama", {}),
         ("llama", {"tied": True, "attention_bias": True}), ("llama", {"rope_scaling": LLAMA3_SCALING}),
         ("llama", {"rope_scaling": {"rope_type": "linear", "factor": 4.0}})]


def _ids(B=2, T=40, seed=1):
    return torch.randint(3, VOCAB, (B, T), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("family,kw", CASES, ids=[f"{f}-{'-'.join(k) or 'plain'}" for f, k in CASES])
def test_logits_match_transformers_fp32(tmp_path, family, kw):
    path, ref = save_tiny(family, tmp_path, **kw)
    model = load_model(path, dtype=torch.float32)
    ids = _ids(T=200 if "rope_scaling" in kw else 40)  # long enough for rope scaling to matter
    with torch.no_grad():
        ours, theirs = model(ids), ref(ids).logits
    torch.testing.assert_close(ours, theirs, atol=2e-5, rtol=1e-5)
    if kw.get("tied"):
        assert model.lm_head.weight is model.model.embed_tokens.weight


@pytest.mark.parametrize("family", FAMILIES)
def test_left_padded_batch_matches_transformers_and_unpadded(tmp_path, family):
    path, ref = save_tiny(family, tmp_path)
    model = load_model(path, dtype=torch.float32)
    ids = _ids(B=3, T=24)
    mask = torch.ones_like(ids)
    mask[1, :5] = 0  # left padding
    mask[2, :17] = 0
    ids = ids.masked_fill(mask == 0, 0)
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    with torch.no_grad():
        ours = model(ids, mask)
        theirs = ref(ids, attention_mask=mask, position_ids=positions).logits
        real = mask.bool()
        torch.testing.assert_close(ours[real], theirs[real], atol=2e-5, rtol=1e-5)
        assert torch.isfinite(ours).all()  # padding rows too
        for b in range(3):  # each row equals the row alone, unpadded
            alone = model(ids[b:b + 1, real[b]])
            torch.testing.assert_close(ours[b:b + 1, real[b]], alone, atol=2e-5, rtol=1e-5)


@pytest.mark.parametrize("family", FAMILIES)
def test_bf16_within_bf16_tolerance(tmp_path, family):
    path, ref = save_tiny(family, tmp_path)
    model = load_model(path)  # bf16 default
    assert model.model.embed_tokens.weight.dtype == torch.bfloat16
    ids = _ids()
    with torch.no_grad():
        ours = model(ids).float()
        theirs = ref.to(torch.bfloat16)(ids).logits.float()
        exact = ref.float()(ids).logits
    # Same bf16 arithmetic order as transformers: close to its bf16 result, and both near fp32.
    torch.testing.assert_close(ours, theirs, atol=2e-2, rtol=2e-2)
    assert (ours - exact).abs().max() < 0.1


def test_kv_cache_decoding_equals_full_forward(tmp_path):
    path, _ = save_tiny("qwen2", tmp_path)
    model = load_model(path, dtype=torch.float32)
    ids = _ids(B=2, T=20)
    mask = torch.ones_like(ids)
    mask[0, :4] = 0
    with torch.no_grad():
        full = model(ids, mask)
        cache = KVCache.empty(model.config, 2, 32, dtype=torch.float32, device="cpu")
        steps = [model(ids[:, :12], mask[:, :12], cache=cache, cache_pos=0)]
        for t in range(12, 20):
            steps.append(model(ids[:, t:t + 1], mask[:, :t + 1], cache=cache, cache_pos=t))
    torch.testing.assert_close(torch.cat(steps, 1)[mask.bool()], full[mask.bool()], atol=2e-5, rtol=1e-5)


def test_gradient_checkpointing_gives_same_gradients(tmp_path):
    path, _ = save_tiny("llama", tmp_path)
    grads = []
    for ckpt in (False, True):
        model = load_model(path, dtype=torch.float32).train()
        model.gradient_checkpointing = ckpt
        model(_ids()).logsumexp(-1).mean().backward()
        grads.append({n: p.grad for n, p in model.named_parameters()})
    for n in grads[0]:
        torch.testing.assert_close(grads[0][n], grads[1][n], atol=1e-6, rtol=1e-5)


def test_sharded_checkpoint_loads(tmp_path):
    path, ref = save_tiny("qwen2", tmp_path, max_shard_size="60KB")
    assert (path / "model.safetensors.index.json").exists()
    assert len(list(path.glob("*.safetensors"))) > 1
    model = load_model(path, dtype=torch.float32)
    with torch.no_grad():
        torch.testing.assert_close(model(_ids()), ref(_ids()).logits, atol=2e-5, rtol=1e-5)


def _single_file_ckpt(tmp_path):
    path, _ = save_tiny("qwen2", tmp_path)
    return path, load_file(path / "model.safetensors")


def test_missing_unexpected_shape_and_dtype_problems_reported_together(tmp_path):
    path, sd = _single_file_ckpt(tmp_path)
    del sd["model.layers.0.mlp.up_proj.weight"]
    sd["model.layers.9.mlp.up_proj.weight"] = torch.zeros(3)
    sd["model.layers.1.self_attn.q_proj.weight"] = torch.zeros(64, 63)
    sd["model.norm.weight"] = torch.zeros(64, dtype=torch.int32)
    save_file(sd, path / "model.safetensors")
    with pytest.raises(CheckpointError) as e:
        load_model(path)
    msg = str(e.value)
    assert "4 problem(s)" in msg
    assert "missing tensor model.layers.0.mlp.up_proj.weight" in msg
    assert "unexpected tensor model.layers.9.mlp.up_proj.weight" in msg
    assert "model.layers.1.self_attn.q_proj.weight: shape [64, 63]" in msg and "[64, 64]" in msg
    assert "model.norm.weight: dtype I32" in msg


def test_truncated_or_corrupt_file_is_named(tmp_path):
    path, _ = _single_file_ckpt(tmp_path)
    f = path / "model.safetensors"
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    with pytest.raises(CheckpointError, match="model.safetensors: corrupt or truncated"):
        load_model(path)
    f.write_bytes(b"\x00" * 100)
    with pytest.raises(CheckpointError, match="model.safetensors: corrupt or truncated"):
        load_model(path)


def test_missing_shard_pickle_only_and_bad_sources(tmp_path, monkeypatch):
    path, _ = save_tiny("qwen2", tmp_path / "sharded", max_shard_size="60KB")
    next(iter(sorted(path.glob("model-*.safetensors")))).unlink()
    with pytest.raises(CheckpointError, match="names shard"):
        load_model(path)
    pick = tmp_path / "pickle"
    pick.mkdir()
    (pick / "config.json").write_text((path / "config.json").read_text())
    (pick / "pytorch_model.bin").write_bytes(b"not loaded")
    with pytest.raises(CheckpointError, match="pickle files are never loaded"):
        load_model(pick)
    with pytest.raises(CheckpointError, match="no such directory"):
        load_model(tmp_path / "nowhere")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with pytest.raises(CheckpointError, match="HF_HUB_OFFLINE is set"):
        load_model("nobody-here/no-such-model")


def test_unsupported_config_fields_are_named():
    base = dict(vocab_size=10, hidden_size=8, intermediate_size=16, num_hidden_layers=1, num_attention_heads=2)
    with pytest.raises(ModelConfigError, match=r"model_type 'gemma'.*supported: qwen2, qwen3, llama"):
        ModelConfig.from_hf({**base, "model_type": "gemma"})
    with pytest.raises(ModelConfigError, match=r"rope scaling type 'yarn'.*supported: default, linear, llama3"):
        ModelConfig.from_hf({**base, "model_type": "llama", "rope_scaling": {"type": "yarn", "factor": 2.0}})
    with pytest.raises(ModelConfigError, match=r"hidden_act 'gelu'.*supported: silu"):
        ModelConfig.from_hf({**base, "model_type": "llama", "hidden_act": "gelu"})
    with pytest.raises(ModelConfigError, match="lacks required field"):
        ModelConfig.from_hf({"model_type": "qwen2"})


def test_real_qwen_coder_shape_config():
    """The Qwen2.5-Coder-1.5B-Instruct config.json fields (from its model card) give the DESIGN.md shapes."""
    hf = {"model_type": "qwen2", "vocab_size": 151936, "hidden_size": 1536, "intermediate_size": 8960,
          "num_hidden_layers": 28, "num_attention_heads": 12, "num_key_value_heads": 2, "rope_theta": 1000000.0,
          "rms_norm_eps": 1e-06, "tie_word_embeddings": True, "max_position_embeddings": 32768,
          "use_sliding_window": False, "sliding_window": 32768, "hidden_act": "silu"}
    cfg = ModelConfig.from_hf(hf)
    assert (cfg.head_dim, cfg.q_size, cfg.kv_size, cfg.gqa_groups) == (128, 1536, 256, 6)
    assert cfg.attention_bias and not cfg.o_proj_bias and cfg.tie_word_embeddings


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_runs_on_cuda(tmp_path):
    path, ref = save_tiny("qwen2", tmp_path)
    model = load_model(path, dtype=torch.float32, device="cuda")
    with torch.no_grad():
        torch.testing.assert_close(model(_ids().cuda()).cpu(), ref(_ids()).logits, atol=1e-4, rtol=1e-4)
