"""History entries in the reader's language: each keeps its English label and a message id to say it again.

An entry's `label_key` is a gettext message id and `label_values` its values. A value is plain text (a name, a
number), or a small map saying what it names so it is said in the reader's language too: `{"term": msgid}` (a
word marked below), `{"date": iso}`, `{"form": key}` (the pathway's name for the form, else its title),
`{"step": "transitions"|"events", "name": ..., "workflow": ..., "version": ...}` (a pathway step's label).
"""

from __future__ import annotations

from datetime import date

import flask_babel
from flask_babel import gettext

from errors import NotFound
from forms.catalogue import N_
from services.pathways.store import definition_version
from services.submissions.definitions import compiled_form, get_form, pinned_version
from workflows.text import cap

# Words said inside history entries, lower case as they read mid-sentence (the history keeps the English).
TERMS = {
    "attendance": {"attended": N_("attended"), "late": N_("attended late"),
                   "acceptable_absence": N_("acceptable absence"), "unacceptable_absence": N_("unacceptable absence"),
                   "did_not_happen": N_("did not happen")},
    "risk": {"low": N_("low"), "medium": N_("medium"), "high": N_("high"), "very_high": N_("very high")},
    "person": {"name": N_("Name"), "date_of_birth": N_("Date of birth"), "address": N_("Address"),
               "ethnicity": N_("Ethnicity"), "language": N_("Language")},
}
# The built-in session types (workflows.declarations), said in other languages when a pathway keeps them.
SESSION_TYPES = (N_("Assessment session"), N_("Pre-group session"), N_("Group session"), N_("One-to-one session"),
                 N_("Post-group session"), N_("Catch-up session"), N_("Review"), N_("Partner contact"))
# Whole sentences chosen by a value (a translator needs the whole sentence, not a word to put in one).
CONTACT_LOGGED = {"spoke": N_("Contact logged: spoke with the partner"), "no_answer": N_("Contact logged: no answer"),
                  "message_left": N_("Contact logged: safe message left"),
                  "not_safe": N_("Contact logged: not safe to talk"),
                  "declined": N_("Contact logged: declined support"),
                  "wrong_details": N_("Contact logged: contact details not valid")}
OBJECTION_RECORDED = {"upheld": N_("Objection recorded: upheld"),
                      "partly_upheld": N_("Objection recorded: partly upheld"),
                      "not_upheld": N_("Objection recorded: not upheld")}
ARTICLES = {"the", "y", "yr"}
FORM_DONE = {"submitted": N_("%(form)s submitted"), "countersigned": N_("%(form)s countersigned")}
FORM_DONE_WITH_RESULT = N_("%(form)s submitted: %(result)s")


def term(group: str, key: str) -> dict:
    """Return a value naming one of the marked words (the key itself when it has none)."""
    return {"term": TERMS.get(group, {}).get(key, key)}


def history_title(entry, defn, language: str) -> str:
    """Return what an entry says in a language: its message said again, else its stored label (English)."""
    if language != "en" and entry.label_key:
        values = {name: _value(value, defn, language) for name, value in (entry.label_values or {}).items()}
        try:
            return gettext(entry.label_key, **values)
        except (KeyError, ValueError, TypeError):
            return entry.label
    if language != "en" and entry.kind in ("transition", "event"):
        found = _step_label(defn, "transitions" if entry.kind == "transition" else "events", entry.name, language)
        if found and found[0] == entry.label:
            return found[1]
    return entry.label


def _value(value, defn, language: str) -> str:
    if not isinstance(value, dict):
        return str(value)
    if "term" in value:
        return gettext(value["term"])
    if "date" in value:
        return flask_babel.format_date(date.fromisoformat(str(value["date"])[:10]), "d MMMM y")
    if "question" in value:
        return _question(value, language)
    if "form" in value:
        return _form_name(value["form"], defn, language)
    if "deadline" in value:
        return _deadline_label(defn, value["deadline"], language, value.get("label"))
    if "step" in value:
        try:
            other = (definition_version(value["workflow"], int(value["version"])) if value.get("workflow")
                     else defn)
        except (NotFound, ValueError, TypeError):
            other = defn
        found = _step_label(other, value["step"], value.get("name", ""), language)
        return found[1] if found else value.get("name", "")
    return ""


def _step_label(defn, kind: str, name: str, language: str) -> tuple[str, str] | None:
    """Return (English, translated) label of a pathway step, found by name in the pathway file."""
    steps = getattr(defn, kind, {})
    if name not in steps:
        return None
    english = steps[name].label
    return english, defn.text(f"{step_pointer(defn, kind, name)}/label", language, english)


def step_pointer(defn, kind: str, name: str) -> str:
    """Return the JSON Pointer of a pathway step ("transitions" or "events") in its file, for its translations."""
    # The steps keep the file's order, so a step's place among them is its place in the file's list.
    steps = getattr(defn, kind, {})
    return f"/{kind}/{list(steps).index(name)}" if name in steps else ""


def _form_name(key: str, defn, language: str) -> str:
    """Return a form as a sentence names it: the pathway's name for it, else its title."""
    english = defn.form_labels.get(key)
    if english:
        said = defn.text(f"/form_labels/{key}", language, english)
        if said != english:
            # A pathway names its forms with their article ("yr asesiad risg"); a history entry names it alone.
            return cap(said.split(" ", 1)[1] if said.split(" ", 1)[0].lower() in ARTICLES and " " in said else said)
    try:
        title = compiled_form(get_form(key), language).title
    except NotFound:
        return cap(english or key.replace("_", " "))
    return title


def _question(value: dict, language: str) -> str:
    """Return a question's label in a language, from the form version the answer was given on."""
    try:
        # A numbered version never changes: read once per process rather than once per history entry.
        version = value.get("version")
        doc = pinned_version(value["form"], int(version)) if version else get_form(value["form"])
        form = compiled_form(doc, language)
        return form.field(value["question"]).label
    except (NotFound, KeyError, LookupError):
        return value.get("question", "")


def _deadline_label(defn, key: str, language: str, label: str | None = None) -> str:
    """Return a deadline's label in a language, from the pathway file's translations (else the service's own)."""
    if key not in defn.deadlines:
        return gettext(label) if label else key.replace("_", " ")
    english = defn.deadlines[key].label
    return defn.text(f"/deadlines/{list(defn.deadlines).index(key)}/label", language, english)
