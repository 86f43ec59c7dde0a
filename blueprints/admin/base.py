"""The admin blueprint object and what its pages share; the pages import it, `blueprints.admin` assembles them."""

from __future__ import annotations

from flask import Blueprint, request

bp = Blueprint("admin", __name__, url_prefix="/admin")


def revision() -> str:
    """Return the optimistic-concurrency revision the page was rendered with."""
    return request.form.get("revision", "")
