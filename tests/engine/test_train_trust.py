"""Training state that is never poisoned or silently changed: what a crash, a full disk, a second
process, a damaged file or a changed setting does to a run directory (issue 15). Tiny models, CPU."""

import os
import stat

import pytest
import torch

from engine.train import train
from models import load_model
from tests.engine.test_train import lora_model, make_items, metrics, opts
from tests.tiny_models import save_tiny

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path, _ = save_tiny("qwen2", tmp_path_factory.mktemp("tiny"))
    return path


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def modes(root) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in root.rglob("*") if p.is_file()}


def test_written_files_follow_the_umask(tiny, tmp_path, umask_022):
    """safetensors writes through a 0600 temporary file; every file of a run gets 0666 & ~umask."""
    train(lora_model(tiny), make_items(8), opts=opts(save_every=1), run_dir=tmp_path / "run", progress=False)
    found = modes(tmp_path / "run")
    assert "adapter/adapter_model.safetensors" in found and "checkpoints/step_0000002/trainable.safetensors" in found
    assert {k: v for k, v in found.items() if v != 0o644} == {}
    os.umask(0o027)  # and it is the umask, not a fixed 0644
    from engine.merge import export_merged
    export_merged(load_model(tiny, dtype=torch.float32), tmp_path / "merged")
    assert modes(tmp_path / "merged")["model.safetensors"] == 0o640


def test_a_second_process_on_a_run_dir_is_refused_and_a_dead_ones_lock_is_taken(tiny, tmp_path):
    """Two trainings on one run dir interleaved their metrics.jsonl lines (27, 29, 28, 30, ...) and
    both wrote the adapter; now the second stops before writing anything, naming the first's pid."""
    import signal
    import subprocess
    import sys

    from engine.run_dir import RunDirError, RunLock
    from tests.paths import REPO

    run = tmp_path / "run"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from engine.run_dir import RunLock\n"
                               f"with RunLock({str(run)!r}):\n    print('locked', flush=True); time.sleep(60)"],
                              cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(RunDirError, match=rf"{run} is in use by another training process \(pid {holder.pid}"):
            train(lora_model(tiny), make_items(8), opts=opts(), run_dir=run, progress=False)
        assert sorted(p.name for p in run.iterdir()) == [".lock"]  # nothing written
    finally:
        holder.send_signal(signal.SIGKILL)  # a killed run leaves its lock file behind
        holder.wait()
    summary = train(lora_model(tiny), make_items(8), opts=opts(), run_dir=run, progress=False)
    assert summary["steps"] == 2
    # In one process: a second lock on the same dir is refused while the first is held.
    with RunLock(run):
        import fcntl
        fd = os.open(run / ".lock", os.O_RDWR)
        with pytest.raises(BlockingIOError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.close(fd)


def test_a_full_disk_names_the_path_and_the_free_space_and_leaves_no_temp_dirs(tiny, tmp_path, monkeypatch, capsys):
    """ENOSPC while a checkpoint is written: a traceback and a .tmp-step_* folder left behind before;
    now one line naming the checkpoint and the free space, no temporary folder, and a stale one from
    a dead process is removed when the next run starts (one of a live process is left alone)."""
    import errno
    import subprocess
    import sys

    import engine.train_state as T
    from engine.run_dir import RunDirError

    run = tmp_path / "run"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = run / "checkpoints" / f".tmp-step_0000009-{int(dead.stdout)}"
    live = run / "checkpoints" / f".tmp-step_0000009-{os.getppid()}"
    for d in (stale, live):
        (d / "adapter").mkdir(parents=True)
    real_save = torch.save

    def no_space(obj, f, *a, **k):
        if str(f).endswith("optimizer.pt"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(f))
        return real_save(obj, f, *a, **k)

    monkeypatch.setattr(T.torch, "save", no_space)
    with pytest.raises(RunDirError) as e:
        train(lora_model(tiny), make_items(8), opts=opts(save_every=1), run_dir=run, progress=False)
    msg = str(e.value)
    assert msg.startswith(f"could not write the checkpoint {run}/checkpoints/step_0000001: No space left on device")
    assert "optimizer.pt" in msg and " free there; free some space, then continue with --resume" in msg
    assert "\n" not in msg
    assert sorted(p.name for p in (run / "checkpoints").iterdir()) == [live.name]
    assert f"removed {stale}" in capsys.readouterr().err
    # The CLI prints it as one line, exit status 2.
    from engine.cli import user_errors
    with pytest.raises(SystemExit) as exit_:
        with user_errors("train.py"):
            raise e.value
    assert exit_.value.code == 2 and capsys.readouterr().err == f"train.py: error: {msg}\n"


class Killed(Exception):
    pass


def kill_at(step_to_die: int):
    def on_step(step, record):
        if step == step_to_die:
            raise Killed
    return on_step


def same_run(a, b):
    """Two runs' metrics.jsonl and adapters are equal (the losses, lrs and weights exactly)."""
    from safetensors.torch import load_file
    ra, rb = metrics(a), metrics(b)
    assert [r["step"] for r in ra] == [r["step"] for r in rb]
    for x, y in zip(ra, rb):
        assert (x.get("loss"), x.get("lr"), x.get("grad_norm")) == (y.get("loss"), y.get("lr"), y.get("grad_norm"))
    wa = load_file(str(a / "adapter" / "adapter_model.safetensors"))
    wb = load_file(str(b / "adapter" / "adapter_model.safetensors"))
    assert wa.keys() == wb.keys() and all(torch.equal(wa[k], wb[k]) for k in wa)


def test_a_torn_last_metrics_line_does_not_block_resume(tiny, tmp_path, capsys):
    """A kill in the middle of a metrics.jsonl write left '{"step": 6, "lo' at its end; --resume then
    died in json.loads (a traceback). Now the torn tail is dropped with a warning and the resumed
    run's metrics and adapter equal an uninterrupted run's."""
    from engine.run_dir import RunDirError
    items, o = make_items(12, seed=4), opts(epochs=2, save_every=2)
    straight, crashed = tmp_path / "straight", tmp_path / "crashed"
    train(lora_model(tiny), items, opts=o, run_dir=straight, progress=False)
    with pytest.raises(Killed):
        train(lora_model(tiny), items, opts=o, run_dir=crashed, on_step=kill_at(5), progress=False)
    log = crashed / "metrics.jsonl"
    with log.open("a") as f:
        f.write('{"step": 6, "epoch": 2, "lo')
    capsys.readouterr()
    train(lora_model(tiny), items, opts=o, run_dir=crashed, resume=True, progress=False)
    assert f"warning: {log}: dropped its torn last line (27 bytes" in capsys.readouterr().err
    same_run(straight, crashed)
    # A line in the middle that is not JSON was not torn by a write: named, the file left as it is.
    text = log.read_bytes()
    log.write_bytes(text.replace(b"\n", b"\ngarbage\n", 1))
    before = log.read_bytes()
    with pytest.raises(RunDirError, match=rf"{log}:2: not a JSON object \(b'garbage'\)"):
        train(lora_model(tiny), items, opts=o, run_dir=crashed, resume=True, progress=False)
    assert log.read_bytes() == before


def _truncate(file, keep=1000):
    file.write_bytes(file.read_bytes()[:keep])


def _flip_a_byte(file):
    data = bytearray(file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    file.write_bytes(bytes(data))


DAMAGE = {  # what a kill, a full disk or a power cut can leave in the newest checkpoint
    "truncated weights": lambda d: _truncate(d / "trainable.safetensors"),
    "optimizer bytes changed": lambda d: _flip_a_byte(d / "optimizer.pt"),
    "torn state.json": lambda d: (d / "state.json").write_text('{"step": 6, '),
    "torn rng.json": lambda d: (d / "rng.json").write_text('{"python": [3, [1, 2'),
    "adapter file missing": lambda d: (d / "adapter" / "adapter_model.safetensors").unlink(),
    "torn manifest": lambda d: (d / "manifest.json").write_text('{"st'),
    "no manifest (older version), truncated weights": lambda d: ((d / "manifest.json").unlink(),
                                                                 _truncate(d / "trainable.safetensors")),
    "no manifest (older version), torn rng.json": lambda d: ((d / "manifest.json").unlink(),
                                                             (d / "rng.json").write_text("{")),
}


def test_a_damaged_newest_checkpoint_falls_back_to_the_newest_intact_one(tiny, tmp_path, capsys):
    """Before: each damage below ended --resume in a traceback (SafetensorError, JSONDecodeError, or
    ValueError from int('final') for a stray checkpoints/step_final folder, even without damage).
    Now the resume passes over the damaged step_6 with a warning naming the file, sets it aside, and
    the run from step_4 ends equal to an uninterrupted one."""
    import shutil

    from engine.train_state import ResumeError, checkpoint_problem, train_state_dirs
    items, o = make_items(12, seed=4), opts(epochs=2, save_every=2)
    straight, template = tmp_path / "straight", tmp_path / "template"
    train(lora_model(tiny), items, opts=o, run_dir=straight, progress=False)
    shutil.copytree(straight, template)
    for name in ("adapter", "summary.json", ".lock"):
        shutil.rmtree(template / name) if (template / name).is_dir() else (template / name).unlink()
    assert [d.name for d in train_state_dirs(template)] == ["step_0000003", "step_0000004", "step_0000006"]
    for i, (kind, damage) in enumerate(DAMAGE.items()):
        run = shutil.copytree(template, tmp_path / f"run{i}")
        damage(run / "checkpoints" / "step_0000006")
        capsys.readouterr()
        train(lora_model(tiny), items, opts=o, run_dir=run, resume=True, progress=False)
        err = capsys.readouterr().err
        assert f"warning: {run}/checkpoints/step_0000006" in err and "passing over step_0000006" in err, (kind, err)
        assert f"resuming from {run}/checkpoints/step_0000004" in err, kind
        same_run(straight, run)
        assert (run / "checkpoints" / "damaged-step_0000006").is_dir()
        assert checkpoint_problem(run / "checkpoints" / "step_0000006") is None  # written again, whole
    # A folder that is not a checkpoint is ignored with a warning, not a crash.
    run = shutil.copytree(template, tmp_path / "stray")
    (run / "checkpoints" / "step_final").mkdir()
    (run / "checkpoints" / "step_final" / "state.json").write_text("{}")
    train(lora_model(tiny), items, opts=o, run_dir=run, resume=True, progress=False)
    assert f"warning: ignoring step_final in {run}/checkpoints: not checkpoints" in capsys.readouterr().err
    same_run(straight, run)
    # Nothing intact: a clear error, and nothing moved.
    run = shutil.copytree(template, tmp_path / "all")
    for d in train_state_dirs(run):
        _truncate(d / "optimizer.pt")
    with pytest.raises(ResumeError, match=rf"no intact checkpoint in {run}/checkpoints"):
        train(lora_model(tiny), items, opts=o, run_dir=run, resume=True, progress=False)
    assert len(train_state_dirs(run)) == 3 and not list((run / "checkpoints").glob("damaged-*"))


def test_a_checkpoint_that_is_not_finite_is_never_written_nor_called_good(tiny, tmp_path, monkeypatch):
    """lr = inf (the schedule's value, so the test holds whatever the config accepts): before, step 1's
    update made every LoRA weight inf, step_1 was written anyway, and the NaN at step 2 said 'the last
    good checkpoint is step_0000001'. Now the checkpoint is refused, and the message points only at
    checkpoints that are finite, or says there is none."""
    import engine.train as train_module
    from engine.step import NonFiniteLossError
    from engine.train_state import load_train_state, train_state_dirs
    from engine.step import build_optimizer, prepare_model

    real_lr_at = train_module.lr_at
    monkeypatch.setattr(train_module, "lr_at", lambda step, **kw: float("inf"))
    run = tmp_path / "inf"
    with pytest.raises(NonFiniteLossError, match=r"stopped at step 1 .*NaN or inf in 28 of 28 trainable weights "
                                                 r"\(e.g. model.layers.0.self_attn.q_proj.lora_A.weight\) after the "
                                                 r"update, so the checkpoint step_0000001 was not written; no "
                                                 r"checkpoint was written yet"):
        train(lora_model(tiny), make_items(16), opts=opts(save_every=1), run_dir=run, progress=False)
    assert train_state_dirs(run) == [] and not (run / "checkpoints").exists()
    # inf from step 3 on: steps 1 and 2 are saved, step 3's is refused, step 2's is named and is finite.
    monkeypatch.setattr(train_module, "lr_at", lambda step, **kw: float("inf") if step >= 2 else real_lr_at(step, **kw))
    run = tmp_path / "later"
    with pytest.raises(NonFiniteLossError, match=r"stopped at step 3 .*step_0000003 was not written; the last good "
                                                 r"checkpoint is .*step_0000002"):
        train(lora_model(tiny), make_items(16), opts=opts(save_every=1), run_dir=run, progress=False)
    fresh = lora_model(tiny, seed=5)
    prepare_model(fresh)
    optimizer = build_optimizer(fresh, lr=1e-2)
    load_train_state(train_state_dirs(run)[-1], fresh, optimizer)
    assert all(torch.isfinite(p).all() for p in fresh.parameters())
    assert all(torch.isfinite(v).all() for st in optimizer.state.values() for v in st.values())


def test_optimizer_state_that_is_not_finite_is_not_checkpointed_and_never_resumed(tiny, tmp_path):
    """Adam's second moment can overflow while the weights stay finite (its update is then 0). Such
    state is not saved; and a poisoned checkpoint that is whole (written by a version that did not
    check) is refused at resume, naming the file, instead of training on into NaN."""
    import json

    from safetensors.torch import load_file, save_file

    import engine.train_state as T
    from engine.step import NonFiniteLossError, build_optimizer, prepare_model
    from engine.train_state import ResumeError, train_state_dirs

    model = lora_model(tiny)
    prepare_model(model)
    optimizer = build_optimizer(model, lr=1e-2)
    for p in model.parameters():
        if p.requires_grad:
            p.grad = torch.ones_like(p)
    optimizer.step()
    name, param = next((n, p) for n, p in model.named_parameters() if p.requires_grad)
    optimizer.state[param]["exp_avg_sq"][0, 0] = float("inf")
    with pytest.raises(NonFiniteLossError, match=rf"NaN or inf in 1 of \d+ optimizer state tensors \(e.g. "
                                                 rf"{name}.exp_avg_sq\)"):
        T.save_train_state(tmp_path / "opt", model, optimizer, None, {"step": 1, "mode": "lora"})
    assert not (tmp_path / "opt" / "checkpoints").exists()

    items, o = make_items(12, seed=4), opts(epochs=2, save_every=2)
    run = tmp_path / "run"
    train(lora_model(tiny), items, opts=o, run_dir=run, progress=False)
    newest = train_state_dirs(run)[-1]
    (newest / "manifest.json").unlink()  # as an older version wrote it: no manifest, no finite check
    weights = load_file(str(newest / "trainable.safetensors"))
    weights[name][0, 0] = float("nan")
    save_file(weights, str(newest / "trainable.safetensors"))
    before = (run / "metrics.jsonl").read_bytes()
    with pytest.raises(ResumeError, match=rf"{newest}/trainable.safetensors: NaN or inf in \['{name}'\]; training "
                                          rf"from it can only give NaN. Move step_0000006 out of"):
        train(lora_model(tiny), items, opts=o, run_dir=run, resume=True, progress=False)
    assert (run / "metrics.jsonl").read_bytes() == before and newest.is_dir()
    weights[name][0, 0] = 0.0
    save_file(weights, str(newest / "trainable.safetensors"))
    opt = torch.load(newest / "optimizer.pt", weights_only=True)
    opt["state"][0]["exp_avg"].view(-1)[0] = float("inf")
    torch.save(opt, newest / "optimizer.pt")
    with pytest.raises(ResumeError, match=rf"{newest}/optimizer.pt: NaN or inf in \['state\[0\].exp_avg'\]"):
        train(lora_model(tiny), items, opts=o, run_dir=run, resume=True, progress=False)
    assert json.loads((newest / "state.json").read_text())["step"] == 6


@pytest.fixture(scope="module")
def toml_run(tmp_path_factory):
    """A TOML config of a tiny model + tokenizer and a JSONL training set (as the end-to-end test in
    test_train.py builds them); returns a function making the config for a run dir with overrides."""
    import json

    from engine.config import load_config
    from engine.demo.tiny import TinySpec, write_tiny_model

    root = tmp_path_factory.mktemp("toml_run")
    schema = "CREATE TABLE singer (id INTEGER PRIMARY KEY, name TEXT, age INTEGER)"
    rows = [{"question": f"How many singers are older than {n}?", "sql": f"SELECT count(*) FROM singer WHERE age > {n}",
             "schema": schema} for n in range(20, 32)]
    (root / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    spec = TinySpec(vocab_size=300, hidden_size=32, intermediate_size=64, num_hidden_layers=1)
    model_dir = write_tiny_model(root / "model", [schema] + [r["question"] + " " + r["sql"] for r in rows], spec)
    toml = root / "tiny.toml"
    toml.write_text(f'[model]\nsource = "{model_dir}"\ndevice = "cpu"\n[lora]\nr = 4\nalpha = 8\ndropout = 0.0\n'
                    f'[data]\nformat = "jsonl"\ntrain_path = "{root / "train.jsonl"}"\nmax_len = 512\nsample_rows = 0\n'
                    f'system_prompt = ""\n'
                    f'[train]\nmicro_batch_size = 2\ngrad_accum = 2\nlr = 1e-2\nmax_steps = 6\nsave_every = 2\n'
                    f'log_every = 1\nwarmup_ratio = 0.0\nschedule = "constant"\n')
    return lambda run, *overrides: load_config(toml, [f"train.run_dir='{run}'", *overrides])


def test_resume_refuses_a_changed_config_before_writing_anything(toml_run, tmp_path):
    """Before: --resume with train.micro_batch_size changed was refused, but only after config.toml had
    been overwritten with the refused settings; lr and lora.dropout changes were taken silently (the
    lr jumped from 0.0065 to 0.17 at step 5). Now every key that changes the training is compared
    first, refused with the list of changes, and with --allow-config-change taken and recorded."""
    import json

    from engine.config import load_config
    from engine.train import run_training
    from engine.train_state import ResumeError

    run = tmp_path / "run"
    cfg = toml_run(run, "train.max_steps=4")
    run_training(cfg, progress=False)
    files = {p: p.read_bytes() for p in run.rglob("*") if p.is_file()}
    changed = toml_run(run, "train.max_steps=4", "train.lr=0.5", "lora.dropout=0.25", "train.log_every=2")
    with pytest.raises(ResumeError, match=r"^--resume: .*config.toml was trained with other settings: lora.dropout "
                                          r"0.0 -> 0.25, train.lr 0.01 -> 0.5; resuming with them would not continue "
                                          r"the same run.*pass --allow-config-change"):
        run_training(changed, resume=True, progress=False)
    with pytest.raises(ResumeError, match="already has checkpoints"):  # without --resume: also nothing written
        run_training(changed, progress=False)
    assert {p: p.read_bytes() for p in run.rglob("*") if p.is_file()} == files
    # What only changes logging, saving or memory needs no flag, and is recorded too.
    run_training(toml_run(run, "train.max_steps=4", "train.log_every=2", "train.keep_last=5"), resume=True,
                 progress=False)
    (line,) = [json.loads(t) for t in (run / "config_changes.jsonl").read_text().splitlines()]
    assert line["changes"] == {"train.keep_last": [2, 5], "train.log_every": [1, 2]} and not line["allowed_by_flag"]
    # Allowed: the new lr and dropout are what the remaining steps use, and the change is on record.
    longer = toml_run(run, "train.max_steps=6", "train.lr=0.5", "lora.dropout=0.25")
    with pytest.raises(ResumeError, match=r"train.max_steps 4 -> 6, train.lr 0.01 -> 0.5"):
        run_training(longer, resume=True, progress=False)
    run_training(longer, resume=True, allow_config_change=True, progress=False)
    rows = [json.loads(t) for t in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["lr"] for r in rows if r["step"] > 4] == [0.5, 0.5]  # constant schedule at the new lr
    assert [r["lr"] for r in rows if r["step"] <= 4] == [0.01] * 4  # the lines of the first 4 steps kept
    record = [json.loads(t) for t in (run / "config_changes.jsonl").read_text().splitlines()][-1]
    assert record["step"] == 4 and record["checkpoint"] == "step_0000004" and record["allowed_by_flag"]
    assert record["changes"]["train.lr"] == [0.01, 0.5] and record["changes"]["lora.dropout"] == [0.0, 0.25]
    assert record["changes"]["checkpoint.total_steps"] == [4, 6]
    assert load_config(run / "config.toml") == longer


def test_resume_without_a_config_file_compares_the_checkpoint_state(tiny, tmp_path):
    """train() called directly (no config.toml): a new lr was taken silently; now state.json's schedule
    is compared too. Allowed, the optimizer runs with this run's betas and eps, not the saved ones
    that load_state_dict would put back."""
    import json

    from engine.train import restore, start
    from engine.train_state import ResumeError

    items, run = make_items(12, seed=4), tmp_path / "run"
    train(lora_model(tiny), items, opts=opts(epochs=2, save_every=2), run_dir=run, progress=False)
    new = opts(epochs=2, save_every=2, lr=5e-3, adam_betas=(0.5, 0.9), adam_eps=1e-6)
    with pytest.raises(ResumeError, match=r"saved with schedule = \{'kind': 'constant', 'lr': 0.01, .*this run has "
                                          r"\{'kind': 'constant', 'lr': 0.005.*--allow-config-change"):
        train(lora_model(tiny), items, opts=new, run_dir=run, resume=True, progress=False)
    loop = start(lora_model(tiny), items, new, run, pad_id=0)
    changes = restore(loop, True, allow_changes=True)
    assert changes == {"checkpoint.schedule": [{"kind": "constant", "lr": 0.01, "min_lr_ratio": 0.0},
                                               {"kind": "constant", "lr": 0.005, "min_lr_ratio": 0.0}]}
    assert all(g["betas"] == (0.5, 0.9) and g["eps"] == 1e-6 for g in loop.optimizer.param_groups)
    assert loop.optimizer.state  # the moments did come from the checkpoint
    train(lora_model(tiny), items, opts=new, run_dir=run, resume=True, allow_config_change=True, progress=False)
    (line,) = [json.loads(t) for t in (run / "config_changes.jsonl").read_text().splitlines()]
    assert line["step"] == 6 and list(line["changes"]) == ["checkpoint.schedule"]


def test_configurations_that_train_nothing_are_errors(tiny, toml_run, tmp_path):
    """Before: train.mode = 'full' on an NF4 base froze every quantized linear (their packed weights
    are buffers), trained the embeddings, norms and biases and exited 0; lora.target_modules naming
    nothing ended in a ValueError traceback. Now both are one-line config errors, before any training."""
    pytest.importorskip("kernels.nf4_linear")
    from engine.config import ConfigError
    from engine.train import run_training

    run = tmp_path / "full"
    with pytest.raises(ConfigError, match=r"train.mode = 'full' with model.quantize = 'nf4': quantized linears "
                                          r"can't be trained.*use train.mode = 'lora' \(QLoRA\)"):
        run_training(toml_run(run, "train.mode=full", "model.quantize=nf4"), progress=False)
    assert not (run / "checkpoints").exists() and not (run / "model").exists()
    nf4 = load_model(tiny, dtype=torch.float32, quantize="nf4")  # the same through train() with a model built by hand
    with pytest.raises(ConfigError, match=r"train.mode = 'full' on a quantized base: its 14 NF4 linears \(e.g. "
                                          r"model.layers.0.self_attn.q_proj\) can't be trained"):
        train(nf4, make_items(4), opts=opts(mode="full"), run_dir=tmp_path / "full2", progress=False)
    for targets, message in ((["qproj"], r"\[lora\] target_modules: no module named 'qproj' \(did you mean "
                                         r"'q_proj'\?\)\. Linear modules in this model: down_proj, gate_proj"),
                             ("attn_.*", r"\[lora\] target_modules='attn_\.\*' \(a regular expression .*\) "
                                         r"matches no module; linear modules here: \['down_proj'")):
        with pytest.raises(ConfigError, match=message):
            run_training(toml_run(tmp_path / "t", f"lora.target_modules={targets!r}"), progress=False)
