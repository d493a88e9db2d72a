"""Where every byte of a QLoRA training step goes, predicted from the model's shapes alone.

`predict_peak_memory(cfg, TrainShape(...))` needs only a `ModelConfig` (config.json): no weights,
no GPU. It adds up, in bytes:

- the base weights: packed NF4 codes (4 bits each), first-level scales (one uint8 absmax code per
  64 weights with double quantization, one fp32 absmax without), second-level scales (one fp32
  absmax per 256 first-level scales plus the fp32 offset), the code tables, and what stays in the
  compute dtype (embeddings, norms, biases, an untied lm_head);
- the LoRA state: A and B in fp32, their fp32 gradients, AdamW's two fp32 moments;
- the activations of one micro-batch at its two high-water marks, and takes the larger:
  * the backward of the last decoder layer: every checkpointed layer input, the tensors autograd
    keeps for one recomputed layer (`layer_saved_bytes`, counted tensor by tensor below), the
    gradient flowing in, and the temporaries alive at the end of the recomputation;
  * the backward of the chunked cross-entropy (engine/loss.py): the checkpointed inputs, the
    final norm's saved input, the gathered rows and their gradient, and one chunk of logits in
    its forms (on CUDA one chunk in the compute dtype, the Triton kernel writing the gradient over
    it; on CPU an fp32 chunk changed in place, and the 16-bit logits under autocast).

The per-layer count was derived by listing what autograd saves (torch.autograd.graph.
saved_tensors_hooks) for our models/transformer.py decoder layer wrapped with engine/lora.py and
checked exactly against it (tests/engine/inspect/test_xray.py); the peak is checked against an exact count of
live tensor bytes on CPU (engine/inspect/memtrace.py). What it does not count: CUDA context and cuBLAS /
attention workspaces (allocated outside torch tensors), and the caching allocator's rounding and
fragmentation (`max_memory_reserved` - `max_memory_allocated`); compare with
`torch.cuda.max_memory_allocated`.

Model of the engine's training step (engine/train.py): LoRA weights in fp32; with a 16-bit compute
dtype the step runs under autocast (the adapters then read the 16-bit activations); the fused LoRA
path (the default) keeps a bool dropout mask and one 16-bit copy of A and B per optimizer step
(static); the unfused one keeps per layer those copies in its saved tensors and a dropout mask that is bool on CUDA and float noise on CPU; attention through SDPA's
flash / memory-efficient path (O(T) memory: q, the GQA-expanded k and v, the output, one fp32
logsumexp per row), never the (T, T) matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from engine.inspect import family_memory as fm
from models.config import ModelConfig

DECODER_LINEARS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
# Qwen3.5's Gated DeltaNet layers have their own linears (engine/inspect/family_memory.py counts them).
ALL_LINEARS = DECODER_LINEARS + ("in_proj_qkv", "in_proj_z", "in_proj_b", "in_proj_a", "out_proj")
DTYPE_BYTES = {"fp32": 4, "bf16": 2, "fp16": 2}
NESTED_BLOCKSIZE = 256  # bitsandbytes: first-level scales are quantized in blocks of 256
NF4_CODE_BYTES = 16 * 4  # the 16 fp32 NF4 values, one table per quantized linear (kernels.nf4.NF4Weight.code)
NESTED_CODE_BYTES = 256 * 4  # the 8-bit dynamic map, one per double-quantized linear (NF4Weight.nested_code)
MB = 1e6


@dataclass(frozen=True)
class TrainShape:
    """What a training step looks like, for the memory model (defaults: the engine's QLoRA recipe)."""

    seq_len: int = 512
    micro_batch: int = 2
    r: int = 16  # LoRA rank; 0: no adapter (inference-like weights only)
    target_modules: tuple[str, ...] = DECODER_LINEARS
    lora_dropout: float = 0.05
    dtype: str = "bf16"  # compute dtype and dtype of the unquantized weights; 16-bit means autocast
    quantize: bool = True  # decoder linears in NF4 (False: dense in `dtype`, plain LoRA)
    double_quant: bool = True
    blocksize: int = 64
    checkpointing: bool = True
    chunk_size: int = 256  # rows of the chunked cross-entropy (engine.loss.DEFAULT_CHUNK)
    supervised_tokens: int | None = None  # tokens with loss per micro-batch; default all: B * (T - 1)
    device_type: str = "cuda"  # unfused LoRA: "cuda": dropout keeps a bool mask; "cpu": a float noise tensor
    optimizer_states: int = 2  # AdamW: exp_avg and exp_avg_sq, fp32
    fused_lora: bool = True  # LoRALinear.fused: one autograd Function per adapted linear (engine/lora.py)

    def __post_init__(self):
        if self.dtype not in DTYPE_BYTES:
            raise ValueError(f"dtype {self.dtype!r} is not one of {', '.join(DTYPE_BYTES)}")
        bad = [t for t in self.target_modules if t not in ALL_LINEARS]
        if bad:
            raise ValueError(f"target_modules {bad} are not decoder linears ({', '.join(ALL_LINEARS)})")
        for name in ("seq_len", "micro_batch", "chunk_size", "blocksize"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.r < 0:
            raise ValueError(f"r must be >= 0, got {self.r}")

    @property
    def tokens(self) -> int:
        return self.micro_batch * self.seq_len

    @property
    def n_supervised(self) -> int:
        return self.micro_batch * (self.seq_len - 1) if self.supervised_tokens is None else self.supervised_tokens


@dataclass(frozen=True)
class MemoryItem:
    group: str  # "weights", "lora", "activations"
    name: str
    bytes: int
    note: str = ""


@dataclass(frozen=True)
class MemoryPrediction:
    shape: TrainShape
    items: tuple[MemoryItem, ...]  # static items and the items of the peak phase
    phases: dict = field(default_factory=dict)  # phase name -> activation bytes at its high-water mark
    peak_phase: str = ""

    @property
    def static_bytes(self) -> int:
        return sum(i.bytes for i in self.items if i.group != "activations")

    @property
    def activation_bytes(self) -> int:
        return self.phases[self.peak_phase]

    @property
    def peak(self) -> int:
        return self.static_bytes + self.activation_bytes

    def group_bytes(self, group: str) -> int:
        return sum(i.bytes for i in self.items if i.group == group)


# ----------------------------------------------------------------------------------------------
# Shapes of the model.

def linear_shapes(cfg: ModelConfig) -> dict[str, tuple[int, int]]:
    """(out_features, in_features) of each decoder linear (same in every layer)."""
    h = cfg.hidden_size
    return {"q_proj": (cfg.q_size, h), "k_proj": (cfg.kv_size, h), "v_proj": (cfg.kv_size, h),
            "o_proj": (h, cfg.q_size), "gate_proj": (cfg.intermediate_size, h),
            "up_proj": (cfg.intermediate_size, h), "down_proj": (h, cfg.intermediate_size)}


def layer_linears(cfg: ModelConfig) -> list[dict[str, tuple[int, int]]]:
    """(out, in) of each decoder linear, per layer (the families whose layers differ: counted on the model)."""
    if fm.is_family(cfg):
        return fm.layer_linears(cfg)
    return [linear_shapes(cfg)] * cfg.num_hidden_layers


def parameter_counts(cfg: ModelConfig) -> dict[str, int]:
    """Parameters by kind, as models/transformer.py builds them (lm_head 0 when tied)."""
    if fm.is_family(cfg):
        return fm.parameter_counts(cfg)
    L, h, shapes = cfg.num_hidden_layers, cfg.hidden_size, linear_shapes(cfg)
    attn = sum(o * i for n, (o, i) in shapes.items() if n in DECODER_LINEARS[:4])
    mlp = sum(o * i for n, (o, i) in shapes.items() if n in DECODER_LINEARS[4:])
    norms = L * 2 * h + h + (L * 2 * cfg.head_dim if cfg.qk_norm else 0)
    bias = 0
    if cfg.attention_bias:
        bias += cfg.q_size + 2 * cfg.kv_size
    if cfg.o_proj_bias:
        bias += h
    if cfg.mlp_bias:
        bias += 2 * cfg.intermediate_size + h
    return {"embedding": cfg.vocab_size * h, "attention linears": L * attn, "mlp linears": L * mlp,
            "norms": norms, "biases": L * bias,
            "lm_head": 0 if cfg.tie_word_embeddings else cfg.vocab_size * h}


def nf4_bytes(numel: int, blocksize: int = 64, double_quant: bool = True) -> dict[str, int]:
    """Bytes of one NF4-quantized tensor, as kernels.nf4.NF4Weight (and bitsandbytes) store it."""
    blocks = -(-numel // blocksize)
    out = {"packed": -(-numel // 2)}
    if double_quant:
        out["absmax"] = blocks  # uint8 codes
        out["nested"] = -(-blocks // NESTED_BLOCKSIZE) * 4 + 4  # fp32 nested absmax + fp32 offset
        out["codes"] = NF4_CODE_BYTES + NESTED_CODE_BYTES
    else:
        out["absmax"] = blocks * 4  # fp32
        out["nested"] = 0
        out["codes"] = NF4_CODE_BYTES
    return out


def lora_param_count(cfg: ModelConfig, r: int, targets=DECODER_LINEARS) -> int:
    if fm.is_family(cfg):
        return fm.lora_param_count(cfg, r, targets)
    return cfg.num_hidden_layers * sum(r * (o + i) for n, (o, i) in linear_shapes(cfg).items() if n in targets)


# ----------------------------------------------------------------------------------------------
# Activations.

def layer_saved_bytes(cfg: ModelConfig, s: TrainShape) -> dict[str, int]:
    """Bytes autograd keeps for one decoder layer's backward (LoRA on `s.target_modules`, frozen base).

    Excludes the layer's input (the checkpoint keeps it; without checkpointing it is the previous
    layer's output, counted by the caller). Derived op by op (see tests/engine/inspect/test_xray.py):
      RMSNorm:  its fp32 input (a copy when the input is 16-bit) and rsqrt (B, T, 1) fp32
      frozen base linears (dense or NF4): nothing (the weight is all the input-gradient needs)
      LoRA, fused (LoRALinearFunction, the default): the input (the tensor the base linear reads:
                kept once however many adapters read it), per adapter the (B, T, r) rank-r product
                and, with dropout, a bool mask; nothing else (A, B are parameters)
      LoRA, unfused: A: its input (kept once per tensor, as above); with dropout instead the mask
                (bool on CUDA, noise in the input dtype on CPU) and the dropped input, per adapter;
                under autocast also A's 16-bit copy. B: its (B, T, r) input and, under autocast,
                B's 16-bit copy
      RoPE:     nothing (cos and sin are constants)
      SDPA:     q, GQA-expanded k and v, the output (which is o_proj's input), fp32 logsumexp (B, nh, T)
      SwiGLU:   gate output (for silu), silu output and up output (for the product)
    """
    if fm.is_family(cfg):  # counted on the layers themselves (fake tensors): the largest kind
        kinds = fm.saved_by_kind(cfg, s)
        kind = max(kinds, key=kinds.get)
        return {f"a {kind} layer (the largest kind; counted on fake tensors)": kinds[kind]}
    d, BT, B, T = DTYPE_BYTES[s.dtype], s.tokens, s.micro_batch, s.seq_len
    h, q, i = cfg.hidden_size, cfg.q_size, cfg.intermediate_size
    autocast = d != 4
    targets = set(s.target_modules) if s.r > 0 else set()
    drop = s.lora_dropout > 0
    shapes = linear_shapes(cfg)
    out = {}
    out["rmsnorm inputs (fp32) + rsqrt"] = (BT * h * 4 if autocast else 0) + BT * h * 4 + 2 * BT * 4
    if cfg.qk_norm:  # q_norm, k_norm over head_dim: the fp32 input (q/k_proj output or its copy), rsqrt per head
        out["q/k norm inputs (fp32) + rsqrt"] = BT * (q + cfg.kv_size) * 4 + BT * (cfg.num_attention_heads
                                                                                 + cfg.num_key_value_heads) * 4
    out["attention q, k, v, out + lse"] = 4 * BT * q * d + B * cfg.num_attention_heads * T * 4
    out["swiglu gate, silu, up"] = 3 * BT * i * d
    lora_in = 0
    for name in targets:
        o_f, i_f = shapes[name]
        if drop and s.fused_lora:  # a bool mask
            lora_in += BT * i_f
        elif drop:  # the mask (bool on CUDA, noise in the input dtype on CPU) and the dropped input
            lora_in += BT * i_f * ((1 if s.device_type == "cuda" else d) + d)
        lora_in += BT * s.r * d  # B's input (B, T, r)
        if autocast and not s.fused_lora:
            lora_in += s.r * (o_f + i_f) * d  # autocast's 16-bit copies of A and B
    if targets and (s.fused_lora or not drop):  # the input the base reads: kept once per tensor
        if targets & {"q_proj", "k_proj", "v_proj"}:
            lora_in += BT * h * d  # input_layernorm output
        if targets & {"gate_proj", "up_proj"}:
            lora_in += BT * h * d  # post_attention_layernorm output
        if "down_proj" in targets:
            lora_in += BT * i * d  # silu(gate) * up
        # o_proj's input is the SDPA output, counted above
    out["lora inputs"] = lora_in
    return out


def _layer_backward_extra(cfg: ModelConfig, s: TrainShape) -> int:
    """Temporaries alive at the end of a layer's recomputation, when its backward starts, and during
    its first backward step.

    The gradient of the layer output, the down_proj output, and the MLP input and the product
    silu(gate) * up when they are not already kept for backward; then down_proj's input gradient
    and its dense weight (measured on CPU: tests/engine/inspect/test_xray.py).
    """
    d, BT = DTYPE_BYTES[s.dtype], s.tokens
    h, i = cfg.hidden_size, cfg.intermediate_size
    targets = set(s.target_modules) if s.r > 0 else set()
    drop = s.lora_dropout > 0 and not s.fused_lora  # the fused path keeps the adapters' inputs anyway
    extra = BT * h * d  # gradient of the layer output
    extra += BT * h * d  # down_proj output
    if drop or not targets & {"gate_proj", "up_proj"}:
        extra += BT * h * d  # MLP input (post_attention_layernorm output)
    if drop or "down_proj" not in targets:
        extra += BT * i * d  # silu(gate) * up
    # down_proj's backward, the first and widest: its input gradient (B, T, I) and its weight,
    # dequantized to a dense (H, I) temporary (LoRALinearFunction / NF4LinearFunction).
    extra += BT * i * d + h * i * d
    return extra


def activation_phases(cfg: ModelConfig, s: TrainShape) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """(activation bytes at each high-water mark, their itemisation)."""
    d, BT = DTYPE_BYTES[s.dtype], s.tokens
    h, L, V = cfg.hidden_size, cfg.num_hidden_layers, cfg.vocab_size
    autocast = d != 4
    saved = sum(layer_saved_bytes(cfg, s).values())
    common = {"rope cos + sin": fm.rope_bytes(cfg, BT, d) if fm.is_family(cfg) else 2 * BT * cfg.head_dim * d}
    if s.checkpointing:
        common["checkpointed layer inputs"] = L * BT * h * d
    elif fm.is_family(cfg):
        kinds, counts = fm.saved_by_kind(cfg, s), fm.layer_kinds(cfg)
        common["saved tensors of all layers"] = sum(counts[k] * (v + (0 if autocast else BT * h * 4)) for k, v in kinds.items())
    else:
        # Every layer's saved tensors; fp32 layers also keep their input (the norm saves it as is).
        common["saved tensors of all layers"] = L * (saved + (0 if autocast else BT * h * 4))
    n = s.n_supervised
    c = min(s.chunk_size, n)
    ce = dict(common)
    ce["final norm input (fp32) + rsqrt"] = BT * h * 4 + BT * 4
    ce["gathered rows + their grad"] = 2 * n * h * d + n * (4 + 8)  # + fp32 logsumexp, int64 targets
    # engine/loss.py's backward, per chunk (kernels/cross_entropy.py): on CUDA the Triton kernel
    # writes the gradient over the logits in the compute dtype: one chunk. The torch twin (CPU)
    # works in an fp32 copy: one fp32 chunk plus, under autocast, the 16-bit logits. Each chunk is
    # deleted before the next; the forward peaks at the same size.
    if s.device_type == "cuda":
        ce["logits chunk (backward)"] = c * V * d
    else:
        ce["logits chunk (backward)"] = c * V * (4 + (d if autocast else 0))
    if s.quantize and s.device_type == "cuda":  # kernels/nf4_linear.py: the Triton backend's dequant
        ce["NF4 dequant scratch buffer"] = max(o * i for lin in layer_linears(cfg) for o, i in lin.values()) * d  # buffer stays
    layer = dict(common)
    if s.checkpointing:
        layer["recomputed layer (saved for backward)"] = saved
    layer["layer backward temporaries"] = _layer_backward_extra(cfg, s)
    detail = {"cross-entropy backward": ce, "last layer backward": layer}
    return {k: sum(v.values()) for k, v in detail.items()}, detail


# ----------------------------------------------------------------------------------------------
# The whole step.

def static_items(cfg: ModelConfig, s: TrainShape) -> list[MemoryItem]:
    d = DTYPE_BYTES[s.dtype]
    counts = parameter_counts(cfg)
    items = []
    if s.quantize:
        parts = {"packed": 0, "absmax": 0, "nested": 0, "codes": 0}
        for layer in layer_linears(cfg):
            for o, i in layer.values():
                for k, v in nf4_bytes(o * i, s.blocksize, s.double_quant).items():
                    parts[k] += v
        items += [MemoryItem("weights", "NF4 packed weights (4 bit)", parts["packed"], "2 codes per byte"),
                  MemoryItem("weights", "1st-level scales", parts["absmax"],
                             f"uint8 absmax code per {s.blocksize}" if s.double_quant else f"fp32 absmax per {s.blocksize}")]
        if s.double_quant:
            items.append(MemoryItem("weights", "2nd-level scales", parts["nested"],
                                    f"fp32 absmax per {NESTED_BLOCKSIZE} scales + offset"))
        items.append(MemoryItem("weights", "code tables", parts["codes"], "per linear: 16 NF4 values (+256 8-bit map)"))
    else:
        items.append(MemoryItem("weights", f"decoder linears ({s.dtype})", _linear_params(counts) * d, "dense, frozen"))
    items.append(MemoryItem("weights", f"embedding ({s.dtype})", counts["embedding"] * d,
                            "tied with lm_head" if cfg.tie_word_embeddings else ""))
    if not cfg.tie_word_embeddings:
        items.append(MemoryItem("weights", f"lm_head ({s.dtype})", counts["lm_head"] * d))
    items.append(MemoryItem("weights", f"norms + biases ({s.dtype})", (counts["norms"] + counts["biases"]) * d))
    if "deltanet conv + decay" in counts:
        items.append(MemoryItem("weights", f"deltanet conv + decay ({s.dtype})", counts["deltanet conv + decay"] * d,
                                "conv1d, A_log, dt_bias: kept dense"))
    items.append(MemoryItem("weights", "rope inv_freq (fp32)",
                            fm.rope_buffer_bytes(cfg) if fm.is_family(cfg) else cfg.head_dim // 2 * 4))
    if s.r > 0:
        n = lora_param_count(cfg, s.r, s.target_modules)
        items += [MemoryItem("lora", "LoRA A, B (fp32)", n * 4, f"{n:,} params"),
                  MemoryItem("lora", "LoRA grads (fp32)", n * 4),
                  MemoryItem("lora", "AdamW moments (2 x fp32)", s.optimizer_states * n * 4)]
        if s.fused_lora and d != 4:  # LoRALinear.cast_adapter: one 16-bit copy per step, kept
            items.append(MemoryItem("lora", f"LoRA A, B ({s.dtype} copies)", n * d, "fused path, cast once per step"))
    return items


def predict_peak_memory(cfg: ModelConfig, shape: TrainShape | None = None, **overrides) -> MemoryPrediction:
    """Predicted peak of tensor memory (bytes) of one training micro-step; see the module docstring.

    cfg: the model's ModelConfig (from config.json); shape: a TrainShape, or its fields as keywords.
    """
    s = replace(shape or TrainShape(), **overrides) if overrides else (shape or TrainShape())
    phases, detail = activation_phases(cfg, s)
    peak_phase = max(phases, key=phases.get)
    items = static_items(cfg, s) + [MemoryItem("activations", k, v) for k, v in detail[peak_phase].items()]
    return MemoryPrediction(shape=s, items=tuple(items), phases=phases, peak_phase=peak_phase)


def _linear_params(counts: dict[str, int]) -> int:
    """Parameters of the decoder linears (what NF4 quantizes)."""
    return counts["attention linears"] + counts["mlp linears"] + counts.get("deltanet linears", 0)


def bits_per_parameter(cfg: ModelConfig, s: TrainShape) -> tuple[float, float]:
    """(bits per quantized decoder-linear weight, bits per parameter of the whole base model)."""
    counts = parameter_counts(cfg)
    linear = _linear_params(counts)
    weights = [i for i in static_items(cfg, s) if i.group == "weights"]
    lin_bytes = sum(i.bytes for i in weights if not i.name.startswith(("embedding", "lm_head", "norms", "rope", "deltanet conv")))
    return 8 * lin_bytes / linear, 8 * sum(i.bytes for i in weights) / sum(counts.values())


def variants(cfg: ModelConfig, s: TrainShape) -> dict[str, MemoryPrediction]:
    """The step as configured and with one QLoRA idea taken away at a time (to show what each buys)."""
    out = {"as configured": predict_peak_memory(cfg, s)}
    if s.quantize and s.double_quant:
        out["no double quant"] = predict_peak_memory(cfg, s, double_quant=False)
    if s.quantize:
        out[f"no NF4 ({s.dtype} base)"] = predict_peak_memory(cfg, s, quantize=False)
    if s.checkpointing:
        out["no checkpointing"] = predict_peak_memory(cfg, s, checkpointing=False)
    if s.chunk_size < s.n_supervised:
        out["unchunked cross-entropy"] = predict_peak_memory(cfg, s, chunk_size=s.n_supervised)
    if s.dtype != "fp32":
        out["fp32 compute"] = predict_peak_memory(cfg, s, dtype="fp32")
    return out


def fmt_mb(n: int) -> str:
    return f"{n / MB:,.1f} MB" if n < 10 * 10**9 else f"{n / 1e9:,.2f} GB"
