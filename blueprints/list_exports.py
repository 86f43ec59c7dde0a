"""Downloads of case lists as CSV or XLSX, with the filters of the page they are offered on."""

from __future__ import annotations

from flask import Blueprint, Response, request, stream_with_context
from werkzeug.wsgi import wrap_file

from blueprints.access import current_actor, roles_required
from clock import utcnow
from services.reports import list_exports

bp = Blueprint("list_exports", __name__)


def _download(found: list_exports.ListFile) -> Response:
    """Stream the file: CSV piece by piece, XLSX from its temporary file (closed, so removed, when sent)."""
    file = hasattr(found.body, "read")
    body = wrap_file(request.environ, found.body) if file else stream_with_context(found.body)
    response = Response(body, content_type=found.mimetype, direct_passthrough=True)  # it names its charset
    response.headers["Content-Disposition"] = f'attachment; filename="{found.filename}"'
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept by a browser or a proxy
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/cases/export.<any(csv, xlsx):fmt>")
@roles_required("manager", "practitioner", "auditor")
def cases(fmt):
    """Download the case list (or a search) with the page's filters and order."""
    args = {k: request.args.get(k, "") for k in ("scope", "status", "state", "risk", "sort", "dir", "q")}
    return _download(list_exports.export_case_list(
        actor=current_actor(), now=utcnow(), fmt=fmt, scope=args["scope"], status=args["status"] or "open",
        state=args["state"], risk=args["risk"], sort=args["sort"] or "deadline", direction=args["dir"] or "asc",
        query=args["q"]))


@bp.get("/manager/referrals/export.<any(csv, xlsx):fmt>")
@roles_required("manager")
def inbox(fmt):
    """Download the team's new referrals, at the stage chosen on the page."""
    return _download(list_exports.export_inbox(actor=current_actor(), now=utcnow(), fmt=fmt,
                                               state=request.args.get("stage", "")))


@bp.get("/manager/waiting-list/export.<any(csv, xlsx):fmt>")
@roles_required("manager")
def waiting_list(fmt):
    """Download the team's waiting list, with the priority chosen on the page."""
    return _download(list_exports.export_waiting_list(actor=current_actor(), now=utcnow(), fmt=fmt,
                                                      priority=request.args.get("priority", "")))


@bp.get("/manager/team/overdue/export.<any(csv, xlsx):fmt>")
@roles_required("manager")
def overdue(fmt):
    """Download the team's overdue deadlines."""
    return _download(list_exports.export_overdue(actor=current_actor(), now=utcnow(), fmt=fmt))
