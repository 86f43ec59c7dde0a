"""An audit entry's details in words: each key named, stored codes said, ids shown as references or emails.

The trail keeps what was stored (English keys, codes, ids) and never changes; the page says it in the reader's
language. A key or code with no words of its own is shown as stored, so nothing recorded is ever hidden.
"""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l

from errors import DefinitionError, NotFound
from services.audit.oversight import page_read
from services.cases.sessions import ATTENDANCE_TEXT
from services.common.language import active_language
from services.pathways.store import definition_version, latest_definitions
from services.privacy.words import IDENTITY_CHECK_WORDS
from services.users.roles import role_labels

DETAIL_WORDS = {
    "case": _l("Case"), "cases": _l("Cases"), "form": _l("Form"), "forms": _l("Forms"), "version": _l("Version"),
    "session": _l("Session"), "email": _l("Email"), "name": _l("Step"), "from": _l("From"), "to": _l("To"),
    "date": _l("Date"), "format": _l("Format"), "field": _l("Field"), "workflow": _l("Pathway"),
    "reason": _l("Reason"), "title": _l("Title"), "team": _l("Team"), "status": _l("Status"), "roles": _l("Roles"),
    "reference": _l("Reference"), "identity_check": _l("Identity check"), "attendance": _l("Attendance"),
    "withheld": _l("Withheld"), "withheld_on_review": _l("Withheld on review"), "language": _l("Language"),
    "recorded": _l("Recorded"), "corrected": _l("Corrected"), "method": _l("Method"), "contact": _l("Contact"),
    "via": _l("Through"), "until": _l("Until"), "before": _l("Before"), "after": _l("After"), "rows": _l("Rows"),
    "filters": _l("Filters"),
}
STEP_ACTIONS = ("case.transition", "case.event")


def _plain(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    if isinstance(value, dict) and all(isinstance(v, str | int | float) for v in value.values()):
        return "; ".join(f"{k}: {v}" for k, v in value.items())  # a download's filters, as its address had them
    return json.dumps(value, ensure_ascii=False, default=str)


def _pathway(key: str, language: str) -> str:
    found = latest_definitions().get(key)
    return found.in_language(language).title if found is not None else key


def _step_words(entry, defn, key: str, value: str) -> str:
    """Return a step's or a state's label as the case's pathway says it, or the stored name."""
    if defn is None or entry.action not in STEP_ACTIONS:
        return value
    if key == "name":
        step = defn.transitions.get(value) or defn.events.get(value)
        return step.label if step is not None else value
    state = defn.states.get(value)
    return state.label if state is not None else value


def _said(entry, key: str, value, names: dict, defn, language: str) -> str:
    """Return one detail's value in words."""
    if key in ("case", "via") and isinstance(value, str):  # the ids shown_names reads references for
        return names.get(value, value)
    if key == "cases" and isinstance(value, list):
        return ", ".join(names.get(v, v) for v in value if isinstance(v, str))
    if key == "identity_check":
        return str(IDENTITY_CHECK_WORDS.get(value, value))
    if key == "attendance":
        return str(ATTENDANCE_TEXT.get(value, value))
    if key == "roles" and isinstance(value, list):
        roles = role_labels(language)  # the pathways' own roles too, as the people pages name them
        return ", ".join(roles.get(v, v) for v in value)
    if key == "workflow" and isinstance(value, str):
        return _pathway(value, language)
    if key in ("name", "from", "to") and isinstance(value, str):
        return _step_words(entry, defn, key, value)
    return _plain(value)


def case_definitions(cases: dict) -> dict:
    """Return case id → its pathway version in the reader's language, from {id: (workflow key, version)}."""
    language, found = active_language(), {}
    for case_id, (key, version) in cases.items():
        try:
            found[case_id] = definition_version(key, version).in_language(language)
        except (NotFound, DefinitionError, TypeError, ValueError):
            continue  # a version no longer stored: its steps and stages are shown as stored
    return found


def detail_rows(entry, names: dict, definitions: dict) -> list[dict]:
    """Return the entry's details to show: label, words and, where they differ, the stored value (no empty ones)."""
    language, rows = active_language(), []
    defn = definitions.get(entry.target_id) if entry.target_type == "case" else None
    for key, value in (entry.details or {}).items():
        if value in (None, "", [], {}):
            continue
        if key == "what":  # the page a read came from
            rows.append({"label": str(_l("Page read")), "text": page_read(value), "code": value})
            continue
        text, stored = _said(entry, key, value, names, defn, language), _plain(value)
        rows.append({"label": str(DETAIL_WORDS.get(key, key.replace("_", " ").capitalize())), "text": text,
                     "code": stored if stored != text and key not in ("case", "cases") else ""})
    return rows
