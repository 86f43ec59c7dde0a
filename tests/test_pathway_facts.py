"""No Python outside tests names a shipped pathway, state, step, form or role: those facts live in the files."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SKIP = {"tests", ".venv", "node_modules", "instance", ".git"}
# Words of the product's own vocabulary that happen to be spelled like a shipped key, each with where it may
# appear and what it means there. A pathway's key, a form's key or a step's name never belongs here.
PRODUCT_WORDS = {
    "closed": "a case's status (draft, open, closed), not the pathways' state of that name",
    "group": "the group programme's session type and the groups feature's own records",
    "accept": "the file types an upload field accepts (HTML accept attribute)",
    "accepted": "the report funnel's stage and the upload types accepted",
    "referred": "a case history entry's kind (the referral was sent) and the funnel's first stage",
    "allocated": "a notification's recipient: whoever holds the case",
    "screening": "the intake's declaration of its screening form, never a form's key",
    "waiting_list": "the allocation page's choice of the waiting list instead of a worker",
    "dropped_out": "a group report's count",
    "assessment": "the default session types every pathway may record",
}


def shipped_names() -> dict[str, set[str]]:
    """Return every key the shipped files declare, with what it is."""
    names: dict[str, set[str]] = {}
    for path in sorted((ROOT / "workflows").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found = [(data["key"], "pathway")] + [(s, "state") for s in data.get("states", {})]
        found += [(t["name"], "step") for t in [*data.get("transitions", ()), *data.get("events", ())]]
        found += [(r, "role") for r in data.get("custom_roles") or {}]
        for name, kind in found:
            names.setdefault(name, set()).add(kind)
    for path in sorted((ROOT / "forms" / "definitions").glob("*.json")):
        names.setdefault(json.loads(path.read_text(encoding="utf-8")).get("key") or path.stem, set()).add("form")
    return names


def test_no_python_outside_the_tests_names_a_shipped_pathway_fact():
    names = shipped_names()
    assert {"pathway", "state", "step", "form"} <= set().union(*names.values())  # the scan can see them
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if SKIP & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and value in names and value not in PRODUCT_WORDS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} names the {'/'.join(sorted(names[value]))}"
                             f" '{value}'; read it from the pathway or form file instead")
    assert not found, "\n".join(found)


def test_the_product_words_are_still_needed():
    """Drop a word from the list once no code spells it, so the list cannot grow into a hiding place."""
    names, used = shipped_names(), set()
    for path in sorted(ROOT.rglob("*.py")):
        if not SKIP & set(path.relative_to(ROOT).parts):
            used |= {n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                     if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    assert {w for w in PRODUCT_WORDS if w not in used or w not in names} == set()
