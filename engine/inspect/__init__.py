"""Looking inside a QLoRA setup: the memory X-ray (`python -m engine.inspect`), its prediction
(memory.py) and exact measurement (memtrace.py), NF4 quantization error, and loss curves (plot.py)."""


class InspectError(ValueError):
    """A source or option inspect can't use; the message says what would be valid."""
