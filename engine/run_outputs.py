"""What a finished run leaves: the adapter (or the merged model in full mode), and the summary
that goes to <run>/summary.json and, as one line, to the terminal (engine/train.py writes them)."""

from __future__ import annotations

from pathlib import Path

from torch import nn

from engine.adapter import save_adapter
from engine.devices import peak_memory
from engine.merge import export_merged
from engine.train_state import train_state_dirs


def run_summary(loop, last_record: dict, last_val: dict, out: Path, *, wall: float) -> dict:
    pos, dirs = loop.position, train_state_dirs(loop.run_dir)
    slots = pos.tokens + pos.padded_slots
    return {"steps": pos.step, "epochs": loop.plan["epochs"], "total_steps": loop.plan["total_steps"],
            "time_s": round(wall, 2), "train_time_s": round(pos.train_time_s, 2),
            "tokens": pos.tokens, "supervised_tokens": pos.supervised_tokens,
            "tokens_per_s": round(pos.tokens / max(pos.train_time_s, 1e-9), 1),
            "padding_fraction": round(pos.padded_slots / max(slots, 1), 4),
            "final_loss": last_record.get("loss"), **{k: v for k, v in last_val.items() if k.startswith("val")},
            "precision": loop.precision, "device": str(loop.device), **peak_memory(loop.device), "output": str(out),
            "last_checkpoint": str(dirs[-1]) if dirs else None}


def save_final(model: nn.Module, run_dir: Path, mode: str) -> Path:
    """<run>/adapter (peft layout) in LoRA mode; <run>/model (an HF checkpoint) in full mode."""
    if mode == "lora":
        return save_adapter(model, Path(run_dir) / "adapter", base_model_name_or_path=getattr(model, "source", None))
    return export_merged(model, Path(run_dir) / "model")


def format_summary(s: dict) -> str:
    mem = (f"peak allocated {s['peak_allocated_mb']:.0f} MB, reserved {s['peak_reserved_mb']:.0f} MB"
           if "peak_allocated_mb" in s else f"peak RSS {s['peak_rss_mb']:.0f} MB (CPU)")
    val = f", val loss {s['val_loss']:.4f}" if "val_loss" in s else ""
    loss = f"{s['final_loss']:.4f}" if s.get("final_loss") is not None else "-"
    return (f"done: {s['steps']} steps in {s['time_s']:.1f} s, {s['tokens']:,} tokens ({s['tokens_per_s']:,.0f} "
            f"tokens/s, {100 * s['padding_fraction']:.1f}% padding), last loss {loss}{val}, {mem}; "
            f"saved {s['output']}")
