"""The tokenizer and chat template a GGUF file carries, rebuilt with the `tokenizers` library.

GGUF files describe their tokenizer in metadata: `tokenizer.ggml.model` (`gpt2` for byte-level
BPE, as Qwen2 / SmolLM / Llama 3 use), the vocabulary (`tokens`, in byte-level spelling), the
`merges`, each token's type (3 = control, e.g. `<|im_end|>`; 4 = user-defined, e.g. `<tool_call>`),
bos/eos/pad ids, and `tokenizer.chat_template`. Which regex splits text before BPE is not in
the file, only its name (`tokenizer.ggml.pre`); llama.cpp maps names to regexes, and so do we,
for the names our families use. Each split equals the original model's tokenizer.json:

| pre      | models                  | before BPE                                                  |
|----------|-------------------------|-------------------------------------------------------------|
| qwen2    | Qwen1.5 / 2 / 2.5       | NFC; Qwen2's split regex; byte-level                        |
| smollm   | SmolLM / SmolLM2        | every digit alone; GPT-2's regex (byte-level)               |
| llama-bpe, falcon3 | Llama 3, Falcon3 | Llama 3's split regex; byte-level                        |
| default / gpt2     | others       | GPT-2's regex (byte-level)                                  |

SentencePiece GGUFs (`tokenizer.ggml.model = "llama"`) are rebuilt for Gemma files (`gemma_backend`):
a BPE over the vocabulary with byte fallback, spaces written as "▁" before BPE, no pre-split. The
file carries no merges; they are derived from the vocabulary, best first in the order the tokens
appear in the file (Gemma's scores do not follow its merge order). This is the tokenizer
transformers builds from the same file (`AutoTokenizer.from_pretrained(dir, gguf_file=...)`), the
reference in tests/models/test_gguf_gemma3.py. Other SentencePiece files get an error that says so.
The template is the file's own, rendered in models/tokenizer.py's sandbox (Gemma 3 GGUFs often carry
none: configs/gemma3_chat_template.jinja is Gemma's).
"""

from __future__ import annotations

from pathlib import Path

from tokenizers import AddedToken, Regex, decoders, normalizers, pre_tokenizers, processors
from tokenizers import Tokenizer as HFTokenizer
from tokenizers.models import BPE

from .checkpoint import CheckpointError
from .gguf import GGUFCheckpoint

# Split regexes, as the original models' tokenizer.json files give them (llama.cpp's llama-vocab.cpp
# maps the same `tokenizer.ggml.pre` names to the same expressions).
QWEN2_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
               r"|\s*[\r\n]+|\s+(?!\S)|\s+")
LLAMA3_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                r"|\s*[\r\n]+|\s+(?!\S)|\s+")
CONTROL, USER_DEFINED = 3, 4  # llama.cpp's token types
SPACE = "\u2581"  # SentencePiece's visible space
GEMMA_ARCHITECTURES = ("gemma", "gemma2", "gemma3")


def _byte_alphabet() -> dict[int, str]:
    """GPT-2's byte -> printable character table (the spelling of byte-level vocabularies)."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    table, extra = {}, 0
    for b in range(256):
        if b in printable:
            table[b] = chr(b)
        else:
            table[b] = chr(256 + extra)
            extra += 1
    return table


def _pre_tokenizer(pre: str | None):
    if pre in ("qwen2", "deepseek-r1-qwen"):
        split = QWEN2_SPLIT
    elif pre in ("llama-bpe", "llama3", "llama-v3", "falcon3", "smaug-bpe"):
        split = LLAMA3_SPLIT
    elif pre == "smollm":
        return pre_tokenizers.Sequence([pre_tokenizers.Digits(individual_digits=True),
                                        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
    else:
        return pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    return pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(split), behavior="isolated"),
                                    pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])


def gguf_backend(ckpt: GGUFCheckpoint) -> HFTokenizer:
    """A `tokenizers.Tokenizer` equal to the one the file describes (byte-level BPE files)."""
    kind = ckpt.metadata("tokenizer.ggml.model", None)
    if kind == "llama" and ckpt.arch in GEMMA_ARCHITECTURES:
        return gemma_backend(ckpt)
    if kind != "gpt2":
        what = f"SentencePiece ('llama') files of architecture {ckpt.arch!r}" if kind == "llama" else repr(kind)
        raise CheckpointError(f"{ckpt.path}: tokenizer.ggml.model is {what}; only byte-level BPE ('gpt2') "
                              f"tokenizers and Gemma's SentencePiece vocabulary are rebuilt from GGUF so far: "
                              f"put the model's tokenizer.json beside it")
    tokens = list(ckpt.metadata("tokenizer.ggml.tokens"))
    merges = list(ckpt.metadata("tokenizer.ggml.merges", []))
    types = list(ckpt.metadata("tokenizer.ggml.token_type", [1] * len(tokens)))
    spelling = _byte_alphabet()
    alphabet = set(spelling.values())
    # Byte-level files spell every token in GPT-2's alphabet; respell the odd one that is not.
    vocab = {}
    for i, tok in enumerate(tokens):
        spelled = tok if set(tok) <= alphabet else "".join(spelling[b] for b in tok.encode("utf-8"))
        vocab.setdefault(spelled, i)
    pairs = []
    for m in merges:
        left, sep, right = m.partition(" ")
        if not sep:
            raise CheckpointError(f"{ckpt.path}: malformed merge {m!r} in tokenizer.ggml.merges")
        pairs.append((left, right))
    backend = HFTokenizer(BPE(vocab, pairs, fuse_unk=False, byte_fallback=False))
    pre = ckpt.metadata("tokenizer.ggml.pre", None)
    if pre in ("qwen2", "deepseek-r1-qwen"):
        backend.normalizer = normalizers.NFC()
    backend.pre_tokenizer = _pre_tokenizer(pre)
    backend.decoder = decoders.ByteLevel()
    backend.post_processor = processors.ByteLevel(trim_offsets=False)
    # Control tokens (<|im_end|>) are special; user-defined ones (<tool_call>) are matched whole but not special.
    added = {i: t for i, (t, k) in enumerate(zip(tokens, types)) if k in (CONTROL, USER_DEFINED)}
    backend.add_special_tokens([AddedToken(t, special=True, normalized=False) for i, t in added.items()
                                if types[i] == CONTROL])
    backend.add_tokens([AddedToken(t, special=False, normalized=False) for i, t in added.items()
                        if types[i] == USER_DEFINED])
    for i, t in added.items():
        if backend.token_to_id(t) != i:
            raise CheckpointError(f"{ckpt.path}: added token {t!r} (id {i}) would not keep its id")
    return backend


def gemma_backend(ckpt: GGUFCheckpoint) -> HFTokenizer:
    """Gemma's tokenizer from a GGUF file's SentencePiece vocabulary (`tokenizer.ggml.model = "llama"`).

    llama.cpp's converter writes the spaces of user-defined tokens ("▁▁", ...) as real spaces; they
    are spelled back with "▁", which is how the model's BPE sees text (spaces become "▁" first).
    Merges: every split of a token into two tokens of the vocabulary, tokens in file order, the
    longest left piece first. Control tokens (<start_of_turn>, ...) are special added tokens; other
    user-defined ones ("\n\n", "[multimodal]") are matched whole, not special.
    """
    tokens = list(ckpt.metadata("tokenizer.ggml.tokens"))
    types = list(ckpt.metadata("tokenizer.ggml.token_type", [1] * len(tokens)))
    spelled = [t.replace(" ", SPACE) if k == USER_DEFINED and t and not t.strip() else t for t, k in zip(tokens, types)]
    vocab = {t: i for i, t in enumerate(spelled)}  # a duplicate spelling keeps its last id
    merges = []
    for token in dict.fromkeys(sorted(vocab, key=vocab.get)):
        for k in range(len(token) - 1, 0, -1):
            if token[:k] in vocab and token[k:] in vocab:
                merges.append((token[:k], token[k:]))
    unk = tokens[int(ckpt.metadata("tokenizer.ggml.unknown_token_id", 3))]
    backend = HFTokenizer(BPE(vocab, merges, unk_token=unk, fuse_unk=True, byte_fallback=True))
    backend.normalizer = normalizers.Replace(" ", SPACE)
    backend.pre_tokenizer = pre_tokenizers.Split(" ", behavior="merged_with_previous")  # nothing to split after ▁
    backend.decoder = decoders.Sequence([decoders.Replace(SPACE, " "), decoders.ByteFallback(), decoders.Fuse()])
    backend.add_special_tokens([AddedToken(t, special=True, normalized=False)
                                for t, k in zip(tokens, types) if k == CONTROL])
    backend.add_tokens([AddedToken(t, special=False, normalized=False)
                        for t, k in zip(tokens, types) if k == USER_DEFINED and t in vocab])
    return backend


def gguf_tokenizer_parts(path: str | Path) -> tuple[HFTokenizer, dict, str | None]:
    """(backend, special-token names, chat template) of a GGUF file, for models.tokenizer.load_tokenizer."""
    ckpt = GGUFCheckpoint(path, model=False)
    backend = gguf_backend(ckpt)
    tokens = ckpt.metadata("tokenizer.ggml.tokens")

    def name(key):
        idx = ckpt.metadata(f"tokenizer.ggml.{key}", None)
        if idx is None:
            return None
        if not 0 <= int(idx) < len(tokens):
            raise CheckpointError(f"{ckpt.path}: tokenizer.ggml.{key} = {idx} is outside the vocabulary")
        return tokens[int(idx)]

    special = {"bos": name("bos_token_id"), "eos": name("eos_token_id"), "pad": name("padding_token_id"),
               "unk": name("unknown_token_id")}
    return backend, special, ckpt.metadata("tokenizer.chat_template", None)
