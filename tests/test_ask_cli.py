"""ask.py end to end, in process: one question and the interactive prompt with a stub generator on
the demo's shop database, a tiny random model through the real loading path, and each user error
as one line."""

import json

import pytest

import ask as ask_cli
from engine.demo.databases import database_rows, write_database
from tests.engine.ask.test_loop import Scripted
from tests.test_eval_cli import write_random_qwen2
from tests.tiny_models import write_byte_tokenizer

pytestmark = pytest.mark.usefixtures("one_thread")  # tests/conftest.py

CONFIG = """
[model]
source = "{model}"
device = "cpu"
dtype = "fp32"

[data]
format = "jsonl"
schema_style = "compact"
sample_rows = 0
system_prompt = ""
max_len = 1024

[eval]
max_new_tokens = 6
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("ask")
    db = root / "shop.sqlite"
    write_database(db, "shop", database_rows(0)["shop"])
    model = root / "model"
    write_random_qwen2(model, vocab_size=write_byte_tokenizer(model))
    config = root / "ask.toml"
    config.write_text(CONFIG.format(model=model))
    return root, db, config


def stub(monkeypatch, *answers):
    gen = Scripted(*answers)
    monkeypatch.setattr(ask_cli, "load_generator", lambda cfg, adapter: gen)
    return gen


def test_one_question_prints_the_sql_and_the_table(world, monkeypatch, capsys):
    _, db, config = world
    stub(monkeypatch, "SELECT nme FROM products", "SELECT name, price FROM products ORDER BY price DESC LIMIT 3")
    assert ask_cli.main([str(config), "--db", str(db), "The three most expensive products?"]) == 0
    out = capsys.readouterr().out
    assert "first try: SELECT nme FROM products" in out and "no such column: nme" in out
    assert "SELECT name, price FROM products ORDER BY price DESC LIMIT 3" in out
    assert "| name " in out and "| price |" in out and "3 rows" in out


def test_json_output_and_the_exit_status_of_a_failure(world, monkeypatch, capsys):
    _, db, config = world
    stub(monkeypatch, "SELECT * FROM nowhere")
    assert ask_cli.main([str(config), "--db", str(db), "--max-repairs", "0", "--json", "Anything?"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["ok"] is False and result["error"] == "no_such_table" and len(result["attempts"]) == 1


def test_the_interactive_prompt(world, monkeypatch, tmp_path):
    _, db, config = world
    stub(monkeypatch, "SELECT count(*) FROM customers")
    monkeypatch.setattr(ask_cli, "HISTORY", tmp_path / "history")
    lines = iter(["How many customers?", "", ".schema", "   ", "quit"])
    args = ask_cli.parse_args([str(config), "--db", str(db)])
    from engine.ask.loop import AskSettings, Asker, open_database
    out = tmp_path / "out.txt"
    with open(out, "w") as f, Asker(ask_cli.load_generator(None, None), AskSettings()) as asker:
        ask_cli.interactive(asker, open_database(db), args, read=lambda prompt: next(lines), out=f)
    text = out.read_text()
    assert "| count(*) |" in text and "|      120 |" in text and "1 row (" in text
    assert "CREATE TABLE customers" in text  # .schema


def test_a_real_tiny_model_goes_through_the_loop(world, capsys):
    """A random model writes no SQL: three attempts (first try + 2 repairs), then the failure is reported."""
    _, db, config = world
    assert ask_cli.main([str(config), "--db", str(db), "--json", "How many orders?"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert len(result["attempts"]) == 3 and result["ok"] is False
    assert result["prompt"][-1]["content"].startswith("Database schema:\ncustomers(id INTEGER PK")


@pytest.mark.parametrize("case", ["missing db", "not sqlite", "unknown key", "bad setting", "empty question"])
def test_user_errors_are_one_line(world, tmp_path, monkeypatch, capsys, case):
    root, db, config = world
    stub(monkeypatch, "SELECT 1")
    args = [str(config), "--db", str(db), "A question?"]
    want = {"missing db": "no such file", "not sqlite": "not a SQLite database", "unknown key": "wrong_key",
            "bad setting": "max_repairs = -1", "empty question": "type a question"}[case]
    if case == "missing db":
        args[2] = str(tmp_path / "nope.sqlite")
    elif case == "not sqlite":
        (tmp_path / "x.sqlite").write_text("CREATE TABLE t (x);")
        args[2] = str(tmp_path / "x.sqlite")
    elif case == "unknown key":
        args += ["--set", "eval.wrong_key=1"]
    elif case == "bad setting":
        args += ["--max-repairs", "-1"]
    else:
        args[3] = "  "
    assert ask_cli.main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("ask.py: error:") and want in err[0], err
