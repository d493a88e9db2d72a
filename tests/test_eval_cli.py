"""eval.py end to end, in process: a tiny random model with a byte-level ChatML tokenizer, a tiny
SQLite database and JSONL / Spider / BIRD-shaped eval sets written here; scores of predictions
files checked against hand-made expectations; --compare; each user error.
"""

import json
import os
import sqlite3
import sys

import pytest
import torch

import eval as eval_cli
from engine.eval_files import EvalError, parse_data_spec
from models.config import ModelConfig
from models.transformer import CausalLM
from tests.tiny_models import write_byte_tokenizer


SINGERS = [(1, "Ada", "France", 30), (2, "Ben", "Spain", 41), (3, "Cara", "France", 25), (4, "Dan", "Italy", 52)]
CONCERTS = [(1, 1, 2014), (2, 1, 2015), (3, 2, 2014), (4, 4, 2016), (5, 4, 2017)]
# (question, gold SQL, a wrong prediction: runs but returns other rows, or fails)
ROWS = [
    ("How many singers are there?", "SELECT count(*) FROM singer", "SELECT count(*) FROM concert"),
    ("Names of singers from France.", "SELECT name FROM singer WHERE country = 'France'",
     "SELECT name FROM singer WHERE country = 'Spain'"),
    ("Singers ordered by age.", "SELECT name FROM singer ORDER BY age",
     "SELECT name FROM singer ORDER BY age DESC"),
    ("Concerts in 2014.", "SELECT concert_id FROM concert WHERE year = 2014", "SELECT concert_id FROM concert"),
    ("Oldest singer's name.", "SELECT name FROM singer ORDER BY age DESC LIMIT 1", "SELECT nme FROM singer"),
    ("Concerts per singer.", "SELECT singer_id, count(*) FROM concert GROUP BY singer_id",
     "SELECT singer_id FROM concerts"),
]


pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py


def make_db(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE singer (singer_id INTEGER PRIMARY KEY, name TEXT, country TEXT, age INTEGER)")
    conn.execute("CREATE TABLE concert (concert_id INTEGER PRIMARY KEY, singer_id INTEGER, year INTEGER)")
    conn.executemany("INSERT INTO singer VALUES (?, ?, ?, ?)", SINGERS)
    conn.executemany("INSERT INTO concert VALUES (?, ?, ?)", CONCERTS)
    conn.commit()
    conn.close()
    return path


def write_random_qwen2(path, vocab_size, seed=3):
    """config.json + model.safetensors of a 2-layer qwen2 with random weights (no transformers
    import: it would double this file's run time)."""
    from safetensors.torch import save_file

    hf = {"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "vocab_size": vocab_size,
          "hidden_size": 64, "intermediate_size": 160, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
          "max_position_embeddings": 2048, "rms_norm_eps": 1e-6, "rope_theta": 1e6, "hidden_act": "silu",
          "tie_word_embeddings": False}
    g = torch.Generator().manual_seed(seed)
    state = {k: (torch.ones_like(v) if k.endswith("norm.weight") else torch.randn(v.shape, generator=g) * 0.1)
             for k, v in CausalLM(ModelConfig.from_hf(hf)).state_dict().items()}
    save_file(state, str(path / "model.safetensors"))
    (path / "config.json").write_text(json.dumps(hf))


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A tiny model dir (weights + byte-level tokenizer with a chat template), a JSONL eval set on
    one database, a run config, and a Spider-layout folder with the same questions."""
    root = tmp_path_factory.mktemp("eval")
    model_dir = root / "model"
    write_random_qwen2(model_dir, vocab_size=write_byte_tokenizer(model_dir))

    data = root / "data"
    make_db(data / "db" / "concerts.sqlite")
    with open(data / "eval.jsonl", "w") as f:
        for q, gold, _ in ROWS:
            f.write(json.dumps({"question": q, "sql": gold, "db_path": "db/concerts.sqlite", "db_id": "concerts"}) + "\n")

    spider = root / "spider"
    make_db(spider / "database" / "concerts" / "concerts.sqlite")
    (spider / "dev.json").write_text(json.dumps([{"question": q, "query": g, "db_id": "concerts"} for q, g, _ in ROWS]))

    config = root / "tiny.toml"
    config.write_text(f"""
[model]
source = "{model_dir}"
dtype = "fp32"
device = "cpu"

[data]
format = "jsonl"
eval_path = "{data / 'eval.jsonl'}"
schema_style = "compact"
sample_rows = 0
system_prompt = ""

[train]
run_dir = "{root / 'run'}"

[eval]
max_new_tokens = 6
batch_size = 4
timeout = 5.0
""")
    return {"root": root, "config": config, "run": root / "run", "spider": spider, "model": model_dir}


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def run_main(argv, capsys):
    rc = eval_cli.main(argv)
    out = capsys.readouterr()
    return rc, out.out, out.err


# ----------------------------------------------------------------------------- generate + score


def test_config_run_writes_every_output(world, capsys):
    rc, out, err = run_main([str(world["config"]), "--workers", "1"], capsys)
    assert rc == 0, err
    out_dir = world["run"] / "eval-base"
    for name in ("report.json", "report.md", "predictions.jsonl", "pred_spider.sql", "gold_spider.sql"):
        assert (out_dir / name).is_file(), name
    report = json.loads((out_dir / "report.json").read_text())
    for key in ("execution_accuracy", "valid_sql", "exact_match", "token_match", "hallucination_rate"):
        assert 0.0 <= report[key] <= 1.0
    assert report["count"] == len(ROWS) and report["dialect"] == "spider"
    assert report["model"] == str(world["model"]) and report["adapter"] is None
    assert report["settings"]["max_new_tokens"] == 6 and report["settings"]["device"] == "cpu"
    assert set(report["timings"]) >= {"load_s", "generate_s", "score_s", "total_s"}
    assert sum(report["outcomes"].values()) == len(ROWS)
    assert report["by_hardness"]["all"]["count"] == len(ROWS)

    rows = read_jsonl(out_dir / "predictions.jsonl")
    assert [r["index"] for r in rows] == list(range(len(ROWS)))
    assert [r["gold_sql"] for r in rows] == [g for _, g, _ in ROWS]
    assert [r["question"] for r in rows] == [q for q, _, _ in ROWS]
    for r in rows:
        assert {"db_id", "pred_sql", "exec_match", "error", "hardness", "valid", "samples", "raw_outputs"} <= set(r)
        assert len(r["raw_outputs"]) == 1
    # the headline figure is the mean of the per-example matches
    assert report["execution_accuracy"] == sum(r["exec_match"] for r in rows) / len(rows)
    gold_lines = (out_dir / "gold_spider.sql").read_text().splitlines()
    assert gold_lines == [f"{g}\tconcerts" for _, g, _ in ROWS]
    assert len((out_dir / "pred_spider.sql").read_text().splitlines()) == len(ROWS)
    assert "execution_accuracy" in out and str(out_dir) in out


def test_adapter_sampling_votes_and_reports_pass_at_k(world, tmp_path, capsys):
    from engine.adapter import save_adapter
    from engine.lora import apply_lora, lora_modules
    from models import load_model

    model = load_model(world["model"], dtype=torch.float32)
    apply_lora(model, r=4, alpha=8, dropout=0.0, target_modules=("q_proj", "v_proj"))
    with torch.no_grad():
        for m in lora_modules(model).values():
            m.lora_B.weight.normal_(0, 0.5)  # a real update, not peft's zero init
    adapter = save_adapter(model, tmp_path / "adapter")

    rc, out, err = run_main([str(world["config"]), "--adapter", str(adapter), "--max-examples", "3",
                             "--set", "eval.num_samples=3", "--set", "eval.temperature=1.0", "--workers", "1"], capsys)
    assert rc == 0, err
    out_dir = world["run"] / "eval"
    report = json.loads((out_dir / "report.json").read_text())
    assert report["adapter"] == str(adapter) and report["settings"]["adapter_modules"] == 2 * 2  # 2 layers
    assert report["count"] == 3 and report["num_samples"] == 3
    assert set(report["pass_at_k"]) == {"1", "2", "3"}
    rows = read_jsonl(out_dir / "predictions.jsonl")
    assert len(rows) == 3
    for r in rows:
        assert len(r["raw_outputs"]) == 3 and len(r["samples"]) == 3 and len(r["sample_exec_match"]) == 3
        assert r["pred_sql"] == r["samples"][r["vote_index"]]
    # pass@k is 1 - C(n-c, k) / C(n, k) per example, averaged
    assert report["pass_at_k"]["3"] == sum(any(r["sample_exec_match"]) for r in rows) / 3


# ----------------------------------------------------------------------------- --score


def write_spider_preds(path, right):
    path.write_text("".join((g if i in right else w) + "\n" for i, (_, g, w) in enumerate(ROWS)))
    return path


def test_score_spider_predictions_file(world, tmp_path, capsys):
    right = {0, 2, 3}
    preds = write_spider_preds(tmp_path / "preds.sql", right)
    rc, out, err = run_main(["--score", str(preds), "--data", f"spider:{world['spider']}", "--out",
                             str(tmp_path / "a"), "--workers", "1"], capsys)
    assert rc == 0, err
    report = json.loads((tmp_path / "a" / "report.json").read_text())
    assert report["execution_accuracy"] == pytest.approx(len(right) / len(ROWS))
    # row 1 runs but returns other rows; row 4 names a column that does not exist, row 5 a table
    assert report["outcomes"]["correct"] == 3
    assert report["outcomes"]["wrong_result"] == 1
    assert report["outcomes"]["no_such_column"] == 1 and report["outcomes"]["no_such_table"] == 1
    rows = read_jsonl(tmp_path / "a" / "predictions.jsonl")
    assert [r["exec_match"] for r in rows] == [i in right for i in range(len(ROWS))]
    assert report["predictions"] == str(preds) and report["model"] is None

    # the same predictions as JSONL score the same; so does the official pred file we wrote
    jsonl = tmp_path / "preds.jsonl"
    jsonl.write_text("".join(json.dumps({"index": i, "pred_sql": (g if i in right else w)}) + "\n"
                             for i, (_, g, w) in enumerate(ROWS)))
    for source, out_dir in ((jsonl, "b"), (tmp_path / "a" / "pred_spider.sql", "c")):
        assert eval_cli.main(["--score", str(source), "--data", f"spider:{world['spider'] / 'dev.json'}",
                              "--out", str(tmp_path / out_dir), "--workers", "1"]) == 0
        again = json.loads((tmp_path / out_dir / "report.json").read_text())
        assert again["execution_accuracy"] == report["execution_accuracy"]
        assert again["outcomes"] == report["outcomes"]


def test_order_by_in_gold_makes_row_order_count(world, tmp_path):
    right = {0, 3}  # row 2 gets the reversed order: same bag of rows, wrong because gold has ORDER BY
    preds = write_spider_preds(tmp_path / "preds.sql", right)
    assert eval_cli.main(["--score", str(preds), "--data", f"spider:{world['spider']}", "--out", str(tmp_path / "o"),
                          "--workers", "1"]) == 0
    rows = read_jsonl(tmp_path / "o" / "predictions.jsonl")
    assert rows[2]["exec_match"] is False and rows[2]["error"] == "wrong_result"


def test_score_bird_predictions_with_db_dir(world, tmp_path):
    bird = tmp_path / "bird"
    make_db(tmp_path / "dbs" / "concerts" / "concerts.sqlite")
    levels = ["simple", "moderate", "challenging", "simple", "moderate", "simple"]
    bird.mkdir()
    (bird / "dev.json").write_text(json.dumps([
        {"question_id": i, "question": q, "evidence": "", "SQL": g, "db_id": "concerts", "difficulty": levels[i]}
        for i, (q, g, _) in enumerate(ROWS)]))
    right = {0, 1, 2}
    # BIRD's evaluator input: {"i": "SQL\t----- bird -----\tdb_id"}
    preds = tmp_path / "predict_dev.json"
    preds.write_text(json.dumps({str(i): f"{g if i in right else w}\t----- bird -----\tconcerts"
                                 for i, (_, g, w) in enumerate(ROWS)}))
    assert eval_cli.main(["--score", str(preds), "--data", f"bird:{bird}", "--db-dir", str(tmp_path / "dbs"),
                          "--out", str(tmp_path / "out"), "--workers", "1"]) == 0
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["dialect"] == "bird"
    assert report["execution_accuracy"] == pytest.approx(3 / 6)
    # set semantics: row 2's reversed order would count as right here, but row 2 is gold anyway
    table = report["by_difficulty"]
    assert [table[k]["count"] for k in ("simple", "moderate", "challenging")] == [3, 2, 1]
    assert table["simple"]["execution_accuracy"] == pytest.approx(1 / 3)  # rows 0 right; 3, 5 wrong
    assert table["moderate"]["execution_accuracy"] == pytest.approx(1 / 2)  # row 1 right, row 4 wrong
    assert table["challenging"]["execution_accuracy"] == 1.0  # row 2
    official = json.loads((tmp_path / "out" / "predict_bird.json").read_text())
    assert official["0"] == f"{ROWS[0][1]}\t----- bird -----\tconcerts"


def test_score_jsonl_dataset(world, tmp_path):
    preds = write_spider_preds(tmp_path / "p.sql", {1, 4, 5})
    assert eval_cli.main(["--score", str(preds), "--data", f"jsonl:{world['root'] / 'data' / 'eval.jsonl'}",
                          "--out", str(tmp_path / "j"), "--workers", "1"]) == 0
    report = json.loads((tmp_path / "j" / "report.json").read_text())
    assert report["execution_accuracy"] == pytest.approx(3 / 6)


# ----------------------------------------------------------------------------- --compare


def test_compare_prints_both_reports_with_deltas(world, tmp_path, capsys):
    for name, right in (("eval-base", {0}), ("eval", {0, 1, 3})):
        preds = write_spider_preds(tmp_path / f"{name}.sql", right)
        assert eval_cli.main(["--score", str(preds), "--data", f"spider:{world['spider']}",
                              "--out", str(tmp_path / name), "--workers", "1"]) == 0
    capsys.readouterr()
    rc, out, err = run_main(["--compare", str(tmp_path / "eval-base" / "report.json"),
                             str(tmp_path / "eval" / "report.json")], capsys)
    assert rc == 0, err
    assert "| figure | eval-base | eval | eval - eval-base |" in out
    assert "| execution_accuracy | 0.1667 | 0.5000 | +0.3333 |" in out
    base = json.loads((tmp_path / "eval-base" / "report.json").read_text())
    tuned = json.loads((tmp_path / "eval" / "report.json").read_text())
    for bucket, row in tuned["by_hardness"].items():
        a, b = base["by_hardness"][bucket]["execution_accuracy"], row["execution_accuracy"]
        assert f"| execution_accuracy [{bucket}] | {a:.4f} | {b:.4f} | {b - a:+.4f} |" in out


# ----------------------------------------------------------------------------- errors


def test_errors_are_named(world, tmp_path, capsys):
    def error_of(argv):
        rc, _, err = run_main(argv, capsys)
        assert rc == 2
        return err

    assert "no such config file" in error_of([str(tmp_path / "missing.toml")])
    assert "--adapter" in error_of([str(world["config"]), "--adapter", str(tmp_path / "nope")])
    assert "eval_path is empty" in error_of([str(world["config"]), "--set", "data.eval_path=''"])

    no_db = tmp_path / "no_db.jsonl"
    no_db.write_text(json.dumps({"question": "q", "sql": "SELECT 1", "schema": "t(a)"}) + "\n")
    assert "jsonl rows need a db_path" in error_of([str(world["config"]), "--set", f"data.eval_path='{no_db}'"])

    short = tmp_path / "short.sql"
    short.write_text("SELECT 1\n" * (len(ROWS) - 1))
    err = error_of(["--score", str(short), "--data", f"spider:{world['spider']}"])
    assert f"{len(ROWS) - 1} predictions for {len(ROWS)} examples" in err

    one = tmp_path / "one.jsonl"  # one JSONL row: was read as BIRD's dict ("key 'pred_sql' is not an index 0..0")
    one.write_text(json.dumps({"pred_sql": "SELECT 1"}) + "\n")
    err = error_of(["--score", str(one), "--data", f"spider:{world['spider']}"])
    assert f"{one}: 1 predictions for {len(ROWS)} examples" in err and "one line (or JSONL row) per dataset row" in err
    latin = tmp_path / "latin.sql"
    latin.write_bytes("SELECT 'caf\xe9'\n".encode("latin-1") * len(ROWS))
    err = error_of(["--score", str(latin), "--data", f"spider:{world['spider']}"])
    assert f"{latin}:1: not UTF-8 text" in err and "iconv -f latin1 -t utf-8" in err and len(err.splitlines()) == 1

    err = error_of(["--score", str(short), "--data", f"sparql:{world['spider']}"])
    assert "spider, bird, jsonl" in err
    no_dbs = tmp_path / "bird"
    no_dbs.mkdir()
    (no_dbs / "dev.json").write_text("[]")
    assert "no database folder" in error_of(["--score", str(short), "--data", f"bird:{no_dbs}"])
    assert "no such file" in error_of(["--score", str(tmp_path / "none.sql"), "--data", f"spider:{world['spider']}"])

    with pytest.raises(SystemExit):  # no mode at all: argparse's usage error
        eval_cli.parse_args([])
    with pytest.raises(SystemExit):
        eval_cli.parse_args(["--score", str(short)])  # --data missing
    with pytest.raises(EvalError, match="holds none of"):
        parse_data_spec(f"spider:{tmp_path}")


@pytest.mark.parametrize("flag, value, expected", [
    ("--timeout", "nan", "nan must be a finite number in (0, 86400]"),  # used to switch the watchdog off: a hang
    ("--timeout", "inf", "inf must be a finite number in (0, 86400]"),
    ("--timeout", "0", "0.0 must be a finite number in (0, 86400]"),
    ("--timeout", "-1", "-1.0 must be a finite number in (0, 86400]"),
    ("--timeout", "soon", "'soon' is not a number"),
    ("--workers", "-1", "-1 must be an integer in [0, 256]"),
    ("--workers", "100000", "100000 must be an integer in [0, 256]"),
    ("--max-examples", "-1", "-1 must be an integer >= 0"),  # used to drop the last example silently
])
def test_numeric_flags_name_flag_value_and_range(flag, value, expected, capsys):
    argv = ["run.toml"] if flag == "--max-examples" else ["--score", "p.sql", "--data", "spider:d"]
    with pytest.raises(SystemExit) as e:
        eval_cli.parse_args(argv + [flag, value])
    assert e.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"eval.py: error: argument {flag}: {expected}"


def test_an_output_folder_that_cannot_be_written_is_named_before_any_work(world, tmp_path, capsys, monkeypatch):
    # used to be FileExistsError / NotADirectoryError / PermissionError tracebacks, after generation and scoring
    preds = write_spider_preds(tmp_path / "p.sql", {0})
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o555)
    cases = [(a_file, "is a file"), (a_file / "sub", "(Not a directory)")]
    if os.geteuid() != 0:  # root writes into a 0555 folder anyway
        cases.append((readonly / "sub", "(Permission denied)"))
    for out, why in cases:
        rc, _, err = run_main(["--score", str(preds), "--data", f"spider:{world['spider']}", "--out", str(out)], capsys)
        assert rc == 2 and f"--out: " in err and str(out) in err and why in err, err
        assert "pass --out with a writable folder" in err and len(err.strip().splitlines()) == 1
    import engine.eval_files  # a read-only folder, on any machine (root included): the write probe is refused

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")
    with monkeypatch.context() as m:
        m.setattr(engine.eval_files.tempfile, "mkstemp", refuse)
        rc, _, err = run_main(["--score", str(preds), "--data", f"spider:{world['spider']}", "--out",
                               str(tmp_path / "ro")], capsys)
    assert rc == 2 and f"cannot write into the output folder {tmp_path / 'ro'} (Permission denied)" in err
    # CONFIG mode: the default <run_dir>/eval-base is checked before the model is even loaded
    import engine.evaluate
    monkeypatch.setattr(engine.evaluate, "load_model", lambda *a, **k: pytest.fail("loaded a model for nothing"))
    rc, _, err = run_main([str(world["config"]), "--set", f"train.run_dir='{a_file}'"], capsys)
    assert rc == 2 and f"train.run_dir = {a_file}: cannot write into the output folder {a_file / 'eval-base'}" in err
    readonly.chmod(0o755)


def test_answers_flow_through_extraction_to_scores(world, tmp_path, monkeypatch):
    """With decoding replaced by canned answers (gold SQL in a fence for rows 0 and 3, prose for
    row 1, a wrong query for the rest), the figures are the hand-computed ones; the prompts the
    decoder received are the chat-rendered questions in dataset order."""
    import engine.decoding  # noqa: F401  (loads the module into sys.modules)
    from engine.decoding import Completion

    seen = []

    def canned(model, tokenizer, prompts, **kw):
        texts = {0: f"```sql\n{ROWS[0][1]};\n```", 1: "I cannot answer that.", 3: f"SQL: {ROWS[3][1]}"}
        seen.extend(tokenizer.decode(p) for p in prompts)
        return [[Completion((1,), "stop_token", texts.get(i, ROWS[i][2]))] * kw["num_samples"]
                for i in range(len(prompts))]

    monkeypatch.setattr(sys.modules["engine.decoding"], "generate", canned)  # the module, not engine.decoding()
    assert eval_cli.main([str(world["config"]), "--out", str(tmp_path / "e"), "--workers", "1"]) == 0
    assert [q in p and "singer(" in p for p, (q, _, _) in zip(seen, ROWS)] == [True] * len(ROWS)
    assert all(p.endswith("<|im_start|>assistant\n") for p in seen)
    report = json.loads((tmp_path / "e" / "report.json").read_text())
    assert report["execution_accuracy"] == pytest.approx(2 / 6)
    assert report["exact_match"] == pytest.approx(2 / 6)
    assert report["outcomes"]["no_sql"] == 1 and report["outcomes"]["correct"] == 2
    rows = read_jsonl(tmp_path / "e" / "predictions.jsonl")
    assert rows[0]["pred_sql"] == ROWS[0][1] and rows[0]["raw_outputs"] == [f"```sql\n{ROWS[0][1]};\n```"]
    assert rows[1]["pred_sql"] is None and rows[1]["error"] == "no_sql"

    # predictions.jsonl scores the same again; a part of it (rows named by 'index') scores that part
    assert eval_cli.main(["--score", str(tmp_path / "e" / "predictions.jsonl"), "--data",
                          f"jsonl:{world['root'] / 'data' / 'eval.jsonl'}", "--out", str(tmp_path / "r"),
                          "--workers", "1"]) == 0
    again = json.loads((tmp_path / "r" / "report.json").read_text())
    assert again["execution_accuracy"] == report["execution_accuracy"] and again["outcomes"] == report["outcomes"]
    part = tmp_path / "part.jsonl"
    part.write_text("".join(json.dumps(r) + "\n" for r in rows if r["index"] in (0, 2, 3)))
    assert eval_cli.main(["--score", str(part), "--data", f"jsonl:{world['root'] / 'data' / 'eval.jsonl'}",
                          "--out", str(tmp_path / "p"), "--workers", "1"]) == 0
    partial = read_jsonl(tmp_path / "p" / "predictions.jsonl")
    assert [r["index"] for r in partial] == [0, 2, 3] and [r["exec_match"] for r in partial] == [True, False, True]


def test_nf4_per_config(world):
    """model.quantize = "nf4" in the config loads the decoder linears as NF4 for evaluation."""
    pytest.importorskip("kernels.nf4_linear", reason="kernels/nf4_linear.py (NF4Linear) is not in yet")
    from engine.config import load_config
    from engine.evaluate import load_for_eval

    cfg = load_config(world["config"], overrides=["model.quantize=nf4"])
    model, tokenizer, info = load_for_eval(cfg)
    assert info["quantize"] == "nf4"
    assert type(model.model.layers[0].self_attn.q_proj).__name__ == "NF4Linear"
    assert type(model.lm_head).__name__ != "NF4Linear"


def test_decode_switch_reaches_generate(world, tmp_path, monkeypatch):
    """eval.decode = reference | fast | auto becomes generate(fast=False | True | None)."""
    import engine.decoding  # noqa: F401
    from engine.decoding import Completion

    seen = []

    def canned(model, tokenizer, prompts, **kw):
        seen.append(kw["fast"])
        return [[Completion((1,), "stop_token", "SELECT 1")] * kw["num_samples"] for _ in prompts]

    monkeypatch.setattr(sys.modules["engine.decoding"], "generate", canned)
    for choice in ("reference", "fast", "auto"):
        assert eval_cli.main([str(world["config"]), "--out", str(tmp_path / choice), "--workers", "1",
                              "--set", f"eval.decode={choice}"]) == 0
    assert seen == [False, True, None]


def test_a_stopped_eval_resumes_with_the_same_answers(world, tmp_path, monkeypatch, capsys):
    """Killed after its first batch, eval.py run again reuses the saved answers, generates only the
    rest, and writes what an uninterrupted run writes; other settings or a torn line start over."""
    decoding = sys.modules["engine.decoding"]
    real = decoding.generate
    argv = [str(world["config"]), "--workers", "1", "--set", "eval.batch_size=2"]
    rc, _, err = run_main(argv + ["--out", str(tmp_path / "whole")], capsys)
    assert rc == 0, err
    whole = read_jsonl(tmp_path / "whole" / "predictions.jsonl")
    assert not (tmp_path / "whole" / "answers.partial.jsonl").exists()

    def stopped_after_one_batch(model, tokenizer, prompts, **kw):
        def on_batch(indices, rows):
            kw_on_batch(indices, rows)
            raise KeyboardInterrupt
        kw_on_batch = kw.pop("on_batch")
        return real(model, tokenizer, prompts, on_batch=on_batch, **kw)

    out = tmp_path / "resumed"
    monkeypatch.setattr(decoding, "generate", stopped_after_one_batch)
    rc, _, err = run_main(argv + ["--out", str(out)], capsys)
    assert rc == 130 and f"2 of {len(ROWS)} answers are saved in" in err
    saved = read_jsonl(out / "answers.partial.jsonl")
    assert len(saved) == 1 + 2 and saved[0]["examples"] == len(ROWS)

    asked = []

    def spy(model, tokenizer, prompts, **kw):
        asked.append(len(prompts))
        return real(model, tokenizer, prompts, **kw)

    monkeypatch.setattr(decoding, "generate", spy)
    rc, _, err = run_main(argv + ["--out", str(out)], capsys)
    assert rc == 0, err
    assert asked == [len(ROWS) - 2] and f"resuming: 2 of {len(ROWS)} answers" in err
    assert read_jsonl(out / "predictions.jsonl") == whole
    assert json.loads((out / "report.json").read_text())["resumed_answers"] == 2
    assert not (out / "answers.partial.jsonl").exists()

    # a torn last line is answered again; answers of other settings are not reused
    lines = "".join(json.dumps(r) + "\n" for r in saved)
    (out / "answers.partial.jsonl").write_text(lines + '{"index": 2, "tex')
    asked.clear()
    rc, _, err = run_main(argv + ["--out", str(out)], capsys)
    assert rc == 0 and asked == [len(ROWS) - 2] and "torn or malformed" in err
    assert read_jsonl(out / "predictions.jsonl") == whole
    (out / "answers.partial.jsonl").write_text(lines)
    asked.clear()
    rc, _, err = run_main(argv + ["--out", str(out), "--set", "eval.max_new_tokens=5"], capsys)
    assert rc == 0 and asked == [len(ROWS)] and "starting over" in err


def write_bird_without_databases(bird):
    """BIRD's dev.json + dev_tables.json for the concerts questions, and no database."""
    bird.mkdir()
    levels = ["simple", "moderate", "challenging", "simple", "moderate", "simple"]
    (bird / "dev.json").write_text(json.dumps([
        {"question_id": i, "question": q, "evidence": "France is a country.", "SQL": g, "db_id": "concerts",
         "difficulty": levels[i]} for i, (q, g, _) in enumerate(ROWS)]))
    columns = [("singer", "singer_id"), ("singer", "name"), ("singer", "country"), ("singer", "age"),
               ("concert", "concert_id"), ("concert", "singer_id"), ("concert", "year")]
    tables = ["singer", "concert"]
    (bird / "dev_tables.json").write_text(json.dumps([{
        "db_id": "concerts", "table_names_original": tables, "table_names": tables,
        "column_names_original": [[-1, "*"]] + [[tables.index(t), c] for t, c in columns],
        "column_names": [[-1, "*"]] + [[tables.index(t), c] for t, c in columns],
        "column_types": ["text"] + ["number", "text", "text", "number", "number", "number", "number"],
        "primary_keys": [1, 5], "foreign_keys": [[6, 1]]}]))


def test_validity_only_scores_bird_without_databases(world, tmp_path, monkeypatch):
    """--validity-only: no database needed; sqlglot validity, schema validity (no unknown table or
    column) and exact match, hand-computed; BIRD's evidence reaches the prompt."""
    from engine.decoding import Completion

    bird = tmp_path / "bird"
    write_bird_without_databases(bird)
    answers = {0: ROWS[0][1],                      # gold: valid, schema-valid, exact
               1: "SELECT nme FROM singer",        # parses, unknown column
               2: "I cannot answer that.",         # no SQL
               3: "SELECT name FROM singers",      # parses, unknown table
               4: "SELECT name FROM singer WHERE", # does not parse
               5: ROWS[5][2].replace("concerts", "concert")}  # valid, schema-valid, not exact
    seen = []

    def canned(model, tokenizer, prompts, **kw):
        seen.extend(tokenizer.decode(p) for p in prompts)
        return [[Completion((1,), "stop_token", answers[i])] for i in range(len(prompts))]

    monkeypatch.setattr(sys.modules["engine.decoding"], "generate", canned)
    argv = [str(world["config"]), "--set", "data.format=bird", "--set", f"data.eval_path={bird / 'dev.json'}",
            "--out", str(tmp_path / "v"), "--workers", "1"]
    assert eval_cli.main(argv) == 2  # without --validity-only: execution needs the databases (one-line error)
    assert eval_cli.main(argv + ["--validity-only"]) == 0
    assert all("France is a country." in p for p in seen)
    report = json.loads((tmp_path / "v" / "report.json").read_text())
    assert report["count"] == 6 and "execution_accuracy" not in report
    assert report["valid_sql"] == pytest.approx(4 / 6)
    assert report["schema_valid"] == pytest.approx(2 / 6)
    assert report["exact_match"] == pytest.approx(1 / 6)
    assert report["hallucination_rate"] == pytest.approx(2 / 4)
    assert report["outcomes"] == {"parses": 4, "syntax_error": 1, "no_sql": 1}
    table = report["validity_by_difficulty"]
    assert table["simple"]["count"] == 3 and table["simple"]["schema_valid"] == pytest.approx(2 / 3)  # rows 0, 5
    rows = read_jsonl(tmp_path / "v" / "predictions.jsonl")
    assert rows[1]["hallucinated"] == ["nme"] and rows[3]["hallucinated"] == ["singers"]
    assert "schema_valid" in (tmp_path / "v" / "report.md").read_text()
