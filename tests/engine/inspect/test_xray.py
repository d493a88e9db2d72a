"""engine/inspect/xray.py, memory.py and memtrace.py: the memory X-ray against the design's budget,
against what autograd really saves, against exact live-tensor accounting of a CPU training step,
and the command line (the quantization error's round trips: test_quant_error.py)."""

from __future__ import annotations

import contextlib
import json

import pytest
import torch

from engine.inspect.memory import (DECODER_LINEARS, TrainShape, layer_saved_bytes, lora_param_count, parameter_counts,
                                   predict_peak_memory, static_items, variants)
from engine.inspect.memtrace import TensorMemoryTracker, measure_training_step
from engine.inspect.xray import load_target, main, measured_peak
from engine.lora import apply_lora
from models.config import ModelConfig
from models.transformer import CausalLM
from tests.paths import REPO

# Qwen2.5-Coder-1.5B-Instruct's config.json (the fields that matter), as listed in ../shared/DESIGN.md
# "The real shapes to measure on".
QWEN_CODER_1P5B = {"model_type": "qwen2", "hidden_size": 1536, "intermediate_size": 8960, "num_hidden_layers": 28,
                   "num_attention_heads": 12, "num_key_value_heads": 2, "vocab_size": 151936,
                   "rope_theta": 1000000.0, "rms_norm_eps": 1e-6, "tie_word_embeddings": True,
                   "max_position_embeddings": 32768, "hidden_act": "silu"}


def qwen_cfg() -> ModelConfig:
    return ModelConfig.from_hf(QWEN_CODER_1P5B)


def tiny_cfg(family="qwen2", layers=4, hidden=256, vocab=4096, inter=704) -> ModelConfig:
    extra = {"head_dim": 64} if family == "qwen3" else {}
    return ModelConfig.from_hf({"model_type": family, "hidden_size": hidden, "intermediate_size": inter,
                                "num_hidden_layers": layers, "num_attention_heads": 4, "num_key_value_heads": 2,
                                "vocab_size": vocab, "tie_word_embeddings": True, **extra})


def nf4_lora_model(cfg: ModelConfig, dtype=torch.float32, r=8, dropout=0.05, seed=0) -> CausalLM:
    """A random model as load_model(quantize="nf4") builds it, with apply_lora on the 7 projections."""
    from kernels.nf4_linear import NF4Linear

    torch.manual_seed(seed)
    model = CausalLM(cfg).to(dtype)
    for layer in model.model.layers:
        for parent in (layer.self_attn, layer.mlp):
            for name, child in list(parent.named_children()):
                if name in DECODER_LINEARS:
                    setattr(parent, name, NF4Linear.from_linear(child))
    apply_lora(model, r=r, alpha=2 * r, dropout=dropout)
    return model


# ----------------------------------------------------------------------------------------------
# The design's budget arithmetic for Qwen2.5-Coder-1.5B, recomputed here from the shapes.

def test_qwen_coder_budget_matches_design_arithmetic():
    cfg = qwen_cfg()
    pred = predict_peak_memory(cfg, TrainShape(seq_len=512, micro_batch=2, r=16))
    items = {i.name: i.bytes for i in pred.items}
    L, H, I, V, kv = 28, 1536, 8960, 151936, 2 * 128
    per_layer = {"q_proj": (H, H), "k_proj": (kv, H), "v_proj": (kv, H), "o_proj": (H, H),
                 "gate_proj": (I, H), "up_proj": (I, H), "down_proj": (H, I)}
    n_lin = L * sum(o * i for o, i in per_layer.values())
    assert n_lin == 1_310_195_712
    blocks = sum(L * (o * i // 64) for o, i in per_layer.values())  # every shape is a multiple of 64
    nested = sum(L * (-(-(o * i // 64) // 256) * 4 + 4) for o, i in per_layer.values())
    assert items["NF4 packed weights (4 bit)"] == n_lin // 2 and round(n_lin / 2 / 1e6) == 655  # DESIGN: 655 MB
    assert items["1st-level scales"] == blocks and items["2nd-level scales"] == nested
    scales = items["1st-level scales"] + items["2nd-level scales"] + items["code tables"]
    assert round(scales / 1e6) == 21  # DESIGN: double-quantized scales 21 MB
    assert items["embedding (bf16)"] == V * H * 2 and round(V * H * 2 / 1e6) == 467  # DESIGN: 467 MB
    lora = L * sum(16 * (o + i) for o, i in per_layer.values())
    assert lora_param_count(cfg, 16) == lora == 18_464_768
    lora_state = items["LoRA A, B (fp32)"] + items["LoRA grads (fp32)"] + items["AdamW moments (2 x fp32)"]
    assert items["LoRA A, B (bf16 copies)"] == lora * 2  # the fused path's cast, once per step
    assert lora_state == lora * 4 * 4 and round(lora_state / 1e6) == 295  # DESIGN: params + grads + AdamW 295 MB
    acts = dict((i.name, i.bytes) for i in pred.items if i.group == "activations")
    assert acts["checkpointed layer inputs"] == L * 2 * 512 * H * 2 and round(acts["checkpointed layer inputs"] / 1e6) == 88
    # DESIGN: full fp32 logits would be 622 MB; one 256-row chunk is 256 / 1024 of that.
    assert round(2 * 512 * V * 4 / 1e6) == 622
    base = sum(i.bytes for i in pred.items if i.group == "weights")
    assert 1.13e9 < base < 1.15e9  # DESIGN: 1.14 GB base
    # DESIGN: allocated peak floor ~1.9-2.2 GB; the Triton cross-entropy chunk (one bf16 chunk of
    # 256 x V logits, kernels/cross_entropy.py) brings the prediction to ~1.74 GB, under that floor,
    # and the last layer's backward becomes the peak (CE 197 MiB of activations vs the layer's 252).
    assert 1.6e9 <= pred.peak <= 2.2e9
    assert pred.peak_phase == "last layer backward"


def test_bits_per_parameter_and_variants():
    cfg = qwen_cfg()
    s = TrainShape()
    from engine.inspect.memory import bits_per_parameter

    dq, _ = bits_per_parameter(cfg, s)
    plain, _ = bits_per_parameter(cfg, TrainShape(double_quant=False))
    assert dq == pytest.approx(4 + 8 / 64 + 32 / (64 * 256), abs=2e-3)  # 4.127 (+ the code tables)
    assert plain == pytest.approx(4 + 32 / 64, abs=2e-3)  # 4.5
    v = variants(cfg, s)
    # Per 64-weight block: fp32 absmax (4 B) instead of a uint8 code (1 B) + 4/256 B of nested absmax;
    # per linear (28 x 7) the double-quantized one also holds the fp32 offset and the 256-entry 8-bit map.
    saved = 1_310_195_712 // 64 * (4 - 1 - 4 / 256) - 28 * 7 * (4 + 256 * 4)
    assert v["no double quant"].peak - v["as configured"].peak == saved
    assert v["no NF4 (bf16 base)"].peak > v["as configured"].peak + 1.9e9  # 16-bit linears: 2 bytes vs ~0.52
    assert v["no checkpointing"].activation_bytes > 5 * v["as configured"].activation_bytes


def test_parameter_counts_match_the_model():
    for family in ("qwen2", "qwen3", "llama"):
        cfg = tiny_cfg(family, layers=2, hidden=64, vocab=251, inter=160)
        with torch.device("meta"):
            model = CausalLM(cfg)
        counts = parameter_counts(cfg)
        n = {k: 0 for k in counts}
        for name, p in model.named_parameters(remove_duplicate=True):
            kind = ("embedding" if "embed_tokens" in name else "lm_head" if name.startswith("lm_head") else
                    "norms" if "norm" in name else "biases" if name.endswith("bias") else
                    "attention linears" if "self_attn" in name else "mlp linears")
            n[kind] += p.numel()
        assert n == counts, family


def test_static_weights_match_nf4_memory_of_a_built_model():
    from kernels.nf4_linear import nf4_memory

    cfg = tiny_cfg("qwen2", layers=2, hidden=64, vocab=251, inter=160)
    model = nf4_lora_model(cfg, r=4)
    mem = nf4_memory(model)
    items = {i.name: i.bytes for i in static_items(cfg, TrainShape(dtype="fp32", r=4))}
    assert items["NF4 packed weights (4 bit)"] == mem["packed_bytes"]
    assert items["1st-level scales"] == mem["scale_bytes"]
    assert items["2nd-level scales"] == mem["nested_scale_bytes"]
    assert items["code tables"] == mem["code_table_bytes"]
    lora = sum(p.numel() * 4 for n, p in model.named_parameters() if "lora_" in n)
    assert items["LoRA A, B (fp32)"] == lora
    dense = items["embedding (fp32)"] + items["norms + biases (fp32)"] + items["rope inv_freq (fp32)"]
    assert dense + lora == mem["unquantized_bytes"]


# ----------------------------------------------------------------------------------------------
# What autograd keeps for one decoder layer, counted by saved_tensors_hooks.

def saved_by_autograd(layer, x, cos, sin, autocast_dtype=None) -> int:
    """Bytes of the distinct storages autograd saves in layer(x), minus parameters, buffers, x, cos, sin."""
    exclude = {t.untyped_storage().data_ptr() for t in [*layer.parameters(), *layer.buffers(), x, cos, sin]}
    seen: dict[int, int] = {}

    def pack(t):
        st = t.untyped_storage()
        if st.data_ptr() not in exclude:
            seen[st.data_ptr()] = st.nbytes()
        return t

    ac = torch.autocast("cpu", dtype=autocast_dtype) if autocast_dtype else contextlib.nullcontext()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t), ac:
        out = layer(x, cos, sin, None)
    assert out.requires_grad
    return sum(seen.values())


@pytest.mark.parametrize("family", ["qwen2", "qwen3", "llama"])
@pytest.mark.parametrize("dtype", ["fp32", "bf16"])
@pytest.mark.parametrize("dropout", [0.0, 0.1])
@pytest.mark.parametrize("fused", [True, False], ids=["fused", "unfused"])
def test_layer_saved_bytes_equal_autograd(family, dtype, dropout, fused):
    from engine.lora import lora_modules

    cfg = tiny_cfg(family, layers=1, hidden=128, vocab=64, inter=352)
    torch_dtype = torch.float32 if dtype == "fp32" else torch.bfloat16
    model = nf4_lora_model(cfg, torch_dtype, r=8, dropout=dropout).train()
    for m in lora_modules(model).values():
        m.fused = fused
    B, T = 2, 48
    x = torch.randn(B, T, cfg.hidden_size, dtype=torch_dtype, requires_grad=True)
    cos, sin = model.rope(torch.arange(T).expand(B, T), torch_dtype)
    got = saved_by_autograd(model.model.layers[0], x, cos, sin, None if dtype == "fp32" else torch.bfloat16)
    want = sum(layer_saved_bytes(cfg, TrainShape(seq_len=T, micro_batch=B, r=8, dtype=dtype,
                                                 lora_dropout=dropout, device_type="cpu",
                                                 fused_lora=fused)).values())
    assert got == want


@pytest.mark.parametrize("targets", [("q_proj", "v_proj"), ("down_proj",)])
def test_layer_saved_bytes_with_some_targets(targets):
    from kernels.nf4_linear import NF4Linear

    cfg = tiny_cfg("qwen2", layers=1, hidden=128, vocab=64, inter=352)
    torch.manual_seed(0)
    model = CausalLM(cfg)
    for parent in (model.model.layers[0].self_attn, model.model.layers[0].mlp):
        for name, child in list(parent.named_children()):
            if name in DECODER_LINEARS:
                setattr(parent, name, NF4Linear.from_linear(child))
    apply_lora(model, r=4, alpha=8, dropout=0.0, target_modules=list(targets))
    model.train()
    B, T = 2, 40
    x = torch.randn(B, T, cfg.hidden_size, requires_grad=True)
    cos, sin = model.rope(torch.arange(T).expand(B, T), torch.float32)
    got = saved_by_autograd(model.model.layers[0], x, cos, sin)
    want = sum(layer_saved_bytes(cfg, TrainShape(seq_len=T, micro_batch=B, r=4, dtype="fp32", lora_dropout=0.0,
                                                 target_modules=targets, device_type="cpu")).values())
    assert got == want


# ----------------------------------------------------------------------------------------------
# The predicted peak against an exact count of live tensor bytes during a real CPU training step.

def test_tracker_counts_storages_once_and_frees():
    a = torch.zeros(1000)
    with TensorMemoryTracker(baseline=[a, a.view(10, 100)]) as mem:
        b = torch.ones(1000)
        c = b.view(10, 100)  # a view: no new storage
        d = b * 2
        assert mem.current == 4000 * 3
        del b, c, d
        assert mem.current == 4000
    assert mem.peak == 12000 and mem.baseline == 4000


MEASURED = [  # (name, layers, seq_len, dtype, checkpointing); hidden 256, vocab 4096, batch 2
    ("fp32, checkpointing (the CPU recipe)", 4, 256, "fp32", True),
    ("bf16 autocast, checkpointing", 2, 128, "bf16", True),
    ("fp32, no checkpointing", 2, 128, "fp32", False),
]


@pytest.mark.parametrize("name,layers,T,dtype,checkpointing", MEASURED, ids=[m[0] for m in MEASURED])
def test_predicted_peak_within_15_percent_of_measured(name, layers, T, dtype, checkpointing):
    cfg = tiny_cfg("qwen2", layers=layers)
    torch_dtype = torch.float32 if dtype == "fp32" else torch.bfloat16
    model = nf4_lora_model(cfg, torch_dtype, r=8, dropout=0.05)
    model.gradient_checkpointing = checkpointing
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    B = 2
    ids = torch.randint(0, cfg.vocab_size, (B, T), generator=torch.Generator().manual_seed(0))
    mem = measure_training_step(model, ids, ids.clone(), optimizer=opt,
                                autocast_dtype=None if dtype == "fp32" else torch.bfloat16)
    pred = predict_peak_memory(cfg, TrainShape(seq_len=T, micro_batch=B, r=8, dtype=dtype, lora_dropout=0.05,
                                               checkpointing=checkpointing, device_type="cpu"))
    ratio = pred.peak / mem.peak
    print(f"{name}: predicted {pred.peak:,} B, measured {mem.peak:,} B, ratio {ratio:.3f}")
    assert 0.85 <= ratio <= 1.15
    # The activation part alone is close too (the static part differs by the LoRA grads, which the
    # prediction always counts: with gradient accumulation they are alive during every backward).
    assert abs(pred.activation_bytes - (mem.peak - mem.baseline)) <= 0.1 * (mem.peak - mem.baseline)


# ----------------------------------------------------------------------------------------------
# The command line.

def write_config(tmp_path, hf=QWEN_CODER_1P5B):
    d = tmp_path / "model"
    d.mkdir()
    (d / "config.json").write_text(json.dumps(hf))
    return d


def test_cli_prints_the_xray_without_weights(tmp_path, capsys):
    d = write_config(tmp_path)
    assert main([str(d), "--seq-len", "512", "--micro-batch", "2", "--r", "16"]) == 0
    out = capsys.readouterr().out
    for text in ("GQA x6", "mlp linears", "NF4 packed weights (4 bit)", "655.1 MB", "466.7 MB",
                 "checkpointed layer inputs", "88.1 MB", "bits per quantized weight 4.128", "no double quant",
                 "no checkpointing", "of a 6 GB budget: fits"):
        assert text in out, text


def test_cli_says_what_each_rank_holds(tmp_path, capsys):
    d = write_config(tmp_path)
    assert main([str(d), "--seq-len", "512", "--micro-batch", "2", "--r", "16"]) == 0
    alone = capsys.readouterr().out
    assert "per rank" not in alone
    assert main([str(d), "--seq-len", "512", "--micro-batch", "2", "--r", "16", "--ranks", "4"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(alone.rstrip("\n"))  # the one-GPU X-ray, then the per-rank part
    pred = predict_peak_memory(qwen_cfg(), TrainShape(seq_len=512, micro_batch=2, r=16))
    for text in ("per rank under torchrun --nproc_per_node 4", "1,143.1 MB", "a full copy on every rank",
                 f"predicted peak per rank {pred.peak / 1e6:,.1f} MB", "gradient all-reduce bucket",
                 "26.2 MB", "4 ranks x grad_accum 1 x 2 sequences = 8"):
        assert text in out, text
    assert main([str(d), "--ranks", "0"]) == 2


def test_cli_shows_measured_peak_from_run_dir(tmp_path, capsys):
    d = write_config(tmp_path)
    run = tmp_path / "run"
    run.mkdir()
    rows = [{"step": 1, "loss": 2.0, "peak_allocated_mb": 1900.5}, {"step": 2, "loss": 1.5, "peak_allocated_mb": 1990.0},
            {"step": 2, "epoch": 1, "val_loss": 1.4}]
    (run / "metrics.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    assert measured_peak(run) == (1990.0, "torch.cuda.max_memory_allocated")
    assert main([str(d), "--run-dir", str(run)]) == 0
    assert "measured peak in" in capsys.readouterr().out


def test_run_config_sets_the_shape(tmp_path):
    d = write_config(tmp_path)
    toml = tmp_path / "run.toml"
    toml.write_text(f'[model]\nsource = "{d}"\nquantize = "nf4"\ndouble_quant = false\ndevice = "cuda"\n'
                    f'[lora]\nr = 8\ntarget_modules = ["q_proj", "v_proj"]\n'
                    f'[train]\nmicro_batch_size = 3\ngrad_checkpointing = false\nprecision = "bf16"\n'
                    f'[data]\nmax_len = 384\n')
    t = load_target(str(toml), seq_len=None)
    s = t.shape
    assert (s.seq_len, s.micro_batch, s.r, s.target_modules) == (384, 3, 8, ("q_proj", "v_proj"))
    assert (s.quantize, s.double_quant, s.checkpointing, s.dtype) == (True, False, False, "bf16")
    assert load_target(str(toml), seq_len=128).shape.seq_len == 128
    (tmp_path / "o").mkdir()
    other = write_config(tmp_path / "o", {**QWEN_CODER_1P5B, "num_hidden_layers": 3})
    assert load_target(str(toml), model=str(other / "config.json")).cfg.num_hidden_layers == 3


def test_cli_errors_are_actionable(tmp_path, capsys):
    assert main([str(tmp_path / "missing-dir")]) == 2
    assert "no such file or directory" in capsys.readouterr().err
    bad = write_config(tmp_path, {**QWEN_CODER_1P5B, "model_type": "gpt2"})
    assert main([str(bad)]) == 2
    assert "not supported" in capsys.readouterr().err


# ----------------------------------------------------------------------------------------------
# Quantization error through the command line.


def test_cli_quant_error_on_a_tiny_checkpoint(tmp_path, capsys):
    from safetensors.torch import save_file

    cfg = {"model_type": "qwen2", "hidden_size": 64, "intermediate_size": 160, "num_hidden_layers": 2,
           "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 251, "tie_word_embeddings": True}
    path = write_config(tmp_path, cfg)
    torch.manual_seed(0)
    model = CausalLM(ModelConfig.from_hf(cfg))
    save_file({k: v.contiguous() for k, v in model.state_dict().items() if k != "lm_head.weight"},
              str(path / "model.safetensors"))
    assert main([str(path), "--quant-error", "--layers", "1"]) == 0
    out = capsys.readouterr().out
    assert "model.layers.1.mlp.down_proj.weight" in out and "model.layers.0." not in out
    assert "share of weights per NF4 code" in out
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        assert main([str(path), "--quant-error", "--layers", "0", "--png", str(tmp_path / "png")]) == 0
        assert "no histograms: matplotlib is not installed" in capsys.readouterr().out
    else:
        assert main([str(path), "--quant-error", "--layers", "0", "--png", str(tmp_path / "png")]) == 0
        assert len(list((tmp_path / "png").glob("*.png"))) == 7


def test_demo_config_prediction_within_15_percent_of_measured():
    """configs/tiny.toml's own step: engine/demo/tiny.py's model with the config's [lora], [data] and [train] shape."""
    from engine.config import load_config
    from engine.demo.tiny import TinySpec, hf_config

    run = load_config(REPO / "configs" / "tiny.toml")
    spec = TinySpec()
    cfg = ModelConfig.from_hf(hf_config(spec, vocab_size=spec.vocab_size, eos_id=0, pad_id=0))
    T, B, r = run.data.max_len, run.train.micro_batch_size, run.lora.r
    assert run.lora.alpha == 2 * r and run.train.precision == "fp32"  # what nf4_lora_model builds
    model = nf4_lora_model(cfg, torch.float32, r=r, dropout=run.lora.dropout)
    model.gradient_checkpointing = run.train.grad_checkpointing
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    ids = torch.randint(0, cfg.vocab_size, (B, T), generator=torch.Generator().manual_seed(0))
    mem = measure_training_step(model, ids, ids.clone(), optimizer=opt, chunk_size=run.train.loss_chunk_size)
    pred = predict_peak_memory(cfg, TrainShape(seq_len=T, micro_batch=B, r=r, dtype="fp32",
                                               lora_dropout=run.lora.dropout, checkpointing=run.train.grad_checkpointing,
                                               chunk_size=run.train.loss_chunk_size, device_type="cpu"))
    print(f"configs/tiny.toml: predicted {pred.peak:,} B, measured {mem.peak:,} B, ratio {pred.peak / mem.peak:.3f}")
    assert 0.85 <= pred.peak / mem.peak <= 1.15
