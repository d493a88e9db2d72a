"""ModelConfig (models/config.py) from a checkpoint's config.json: what is not supported is named; the real shapes."""

import pytest

from models import ModelConfigError, ModelConfig


def test_unsupported_config_fields_are_named():
    base = dict(vocab_size=10, hidden_size=8, intermediate_size=16, num_hidden_layers=1, num_attention_heads=2)
    with pytest.raises(ModelConfigError, match=r"model_type 'gemma'.*supported: qwen2, qwen3, llama"):
        ModelConfig.from_hf({**base, "model_type": "gemma"})
    with pytest.raises(ModelConfigError, match=r"rope scaling type 'yarn'.*supported: default, linear, llama3"):
        ModelConfig.from_hf({**base, "model_type": "llama", "rope_scaling": {"type": "yarn", "factor": 2.0}})
    with pytest.raises(ModelConfigError, match=r"hidden_act 'gelu'.*supported: silu"):
        ModelConfig.from_hf({**base, "model_type": "llama", "hidden_act": "gelu"})
    with pytest.raises(ModelConfigError, match="lacks required field"):
        ModelConfig.from_hf({"model_type": "qwen2"})


def test_real_qwen_coder_shape_config():
    """The Qwen2.5-Coder-1.5B-Instruct config.json fields (from its model card) give the DESIGN.md shapes."""
    hf = {"model_type": "qwen2", "vocab_size": 151936, "hidden_size": 1536, "intermediate_size": 8960,
          "num_hidden_layers": 28, "num_attention_heads": 12, "num_key_value_heads": 2, "rope_theta": 1000000.0,
          "rms_norm_eps": 1e-06, "tie_word_embeddings": True, "max_position_embeddings": 32768,
          "use_sliding_window": False, "sliding_window": 32768, "hidden_act": "silu"}
    cfg = ModelConfig.from_hf(hf)
    assert (cfg.head_dim, cfg.q_size, cfg.kv_size, cfg.gqa_groups) == (128, 1536, 256, 6)
    assert cfg.attention_bias and not cfg.o_proj_bias and cfg.tie_word_embeddings
