"""Cross-check: the engine's greedy answers in an eval report equal transformers' `generate` on the
same weights and the same prompt ids.

    python bench/crosscheck_generate.py configs/smollm2_135m_spider.toml \
        bench/results/spider_cpu/smollm2_135m/eval-base-dense --n 50 --set data.max_len=1024 --set model.quantize=none

Rebuilds the first N evaluation prompts exactly as eval.py did (same config and overrides), runs
transformers' greedy `generate` (GGUF sources load through `from_pretrained(dir, gguf_file=...)`,
dense fp32), decodes, and compares with each row's `raw_outputs[0]` in the report's
predictions.jsonl. Prints a table and writes `crosscheck.json` into the report folder. Dense
bases only: transformers has no NF4 path equal to ours on CPU.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.config import load_config  # noqa: E402
from engine.evaluate import load_eval_set  # noqa: E402
from models.tokenizer import load_tokenizer  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("config")
    ap.add_argument("report_dir", type=Path)
    ap.add_argument("--n", type=int, default=50)
    ap.add_argument("--set", action="append", default=[], metavar="SECTION.KEY=VALUE")
    args = ap.parse_args(argv)
    from transformers import AutoModelForCausalLM

    cfg = load_config(args.config, args.set)
    if cfg.model.quantize:
        raise SystemExit("dense bases only: pass --set model.quantize=none (and evaluate that way)")
    tok = load_tokenizer(cfg.model.source, chat_template=cfg.model.chat_template or None)
    eval_set = load_eval_set(cfg.data, tok, max_examples=args.n)
    rows = [json.loads(line) for line in (args.report_dir / "predictions.jsonl").read_text().splitlines()][:args.n]
    src = Path(cfg.model.source)
    if src.suffix == ".gguf":
        ref = AutoModelForCausalLM.from_pretrained(src.parent, gguf_file=src.name, dtype=torch.float32)
    else:
        ref = AutoModelForCausalLM.from_pretrained(src, dtype=torch.float32)
    ref.eval()
    stop = list(tok.stop_token_ids)
    same, results, t0 = 0, [], time.time()
    for i, (prompt, row) in enumerate(zip(eval_set.prompts, rows)):
        ids = torch.tensor([prompt])
        with torch.no_grad():
            out = ref.generate(ids, max_new_tokens=cfg.eval.max_new_tokens, do_sample=False,
                               eos_token_id=stop, pad_token_id=tok.pad_token_id)[0, ids.shape[1]:].tolist()
        while out and out[-1] in stop:
            out = out[:-1]
        text = tok.decode(out)
        ours = row["raw_outputs"][0] if row.get("raw_outputs") else None
        equal = text == ours
        same += equal
        results.append({"index": row["index"], "equal": equal, **({} if equal else {"ours": ours, "transformers": text})})
        print(f"{i + 1:3d}/{len(rows)} {'same' if equal else 'DIFFERENT'}", flush=True)
    summary = {"config": args.config, "overrides": args.set, "report": str(args.report_dir), "n": len(rows),
               "identical": same, "seconds": round(time.time() - t0, 1), "rows": results}
    (args.report_dir / "crosscheck.json").write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n")
    print(f"{same} of {len(rows)} greedy answers identical to transformers' generate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
