"""Every `file::name` the guided tour (docs/qlora.md) and the README point at exists in the code."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REF = re.compile(r"`((?:[\w./-]+/)?[\w-]+\.py)::([\w.]+)`")


def _names(path: Path) -> set[str]:
    """Top-level functions/classes and Class.method names defined in a Python file."""
    tree = ast.parse(path.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        if isinstance(node, ast.ClassDef):
            names |= {f"{node.name}.{n.name}" for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return names


def _refs():
    for doc in ("docs/qlora.md", "README.md"):
        for file, name in REF.findall((ROOT / doc).read_text()):
            yield doc, file, name


REFS = sorted(set(_refs()))


def test_the_tour_links_code():
    assert len([r for r in REFS if r[0] == "docs/qlora.md"]) > 40


@pytest.mark.parametrize("doc,file,name", REFS, ids=[f"{f}::{n}" for _, f, n in REFS])
def test_reference_exists(doc, file, name):
    path = ROOT / file
    assert path.is_file(), f"{doc} points at {file}, which does not exist"
    assert name in _names(path), f"{doc} points at {file}::{name}, which is not defined there"
