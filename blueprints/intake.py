"""Staff open a case themselves: choose the pathway, give the person's details, then fill in its forms."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.access import roles_required
from clock import utcnow
from errors import InvalidInput
from services.cases.intake import open_new_case, openable_pathways

bp = Blueprint("intake", __name__, url_prefix="/cases")


def _date_text(form, name: str) -> str:
    """Return a GOV.UK day/month/year input as ISO text ('' when blank; kept as typed when not a date)."""
    day, month, year = (form.get(f"{name}-{p}", "").strip() for p in ("day", "month", "year"))
    if not (day or month or year):
        return ""
    if day.isdigit() and month.isdigit() and year.isdigit():
        return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return f"{year}-{month}-{day}"


@bp.route("/new", methods=["GET", "POST"])
@roles_required("manager", "practitioner")
def open_case():
    """Choose a pathway that starts inside the service and open a case for a person on it."""
    user = current_user._get_current_object()
    pathways = openable_pathways(user)
    if request.method == "GET":
        values = {"workflow": next(iter(pathways)) if len(pathways) == 1 else ""}
        return render_template("cases/new.html", pathways=pathways, values=values, problems=[])
    values = {k: request.form.get(k, "") for k in ("workflow", "name", "address")}
    values.update({f"date_of_birth-{p}": request.form.get(f"date_of_birth-{p}", "") for p in ("day", "month", "year")})
    person = {"name": values["name"], "address": values["address"],
              "date_of_birth": _date_text(request.form, "date_of_birth")}
    try:
        case = open_new_case(workflow_key=values["workflow"], person=person, actor=user, now=utcnow())
    except InvalidInput as exc:
        return render_template("cases/new.html", pathways=pathways, values=values, problems=exc.problems), 422
    return redirect(url_for("cases.case_page", case_id=case.pk))
