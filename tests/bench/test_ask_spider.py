"""bench/ask_spider.py's arms on a Spider-shaped folder with a stub generator: the greedy arms are
read off one repair run as a run stopped after round k would end, and each arm is scored with
Spider's semantics."""

import re

import pytest

from bench.ask_spider import format_table, read_questions, run_loop, score_arms, sql_within
from engine.ask.loop import AskSettings
from engine.config import DataConfig


def stub(conversations, *, num_samples, temperature, seed):
    """Even thresholds: a wrong table name first, fixed on repair; odd: right at once.
    Sampling: one wrong answer of three."""
    out = []
    for conv in conversations:
        n = int(re.search(r"older than (\d+)", conv[-1]["content"] if len(conv) <= 2 else conv[-3]["content"])[1])
        right = f"SELECT count(*) FROM singer WHERE age > {n}"
        if num_samples > 1:
            out.append([f"SELECT count(*) FROM singer WHERE age < {n}", right, right])
        else:
            out.append([right if n % 2 or len(conv) > 2 else right.replace("singer", "singers")])
    return out


def test_the_arms_on_a_spider_folder(spider, tmp_path):
    ids = tmp_path / "ids"
    ids.write_text("0\n1\n2\n3\n")
    questions = read_questions(spider, ids)
    assert [q["dev_index"] for q in questions] == [0, 1, 2, 3]
    runs = {}
    for name, kw in (("repair", dict(max_repairs=2)), ("vote", dict(max_repairs=0, num_samples=3, temperature=0.6))):
        results, seconds = run_loop(stub, None, questions, spider, DataConfig(), AskSettings(**kw), workers=0)
        runs[name] = {"results": results, "seconds": seconds}
    first = runs["repair"]["results"][0]
    assert [a["round"] for a in first["attempts"]] == [0, 1] and first["ok"]
    assert sql_within(first, 0) == "SELECT count(*) FROM singers WHERE age > 0"  # the failed first try
    arms = score_arms(runs, questions, spider, timeout=5, workers=0)
    assert arms["greedy"]["execution_accuracy"] == 0.5 and arms["greedy"]["ran"] == 0.5
    assert arms["greedy + 1 repair"]["execution_accuracy"] == 1.0
    assert arms["greedy + 2 repairs"]["exec_match"] == [True] * 4
    assert arms["greedy + 1 repair"]["mean_answers"] == 1.5
    assert arms["best of 3 (T=0.6)"]["execution_accuracy"] == 1.0 and arms["best of 3 (T=0.6)"]["mean_answers"] == 3
    table = format_table(arms, runs, len(questions))
    assert "| greedy | 50.0% |" in table and "| best of 3 (T=0.6) | 100.0% |" in table


def test_an_interrupted_measurement_goes_on_after_its_last_saved_chunk(spider, tmp_path):
    """measure_runs saves every chunk; run again on what was saved, it asks only for the rest and
    ends with the results an uninterrupted measurement gives."""
    from bench.ask_spider import measure_runs

    ids = tmp_path / "ids"
    ids.write_text("0\n1\n2\n3\n")
    questions = read_questions(spider, ids)
    settings_of = {"repair": AskSettings(max_repairs=2), "vote": AskSettings(max_repairs=0, num_samples=3, temperature=0.6)}
    asked = []

    def loop(chunk, settings):
        asked.append((settings.num_samples, [q["dev_index"] for q in chunk]))
        return run_loop(stub, None, chunk, spider, DataConfig(), settings, workers=0)

    whole = measure_runs({}, settings_of, questions, loop, lambda: None, chunk=3, where="x")
    assert asked == [(1, [0, 1, 2]), (1, [3]), (3, [0, 1, 2]), (3, [3])]

    saved = []

    def stop_after_first_save():
        saved.append({k: {**v, "results": list(v["results"])} for k, v in runs.items()})
        raise KeyboardInterrupt

    runs, asked[:] = {}, []
    try:
        measure_runs(runs, settings_of, questions, loop, stop_after_first_save, chunk=3, where="x")
    except KeyboardInterrupt:
        pass
    asked.clear()
    again = measure_runs(saved[0], settings_of, questions, loop, lambda: None, chunk=3, where="x")
    assert asked == [(1, [3]), (3, [0, 1, 2]), (3, [3])]
    strip = lambda runs: {k: [{**r, "attempts": [{a: b for a, b in t.items() if a != "seconds"} for t in r["attempts"]]}  # noqa: E731
                              for r in v["results"]] for k, v in runs.items()}
    assert strip(again) == strip(whole)


class StubGenerator:
    tokenizer = None
    progress = None

    def __call__(self, conversations, **kw):
        return stub(conversations, **kw)


def test_two_processes_share_a_measurement_through_one_file(spider, tmp_path, monkeypatch, capsys):
    """`--runs repair` and `--runs vote` with one --out: each merges its own run into the file and
    leaves the other's alone; the first to finish tables only its arms, the last all four, and
    the repair run's saved results are the same before and after the vote run joined them."""
    import json

    import bench.ask_spider as ask_spider
    import engine.ask.model
    import engine.demo.prepare

    monkeypatch.setattr(engine.ask.model, "load_generator", lambda cfg, adapter: (StubGenerator(), {"stub": True}))
    monkeypatch.setattr(engine.demo.prepare, "prepare_inputs", lambda cfg: None)
    config = tmp_path / "c.toml"
    config.write_text('[model]\nsource = "stub"\n')
    ids = tmp_path / "ids"
    ids.write_text("0\n1\n2\n3\n")
    out = tmp_path / "ask.json"
    common = [str(config), "--spider", str(spider), "--ids", str(ids), "--out", str(out), "--workers", "0", "--chunk", "3"]

    assert ask_spider.main(common + ["--runs", "repair"]) == 0
    first = json.loads(out.read_text())
    assert set(first["runs"]) == {"repair"} and set(first["arms"]) == {"greedy", "greedy + 1 repair", "greedy + 2 repairs"}
    assert "best of 3" not in capsys.readouterr().out

    ask_spider.merge_saved(out, first["meta"], {"vote": {"settings": {}, "seconds": 0.0, "results": []}})
    assert set(json.loads(out.read_text())["runs"]) == {"repair", "vote"}  # a vote run just begun elsewhere
    assert ask_spider.main(common + ["--runs", "vote"]) == 0
    both = json.loads(out.read_text())
    assert both["runs"]["repair"] == first["runs"]["repair"]
    assert both["arms"]["best of 3 (T=0.6)"]["execution_accuracy"] == 1.0
    assert both["arms"]["greedy + 1 repair"]["execution_accuracy"] == 1.0
    assert "| best of 3 (T=0.6) | 100.0% |" in capsys.readouterr().out

    with pytest.raises(SystemExit):
        ask_spider.main(common + ["--runs", "greedy"])
    assert "choose among repair, vote" in capsys.readouterr().err


def test_saves_of_two_writers_never_drop_each_other(tmp_path):
    """merge_saved under the lock: two threads saving different runs over and over end with both."""
    import threading

    from bench.ask_spider import merge_saved

    out, meta = tmp_path / "ask.json", {"m": 1}

    def writer(name):
        for i in range(40):
            merge_saved(out, meta, {name: {"results": list(range(i + 1))}})

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("repair", "vote")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    import json

    runs = json.loads(out.read_text())["runs"]
    assert {k: len(v["results"]) for k, v in runs.items()} == {"repair": 40, "vote": 40}
