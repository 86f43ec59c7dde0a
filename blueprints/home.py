"""The landing page: each role starts where its daily work is."""

from flask import Blueprint, redirect, render_template
from flask_login import current_user, login_required

from blueprints.navigation import navigation_for

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    """Send the user to their role's first page, or show their start page."""
    links = navigation_for(current_user)
    if links:
        return redirect(links[0]["href"])
    return render_template("home/index.html")
