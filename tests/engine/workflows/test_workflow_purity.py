"""The workflow engine stays pure: no web framework, no database driver, no eval."""

import ast
from pathlib import Path

import pytest

WORKFLOWS = Path(__file__).resolve().parents[3] / "workflows"
FORBIDDEN_MODULES = {"flask", "flask_login", "flask_wtf", "mongoengine", "pymongo", "bson", "werkzeug"}
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
MODULES = sorted(WORKFLOWS.glob("*.py"))


def imported_roots(tree: ast.AST) -> set[str]:
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_there_are_modules_to_check():
    assert {p.name for p in MODULES} >= {"engine.py", "guards.py", "effects.py", "definition.py", "lint.py"}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_imports_no_framework_or_database(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert imported_roots(tree) & FORBIDDEN_MODULES == set()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_calls_no_eval(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert called & FORBIDDEN_CALLS == set()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_module_is_under_300_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) < 300


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import flask", {"flask"}),
        ("from mongoengine import Document", {"mongoengine"}),
        ("import bson.objectid", {"bson"}),
        ("from .sibling import x", set()),
        ("import json", {"json"}),
    ],
)
def test_import_detection_catches_what_it_should(source, expected):
    assert imported_roots(ast.parse(source)) == expected


@pytest.mark.parametrize("path", [WORKFLOWS.parent / "wording.py", WORKFLOWS.parent / "scheduler" / "calendar.py",
                                  WORKFLOWS.parent / "scheduler" / "timescales.py"], ids=lambda p: p.name)
def test_shared_helpers_import_no_framework_or_database(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert imported_roots(tree) & FORBIDDEN_MODULES == set()
