"""Word copies of submitted forms (docxtpl), with the same access rules as the pages."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from docxtpl import DocxTemplate

from errors import NotAllowed, NotFound
from forms.summary import long_date
from models.user import User
from services.access import get_case
from services.audit import record_audit
from services.deadline_timing import local_today
from services.forms import computed_rows
from services.submission_reads import find_submission, read_submission
from services.submissions import form_for

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "documents" / "submission.docx"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _name(user_id: str) -> str:
    user = User.objects(pk=user_id).only("name").first() if user_id else None
    return user.name if user else "—"


def _sections(rows) -> list[dict]:
    """Group summary rows into titled sections, flattening repeater rows into numbered entries."""
    sections: list[dict] = []
    for row in rows:
        title = row.section or row.page
        if not sections or sections[-1]["title"] != title:
            sections.append({"title": title, "rows": []})
        if row.rows:
            for number, group in enumerate(row.rows, 1):
                text = "\n".join(f"{inner.label}: {inner.text}" for inner in group)
                sections[-1]["rows"].append({"label": f"{row.label} ({number})", "text": text})
        else:
            sections[-1]["rows"].append({"label": row.label, "text": row.text})
    return sections


def _calculated(rows: list[tuple[str, str]]) -> list[dict]:
    """Return the calculated values (scores, outcomes) as a first section, when there are any."""
    if not rows:
        return []
    return [{"title": "Worked out from the answers", "rows": [{"label": label, "text": text} for label, text in rows]}]


def render_submission_docx(submission_id, *, case_id, actor, now: datetime,
                           client_address: str = "") -> tuple[bytes, str]:
    """Return a Word document of a submitted form and its file name; confidential ones only for those allowed."""

    found = find_submission(submission_id)
    if found is None or str(found.case_id) != str(case_id):
        raise NotFound("There is no such form on this case")  # the address names the case: it must be this one

    # Through the submission service, so access checks and the confidential-read audit apply here too.
    submission = read_submission(submission_id, actor=actor, now=now, client_address=client_address)
    case = get_case(submission.case_id)
    if submission.status == "draft":
        raise NotAllowed("Only submitted forms can be downloaded")
    form = form_for(submission)
    context = {
        "title": form.title, "reference": case.reference, "version": submission.form_version,
        "status": {"submitted": "Submitted", "countersigned": "Countersigned"}.get(submission.status, ""),
        "confidential": submission.classification == "confidential",
        "sections": _calculated(computed_rows(submission.computed, form)) + _sections(form.summary(
            submission.answers or {})),
        "submitted_by": _name(submission.submitted_by),
        "submitted_on": long_date(submission.submitted_at.date()) if submission.submitted_at else "—",
        "countersigned_by": _name(submission.countersigned_by) if submission.countersigned_by else "",
        "countersigned_on": long_date(submission.countersigned_at.date()) if submission.countersigned_at else "",
        "generated_on": long_date(local_today(now)),
    }
    document = DocxTemplate(str(TEMPLATE))
    document.render(context, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    record_audit("submission.downloaded", actor=actor, now=now, target_type="submission", target_id=submission.pk,
                 client_address=client_address,
                 details={"case": str(case.pk), "form": submission.form_key, "format": "docx"})
    filename = f"{case.reference}-{submission.form_key}-v{submission.form_version}.docx"
    return buffer.getvalue(), filename

