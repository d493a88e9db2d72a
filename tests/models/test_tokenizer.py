"""Tokenizer and chat template: ids, ChatML rendering, prompt/answer split, sandbox, parity with transformers.

The core tests build a tiny byte-level tokenizer with a ChatML template in a temp dir; the Qwen2.5
tests use ../shared/data/tokenizers/qwen2.5 and skip when it is absent.
"""

import json
from pathlib import Path

import jinja2
import pytest
from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers

from models.tokenizer import ChatTemplateError, TokenizerError, load_tokenizer
from tests.paths import SHARED_DATA

QWEN_DIR = SHARED_DATA / "tokenizers" / "qwen2.5"
needs_qwen = pytest.mark.skipif(not (QWEN_DIR / "tokenizer.json").is_file(), reason="no ../shared/data qwen2.5 tokenizer")

# ChatML as Qwen writes it, without the tools branch.
CHATML = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]


def write_tiny_tokenizer(path: Path, chat_template: str | None = CHATML, **config) -> Path:
    """A byte-level BPE without merges (one token per byte) plus ChatML's special tokens."""
    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    tok = Tokenizer(models.BPE(vocab={c: i for i, c in enumerate(alphabet)}, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in SPECIALS])
    path.mkdir(parents=True, exist_ok=True)
    tok.save(str(path / "tokenizer.json"))
    cfg = {"eos_token": "<|im_end|>", "pad_token": "<|endoftext|>", "bos_token": None, **config}
    if chat_template is not None:
        cfg["chat_template"] = chat_template
    (path / "tokenizer_config.json").write_text(json.dumps(cfg))
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_tokenizer(write_tiny_tokenizer(tmp_path_factory.mktemp("tiny")))


@pytest.fixture(scope="module")
def qwen():
    if not (QWEN_DIR / "tokenizer.json").is_file():
        pytest.skip("no ../shared/data qwen2.5 tokenizer")
    return load_tokenizer(QWEN_DIR)


CONV = [
    {"role": "system", "content": "You are a SQL expert."},
    {"role": "user", "content": "How many singers?"},
    {"role": "assistant", "content": "SELECT count(*) FROM singer"},
]
# Written by hand from the ChatML format: <|im_start|>{role}\n{content}<|im_end|>\n per message.
CONV_CHATML = (
    "<|im_start|>system\nYou are a SQL expert.<|im_end|>\n"
    "<|im_start|>user\nHow many singers?<|im_end|>\n"
    "<|im_start|>assistant\nSELECT count(*) FROM singer<|im_end|>\n"
)
CONVERSATIONS = [
    CONV,
    CONV[1:],  # no system message (Qwen's template inserts its default one)
    CONV[:2],
    [{"role": "user", "content": "Ünïcode ✓ and \"quotes\"\n\nnew lines"}],
    CONV + [{"role": "user", "content": "and of France?"}, {"role": "assistant", "content": "SELECT 1"}],
]


# ----------------------------------------------------------------------------- tiny tokenizer


def test_tiny_special_ids_and_roundtrip(tiny):
    assert tiny.eos_token_id == tiny.token_to_id("<|im_end|>")
    assert tiny.pad_token_id == tiny.token_to_id("<|endoftext|>")
    assert tiny.bos_token_id is None
    assert tiny.vocab_size == 256 + 3
    assert tiny.stop_token_ids == (tiny.token_to_id("<|im_end|>"),)
    text = "SELECT name FROM t WHERE x = 'é'"
    ids = tiny.encode(text)
    assert len(ids) == len(text.encode("utf-8"))  # one token per byte
    assert tiny.decode(ids) == text


def test_tiny_chatml_rendering_and_split(tiny):
    assert tiny.apply_chat_template(CONV) == CONV_CHATML
    prompt = tiny.apply_chat_template(CONV[:2], add_generation_prompt=True)
    assert CONV_CHATML.startswith(prompt) and prompt.endswith("<|im_start|>assistant\n")
    prompt_ids, answer_ids = tiny.encode_chat(CONV)
    assert prompt_ids == tiny.encode(prompt)
    assert tiny.decode(answer_ids) == "SELECT count(*) FROM singer<|im_end|>"
    # the trailing "\n" after <|im_end|> is not in the training sequence
    assert prompt_ids + answer_ids == tiny.encode(CONV_CHATML)[:-1]


def test_generation_eos_list_and_pad_fallback(tmp_path):
    d = write_tiny_tokenizer(tmp_path, pad_token=None, eos_token=None)
    im_end, endoftext = 258, 256  # after the 256 byte tokens: <|endoftext|>, <|im_start|>, <|im_end|>
    (d / "generation_config.json").write_text(json.dumps({"eos_token_id": [im_end, endoftext]}))
    tok = load_tokenizer(d)
    assert tok.token_to_id("<|im_end|>") == im_end and tok.token_to_id("<|endoftext|>") == endoftext
    assert tok.pad_token_id == tok.eos_token_id == im_end  # eos: generation_config's first; pad falls back to eos
    assert tok.stop_token_ids == (im_end, endoftext)


def test_chat_template_file_and_named_list(tmp_path):
    d = write_tiny_tokenizer(tmp_path / "a", chat_template=[{"name": "tool_use", "template": "x"},
                                                            {"name": "default", "template": CHATML}])
    assert load_tokenizer(d).apply_chat_template(CONV) == CONV_CHATML
    d = write_tiny_tokenizer(tmp_path / "b", chat_template=None)
    (d / "chat_template.jinja").write_text(CHATML)
    assert load_tokenizer(d).apply_chat_template(CONV) == CONV_CHATML


def test_no_template_is_a_clear_error(tmp_path):
    tok = load_tokenizer(write_tiny_tokenizer(tmp_path, chat_template=None))
    with pytest.raises(ChatTemplateError, match="no chat template"):
        tok.apply_chat_template(CONV)


@pytest.mark.parametrize("template", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{% set x = [] %}{{ x.append(1) }}",  # the immutable sandbox refuses mutation too
    "{{ raise_exception.__globals__['os'] }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{% set ns = namespace(_secret=1) %}",
])
def test_hostile_template_hits_the_sandbox(tmp_path, template):
    tok = load_tokenizer(write_tiny_tokenizer(tmp_path, chat_template=template))
    with pytest.raises(ChatTemplateError) as err:
        tok.apply_chat_template(CONV)
    assert isinstance(err.value.__cause__, jinja2.exceptions.SecurityError)


def test_unsafe_attribute_alone_renders_nothing(tmp_path):
    # As in transformers' sandbox: a lone unsafe attribute is an Undefined (prints empty), using it raises.
    tok = load_tokenizer(write_tiny_tokenizer(tmp_path, chat_template="[{{ messages.__class__ }}{{ raise_exception.__globals__ }}]"))
    assert tok.apply_chat_template(CONV) == "[]"


def test_raise_exception_and_syntax_error(tmp_path):
    tok = load_tokenizer(write_tiny_tokenizer(tmp_path / "a", chat_template="{{ raise_exception('roles must alternate') }}"))
    with pytest.raises(ChatTemplateError, match="roles must alternate"):
        tok.apply_chat_template(CONV)
    with pytest.raises(ChatTemplateError, match="does not parse"):
        load_tokenizer(write_tiny_tokenizer(tmp_path / "b", chat_template="{% for %}"))


def test_prefix_unstable_template_is_rejected(tmp_path):
    # The generation prompt differs from how the full conversation opens the assistant turn.
    tpl = CHATML.replace("'<|im_start|>assistant\\n'", "'<|im_start|>ASSISTANT\\n'")
    tok = load_tokenizer(write_tiny_tokenizer(tmp_path, chat_template=tpl))
    with pytest.raises(ChatTemplateError, match="not prefix-stable"):
        tok.encode_chat(CONV)


def test_template_text_before_the_answer_is_supervised(tmp_path):
    # A template writing a fixed lead-in inside the assistant turn (as Qwen3 writes an empty <think>
    # block): the model must generate it, so it belongs to the answer; the answer text "SQL" also
    # occurs in that lead-in, and the split must still find the real answer.
    tpl = CHATML.replace("message['content'] + '<|im_end|>'",
                         "(('SQL: ' if message['role'] == 'assistant' else '') + message['content']) + '<|im_end|>'")
    tok = load_tokenizer(write_tiny_tokenizer(tmp_path, chat_template=tpl))
    conv = CONV[:2] + [{"role": "assistant", "content": "SQL"}]
    prompt, answer = tok.split_chat(conv)
    assert prompt.endswith("<|im_start|>assistant\n") and answer == "SQL: SQL<|im_end|>"


def test_encode_chat_needs_a_final_assistant_message(tiny):
    with pytest.raises(TokenizerError, match="role 'assistant'"):
        tiny.encode_chat(CONV[:2])


def test_missing_sources_are_clear_errors(tmp_path, monkeypatch):
    with pytest.raises(TokenizerError, match="no tokenizer.json"):
        load_tokenizer(tmp_path)
    with pytest.raises(TokenizerError, match="not a directory"):
        load_tokenizer(tmp_path / "does" / "not" / "exist")
    from huggingface_hub import constants
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "cache"))
    with pytest.raises(TokenizerError, match="HF_HUB_OFFLINE"):
        load_tokenizer("nobody-here/no-such-model")


def test_tiny_matches_transformers(tmp_path):
    transformers = pytest.importorskip("transformers")
    d = write_tiny_tokenizer(tmp_path)
    ours = load_tokenizer(d)
    ref = transformers.PreTrainedTokenizerFast(tokenizer_file=str(d / "tokenizer.json"), chat_template=CHATML)
    for conv in CONVERSATIONS:
        for gen in (False, True):
            expected = ref.apply_chat_template(conv, tokenize=False, add_generation_prompt=gen)
            assert ours.apply_chat_template(conv, add_generation_prompt=gen) == expected
            assert ours.encode(expected) == ref.encode(expected, add_special_tokens=False)


# ----------------------------------------------------------------------------- Qwen2.5


@needs_qwen
def test_qwen_ids(qwen):
    # Provenance: ../shared/data/SOURCES.md (matches the hub Qwen2 tokenizer)
    assert qwen.encode("SELECT count(*) FROM singer") == [4858, 1760, 28671, 4295, 22757]
    assert qwen.token_to_id("<|im_end|>") == 151645 and qwen.token_to_id("<|endoftext|>") == 151643
    # no tokenizer_config.json in that folder: eos falls back to <|endoftext|>, stop ids add <|im_end|>
    assert qwen.eos_token_id == 151643 and qwen.pad_token_id == 151643
    assert set(qwen.stop_token_ids) == {151643, 151645}
    assert qwen.decode(qwen.encode("<|im_start|>user\nSELECT * FROM t;<|im_end|>")) == "<|im_start|>user\nSELECT * FROM t;<|im_end|>"


@needs_qwen
def test_qwen_chatml_rendering(qwen):
    assert qwen.apply_chat_template(CONV) == CONV_CHATML
    default_system = "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
    assert qwen.apply_chat_template(CONV[1:2], add_generation_prompt=True) == (
        default_system + "<|im_start|>user\nHow many singers?<|im_end|>\n<|im_start|>assistant\n"
    )


@needs_qwen
def test_qwen_answer_mask(qwen):
    prompt_ids, answer_ids = qwen.encode_chat(CONV)
    im_end = qwen.token_to_id("<|im_end|>")
    assert answer_ids == [4858, 1760, 28671, 4295, 22757, im_end]  # exactly the answer and <|im_end|>
    assert prompt_ids == qwen.encode(qwen.apply_chat_template(CONV[:2], add_generation_prompt=True))
    assert qwen.decode(prompt_ids).endswith("<|im_start|>assistant\n")
    assert prompt_ids + answer_ids + qwen.encode("\n") == qwen.encode(CONV_CHATML)


@needs_qwen
def test_qwen_matches_transformers(qwen):
    transformers = pytest.importorskip("transformers")
    ref = transformers.PreTrainedTokenizerFast(
        tokenizer_file=str(QWEN_DIR / "tokenizer.json"), chat_template=qwen.chat_template
    )
    for conv in CONVERSATIONS:
        for gen in (False, True):
            expected = ref.apply_chat_template(conv, tokenize=False, add_generation_prompt=gen)
            assert qwen.apply_chat_template(conv, add_generation_prompt=gen) == expected
            assert qwen.encode(expected) == ref.encode(expected, add_special_tokens=False)


def test_template_override_for_base_models(tmp_path):
    d = write_tiny_tokenizer(tmp_path / "base", chat_template=None)
    # The builtin ChatML renders exactly like the checkpoint template of an instruct model.
    assert load_tokenizer(d, chat_template="chatml").apply_chat_template(CONV) == CONV_CHATML
    # "plain" ends the answer with eos, so the answer mask still finds the end of the turn.
    tok = load_tokenizer(d, chat_template="plain")
    conv = [{"role": "user", "content": "how many"}, {"role": "assistant", "content": "SELECT 1"}]
    prompt, answer = tok.split_chat(conv)
    assert prompt == "### Question:\nhow many\n\n### SQL:\n"
    assert answer == "SELECT 1" + tok.special.eos
    f = tmp_path / "t.jinja"
    f.write_text(CHATML)
    assert load_tokenizer(d, chat_template=str(f)).apply_chat_template(CONV) == CONV_CHATML
    with pytest.raises(ChatTemplateError, match="neither a builtin"):
        load_tokenizer(d, chat_template="nope")
