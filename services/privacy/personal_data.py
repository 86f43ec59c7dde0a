"""The personal-data page of a record: its subject access requests, corrections, objections and legal hold."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from models.correction import OBJECTION_OUTCOMES
from models.subject_access import IDENTITY_CHECKS, SubjectAccessRequest
from services.cases.access import can_change_case, case_for_actor
from services.common.language import active_language
from services.privacy.rectification import PERSON_FIELDS, list_corrections
from services.privacy.retention import on_hold, retention_status
from services.privacy.words import IDENTITY_CHECK_WORDS, PERSON_FIELD_WORDS
from services.submissions.definitions import form_for
from services.submissions.reads import list_submissions


def _words() -> dict:
    """Return the page's words for the identity checks, the person's details and the objection outcomes."""
    return {
        "identity_checks": {key: str(text) for key, text in IDENTITY_CHECK_WORDS.items()},
        "person_fields": {key: str(text) for key, text in PERSON_FIELD_WORDS.items()},
        "objection_outcomes": {
            "upheld": _("Upheld: the processing stops"),
            "partly_upheld": _("Partly upheld"),
            "not_upheld": _("Not upheld: there are compelling grounds to continue (for example safeguarding)")},
    }


def personal_data_overview(case_id, *, actor, now: datetime) -> dict:
    """Return what the record's personal-data page shows to the actor."""
    case = case_for_actor(case_id, actor)
    manager = actor.has_role("manager") and actor.team == case.team
    submitted = [s for s in list_submissions(case, actor=actor) if s.status != "draft"]
    words = _words()
    return {
        "case": case, "may_change": can_change_case(actor, case) and not case.anonymised_at, "is_manager": manager,
        "requests": list(SubjectAccessRequest.objects(case_id=case.pk).order_by("-logged_at")),
        "corrections": list_corrections(case, actor=actor), "held": on_hold(case.pk),
        "retention": retention_status(case), "submissions": submitted,
        # Each form by its title, as the case page names it, in the reader's language.
        "form_titles": {s.pk: form_for(s, active_language()).title for s in submitted},
        "now": now,
        # The English wording is what is stored; the page reads each choice in its own language (English if new).
        **{name: {key: words[name].get(key, text) for key, text in stored.items()} for name, stored in (
            ("identity_checks", IDENTITY_CHECKS), ("person_fields", PERSON_FIELDS),
            ("objection_outcomes", OBJECTION_OUTCOMES))},
    }
