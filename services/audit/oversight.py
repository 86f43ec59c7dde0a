"""Oversight of victim information: who has seen a record, alerts on unusual reads, break-the-glass access."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from clock import utcnow
from errors import FieldProblem, InvalidInput, NotAllowed, NotFound
from forms.catalogue import N_
from models.audit import AuditEntry
from models.break_glass import BreakGlass
from models.case import Case
from models.team import Team
from models.user import User
from services.audit.trail import record_audit, record_read, seal_inbox
from services.common.language import active_language, in_language, user_language
from services.notifications.send import notify_user
from services.notifications.text import message_for
from services.pathways.store import definition_for
from services.users.roles import role_labels

GLASS_HOURS = 1
READ_ACTIONS = ("case.read", "confidential.read", "confidential.refused", "submission.downloaded", "break_glass")
ALERT_EVERY = timedelta(hours=1)


def glass_active(actor, case: Case, now: datetime | None = None) -> bool:
    """Tell whether the actor holds an unexpired break-the-glass grant for the case."""
    if actor is None or not getattr(actor, "pk", None) or case.pk is None:
        return False
    now = now or utcnow()
    return BreakGlass.objects(case_id=case.pk, user_id=str(actor.pk), expires_at__gt=now).count() > 0


def may_break_glass(actor, case: Case) -> bool:
    """Tell whether the actor may open this restricted case by stating a reason (another team's manager, auditor)."""
    if case.status == "draft":
        return False
    return actor.has_role("auditor") or (actor.has_role("manager") and actor.team != case.team)


def break_glass(case: Case, *, actor, reason: str, now: datetime, client_address: str = "") -> BreakGlass:
    """Open a restricted case for an hour against a stated reason; audited; the owning team's managers are told."""
    if not may_break_glass(actor, case):
        raise NotFound(_("There is no such case"))
    reason = (reason or "").strip()
    if len(reason) < 20:
        raise InvalidInput(problems=[FieldProblem("reason", _("Say why you need to open this record (20 characters "
                                                              "or more): it is recorded and the team is told"),
                                                  _("Reason"))])
    if len(reason) > 2000:
        raise InvalidInput(problems=[FieldProblem("reason", _("The reason must be 2,000 characters or fewer"),
                                                  _("Reason"))])
    grant = BreakGlass(case_id=case.pk, user_id=str(actor.pk), reason=reason, granted_at=now,
                       expires_at=now + timedelta(hours=GLASS_HOURS)).save()
    record_audit("break_glass", actor=actor, now=now, target_type="case", target_id=case.pk,
                 client_address=client_address, details={"reason": reason, "until": grant.expires_at.isoformat()})
    _tell_managers(case, actor, now=now, reason=reason)
    return grant


def usual_worker(actor, case: Case) -> bool:
    """Tell whether the actor is one of the record's usual workers (allocated worker, the team's managers)."""
    return case.allocated_to == str(actor.pk) or (actor.has_role("manager") and actor.team == case.team)


def note_read(case: Case, *, actor, now: datetime) -> None:
    """Tell the owning team's managers when someone outside the record's usual workers reads victim information."""
    if usual_worker(actor, case):
        return
    recent = AuditEntry.objects(action="oversight.alerted", actor_id=str(actor.pk), target_id=str(case.pk),
                                at__gte=now - ALERT_EVERY).count()
    if recent:
        return  # one alert an hour per reader and record is enough to act on
    record_audit("oversight.alerted", actor=actor, now=now, target_type="case", target_id=case.pk)
    _tell_managers(case, actor, now=now)


def _tell_managers(case: Case, actor, *, now: datetime, reason: str = "") -> None:
    """Tell the team's managers, each in their language, who read the record: by breaking the glass (reason) or not."""
    for manager in User.objects(team=case.team, roles="manager", active=True, pk__ne=actor.pk):
        with in_language(user_language(manager)):
            who = {"name": actor.name, "roles": ", ".join(actor.role_labels), "team": actor.team or _("no team"),
                   "reference": case.reference or _("a record"), "reason": reason}
        body = (N_("%(name)s (%(roles)s, %(team)s) opened it with break-the-glass access. Their reason: %(reason)s")
                if reason else
                N_("%(name)s (%(roles)s, %(team)s) read victim information on it and is not one of its usual workers"))
        said = message_for(manager, N_("%(reference)s: read by someone outside its usual workers"), body, **who)
        notify_user(manager, **said, link=f"/cases/{case.pk}/seen", now=now, kind="risk", email=True,
                    template="oversight", case_id=case.pk)


def who_has_seen(case: Case, *, actor, limit: int = 500) -> list[dict]:
    """Return every read of the case and its records from the audit trail, newest first (its managers, auditors)."""
    if not ((actor.has_role("manager") and actor.team == case.team) or actor.has_role("auditor")):
        raise NotAllowed(_("Only the team's managers and auditors can see who has read this record"))
    case_id = str(case.pk)
    seal_inbox()  # the newest reads may still wait in the inbox
    entries = AuditEntry.objects(__raw__={"action": {"$in": list(READ_ACTIONS)}, "$or": [
        {"target_type": "case", "target_id": case_id}, {"details.case": case_id}]}).order_by("-at").limit(limit)
    names = {str(u.pk): u for u in User.objects(pk__in=list({e.actor_id for e in entries if e.actor_id}))}
    labels, defn, language = role_labels(), definition_for(case), active_language()  # in the reader's language

    def form_name(key: str) -> str:
        return defn.text(f"/form_labels/{key}", language, defn.form_labels.get(key) or "") or key.replace("_", " ")

    teams = {t.key: t.name for t in Team.objects(key__in=list({u.team for u in names.values() if u.team}))}
    rows = []
    for entry in entries:
        user = names.get(entry.actor_id)
        rows.append({"at": entry.at, "who": user.name if user else entry.actor_email or _("Unknown"),
                     "roles": ", ".join(labels.get(r, r) for r in user.roles) if user else "",
                     "team": teams.get(user.team, user.team) if user else "",
                     "what": _what(entry, form_name), "usual": bool(user and usual_worker(user, case)),
                     "reason": (entry.details or {}).get("reason", "") if entry.action == "break_glass" else ""})
    return rows


# The pages a read is recorded from (their endpoint names, or the names the services give), in words.
PAGES_READ = {"cases.case_page": _l("its overview"), "cases.history": _l("its history"),
              "cases.sessions": _l("its sessions"), "cases.record_session": _l("the session form"),
              "cases.action": _l("an action's page"), "manager.referral": _l("the referral"),
              "api case": _l("through the API"), "partner details": _l("the partner’s details"),
              "contact log": _l("the contact log")}


def _page(details: dict) -> str:
    return page_read(details.get("what") or "")


def page_read(what: str) -> str:
    """Return the page a read was recorded from, in words (the reader's language)."""
    return str(PAGES_READ.get(what, _l("another of its pages")))


def _what(entry: AuditEntry, form_name) -> str:
    details = {**(entry.details or {})}
    if details.get("form"):
        details["form"] = form_name(details["form"])
    if entry.action == "break_glass":
        return _("Opened with break-the-glass access")
    if entry.action == "confidential.refused":
        return (_("Tried to open %(form)s (refused)", form=details["form"]) if details.get("form")
                else _("Tried to open a confidential record (refused)"))
    if entry.action == "submission.downloaded":
        return _("Downloaded %(form)s", form=details["form"]) if details.get("form") else _("Downloaded a form")
    if entry.target_type == "submission":
        return (_("Read the confidential record %(form)s", form=details["form"]) if details.get("form")
                else _("Read the confidential record"))
    # `what` is the page that was read (an endpoint name), said in words.
    if entry.action == "case.read":
        return _("Opened the case (%(what)s)", what=_page(details)) if details.get("what") else _("Opened the case")
    if entry.action == "confidential.read":
        return (_("Read the partner record (%(what)s)", what=_page(details)) if details.get("what")
                else _("Read the partner record"))
    return entry.action + (f" ({_page(details)})" if details.get("what") else "")


def record_confidential_read(case, *, actor, now: datetime, what: str, client_address: str = "",
                             details: dict | None = None) -> AuditEntry:
    """Audit one read of a partner record or other victim information on a case; unusual readers raise an alert."""
    note_read(case, actor=actor, now=now)
    return record_audit("confidential.read", actor=actor, now=now, target_type="case", target_id=case.pk,
                        client_address=client_address, details={"what": what, **(details or {})})


def record_case_read(case, *, actor, now: datetime, what: str, client_address: str = "") -> None:
    """Audit one read of a case, as every page and the API read one (before it is shown).

    A partner record is victim information: its read is chained at once and unusual readers raise an alert
    (`record_confidential_read`). Any other case's read is one durable insert into the audit inbox (`record_read`),
    sealed into the chain within seconds: reads far outnumber every other entry and must not queue on the head.
    """
    if case.kind == "partner":
        record_confidential_read(case, actor=actor, now=now, what=what, client_address=client_address)
    else:
        record_read("case.read", actor=actor, now=now, target_type="case", target_id=case.pk,
                    client_address=client_address, details={"what": what})
