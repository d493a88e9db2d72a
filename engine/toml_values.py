"""TOML values against dataclass annotations: does a value fit a field's type, how to name a type
in an error, and how to write a value back as TOML. engine/config.py builds the run config with
these; nothing here knows the config's sections.

    coerce(3, float) -> 3.0;  coerce("x", int) -> NO;  describe(tuple[str, ...]) -> "a list of strings"
    toml_value((1, "a")) -> '[1, "a"]'
"""

from __future__ import annotations

import json
import math
import types
import typing

NO = object()  # coerce's answer for a value that does not fit


def describe(tp) -> str:
    """A field type as an error message names it: "an integer", "a list of strings", ..."""
    if tp is bool:
        return "a boolean (true or false)"
    if tp is int:
        return "an integer"
    if tp is float:
        return "a number"
    if tp is str:
        return "a string"
    if typing.get_origin(tp) is tuple:
        return f"a list of {describe(typing.get_args(tp)[0]).removeprefix('a ').removeprefix('an ')}s"
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        return " or ".join(describe(a) for a in typing.get_args(tp) if a is not type(None))
    return str(tp)


def toml_type(value) -> str:
    """The TOML type of a parsed value, as an error message names it."""
    return {bool: "a boolean", int: "an integer", float: "a float", str: "a string", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)


def coerce(value, tp):
    """value converted to annotation tp, or NO when it doesn't fit."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if arg is not type(None):
                out = coerce(value, arg)
                if out is not NO:
                    return out
        return NO
    if tp is bool:
        return value if isinstance(value, bool) else NO
    if tp is int:
        return value if isinstance(value, int) and not isinstance(value, bool) else NO
    if tp is float:
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else NO
    if tp is str:
        return value if isinstance(value, str) else NO
    if typing.get_origin(tp) is tuple:
        if not isinstance(value, (list, tuple)):
            return NO
        item = typing.get_args(tp)[0]
        out = [coerce(v, item) for v in value]
        return NO if any(v is NO for v in out) else tuple(out)
    raise TypeError(f"config field type {tp} is not supported by engine/toml_values.py")


def is_optional(tp) -> bool:
    """`X | None`: a field left unset by leaving its key out (or `none` in an override)."""
    return typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in typing.get_args(tp)


def show(value) -> str:
    """A value as the user wrote it (TOML), for an error message."""
    return toml_value(value) if isinstance(value, (bool, int, float, str, list, tuple)) else repr(value)


def _toml_string(s: str) -> str:
    # JSON string escapes are valid TOML basic-string escapes; DEL is the one control char JSON leaves raw.
    return json.dumps(s).replace("\x7f", "\\u007f")


def toml_value(v) -> str:
    """A config value written as TOML (load_config reads it back to an equal value)."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _toml_string(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(f"can't write {type(v).__name__} {v!r} as TOML")

