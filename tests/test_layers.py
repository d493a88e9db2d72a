"""No import runs back up: every project import of every module, read from its source (imports
inside functions included), stays within what its layer may use.

    kernels/         Triton kernels, their torch twins, NF4 primitives      knows nothing else
    models/          families, loader, tokenizer                            + kernels
    engine/sql/      everything that knows SQL and no torch                 nothing else of ours
    engine/          the training core                                      + kernels, models, engine/sql
    engine/inspect/, engine/demo/,  leaves on top of the core               + engine
    engine/ask/
    train.py, eval.py, ask.py       the command lines                       anything

Test references (transformers, peft, bitsandbytes) are never imported by project code.
"""

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO

CORE = {"kernels", "models", "engine.sql", "engine"}
MAY_IMPORT = {
    "kernels": {"kernels"},
    "models": {"kernels", "models"},
    "engine.sql": {"engine.sql"},
    "engine": CORE,
    "engine.inspect": CORE | {"engine.inspect"},
    "engine.demo": CORE | {"engine.demo"},
    "engine.ask": CORE | {"engine.ask"},
    "scripts": CORE | {"engine.inspect", "engine.demo", "engine.ask"},
}
# Third-party packages a layer must not import.
REFERENCES_ONLY = {"transformers", "peft", "bitsandbytes"}
NOT_IMPORTED = {layer: set(REFERENCES_ONLY) for layer in MAY_IMPORT}
NOT_IMPORTED["engine.sql"] |= {"torch", "triton", "safetensors"}
# `python -m engine.plot` is a one-line entry point into engine/inspect/plot.py.
LAYER_OF_FILE = {"engine/plot.py": "engine.inspect"}

FILES = sorted(p.relative_to(REPO).as_posix() for d in ("kernels", "models", "engine") for p in (REPO / d).rglob("*.py"))
FILES += ["train.py", "eval.py", "ask.py"]


def layer_of(rel: str) -> str:
    if rel in LAYER_OF_FILE:
        return LAYER_OF_FILE[rel]
    if rel in ("train.py", "eval.py", "ask.py"):
        return "scripts"
    parts = rel.split("/")
    if parts[0] == "engine" and len(parts) > 2:
        return f"engine.{parts[1]}"
    return parts[0]


def module_of(rel: str) -> str:
    return rel.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def imported_modules(rel: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import statement in the file, relative ones resolved;
    imports under `if TYPE_CHECKING:` are left out (they never run: annotations only)."""
    tree = ast.parse((REPO / rel).read_text(), filename=rel)
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            node.body = []
    package = module_of(rel) if rel.endswith("__init__.py") else module_of(rel).rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{a.name}") for a in node.names]  # `from engine import sql`
    return found


def layer_of_module(name: str) -> str | None:
    """The project layer a module name belongs to (None: not ours)."""
    parts = name.split(".")
    if parts[0] in ("kernels", "models"):
        return parts[0]
    if parts[0] == "engine":
        if len(parts) > 1 and parts[1] in ("sql", "inspect", "demo", "ask"):
            return f"engine.{parts[1]}"
        return "engine"
    return None


@pytest.mark.parametrize("rel", FILES)
def test_no_import_runs_back_up(rel):
    layer = layer_of(rel)
    problems = {}  # line -> the first problem on it
    for line, name in imported_modules(rel):
        if line in problems:
            continue
        target = LAYER_OF_FILE.get(name.replace(".", "/") + ".py") or layer_of_module(name)
        if name.split(".")[0] in NOT_IMPORTED[layer]:
            problems[line] = f"{rel}:{line} imports {name}, which {layer} must not use"
        elif target is not None and target not in MAY_IMPORT[layer]:
            problems[line] = f"{rel}:{line} imports {name} ({target}); {layer} may import only {sorted(MAY_IMPORT[layer])}"
    assert not problems, "\n".join(problems.values())


def test_every_layer_has_files():
    assert {layer_of(f) for f in FILES} == set(MAY_IMPORT)


def test_engine_exports_resolve_without_importing_the_rest():
    """`engine` gathers the public names but imports a name's module only when it is asked for."""
    import engine

    for name in engine.__all__:
        assert getattr(engine, name) is getattr(importlib.import_module(engine.EXPORTS[name]), name)
    run = lambda code: subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)  # noqa: E731
    run("import sys, engine.lora; assert 'sqlglot' not in sys.modules, 'import engine.lora pulled in sqlglot'")
    run("import sys, engine.sql.scoring, engine.sql.datasets, engine.sql.splits; "
        "assert 'torch' not in sys.modules, 'engine.sql pulled in torch'")
