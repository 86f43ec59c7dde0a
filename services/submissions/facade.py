"""Forms and their submissions: one import for the web pages, the CLI and the other services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from forms import content_hash
from forms.computed import describe_screening
from forms.expr_eval import result_text
from services.common.language import active_language
from services.submissions.definition_files import check_definition_file, sync_forms
from services.submissions.definitions import compiled_form, computed_in, get_form, published_forms
from services.submissions.filling import (
    case_for_forms,
    countersign_submission,
    form_for,
    may_countersign,
    may_fill,
    open_draft,
    save_draft,
    start_submission,
    submit_submission,
)
from services.submissions.form_versions import create_new_version, publish_form_version, update_draft_version
from services.submissions.reads import (
    find_submission,
    list_submissions,
    page_statuses,
    read_submission,
)

__all__ = [
    "case_for_forms", "check_definition_file", "compiled_form", "computed_in", "computed_rows", "content_hash",
    "countersign_submission", "create_new_version", "file_answers", "find_submission", "form_for", "get_form",
    "list_submissions",
    "may_countersign", "may_fill", "open_draft", "page_statuses",
    "publish_form_version", "published_forms", "read_submission", "save_draft", "start_submission",
    "submit_submission", "sync_forms", "update_draft_version",
]


def file_answers(form, answers: dict) -> list[tuple[str, dict]]:
    """Return (question, file record) for every file answer, inside repeater rows too."""
    found = []
    for spec in form.fields:
        value = answers.get(spec.name)
        if spec.uploads and isinstance(value, dict) and value.get("id"):
            found.append((spec.label, value))
        if spec.repeats and isinstance(value, list):
            for index, row in enumerate(value):
                for child in spec.children:
                    inner = row.get(child.name) if isinstance(row, dict) else None
                    if child.uploads and isinstance(inner, dict) and inner.get("id"):
                        found.append((f"{spec.label} {index + 1}: {child.label}", inner))
    return found


# The parts of what the registered calculations return (forms/computed.py), as a reader calls them.
RESULT_WORDS = {"total": _l("total"), "unknown": _l("unknown (?)"), "answered": _l("scored"),
                "sections": _l("sections"), "critical_items": _l("critical items"), "rated": _l("rated"),
                "omitted": _l("omitted"), "outcome": _l("outcome"), "reasons": _l("reasons")}


def _words(key: str) -> str:
    return str(RESULT_WORDS[key]) if key in RESULT_WORDS else key.replace("_", " ")


def computed_rows(computed: dict, form=None) -> list[tuple[str, str]]:
    """Return computed values as (label, text) rows, one level of nesting flattened; labelled as the form says."""
    rows = []
    labels = {r["key"]: r["label"] for r in form.results} if form is not None else {}
    functions = {e["key"]: e.get("function") for e in form.computed} if form is not None else {}
    for key, value in (computed or {}).items():
        if key in labels:
            rows.append((labels[key], result_text(value)))
            continue
        if functions.get(key) == "screening_outcome":
            # As the manager's page says it: "Likely to be accepted", and the red answers' guidance when there are any.
            said = describe_screening({"outcome": value}, active_language())
            rows.append((str(_l("Screening outcome")), "; ".join([said["label"], *said["reasons"]])))
            continue
        items = value.items() if isinstance(value, dict) else [("", value)]
        for sub, inner in items:
            label = " – ".join(_words(x) for x in (key, str(sub)) if x)
            text = "; ".join(str(v) for v in inner) if isinstance(inner, list) else (
                ", ".join(f"{_words(k)}: {result_text(v)}" for k, v in inner.items()) if isinstance(inner, dict)
                else result_text(inner).replace("_", " "))
            rows.append((label[:1].upper() + label[1:], text))
    return rows
