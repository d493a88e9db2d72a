"""The engine: LoRA, NF4 (re-exported from kernels/), run config, data, training, decoding, scoring.

    from engine import apply_lora, save_adapter, load_adapter, merge_lora   # LoRA, peft-compatible
    from engine import quantize_nf4, dequantize_nf4, NF4Linear              # NF4, bit-exact with bitsandbytes
    from engine import generate                                             # KV-cached decoding
    from engine import load_config, prepare_data, run_training              # what train.py runs
    from engine import score_predictions, extract_sql                       # execution accuracy

The names live in the modules listed in `EXPORTS`; this file only says where, and a name's module
is imported the first time the name is asked for (PEP 562 `__getattr__`), so `import engine.lora`
does not pull in the SQL side (sqlglot) and `import engine.sql.scoring` does not pull in torch.

Where things live:
    engine/            the training core: config; lora (+ lora_fused, adapter, merge); loss, schedule;
                       data (prompts, loss masks); batches, step, train, train_state, devices;
                       decoding (+ sampling, static_decode); evaluate (+ eval_files); cli
    engine/sql/        everything that knows SQL and no torch: datasets, schema, splits, extract,
                       match, scoring, reports, the safe executor, Spider hardness
    engine/inspect/    the memory X-ray, its prediction and measurement, quantization error, plots
    engine/demo/       the offline demo: synthetic task and its databases, tiny model, prepare
"""

import importlib

# public name -> the module that defines it
EXPORTS = {
    **dict.fromkeys(("NF4Weight", "dequantize_nf4", "quantize_nf4"), "kernels.nf4"),
    **dict.fromkeys(("NF4Linear", "nf4_memory"), "kernels.nf4_linear"),
    **dict.fromkeys(("ConfigError", "DataConfig", "RunConfig", "load_config", "save_config"), "engine.config"),
    **dict.fromkeys(("LoRALinear", "LoraReport", "apply_lora"), "engine.lora"),
    **dict.fromkeys(("AdapterError", "load_adapter", "save_adapter"), "engine.adapter"),
    **dict.fromkeys(("export_merged", "merge_lora", "unmerge_lora"), "engine.merge"),
    **dict.fromkeys(("chunked_cross_entropy",), "engine.loss"),
    **dict.fromkeys(("lr_at",), "engine.schedule"),
    **dict.fromkeys(("build_prompt_messages", "build_training_messages", "data_report", "encode_example",
                     "prepare_data"), "engine.data"),
    **dict.fromkeys(("NonFiniteLossError",), "engine.step"),
    **dict.fromkeys(("ResumeError",), "engine.train_state"),
    **dict.fromkeys(("RunDirError",), "engine.run_dir"),
    **dict.fromkeys(("run_training",), "engine.train"),
    **dict.fromkeys(("Completion", "generate", "generate_ids"), "engine.decoding"),
    **dict.fromkeys(("SamplingSettings",), "engine.sampling"),
    **dict.fromkeys(("DataError", "Example", "load_examples"), "engine.sql.datasets"),
    **dict.fromkeys(("check_leakage",), "engine.sql.splits"),
    **dict.fromkeys(("extract_sql",), "engine.sql.extract"),
    **dict.fromkeys(("majority_vote", "pass_at_k", "score_predictions"), "engine.sql.scoring"),
    **dict.fromkeys(("compare_reports", "read_predictions", "score_file"), "engine.sql.reports"),
    **dict.fromkeys(("SQLRunner", "execute_queries"), "engine.sql.executor"),
    **dict.fromkeys(("spider_hardness",), "engine.sql.hardness"),
}

__all__ = sorted(EXPORTS)


def __getattr__(name: str):
    if name not in EXPORTS:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(EXPORTS[name]), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__():
    return sorted(set(globals()) | set(EXPORTS))
