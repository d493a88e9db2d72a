"""Chat templates: untrusted Jinja from a checkpoint, compiled and rendered inside limits.

    tpl = ChatTemplate(source, name="Qwen/Qwen2.5-Coder-1.5B-Instruct")
    text = tpl.render(messages=[...], add_generation_prompt=True, eos_token="<|im_end|>")

Chat templates come from the hub and are untrusted code. They run in jinja2's
`ImmutableSandboxedEnvironment` with the same options and globals as transformers'
`apply_chat_template` (trim_blocks, lstrip_blocks, loopcontrols, `raise_exception`,
`strftime_now`, a `tojson` that does not HTML-escape, `namespace` refusing underscore names,
`{% generation %}` accepted and rendered as plain text). A template that reaches for
`__class__`, `__subclasses__` or mutates a list fails with `ChatTemplateError` whose cause is
jinja2's `SecurityError`.

The sandbox stops what a template can reach, not what it can spend: models/template_limits.py
bounds that (`TemplateLimits`: wall clock, steps, characters, integer bits, source length) and
going past a limit is a `TemplateLimitError` naming it. A real chat template renders a
conversation in well under a millisecond and a few dozen steps. Every other failure of the
template (its own `raise_exception`, 1/0, a macro recursing without end) is one `ChatTemplateError`.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Any

import jinja2
import jinja2.ext
import jinja2.nodes

from .template_limits import DEFAULT_LIMITS, LimitedSandbox, OverLimit, TemplateLimits, compile_clock, value_size

__all__ = ["BUILTIN_TEMPLATES", "ChatTemplate", "ChatTemplateError", "TemplateLimitError", "TemplateLimits",
           "TokenizerError", "compile_chat_template", "plain_data"]


class TokenizerError(ValueError):
    """A tokenizer that cannot be found, read or used as asked (defined here so that a chat
    template's error is one; models/tokenizer.py exports it)."""


class ChatTemplateError(TokenizerError):
    """A chat template that is missing, fails to render, or breaks the sandbox."""


class TemplateLimitError(ChatTemplateError):
    """A chat template that went past one of its TemplateLimits."""


class _GenerationTag(jinja2.ext.Extension):
    """`{% generation %}...{% endgeneration %}` (transformers' assistant-mask tag) rendered as plain text."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


class _Namespace(jinja2.utils.Namespace):
    """jinja's namespace() refusing underscore names, so templates cannot reach interpreter internals,
    and values over the size limit (a namespace is where a loop can accumulate)."""

    limit = DEFAULT_LIMITS.chars  # a subclass per template sets its own

    def __init__(*args, **kwargs):  # same signature trick as jinja2.utils.Namespace
        self, args = args[0], args[1:]
        attrs = dict(*args, **kwargs)
        for name, value in attrs.items():
            type(self)._check(name, value)  # (a Namespace answers attribute lookups from its values)
        jinja2.utils.Namespace.__init__(self, attrs)

    def __setitem__(self, name, value):
        type(self)._check(name, value)
        jinja2.utils.Namespace.__setitem__(self, name, value)

    @classmethod
    def _check(cls, name, value):
        if isinstance(name, str) and name.startswith("_"):
            raise jinja2.exceptions.SecurityError(f"chat templates may not set underscore names ({name!r})")
        if value_size(value, cls.limit) > cls.limit:
            raise OverLimit(f"namespace value {name!r} is over {cls.limit:,} characters (TemplateLimits.chars)")


def _raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


def _tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def _strftime_now(fmt):
    if not isinstance(fmt, str) or len(fmt) > 200:  # %c writes 24 characters for 2
        raise jinja2.exceptions.TemplateError("strftime_now takes a short format string")
    return datetime.now().strftime(fmt)


def _environment(limits: TemplateLimits) -> LimitedSandbox:
    env = LimitedSandbox(limits, trim_blocks=True, lstrip_blocks=True,
                         extensions=[_GenerationTag, jinja2.ext.loopcontrols])
    env.filters["tojson"] = _tojson
    env.guard_filters()
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = _strftime_now
    env.globals["namespace"] = type("namespace", (_Namespace,), {"limit": limits.chars})
    return env


class ChatTemplate:
    """An untrusted chat template compiled in the limited sandbox; `render(**context)` -> text."""

    def __init__(self, source: str, *, name: str = "", limits: TemplateLimits | None = None):
        self.limits = limits or DEFAULT_LIMITS
        self.who = name or "chat template"
        self.source = source
        if len(source) > self.limits.source_chars:
            raise TemplateLimitError(f"{self.who}: the chat template is {len(source):,} characters, over "
                                     f"{self.limits.source_chars:,} (TemplateLimits.source_chars)")
        self.env = _environment(self.limits)
        try:
            with compile_clock(self.limits.seconds):
                self.template = self.env.from_string(source)
        except jinja2.TemplateSyntaxError as e:
            raise ChatTemplateError(f"{self.who}: chat template does not parse (line {e.lineno}): {e.message}") from e
        except OverLimit as e:
            raise TemplateLimitError(f"{self.who}: {e}") from None
        except RecursionError:
            raise ChatTemplateError(f"{self.who}: the chat template nests too deeply to compile") from None

    def render(self, **context) -> str:
        """The rendered text; every failure (sandbox, limit, the template's own error) is a ChatTemplateError."""
        out, total = [], 0
        try:
            with self.env.rendering():
                for chunk in self.template.generate(**context):
                    total += len(chunk)
                    if total > self.limits.chars:
                        raise OverLimit(f"the rendered text would be over {self.limits.chars:,} characters "
                                        "(TemplateLimits.chars)")
                    out.append(chunk)
        except OverLimit as e:
            raise TemplateLimitError(f"{self.who}: {e}") from None
        except RecursionError:
            raise TemplateLimitError(f"{self.who}: the chat template recursed past Python's limit of "
                                     f"{sys.getrecursionlimit()} frames (a macro calling itself without end?)") from None
        except jinja2.exceptions.SecurityError as e:
            raise ChatTemplateError(f"{self.who}: the chat template did something the sandbox forbids: {e}") from e
        except jinja2.TemplateError as e:
            raise ChatTemplateError(f"{self.who}: the chat template refused these messages: {e}") from e
        except MemoryError:
            raise TemplateLimitError(f"{self.who}: the chat template ran out of memory") from None
        except Exception as e:  # the template's own bug (1/0, range(10**6) past the sandbox's MAX_RANGE, ...)
            raise ChatTemplateError(f"{self.who}: the chat template failed on these messages: "
                                    f"{type(e).__name__}: {e}") from e
        return "".join(out)


def compile_chat_template(template: str, *, name: str = "", limits: TemplateLimits | None = None) -> ChatTemplate:
    """Compile an untrusted chat template in the sandbox transformers uses, inside `limits`."""
    return ChatTemplate(template, name=name, limits=limits)


def plain_data(value: Any) -> Any:
    """Messages as plain JSON data, so the template sees no object with methods of its own."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, dict):
        return {str(k): plain_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_data(v) for v in value]
    if isinstance(value, str):  # subclasses (enums, ...) can carry methods: back to the base type
        return str.__str__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    raise TypeError(f"chat messages may hold only JSON data, got {type(value).__name__}")


# Templates for checkpoints that ship none (base models), chosen with `load_tokenizer(chat_template=...)`.
BUILTIN_TEMPLATES = {
    # ChatML, as Qwen uses it; best when the vocabulary has <|im_start|> / <|im_end|>.
    "chatml": (
        "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + "
        "'<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
    ),
    # Plain text sections ending the answer with the model's eos: works with any base model's vocabulary.
    "plain": (
        "{% for message in messages %}{% if message['role'] == 'system' %}{{ message['content'] + '\\n\\n' }}"
        "{% elif message['role'] == 'user' %}{{ '### Question:\\n' + message['content'] + '\\n\\n' }}"
        "{% elif message['role'] == 'assistant' %}{{ '### SQL:\\n' + message['content'] + eos_token }}{% endif %}"
        "{% endfor %}{% if add_generation_prompt %}{{ '### SQL:\\n' }}{% endif %}"
    ),
}
