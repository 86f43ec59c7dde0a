"""Workflow pages (read-only): the pathway files, their synced versions, a diagram and the lint result."""

from __future__ import annotations

from flask import Response, render_template, request

from blueprints.access import roles_required
from blueprints.admin.base import bp
from blueprints.language import current_language
from services.pathways.overview import describe_workflow, list_workflow_files


@bp.get("/workflows")
@roles_required("admin")
def workflows():
    """List the workflow files with their synced versions and whether `flask workflows check` passes."""
    return render_template("admin/workflows.html", rows=list_workflow_files(language=current_language()))


@bp.get("/workflows/<key>")
@roles_required("admin")
def workflow(key):
    """Show one workflow version: diagram, states with forms and deadlines, transitions with roles, lint."""
    info = describe_workflow(key, request.args.get("version", type=int), current_language())
    return render_template("admin/workflow.html", info=info)


@bp.get("/workflows/<key>/diagram.svg")
@roles_required("admin")
def workflow_diagram(key):
    """Download the diagram of one workflow version as an SVG file."""
    info = describe_workflow(key, request.args.get("version", type=int), current_language())
    filename = f"{key}-v{info['stored'].version}.svg"
    return Response(info["svg"], mimetype="image/svg+xml",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
