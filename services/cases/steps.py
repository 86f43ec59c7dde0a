"""Take a step on a case: the one way the case pages, the manager's pages, the partner record and the API do it."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import ngettext

from errors import FieldProblem, InvalidInput, NotAllowed, NotFound, StepNotOpen
from models.case import Case
from models.user import User
from services.cases.engine_view import available_practitioners
from services.cases.pages import RISK_TAGS
from services.cases.transitions import fire_transition, transition_options
from services.common.language import active_language
from services.deadlines.timing import local_today
from services.partner import linked as partner_linked
from services.pathways.store import definition_for
from storage.uow import transactional
from workflows.inputs import clean_inputs


def user_choices(case: Case, spec) -> list[dict]:
    """Return the people a `user` input may name: the team's members holding the input's role, with workload."""
    role = spec.role or ("partner_worker" if case.kind == "partner" else "practitioner")
    if role == "practitioner":
        rows = available_practitioners(case.team)
        return [{"id": str(r["user"].pk), "name": r["user"].name, "available": r["available"],
                 "hint": _workload(r)} for r in rows]
    users = User.objects(team=case.team, roles=role, active=True).order_by("name")
    return [{"id": str(u.pk), "name": u.name, "available": True, "hint": ""} for u in users]


def _workload(row: dict) -> str:
    """Return a practitioner's workload as the choice's hint: open cases of capacity, and their risks."""
    load = (ngettext("%(num)s open case of %(capacity)s", "%(num)s open cases of %(capacity)s", row["open"],
                     capacity=row["capacity"]) if row["available"] else
            ngettext("%(num)s open case of %(capacity)s – at capacity",
                     "%(num)s open cases of %(capacity)s – at capacity", row["open"], capacity=row["capacity"]))
    if not row["risks"]:
        return load
    # Highest risk first; a case with no risk level yet is "not assessed" (engine_view.available_practitioners).
    order = [*reversed(RISK_TAGS), "not assessed"]

    def level(key: str) -> str:
        if key in RISK_TAGS:
            return str(RISK_TAGS[key][0]).lower()
        return _("not assessed") if key == "not assessed" else key.replace("_", " ")

    risks = ", ".join(_("%(count)s %(level)s", count=row["risks"][k], level=level(k)) for k in sorted(
        row["risks"], key=lambda k: order.index(k) if k in order else len(order)))
    return _("%(workload)s; risk: %(risks)s", workload=load, risks=risks)


def choices_for(case: Case, option) -> dict[str, list[dict]]:
    """Return, for each `user` input of the step, the people it may name."""
    return {s.name: user_choices(case, s) for s in option.inputs if s.kind == "user"}


def find_step(case: Case, name: str, *, event: bool, actor, linked: bool = False):
    """Return the actor's option for a step of the case (or, `linked`, of its partner record's linked case)."""
    if linked:
        options = partner_linked.parent_events(case, actor=actor)
    else:
        transitions, events = transition_options(case, actor, language=active_language())
        options = events if event else transitions
    option = next((o for o in options if o.name == name), None)
    if option is None:
        defn = None if linked else definition_for(case)
        # A step of this pathway, not open now: most often the case moved on after the page was opened.
        if defn is not None and name in (defn.events if event else defn.transitions):
            raise StepNotOpen(_("This action cannot be taken on the case as it is now: it may have moved on or "
                                "been closed since you opened the page. Check the case, then try again."),
                              case_id=case.pk)
        raise NotFound(_("This action is not available on this case"))
    return option


def check_inputs(case: Case, option, raw: dict, *, now: datetime, choices: dict | None = None) -> None:
    """Raise InvalidInput naming every input that is missing, wrong, or names someone who cannot be chosen."""
    problems = []
    try:
        # Every rule the engine will apply, the referral day's too: one round of errors, not two.
        referred = {"referral": local_today(case.referred_at)} if case.referred_at else None
        clean_inputs(option.inputs, raw, now=now, language=active_language(), today=local_today(now),
                     earliest=referred)
    except InvalidInput as exc:
        problems = list(exc.problems)
    named = {p.field for p in problems}
    choices = choices_for(case, option) if choices is None else choices
    for spec in option.inputs:
        value = raw.get(spec.name)
        allowed = {c["id"] for c in choices.get(spec.name, [])}
        if spec.kind == "user" and spec.name not in named and value and str(value) not in allowed:
            problems.append(FieldProblem(spec.name, _("Choose one of the people listed"), spec.label))
    if problems:
        raise InvalidInput(_("Check the answers"), problems=problems)


@transactional  # the request's key is claimed first: a repeated step says "already done", not "not available"
def take_step(case: Case, name: str, raw: dict, *, event: bool = False, linked: bool = False, actor,
              now: datetime, option=None, choices: dict | None = None) -> Case:
    """Check the step is the actor's to take now and its inputs are right, then take it in one unit of work."""
    option = option or find_step(case, name, event=event, actor=actor, linked=linked)
    if not option.allowed:
        raise NotAllowed(" ".join(option.reasons) or _("This step cannot be taken now"))
    check_inputs(case, option, raw, now=now, choices=choices)  # the page's own choices, not worked out again
    if linked:
        return partner_linked.fire_parent_event(case, name, raw, actor=actor, now=now)
    if case.kind == "partner":
        return partner_linked.take_partner_action(case, name, raw, event=event, actor=actor, now=now)
    return fire_transition(case, name, raw, actor=actor, now=now, event=event)
