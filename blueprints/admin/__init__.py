"""Administration: the form builder, the workflow viewer, users and teams, and the audit trail."""

from __future__ import annotations

from flask import render_template, request

from blueprints.access import current_actor, roles_required

# Importing the page modules attaches their routes to `bp`; they import `bp` from .base, never from here.
from blueprints.admin import (  # noqa: F401
    form_edit,
    form_fast,
    form_translations,
    forms,
    outbox,
    users,
    workflows,
)
from blueprints.admin.base import bp
from clock import utcnow
from services.audit.search import audit_facets, search_audit

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
