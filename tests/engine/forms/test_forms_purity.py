"""The form engine stays pure: no web framework, no database driver, no eval."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

FORMS = Path(__file__).resolve().parents[3] / "forms"
MODULES = sorted(FORMS.glob("*.py")) + sorted((FORMS / "builder").glob("*.py"))
FORBIDDEN = {"flask", "mongoengine", "pymongo", "bson"}


def _name(module: Path) -> str:
    return module.relative_to(FORMS).as_posix()


def imported_roots(tree: ast.AST) -> set[str]:
    """Return the top-level package of every import in a module."""
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "__import__" and node.args \
                and isinstance(node.args[0], ast.Constant):
            roots.add(str(node.args[0].value).split(".")[0])
    return roots


@pytest.mark.parametrize("source", [
    "import flask", "from flask import Flask", "import pymongo.errors", "from bson import ObjectId",
    "import mongoengine as me", "__import__('flask')",
])
def test_detector_finds_forbidden_imports(source):
    assert imported_roots(ast.parse(source)) & FORBIDDEN


def test_there_are_modules_to_check():
    assert {"check.py", "compiled.py", "computed.py", "parse.py", "validate.py"} <= {m.name for m in MODULES}
    assert {"builder/edit.py", "builder/input.py", "builder/order.py"} <= {_name(m) for m in MODULES}


@pytest.mark.parametrize("module", MODULES, ids=[_name(m) for m in MODULES])
def test_module_is_pure(module):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    assert not imported_roots(tree) & FORBIDDEN
    calls = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not calls & {"eval", "exec"}
    assert len(module.read_text(encoding="utf-8").splitlines()) <= 300
