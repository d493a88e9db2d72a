"""The files a tokenizer is read from: a local directory or a hub repo's tokenizer.json and the
optional tokenizer_config.json, generation_config.json, special_tokens_map.json and
chat_template.jinja (`fetch_tokenizer_files`), each JSON file read with a clear error
(`read_json`), and which chat template applies (`pick_chat_template`: chat_template.jinja first,
then the config's template, or its "default" entry when the config lists several;
`template_override`: a builtin name or a .jinja path). models/tokenizer.py builds the Tokenizer
from them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from .chat_template import BUILTIN_TEMPLATES, ChatTemplateError, TokenizerError

TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "generation_config.json",
    "special_tokens_map.json",
    "chat_template.jinja",
)


def fetch_tokenizer_files(source: str | os.PathLike) -> dict[str, Path]:
    """Local directory, or hub repo id fetched with huggingface_hub: {file name: local path}."""
    path = Path(source).expanduser()
    if path.is_dir():
        found = {name: path / name for name in TOKENIZER_FILES if (path / name).is_file()}
        if "tokenizer.json" not in found:
            raise TokenizerError(
                f"{path} has no tokenizer.json (found: {sorted(p.name for p in path.iterdir())}); "
                "only fast tokenizers saved as tokenizer.json are supported"
            )
        return found
    if path.exists() or str(source).startswith((".", "/", "~")) or str(source).count("/") > 1:
        raise TokenizerError(f"tokenizer source {str(source)!r} is not a directory nor a hub repo id (org/name)")

    from huggingface_hub import constants, hf_hub_download
    from huggingface_hub.utils import EntryNotFoundError, LocalEntryNotFoundError, RepositoryNotFoundError

    offline = constants.HF_HUB_OFFLINE  # read from the environment when huggingface_hub is imported
    found: dict[str, Path] = {}
    for name in TOKENIZER_FILES:
        try:
            found[name] = Path(hf_hub_download(repo_id=str(source), filename=name))
        except RepositoryNotFoundError as e:
            raise TokenizerError(
                f"{str(source)!r} is not a local directory, and no hub repo of that name was found (or it is "
                "private and no token is set); pass a directory holding tokenizer.json or a hub id like org/name"
            ) from e
        except LocalEntryNotFoundError as e:  # (a subclass of EntryNotFoundError: test it first)
            if name != "tokenizer.json":
                continue  # optional file absent from the cache
            why = "HF_HUB_OFFLINE is set and it is not in the cache" if offline else "no network and not cached"
            raise TokenizerError(f"{str(source)!r} is not a local directory, and the tokenizer.json of hub repo "
                                 f"{str(source)!r} cannot be fetched: {why}") from e
        except EntryNotFoundError:
            continue  # the repo has no such file: fine for the optional ones
        except Exception as e:  # network errors come in many types
            if name != "tokenizer.json":
                continue
            raise TokenizerError(f"cannot fetch tokenizer.json of hub repo {source!r}: {e}") from e
    if "tokenizer.json" not in found:
        raise TokenizerError(f"hub repo {source!r} has no tokenizer.json")
    return found


def read_json(path: Path | None) -> dict:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise TokenizerError(f"cannot read {path}: {e}") from e
    if not isinstance(data, dict):
        raise TokenizerError(f"{path} should hold a JSON object, got {type(data).__name__}")
    return data


def token_content(value: Any) -> str | None:
    """tokenizer_config stores a special token as a string or as {"content": ..., ...}."""
    if isinstance(value, dict):
        return value.get("content")
    return value if isinstance(value, str) else None


def template_override(choice: str) -> str:
    """A builtin template name, or a path to a .jinja file."""
    if choice in BUILTIN_TEMPLATES:
        return BUILTIN_TEMPLATES[choice]
    path = Path(choice).expanduser()
    if not path.is_file():
        raise ChatTemplateError(f"chat_template {choice!r} is neither a builtin ({', '.join(BUILTIN_TEMPLATES)}) "
                                "nor a .jinja file")
    return path.read_text(encoding="utf-8")


def pick_chat_template(files: dict[str, Path], config: dict) -> str | None:
    if "chat_template.jinja" in files:
        return files["chat_template.jinja"].read_text(encoding="utf-8")
    tpl = config.get("chat_template")
    if isinstance(tpl, list):  # [{"name": "default", "template": ...}, {"name": "tool_use", ...}]
        named = {t.get("name"): t.get("template") for t in tpl if isinstance(t, dict)}
        if "default" not in named:
            raise ChatTemplateError(f"tokenizer_config.json lists chat templates {sorted(named)} but no 'default'")
        return named["default"]
    return tpl if isinstance(tpl, str) else None
