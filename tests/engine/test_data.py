"""Text-to-SQL data layer on small files and sqlite databases the tests build themselves.

The tokenizer is the byte-level one of test_tokenizer (one token per UTF-8 byte, ChatML template),
so token counts are byte counts and the overflow policy can be driven exactly.
"""

import json

import pytest

from engine.config import DataConfig
from engine.data import (build_prompt_messages, build_training_messages, data_report, encode_example, encode_examples,
                         fit_example, main, prepare_data)
from engine.loss import IGNORE_INDEX
from engine.sql.datasets import DataError, Example, load_examples
from engine.sql.schema import read_sqlite_schema, render_schema
from models.tokenizer import load_tokenizer
from tests.models.test_tokenizer import write_tiny_tokenizer

@pytest.fixture(scope="module")
def tok(tmp_path_factory):
    return load_tokenizer(write_tiny_tokenizer(tmp_path_factory.mktemp("tok")))


def test_jsonl_plain_and_chat_rows(tmp_path, spider, tok):
    db = spider / "database" / "shop_1" / "shop_1.sqlite"
    rows = [
        {"question": "Shop names?", "sql": "SELECT name FROM shop", "db_path": str(db)},
        {"question": "Count t.", "sql": "SELECT count(*) FROM t", "schema": "CREATE TABLE t (a INT)", "evidence": "e"},
        {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Count t."},
                      {"role": "assistant", "content": "SELECT count(*) FROM t"}]},
    ]
    (tmp_path / "d.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    exs = load_examples(tmp_path / "d.jsonl", DataConfig(format="jsonl")).examples
    assert exs[0].db_id == "shop_1" and exs[0].schema == render_schema(read_sqlite_schema(db))
    assert exs[1].schema == "CREATE TABLE t (a INT)" and exs[1].evidence == "e"
    chat = exs[2]
    assert build_prompt_messages(chat, DataConfig()) == rows[2]["messages"][:2]  # the row's own prompt, untouched
    item = encode_example(chat, tok, DataConfig())
    supervised = [t for t in item["labels"] if t != IGNORE_INDEX]
    assert tok.decode(supervised) == "SELECT count(*) FROM t<|im_end|>"


# ----------------------------------------------------------------------------- prompts and masks


def test_training_item_supervises_exactly_sql_and_end_of_turn(spider, tok):
    cfg = DataConfig()
    ex = load_examples(spider / "dev.json", cfg).examples[0]
    item = encode_example(ex, tok, cfg)
    full = tok.apply_chat_template(build_training_messages(ex, cfg))
    assert item["input_ids"] == tok.encode(full)[:-1]  # the rendering, minus the "\n" after <|im_end|>
    n_answer = len(tok.encode(ex.sql)) + 1
    assert item["labels"][:-n_answer] == [IGNORE_INDEX] * (len(item["labels"]) - n_answer)
    assert item["labels"][-n_answer:] == item["input_ids"][-n_answer:]
    assert tok.decode(item["labels"][-n_answer:]) == ex.sql + "<|im_end|>"
    msgs = build_prompt_messages(ex, cfg)
    assert [m["role"] for m in msgs] == ["system", "user"] and msgs[0]["content"] == cfg.system_prompt
    assert msgs[1]["content"] == f"Database schema:\n{ex.schema}\n\nQuestion: {ex.question}"
    assert [m["role"] for m in build_prompt_messages(ex, DataConfig(system_prompt=""))] == ["user"]


def _length(ex, tok, cfg):
    p, a = tok.encode_chat(build_training_messages(ex, cfg))
    return len(p) + len(a)


def test_overflow_policy_rows_then_tables_then_drop(spider, tok):
    cfg = DataConfig(sample_rows=3)
    ex = load_examples(spider / "dev.json", cfg).examples[0]  # uses only table singer (of 3)
    info = ex.schema_info
    with_rows = lambda n, schema=info: _length(Example(**{**ex.__dict__, "schema": render_schema(schema, sample_rows=n)}), tok, cfg)
    full, one_row, no_rows = with_rows(3), with_rows(1), with_rows(0)
    singer_only = with_rows(3, info.keep(["singer"]))
    assert full > one_row > no_rows > singer_only  # the tiny schema makes the policy's order checkable

    def fit(max_len, training=True):
        return fit_example(ex, tok, DataConfig(sample_rows=3, max_len=max_len), training=training)

    assert fit(full).status == "ok" and fit(full).example.schema == ex.schema
    f = fit(one_row)  # fewer rows first: 1 row fits, 2 do not
    assert f.status == "shortened" and "1 example rows" in f.example.schema and "stadium" in f.example.schema
    assert len(f.prompt_ids) + len(f.answer_ids) <= one_row
    f = fit(singer_only)  # then only the tables the gold SQL uses, rows restored
    assert f.status == "shortened" and f.example.schema == render_schema(info.keep(["singer"]), sample_rows=3)
    assert fit(singer_only - 1).example.schema == render_schema(info.keep(["singer"]), sample_rows=2)
    assert fit(20).status == "dropped"
    assert fit(20, training=False).status == "too_long"  # eval prompts are never dropped
    assert fit(one_row, training=False).status == "shortened"  # but get fewer rows too
    assert fit(no_rows - 1, training=False).example.schema == render_schema(info, sample_rows=0)  # no table dropping

    exs = load_examples(spider / "dev.json", cfg).examples
    enc = encode_examples(exs, tok, DataConfig(max_len=singer_only))
    assert len(enc.items) == 4 and enc.n_shortened == 4 and enc.dropped == ()
    enc = encode_examples(exs, tok, DataConfig(max_len=20))
    assert enc.items == () and [s[1] for s in enc.dropped] == [0, 1, 2, 3]
    assert encode_example(exs[0], tok, DataConfig(max_len=20)) is None


# ----------------------------------------------------------------------------- pipeline, report, CLI


def test_prepare_data_and_report(spider, tok, capsys):
    cfg = DataConfig(train_path=str(spider / "train.json"), eval_path=str(spider / "dev.json"), val_frac=0.2, seed=0)
    data = prepare_data(cfg, tok)
    assert len(data.train.items) == 8 and len(data.val.items) == 2 and len(data.eval.items) == 4
    assert set(data.eval.items[0]) == {"input_ids"}  # eval items are prompts
    assert tok.decode(data.eval.items[0]["input_ids"]).endswith("<|im_start|>assistant\n")
    stats = data_report(data, tok)
    out = capsys.readouterr().out
    assert stats["train"]["examples"] == 8 and stats["eval"]["skipped_bad_rows"] == 0
    assert stats["train"]["answer_tokens"]["max"] == max(data.train.answer_lens)
    assert "prompt tokens: min" in out and "<|im_start|>assistant\nSELECT name FROM shop" in out
    with pytest.raises(DataError, match="leakage"):
        prepare_data(DataConfig(train_path=str(spider / "dev.json"), eval_path=str(spider / "dev.json")), tok)


def test_cli_with_flags(spider, tmp_path, capsys):
    tok_dir = write_tiny_tokenizer(tmp_path / "tok")
    rc = main(["--format", "spider", "--path", str(spider / "dev.json"), "--tokenizer", str(tok_dir),
               "--sample-rows", "1", "--max-len", "4096", "--use-evidence", "false"])
    out = capsys.readouterr().out
    assert rc == 0 and "examples 4, shortened 0, dropped (too long) 0" in out and "1 example rows" in out
    assert main(["--path", str(spider / "nope.json"), "--tokenizer", str(tok_dir)]) == 1
    assert "does not exist" in capsys.readouterr().err
