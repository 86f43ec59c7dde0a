"""A register saved by someone else while it was open here: keep their changes, put ours on top, name the clashes."""

from __future__ import annotations

import json
from collections.abc import Mapping


def register_fields(register: Mapping) -> dict[str, str]:
    """Return what the register holds as the page's fields: each man's mark, concern and note, and the session notes."""
    fields: dict[str, str] = {}
    for row in register["rows"]:
        if row["case"] is not None:
            cid = str(row["case"].pk)
            fields[f"mark-{cid}"] = row["mark"] or ""
            fields[f"concern-{cid}"] = "yes" if row["concern"] else ""
            fields[f"note-{cid}"] = row["note"] or ""
    fields["facilitator_note"] = register["session"].facilitator_note or ""
    return fields


def opened_with(posted: str | None) -> dict[str, str] | None:
    """Return the fields the page was opened with (its hidden copy), or None when it did not carry one."""
    try:
        found = json.loads(posted or "")
    except ValueError:
        return None
    if not isinstance(found, dict):
        return None
    return {str(k): str(v) for k, v in found.items() if isinstance(v, str)}


def _typed(typed: Mapping, key: str) -> str:
    value = str(typed.get(key) or "").strip()
    return ("yes" if value else "") if key.startswith("concern-") else value


def merge_after_clash(opened: Mapping | None, typed: Mapping, saved: Mapping) -> tuple[dict[str, str], set[str]]:
    """Return the fields to show again and the fields both people changed.

    A field left as it was opened takes what the other person saved (their concern ticked, their session notes),
    so saving again cannot silently undo it; a field changed here keeps what was typed. Where both changed it
    to different things, the field is named, so the page can show what they saved beside it. A page that carried
    no copy of what it was opened with names every field that differs.
    """
    merged: dict[str, str] = {}
    clashes: set[str] = set()
    for key, now in saved.items():
        mine = _typed(typed, key)
        if opened is not None and key in opened and mine == opened[key].strip():
            merged[key] = now
            continue
        merged[key] = mine
        if mine != now.strip() and (opened is None or key not in opened or now.strip() != opened[key].strip()):
            clashes.add(key)
    return merged, clashes
