"""The deadline lists people read: a case's deadlines, their own, their team's, grouped by when they fall due."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from flask_babel import gettext as _

from errors import NotAllowed, NotFound
from models.case import Case
from models.deadline import MISSED, OPEN, Deadline
from models.user import User
from scheduler.timescales import DUE_TIME, local_time
from services.cases.access import can_read_case
from services.common.language import active_language
from services.common.rows import find_rows
from services.deadlines.timing import calendar_for, deadline_basis, local_today
from services.notifications.send import case_links
from services.pathways.store import definition_version


def _sort_key(deadline: Deadline):
    return (deadline.due_at is None, deadline.due_at or datetime.max, deadline.case_reference)


def list_deadlines(*, actor, case: Case | None = None, scope: str = "mine",
                   stored: list | None = None) -> list[Deadline]:
    """Return a case's deadlines (all), the actor's open ones, or (managers) their team's open ones.

    `stored` is the case's deadlines when the caller has read them already.
    """
    if case is not None:
        if not can_read_case(actor, case):
            raise NotAllowed(_("You do not have access to this case"))
        found = shown_in_language(find_rows(Deadline, {"case_id": case.pk}) if stored is None else stored)
        return sorted(found, key=lambda d: (not d.is_active, *_sort_key(d)))
    if not actor.has_role("manager", "practitioner", "partner_worker"):
        raise NotAllowed(_("You do not have access to deadlines"))
    if scope == "team":
        if not actor.has_role("manager"):
            raise NotAllowed(_("Only team managers can see the team's deadlines"))
        return sorted(shown_in_language(Deadline.objects(team=actor.team, active=True)), key=_sort_key)
    if scope != "mine":
        raise ValueError(f"scope is 'mine' or 'team', not {scope!r}")
    uid = str(actor.pk)
    # Cases allocated after a deadline started are the holder's even before its owners are refreshed.
    held = [c.pk for c in Case.objects(allocated_to=uid, status="open").only("id")]
    query = {"active": True, "$or": [{"owner_ids": uid}, {"role": "practitioner", "case_id": {"$in": held}}]}
    return sorted(shown_in_language(Deadline.objects(__raw__=query)), key=_sort_key)


def shown_in_language(deadlines: Iterable[Deadline]) -> list[Deadline]:
    """Return the deadlines with their pathway's label in the page's language, for reading (never saved)."""
    found = list(deadlines)
    for deadline, label in zip(found, labels_in(found, active_language()), strict=True):
        deadline.label = label
    return found


def labels_in(deadlines: Iterable, language: str) -> list[str]:
    """Return each deadline's label in a language, as its own pathway version words it (documents or plain rows).

    A deadline of a pathway version no longer stored, or started with words of its own, keeps its label.
    """
    found, pathways, labels = list(deadlines), {}, []
    for deadline in found:
        get = deadline.get if isinstance(deadline, dict) else lambda name, d=deadline: getattr(d, name, None)
        if language == "en":
            labels.append(get("label") or "")
            continue
        where = (get("workflow_key"), get("workflow_version"))
        if where not in pathways:
            try:
                pathways[where] = definition_version(*where)
            except NotFound:
                pathways[where] = None
        defn = pathways[where]
        labels.append(defn.deadline_label(get("key"), get("label") or "", language) if defn else get("label") or "")
    return labels


def group_deadlines(deadlines: Iterable[Deadline], now: datetime) -> dict[str, list[Deadline]]:
    """Split active deadlines into overdue, due in the next 7 days, and later (paused or unscheduled too)."""
    groups: dict[str, list[Deadline]] = {"overdue": [], "this_week": [], "later": []}
    # A deadline falls due at the end of its (local) day, so the week runs to the end of the seventh day from today:
    # one due a week today is in it all day long, not only after the hour it happens to be looked at.
    week = local_time(local_today(now) + timedelta(days=7), DUE_TIME, calendar_for())
    for deadline in deadlines:
        overdue = deadline.status == OPEN and deadline.due_at and deadline.due_at < now
        if deadline.status == MISSED or overdue:
            groups["overdue"].append(deadline)
        elif deadline.status == OPEN and deadline.due_at and deadline.due_at <= week:
            groups["this_week"].append(deadline)
        else:
            groups["later"].append(deadline)
    return groups


def basis_in(deadline: Deadline, language: str) -> str:
    """Return why a deadline is due when it is, in a language, with its pathway's basis as translated there."""
    if language == "en":
        return deadline.basis
    rule = deadline.basis_rule
    if rule and deadline.workflow_key and deadline.workflow_version:
        try:
            defn = definition_version(deadline.workflow_key, deadline.workflow_version)
        except NotFound:
            defn = None
        # The deadlines keep the file's order, so a deadline's place among them is its place in the file's list.
        keys = list(defn.deadlines) if defn else []
        if deadline.key in keys:
            rule = defn.text(f"/deadlines/{keys.index(deadline.key)}/basis", language, rule)
    return deadline_basis(deadline, language, rule)


def deadline_page(*, actor, scope: str, now: datetime) -> dict:
    """Return the deadlines page's read model: the deadlines grouped, who each is for, and where each opens."""
    found = list_deadlines(actor=actor, scope=scope)
    cases = {c.pk: c for c in Case.objects(pk__in=list({d.case_id for d in found})).only("kind", "allocated_to")}
    owner_ids = {uid for d in found for uid in d.owner_ids}
    names = {str(u.pk): u.name for u in User.objects(pk__in=list(owner_ids)).only("name")} if owner_ids else {}
    owners = {}
    for deadline in found:
        case = cases.get(deadline.case_id)
        if case is not None and case.kind == "partner" and not case.allocated_to:
            # Her team's partner workers hear of it, but it is nobody's until a manager gives the record to one.
            owners[deadline.pk] = _("Partner-support workers, once a manager allocates the record")
        else:
            owners[deadline.pk] = ", ".join(names[uid] for uid in deadline.owner_ids if uid in names)
    # The notifications' own rule: a partner worker's deadline on his case opens her partner record, and a record
    # not yet given to her opens nothing (her team hears of it; a manager assigns it).
    by_case = case_links(cases.values(), actor)
    links = {d.pk: by_case.get(d.case_id, "") for d in found}
    return {"groups": group_deadlines(found, now), "total": len(found), "owners": owners, "links": links}
