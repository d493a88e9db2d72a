"""Adapters cross the peft boundary both ways, on real (tiny, random) transformers checkpoints.

- ours -> peft: apply_lora on a model from models.load_model, save_adapter; peft's
  PeftModel.from_pretrained on the transformers model gives our logits.
- peft -> ours: an adapter trained/saved by peft loads with load_adapter and gives peft's logits.
- export_merged writes a checkpoint transformers loads, with the adapter's logits.
"""

from __future__ import annotations

import importlib.util
import json

import pytest
import torch

models = pytest.importorskip("models", reason="the models package (load_model) is not in the tree yet")
from models import load_model  # noqa: E402

from engine.adapter import load_adapter, save_adapter  # noqa: E402
from engine.lora import apply_lora, lora_modules  # noqa: E402
from engine.merge import export_merged  # noqa: E402
from tests.tiny_models import VOCAB, save_tiny  # noqa: E402

ATOL, RTOL = 5e-5, 1e-5


def _ids(B=2, T=24, seed=1):
    return torch.randint(3, VOCAB, (B, T), generator=torch.Generator().manual_seed(seed))


def _randomize(params, seed=0):
    """Give LoRA weights random values (B starts at zero, which would make every check trivial)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in params:
            p.copy_(torch.randn(p.shape, generator=g) * 0.2)


@pytest.mark.parametrize("family, tied, targets, use_rslora", [
    ("qwen2", True, "all-linear", False),
    ("llama", False, ["q_proj", "v_proj"], True),
])
def test_peft_loads_our_adapter_and_gives_our_logits(tmp_path, family, tied, targets, use_rslora):
    from peft import PeftModel

    path, ref = save_tiny(family, tmp_path / "base", tied=tied)
    ours = load_model(path, dtype=torch.float32)
    rep = apply_lora(ours, r=4, alpha=8, dropout=0.1, target_modules=targets, use_rslora=use_rslora)
    _randomize(p for p in ours.parameters() if p.requires_grad)
    save_adapter(ours, tmp_path / "adapter")

    peft_model = PeftModel.from_pretrained(ref, str(tmp_path / "adapter")).eval()
    peft_names = {n for n, m in peft_model.base_model.model.named_modules() if hasattr(m, "lora_A")}
    assert peft_names == set(rep.modules)
    ids = _ids()
    with torch.no_grad():
        torch.testing.assert_close(ours.eval()(ids), peft_model(ids).logits, atol=ATOL, rtol=RTOL)


@pytest.mark.parametrize("family, config", [
    ("qwen2", dict(r=4, lora_alpha=16, target_modules=["q_proj", "v_proj", "down_proj"], use_rslora=True)),
    ("qwen2", dict(r=4, lora_alpha=8, target_modules="all-linear", rank_pattern={"down_proj": 2},
                   alpha_pattern={"self_attn.q_proj": 3})),
    ("llama", dict(r=8, lora_alpha=16, target_modules=r".*\.mlp\.(gate|up)_proj", lora_dropout=0.05)),
])
def test_we_load_a_peft_adapter_and_give_peft_logits(tmp_path, family, config):
    from peft import LoraConfig, get_peft_model

    path, ref = save_tiny(family, tmp_path / "base")
    peft_model = get_peft_model(ref, LoraConfig(task_type="CAUSAL_LM", **config))
    _randomize((p for n, p in peft_model.named_parameters() if "lora_" in n), seed=3)
    peft_model.save_pretrained(str(tmp_path / "adapter"))
    saved = json.loads((tmp_path / "adapter" / "adapter_config.json").read_text())

    ours = load_model(path, dtype=torch.float32)
    rep = load_adapter(ours, tmp_path / "adapter")
    peft_modules = {n.removeprefix("base_model.model.") for n, m in peft_model.named_modules()
                    if type(m).__name__ == "Linear" and hasattr(m, "lora_A")}
    assert set(rep.modules) == peft_modules, saved["target_modules"]
    for name, m in lora_modules(ours).items():
        theirs = peft_model.base_model.model.get_submodule(name)
        assert (m.r, m.scaling) == (theirs.r["default"], pytest.approx(theirs.scaling["default"]))
    assert rep.trainable == 0
    ids = _ids()
    peft_model.eval()
    with torch.no_grad():
        torch.testing.assert_close(ours(ids), peft_model(ids).logits, atol=ATOL, rtol=RTOL)


@pytest.mark.parametrize("tied", [True, False])
def test_export_merged_loads_in_transformers_with_the_adapter_logits(tmp_path, tied):
    from transformers import AutoModelForCausalLM

    path, _ = save_tiny("qwen2", tmp_path / "base", tied=tied)
    ours = load_model(path, dtype=torch.float32)
    apply_lora(ours, r=4, alpha=8, target_modules="all-linear")
    _randomize(p for p in ours.parameters() if p.requires_grad)
    out = export_merged(ours, tmp_path / "merged")
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["tie_word_embeddings"] is tied and cfg["model_type"] == "qwen2"
    assert (out / "generation_config.json").exists()  # copied from the source directory
    exported = AutoModelForCausalLM.from_pretrained(str(out), dtype=torch.float32).eval()
    ids = _ids()
    with torch.no_grad():
        torch.testing.assert_close(exported(ids).logits, ours.eval()(ids), atol=ATOL, rtol=RTOL)


HAVE_NF4 = importlib.util.find_spec("kernels.nf4_linear") is not None


@pytest.mark.skipif(not HAVE_NF4, reason="kernels/nf4_linear.py (NF4Linear) is not in the tree yet")
def test_qlora_adapter_and_export_from_an_nf4_model(tmp_path):
    """QLoRA: the NF4 model's adapter loads in peft; the merged export equals our NF4 + LoRA logits."""
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    path, ref = save_tiny("qwen2", tmp_path / "base")
    ours = load_model(path, dtype=torch.float32, quantize="nf4")
    apply_lora(ours, r=4, alpha=8, target_modules=["q_proj", "v_proj"])
    _randomize(p for p in ours.parameters() if p.requires_grad)
    ours.eval()
    ids = _ids()
    with torch.no_grad():
        logits = ours(ids)
    export_merged(ours, tmp_path / "merged")  # NF4 dequantized, LoRA folded: dense
    exported = AutoModelForCausalLM.from_pretrained(str(tmp_path / "merged"), dtype=torch.float32).eval()
    with torch.no_grad():
        torch.testing.assert_close(exported(ids).logits, logits, atol=1e-4, rtol=1e-4)
    # The adapter itself is base-agnostic: peft puts it on the dense model; logits differ only by NF4 error.
    save_adapter(ours, tmp_path / "adapter")
    peft_model = PeftModel.from_pretrained(ref, str(tmp_path / "adapter")).eval()
    plain = load_model(path, dtype=torch.float32)
    load_adapter(plain, tmp_path / "adapter")
    with torch.no_grad():
        torch.testing.assert_close(plain(ids), peft_model(ids).logits, atol=ATOL, rtol=RTOL)
