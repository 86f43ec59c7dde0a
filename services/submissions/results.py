"""The written results of submitted forms (scores, outcomes) as the case pages and lists show them."""

from __future__ import annotations

from datetime import datetime

from forms.expr_eval import result_text
from models.form import ConfidentialSubmission, Submission, submission_class
from scheduler.calendar import format_date
from services.audit.trail import record_audit
from services.cases.access import can_read_confidential
from services.common.rows import rows
from services.submissions.definitions import form_for


def result_line(submission) -> str:
    """Return a submission's written results on one line, like “DASH score: 15 — High risk — refer to MARAC”."""
    computed = submission.computed or {}
    if not computed:
        return ""
    results = form_for(submission).results
    parts = [(r["label"], result_text(computed[r["key"]])) for r in results if r["key"] in computed]
    if not parts:
        return ""
    return f"{parts[0][0]}: {parts[0][1]}" + "".join(f" — {text}" for _label, text in parts[1:])


def earlier_submissions(case, doc, key: str) -> list[dict]:
    """Return the submitted copies of a repeatable form on the case, newest first, with their date and result."""
    cls = ConfidentialSubmission if doc.classification == "confidential" else Submission
    subs = cls.objects(case_id=case.pk, form_key=key, status__ne="draft").order_by("-submitted_at")
    return [{"date": format_date(s.submitted_at) if s.submitted_at else "", "result": result_line(s),
             "link": ("submissions.view", {"case_id": case.pk, "submission_id": s.pk})} for s in subs]


def _submitted(case, cls, stored: list | None) -> list:
    """Return the case's submitted forms of one kind, oldest first (from `stored`, every submission, when given)."""
    if stored is None:
        # Only results are shown: the answers are not read, and the rest is read as plain rows.
        return rows(cls.objects(case_id=case.pk, status__ne="draft").exclude("answers").order_by("submitted_at"))
    # As MongoDB orders them: a missing date first.
    return sorted((s for s in stored if submission_class(s.classification) is cls and s.status != "draft"),
                  key=lambda s: (s.submitted_at is not None, s.submitted_at or datetime.min))


def case_results(case, *, actor, now, stored: list | None = None) -> list[dict]:
    """Return every submitted form on the case with its version, date and results, as the API gives them.

    Confidential forms are left out for those who may not read them; showing their results is a read, so it is
    audited. `stored` is every submission of the case when the caller has already read them.
    """
    kinds = [Submission] + ([ConfidentialSubmission] if can_read_confidential(actor, case) else [])
    out = []
    for cls in kinds:
        for sub in _submitted(case, cls, stored):
            form = form_for(sub)
            computed = sub.computed or {}
            results = [{"key": r["key"], "label": r["label"], "value": computed.get(r["key"]),
                        "text": result_text(computed.get(r["key"]))} for r in form.results if r["key"] in computed]
            out.append({"id": str(sub.pk), "form": sub.form_key, "title": form.title, "version": sub.form_version,
                        "status": sub.status, "classification": sub.classification,
                        "submitted_at": sub.submitted_at.isoformat() if sub.submitted_at else None,
                        "results": results})
    shown = [r["form"] for r in out if r["classification"] == "confidential" and r["results"]]
    if shown:
        record_audit("submission.results_read", actor=actor, now=now, target_type="case", target_id=case.pk,
                     details={"forms": shown, "via": "api"})
    return sorted(out, key=lambda r: r["submitted_at"] or "")
