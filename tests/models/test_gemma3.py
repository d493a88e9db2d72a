"""Gemma 3 (models/gemma3.py) against transformers' Gemma3ForCausalLM, loaded through load_model:
logits (fp32, bf16, left-padded), the sliding window in training, prefill and cached decoding
(prompts longer than the window), checkpointing, NF4 on load, LoRA gradients and adapters vs peft."""

import json

import pytest
import torch

from engine.adapter import load_adapter, save_adapter
from engine.decoding import generate_ids
from engine.lora import apply_lora, lora_modules
from engine.merge import export_merged
from kernels.nf4_linear import NF4Linear
from models import load_model
from models.cache import FullKV, WindowKV
from models.gemma3 import Gemma3Config, LINEARS
from tests.family_models import VOCAB, gemma3_config, save_family

ATOL, RTOL = 2e-5, 1e-5
CASES = [{}, {"final_logit_softcapping": 5.0, "tie_word_embeddings": False,
              "rope_parameters": {"full_attention": {"rope_type": "linear", "factor": 4.0, "rope_theta": 1e6},
                                  "sliding_attention": {"rope_type": "default", "rope_theta": 1e4}}}]


def _ids(B=2, T=40, seed=1):
    return torch.randint(3, VOCAB, (B, T), generator=torch.Generator().manual_seed(seed))


def _rel(a, b):
    return ((a - b).norm() / b.norm()).item()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return save_family("gemma3", tmp_path_factory.mktemp("gemma3"))


@pytest.mark.parametrize("kw", CASES, ids=["plain", "softcap-untied-linear-rope"])
def test_logits_match_transformers_fp32(tmp_path, kw, one_thread):
    path, ref = save_family("gemma3", tmp_path, **kw)
    model = load_model(path, dtype=torch.float32)
    ids = _ids()  # 40 tokens: 5 windows of 8
    with torch.no_grad():
        ours, theirs = model(ids), ref(ids).logits
    assert _rel(ours, theirs) < 1e-5
    torch.testing.assert_close(ours, theirs, atol=ATOL, rtol=RTOL)
    assert (model.lm_head.weight is model.model.embed_tokens.weight) == (kw.get("tie_word_embeddings", True))
    if kw:
        assert model.config.final_logit_softcapping == 5.0 and ours.abs().max() <= 5.0
        assert (model.config.rope_type, model.config.rope_factor) == ("linear", 4.0)


def test_the_window_matters(tiny, tmp_path, one_thread):
    """The test sequence is longer than the window: the same weights with a window of 1000 give other logits."""
    path, ref = tiny
    model = load_model(path, dtype=torch.float32)
    assert model.config.sliding_window == 8 and "full_attention" in model.config.layer_types
    wide_path, wide_ref = save_family("gemma3", tmp_path, sliding_window=1000)  # same seed: same weights
    wide = load_model(wide_path, dtype=torch.float32)
    with torch.no_grad():
        assert torch.equal(wide.model.layers[0].self_attn.q_proj.weight, model.model.layers[0].self_attn.q_proj.weight)
        assert _rel(wide(_ids()), model(_ids())) > 1e-3
        torch.testing.assert_close(wide(_ids()), wide_ref(_ids()).logits, atol=ATOL, rtol=RTOL)


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
        for b in range(3):
            torch.testing.assert_close(ours[b:b + 1, real[b]], model(ids[b:b + 1, real[b]]), atol=ATOL, rtol=RTOL)


def test_bf16_within_bf16_tolerance(tiny, one_thread):
    from transformers import AutoModelForCausalLM

    path, ref = tiny
    model = load_model(path)  # bf16
    with torch.no_grad():
        ours = model(_ids()).float()
        theirs = AutoModelForCausalLM.from_pretrained(path, dtype=torch.bfloat16)(_ids()).logits.float()
        exact = ref(_ids()).logits
    torch.testing.assert_close(ours, theirs, atol=2e-2, rtol=2e-2)
    assert (ours - exact).abs().max() < 0.1


def test_cached_decoding_equals_the_full_forward(tiny, one_thread):
    """Prefill 20 left-padded slots (more than the window of 8), then one token at a time: int and
    tensor cache_pos give the uncached logits; sliding layers hold a ring of 8 slots, global ones all."""
    path, _ = tiny
    model = load_model(path, dtype=torch.float32)
    ids = _ids(B=2, T=32)
    mask = torch.ones_like(ids)
    mask[0, :6] = 0
    L = 40
    with torch.no_grad():
        full = model(ids, mask)
        for static in (False, True):
            cache = model.new_cache(2, L, dtype=torch.float32, device="cpu")
            kinds = [type(e) for e in cache.layers]
            assert kinds == [WindowKV, WindowKV, FullKV, WindowKV] and cache.layers[0].ring == 8
            assert "sliding-window KV (ring of 8 slots)" in cache.describe() and "layers 2: full KV (40 slots)" in cache.describe()
            big = torch.zeros(2, L, dtype=torch.long)
            big[:, :32] = mask
            steps = [model(ids[:, :20], mask[:, :20], cache=cache, cache_pos=0)]
            for t in range(20, 32):
                if static:
                    steps.append(model(ids[:, t:t + 1], big, cache=cache, cache_pos=torch.tensor([t])))
                else:
                    steps.append(model(ids[:, t:t + 1], mask[:, :t + 1], cache=cache, cache_pos=t))
            real = mask.bool()
            torch.testing.assert_close(torch.cat(steps, 1)[real], full[real], atol=ATOL, rtol=RTOL)
        # A chunk after the prefill (T > 1 at cache_pos > 0) reads the ring's older slots too.
        cache = model.new_cache(2, L, dtype=torch.float32, device="cpu")
        parts = [model(ids[:, :11], mask[:, :11], cache=cache, cache_pos=0),
                 model(ids[:, 11:26], mask[:, :26], cache=cache, cache_pos=11),
                 model(ids[:, 26:32], mask[:, :32], cache=cache, cache_pos=26)]
        torch.testing.assert_close(torch.cat(parts, 1)[real], full[real], atol=ATOL, rtol=RTOL)


def test_greedy_generate_equals_transformers_and_samples_fill_rows(tiny, one_thread):
    path, ref = tiny
    model = load_model(path, dtype=torch.float32)
    prompts = [_ids(B=1, T=n, seed=n)[0].tolist() for n in (13, 5)]  # 13 > window
    ours = generate_ids(model, prompts, max_new_tokens=12, stop_token_ids=[])
    fast = generate_ids(model, prompts, max_new_tokens=12, stop_token_ids=[], fast=True)  # static shapes (CUDA graph path)
    assert [o[0].token_ids for o in fast] == [o[0].token_ids for o in ours]
    for p, out in zip(prompts, ours):
        want = ref.generate(torch.tensor([p]), max_new_tokens=12, do_sample=False, min_new_tokens=12,
                            pad_token_id=0)[0, len(p):].tolist()
        assert list(out[0].token_ids) == want
    # num_samples > 1: the prompts are prefilled once, their window rings copied into every sample's row.
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


def test_nf4_on_load_quantizes_every_decoder_linear(tiny, one_thread):
    path, _ = tiny
    dense = load_model(path, dtype=torch.float32)
    nf4 = load_model(path, dtype=torch.float32, quantize="nf4")
    names = [n for n, m in nf4.named_modules() if isinstance(m, NF4Linear)]
    assert len(names) == 4 * len(LINEARS) and {n.rpartition(".")[2] for n in names} == set(LINEARS)
    for name in names[:3]:
        want = NF4Linear.from_linear(dense.get_submodule(name))
        for key, value in want.state_dict().items():
            assert torch.equal(nf4.get_submodule(name).state_dict()[key], value), (name, key)
    with torch.no_grad():  # NF4 logits = the dense model's with each weight replaced by its dequantized NF4
        for name in names:
            dense.get_submodule(name).weight.copy_(nf4.get_submodule(name).dequantize())
        torch.testing.assert_close(nf4(_ids()), dense(_ids()), atol=1e-5, rtol=1e-5)


def _randomize(params, seed=0):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in params:
            p.copy_(torch.randn(p.shape, generator=g) * 0.2)


def test_lora_gradients_equal_peft_and_adapters_cross_both_ways(tiny, tmp_path, one_thread):
    """all-linear targets every decoder linear; our adapter in peft gives our logits and gradients;
    export_merged loads in transformers with the adapter's logits."""
    from peft import LoraConfig, PeftModel, get_peft_model
    from transformers import AutoModelForCausalLM

    path, _ = tiny
    ref = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    ours = load_model(path, dtype=torch.float32)
    rep = apply_lora(ours, r=4, alpha=8, dropout=0.0, target_modules="all-linear")
    assert {n.rpartition(".")[2] for n in rep.modules} == set(LINEARS) and len(rep.modules) == 4 * len(LINEARS)
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
    # peft's all-linear picks the same modules; its adapter loads here with its logits.
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
    assert json.loads((out / "config.json").read_text())["model_type"] == "gemma3_text"
    exported = AutoModelForCausalLM.from_pretrained(str(out), dtype=torch.float32).eval()
    with torch.no_grad():
        torch.testing.assert_close(exported(ids).logits, ours(ids), atol=5e-5, rtol=1e-5)


def test_config_dialects_and_errors():
    """transformers 5's rope_parameters per layer type, the hub's older rope_theta / rope_local_base_freq /
    sliding_window_pattern, a multimodal config's text_config; what is not supported is named."""
    new = Gemma3Config.from_hf(gemma3_config().to_dict())
    assert new.layer_types == ("sliding_attention", "sliding_attention", "full_attention", "sliding_attention")
    old = Gemma3Config.from_hf({"model_type": "gemma3_text", "vocab_size": 300, "hidden_size": 640,
                                "intermediate_size": 2048, "num_hidden_layers": 7, "num_attention_heads": 4,
                                "num_key_value_heads": 1, "head_dim": 256, "rope_theta": 1e6,
                                "rope_local_base_freq": 1e4, "sliding_window": 512, "sliding_window_pattern": 6,
                                "rope_scaling": {"rope_type": "linear", "factor": 8.0}})
    assert old.layer_types == ("sliding_attention",) * 5 + ("full_attention", "sliding_attention")
    assert (old.rope_theta, old.rope_local_theta, old.rope_type, old.rope_factor) == (1e6, 1e4, "linear", 8.0)
    assert old.query_pre_attn_scalar == 256 and old.tie_word_embeddings and old.hidden_act == "gelu_pytorch_tanh"
    mm = Gemma3Config.from_hf({"model_type": "gemma3", "text_config": {"hidden_size": 2560, "intermediate_size": 10240,
                                                                      "num_hidden_layers": 34, "sliding_window": 1024}})
    assert mm.multimodal and mm.vocab_size == 262_208 and mm.num_attention_heads == 8 and mm.head_dim == 256
    assert mm.hf_config["model_type"] == "gemma3_text" and mm.hf_config["architectures"] == ["Gemma3ForCausalLM"]
    assert mm.checkpoint_key("model.language_model.layers.0.mlp.up_proj.weight") == "model.layers.0.mlp.up_proj.weight"
    assert mm.checkpoint_key("language_model.model.norm.weight") == "model.norm.weight"
    assert mm.checkpoint_key("model.vision_tower.vision_model.x.weight") is None
    from models import ModelConfigError
    with pytest.raises(ModelConfigError, match="attn_logit_softcapping"):
        Gemma3Config.from_hf({**gemma3_config().to_dict(), "attn_logit_softcapping": 50.0})
    with pytest.raises(ModelConfigError, match=r"layer_types \['chunked_attention'\] are not supported"):
        Gemma3Config.from_hf({**gemma3_config().to_dict(), "layer_types": ["chunked_attention"] * 4})


def test_multimodal_checkpoint_loads_its_text_model(tmp_path, one_thread):
    """Gemma3ForConditionalGeneration's checkpoint: the language model loads (its logits on text), the
    vision tower and projector are skipped with a note."""
    import transformers

    from tests.family_models import randomize

    vision = transformers.SiglipVisionConfig(hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                                             num_attention_heads=2, image_size=28, patch_size=14)
    cfg = transformers.Gemma3Config(text_config=gemma3_config().to_dict(), vision_config=vision.to_dict(),
                                    mm_tokens_per_image=4, image_token_index=250, boi_token_index=248, eoi_token_index=249)
    torch.manual_seed(0)
    ref = randomize(transformers.Gemma3ForConditionalGeneration(cfg).eval())
    ref.save_pretrained(tmp_path)
    with pytest.warns(UserWarning, match=r"skipped \d+ tensor\(s\).*vision tower and its projector"):
        ours = load_model(tmp_path, dtype=torch.float32)
    assert ours.config.multimodal and len(ours.load_notes) == 1
    ids = _ids(T=30).clamp(max=240)  # below the image tokens
    with torch.no_grad():
        torch.testing.assert_close(ours(ids), ref(input_ids=ids).logits, atol=ATOL, rtol=RTOL)
