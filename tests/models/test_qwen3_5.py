"""Qwen3.5 (models/qwen3_5.py) against transformers' Qwen3_5ForCausalLM, loaded through load_model:
logits (fp32 across a chunk boundary, bf16, left-padded), DeltaNet state + KV caches in decoding,
checkpointing, NF4 on load of every linear (DeltaNet projections too), LoRA gradients and adapters vs
peft, a multimodal checkpoint's text model (vision tower and MTP head skipped)."""

import json

import pytest
import torch

from engine.adapter import load_adapter, save_adapter
from engine.decoding import generate_ids
from engine.lora import apply_lora, lora_modules
from engine.merge import export_merged
from kernels.nf4_linear import NF4Linear
from models import load_model
from models.cache import DeltaState, FullKV
from models.qwen3_5 import LINEARS, Qwen3_5Config
from tests.family_models import VOCAB, qwen3_5_config, save_family

ATOL, RTOL = 2e-5, 1e-5


def _ids(B=2, T=80, seed=1):
    return torch.randint(3, VOCAB, (B, T), generator=torch.Generator().manual_seed(seed))


def _rel(a, b):
    return ((a - b).norm() / b.norm()).item()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return save_family("qwen3_5", tmp_path_factory.mktemp("qwen3_5"))


@pytest.mark.parametrize("kw", [{}, {"tie_word_embeddings": True, "attention_bias": True}], ids=["plain", "tied-bias"])
def test_logits_match_transformers_fp32(tmp_path, kw, one_thread):
    path, ref = save_family("qwen3_5", tmp_path, **kw)
    model = load_model(path, dtype=torch.float32)
    ids = _ids()  # 80 tokens: past one 64-token chunk of the delta rule
    with torch.no_grad():
        ours, theirs = model(ids), ref(ids).logits
    assert _rel(ours, theirs) < 1e-5
    torch.testing.assert_close(ours, theirs, atol=ATOL, rtol=RTOL)
    assert model.config.rotary_dim == 8 and model.inv_freq.shape == (4,)  # a quarter of head_dim 32 rotates


def test_left_padded_batch_matches_transformers_and_unpadded(tiny, one_thread):
    path, ref = tiny
    model = load_model(path, dtype=torch.float32)
    ids = _ids(B=3, T=30)
    mask = torch.ones_like(ids)
    mask[1, :5] = 0
    mask[2, :17] = 0
    ids = ids.masked_fill(mask == 0, 0)
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    with torch.no_grad():
        ours = model(ids, mask)
        theirs = ref(ids, attention_mask=mask, position_ids=positions).logits
        real = mask.bool()
        torch.testing.assert_close(ours[real], theirs[real], atol=ATOL, rtol=RTOL)
        assert torch.isfinite(ours).all()
        for b in range(3):  # padding leaves the DeltaNet state as the row alone would
            torch.testing.assert_close(ours[b:b + 1, real[b]], model(ids[b:b + 1, real[b]]), atol=ATOL, rtol=RTOL)


def test_bf16_within_bf16_tolerance(tiny, one_thread):
    from transformers import AutoModelForCausalLM

    path, ref = tiny
    model = load_model(path)  # bf16
    with torch.no_grad():
        ours = model(_ids()).float()
        theirs = AutoModelForCausalLM.from_pretrained(path, dtype=torch.bfloat16)(_ids()).logits.float()
        exact = ref(_ids()).logits
    torch.testing.assert_close(ours, theirs, atol=3e-2, rtol=3e-2)
    assert (ours - exact).abs().max() < 0.1


def test_cached_decoding_equals_the_full_forward(tiny, one_thread):
    """DeltaNet layers keep a conv state and a recurrent state, attention layers a KV cache: prefill,
    then one token at a time (int and tensor cache_pos), or a second chunk, give the uncached logits."""
    path, _ = tiny
    model = load_model(path, dtype=torch.float32)
    ids = _ids(B=2, T=30)
    mask = torch.ones_like(ids)
    mask[0, :6] = 0
    L = 36
    real = mask.bool()
    with torch.no_grad():
        full = model(ids, mask)
        for static in (False, True):
            cache = model.new_cache(2, L, dtype=torch.float32, device="cpu")
            assert [type(e) for e in cache.layers] == [DeltaState, FullKV, DeltaState]
            assert cache.layers[0].conv.shape == (2, 2 * 32 + 32, 3) and cache.layers[0].recurrent.shape == (2, 4, 16, 8)
            assert "layers 0, 2: DeltaNet state" in cache.describe() and "layers 1: full KV (36 slots)" in cache.describe()
            big = torch.zeros(2, L, dtype=torch.long)
            big[:, :30] = mask
            steps = [model(ids[:, :20], mask[:, :20], cache=cache, cache_pos=0)]
            for t in range(20, 30):
                if static:
                    steps.append(model(ids[:, t:t + 1], big, cache=cache, cache_pos=torch.tensor([t])))
                else:
                    steps.append(model(ids[:, t:t + 1], mask[:, :t + 1], cache=cache, cache_pos=t))
            torch.testing.assert_close(torch.cat(steps, 1)[real], full[real], atol=ATOL, rtol=RTOL)
        cache = model.new_cache(2, L, dtype=torch.float32, device="cpu")
        parts = [model(ids[:, :11], mask[:, :11], cache=cache, cache_pos=0),
                 model(ids[:, 11:30], mask[:, :30], cache=cache, cache_pos=11)]  # chunked, from the carried state
        torch.testing.assert_close(torch.cat(parts, 1)[real], full[real], atol=ATOL, rtol=RTOL)


def test_greedy_generate_equals_transformers_and_samples_fill_rows(tiny, one_thread):
    path, ref = tiny
    model = load_model(path, dtype=torch.float32)
    prompts = [_ids(B=1, T=n, seed=n)[0].tolist() for n in (13, 5)]
    ours = generate_ids(model, prompts, max_new_tokens=12, stop_token_ids=[])
    fast = generate_ids(model, prompts, max_new_tokens=12, stop_token_ids=[], fast=True)  # static shapes (CUDA graph path)
    assert [o[0].token_ids for o in fast] == [o[0].token_ids for o in ours]
    for p, out in zip(prompts, ours):
        want = ref.generate(torch.tensor([p]), max_new_tokens=12, do_sample=False, min_new_tokens=12,
                            pad_token_id=0)[0, len(p):].tolist()
        assert list(out[0].token_ids) == want
    sampled = generate_ids(model, prompts, max_new_tokens=6, temperature=0.9, num_samples=3, seed=3)
    alone = generate_ids(model, prompts[:1], max_new_tokens=6, temperature=0.9, num_samples=3, seed=3)
    assert [c.token_ids for c in sampled[0]] == [c.token_ids for c in alone[0]]


def test_gradient_checkpointing_gives_same_gradients(tiny, one_thread):
    path, _ = tiny
    grads = []
    for ckpt in (False, True):
        model = load_model(path, dtype=torch.float32).train()
        model.gradient_checkpointing = ckpt
        model(_ids(T=24)).logsumexp(-1).mean().backward()
        grads.append({n: p.grad for n, p in model.named_parameters()})
    for n in grads[0]:
        torch.testing.assert_close(grads[0][n], grads[1][n], atol=1e-6, rtol=1e-5)


def test_nf4_on_load_quantizes_every_linear_and_keeps_conv_and_decay_dense(tiny, one_thread):
    path, _ = tiny
    dense = load_model(path, dtype=torch.float32)
    nf4 = load_model(path, dtype=torch.float32, quantize="nf4")
    names = [n for n, m in nf4.named_modules() if isinstance(m, NF4Linear)]
    assert {n.rpartition(".")[2] for n in names} == set(LINEARS) and len(names) == 2 * 8 + 7
    layer = nf4.model.layers[0].linear_attn
    assert isinstance(layer.conv1d, torch.nn.Conv1d) and layer.A_log.dtype == torch.float32
    with torch.no_grad():
        for name in names:
            dense.get_submodule(name).weight.copy_(nf4.get_submodule(name).dequantize())
        torch.testing.assert_close(nf4(_ids()), dense(_ids()), atol=1e-5, rtol=1e-5)


def _randomize(params, seed=0):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in params:
            p.copy_(torch.randn(p.shape, generator=g) * 0.2)


def test_lora_gradients_equal_peft_and_adapters_cross_both_ways(tiny, tmp_path, one_thread):
    from peft import LoraConfig, PeftModel, get_peft_model
    from transformers import AutoModelForCausalLM

    path, _ = tiny
    ref = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    ours = load_model(path, dtype=torch.float32)
    rep = apply_lora(ours, r=4, alpha=8, dropout=0.0, target_modules="all-linear")
    assert {n.rpartition(".")[2] for n in rep.modules} == set(LINEARS) and len(rep.modules) == 2 * 8 + 7
    _randomize(p for p in ours.parameters() if p.requires_grad)
    save_adapter(ours, tmp_path / "adapter")
    peft_model = PeftModel.from_pretrained(ref, str(tmp_path / "adapter"), is_trainable=True)
    ids = _ids(T=24)
    w = torch.randn(2, 24, VOCAB, generator=torch.Generator().manual_seed(5))
    ours.train(), peft_model.train()
    (ours(ids) * w).sum().backward()
    (peft_model(ids).logits * w).sum().backward()
    theirs = {n.removeprefix("base_model.model.").replace(".default", ""): p.grad
              for n, p in peft_model.named_parameters() if "lora_" in n}
    for name, m in lora_modules(ours).items():
        torch.testing.assert_close(m.lora_A.weight.grad, theirs[f"{name}.lora_A.weight"], atol=1e-4, rtol=1e-4)
        torch.testing.assert_close(m.lora_B.weight.grad, theirs[f"{name}.lora_B.weight"], atol=1e-4, rtol=1e-4)
    fresh = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    peft2 = get_peft_model(fresh, LoraConfig(r=4, lora_alpha=16, target_modules="all-linear", task_type="CAUSAL_LM"))
    _randomize((p for n, p in peft2.named_parameters() if "lora_" in n), seed=2)
    peft2.save_pretrained(str(tmp_path / "peft"))
    plain = load_model(path, dtype=torch.float32)
    assert set(load_adapter(plain, tmp_path / "peft").modules) == set(rep.modules)
    peft2.eval()
    with torch.no_grad():
        torch.testing.assert_close(plain(ids), peft2(ids).logits, atol=5e-5, rtol=1e-5)
    out = export_merged(ours.eval(), tmp_path / "merged")
    assert json.loads((out / "config.json").read_text())["model_type"] == "qwen3_5_text"
    exported = AutoModelForCausalLM.from_pretrained(str(out), dtype=torch.float32).eval()
    with torch.no_grad():
        torch.testing.assert_close(exported(ids).logits, ours(ids), atol=5e-5, rtol=1e-5)


def test_multimodal_checkpoint_loads_its_text_model(tmp_path, one_thread):
    """Qwen3_5ForConditionalGeneration's checkpoint, with an MTP head added as the hub files carry one:
    the language model loads (its logits on text); the vision tower and the MTP head are skipped, noted."""
    import transformers
    from safetensors.torch import load_file, save_file

    from tests.family_models import randomize

    vision = transformers.models.qwen3_5.Qwen3_5VisionConfig(depth=1, hidden_size=16, intermediate_size=32, num_heads=2,
                                                             out_hidden_size=64, patch_size=4, num_position_embeddings=16)
    cfg = transformers.Qwen3_5Config(text_config=qwen3_5_config().to_dict(), vision_config=vision.to_dict())
    torch.manual_seed(0)
    ref = randomize(transformers.Qwen3_5ForConditionalGeneration(cfg).eval())
    ref.save_pretrained(tmp_path)
    state = load_file(tmp_path / "model.safetensors")
    assert any(k.startswith("model.language_model.") for k in state) and any(k.startswith("model.visual.") for k in state)
    state["mtp.fc.weight"] = torch.randn(64, 128)
    save_file(state, tmp_path / "model.safetensors", metadata={"format": "pt"})
    with pytest.warns(UserWarning, match="vision tower"):
        ours = load_model(tmp_path, dtype=torch.float32)
    assert ours.config.multimodal and any("multi-token-prediction" in n for n in ours.load_notes)
    ids = _ids(T=30)
    with torch.no_grad():
        torch.testing.assert_close(ours(ids), ref(input_ids=ids).logits, atol=ATOL, rtol=RTOL)
    # A peft adapter trained on the multimodal model names `model.language_model.layers...`: it loads here.
    from peft import LoraConfig, get_peft_model
    peft_model = get_peft_model(ref, LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "in_proj_qkv", "down_proj"]))
    _randomize((p for n, p in peft_model.named_parameters() if "lora_" in n), seed=4)
    peft_model.save_pretrained(str(tmp_path / "adapter"))
    assert len(load_adapter(ours, tmp_path / "adapter").modules) == 1 + 2 + 3
    with torch.no_grad():
        torch.testing.assert_close(ours(ids), peft_model.eval()(input_ids=ids).logits, atol=5e-5, rtol=1e-5)


def test_config_dialects_and_errors():
    cfg = Qwen3_5Config.from_hf(qwen3_5_config().to_dict())
    assert cfg.layer_types == ("linear_attention", "full_attention", "linear_attention")
    assert (cfg.key_dim, cfg.value_dim, cfg.conv_dim, cfg.rotary_dim) == (32, 32, 96, 8)
    hub = Qwen3_5Config.from_hf({"model_type": "qwen3_5", "tie_word_embeddings": False, "text_config": {
        "hidden_size": 1024, "intermediate_size": 3584, "num_hidden_layers": 8, "num_attention_heads": 8,
        "num_key_value_heads": 2, "vocab_size": 248320, "linear_num_value_heads": 16, "full_attention_interval": 4,
        "rope_parameters": {"rope_type": "default", "rope_theta": 1e7, "partial_rotary_factor": 0.25,
                            "mrope_section": [11, 11, 10], "mrope_interleaved": True}}})
    assert hub.layer_types == ("linear_attention",) * 3 + ("full_attention",) + ("linear_attention",) * 3 + ("full_attention",)
    assert (hub.head_dim, hub.rotary_dim, hub.rope_theta, hub.linear_num_key_heads) == (256, 64, 1e7, 16)
    assert hub.hf_config["model_type"] == "qwen3_5_text" and hub.multimodal
    assert hub.checkpoint_key("model.language_model.layers.3.linear_attn.A_log") == "model.layers.3.linear_attn.A_log"
    assert hub.checkpoint_key("mtp.layers.0.mlp.up_proj.weight") is None and hub.checkpoint_key("model.visual.x") is None
    from models import ModelConfigError
    with pytest.raises(ModelConfigError, match="multiple of linear_num_key_heads"):
        Qwen3_5Config.from_hf({**qwen3_5_config().to_dict(), "linear_num_value_heads": 3})
