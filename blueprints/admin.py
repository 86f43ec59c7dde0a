"""Administration: the form builder, the workflow viewer, users and teams, and the audit trail."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, render_template, request
from flask_login import current_user

from blueprints.access import roles_required
from services.audit_search import audit_facets, search_audit

bp = Blueprint("admin", __name__, url_prefix="/admin")


def actor():
    """Return the signed-in user as the actor services take."""
    return current_user._get_current_object()


def now() -> datetime:
    """Return the time of this request for services."""
    return datetime.utcnow()


def revision() -> str:
    """Return the optimistic-concurrency revision the page was rendered with."""
    return request.form.get("revision", "")


@bp.get("/audit")
@roles_required("admin", "auditor")
def audit():
    """Show the audit trail as a filterable table."""
    filters = {key: request.args.get(key, "") for key in ("action", "who", "target_type", "target", "from", "to",
                                                          "page")}
    result = search_audit(filters, actor=actor(), now=now())
    status = 422 if result["problems"] else 200
    return render_template("admin/audit.html", filters=filters, result=result, facets=audit_facets(),
                           problems=result["problems"], error_count=len(result["problems"])), status


# The other admin pages attach their routes to `bp`; imported last because they import `bp` from here.
from blueprints import admin_forms, admin_form_edit, admin_form_fast, admin_outbox, admin_users  # noqa: E402, F401, I001
from blueprints import admin_workflows  # noqa: E402, F401
