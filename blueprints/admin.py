"""Administration: the form builder, the workflow viewer, users and teams, and the audit trail."""

from __future__ import annotations

from flask import render_template, request

# Importing the page modules attaches their routes to `bp`; they import `bp` from admin_base, never from here.
from blueprints import (  # noqa: F401
    admin_form_edit,
    admin_form_fast,
    admin_forms,
    admin_outbox,
    admin_users,
    admin_workflows,
)
from blueprints.access import current_actor, roles_required
from blueprints.admin_base import bp
from clock import utcnow
from services.audit_search import audit_facets, search_audit

__all__ = ["bp"]


@bp.get("/audit")
@roles_required("admin", "auditor")
def audit():
    """Show the audit trail as a filterable table."""
    filters = {key: request.args.get(key, "") for key in ("action", "who", "target_type", "target", "from", "to",
                                                          "page")}
    result = search_audit(filters, actor=current_actor(), now=utcnow())
    status = 422 if result["problems"] else 200
    return render_template("admin/audit.html", filters=filters, result=result, facets=audit_facets(),
                           problems=result["problems"], error_count=len(result["problems"])), status
