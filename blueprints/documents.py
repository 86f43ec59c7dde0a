"""Word copies of submitted forms."""

from __future__ import annotations

import io

from flask import Blueprint, send_file

from blueprints.access import client_address, current_actor, no_store, roles_required
from clock import utcnow
from services.cases.access import CASE_ROLES
from services.submissions.documents import DOCX_TYPE, render_submission_docx

bp = Blueprint("documents", __name__)


@bp.get("/cases/<case_id>/submissions/<submission_id>.docx")
@roles_required(*CASE_ROLES)
def submission_docx(case_id, submission_id):
    """Download a submitted form as a Word document."""
    content, filename = render_submission_docx(submission_id, case_id=case_id,
                                               actor=current_actor(), now=utcnow(),
                                               client_address=client_address())
    return no_store(send_file(io.BytesIO(content), mimetype=DOCX_TYPE, as_attachment=True,
                              download_name=filename))
