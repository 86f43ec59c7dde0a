"""Word copies of submitted forms."""

from __future__ import annotations

import io
from datetime import datetime

from flask import Blueprint, send_file
from flask_login import current_user

from blueprints.access import client_address, no_store, roles_required
from services.access import CASE_ROLES
from services.documents import DOCX_TYPE, render_submission_docx

bp = Blueprint("documents", __name__)


@bp.get("/cases/<case_id>/submissions/<submission_id>.docx")
@roles_required(*CASE_ROLES)
def submission_docx(case_id, submission_id):
    """Download a submitted form as a Word document."""
    content, filename = render_submission_docx(submission_id, case_id=case_id,
                                               actor=current_user._get_current_object(), now=datetime.utcnow(),
                                               client_address=client_address())
    return no_store(send_file(io.BytesIO(content), mimetype=DOCX_TYPE, as_attachment=True,
                              download_name=filename))
