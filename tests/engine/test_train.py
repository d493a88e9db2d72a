"""The training loop: accumulation, one optimizer step, checkpointing, precision,
exact resume, NaN handling, checkpoint files, logs, full-parameter mode. Tiny models, CPU, fp32."""

import json
import math
import random

import pytest
import torch

from engine.adapter import load_adapter
from engine.batches import collate
from engine.config import TrainSection
from engine.lora import apply_lora, lora_modules
from engine.loss import IGNORE_INDEX
from engine.run_dir import RunDirError
from engine.step import NonFiniteLossError, accumulate_gradients, build_optimizer, prepare_model
from engine.train import plan, train
from engine.train_state import ResumeError, load_train_state, train_state_dirs
from models import load_model
from tests.tiny_models import VOCAB, save_tiny


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path, _ = save_tiny("qwen2", tmp_path_factory.mktemp("tiny"))
    return path


def make_items(n: int, seed: int = 0, answer: list[int] | None = None) -> list[dict]:
    """Prompt + answer token lists of unequal lengths; the loss covers the answer only.

    answer: one answer for every item (a task the model can learn in a few steps); default random.
    """
    rng = random.Random(seed)
    items = []
    for _ in range(n):
        p, a = rng.randint(3, 20), rng.randint(2, 12)
        ids = [rng.randrange(3, VOCAB) for _ in range(p)] + (answer or [rng.randrange(3, VOCAB) for _ in range(a)])
        items.append({"input_ids": ids, "labels": [IGNORE_INDEX] * p + ids[p:]})
    return items


def lora_model(path, *, seed=0, dropout=0.0, random_b=False, quantize=None, dtype=torch.float32, device="cpu"):
    torch.manual_seed(seed)
    model = load_model(path, dtype=dtype, quantize=quantize, device=device)
    apply_lora(model, r=4, alpha=8, dropout=dropout, target_modules="all-linear")
    if random_b:  # B starts at zero, which would make every gradient of A zero
        with torch.no_grad():
            for m in lora_modules(model).values():
                m.lora_B.weight.normal_(0.0, 0.05)
    return model


def opts(**kw):
    """The [train] section with small batches."""
    base = dict(micro_batch_size=2, grad_accum=2, lr=1e-2, warmup_ratio=0.0, schedule="constant",
                max_grad_norm=1.0, seed=0, length_group_window=4, keep_last=3, log_every=1)
    return TrainSection(**{**base, **kw})


def grads(model) -> dict[str, torch.Tensor]:
    return {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}


def metrics(run_dir) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "metrics.jsonl").read_text().splitlines()]


# ----------------------------------------------------------------------------------------------
# Schedule and batches.


# ----------------------------------------------------------------------------------------------
# One step.

def test_four_micro_batches_of_one_equal_one_batch_of_four(tiny):
    items = make_items(4, seed=2)  # unequal lengths and unequal supervised counts
    model = lora_model(tiny, random_b=True)
    prepare_model(model, grad_checkpointing=False)
    loss4, n4 = accumulate_gradients(model, [collate([it]) for it in items])
    g4 = grads(model)
    model.zero_grad(set_to_none=True)
    loss1, n1 = accumulate_gradients(model, [collate(items)])
    g1 = grads(model)
    assert n4 == n1 and loss4 == pytest.approx(loss1, rel=1e-5)
    assert g1.keys() == g4.keys() and len(g1) == 2 * len(lora_modules(model))
    for name in g1:
        torch.testing.assert_close(g4[name], g1[name], rtol=1e-4, atol=1e-7, msg=lambda m: f"{name}: {m}")
    # The test can tell: a mean of per-micro-batch means gives other gradients.
    model.zero_grad(set_to_none=True)
    for it in items:
        accumulate_gradients(model, [collate([it])])  # each normalised by its own tokens
    means = grads(model)
    assert not torch.allclose(means[name] / 4, g1[name], rtol=1e-3)


def test_gradient_checkpointing_gives_the_same_gradients(tiny):
    items = make_items(4, seed=3)
    out = {}
    for ckpt in (False, True):
        model = lora_model(tiny, dropout=0.1, random_b=True)
        prepare_model(model, grad_checkpointing=ckpt)
        torch.manual_seed(7)  # the same dropout masks
        saved = []
        with torch.autograd.graph.saved_tensors_hooks(lambda t: saved.append(t.numel()) or t, lambda t: t):
            accumulate_gradients(model, [collate(items[:2]), collate(items[2:])])
        out[ckpt] = grads(model), sum(saved)
    for name, g in out[False][0].items():
        torch.testing.assert_close(out[True][0][name], g, rtol=1e-5, atol=1e-7, msg=lambda m: f"{name}: {m}")
    assert out[True][1] < out[False][1] / 2  # checkpointing keeps far fewer activations


def test_offloading_activations_gives_the_same_gradients_and_moves_only_layer_inputs(tiny, monkeypatch):
    """train.offload_activations: save_on_cpu around the checkpointed decoder stack. The gradients are
    bit-identical, and what it moves is each layer's input (B, T, H) plus small constants, never
    anything from inside a checkpointed layer."""
    moved = []

    class Recording(torch.autograd.graph.save_on_cpu):
        def __init__(self, pin_memory=False, device_type="cuda"):
            super().__init__(pin_memory, device_type)
            pack = self.pack_hook
            self.pack_hook = lambda t: moved.append(tuple(t.shape)) or pack(t)

    monkeypatch.setattr(torch.autograd.graph, "save_on_cpu", Recording)
    items = make_items(4, seed=3)
    out = {}
    for offload in (False, True):
        model = lora_model(tiny, dropout=0.1, random_b=True)
        prepare_model(model, grad_checkpointing=True)
        torch.manual_seed(7)  # the same dropout masks
        moved.clear()
        accumulate_gradients(model, [collate(items[:2]), collate(items[2:])], offload_activations=offload)
        out[offload] = grads(model)
        if offload:
            cfg = model.config
            B, T = collate(items[:2])["input_ids"].shape
            hidden = [s for s in moved if s == (B, T, cfg.hidden_size)]
            # the first micro-batch: each layer's input, and two (B, T, H) tensors of the final norm
            assert len(hidden) == cfg.num_hidden_layers + 2, moved
            assert max(math.prod(s) for s in moved) == B * T * cfg.hidden_size
        else:
            assert not moved
    for name, g in out[False].items():
        torch.testing.assert_close(out[True][name], g, rtol=0, atol=0, msg=lambda m: f"{name}: {m}")


@pytest.mark.parametrize("precision", ["bf16", "fp16"])
def test_mixed_precision_step_on_cpu(tiny, precision):
    model = lora_model(tiny, random_b=True)
    params = prepare_model(model)
    optimizer = build_optimizer(model, lr=1e-2)
    scaler = torch.amp.GradScaler("cpu") if precision == "fp16" else None
    loss32, _ = accumulate_gradients(model, [collate(make_items(2))])
    model.zero_grad(set_to_none=True)
    loss, _ = accumulate_gradients(model, [collate(make_items(2))], precision=precision, scaler=scaler)
    assert loss == pytest.approx(loss32, rel=3e-2)
    assert all(p.dtype == torch.float32 and torch.isfinite(p.grad).all() for p in params)
    if scaler is not None:
        scaler.unscale_(optimizer)
        assert scaler.get_scale() > 1  # the loss was scaled up for fp16
    optimizer.step()


# ----------------------------------------------------------------------------------------------
# Whole runs.

def test_run_logs_validates_saves_and_learns(tiny, tmp_path):
    sql = [17, 42, 99, 7, 3, 250]
    items, val = make_items(16, seed=1, answer=sql), make_items(4, seed=9, answer=sql)
    model = lora_model(tiny)
    calls = []
    hook = lambda model, epoch, step: calls.append((epoch, step)) or {"exec_acc": 0.5}
    o = opts(epochs=3, lr=2e-2, schedule="cosine", warmup_ratio=0.1)
    summary = train(model, items, opts=o, run_dir=tmp_path, val_items=val, eval_hook=hook, progress=False)
    p = plan(len(items), o)
    assert summary["steps"] == p["total_steps"] == 3 * 4
    rows = metrics(tmp_path)
    steps = [r for r in rows if "loss" in r]
    assert [r["step"] for r in steps] == list(range(1, 13))
    for r in steps:
        assert {"epoch", "loss", "lr", "grad_norm", "tokens_per_s", "peak_rss_mb", "memory_kind"} <= r.keys()
    assert steps[0]["lr"] == 0.0 and steps[1]["lr"] > 0  # warmup starts at 0, as in transformers
    # It learns: the answer is the same for every item. (A random tiny model's logits are small,
    # |lm_head row| * |normed h| ~ 1.3, and the frozen lm_head bounds how far LoRA alone can go.)
    assert steps[-1]["loss"] < steps[0]["loss"] - 0.5
    evals = [r for r in rows if "val_loss" in r]
    assert [r["epoch"] for r in evals] == [1, 2, 3] and all(r["exec_acc"] == 0.5 for r in evals)
    assert calls == [(1, 4), (2, 8), (3, 12)]
    assert evals[-1]["val_loss"] == summary["val_loss"]
    assert {"time_s", "tokens", "tokens_per_s", "padding_fraction", "peak_rss_mb"} <= summary.keys()
    assert summary["tokens"] == 3 * sum(len(it["input_ids"]) for it in items)
    # The adapter at <run>/adapter loads into a fresh model and reproduces the trained one.
    fresh = load_model(tiny, dtype=torch.float32)
    load_adapter(fresh, tmp_path / "adapter")
    ids = collate(val)["input_ids"]
    model.eval()
    with torch.no_grad():
        torch.testing.assert_close(fresh(ids), model(ids))
    assert [d.name for d in train_state_dirs(tmp_path)] == ["step_0000004", "step_0000008", "step_0000012"]
    with pytest.raises(ResumeError, match="already has checkpoints .*pass --resume"):
        train(lora_model(tiny), items, opts=o, run_dir=tmp_path, progress=False)
    with pytest.raises(ResumeError, match="saved with micro_batch_size = 2, this run has 4"):
        train(lora_model(tiny), items, opts=opts(epochs=3, micro_batch_size=4), run_dir=tmp_path, resume=True,
              progress=False)
    with pytest.raises(ResumeError, match="saved with data_sha256"):
        train(lora_model(tiny), items[::-1], opts=o, run_dir=tmp_path, resume=True, progress=False)
    with pytest.raises(ResumeError, match="no checkpoint in"):
        train(lora_model(tiny), items, opts=o, run_dir=tmp_path / "empty", resume=True, progress=False)


def test_resume_after_a_kill_is_exact(tiny, tmp_path):
    """6 steps straight == 5 steps, a crash (the step-5 state is lost), and a resume from step 4."""
    items = make_items(12, seed=4)  # 3 steps per epoch at 2 x 2
    o = opts(epochs=2, save_every=2, schedule="cosine", warmup_ratio=0.2)
    straight = tmp_path / "straight"
    train(lora_model(tiny, dropout=0.1), items, opts=o, run_dir=straight, progress=False)

    class Killed(Exception):
        pass

    def kill(step, record):
        if step == 5:
            raise Killed

    crashed = tmp_path / "crashed"
    with pytest.raises(Killed):
        train(lora_model(tiny, dropout=0.1), items, opts=o, run_dir=crashed, on_step=kill, progress=False)
    assert train_state_dirs(crashed)[-1].name == "step_0000004"  # mid-epoch 2: step 1 of 3
    # Resume into a model whose LoRA init differs: everything must come from the checkpoint.
    train(lora_model(tiny, seed=123, dropout=0.1), items, opts=o, run_dir=crashed, resume=True, progress=False)

    a, b = metrics(straight), metrics(crashed)
    assert [r["step"] for r in a] == [r["step"] for r in b]  # lines after step 4 were replaced, not duplicated
    for ra, rb in zip(a, b):
        assert ra.get("loss") == rb.get("loss") and ra.get("val_loss") == rb.get("val_loss")  # exactly
        assert ra.get("grad_norm") == rb.get("grad_norm") and ra.get("lr") == rb.get("lr")
    from safetensors.torch import load_file
    wa = load_file(str(straight / "adapter" / "adapter_model.safetensors"))
    wb = load_file(str(crashed / "adapter" / "adapter_model.safetensors"))
    assert wa.keys() == wb.keys() and all(torch.equal(wa[k], wb[k]) for k in wa)


def test_nan_loss_stops_with_a_clear_message_and_keeps_the_last_checkpoint(tiny, tmp_path):
    items = make_items(16, seed=6)
    model = lora_model(tiny)
    kept = {}

    def poison(step, record):
        if step == 2:
            kept.update({n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad})
            with torch.no_grad():
                model.model.norm.weight.fill_(float("nan"))

    with pytest.raises(NonFiniteLossError, match=r"step 3 \(epoch 1, step 3 of 4.*micro-batch 1 of 2 has loss nan"
                                                 r".*last good checkpoint is .*step_0000002"):
        train(model, items, opts=opts(save_every=1), run_dir=tmp_path, on_step=poison, progress=False)
    assert [d.name for d in train_state_dirs(tmp_path)] == ["step_0000001", "step_0000002"]
    fresh = lora_model(tiny, seed=5)
    prepare_model(fresh)
    state = load_train_state(train_state_dirs(tmp_path)[-1], fresh, build_optimizer(fresh, lr=1e-2))
    assert state["step"] == 2
    for n, p in fresh.named_parameters():
        if p.requires_grad:
            assert torch.equal(p, kept[n]), n


def test_checkpoints_are_atomic_and_only_the_last_k_are_kept(tiny, tmp_path, monkeypatch):
    items = make_items(16, seed=7)
    train(lora_model(tiny), items, opts=opts(save_every=1, keep_last=2), run_dir=tmp_path, progress=False)
    names = sorted(p.name for p in (tmp_path / "checkpoints").iterdir())
    assert names == ["step_0000003", "step_0000004"]  # no temp dirs left, the older ones pruned
    files = {p.name for p in (tmp_path / "checkpoints" / "step_0000004").iterdir()}
    assert {"trainable.safetensors", "adapter", "optimizer.pt", "rng.pt", "rng.json", "state.json"} <= files

    # A crash while writing a checkpoint leaves no step directory behind.
    import engine.train_state as T
    real_save = torch.save

    def failing_save(obj, f, *a, **k):
        if str(f).endswith("optimizer.pt"):
            raise OSError("disk full")
        return real_save(obj, f, *a, **k)

    monkeypatch.setattr(T.torch, "save", failing_save)
    run = tmp_path / "second"
    with pytest.raises(RunDirError, match="could not write the checkpoint .*step_0000001: disk full"):
        train(lora_model(tiny), items, opts=opts(save_every=1), run_dir=run, progress=False)
    assert train_state_dirs(run) == []
    assert list((run / "checkpoints").iterdir()) == []  # neither a step dir nor its temporary dir


def test_full_mode_trains_every_parameter_and_exports_a_checkpoint(tiny, tmp_path):
    torch.manual_seed(0)
    model = load_model(tiny, dtype=torch.float32)
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    items = make_items(16, seed=8, answer=[5, 6, 7, 8])
    summary = train(model, items, opts=opts(mode="full", epochs=2, lr=3e-3), run_dir=tmp_path, progress=False)
    losses = [r["loss"] for r in metrics(tmp_path) if "loss" in r]
    assert losses[-1] < losses[0]
    assert all(not torch.equal(p, before[n]) for n, p in model.named_parameters())
    reloaded = load_model(tmp_path / "model", dtype=torch.float32)
    ids = collate(items[:3])["input_ids"]
    model.eval()
    with torch.no_grad():
        torch.testing.assert_close(reloaded(ids), model(ids))
    assert summary["output"] == str(tmp_path / "model")


def test_lora_mode_without_lora_is_an_actionable_error(tiny, tmp_path):
    with pytest.raises(ValueError, match="apply_lora first, or set train.mode = 'full'"):
        train(load_model(tiny, dtype=torch.float32), make_items(4), opts=opts(), run_dir=tmp_path, progress=False)
    with pytest.raises(ValueError, match=r"mode = 'qlora' is not one of \['lora', 'full'\]"):
        opts(mode="qlora")  # the [train] section checks its own options
    assert TrainSection().mode == "lora"


def test_nf4_base_trains_and_stays_bit_identical(tiny, tmp_path):
    pytest.importorskip("kernels.nf4_linear", reason="kernels/nf4_linear.py (NF4Linear) is not in yet")
    model = lora_model(tiny, quantize="nf4")
    frozen = {k: v.clone() for k, v in model.state_dict().items() if "lora_" not in k}
    items = make_items(16, seed=1, answer=[5, 6, 7, 8])
    train(model, items, opts=opts(epochs=2, lr=2e-2), run_dir=tmp_path, progress=False)
    losses = [r["loss"] for r in metrics(tmp_path) if "loss" in r]
    assert all(math.isfinite(x) for x in losses) and losses[-1] < losses[0]
    after = model.state_dict()
    assert all(torch.equal(after[k], v) for k, v in frozen.items())


def test_run_training_from_a_toml_config_end_to_end(tmp_path):
    """TOML -> load_config -> run_training: tiny model + tokenizer (engine.demo.tiny), JSONL data, LoRA, resume."""
    from engine.config import load_config
    from engine.demo.tiny import TinySpec, write_tiny_model
    from engine.train import run_training

    schema = "CREATE TABLE singer (id INTEGER PRIMARY KEY, name TEXT, age INTEGER)"
    rows = [{"question": f"How many singers are older than {n}?", "sql": f"SELECT count(*) FROM singer WHERE age > {n}",
             "schema": schema} for n in range(20, 44)]
    data = tmp_path / "train.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    texts = [schema] + [r["question"] + " " + r["sql"] for r in rows]
    spec = TinySpec(vocab_size=400, hidden_size=64, intermediate_size=128, num_hidden_layers=2)
    model_dir = write_tiny_model(tmp_path / "model", texts, spec)
    toml = tmp_path / "tiny.toml"
    toml.write_text(f"""
[model]
source = "{model_dir}"
device = "cpu"
[lora]
r = 4
alpha = 8
dropout = 0.0
[data]
format = "jsonl"
train_path = "{data}"
val_frac = 0.25
max_len = 256
sample_rows = 0
[train]
run_dir = "{tmp_path / 'run'}"
epochs = 2
micro_batch_size = 3
grad_accum = 2
lr = 1e-2
save_every = 2
log_every = 1
""")
    cfg = load_config(toml, overrides=["train.max_steps=5"])
    summary = run_training(cfg, progress=False)
    run = tmp_path / "run"
    assert summary["steps"] == 5 and (run / "adapter" / "adapter_model.safetensors").exists()
    assert load_config(run / "config.toml") == cfg  # the resolved config, saved
    rows = metrics(run)
    assert [r["step"] for r in rows if "loss" in r] == [1, 2, 3, 4, 5]
    assert any("val_loss" in r for r in rows)
    assert summary["precision"] == "fp32" and summary["device"] == "cpu"
    # Resuming a finished run does nothing more and says so through its summary.
    again = run_training(cfg, resume=True, progress=False)
    assert again["steps"] == 5 and again["tokens"] == summary["tokens"]


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_auto_precision_fused_adamw_and_allocator_peaks(tiny, tmp_path):
    model = lora_model(tiny, dtype=torch.bfloat16, device="cuda")
    assert build_optimizer(model, lr=1e-3).defaults["fused"] is True
    items = make_items(16, seed=1, answer=[5, 6, 7, 8])
    summary = train(model, items, opts=opts(epochs=2, lr=2e-2), run_dir=tmp_path, progress=False)
    assert summary["precision"] == ("bf16" if torch.cuda.is_bf16_supported() else "fp16")
    assert summary["peak_allocated_mb"] > 0 and summary["peak_reserved_mb"] >= summary["peak_allocated_mb"]
    assert all(p.dtype == torch.float32 for n, p in model.named_parameters() if "lora_" in n)
    losses = [r["loss"] for r in metrics(tmp_path) if "loss" in r]
    assert all(math.isfinite(x) for x in losses) and losses[-1] < losses[0]


def test_wandb_is_imported_lazily_and_gets_the_metrics(tiny, tmp_path, monkeypatch):
    """A stand-in `wandb` module records what the loop sends; without the package the run just warns."""
    import sys
    import types

    calls = {"init": [], "log": [], "finish": 0}

    class Run:
        def log(self, data, step=None):
            calls["log"].append((step, data))

        def finish(self):
            calls["finish"] += 1

    fake = types.ModuleType("wandb")
    fake.init = lambda **kw: calls["init"].append(kw) or Run()
    monkeypatch.setitem(sys.modules, "wandb", fake)
    items = make_items(8, seed=3)
    train(lora_model(tiny), items, opts=opts(wandb=True, wandb_project="p", wandb_run_name="r"), run_dir=tmp_path,
          progress=False, config={"train": {"lr": 0.01}})
    assert calls["init"][0]["project"] == "p" and calls["init"][0]["name"] == "r"
    assert calls["init"][0]["config"] == {"train": {"lr": 0.01}}
    assert [s for s, _ in calls["log"]] == [1, 2] and "loss" in calls["log"][0][1] and calls["finish"] == 1
    monkeypatch.setitem(sys.modules, "wandb", None)  # `import wandb` now raises ImportError
    train(lora_model(tiny), items, opts=opts(wandb=True), run_dir=tmp_path / "b", progress=False)
    assert (tmp_path / "b" / "metrics.jsonl").exists()
