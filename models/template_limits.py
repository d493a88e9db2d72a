"""A Jinja sandbox that bounds what a template spends, not only what it reaches: `LimitedSandbox`.

jinja2's `ImmutableSandboxedEnvironment` stops a template from reaching the interpreter; it does
nothing about `{{ 9**(9**9) }}` (which hung Jinja's compiler: it folds constants), nested loops,
or a string doubled forty times. `LimitedSandbox(limits)` adds `TemplateLimits`, and going past
one raises `OverLimit` naming it (models/chat_template.py turns that into a `TemplateLimitError`):

- time: every block of the compiled template (loop body, macro body, branch taken) starts with
  `environment.tick()`, written in by the code generator; ticks count up to `steps`, and ticks and
  every guarded operation check the wall clock (`seconds`, from `rendering()`). Compiling is
  bounded by the source's length (nothing that can grow is folded at compile time) and by
  `compile_clock`, a trace function on the wall clock.
- size: nothing the template builds may pass `chars` characters (any string, list or dict,
  counted as it would print) nor an integer `int_bits` bits. A C-level operation cannot be
  interrupted, so the operations that multiply sizes are refused *before* they run: `**`, `*`,
  `+`, `%` (intercepted binary operators, which also keeps Jinja from folding them), `~` (joined
  by `concat_values`), method calls (integer arguments, `replace`, `join`, `format`,
  `expandtabs`), every filter (wrapped, and marked context-dependent so that none is folded at
  compile time), and what each `{{ }}` prints (`finalize`) or a block joins (`concat`).
"""

from __future__ import annotations

import re
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from jinja2.compiler import CodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import _PassArg, pass_context


@dataclass(frozen=True)
class TemplateLimits:
    seconds: float = 10.0  # wall clock of one compile or one render
    steps: int = 5_000_000  # blocks entered in one render: loop iterations, macro calls, branches taken
    chars: int = 4_000_000  # the rendered text, and any one value the template builds
    int_bits: int = 65_536  # integers the template computes
    source_chars: int = 1_000_000  # the template's own text


DEFAULT_LIMITS = TemplateLimits()


class OverLimit(BaseException):
    """A template went past a limit. A BaseException, so that nothing on the way swallows it
    (Jinja's constant folding catches Exception)."""


def value_size(value: Any, limit: int) -> int:
    """Characters `value` can print as (a container prints every element), counted until `limit`
    is passed. Shared elements count every time they occur, as they would print."""
    total, stack = 0, [value]
    while stack and total <= limit:
        v = stack.pop()
        if isinstance(v, str):
            total += len(v) + 2
        elif isinstance(v, (list, tuple, set, frozenset)):
            total += 2 + 2 * len(v)
            stack.extend(v)
        elif isinstance(v, dict):
            total += 2 + 4 * len(v)
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, int):
            total += v.bit_length() // 3 + 2
        else:
            total += 24
    return total


def _digits_sum(fmt: str) -> int:
    """Every number written in a format string (widths, precisions): what `%` / `format` may pad to."""
    return sum(int(d) for d in re.findall(r"\d+", fmt))


def _int_sum(args) -> int:
    args = args if isinstance(args, (tuple, list)) else (args,)
    return sum(abs(a) for a in args if isinstance(a, int))


def _replace_size(s: str, old, new) -> int:
    """Length of s.replace(old, new), computed without building it."""
    if not isinstance(old, str) or not isinstance(new, str):
        return len(s)
    return len(s) + s.count(old) * max(0, len(new) - len(old))


def _depth(value, limit: int = 10_000) -> int:
    """Nesting depth of lists and dicts (what json indentation multiplies)."""
    depth, level = 0, [value]
    while level and depth < limit:
        level = [c for v in level if isinstance(v, (list, tuple, dict))
                 for c in (v.values() if isinstance(v, dict) else v)]
        depth += 1
    return depth


class _Budget:
    """The steps and the wall clock one render may spend."""

    def __init__(self, limits: TemplateLimits):
        self.limits, self.steps = limits, 0
        self.deadline = time.monotonic() + limits.seconds

    def step(self):
        self.steps += 1
        if self.steps > self.limits.steps:
            raise OverLimit(f"rendering ran past {self.limits.steps:,} steps (TemplateLimits.steps: loop "
                            "iterations, macro calls, branches taken)")
        if self.steps % 64 == 0:
            self.clock()

    def clock(self):
        if time.monotonic() > self.deadline:
            raise OverLimit(f"rendering ran past {self.limits.seconds:g} s (TemplateLimits.seconds)")


@contextmanager
def compile_clock(seconds: float):
    """Stop compiling after `seconds`: a trace function on every call and line of the compiler
    (compiling runs once per template). The previous trace function (a debugger, coverage) is put back."""
    deadline = time.monotonic() + seconds

    def trace(frame, event, arg):
        if time.monotonic() > deadline:
            raise OverLimit(f"compiling ran past {seconds:g} s (TemplateLimits.seconds)")
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        yield
    finally:
        sys.settrace(previous)


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator with a step at the top of every block, and `a ~ b ~ ...` joined by
    `environment.concat_values`, which checks the size before joining (the stock code joins, then
    nothing can check)."""

    def blockvisit(self, nodes, frame):
        self.writeline("environment.tick()")
        super().blockvisit(nodes, frame)

    def visit_Concat(self, node, frame):
        self.write("environment.concat_values((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class LimitedSandbox(ImmutableSandboxedEnvironment):
    """jinja2's immutable sandbox inside `limits`; renders go inside `with env.rendering():`."""

    code_generator_class = _CodeGenerator
    intercepted_binops = frozenset({"**", "*", "+", "%"})

    def __init__(self, limits: TemplateLimits, **options):
        super().__init__(finalize=self._finalize, **options)
        self.limits = limits
        self._running = threading.local()  # .budget: the _Budget of the render in progress on this thread

    def guard_filters(self) -> None:
        """Wrap every filter (call after adding the template's own)."""
        self.filters = {name: _guard_filter(self, name, f) for name, f in self.filters.items()}

    # --- time
    @contextmanager
    def rendering(self):
        self._running.budget = _Budget(self.limits)
        try:
            yield
        finally:
            self._running.budget = None

    def tick(self):  # the top of every block of the compiled template
        budget = getattr(self._running, "budget", None)
        if budget is not None:
            budget.step()

    # --- sizes
    def over(self, what: str, size: int) -> None:
        budget = getattr(self._running, "budget", None)
        if budget is not None:  # every guarded operation also looks at the clock
            budget.clock()
        if size > self.limits.chars:
            raise OverLimit(f"{what} would be over {self.limits.chars:,} characters (TemplateLimits.chars)")

    def size(self, value) -> int:
        return value_size(value, self.limits.chars)

    def _finalize(self, value):  # every {{ ... }}, before str() prints it
        self.over("an output value", self.size(value))
        return value

    def concat(self, parts):  # the bodies of macros, call / filter / set blocks (Environment.concat)
        parts = list(parts)
        self.over("the joined output", sum(map(len, parts)))
        return "".join(parts)

    def concat_values(self, values):  # a ~ b ~ ...
        self.over("'~'", sum(self.size(v) for v in values))
        return "".join(map(str, values))

    # --- operators and calls
    def call_binop(self, context, operator, left, right):
        ints = isinstance(left, int) and isinstance(right, int)
        bits = self.limits.int_bits
        if operator == "**" and ints and right > 0 and abs(left) > 1:
            if left.bit_length() * right > bits:
                raise OverLimit(f"'**' would make an integer of about {left.bit_length() * right:,} bits; "
                                f"the limit is {bits:,} (TemplateLimits.int_bits)")
        elif operator == "*" and ints:
            if left.bit_length() + right.bit_length() > bits:
                raise OverLimit(f"'*' would make an integer over {bits:,} bits (TemplateLimits.int_bits)")
        elif operator == "*" and (isinstance(left, int) or isinstance(right, int)):
            count, seq = (left, right) if isinstance(left, int) else (right, left)
            each = len(seq) if isinstance(seq, str) else self.size(seq)
            self.over(f"'*' repeating a value {count:,} times", max(count, 0) * each)
        elif operator == "+" and not ints:
            self.over("'+'", self.size(left) + self.size(right))
        elif operator == "%" and isinstance(left, str):
            self.over("'%' formatting", len(left) + self.size(right) + _digits_sum(left)
                      + (_int_sum(right) if "*" in left else 0))
        return self.binop_table[operator](left, right)

    def check_ints(self, what, args, kwargs):
        for a in (*args, *kwargs.values()):
            if isinstance(a, int) and not isinstance(a, bool) and abs(a) > self.limits.chars:
                raise OverLimit(f"{what} got the integer {a:,}, over {self.limits.chars:,} (TemplateLimits.chars)")

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (jinja's own signature)
        target = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped by the sandbox
        name = getattr(target, "__name__", None) or getattr(target, "name", "a function")  # (a macro has .name)
        __self.check_ints(f"{name}()", args, kwargs)
        if isinstance(getattr(target, "__self__", None), str):
            s = target.__self__
            if name == "join" and args:
                parts = list(args[0])
                args = (parts, *args[1:])
                __self.over("join()", sum(__self.size(p) for p in parts) + len(s) * len(parts))
            elif name == "replace" and len(args) >= 2:
                __self.over("replace()", _replace_size(s, args[0], args[1]))
            elif name == "expandtabs":
                width = (args or list(kwargs.values()) or [8])[0]
                __self.over("expandtabs()", len(s) + s.count("\t") * (width if isinstance(width, int) else 8))
            elif name in ("format", "format_map"):
                __self.over(f"{name}()", len(s) + __self.size((args, kwargs)) + _digits_sum(s))
        result = super().call(__context, __obj, *args, **kwargs)
        __self.over(f"the result of {name}()", __self.size(result))
        return result


def _filter_estimate(env: LimitedSandbox, name: str, value, args, kwargs) -> int | None:
    """Characters a filter that can multiply its input's size could output; None for the others
    (their output is at most a constant times their input, checked once it exists)."""
    first = (args or tuple(kwargs.values()) or (None,))[0]
    if name == "replace" and isinstance(value, str) and len(args) >= 2:
        return _replace_size(value, args[0], args[1])
    if name == "format" and isinstance(value, str):
        return len(value) + env.size((args, kwargs)) + _digits_sum(value) + _int_sum(args)
    if name == "indent" and isinstance(value, str):
        width = 4 if first is None else first
        return len(value) + (value.count("\n") + 1) * (width if isinstance(width, int) else env.size(width))
    if name in ("tojson", "pprint"):
        indent = kwargs.get("indent", first)
        per_level = indent if isinstance(indent, int) else env.size(indent or "")
        return env.size(value) * (1 + per_level * _depth(value))
    if name == "sum":
        return env.size(value) * max(1, len(value))  # adding lists copies the running total every time
    if name in ("join", "wordwrap", "urlize", "truncate"):  # text inserted per item, line or link
        inserted = sum(env.size(a) for a in (*args, *kwargs.values()) if isinstance(a, str))
        return env.size(value) * (1 + inserted)
    return None


def _guard_filter(env: LimitedSandbox, name: str, func):
    """`func` checked before and after it runs; marked pass_context so Jinja never folds it at compile time."""
    pass_arg = _PassArg.from_obj(func)

    @pass_context
    def guarded(context, value=None, *args, **kwargs):
        if args or kwargs:
            env.check_ints(f"|{name}", args, kwargs)
        if name in ("join", "sum") and not isinstance(value, (str, list, tuple, dict, set)):
            value = list(value)  # an iterator (|map, |select, ...): counted once, handed on as a list
        estimate = _filter_estimate(env, name, value, args, kwargs)
        if estimate is not None:
            env.over(f"|{name}", estimate)
        if pass_arg is _PassArg.context:
            result = func(context, value, *args, **kwargs)
        elif pass_arg is _PassArg.eval_context:
            result = func(context.eval_ctx, value, *args, **kwargs)
        elif pass_arg is _PassArg.environment:
            result = func(env, value, *args, **kwargs)
        else:
            result = func(value, *args, **kwargs)
        env.over(f"the result of |{name}", env.size(result))
        return result

    return guarded
