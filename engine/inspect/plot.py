"""Loss curves of a run: `python -m engine.plot RUN_DIR` reads <RUN_DIR>/metrics.jsonl.

Draws train loss, validation loss, learning rate and tokens/s into <RUN_DIR>/curves.png when
matplotlib is installed (an optional extra); always prints one text sparkline per series, so a
terminal without matplotlib still shows the shape of the run.

metrics.jsonl (engine/train.py) holds one JSON object per logged optimizer step
({"step", "epoch", "loss", "lr", "grad_norm", "tokens_per_s", ...}) and one per validation
({"step", "epoch", "val_loss", ...}).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SERIES = (("loss", "train loss"), ("val_loss", "validation loss"), ("lr", "learning rate"),
          ("tokens_per_s", "tokens/s"))
BARS = "▁▂▃▄▅▆▇█"


class MetricsError(ValueError):
    """No usable metrics.jsonl; the message says where it was looked for and what it must hold."""


def read_metrics(run_dir) -> list[dict]:
    """The records of <run_dir>/metrics.jsonl (or of the .jsonl file given); unreadable lines are skipped."""
    path = Path(run_dir)
    if path.is_dir():
        path = path / "metrics.jsonl"
    if not path.exists():
        raise MetricsError(f"{path}: no such file; pass a run directory written by train.py "
                           f"(it holds metrics.jsonl) or the metrics.jsonl file itself")
    records = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a kill: the rest of the file is still good
        if isinstance(rec, dict):
            records.append(rec)
    return records


def series(records: list[dict]) -> dict[str, tuple[list[float], list[float]]]:
    """name -> (steps, values) for each of SERIES present in the records."""
    out = {}
    for key, _ in SERIES:
        pts = [(float(r.get("step", i)), float(r[key])) for i, r in enumerate(records)
               if isinstance(r.get(key), (int, float))]
        if pts:
            out[key] = ([p[0] for p in pts], [p[1] for p in pts])
    return out


def sparkline(values: list[float], width: int = 60) -> str:
    """Values as a row of block characters (bucket means when there are more than `width`)."""
    if not values:
        return ""
    if len(values) > width:
        n = len(values)
        values = [sum(values[i * n // width:(i + 1) * n // width]) / len(values[i * n // width:(i + 1) * n // width])
                  for i in range(width)]
    lo, hi = min(values), max(values)
    if hi == lo:
        return BARS[len(BARS) // 2] * len(values)
    return "".join(BARS[min(len(BARS) - 1, int((v - lo) / (hi - lo) * len(BARS)))] for v in values)


def _num(v: float) -> str:
    return f"{v:.3g}" if abs(v) < 1e4 else f"{v:,.0f}"


def text_report(records: list[dict], width: int = 60) -> str:
    """One sparkline per series with its first, last and extreme values."""
    data = series(records)
    if not data:
        raise MetricsError("metrics.jsonl holds none of " + ", ".join(k for k, _ in SERIES))
    lines = []
    for key, label in SERIES:
        if key not in data:
            continue
        steps, vals = data[key]
        best = min(range(len(vals)), key=vals.__getitem__) if "loss" in key else max(range(len(vals)), key=vals.__getitem__)
        which = "min" if "loss" in key else "max"
        lines.append(f"{label:16s} {sparkline(vals, width)}")
        lines.append(f"{'':16s} step {steps[0]:g}: {_num(vals[0])} -> step {steps[-1]:g}: {_num(vals[-1])}"
                     f"  ({which} {_num(vals[best])} at step {steps[best]:g}; {len(vals)} points)")
    return "\n".join(lines)


def pyplot(fallback: str):
    """matplotlib.pyplot on the file-only Agg backend; ImportError says how to get it and what works without."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(f"matplotlib is not installed: `pip install matplotlib` (or the `plot` extra) for "
                          f"PNGs ({fallback} needs nothing)") from None
    return plt


def plot_png(records: list[dict], out) -> Path:
    """Write a 2x2 figure of the series to `out` (needs matplotlib; ImportError says how to get it)."""
    plt = pyplot("the text sparkline report")
    data = series(records)
    if not data:
        raise MetricsError("metrics.jsonl holds none of " + ", ".join(k for k, _ in SERIES))
    fig, axes = plt.subplots(2, 2, figsize=(11, 7))
    ax_loss, ax_lr, ax_tps, ax_empty = axes[0, 0], axes[0, 1], axes[1, 0], axes[1, 1]
    for key, label in SERIES[:2]:
        if key in data:
            ax_loss.plot(*data[key], marker="o" if key == "val_loss" else None, label=label)
    ax_loss.set_title("loss")
    ax_loss.legend()
    for ax, key in ((ax_lr, "lr"), (ax_tps, "tokens_per_s")):
        if key in data:
            ax.plot(*data[key])
        ax.set_title(dict(SERIES)[key])
    for ax in (ax_loss, ax_lr, ax_tps):
        ax.set_xlabel("optimizer step")
        ax.grid(alpha=0.3)
    ax_empty.axis("off")
    last = [r for r in records if "loss" in r][-1:] or [{}]
    mem = {k: v for k, v in last[0].items() if k.startswith("peak_")}
    ax_empty.text(0.0, 0.9, "\n".join(f"{k}: {v}" for k, v in mem.items()), va="top", family="monospace")
    fig.tight_layout()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=100)
    plt.close(fig)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m engine.plot", description=__doc__.split("\n")[0])
    ap.add_argument("run_dir", help="a run directory (with metrics.jsonl) or a metrics.jsonl file")
    ap.add_argument("--out", help="PNG path (default: <run_dir>/curves.png)")
    ap.add_argument("--text", action="store_true", help="sparklines only, no PNG")
    ap.add_argument("--width", type=int, default=60, help="characters per sparkline")
    args = ap.parse_args(argv)
    try:
        records = read_metrics(args.run_dir)
        print(text_report(records, args.width))
    except MetricsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.text:
        return 0
    run = Path(args.run_dir)
    out = args.out or (run if run.is_dir() else run.parent) / "curves.png"
    try:
        print(f"wrote {plot_png(records, out)}")
    except ImportError as e:
        print(f"no PNG: {e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
