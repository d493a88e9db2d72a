"""The engine: LoRA, NF4 (re-exported from kernels/), run config, data, training, decoding, scoring.

    from engine import apply_lora, save_adapter, load_adapter, merge_lora   # LoRA, peft-compatible
    from engine import quantize_nf4, dequantize_nf4, NF4Linear              # NF4, bit-exact with bitsandbytes
    from engine import generate                                             # KV-cached decoding
    from engine import load_config, prepare_data, run_training              # what train.py runs
    from engine import score_predictions, extract_sql                       # execution accuracy

The names live in the modules listed below; this file only gathers them where a user looks.
"""

from kernels.nf4 import NF4Weight, dequantize_nf4, quantize_nf4
from kernels.nf4_linear import NF4Linear, nf4_memory

from .config import ConfigError, RunConfig, load_config, save_config
from .data import (DataConfig, DataError, Example, build_prompt_messages, build_training_messages, check_leakage,
                   data_report, encode_example, load_examples, prepare_data)
from .generate import Completion, SamplingSettings, generate, generate_ids
from .lora import (AdapterError, LoRALinear, LoraReport, apply_lora, export_merged, load_adapter, merge_lora,
                   save_adapter, unmerge_lora)
from .loss import chunked_cross_entropy
from .schedule import lr_at
from .scoring import (compare_reports, extract_sql, majority_vote, pass_at_k, read_predictions, score_file,
                      score_predictions)
from .spider_hardness import spider_hardness
from .sqlexec import SQLRunner, execute_queries
from .train import NonFiniteLossError, ResumeError, run_training

__all__ = [
    "AdapterError", "Completion", "ConfigError", "DataConfig", "DataError", "Example", "LoRALinear", "LoraReport",
    "NF4Linear", "NF4Weight", "NonFiniteLossError", "ResumeError", "RunConfig", "SQLRunner", "SamplingSettings",
    "apply_lora", "build_prompt_messages", "build_training_messages", "check_leakage", "chunked_cross_entropy",
    "compare_reports", "data_report", "dequantize_nf4", "encode_example", "execute_queries", "export_merged",
    "extract_sql", "generate", "generate_ids", "load_adapter", "load_config", "load_examples", "lr_at",
    "majority_vote", "merge_lora", "nf4_memory", "pass_at_k", "prepare_data", "quantize_nf4", "read_predictions",
    "run_training", "save_adapter", "save_config", "score_file", "score_predictions", "spider_hardness",
    "unmerge_lora",
]
