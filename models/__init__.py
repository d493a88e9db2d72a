"""Model families (qwen2, qwen3, llama) and their loader.

    from models import load_model
    model = load_model("Qwen/Qwen2.5-Coder-1.5B-Instruct", quantize="nf4", device="cuda")
"""

from .config import ModelConfig, ModelConfigError
from .loader import CheckpointError, load_model, save_checkpoint
from .transformer import CausalLM, KVCache

__all__ = ["CausalLM", "CheckpointError", "ModelConfigError", "KVCache", "ModelConfig", "load_model", "save_checkpoint"]
