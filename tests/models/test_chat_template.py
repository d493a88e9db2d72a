"""Chat templates inside limits: the bombs a hostile checkpoint can ship end fast in one clear error,
and ordinary templates render exactly as plain Jinja's sandbox renders them."""

import json
import time

import jinja2
import pytest
from jinja2.sandbox import ImmutableSandboxedEnvironment

from models.chat_template import ChatTemplate, TemplateLimitError, TemplateLimits
from models.tokenizer import ChatTemplateError, TokenizerError, compile_chat_template, load_tokenizer
from tests.models.test_tokenizer import CONV, write_tiny_tokenizer

MSGS = [{"role": "user", "content": "hi"}]
FAST = TemplateLimits(seconds=0.5)


def render(source, limits=FAST):
    return ChatTemplate(source, name="hostile/model", limits=limits).render(messages=MSGS)


def assert_fast_limit(source, limit_name, limits=FAST, within=3.0):
    t0 = time.monotonic()
    with pytest.raises(TemplateLimitError) as err:
        render(source, limits)
    took = time.monotonic() - t0
    msg = str(err.value)
    assert f"TemplateLimits.{limit_name}" in msg and msg.startswith("hostile/model: "), msg
    assert "\n" not in msg
    assert took < within, f"took {took:.1f} s: {msg}"
    return msg


@pytest.mark.parametrize("source, limit_name", [
    # compile-time constant folding used to hang Jinja's compiler on these
    ("{{ 9**(9**9) }}", "int_bits"),
    ("{{ 'x' * 1000000000 }}", "chars"),
    ("{{ 'x' * 10**9 }}", "chars"),
    ("{{ 'x'|center(1000000000) }}", "chars"),
    ("{{ '%999999999s' % 1 }}", "chars"),
    ("{{ '{:>999999999}'.format(1) }}", "chars"),
    ("{{ 'x'|indent(1000000000) }}", "chars"),
    ("{% set s = 'x' * 1000000 %}{{ s|replace('', s) }}", "chars"),
    ("{% set s = 'x' * 1000000 %}{{ s.replace('x', s) }}", "chars"),
    ("{% set s = 'x' * 3000 %}{{ s.join([s] * 3000) }}", "chars"),
    ("{% set s = 'x' * 3000 %}{{ ([s] * 3000)|join(s) }}", "chars"),
    ("{{ ('\t' * 1000).expandtabs(100000) }}", "chars"),
    ("{{ ([['a' * 1000]] * 1000)|tojson(indent=100000) }}", "chars"),
    # doubling: in a namespace, through '~', through a macro's return value, by nesting lists
    ("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", "chars"),
    ("{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}", "chars"),
    ("{% macro f(n) %}{% if n %}{% set x = f(n - 1) %}{{ x }}{{ x }}{% else %}x{% endif %}{% endmacro %}{{ f(40) }}",
     "chars"),
    ("{% set s = 'x' * 1000000 %}{% set l = [s, s, s, s, s, s, s, s] %}{% set l = [l, l, l, l, l, l, l, l] %}{{ l }}",
     "chars"),
    # huge output, piece by piece
    ("{% for i in range(100000) %}{{ 'x' * 100000 }}{% endfor %}", "chars"),
    # time: nested loops, an exponential macro, a nest whose inner loop filters every item out
    ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}", "seconds"),
    ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(60) }}", "seconds"),
    ("{% for a in range(100000) %}{% for b in range(100000) if false %}{% endfor %}{% endfor %}", "seconds"),
])
def test_bombs_end_fast_naming_the_limit(source, limit_name):
    assert_fast_limit(source, limit_name)


def test_step_limit_counts_loop_iterations():
    nested = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    msg = assert_fast_limit(nested, "steps", TemplateLimits(seconds=60, steps=10_000))
    assert "10,000 steps" in msg


def test_recursive_macro_is_one_error():
    with pytest.raises(TemplateLimitError, match="recursed past Python's limit") as err:
        render("{% macro f(x) %}{{ f(x) }}{% endmacro %}{{ f(1) }}")
    assert err.value.__suppress_context__  # no RecursionError traceback chained to it


@pytest.mark.parametrize("source, what", [
    ("{% for a in range(10**6) %}{% endfor %}", "OverflowError: Range too big"),  # the sandbox's MAX_RANGE
    ("{{ 1 / 0 }}", "ZeroDivisionError"),
])
def test_template_bugs_are_chat_template_errors(source, what):
    with pytest.raises(ChatTemplateError, match=what):
        render(source)


def test_compile_and_source_length_are_limited():
    with pytest.raises(TemplateLimitError, match=r"compiling ran past 0 s \(TemplateLimits.seconds\)"):
        ChatTemplate("{{ messages }}", limits=TemplateLimits(seconds=0))
    with pytest.raises(TemplateLimitError, match="TemplateLimits.source_chars"):
        ChatTemplate("x" * 101, limits=TemplateLimits(source_chars=100))


def test_the_tokenizer_names_itself_and_keeps_the_error_types(tmp_path):
    tok = load_tokenizer(write_tiny_tokenizer(tmp_path, chat_template="{{ 9**(9**9) }}"))
    with pytest.raises(TemplateLimitError) as err:
        tok.apply_chat_template(CONV)
    assert str(err.value).startswith(str(tmp_path)) and isinstance(err.value, TokenizerError)


ORDINARY = [
    "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}{% endfor %}",
    "{{ messages|tojson }}|{{ messages|tojson(indent=2) }}|{{ (messages|length) * 3 }}|{{ 2 ** 10 }}",
    "{% set ns = namespace(n=0) %}{% for m in messages %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}",
    "{{ '%s-%05d' % ('a', 7) }} {{ '{}:{:>4}'.format('b', 1) }} {{ 'ab' * 3 }} {{ [1] * 3 }} {{ 'x' ~ 1 ~ none }}",
    "{{ messages[0]['content']|replace('i', 'I')|upper|center(9) }}|{{ 'a\\nb'|indent(2, true) }}|{{ ['a', 'b']|join(', ') }}",
    "{% macro turn(m) %}[{{ m.role }}] {{ m.content|trim }}{% endmacro %}{% for m in messages %}{{ turn(m) }}{% endfor %}",
    "{{ range(5)|map('string')|join('') }}{{ range(3)|list|sum }}{{ 'a b c'.split()|reverse|list }}",
]


@pytest.mark.parametrize("source", ORDINARY)
def test_ordinary_templates_render_as_plain_jinja_does(source):
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.filters["tojson"] = lambda x, indent=None: json.dumps(x, ensure_ascii=False, indent=indent)  # as transformers'
    plain = env.from_string(source)
    msgs = [{"role": "user", "content": " hi there "}, {"role": "assistant", "content": "SELECT 1"}]
    assert compile_chat_template(source).render(messages=msgs) == plain.render(messages=msgs)


def test_the_sandbox_still_refuses_escapes():
    with pytest.raises(ChatTemplateError) as err:
        render("{{ ''.__class__.__mro__[1].__subclasses__() }}")
    assert isinstance(err.value.__cause__, jinja2.exceptions.SecurityError)
