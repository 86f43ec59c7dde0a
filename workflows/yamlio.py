"""Read workflow YAML strictly: duplicate keys are errors, and only true/false are booleans."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from errors import DefinitionError

BOOL_TAG = "tag:yaml.org,2002:bool"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
MERGE_TAG = "tag:yaml.org,2002:merge"


def _construct_mapping(loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _value in node.value:
        if key_node.tag == MERGE_TAG:
            # Keys brought in by `<<: *anchor` may be overridden; only keys written here must be unique.
            continue
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in seen:
            raise DefinitionError(f"line {line}: duplicate key '{key}' (first used on line {seen[key]})")
        seen[key] = line
    return loader.construct_mapping(node, deep=deep)


def _strict(cls: type) -> type:
    """Return a subclass of a safe loader class that refuses duplicate keys and keeps dates and yes/no as text."""
    loader = type("Strict" + cls.__name__, (cls,), {})
    # YAML 1.1 reads `no`, `off` and dates as booleans and date objects; option values such as `no` must stay
    # text, and the data must stay JSON so that it can be hashed and checked against the schema.
    loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (BOOL_TAG, TIMESTAMP_TAG)]
        for first, resolvers in cls.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
    loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    return loader


StrictLoader = _strict(yaml.SafeLoader)
# libyaml is ten times faster; its error messages differ, so errors are re-read with the pure-Python loader.
FastLoader = _strict(yaml.CSafeLoader) if hasattr(yaml, "CSafeLoader") else StrictLoader


def parse_yaml(text: str, *, source: str = "") -> Any:
    """Return the data in YAML text; raise DefinitionError with the line of a duplicate key or syntax error."""
    prefix = f"{source}: " if source else ""
    try:
        try:
            return yaml.load(text, Loader=FastLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError:
            return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except DefinitionError as exc:
        raise DefinitionError(prefix + exc.message) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DefinitionError(f"{prefix}{where}{problem}") from None


def read_yaml(path: str | Path) -> Any:
    """Return the data in a YAML file."""
    path = Path(path)
    return parse_yaml(path.read_text(encoding="utf-8"), source=path.name)
