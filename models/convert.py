"""GGUF -> a normal Hugging Face folder (config.json, model.safetensors, tokenizer files).

    python -m models.convert data/models/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf data/models/qwen-coder-1.5b
    python -m models.convert model.gguf OUTDIR --dtype float32

The weights are dequantized from the file's GGML types (they stay as close to the original as
the 4- or 8-bit GGUF allowed: a re-export does not recover what quantization lost). The folder
loads with `models.load_model`, transformers' `from_pretrained`, and `models.tokenizer.load_tokenizer`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .loader import load_model, save_checkpoint
from .tokenizer import load_tokenizer


def convert(gguf_path: str | Path, out: str | Path, *, dtype: str = "bfloat16") -> Path:
    """Write the dense checkpoint and tokenizer of `gguf_path` into `out`; returns `out`."""
    out = Path(out)
    model = load_model(gguf_path, dtype=dtype)
    save_checkpoint(model, out)
    tok = load_tokenizer(gguf_path)
    tok.backend.save(str(out / "tokenizer.json"))
    special = {f"{k}_token": getattr(tok.special, k) for k in ("bos", "eos", "pad", "unk")}
    config = {**{k: v for k, v in special.items() if v is not None}, "chat_template": tok.chat_template,
              "add_bos_token": False, "model_max_length": model.config.max_position_embeddings}
    (out / "tokenizer_config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    generation = {"bos_token_id": tok.bos_token_id, "eos_token_id": list(tok.stop_token_ids),
                  "pad_token_id": tok.pad_token_id}
    (out / "generation_config.json").write_text(json.dumps(generation, indent=2) + "\n")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Convert a GGUF file to a Hugging Face checkpoint folder.")
    ap.add_argument("gguf", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--dtype", default="bfloat16", choices=["bfloat16", "float16", "float32"])
    args = ap.parse_args(argv)
    out = convert(args.gguf, args.out, dtype=args.dtype)
    print(f"wrote {', '.join(sorted(p.name for p in out.iterdir()))} into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
