"""NF4 through the loader: quantize on load, and 4-bit checkpoints crossing to and from transformers + bitsandbytes.

Dimensions are multiples of the 64 block: bitsandbytes' CPU dequantize misplaces scales otherwise
(see tests/kernels/test_nf4.py::test_bnb_cpu_kernel_misplaces_scales), and its model is the reference here.
"""

import json
import subprocess
import sys
import textwrap

import pytest
import torch

from kernels.nf4_linear import NF4Linear
from models import load_model, save_checkpoint
from tests.tiny_models import VOCAB, save_tiny
from tests.paths import REPO

pytest.importorskip("bitsandbytes")
transformers = pytest.importorskip("transformers")

TINY = dict(intermediate_size=192)  # every linear dimension a multiple of 64
FAMILY_CASES = [("qwen2", {}), ("qwen3", {"tied": True}), ("llama", {})]


def _bnb_config(double_quant=True):
    return transformers.BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type="nf4",
                                           bnb_4bit_use_double_quant=double_quant,
                                           bnb_4bit_compute_dtype=torch.float32)


def _hf_4bit(path, double_quant=True):
    return transformers.AutoModelForCausalLM.from_pretrained(
        path, quantization_config=_bnb_config(double_quant), dtype=torch.float32).eval()


def _ids():
    return torch.randint(3, VOCAB, (2, 24), generator=torch.Generator().manual_seed(0))


def _bnb_repacks_on_cpu() -> bool:
    """On CPUs with AVX512-BF16 (current Xeons), bitsandbytes' Linear4bit repacks its weight for its
    own CPU kernel at the first no-grad forward and keeps absmax in bfloat16 from then on."""
    from bitsandbytes.functional import has_avx512bf16
    return bool(has_avx512bf16())


def dequantized_twin(model_4bit, dense_path, n_4bit=14):
    """A dense transformers model whose linears hold bitsandbytes' own dequantization of the 4-bit
    ones (`dequantize_4bit`, fp32 absmax): the exact reference on every CPU. Build it before the
    4-bit model's first forward, which may repack its weights."""
    import bitsandbytes as bnb
    dense = transformers.AutoModelForCausalLM.from_pretrained(dense_path, dtype=torch.float32).eval()
    n = 0
    for name, m in model_4bit.named_modules():
        if isinstance(m, bnb.nn.Linear4bit):
            assert not getattr(m.weight.quant_state, "packing_format_for_cpu", False), "already repacked"
            w = bnb.functional.dequantize_4bit(m.weight.data, m.weight.quant_state)
            dense.get_submodule(name).weight.data.copy_(w.float())
            n += 1
    assert n == n_4bit
    return dense


def assert_matches_bnb(ours, exact, model_4bit):
    """Our logits equal the exact reference to 1e-5; bitsandbytes' own CPU forward is held to 1e-5 where
    it computes exactly, and to 1e-2 relative error where it repacks with bf16 absmax (measured ~5e-3:
    a bf16 scale is off by up to 2^-9 relative)."""
    with torch.no_grad():
        mine = ours(_ids())
        torch.testing.assert_close(mine, exact(_ids()).logits, atol=1e-5, rtol=1e-5)
        theirs = model_4bit(_ids()).logits
    if _bnb_repacks_on_cpu():
        assert ((mine - theirs).norm() / theirs.norm()).item() < 1e-2
    else:
        torch.testing.assert_close(mine, theirs, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("family,kw", FAMILY_CASES, ids=[f for f, _ in FAMILY_CASES])
@pytest.mark.parametrize("double_quant", [True, False])
def test_quantize_on_load_equals_transformers_bnb(tmp_path, family, kw, double_quant):
    path, _ = save_tiny(family, tmp_path, **TINY, **kw)
    ours = load_model(path, dtype=torch.float32, quantize="nf4", double_quant=double_quant)
    ref = _hf_4bit(path, double_quant)
    layers = [n for n, m in ours.named_modules() if isinstance(m, NF4Linear)]
    assert len(layers) == 7 * 2  # every decoder linear, and nothing else
    assert type(ours.lm_head) is torch.nn.Linear and ours.model.embed_tokens.weight.dtype == torch.float32
    ref_state = ref.state_dict()
    for key, value in ours.state_dict().items():  # identical packed bytes, scales, quant state
        torch.testing.assert_close(value, ref_state[key], atol=0, rtol=0, msg=key)
    assert_matches_bnb(ours, dequantized_twin(ref, path), ref)


@pytest.mark.parametrize("family,kw", FAMILY_CASES, ids=[f for f, _ in FAMILY_CASES])
def test_bnb_checkpoint_loads_without_requantizing(tmp_path, family, kw, monkeypatch):
    path, _ = save_tiny(family, tmp_path / "dense", **TINY, **kw)
    ref = _hf_4bit(path)
    ref.save_pretrained(tmp_path / "bnb")
    import kernels.nf4 as nf4
    monkeypatch.setattr(nf4, "quantize_nf4", lambda *a, **k: pytest.fail("re-quantized a 4-bit checkpoint"))
    ours = load_model(tmp_path / "bnb", dtype=torch.float32)
    assert sum(isinstance(m, NF4Linear) for m in ours.modules()) == 14
    assert_matches_bnb(ours, dequantized_twin(ref, path), ref)


@pytest.mark.parametrize("family,kw", FAMILY_CASES, ids=[f for f, _ in FAMILY_CASES])
def test_our_4bit_checkpoint_loads_in_transformers(tmp_path, family, kw):
    path, _ = save_tiny(family, tmp_path / "dense", **TINY, **kw)
    ours = load_model(path, dtype=torch.float32, quantize="nf4", skip_modules=["model.layers.1.mlp.down_proj"])
    out = save_checkpoint(ours, tmp_path / "ours4bit")
    cfg = json.loads((out / "config.json").read_text())["quantization_config"]
    assert cfg["quant_method"] == "bitsandbytes" and cfg["llm_int8_skip_modules"] == ["lm_head", "model.layers.1.mlp.down_proj"]
    theirs = transformers.AutoModelForCausalLM.from_pretrained(out, dtype=torch.float32).eval()
    import bitsandbytes as bnb
    assert isinstance(theirs.model.layers[0].self_attn.q_proj, bnb.nn.Linear4bit)
    assert type(theirs.model.layers[1].mlp.down_proj) is torch.nn.Linear
    assert_matches_bnb(ours, dequantized_twin(theirs, path, n_4bit=13), theirs)
    again = load_model(out, dtype=torch.float32)  # and back into ours
    with torch.no_grad():
        torch.testing.assert_close(again(_ids()), ours(_ids()), atol=0, rtol=0)


def test_skip_modules_and_bad_quantize_mode(tmp_path):
    path, _ = save_tiny("llama", tmp_path, **TINY)
    model = load_model(path, dtype=torch.float32, quantize="nf4", skip_modules=["down_proj", "model.layers.0.self_attn"])
    kinds = {n: type(m).__name__ for n, m in model.named_modules() if n.endswith("_proj")}
    assert kinds["model.layers.1.mlp.down_proj"] == "Linear" and kinds["model.layers.0.self_attn.q_proj"] == "Linear"
    assert kinds["model.layers.1.self_attn.q_proj"] == "NF4Linear" and kinds["model.layers.0.mlp.up_proj"] == "NF4Linear"
    with pytest.raises(ValueError, match="quantize='int8' is not supported"):
        load_model(path, quantize="int8")


def test_corrupt_bnb_quant_state_is_named(tmp_path):
    path, _ = save_tiny("qwen2", tmp_path / "dense", **TINY)
    _hf_4bit(path).save_pretrained(tmp_path / "bnb")
    from safetensors.torch import load_file, save_file
    sd = load_file(tmp_path / "bnb" / "model.safetensors")
    del sd["model.layers.0.mlp.up_proj.weight.absmax"]
    save_file(sd, tmp_path / "bnb" / "model.safetensors")
    with pytest.raises(Exception, match="model.layers.0.mlp.up_proj"):
        load_model(tmp_path / "bnb")


MEMORY_PROBE = textwrap.dedent("""
    import json, sys, threading, time, torch
    def anon_kb():
        for line in open("/proc/self/status"):
            if line.startswith("RssAnon:"):
                return int(line.split()[1])
    from models import load_model
    import kernels.nf4_linear  # import cost outside the measurement
    base, peak, done = anon_kb(), [0], [False]
    def sample():
        while not done[0]:
            peak[0] = max(peak[0], anon_kb()); time.sleep(0.002)
    t = threading.Thread(target=sample); t.start()
    model = load_model(sys.argv[1], dtype=torch.bfloat16, quantize=sys.argv[2] if sys.argv[2] != "none" else None)
    done[0] = True; t.join()
    import gc; gc.collect()
    print(json.dumps({"peak_growth": (max(peak[0], anon_kb()) - base) * 1024, "final_growth": (anon_kb() - base) * 1024}))
""")


@pytest.mark.slow
def test_peak_host_memory_of_loading(tmp_path):
    """Streaming keeps the loader's anonymous memory well below two copies of the checkpoint.

    RssAnon, not RSS: safetensors maps the file, and its page-cache pages are not a copy we hold.
    """
    from safetensors.torch import save_file
    torch.manual_seed(0)
    h, i, layers, vocab = 1024, 2048, 2, 16384
    state, cfg = {}, dict(model_type="llama", vocab_size=vocab, hidden_size=h, intermediate_size=i,
                         num_hidden_layers=layers, num_attention_heads=8, num_key_value_heads=8,
                         tie_word_embeddings=False, rms_norm_eps=1e-6, rope_theta=10000.0)
    state["model.embed_tokens.weight"] = torch.randn(vocab, h)
    state["lm_head.weight"] = torch.randn(vocab, h)
    state["model.norm.weight"] = torch.ones(h)
    for l in range(layers):
        p = f"model.layers.{l}."
        for n in ("q_proj", "k_proj", "v_proj", "o_proj"):
            state[p + f"self_attn.{n}.weight"] = torch.randn(h, h) * 0.02
        state[p + "mlp.gate_proj.weight"] = torch.randn(i, h) * 0.02
        state[p + "mlp.up_proj.weight"] = torch.randn(i, h) * 0.02
        state[p + "mlp.down_proj.weight"] = torch.randn(h, i) * 0.02
        state[p + "input_layernorm.weight"] = torch.ones(h)
        state[p + "post_attention_layernorm.weight"] = torch.ones(h)
    save_file(state, str(tmp_path / "model.safetensors"))
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    ckpt = (tmp_path / "model.safetensors").stat().st_size  # fp32: ~ 218 MB
    largest = max(v.numel() * 4 for v in state.values())  # the fp32 embedding, read whole before conversion
    linear_params = sum(v.numel() for k, v in state.items() if k.endswith("_proj.weight"))
    del state
    peak, final = {}, {}
    for mode in ("none", "nf4"):
        # A fixed mmap threshold makes glibc hand freed large blocks back, so RssAnon tracks live memory.
        env = {**__import__("os").environ, "MALLOC_MMAP_THRESHOLD_": "131072"}
        out = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(tmp_path), mode], capture_output=True,
                             text=True, check=True, env=env, cwd=str(REPO))
        probe = json.loads(out.stdout.strip().splitlines()[-1])
        peak[mode], final[mode] = probe["peak_growth"], probe["final_growth"]
    print(f"checkpoint {ckpt / 1e6:.0f} MB; peak growth {peak}; final {final}")
    # Never two copies: the bf16 model (half the fp32 file) plus one tensor in flight, under one file's size.
    assert peak["none"] < ckpt / 2 + largest + 0.1 * ckpt, (peak, ckpt, largest)
    assert peak["nf4"] < ckpt, (peak, ckpt)
    # What stays resident differs by the linears: bf16 (2 bytes/param) vs NF4 (4.127 bits/param).
    # (Both finals also hold the same one-off allocations of a first load, so compare the difference.)
    saving = linear_params * (2 - 4.127 / 8)
    assert 0.8 * saving < final["none"] - final["nf4"] < 1.5 * saving, (final, saving)
