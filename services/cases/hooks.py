"""What happens on a case when something outside the workflow engine happens to it (a form is submitted)."""

from __future__ import annotations

from datetime import datetime

from forms.catalogue import N_
from models.case import RISK_LEVELS, Case, risk_rank
from services.audit.trail import record_audit
from services.cases.effects import apply_effects
from services.cases.history_text import FORM_DONE, FORM_DONE_WITH_RESULT, term
from services.cases.transitions import add_history
from services.pathways.store import definition_for
from services.reports.fields import refresh_evaluation
from services.submissions.definitions import form_for
from services.submissions.results import result_line
from workflows import engine


def risk_level_from(answers: dict, fields) -> str:
    """Return the highest risk rating among these answers ('' when none is rated)."""
    ratings = [answers.get(field) for field in fields if answers.get(field) in RISK_LEVELS]
    return max(ratings, key=RISK_LEVELS.index) if ratings else ""


def form_submitted(case, submission, *, actor, now: datetime) -> None:
    """Meet the deadlines the form satisfies, restart repeating ones, and record it in the history."""
    defn = definition_for(case)
    # The pathway file says which forms and answers set the risk level (the risk-of-serious-harm grid).
    rule = defn.risk_level or {}
    level = risk_level_from(submission.answers, rule["fields"]) if submission.form_key in rule.get("forms", ()) else ""
    if level and level != case.risk_level:
        Case.objects(pk=case.pk).update_one(set__risk_level=level, set__risk_rank=risk_rank(level))
        case.reload()
        add_history(case, kind="event", now=now, actor=actor, name="risk_level",
                    label=f"Risk of serious harm assessed as {level.replace('_', ' ')}",
                    label_key=N_("Risk of serious harm assessed as %(level)s"),
                    label_values={"level": term("risk", level)})
    apply_effects(case, engine.form_submitted_effects(defn, submission.form_key), actor=actor, now=now, inputs={})
    refresh_evaluation(case, defn, submission.form_key)
    confidential = submission.classification == "confidential"
    # The history speaks of the form by its title (not its key) and gives its result, like the case page.
    label = defn.form_labels.get(submission.form_key) or form_for(submission).title
    result = result_line(submission)
    add_history(case, kind="form", now=now, actor=actor, name=submission.form_key,
                label=f"{label[:1].upper()}{label[1:]} {submission.status}" + (f": {result}" if result else ""),
                label_key=FORM_DONE_WITH_RESULT if result and submission.status == "submitted"
                else FORM_DONE.get(submission.status, ""),
                label_values={"form": {"form": submission.form_key}, "result": result}, confidential=confidential)
    record_audit("submission.submitted", actor=actor, now=now, target_type="submission",
                 target_id=submission.pk, details={"case": str(case.pk), "form": submission.form_key,
                                                   "version": submission.form_version})


def form_countersigned(case, submission, *, actor, now: datetime) -> None:
    """Record a countersignature in the case's history."""
    label = definition_for(case).form_labels.get(submission.form_key) or submission.form_key.replace("_", " ")
    add_history(case, kind="form", now=now, actor=actor, name=submission.form_key,
                label=f"{label[:1].upper()}{label[1:]} countersigned", label_key=FORM_DONE["countersigned"],
                label_values={"form": {"form": submission.form_key}},
                confidential=submission.classification == "confidential")
