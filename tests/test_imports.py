"""Import rules: no cycles, layers import downwards only, and in-function imports only where listed."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOT_CODE = {"tests", "node_modules", "static", "templates", "instance", "bench", "tools", "docs"}

# Highest layer first. A module may import from its own layer or any layer below, never from one above.
# scheduler.runner starts the reminder sweep for the web process and the CLI, so it sits with the entry points.
LAYERS = [
    ("app",),
    ("blueprints", "commands", "scheduler.runner"),
    ("services",),
    ("forms", "workflows", "scheduler", "storage", "models"),
    ("errors", "clock", "config", "extensions", "wording", "memo"),
]
# The engines stay pure: besides themselves they may use only these (the scheduler's date arithmetic is pure too,
# and wording reads the compiled catalogue with babel).
PURE = {"errors", "wording", "memo", "scheduler.calendar", "scheduler.timescales"}
ENGINES = {"forms": {"forms"} | PURE, "workflows": {"workflows"} | PURE,
           "scheduler.calendar": {"scheduler.calendar"} | PURE, "scheduler.timescales": PURE}

# In-function imports of project modules. Each must say why; the list only ever shrinks (a stale entry fails).
ALLOWED_IN_FUNCTION: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class Import:
    """One import statement's target inside the project."""

    source: str
    target: str
    line: int
    in_function: bool
    type_only: bool


def project_modules(root: Path = ROOT) -> dict[str, Path]:
    """Return every project module by dotted name: top-level modules and the packages' modules."""
    found = {path.stem: path for path in root.glob("*.py")}
    for init in root.glob("*/__init__.py"):
        if init.parent.name in NOT_CODE or init.parent.name.startswith("."):
            continue
        for path in init.parent.rglob("*.py"):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def find_imports(name: str, source: str, modules, *, is_package: bool = False) -> list[Import]:
    """Return the imports of project modules in one module's source."""
    def resolve(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    package = name.split(".") if is_package else name.split(".")[:-1]
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool, type_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            targets: list[str | None] = []
            if isinstance(child, ast.Import):
                targets = [resolve(alias.name) for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    base = ".".join(package[:len(package) - child.level + 1] + ([base] if base else []))
                # `from package import module` imports the module; `from module import name` the module itself.
                targets = [resolve(f"{base}.{alias.name}") if f"{base}.{alias.name}" in modules else resolve(base)
                           for alias in child.names]
            for target in targets:
                if target and target != name:
                    found.append(Import(name, target, child.lineno, in_function, type_only))
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)),
                  type_only or (isinstance(child, ast.If) and _is_type_checking(child)))

    visit(ast.parse(source), False, False)
    return found


def all_imports(modules: dict[str, Path]) -> list[Import]:
    """Return every project-internal import of every project module."""
    return [imp for name, path in sorted(modules.items())
            for imp in find_imports(name, path.read_text(encoding="utf-8"), modules,
                                    is_package=path.name == "__init__.py")]


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected groups of more than one module (each holds an import cycle)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in edges.get(node, ()):
                found.append(sorted(group))

    for node in sorted(set(edges) | {n for targets in edges.values() for n in targets}):
        if node not in index:
            connect(node)
    return found


def runtime_edges(imports: list[Import]) -> dict[str, set[str]]:
    """Return the imports that run when a module is imported (not in functions, not for type checkers)."""
    edges: dict[str, set[str]] = {}
    for imp in imports:
        if not imp.in_function and not imp.type_only:
            edges.setdefault(imp.source, set()).add(imp.target)
    return edges


def layer_of(module: str) -> int:
    """Return the index of the most specific layer naming the module (0 is the highest)."""
    best, best_len = len(LAYERS), -1
    for number, names in enumerate(LAYERS):
        for prefix in names:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best_len:
                best, best_len = number, len(prefix)
    return best


MODULES = project_modules()


@cache
def project_imports() -> list[Import]:
    """Return every import of the project, read once by the tests that need it (not by collecting this file)."""
    return all_imports(MODULES)


# --- the checker itself can fail -------------------------------------------------------------------------------

def test_cycles_are_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_are_classified():
    modules = {"services.x": None, "services.y": None, "blueprints.z": None, "services": None}
    source = (
        "from typing import TYPE_CHECKING\nimport services.y\nfrom . import y\n"
        "if TYPE_CHECKING:\n    from blueprints.z import thing\n"
        "def f():\n    from blueprints import z\n"
    )
    found = {(i.target, i.in_function, i.type_only) for i in find_imports("services.x", source, modules)}
    assert found == {("services.y", False, False), ("blueprints.z", False, True), ("blueprints.z", True, False)}


def test_layers_are_ordered():
    assert layer_of("app") < layer_of("blueprints.cases") < layer_of("services.cases.steps") < layer_of("forms.parse")
    assert layer_of("scheduler.runner") == layer_of("commands.users") < layer_of("scheduler.calendar")


def test_the_project_is_scanned():
    assert {"app", "blueprints.admin.forms", "services.cases.transitions", "forms.compiled", "workflows.engine",
            "storage.embedded", "models.case", "scheduler.calendar", "commands.workflows"} <= set(MODULES)
    assert len(project_imports()) > 200


# --- the rules --------------------------------------------------------------------------------------------------

def test_no_import_cycles():
    found = cycles(runtime_edges(project_imports()))
    assert not found, "import cycles (break them by moving shared code down a layer):\n" + "\n".join(
        " <-> ".join(group) for group in found)


def test_no_module_imports_from_a_higher_layer():
    wrong = [f"{MODULES[i.source].relative_to(ROOT)}:{i.line} imports {i.target}" for i in project_imports()
             if layer_of(i.target) < layer_of(i.source)]
    assert not wrong, "imports against the layers (app > blueprints, commands > services > engines, models, " \
                      "storage > errors, clock, config):\n" + "\n".join(wrong)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_engines_import_only_themselves_and_pure_helpers(engine):
    allowed = ENGINES[engine]
    inside = [i for i in project_imports() if i.source == engine or i.source.startswith(engine + ".")]
    wrong = [f"{MODULES[i.source].relative_to(ROOT)}:{i.line} imports {i.target}" for i in inside
             if i.target not in allowed and i.target.split(".")[0] not in allowed]
    assert not wrong, "\n".join(wrong)


def test_in_function_imports_are_only_the_listed_ones():
    found = {(i.source, i.target) for i in project_imports() if i.in_function}
    unlisted = sorted(found - set(ALLOWED_IN_FUNCTION))
    stale = sorted(set(ALLOWED_IN_FUNCTION) - found)
    assert not unlisted, "move these imports to the top of the module (break any cycle that stops you):\n" + \
        "\n".join(f"{s} imports {t} inside a function" for s, t in unlisted)
    assert not stale, "no longer needed, remove from ALLOWED_IN_FUNCTION:\n" + "\n".join(
        f"{s} -> {t}" for s, t in stale)


def test_every_allowed_in_function_import_says_why():
    assert all(len(reason.split()) >= 4 for reason in ALLOWED_IN_FUNCTION.values())
