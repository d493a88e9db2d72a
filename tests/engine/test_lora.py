"""LoRALinear and apply_lora against peft's LoRA layer, and the properties LoRA must keep.

Reference: peft's `lora.Linear`, injected into the same tiny module with `inject_adapter_in_model`
and given the same weights. No models package needed: the models here are small nn.Modules
named like a decoder block.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from engine.adapter import AdapterError, load_adapter, save_adapter
from engine.lora import LoRALinear, apply_lora, lora_modules
from engine.merge import merge_lora, unmerge_lora

IN, OUT, R = 24, 40, 4


class Block(nn.Module):
    """A decoder block's linears, named like the checkpoint's, plus a norm and an lm_head."""

    def __init__(self, h=IN, i=OUT, v=11):
        super().__init__()
        self.self_attn = nn.ModuleDict(dict(q_proj=nn.Linear(h, h), v_proj=nn.Linear(h, h // 2),
                                            o_proj=nn.Linear(h, h, bias=False)))
        self.mlp = nn.ModuleDict(dict(up_proj=nn.Linear(h, i, bias=False), down_proj=nn.Linear(i, h, bias=False)))
        self.norm = nn.LayerNorm(h)
        self.lm_head = nn.Linear(h, v, bias=False)

    def forward(self, x):
        a = self.self_attn
        x = x + a["o_proj"](a["q_proj"](x) * torch.cat([a["v_proj"](x)] * 2, -1))
        x = x + self.mlp["down_proj"](F.silu(self.mlp["up_proj"](x)))
        return self.lm_head(self.norm(x))


def randomize(model, seed=0):
    """Give every LoRA B (zeros at init) and A random values, so the update is not zero."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in lora_modules(model).values():
            m.lora_A.weight.copy_(torch.randn(m.lora_A.weight.shape, generator=g) * 0.3)
            m.lora_B.weight.copy_(torch.randn(m.lora_B.weight.shape, generator=g) * 0.3)


def peft_layer(base: nn.Linear, r, alpha, dropout=0.0, use_rslora=False):
    """peft's lora.Linear around a copy of `base` (inject_adapter_in_model on a one-module holder)."""
    from peft import LoraConfig, inject_adapter_in_model

    holder = nn.Module()
    holder.proj = copy.deepcopy(base)
    cfg = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=dropout, use_rslora=use_rslora, target_modules=["proj"])
    return inject_adapter_in_model(cfg, holder).proj


# ---------------------------------------------------------------------------------------------
# LoRALinear against peft.

@pytest.mark.parametrize("use_rslora", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_same_outputs_and_gradients_as_peft(use_rslora, bias):
    torch.manual_seed(0)
    base = nn.Linear(IN, OUT, bias=bias)
    ours = LoRALinear.from_linear(copy.deepcopy(base), r=R, alpha=8, dropout=0.0, use_rslora=use_rslora)
    theirs = peft_layer(base, R, 8, use_rslora=use_rslora)
    assert ours.scaling == pytest.approx(theirs.scaling["default"])
    with torch.no_grad():
        ours.lora_A.weight.normal_()
        ours.lora_B.weight.normal_()
        theirs.lora_A["default"].weight.copy_(ours.lora_A.weight)
        theirs.lora_B["default"].weight.copy_(ours.lora_B.weight)

    x = torch.randn(3, 5, IN)
    x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
    y1, y2 = ours(x1), theirs(x2)
    torch.testing.assert_close(y1, y2)
    g = torch.randn_like(y1)
    y1.backward(g)
    y2.backward(g)
    torch.testing.assert_close(x1.grad, x2.grad)
    torch.testing.assert_close(ours.lora_A.weight.grad, theirs.lora_A["default"].weight.grad)
    torch.testing.assert_close(ours.lora_B.weight.grad, theirs.lora_B["default"].weight.grad)
    assert ours.base_layer.weight.grad is None and not ours.base_layer.weight.requires_grad


def test_init_matches_peft_distribution_and_b_is_zero():
    """A is kaiming-uniform(a=sqrt(5)) as in peft: same seed, same values; B starts at zero."""
    base = nn.Linear(IN, OUT)
    torch.manual_seed(7)
    theirs = peft_layer(base, R, 8)
    torch.manual_seed(7)  # both build A then B (nn.Linear inits) and then re-initialise A
    ours = LoRALinear.from_linear(copy.deepcopy(base), r=R, alpha=8)
    torch.testing.assert_close(ours.lora_A.weight, theirs.lora_A["default"].weight, rtol=0, atol=0)
    assert torch.count_nonzero(ours.lora_B.weight) == 0
    bound = 1 / math.sqrt(IN)  # kaiming_uniform_(a=sqrt(5)) on (r, in) gives U(-1/sqrt(in), 1/sqrt(in))
    assert ours.lora_A.weight.abs().max() <= bound


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_output_equals_base_exactly_at_init(dtype):
    torch.manual_seed(1)
    base = nn.Linear(IN, OUT).to(dtype)
    lora = LoRALinear.from_linear(base, r=R, alpha=16, dropout=0.1).train()
    x = torch.randn(2, 7, IN, dtype=dtype)
    y = lora(x)
    assert y.dtype == dtype
    assert torch.equal(y, base(x))
    assert lora.lora_A.weight.dtype == torch.float32 and lora.lora_B.weight.dtype == torch.float32


def test_bf16_base_and_autocast_keep_lora_weights_and_grads_fp32():
    torch.manual_seed(11)
    dense = nn.Linear(IN, OUT)
    ref = LoRALinear.from_linear(copy.deepcopy(dense), r=R, alpha=8)
    with torch.no_grad():
        ref.lora_B.weight.normal_()
    x = torch.randn(5, IN)
    exact = ref(x)
    for mode in ("bf16 base", "autocast"):
        lora = copy.deepcopy(ref)
        if mode == "bf16 base":
            lora.base_layer.to(torch.bfloat16)
            y = lora(x.to(torch.bfloat16))
        else:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                y = lora(x)
        assert y.dtype == torch.bfloat16, mode
        torch.testing.assert_close(y.float(), exact, atol=0.05, rtol=0.02)  # bf16 rounding only
        y.float().sum().backward()
        assert lora.lora_A.weight.dtype == lora.lora_A.weight.grad.dtype == torch.float32, mode
        assert lora.lora_B.weight.grad.dtype == torch.float32, mode


def test_rslora_scaling():
    base = nn.Linear(IN, OUT)
    assert LoRALinear.from_linear(base, r=16, alpha=32).scaling == 2.0
    lora = LoRALinear.from_linear(nn.Linear(IN, OUT), r=16, alpha=32, use_rslora=True)
    assert lora.scaling == 32 / 4
    with torch.no_grad():
        lora.lora_B.weight.normal_()
    x = torch.randn(4, IN)
    A, B = lora.lora_A.weight, lora.lora_B.weight
    torch.testing.assert_close(lora(x) - lora.base_layer(x), (x @ A.T @ B.T) * 32 / math.sqrt(16))


def test_dropout_applies_to_the_adapter_input_only():
    torch.manual_seed(2)
    p = 0.5
    lora = LoRALinear.from_linear(nn.Linear(IN, OUT), r=R, alpha=8, dropout=p).train()
    x = torch.randn(6, IN)
    # B = 0: the adapter adds nothing, so the output is the undropped base output even in training.
    assert torch.equal(lora(x), lora.base_layer(x))
    with torch.no_grad():
        lora.lora_B.weight.normal_()
    A, B, s = lora.lora_A.weight, lora.lora_B.weight, lora.scaling
    torch.manual_seed(3)
    y = lora(x)
    torch.manual_seed(3)
    xd = F.dropout(x, p, training=True)  # the same draws as the layer's nn.Dropout
    assert not torch.equal(xd, x)
    torch.testing.assert_close(y, lora.base_layer(x) + s * (xd @ A.T @ B.T))
    lora.eval()  # no dropout at evaluation
    torch.testing.assert_close(lora(x), lora.base_layer(x) + s * (x @ A.T @ B.T))
    # peft gives the same dropped output from the same seed.
    theirs = peft_layer(lora.base_layer, R, 8, dropout=p).train()
    with torch.no_grad():
        theirs.lora_A["default"].weight.copy_(A)
        theirs.lora_B["default"].weight.copy_(B)
    lora.train()
    torch.manual_seed(4)
    y1 = lora(x)
    torch.manual_seed(4)
    torch.testing.assert_close(y1, theirs(x))


# ---------------------------------------------------------------------------------------------
# apply_lora: targets, freezing, report, keys.

def test_all_linear_skips_lm_head_and_freezes_the_rest():
    model = Block()
    rep = apply_lora(model, r=R, alpha=8, target_modules="all-linear")
    names = set(lora_modules(model))
    assert names == {"self_attn.q_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.up_proj", "mlp.down_proj"}
    assert isinstance(model.lm_head, nn.Linear)
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable == {f"{m}.lora_{ab}.weight" for m in names for ab in "AB"}
    expect = sum(R * (m.in_features + m.out_features) for m in lora_modules(model).values())
    assert rep.trainable == expect
    assert rep.total == sum(p.numel() for p in model.parameters())
    assert rep.percent == pytest.approx(100 * expect / rep.total)
    assert f"{expect:,}" in str(rep) and "%" in str(rep)


def test_target_names_and_suffixes():
    model = Block()
    apply_lora(model, r=R, alpha=8, target_modules=["q_proj", "mlp.down_proj"])
    assert set(lora_modules(model)) == {"self_attn.q_proj", "mlp.down_proj"}
    model = Block()
    apply_lora(model, r=R, alpha=8, target_modules=["lm_head"])  # named explicitly: allowed, as in peft
    assert set(lora_modules(model)) == {"lm_head"}


def test_unknown_or_non_linear_targets_are_errors_listing_linear_names():
    with pytest.raises(ValueError) as e:
        apply_lora(Block(), target_modules=["q_prj", "gate_proj"])
    msg = str(e.value)
    assert "'q_prj'" in msg and "did you mean 'q_proj'" in msg and "'gate_proj'" in msg
    for name in ("q_proj", "v_proj", "o_proj", "up_proj", "down_proj", "lm_head"):
        assert name in msg
    with pytest.raises(ValueError, match="'norm' is a LayerNorm, not a linear"):
        apply_lora(Block(), target_modules=["norm"])
    with pytest.raises(ValueError, match="matches no module"):
        apply_lora(Block(), target_modules="q_proj")  # a string is a full-path regex, as in peft
    with pytest.raises(ValueError, match="non-empty list"):
        apply_lora(Block(), target_modules=[])
    model = Block()
    apply_lora(model, target_modules=["q_proj"])
    with pytest.raises(ValueError, match="can't be applied twice"):
        apply_lora(model, target_modules=["v_proj"])


def test_state_dict_keeps_the_base_keys():
    model = Block()
    base_sd = {k: v.clone() for k, v in model.state_dict().items()}
    apply_lora(model, r=R, alpha=8)
    keys = list(model.state_dict())
    assert set(keys) == set(base_sd) | {f"{n}.lora_{ab}.weight" for n in lora_modules(model) for ab in "AB"}
    assert not any("base_layer" in k for k in keys)
    # A base checkpoint loads into the wrapped model unmapped; only the adapter keys are missing.
    result = model.load_state_dict(base_sd, strict=False)
    assert sorted(result.missing_keys) == sorted(k for k in keys if ".lora_" in k) and not result.unexpected_keys
    # A wrapped state dict round-trips into another wrapped model.
    randomize(model)
    other = Block()
    apply_lora(other, r=R, alpha=8)
    other.load_state_dict(model.state_dict())
    x = torch.randn(2, IN)
    torch.testing.assert_close(other.eval()(x), model.eval()(x))


def test_base_is_bit_identical_after_training_steps():
    torch.manual_seed(5)
    model = Block()
    apply_lora(model, r=R, alpha=8, dropout=0.1)
    frozen = {n: p.detach().clone() for n, p in model.named_parameters() if not p.requires_grad}
    lora_before = {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2, weight_decay=0.1)
    model.train()
    for _ in range(3):
        loss = model(torch.randn(8, IN)).pow(2).mean()
        loss.backward()
        opt.step()
        opt.zero_grad()
    for n, p in model.named_parameters():
        if n in frozen:
            assert torch.equal(p, frozen[n]), n
            assert p.grad is None, n
        else:
            assert not torch.equal(p, lora_before[n]), n


# ---------------------------------------------------------------------------------------------
# Merge and unmerge.

def test_merge_into_dense_copy_and_in_place_round_trip():
    torch.manual_seed(6)
    model = Block().eval()
    apply_lora(model, r=R, alpha=8)
    randomize(model)
    x = torch.randn(3, IN)
    y = model(x)
    weights = {n: m.base_layer.weight.detach().clone() for n, m in lora_modules(model).items()}

    merged = merge_lora(model)
    assert not lora_modules(merged) and lora_modules(model)  # a copy; the adapter model is unchanged
    assert all(type(merged.get_submodule(n)) is nn.Linear for n in weights)
    torch.testing.assert_close(merged(x), y)
    lin = lora_modules(model)["self_attn.q_proj"].to_linear()
    torch.testing.assert_close(lin(x), lora_modules(model)["self_attn.q_proj"](x))

    assert merge_lora(model, inplace=True) is model
    assert all(m.merged for m in lora_modules(model).values())
    torch.testing.assert_close(model(x), y)
    for n, m in lora_modules(model).items():  # the update is in the base weight now
        torch.testing.assert_close(m.base_layer.weight, weights[n] + m.delta_weight())
    unmerge_lora(model)
    for n, m in lora_modules(model).items():
        assert not m.merged
        torch.testing.assert_close(m.base_layer.weight, weights[n], rtol=0, atol=1e-6)
    torch.testing.assert_close(model(x), y)


def test_in_place_merge_refuses_tied_weights_and_unmerge_needs_adapters():
    model = Block()
    apply_lora(model, target_modules=["lm_head"])
    model.tied = nn.Embedding(11, IN)
    model.tied.weight = model.lm_head.base_layer.weight
    with pytest.raises(ValueError, match="tied"):
        merge_lora(model, inplace=True)
    with pytest.raises(ValueError, match="no LoRA modules"):
        unmerge_lora(merge_lora(model))


# ---------------------------------------------------------------------------------------------
# Adapter files (peft interop with a real model is in test_lora_peft.py).

def test_save_and_load_adapter_round_trip(tmp_path):
    torch.manual_seed(8)
    model = Block().eval()
    plain = copy.deepcopy(model)
    apply_lora(model, r=R, alpha=8, dropout=0.05, target_modules=["q_proj", "v_proj", "down_proj"])
    randomize(model)
    save_adapter(model, tmp_path, base_model_name_or_path="tiny/block")
    cfg = json.loads((tmp_path / "adapter_config.json").read_text())
    assert cfg["peft_type"] == "LORA" and cfg["task_type"] == "CAUSAL_LM" and cfg["bias"] == "none"
    assert (cfg["r"], cfg["lora_alpha"], cfg["lora_dropout"], cfg["use_rslora"]) == (R, 8, 0.05, False)
    assert cfg["target_modules"] == ["mlp.down_proj", "self_attn.q_proj", "self_attn.v_proj"]
    assert cfg["base_model_name_or_path"] == "tiny/block"
    from safetensors import safe_open
    with safe_open(str(tmp_path / "adapter_model.safetensors"), "pt") as f:
        assert set(f.keys()) == {f"base_model.model.{n}.lora_{ab}.weight" for n in cfg["target_modules"]
                                 for ab in "AB"}
    rep = load_adapter(plain, tmp_path)
    assert set(rep.modules) == set(cfg["target_modules"]) and rep.trainable == 0
    x = torch.randn(4, IN)
    torch.testing.assert_close(plain(x), model(x))
    # Loading into a model that already has the same LoRA modules loads the weights only (resume).
    again = Block()
    apply_lora(again, r=R, alpha=8, target_modules=["q_proj", "v_proj", "down_proj"])
    again.load_state_dict(plain.state_dict(), strict=False)
    rep = load_adapter(again, tmp_path, trainable=True)
    assert rep.trainable > 0
    torch.testing.assert_close(again.eval()(x), model(x))
    mismatched = Block()
    apply_lora(mismatched, r=R, alpha=16, target_modules=["q_proj", "v_proj", "down_proj"])
    with pytest.raises(AdapterError, match="alpha=16, use_rslora=False here; the adapter says r=4, alpha=8"):
        load_adapter(mismatched, tmp_path)


def test_peft_reads_our_adapter_config(tmp_path):
    from peft import LoraConfig

    model = Block()
    apply_lora(model, r=R, alpha=8, use_rslora=True, target_modules=["q_proj"])
    save_adapter(model, tmp_path)
    cfg = LoraConfig.from_pretrained(str(tmp_path))
    assert (cfg.r, cfg.lora_alpha, cfg.use_rslora, cfg.bias) == (R, 8, True, "none")
    assert set(cfg.target_modules) == {"self_attn.q_proj"}


def _saved(tmp_path, **cfg_changes):
    model = Block()
    apply_lora(model, r=R, alpha=8, target_modules=["q_proj", "v_proj"])
    save_adapter(model, tmp_path)
    path = tmp_path / "adapter_config.json"
    cfg = json.loads(path.read_text())
    cfg.update(cfg_changes)
    path.write_text(json.dumps(cfg))
    return tmp_path


@pytest.mark.parametrize("option, value", [("use_dora", True), ("bias", "all"), ("modules_to_save", ["lm_head"]),
                                           ("layers_to_transform", [0]), ("fan_in_fan_out", True),
                                           ("init_lora_weights", "pissa"), ("peft_type", "IA3")])
def test_load_adapter_names_unsupported_options(tmp_path, option, value):
    path = _saved(tmp_path, **{option: value})
    model = Block()
    with pytest.raises(AdapterError, match=option):
        load_adapter(model, path)
    assert not lora_modules(model)  # nothing injected on failure


def test_load_adapter_errors_for_missing_files_keys_and_shapes(tmp_path):
    with pytest.raises(AdapterError, match="no such adapter directory"):
        load_adapter(Block(), tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(AdapterError, match="no adapter_config.json"):
        load_adapter(Block(), tmp_path / "empty")
    # r in the config disagrees with the tensors.
    path = _saved(tmp_path / "a", r=R + 1)
    with pytest.raises(AdapterError, match=r"lora_A.weight: shape \[4, 24\] in the file, .* need \[5, 24\]"):
        load_adapter(Block(), path)
    # The config targets a module the file has no weights for, and vice versa.
    path = _saved(tmp_path / "b", target_modules=["q_proj", "o_proj"])
    model = Block()
    with pytest.raises(AdapterError) as e:
        load_adapter(model, path)
    assert "missing tensor base_model.model.self_attn.o_proj.lora_A.weight" in str(e.value)
    assert "unexpected tensor base_model.model.self_attn.v_proj.lora_A.weight" in str(e.value)
    assert not lora_modules(model)
    # A target the model doesn't have.
    path = _saved(tmp_path / "c", target_modules=["q_proj", "gate_proj"])
    with pytest.raises(AdapterError, match="no module named 'gate_proj'"):
        load_adapter(Block(), path)
    # Weights only in pickle form are refused.
    path = _saved(tmp_path / "d")
    (path / "adapter_model.safetensors").rename(path / "adapter_model.bin")
    with pytest.raises(AdapterError, match="pickle files are never loaded"):
        load_adapter(Block(), path)


@pytest.mark.parametrize("changes, message", [
    ({"lora_alpha": float("nan")}, r"lora_alpha=nan \(must be a finite number\)"),
    ({"lora_alpha": float("inf")}, r"lora_alpha=inf \(must be a finite number\)"),
    ({"alpha_pattern": {"q_proj": float("inf")}}, r"alpha_pattern=\{'q_proj': inf\} \(must map module patterns to finite"),
    ({"rank_pattern": {"q_proj": 0}}, r"rank_pattern=\{'q_proj': 0\} \(must map module patterns to positive integers"),
    ({"lora_dropout": 1.5}, r"lora_dropout=1.5 \(must be a number in \[0, 1\)\)"),
])
def test_load_adapter_refuses_a_scaling_that_is_not_finite(tmp_path, changes, message):
    """json.loads reads NaN and Infinity: such an alpha loaded, and every logit came out NaN."""
    path = _saved(tmp_path, **changes)
    model = Block()
    with pytest.raises(AdapterError, match=rf"adapter_config.json: unsupported or invalid adapter option\(s\): {message}"):
        load_adapter(model, path)
    assert not lora_modules(model)


def test_load_adapter_refuses_weights_that_are_not_finite(tmp_path):
    """An adapter saved from a diverged run loaded without a word, and gave NaN logits."""
    from safetensors.torch import load_file, save_file

    path = _saved(tmp_path)
    file = path / "adapter_model.safetensors"
    tensors = load_file(str(file))
    key = "base_model.model.self_attn.v_proj.lora_B.weight"
    tensors[key][1, 2], tensors[key][3, 0] = float("nan"), float("-inf")
    save_file(tensors, str(file))
    model = Block()
    with pytest.raises(AdapterError, match=rf"{key}: 2 NaN or inf value\(s\)"):
        load_adapter(model, path)
    assert not lora_modules(model)


def test_rank_and_alpha_patterns_round_trip(tmp_path):
    """Modules with different r / alpha are written as peft's rank_pattern / alpha_pattern and read back."""
    torch.manual_seed(9)
    model = Block().eval()
    plain = copy.deepcopy(model)
    apply_lora(model, r=R, alpha=8, target_modules=["q_proj", "v_proj", "o_proj"])
    old = model.self_attn["v_proj"]
    model.self_attn["v_proj"] = LoRALinear.from_linear(old.base_layer, r=2, alpha=3, dropout=old.dropout)
    randomize(model)
    save_adapter(model, tmp_path)
    cfg = json.loads((tmp_path / "adapter_config.json").read_text())
    assert cfg["r"] == R and list(cfg["rank_pattern"].values()) == [2] and list(cfg["alpha_pattern"].values()) == [3]
    load_adapter(plain, tmp_path)
    assert plain.self_attn["v_proj"].r == 2 and plain.self_attn["v_proj"].scaling == 1.5
    x = torch.randn(2, IN)
    torch.testing.assert_close(plain(x), model(x))


# ---------------------------------------------------------------------------------------------
# QLoRA: LoRALinear over NF4Linear.

HAVE_NF4 = importlib.util.find_spec("kernels.nf4_linear") is not None


@pytest.mark.skipif(not HAVE_NF4, reason="kernels/nf4_linear.py (NF4Linear) is not in the tree yet")
def test_lora_over_nf4_linear_equals_lora_over_its_dequantized_weight():
    from kernels.nf4 import quantize_nf4
    from kernels.nf4_linear import NF4Linear

    torch.manual_seed(10)
    dense = nn.Linear(128, 96)
    nf4 = NF4Linear(quantize_nf4(dense.weight.detach(), blocksize=64, double_quant=True), bias=dense.bias.detach())
    ref_base = nn.Linear(128, 96)
    with torch.no_grad():
        ref_base.weight.copy_(nf4.dequantize())
        ref_base.bias.copy_(dense.bias)
    q = LoRALinear.from_linear(nf4, r=R, alpha=8)
    ref = LoRALinear.from_linear(ref_base, r=R, alpha=8)
    x = torch.randn(3, 128)
    torch.testing.assert_close(q(x), nf4(x), rtol=0, atol=0)  # at init: the base output exactly
    with torch.no_grad():
        q.lora_A.weight.normal_()
        q.lora_B.weight.normal_()
        ref.lora_A.weight.copy_(q.lora_A.weight)
        ref.lora_B.weight.copy_(q.lora_B.weight)
    x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
    y1, y2 = q(x1), ref(x2)
    torch.testing.assert_close(y1, y2, rtol=1e-4, atol=1e-4)
    y1.sum().backward()
    y2.sum().backward()
    torch.testing.assert_close(q.lora_A.weight.grad, ref.lora_A.weight.grad, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(q.lora_B.weight.grad, ref.lora_B.weight.grad, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(x1.grad, x2.grad, rtol=1e-4, atol=1e-4)
    # State-dict keys are NF4Linear's own, unprefixed, and load into another QLoRA layer.
    assert set(q.state_dict()) == set(nf4.state_dict()) | {"lora_A.weight", "lora_B.weight"}
    other = LoRALinear.from_linear(NF4Linear.from_linear(nn.Linear(128, 96)), r=R, alpha=8)
    other.load_state_dict(q.state_dict())
    torch.testing.assert_close(other(x), q(x), rtol=0, atol=0)
    # Training steps leave the NF4 buffers bit-identical.
    frozen = {n: b.clone() for n, b in q.base_layer.named_buffers()} | {"bias": q.base_layer.bias.detach().clone()}
    opt = torch.optim.AdamW([q.lora_A.weight, q.lora_B.weight], lr=1e-2, weight_decay=0.1)
    for _ in range(2):
        q(torch.randn(4, 128)).pow(2).mean().backward()
        opt.step()
        opt.zero_grad()
    now = dict(q.base_layer.named_buffers()) | {"bias": q.base_layer.bias}
    assert all(torch.equal(now[n], frozen[n]) for n in frozen)
    y1 = q(x)  # (the merge checks below use the trained adapter)
    y2 = ref_base(x) + ref.scaling * (x @ q.lora_A.weight.T @ q.lora_B.weight.T)
    torch.testing.assert_close(y1, y2, rtol=1e-4, atol=1e-4)

    holder = nn.Module()
    holder.q_proj = q
    dense_merged = merge_lora(holder)
    assert type(dense_merged.q_proj) is nn.Linear
    torch.testing.assert_close(dense_merged.q_proj(x), y2.detach(), rtol=1e-4, atol=1e-4)
    with pytest.raises(TypeError, match="re-quantize"):
        merge_lora(holder, inplace=True)
    with pytest.warns(UserWarning, match="re-quantized"):
        requant = merge_lora(holder, requantize=True)
    assert type(requant.q_proj) is NF4Linear
    # dequantize, add, quantize again: exactly NF4 of the dense merged weight, with the base's settings.
    again = quantize_nf4(dense_merged.q_proj.weight.detach(), blocksize=64, double_quant=True)
    assert torch.equal(requant.q_proj.dequantize(), NF4Linear(again).dequantize())
    assert requant.q_proj.blocksize == 64 and requant.q_proj.double_quant


# ----------------------------------------------------------------------------------------------
# The fused path (LoRALinearFunction) against the unfused one, and what it keeps for backward.

def _fused_vs_unfused(base, x, *, dropout, autocast_dtype=None, seed=3):
    """(outputs, grads of x, A, B) of the same LoRALinear run fused and unfused with one RNG seed."""
    import contextlib

    layer = LoRALinear(copy.deepcopy(base), r=R, alpha=2 * R, dropout=dropout).train()
    randomize(nn.ModuleDict(dict(l=layer)), seed=seed)
    results = []
    for fused in (True, False):
        layer.fused = fused
        xi = x.detach().clone().requires_grad_(True)
        ac = torch.autocast("cpu", dtype=autocast_dtype) if autocast_dtype else contextlib.nullcontext()
        torch.manual_seed(seed)
        with ac:
            y = layer(xi)
        g = torch.randn(y.shape, generator=torch.Generator().manual_seed(1)).to(y.dtype)
        (y * g).float().sum().backward()
        results.append((y.detach(), xi.grad, layer.lora_A.weight.grad.clone(), layer.lora_B.weight.grad.clone()))
        layer.zero_grad(set_to_none=True)
    return results


@pytest.mark.parametrize("dropout", [0.0, 0.25])
@pytest.mark.parametrize("kind", ["dense", "nf4"])
def test_fused_equals_unfused_fp32(kind, dropout):
    from kernels.nf4_linear import NF4Linear

    torch.manual_seed(0)
    base = nn.Linear(IN * 4, OUT, bias=True)
    if kind == "nf4":
        base = NF4Linear.from_linear(base)
    x = torch.randn(2, 5, IN * 4)
    (yf, gxf, gaf, gbf), (yu, gxu, gau, gbu) = _fused_vs_unfused(base, x, dropout=dropout)
    for a, b in ((yf, yu), (gxf, gxu), (gaf, gau), (gbf, gbu)):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)
    assert gaf.dtype == gbf.dtype == torch.float32


@pytest.mark.parametrize("dropout", [0.0, 0.25])
def test_fused_equals_unfused_nf4_bf16_autocast(dropout):
    from kernels.nf4_linear import NF4Linear

    torch.manual_seed(0)
    base = NF4Linear.from_linear(nn.Linear(IN * 4, OUT, bias=True).to(torch.bfloat16))
    x = torch.randn(2, 5, IN * 4, dtype=torch.bfloat16)
    (yf, gxf, gaf, gbf), (yu, gxu, gau, gbu) = _fused_vs_unfused(base, x, dropout=dropout,
                                                                  autocast_dtype=torch.bfloat16)
    assert yf.dtype == yu.dtype == torch.bfloat16 and gxf.dtype == torch.bfloat16
    # Both run every matmul in bf16; they differ only by where bf16 rounding falls (one ulp-ish).
    for a, b in ((yf, yu), (gxf, gxu), (gaf, gau), (gbf, gbu)):
        torch.testing.assert_close(a.float(), b.float(), rtol=2e-2, atol=2e-2 * float(b.float().abs().max()))


def test_fused_under_checkpointing_and_without_grad():
    """Non-reentrant checkpointing recomputes the fused forward with the same dropout mask; no-grad
    forwards take the unfused path and agree."""
    from torch.utils.checkpoint import checkpoint

    torch.manual_seed(0)
    layer = LoRALinear(nn.Linear(IN, OUT), r=R, alpha=8, dropout=0.3).train()
    randomize(nn.ModuleDict(dict(l=layer)))
    x = torch.randn(3, IN, requires_grad=True)
    grads = []
    for ckpt in (False, True):
        torch.manual_seed(5)
        y = checkpoint(layer, x, use_reentrant=False) if ckpt else layer(x)
        y.square().sum().backward()
        grads.append((x.grad.clone(), layer.lora_A.weight.grad.clone()))
        x.grad = None
        layer.zero_grad(set_to_none=True)
    torch.testing.assert_close(grads[0], grads[1], rtol=0, atol=0)
    layer.eval()
    with torch.no_grad():
        y_nograd = layer(x)
    torch.testing.assert_close(layer(x), y_nograd)


def test_fused_falls_back_when_the_base_trains():
    layer = LoRALinear(nn.Linear(IN, OUT), r=R, alpha=8)
    layer.base_layer.weight.requires_grad_(True)  # mode "full": the base's weight gradient is needed
    layer(torch.randn(2, IN)).sum().backward()
    assert layer.base_layer.weight.grad is not None


def _saved_bytes(fn, module) -> int:
    """Bytes of the distinct storages autograd saves in fn(), the module's parameters and buffers excluded."""
    exclude = {t.untyped_storage().data_ptr() for t in [*module.parameters(), *module.buffers()]}
    seen = {}

    def pack(t):
        if t.untyped_storage().data_ptr() not in exclude:
            seen[t.untyped_storage().data_ptr()] = t.untyped_storage().nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn()
    return sum(seen.values())


def test_fused_keeps_the_input_a_bool_mask_and_rank_r_only():
    """Saved by the fused Function: x (shared with the other readers of x), the bool dropout mask and
    s * x_d A^T (N, r) (plus the parameters A, B themselves); the unfused path keeps per adapter the
    dropped input and, on CPU, a float mask. Counted exactly with saved_tensors_hooks."""
    from kernels.nf4_linear import NF4Linear

    torch.manual_seed(0)
    N, fin, fout, r = 64, 128, 96, 8
    layer = LoRALinear(NF4Linear.from_linear(nn.Linear(fin, fout)), r=r, alpha=16, dropout=0.1).train()
    x = torch.randn(N, fin, requires_grad=True)
    fused = _saved_bytes(lambda: layer(x), layer)
    assert fused == N * fin * 4 + N * fin * 1 + N * r * 4  # x, bool mask, s * x_d A^T
    layer.fused = False
    unfused = _saved_bytes(lambda: layer(x), layer)
    assert unfused == N * fin * 4 * 2 + N * r * 4  # float noise + dropped input, B's input


def test_fused_adapter_cast_is_refreshed_after_every_update():
    """The 16-bit copies of A and B (cast once per step) follow optimizer steps and loads: a stale
    copy would silently train against old weights."""
    torch.manual_seed(0)
    layer = LoRALinear(nn.Linear(IN, OUT).to(torch.bfloat16), r=R, alpha=8).train()
    opt = torch.optim.SGD([layer.lora_A.weight, layer.lora_B.weight], lr=0.5)
    x = torch.randn(4, IN, dtype=torch.bfloat16)

    def both():
        outs = []
        for fused in (True, False):
            layer.fused = fused
            with torch.autocast("cpu", dtype=torch.bfloat16):
                outs.append(layer(x.requires_grad_(True)))
        return outs

    def check():
        yf, yu = both()  # bf16: the two paths round at different places (addmm vs mm + add)
        torch.testing.assert_close(yf.float(), yu.float(), rtol=2e-2, atol=2e-2 * float(yu.detach().float().abs().max()))
        a, b = layer.cast_adapter(torch.bfloat16)
        assert a.equal(layer.lora_A.weight.to(torch.bfloat16)) and b.equal(layer.lora_B.weight.to(torch.bfloat16))
        return yf

    for _ in range(2):
        yf = check()
        yf.float().square().sum().backward()
        opt.step()
        opt.zero_grad()
    with torch.no_grad():
        layer.lora_B.weight.copy_(torch.randn_like(layer.lora_B.weight))
    check()
