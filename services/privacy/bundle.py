"""Assemble a person's file for a subject access request, without what is confidential or from third parties.

A perpetrator's file holds his own case only: never a confidential record, never the partner's record or
contacts, never children's details, never an answer or form marked third-party (other agencies' reports,
family details), never information a referrer passed on. A partner's file holds her own record only, without
the answers marked third-party (the perpetrator's and the children's details) and nothing from his case.
"""

from __future__ import annotations

import json
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from forms.summary import answer_text
from forms.third_party import is_third_party_form, redact_answers, third_party_fields
from models.case import Case, CaseEvent, CaseSession
from models.form import ConfidentialSubmission, Submission
from models.partner import PartnerContact
from services.cases.history_text import history_title
from services.cases.sessions import ATTENDANCE_TEXT, session_types_for
from services.common.language import active_language, day_words
from services.partner.words import CONTACT_METHOD_TEXT, CONTACT_OUTCOME_TEXT
from services.pathways.store import definition_for
from services.submissions.definitions import form_for, get_form
from workflows.effects import is_conditional
from workflows.outcomes import outcome_label
from workflows.registry import parse_item

STATUS_WORDS = {"open": _l("Open"), "closed": _l("Closed")}
# History kinds that carry what someone else said about the subject (a referring agency's further information).
THIRD_PARTY_HISTORY = ("referrer_information",)
# Steps only the partner-support worker takes record what happened on the partner's side: he is never told
# whether she was contacted or what she said.
PARTNER_SIDE_ROLES = {"partner_worker"}
# The history entry saying a partner-support record was opened for her: that she is supported is hers to tell.
PARTNER_RECORD_OPENED = "linked_case_opened"


def text_of(value) -> str:
    """Return a stored value as one text (dates as stored, ISO), as the JSON file writes it."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict) and "filename" in value:
        return _("Document: %(filename)s", filename=value["filename"])
    if isinstance(value, dict):
        return "; ".join(f"{k}: {text_of(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "; ".join(text_of(v) for v in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return "" if value is None else str(value)


def _labels(definition: dict) -> dict[str, str]:
    props = (definition.get("schema") or {}).get("properties", {})
    return {name: spec.get("title") or name.replace("_", " ") for name, spec in props.items()}


def _forms(case: Case, *, with_confidential: bool, withheld: list, language: str) -> list[dict]:
    subs = list(Submission.objects(case_id=case.pk))
    if with_confidential:
        subs += list(ConfidentialSubmission.objects(case_id=case.pk))
    else:
        hidden = ConfidentialSubmission.objects(case_id=case.pk).count()
        if hidden:
            withheld.append({"what": ngettext("%(num)s confidential record", "%(num)s confidential records", hidden),
                             "why": _("confidential: information from someone else that could put them at risk")})
    out = []
    for sub in sorted(subs, key=lambda s: s.created_at):
        definition = get_form(sub.form_key, sub.form_version).definition
        # Titles, questions and chosen options as the form's own pages say them in the reader's language.
        compiled = form_for(sub, language)
        title = compiled.title or sub.form_key
        if is_third_party_form(definition):
            withheld.append({"what": _("the form ‘%(form)s’", form=title), "why": _("third-party information")})
            continue
        answers, removed = redact_answers(dict(sub.answers or {}), third_party_fields(definition))
        fields = compiled.top_fields
        # "Evidence:" in the form reads "Evidence" before the file's own colon.
        labels = {name: label.rstrip().rstrip(":") for name, label in {
            **_labels(definition), **{name: spec.label for name, spec in fields.items() if spec.label}}.items()}
        if removed:
            withheld.append({"what": ngettext("%(num)s answer in ‘%(form)s’", "%(num)s answers in ‘%(form)s’",
                                              len(removed), form=title),
                             "why": _("third-party information")})
        out.append({"id": f"form:{sub.pk}", "form": sub.form_key, "title": title,
                    "status": sub.status, "submitted_at": sub.submitted_at,
                    "answers": [{"id": f"form:{sub.pk}:{name}", "field": name, "label": labels.get(name, name),
                                 # As the form's own pages write it: option labels, dates in words, signatures.
                                 "value": value, "text": answer_text(fields[name], value) if name in fields
                                 else text_of(value)} for name, value in answers.items()]})
    return out


def _partner_side_step(step) -> bool:
    """Tell whether a step may carry what came from her side: it may be taken from her record, or only by her worker."""
    if step is None:
        return False
    # Taken on his case by his practitioner too, it may still pass on what she said (a change in risk, say).
    return step.partner_side or (bool(step.roles) and set(step.roles) <= PARTNER_SIDE_ROLES)


def _partner_side(defn, event) -> bool:
    if event.name == PARTNER_RECORD_OPENED:
        return True
    return _partner_side_step(defn.events.get(event.name) if event.kind == "event" else
                              defn.transitions.get(event.name))


def _set_fields(effects) -> set[str]:
    found: set[str] = set()
    for item in effects or ():
        if is_conditional(item):
            found |= _set_fields(item["then"])
            continue
        name, params = parse_item(item)
        if name == "set_field" and isinstance(params, dict):
            found.add(params.get("field", ""))
    return found


def _field_words(shown) -> dict[str, tuple[str, dict, str]]:
    """Return field → (the label of the input that sets it, its options' labels, its kind), as the pathway says."""
    words: dict[str, tuple[str, dict]] = {}
    for step in [*shown.transitions.values(), *shown.events.values()]:
        inputs = {spec.name: spec for spec in step.inputs}
        for item in step.effects or ():
            name, params = parse_item(item) if not is_conditional(item) else ("", None)
            if name == "set_field" and isinstance(params, dict) and params.get("input") in inputs:
                spec = inputs[params["input"]]
                words.setdefault(params.get("field", ""), (spec.label, {
                    option.get("value"): option.get("label") for option in spec.options or ()}, spec.kind))
    return words


def _recorded(words: tuple | None, value) -> str:
    """Return a recorded value as its step's input says it: an option's label, a date in words."""
    if words is None:
        return text_of(value)
    if words[2] == "date" and isinstance(value, str):
        return day_words(value)
    return str(words[1].get(value) or text_of(value))


def _his_fields(case: Case, defn) -> dict:
    """Return what the pathway recorded on his case, without what partner-side steps set (her contacts, risk)."""
    hidden: set[str] = set()
    for step in [*defn.transitions.values(), *defn.events.values()]:
        if _partner_side_step(step):
            hidden |= _set_fields(step.effects)
    return {name: value for name, value in (case.fields or {}).items() if name not in hidden}


def _history(case: Case, defn, *, with_confidential: bool, withheld: list, language: str) -> list[dict]:
    out, skipped = [], 0
    for event in CaseEvent.objects(case_id=case.pk).order_by("at", "id"):
        if (event.confidential and not with_confidential) or event.kind in THIRD_PARTY_HISTORY or (
                not with_confidential and _partner_side(defn, event)):
            skipped += 1
            continue
        out.append({"id": f"history:{event.pk}", "at": event.at, "label": history_title(event, defn, language)
                    or event.name,
                    "comment": event.comment or ""})
    if skipped:
        withheld.append({"what": ngettext("%(num)s history entry", "%(num)s history entries", skipped),
                         "why": _("confidential or third-party information")})
    return out


def assemble_file(case: Case, *, now: datetime) -> dict:
    """Return the subject's file as plain data: every item has an id a reviewing manager can withhold."""
    partner = case.kind == "partner"
    withheld: list[dict] = []
    # In the language of the manager who reviews or releases it, as the file's own headings are.
    language = active_language()
    defn, shown = definition_for(case), definition_for(case).in_language(language)
    person = case.person
    types = session_types_for(case, language)
    data = {
        "subject": "partner" if partner else "perpetrator", "generated_at": now, "reference": case.reference,
        "person": {"name": person.name, "date_of_birth": person.date_of_birth, "address": person.address,
                   "ethnicity": person.ethnicity, "language": person.language},
        "case": {"pathway": shown.title, "status": str(STATUS_WORDS.get(case.status, case.status)),
                 "stage": shown.states[case.state].label if case.state in shown.states else case.state,
                 "referred_at": case.referred_at, "closed_at": case.closed_at,
                 "outcome": outcome_label(defn, case.outcome, language) if case.outcome else ""},
        "forms": _forms(case, with_confidential=partner, withheld=withheld, language=language),
        "history": _history(case, defn, with_confidential=partner, withheld=withheld, language=language),
        # Each session in words, as his case shows it, never by its stored codes.
        "sessions": [{"id": f"session:{s.pk}", "date": s.date, "type": types.get(s.session_type, s.session_type),
                      "attendance": str(ATTENDANCE_TEXT.get(s.attendance, s.attendance)), "notes": s.notes}
                     for s in CaseSession.objects(case_id=case.pk).order_by("date")],
        "contacts": [],
    }
    if partner:
        data["safe_contact"] = (case.fields or {}).get("safe_contact", "")
        data["contacts"] = [{"id": f"contact:{c.pk}", "date": c.date,
                             "method": str(CONTACT_METHOD_TEXT.get(c.method, c.method)),
                             "outcome": str(CONTACT_OUTCOME_TEXT.get(c.outcome, c.outcome)), "notes": c.notes}
                            for c in PartnerContact.objects(case_id=case.pk).order_by("date")]
    else:
        # Each as the step that recorded it asks and answers it: "Risk of further violence: Medium".
        words = _field_words(shown)
        data["recorded"] = [{"id": f"field:{name}", "field": name,
                             "label": words.get(name, ("",))[0] or name.replace("_", " ").capitalize(),
                             "text": _recorded(words.get(name), value)}
                            for name, value in _his_fields(case, defn).items()]
        if case.children:
            withheld.append({"what": _("children’s details"), "why": _("third-party information")})
        if Case.objects(parent_case_id=case.pk).count():
            withheld.append({"what": _("records of other people linked to the case"),
                             "why": _("third-party information")})
    data["withheld"] = withheld
    return data


def apply_redactions(data: dict, items: set[str]) -> dict:
    """Return the file without the items a manager withheld (ids), noting how many were withheld."""
    if not items:
        return data
    out = dict(data)
    count = 0
    for section in ("history", "sessions", "contacts", "recorded"):
        kept = [row for row in data.get(section, ()) if row["id"] not in items]
        count += len(data.get(section, ())) - len(kept)
        out[section] = kept
    forms = []
    for form in data.get("forms", ()):
        if form["id"] in items:
            count += 1
            continue
        answers = [a for a in form["answers"] if a["id"] not in items]
        count += len(form["answers"]) - len(answers)
        forms.append({**form, "answers": answers})
    out["forms"] = forms
    out["withheld"] = list(data.get("withheld", ())) + [
        {"what": ngettext("%(num)s item withheld on review", "%(num)s items withheld on review", count),
         "why": _("reviewed by a manager before release")}]
    return out


def as_json(data: dict) -> bytes:
    """Return the file as machine-readable JSON."""
    return json.dumps(data, default=text_of, indent=2, ensure_ascii=False).encode("utf-8")
