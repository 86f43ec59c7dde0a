"""The written results of submitted forms (scores, outcomes) as the case pages and lists show them."""

from __future__ import annotations

from forms.expr import result_text
from models.form import ConfidentialSubmission, Submission
from scheduler.calendar import format_date


def result_line(submission) -> str:
    """Return a submission's written results on one line, like “DASH score: 15 — High risk — refer to MARAC”."""
    from services.submissions import form_for

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
