"""torchrun on CPU (gloo, 2 ranks started by the test): data-parallel training equals one process
with the same global batch, a killed 2-rank run resumes exactly, and a sharded eval writes the
report one process writes. One tiny NF4 + LoRA (dropout 0.1) setup, shared by the tests.

The ranks are forked from the test process with the environment torchrun gives its workers
(RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, ...), so they start in milliseconds; one resume goes
through torchrun itself (about 15 s on a loaded 2-core machine, nearly all of it three processes
importing torch).
"""

import json
import multiprocessing
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys

import pytest
import torch
from safetensors.torch import load_file

import eval as eval_cli
import train as train_cli
from engine.config import load_config
from engine.distributed import SINGLE, World, session
from engine.train import run_training
from engine.train_state import ResumeError, train_state_dirs
from tests.paths import REPO

pytestmark = pytest.mark.usefixtures("one_thread")  # the ranks run on one thread each: the same arithmetic

SCHEMA = "CREATE TABLE singer (id INTEGER PRIMARY KEY, name TEXT, age INTEGER)"
NAMES = ["Ada", "Ben", "Cara", "Dan", "Eve", "Finn"]


FORKSERVER = os.environ.get("TEST_FORKSERVER") == "1"


def _rank(rank: int, size: int, port: int, logs, fn, args) -> None:
    if logs is not None:  # this rank's stderr, for the test to read (sys.stderr may be pytest's capture)
        sys.stderr = open(logs / f"rank{rank}.err", "w", buffering=1)
        os.dup2(sys.stderr.fileno(), 2)
    os.environ.update(RANK=str(rank), WORLD_SIZE=str(size), LOCAL_RANK=str(rank), LOCAL_WORLD_SIZE=str(size),
                      GROUP_RANK="0", MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.set_num_threads(1)
    result = fn(*args)
    sys.exit(result if isinstance(result, int) else 0)


def ranks(fn, *args, size: int = 2, logs=None) -> list[int]:
    """fn(*args) in `size` processes forked as torchrun's ranks; their exit codes (a hung rank is killed).
    logs: a folder for each rank's stderr (rank<r>.err)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # fork: the ranks start at once, torch already imported. Not once CUDA is initialised here (a GPU
    # test ran before): a forked child could not touch CUDA (saving a checkpoint reads its RNG state).
    ctx = multiprocessing.get_context("forkserver" if torch.cuda.is_initialized() or FORKSERVER else "fork")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload([__name__])  # the server imports torch and the engine once
    procs = [ctx.Process(target=_rank, args=(r, size, port, logs, fn, args)) for r in range(size)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    for p in procs:
        if p.is_alive():
            p.kill()
            p.join()
    return [p.exitcode for p in procs]


def train_killed_after(step: int, toml, *overrides) -> None:
    """A train.py run whose ranks SIGKILL themselves after optimizer step `step` (and its checkpoint)."""
    cfg = load_config(toml, list(overrides))
    world = None

    def kill(s, record):
        if s == step:
            world.sum_floats([0.0])  # a barrier: neither rank dies while the other still talks to it
            os.kill(os.getpid(), signal.SIGKILL)

    with session(cfg.model.device) as world:
        run_training(cfg, world=world, on_step=kill, progress=False)


def torchrun(*args, env=None, check=True) -> subprocess.CompletedProcess:
    """`torchrun --standalone --nproc_per_node 2 ARGS` from the repository root (a free port each time)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1", **(env or {})}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", *map(str, args)]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited with {done.returncode}:\n{done.stdout}\n{done.stderr[-4000:]}")
    return done


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """A tiny model and tokenizer, a database, train / eval JSONL of unequal lengths, a run config."""
    from engine.demo.tiny import TinySpec, write_tiny_model

    root = tmp_path_factory.mktemp("dist")
    db = root / "singers.sqlite"
    conn = sqlite3.connect(db)
    conn.execute(SCHEMA)
    conn.executemany("INSERT INTO singer VALUES (?, ?, ?)", [(i, n, 20 + 7 * i) for i, n in enumerate(NAMES)])
    conn.commit()
    conn.close()
    # Questions and SQL of different lengths, so the micro-batches carry unequal supervised tokens.
    rows = [{"question": f"How many singers are older than {n}?" + " Count them all." * (n % 3),
             "sql": f"SELECT count(*) FROM singer WHERE age > {n}" + " AND name <> 'x'" * (n % 4), "schema": SCHEMA}
            for n in range(20, 43)]
    (root / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    tests = [{"question": f"Name of the singer aged {20 + 7 * i}?" + " Please." * (i % 2),
              "sql": f"SELECT name FROM singer WHERE age = {20 + 7 * i}", "db_path": str(db), "db_id": "singers"}
             for i in range(7)]
    (root / "test.jsonl").write_text("".join(json.dumps(r) + "\n" for r in tests))
    texts = [SCHEMA] + [r["question"] + " " + r["sql"] for r in rows + tests]
    # init_std 0.3: a random model whose greedy answers differ from prompt to prompt (0.02 repeats one
    # token everywhere), so an answer put back at the wrong example shows.
    spec = TinySpec(vocab_size=400, hidden_size=64, intermediate_size=128, num_hidden_layers=2, init_std=0.3)
    model = write_tiny_model(root / "model", texts, spec)
    toml = root / "run.toml"
    toml.write_text(f"""
[model]
source = "{model}"
device = "cpu"
quantize = "nf4"
dtype = "fp32"
[lora]
r = 4
alpha = 8
dropout = 0.1
[data]
format = "jsonl"
train_path = "{root / 'train.jsonl'}"
eval_path = "{root / 'test.jsonl'}"
val_frac = 0.2
max_len = 256
sample_rows = 0
[train]
epochs = 2
micro_batch_size = 2
grad_accum = 2
lr = 1e-2
schedule = "cosine"
warmup_ratio = 0.2
length_group_window = 2
save_every = 2
log_every = 1
[eval]
max_new_tokens = 12
batch_size = 2
timeout = 5.0
""")
    return root, toml


@pytest.fixture(scope="module")
def two_ranks(setup):
    """An uninterrupted 2-rank x grad_accum 2 run (6 steps: 4, 4 and 1 micro-batches an epoch)."""
    root, toml = setup
    run = root / "two_ranks"
    assert ranks(train_cli.main, [str(toml), "--set", f"train.run_dir='{run}'"]) == [0, 0]
    return run


def metrics(run) -> list[dict]:
    return [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]


def adapter(run) -> dict[str, torch.Tensor]:
    return load_file(str(run / "adapter" / "adapter_model.safetensors"))


def assert_same_run(a, b, *, exact: bool):
    ra, rb = metrics(a), metrics(b)
    assert [r["step"] for r in ra] == [r["step"] for r in rb]
    close = (lambda x, y: x == y) if exact else (lambda x, y: x == pytest.approx(y, rel=1e-5, abs=1e-7))
    for x, y in zip(ra, rb):
        for key in ("loss", "val_loss", "grad_norm", "lr"):
            assert (key in x) == (key in y) and (key not in x or close(x[key], y[key])), (key, x, y)
        for key in ("tokens", "supervised_tokens", "val_tokens", "epoch"):
            assert x.get(key) == y.get(key), (key, x, y)
    wa, wb = adapter(a), adapter(b)
    assert wa.keys() == wb.keys()
    for k in wa:
        if exact:
            assert torch.equal(wa[k], wb[k]), k
        else:
            # The summed gradients differ in the last bits (ranks add (g0 + g1) + (g2 + g3), one process
            # adds in order), and Adam's normalisation enlarges that for entries whose gradient is near 0:
            # ~3e-7 absolute on weights of ~1e-2 after 6 steps at lr 1e-2.
            torch.testing.assert_close(wa[k], wb[k], rtol=1e-5, atol=1e-6, msg=lambda m: f"{k}: {m}")


def test_share_splits_contiguously_and_covers_everything():
    for n in range(0, 9):
        parts = [World(rank=r, size=3).share(n) for r in range(3)]
        assert [i for p in parts for i in p] == list(range(n))
        assert max(map(len, parts)) - min(map(len, parts)) <= 1
    assert SINGLE.share(5) == range(5) and SINGLE.sum_floats([1, 2.5]) == [1.0, 2.5]


def test_two_ranks_x_accumulation_2_equal_one_process_x_4(setup, two_ranks):
    root, toml = setup
    one = root / "one_process"
    summary = run_training(load_config(toml, [f"train.run_dir='{one}'", "train.grad_accum=4"]), progress=False)
    assert summary["steps"] == 6
    steps = [r for r in metrics(one) if "loss" in r]
    assert len({r["supervised_tokens"] for r in steps}) > 1  # unequal groups: the global normalisation matters
    assert_same_run(two_ranks, one, exact=False)  # only the order of float additions differs
    two = json.loads((two_ranks / "summary.json").read_text())
    assert two["ranks"] == 2 and len(two["peak_memory_per_rank"]) == 2 and two["tokens"] == summary["tokens"]
    assert not list(two_ranks.glob(".tmp-*")) and not list((two_ranks / "checkpoints").glob(".tmp-*"))


def test_a_killed_two_rank_run_resumes_exactly(setup, two_ranks):
    root, toml = setup
    run = root / "killed"
    assert ranks(train_killed_after, 5, toml, f"train.run_dir='{run}'") == [-signal.SIGKILL] * 2
    assert train_state_dirs(run)[-1].name == "step_0000004"  # mid-epoch 2; step 5 was lost
    mapped = root / "mapped"
    shutil.copytree(run, mapped)
    torchrun("train.py", toml, "--set", f"train.run_dir='{run}'", "--resume")
    assert_same_run(two_ranks, run, exact=True)

    # Another number of ranks: refused, unless grad_accum keeps the micro-batches per step (then it
    # continues the same run, in one process here).
    cfg = load_config(toml, [f"train.run_dir='{mapped}'"])
    with pytest.raises(ResumeError, match=r"saved by 2 rank\(s\) x grad_accum 2 = 4 micro-batches per step, this "
                                          r"run has 1 x 2 = 2"):
        run_training(cfg, resume=True, progress=False)
    run_training(load_config(toml, [f"train.run_dir='{mapped}'", "train.grad_accum=4"]), resume=True, progress=False)
    assert_same_run(two_ranks, mapped, exact=False)
    changes = [json.loads(line) for line in (mapped / "config_changes.jsonl").read_text().splitlines()]
    assert changes[-1]["changes"]["train.grad_accum"] == [2, 4] and not changes[-1]["allowed_by_flag"]


def train_with_nan_on_rank_1(call: int, argv: list[str]):
    """train.py whose rank 1 meets a NaN loss in its second micro-batch at its `call`-th step."""
    import engine.train
    from engine.step import NonFiniteLossError

    real, calls = engine.train.accumulate_gradients, []

    def poisoned(*args, **kw):
        calls.append(1)
        if os.environ["RANK"] == "1" and len(calls) == call:
            error = NonFiniteLossError("micro-batch 2 of 2 has loss nan")
            error.micro_batch, error.loss = 1, float("nan")
            raise error
        return real(*args, **kw)

    engine.train.accumulate_gradients = poisoned  # in this forked rank only
    return train_cli.main(argv)


def test_a_nan_on_one_rank_stops_every_rank_and_rank_0_says_where(setup, tmp_path):
    root, toml = setup
    run = root / "nan"
    argv = [str(toml), "--set", f"train.run_dir='{run}'"]
    assert ranks(train_with_nan_on_rank_1, 4, argv, logs=tmp_path) == [2, 2]
    err0, err1 = ((tmp_path / f"rank{r}.err").read_text() for r in (0, 1))
    assert ("train.py: error: training stopped at step 4 (epoch 2, step 1 of 3 in the epoch): micro-batch 4 of 4 has "
            f"loss nan; the last good checkpoint is {run / 'checkpoints' / 'step_0000003'}") in err0
    assert "error" not in err1 and "nan" not in err1  # rank 1 met the NaN and stops quietly: rank 0 said it


def test_two_rank_eval_writes_the_one_process_report(setup, two_ranks, tmp_path):
    root, toml = setup
    args = [toml, "--adapter", two_ranks / "adapter", "--workers", "1"]
    assert eval_cli.main([str(a) for a in args] + ["--out", str(tmp_path / "one")]) == 0
    assert ranks(eval_cli.main, [str(a) for a in args] + ["--out", str(tmp_path / "two")]) == [0, 0]
    one, two = (json.loads((tmp_path / d / "report.json").read_text()) for d in ("one", "two"))
    assert one.pop("timings") and two.pop("timings")
    assert one == two and one["count"] == 7
    answers = [json.loads(line)["raw_outputs"][0] for line in (tmp_path / "two" / "predictions.jsonl").open()]
    assert len(set(answers)) >= 4  # distinct answers, each at its own example
    assert (tmp_path / "one" / "predictions.jsonl").read_text() == (tmp_path / "two" / "predictions.jsonl").read_text()
    assert not (tmp_path / "two" / "answers.partial.jsonl").exists()
