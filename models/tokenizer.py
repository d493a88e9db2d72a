"""Tokenizer and chat template: `tokenizer.json` through the `tokenizers` library, the model's own
chat template rendered in a Jinja sandbox, and the prompt / answer split that training puts its loss on.

    tok = load_tokenizer("Qwen/Qwen2.5-Coder-1.5B-Instruct")      # or a local directory
    text = tok.apply_chat_template(messages, add_generation_prompt=True)
    prompt_ids, answer_ids = tok.encode_chat(messages + [{"role": "assistant", "content": sql}])

Files read (all but `tokenizer.json` optional): `tokenizer.json`, `tokenizer_config.json`
(bos/eos/pad/unk, `added_tokens_decoder`, `chat_template`), `generation_config.json` (eos, possibly
a list: every entry becomes a stop id), `special_tokens_map.json` (fallback for bos/eos/pad/unk),
`chat_template.jinja` (preferred over the config's template when both exist, as recent
transformers writes the template there).

Chat templates come from the hub and are untrusted code: they are compiled and rendered by
models/chat_template.py, in a Jinja sandbox with limits on time and size.

Special-token fallbacks (when the config files do not name them):
- eos: generation_config's first eos id, else the first of `<|endoftext|>`, `<|end_of_text|>`,
  `</s>`, `<eos>` in the vocabulary.
- pad: generation_config's pad id, else eos (padded positions are masked out of attention and
  loss, so the id only has to exist; labels here never come from the pad id).
- stop ids: eos, every generation_config eos id, and every end-of-turn marker
  (`<|im_end|>`, `<|eot_id|>`, `<|end|>`, `<end_of_turn>`, `<|eom_id|>`) that the chat template
  uses, in that order, without repeats.

The prompt / answer split (`encode_chat`): the conversation without its last (assistant) message
is rendered with `add_generation_prompt=True`; the full conversation must start with exactly that
text (otherwise the template is not prefix-stable and an error says so). The answer is
everything after the prompt up to and including the end-of-turn marker that closes the assistant
turn. Whatever the template emits after that marker (ChatML's trailing "\\n") is left out of the
training sequence: it would be an unsupervised last token, which predicts nothing and is never
predicted, so dropping it changes no loss term and saves a position. Tokenisation is checked at
the boundary: `prompt_ids + answer_ids == encode(prompt_text + answer_text)` and
`prompt_ids == encode(prompt_text)` (the ids generation will see), else an error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tokenizers import AddedToken
from tokenizers import Tokenizer as HFTokenizer

from .chat_template import (BUILTIN_TEMPLATES, ChatTemplateError, TemplateLimitError, TemplateLimits,
                            TokenizerError, compile_chat_template, plain_data)
from .gguf import find_gguf
from .gguf_tokenizer import gguf_tokenizer_parts
from .tokenizer_files import fetch_tokenizer_files, pick_chat_template, read_json, template_override, token_content

KNOWN_EOS = ("<|endoftext|>", "<|end_of_text|>", "</s>", "<eos>")
KNOWN_END_OF_TURN = ("<|im_end|>", "<|eot_id|>", "<|end|>", "<end_of_turn>", "<|eom_id|>")


__all__ = ["BUILTIN_TEMPLATES", "ChatTemplateError", "TemplateLimitError", "TemplateLimits", "Tokenizer",
           "TokenizerError", "compile_chat_template", "load_tokenizer"]


# ----------------------------------------------------------------------------- tokenizer


@dataclass(frozen=True)
class SpecialTokens:
    bos: str | None
    eos: str | None
    pad: str | None
    unk: str | None
    generation_eos_ids: tuple[int, ...]  # generation_config.json eos_token_id (int or list)
    generation_pad_id: int | None


class Tokenizer:
    """A `tokenizers.Tokenizer` plus the special tokens and chat template of one model."""

    def __init__(self, backend: HFTokenizer, special: SpecialTokens, chat_template: str | None, name: str = ""):
        self.backend = backend
        self.special = special
        self.chat_template = chat_template
        self.name = name
        self._compiled = compile_chat_template(chat_template, name=name) if chat_template is not None else None
        self._check_special_tokens()

    def __repr__(self):
        return f"Tokenizer({self.name!r}, vocab_size={self.vocab_size}, eos={self.special.eos!r})"

    # --- ids ------------------------------------------------------------------
    def token_to_id(self, token: str) -> int | None:
        return self.backend.token_to_id(token)

    def _id(self, token: str | None, what: str) -> int | None:
        if token is None:
            return None
        idx = self.backend.token_to_id(token)
        if idx is None:
            raise TokenizerError(f"{self.name}: {what} token {token!r} is not in the vocabulary")
        return idx

    def _check_special_tokens(self):
        for what in ("bos", "eos", "pad", "unk"):
            self._id(getattr(self.special, what), what)
        if self.eos_token_id is None:
            raise TokenizerError(
                f"{self.name}: no eos token: set eos_token in tokenizer_config.json "
                f"(none of the usual names {KNOWN_EOS} is in the vocabulary)"
            )

    @property
    def vocab_size(self) -> int:
        """Tokens the tokenizer knows, added tokens included (a model's embedding may be larger)."""
        return self.backend.get_vocab_size(with_added_tokens=True)

    @property
    def bos_token_id(self) -> int | None:
        return self._id(self.special.bos, "bos")

    @property
    def eos_token_id(self) -> int | None:
        if self.special.eos is not None:
            return self._id(self.special.eos, "eos")
        if self.special.generation_eos_ids:
            return self.special.generation_eos_ids[0]
        for name in KNOWN_EOS:
            if (idx := self.backend.token_to_id(name)) is not None:
                return idx
        return None

    @property
    def pad_token_id(self) -> int:
        if self.special.pad is not None:
            return self._id(self.special.pad, "pad")
        if self.special.generation_pad_id is not None:
            return self.special.generation_pad_id
        return self.eos_token_id

    @property
    def end_of_turn_tokens(self) -> tuple[str, ...]:
        """End-of-turn markers in the vocabulary that the chat template writes."""
        tpl = self.chat_template or ""
        return tuple(t for t in KNOWN_END_OF_TURN if t in tpl and self.backend.token_to_id(t) is not None)

    @property
    def stop_token_ids(self) -> tuple[int, ...]:
        """Ids that end generation: eos, generation_config's eos ids, end-of-turn markers."""
        ids = [self.eos_token_id, *self.special.generation_eos_ids]
        ids += [self.backend.token_to_id(t) for t in self.end_of_turn_tokens]
        return tuple(dict.fromkeys(i for i in ids if i is not None))

    # --- text <-> ids ---------------------------------------------------------
    def encode(self, text: str, add_special_tokens: bool = False) -> list[int]:
        return self.backend.encode(text, add_special_tokens=add_special_tokens).ids

    def decode(self, ids, skip_special_tokens: bool = False) -> str:
        return self.backend.decode([int(i) for i in ids], skip_special_tokens=skip_special_tokens)

    # --- chat -----------------------------------------------------------------
    def apply_chat_template(self, messages: list[dict], add_generation_prompt: bool = False, **kwargs) -> str:
        """Render messages with the model's template, like transformers' apply_chat_template(tokenize=False)."""
        if self._compiled is None:
            raise ChatTemplateError(
                f"{self.name}: the tokenizer has no chat template (neither tokenizer_config.json's "
                "'chat_template' nor chat_template.jinja); use an instruct/chat model's tokenizer "
                "or add a chat_template.jinja next to tokenizer.json"
            )
        if not isinstance(messages, (list, tuple)) or not all(isinstance(m, dict) for m in messages):
            raise TypeError("messages must be a list of dicts like {'role': 'user', 'content': '...'}")
        context = dict(
            messages=plain_data(list(messages)),
            add_generation_prompt=add_generation_prompt,
            tools=None,
            documents=None,
            bos_token=self.special.bos or "",
            eos_token=self.special.eos or "",
            pad_token=self.special.pad or "",
            unk_token=self.special.unk or "",
            **plain_data(kwargs),
        )
        return self._compiled.render(**context)

    def encode_prompt(self, messages: list[dict]) -> list[int]:
        """Ids to generate from: the rendering with the assistant's turn opened."""
        return self.encode(self.apply_chat_template(messages, add_generation_prompt=True))

    def split_chat(self, messages: list[dict]) -> tuple[str, str]:
        """(prompt_text, answer_text) of a conversation ending with the assistant's message.

        answer_text runs from the end of the prompt to the end-of-turn marker closing the answer,
        inclusive; what the template writes after the marker is not part of either (see module doc).
        """
        if not messages or messages[-1].get("role") != "assistant":
            raise TokenizerError("encode_chat needs a conversation whose last message has role 'assistant'")
        answer = messages[-1].get("content")
        if not isinstance(answer, str) or not answer:
            raise TokenizerError("the assistant message to supervise has no text content")
        prompt = self.apply_chat_template(messages[:-1], add_generation_prompt=True)
        full = self.apply_chat_template(messages, add_generation_prompt=False)
        if not full.startswith(prompt):
            raise ChatTemplateError(
                f"{self.name}: chat template is not prefix-stable: rendering the conversation without its "
                "last answer (with add_generation_prompt=True) is not a prefix of the full rendering, so the "
                f"answer cannot be located.\nprompt ends: {prompt[-120:]!r}\nfull at that point: "
                f"{full[max(0, len(prompt) - 120):len(prompt)]!r}"
            )
        rest = full[len(prompt):]
        at = rest.find(answer)
        if at < 0:
            raise ChatTemplateError(f"{self.name}: the assistant answer does not appear verbatim in the rendering")
        after = at + len(answer)
        markers = [self.special.eos, *self.end_of_turn_tokens]
        hits = [(rest.find(m, after), m) for m in markers if m and rest.find(m, after) >= 0]
        if not hits:
            raise ChatTemplateError(
                f"{self.name}: no end-of-turn token ({[m for m in markers if m]}) after the assistant answer "
                f"in the rendering: {rest[after:after + 80]!r}"
            )
        pos, marker = min(hits)
        after = rest.rfind(answer, 0, pos) + len(answer)  # the occurrence closest to the marker
        if rest[after:pos].strip():
            raise ChatTemplateError(
                f"{self.name}: unexpected text {rest[after:pos]!r} between the answer and its end-of-turn token"
            )
        return prompt, rest[:pos + len(marker)]

    def encode_chat(self, messages: list[dict]) -> tuple[list[int], list[int]]:
        """(prompt_ids, answer_ids) of a conversation ending with the assistant's message.

        Train on prompt_ids + answer_ids with the loss on answer_ids (answer + end-of-turn token).
        """
        prompt, answer = self.split_chat(messages)
        full_ids = self.encode(prompt + answer)
        prompt_ids = self.encode(prompt)
        if full_ids[:len(prompt_ids)] != prompt_ids:
            raise TokenizerError(
                f"{self.name}: tokens merge across the prompt/answer boundary (prompt ends {prompt[-40:]!r}, "
                f"answer starts {answer[:40]!r}); the training prompt would differ from the generation prompt"
            )
        answer_ids = full_ids[len(prompt_ids):]
        assert prompt_ids + answer_ids == full_ids
        return prompt_ids, answer_ids


def _gguf_without_tokenizer_json(source) -> Path | None:
    """The GGUF file to take the tokenizer from: `source` itself, or the one beside no tokenizer.json."""
    path = Path(source).expanduser()
    if path.is_file() and path.suffix.lower() == ".gguf":
        return path
    if path.is_dir() and not (path / "tokenizer.json").is_file():
        return find_gguf(path)
    return None


def load_tokenizer(source: str | os.PathLike, *, chat_template: str | None = None) -> Tokenizer:
    """Tokenizer of a local directory, a GGUF file, or a hub repo id (fetches only the tokenizer's own files).

    A .gguf file (or a directory holding one and no tokenizer.json) gives the tokenizer, special
    tokens and chat template its metadata describes (models/gguf_tokenizer.py).

    chat_template: None uses the checkpoint's own template; a builtin name ("chatml", "plain") or a
    path to a .jinja file replaces it (for base models that ship none).
    """
    gguf_file = _gguf_without_tokenizer_json(source)
    if gguf_file is not None:
        backend, names, template = gguf_tokenizer_parts(gguf_file)
        tokens = SpecialTokens(bos=names["bos"], eos=names["eos"], pad=names["pad"], unk=names["unk"],
                               generation_eos_ids=(), generation_pad_id=None)
        template = template_override(chat_template) if chat_template else template
        return Tokenizer(backend, tokens, template, name=str(source))
    files = fetch_tokenizer_files(source)
    try:
        backend = HFTokenizer.from_file(str(files["tokenizer.json"]))
    except Exception as e:
        raise TokenizerError(f"cannot load {files['tokenizer.json']}: {e}") from e
    config = read_json(files.get("tokenizer_config.json"))
    special_map = read_json(files.get("special_tokens_map.json"))
    generation = read_json(files.get("generation_config.json"))

    # Added tokens the config declares but tokenizer.json lacks (older saves): add them, same ids.
    for idx, tok in sorted(config.get("added_tokens_decoder", {}).items(), key=lambda kv: int(kv[0])):
        content, idx = tok.get("content"), int(idx)
        have = backend.token_to_id(content)
        if have is None:
            added = AddedToken(content, special=bool(tok.get("special", True)), normalized=bool(tok.get("normalized", False)))
            backend.add_special_tokens([added]) if tok.get("special", True) else backend.add_tokens([added])
            have = backend.token_to_id(content)
        if have != idx:
            raise TokenizerError(
                f"{files['tokenizer_config.json']}: added token {content!r} has id {idx} there but {have} in tokenizer.json"
            )

    def special(key):
        value = token_content(config.get(key))
        return value if value is not None else token_content(special_map.get(key))

    eos_ids = generation.get("eos_token_id")
    eos_ids = tuple(eos_ids) if isinstance(eos_ids, list) else (() if eos_ids is None else (int(eos_ids),))
    tokens = SpecialTokens(
        bos=special("bos_token"),
        eos=special("eos_token"),
        pad=special("pad_token"),
        unk=special("unk_token"),
        generation_eos_ids=tuple(int(i) for i in eos_ids),
        generation_pad_id=generation.get("pad_token_id"),
    )
    template = template_override(chat_template) if chat_template else pick_chat_template(files, config)
    return Tokenizer(backend, tokens, template, name=str(source))
