"""engine/inspect/plot.py: metrics.jsonl -> sparklines (always) and a PNG (when matplotlib is installed)."""

from __future__ import annotations

import json
import math
import sys

import pytest

from engine.inspect.plot import BARS, MetricsError, main, plot_png, read_metrics, series, sparkline, text_report


def write_run(tmp_path, steps=40):
    """A metrics.jsonl with the keys engine/train.py writes: train rows per step, a val row per epoch."""
    rows = []
    for s in range(1, steps + 1):
        rows.append({"step": s, "epoch": 1 + (s > steps // 2), "loss": 2.0 * math.exp(-s / 10) + 0.3,
                     "lr": 2e-4 * min(1.0, s / 4), "grad_norm": 1.0, "tokens": 512, "tokens_per_s": 1000.0 + s,
                     "peak_rss_mb": 300.0, "memory_kind": "process peak RSS (ru_maxrss)"})
        if s in (steps // 2, steps):
            rows.append({"step": s, "epoch": 1 + (s > steps // 2), "val_loss": 1.0 - s / (4 * steps), "val_tokens": 99})
    path = tmp_path / "metrics.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n{\"step\": 41, \"lo")  # last line cut by a kill
    return tmp_path


def test_sparkline_tracks_the_values():
    assert sparkline([0, 1, 2, 3, 4, 5, 6, 7]) == BARS
    assert sparkline([3.0, 3.0]) == BARS[4] * 2
    down = sparkline([10 - i for i in range(200)], width=50)
    assert len(down) == 50 and down[0] == BARS[-1] and down[-1] == BARS[0]
    assert list(down) == sorted(down, key=BARS.index, reverse=True)  # monotone data, monotone bars


def test_read_and_series(tmp_path):
    run = write_run(tmp_path)
    records = read_metrics(run)
    assert len(records) == 42  # 40 train rows + 2 validations; the truncated line is skipped
    data = series(records)
    assert set(data) == {"loss", "val_loss", "lr", "tokens_per_s"}
    assert data["val_loss"][0] == [20.0, 40.0]
    assert data["loss"][1][0] == pytest.approx(2.0 * math.exp(-0.1) + 0.3)


def test_text_report_without_matplotlib(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib -> ImportError
    run = write_run(tmp_path)
    report = text_report(read_metrics(run))
    assert "train loss" in report and "validation loss" in report and "tokens/s" in report
    assert "min 0.337 at step 40" in report  # train loss 2 exp(-40/10) + 0.3
    assert "min 0.75 at step 40" in report  # val loss 1 - 40/160
    assert main([str(run)]) == 0
    out = capsys.readouterr().out
    assert "no PNG: matplotlib is not installed" in out
    assert not (run / "curves.png").exists()
    with pytest.raises(ImportError, match="pip install matplotlib"):
        plot_png(read_metrics(run), tmp_path / "x.png")


def test_missing_metrics_is_reported(tmp_path, capsys):
    assert main([str(tmp_path)]) == 2
    assert "no such file" in capsys.readouterr().err
    with pytest.raises(MetricsError):
        read_metrics(tmp_path / "nope")


def test_png_with_matplotlib(tmp_path):
    pytest.importorskip("matplotlib")
    run = write_run(tmp_path)
    assert main([str(run)]) == 0
    png = run / "curves.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000


def test_end_to_end_on_a_real_training_run(tmp_path, capsys):
    """train.py's loop writes metrics.jsonl; plot draws it; inspect on the same TOML shows the measured peak."""
    from engine.config import load_config
    from engine.inspect.xray import main as inspect_main
    from engine.demo.tiny import TinySpec, write_tiny_model
    from engine.train import run_training

    schema = "CREATE TABLE singer (id INTEGER PRIMARY KEY, name TEXT, age INTEGER)"
    rows = [{"question": f"How many singers are older than {n}?", "sql": f"SELECT count(*) FROM singer WHERE age > {n}",
             "schema": schema} for n in range(20, 44)]
    data = tmp_path / "train.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    spec = TinySpec(vocab_size=400, hidden_size=64, intermediate_size=128, num_hidden_layers=2)
    model_dir = write_tiny_model(tmp_path / "model", [schema] + [r["question"] + " " + r["sql"] for r in rows], spec)
    toml = tmp_path / "tiny.toml"
    toml.write_text(f'[model]\nsource = "{model_dir}"\ndevice = "cpu"\n[lora]\nr = 4\nalpha = 8\n'
                    f'[data]\nformat = "jsonl"\ntrain_path = "{data}"\nval_frac = 0.25\nmax_len = 256\nsample_rows = 0\n'
                    f'[train]\nrun_dir = "{tmp_path / "run"}"\nepochs = 2\nmicro_batch_size = 2\ngrad_accum = 1\n'
                    f'lr = 1e-2\nlog_every = 1\n')
    run_training(load_config(toml, overrides=["train.max_steps=6"]), progress=False)
    run = tmp_path / "run"
    data = series(read_metrics(run))
    assert len(data["loss"][0]) == 6 and "val_loss" in data and "tokens_per_s" in data and "lr" in data
    assert main([str(run), "--text"]) == 0
    assert "train loss" in capsys.readouterr().out
    assert inspect_main([str(toml)]) == 0
    out = capsys.readouterr().out
    assert "seq 256 x batch 2" in out and "(autocast)" not in out  # a CPU run: fp32, no autocast
    assert "measured peak in" in out and "process peak RSS" in out
