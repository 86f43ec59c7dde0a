"""Tell users things: in-app notifications, and email for those who chose it.

Every message comes from the case's pathway file (its `messages:`) or the general table in
templates/deadlines/messages.yaml, and names only a case reference, a
deadline or form label, dates and a link. Never a person's name, never case content, never anything from a
confidential form: email leaves the building, and in-app text shows in lists others may glance at.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml
from bson import ObjectId
from bson.errors import InvalidId
from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

import config as config_module
from clock import utcnow
from errors import NotFound
from models.case import Case
from models.notification import NOTIFICATION_KINDS, Notification
from models.user import User
from services.common.language import in_language, user_language
from services.common.lookup import one_by_id
from services.notifications.outbox import queue_email
from services.notifications.unread import change_unread, clear_unread, mend_unread, unread_query
from services.pathways.store import definition_for
from storage.uow import transactional
from workflows.declarations import MESSAGE_PLACEHOLDERS

MESSAGES_FILE = Path(__file__).resolve().parents[2] / "templates" / "deadlines" / "messages.yaml"
# The same table in another language (messages.cy.yaml...): only the messages it has; the others stay English.
TRANSLATED_FILE = "messages.{language}.yaml"
PLACEHOLDERS = MESSAGE_PLACEHOLDERS
FALLBACK = {"kind": "info", "subject": "Update on case {reference}",
            "body": "There is an update on case {reference}."}
EMAIL_FOOTER = _l("You can turn these emails off in Pathway: %(address)s")
STAFF_ROLES = ("manager", "practitioner", "partner_worker", "auditor")
# A deadline "for the practitioner" is for the one holding the case, not every practitioner in the team.
OWNER_TARGETS = {"practitioner": "allocated"}

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def messages() -> dict[str, dict]:
    """Return the message table: template key -> kind, subject, body."""
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def translated_messages(language: str) -> dict[str, dict]:
    """Return the message table's translations into a language: template key -> subject, body."""
    path = MESSAGES_FILE.with_name(TRANSLATED_FILE.format(language=language))
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if language != "en" and path.is_file() else {}


class _Blank(dict):
    def __missing__(self, key):
        return ""


def current_settings(settings: Mapping | None = None) -> Mapping:
    """Return the settings to use: given ones, the app's, or the built-in defaults (mail off)."""
    if settings is not None:
        return settings
    if has_app_context():
        return current_app.config
    return config_module.DEFAULTS


def _one_line(value: object) -> str:
    return " ".join(str(value).split())[:200]


def _pathway_messages(case: Case) -> Mapping:

    try:
        return definition_for(case).messages
    except NotFound:
        return {}


def render(template: str, case: Case, extra: Mapping | None = None, language: str = "en") -> tuple[str, str, str]:
    """Return (kind, subject, body) of a message: the pathway's own text first, else the general one.

    In a language when the pathway file (its translations) or the table's translation has it, else English.
    """
    own = _pathway_messages(case).get(template)
    entry = own or messages().get(template)
    if entry is None:
        # A workflow naming an unknown template must not stop the step it belongs to.
        log.warning("Unknown message template %r; sending the general update message", template)
        entry = FALLBACK
    if own:
        defn = definition_for(case)
        entry = {**entry, **{part: defn.text(f"/messages/{template}/{part}", language, entry[part])
                             for part in ("subject", "body")}}
    elif template in translated_messages(language):
        entry = {**entry, **translated_messages(language)[template]}
    values = _Blank(message_values(extra))
    values["reference"] = case.reference
    return entry["kind"], entry["subject"].format_map(values), entry["body"].format_map(values)


def message_values(extra: Mapping | None) -> dict:
    """Return the values a message of the table is said with, as stored to say it again in another language."""
    return {key: _one_line(value) for key, value in (extra or {}).items() if key in PLACEHOLDERS}


def case_link(case: Case, user: User) -> str:
    """Return the page a user should open for a case, or "" when there is none they may open."""
    return case_links([case], user)[case.pk]


def case_links(cases, user: User) -> dict:
    """Return case id → the page a user should open for it ("" for none), reading their partner records at once."""
    partner_side = user.has_role(*STAFF_ROLES) and not user.has_role("manager", "practitioner", "auditor")
    parents = [case.pk for case in cases if case.kind == "perpetrator"] if partner_side else []
    # A partner worker never opens the perpetrator's case; their own linked partner case instead.
    mine = {son["parent_case_id"]: son["_id"] for son in Case._get_collection().find(
        {"parent_case_id": {"$in": parents}, "kind": "partner", "allocated_to": str(user.pk)},
        {"parent_case_id": 1})} if parents else {}
    return {case.pk: _link(case, user, mine) for case in cases}


def _link(case: Case, user: User, mine: dict) -> str:
    if not user.has_role(*STAFF_ROLES):
        return f"/referrals/{case.pk}" if case.kind == "perpetrator" else ""
    if case.kind == "perpetrator" and not user.has_role("manager", "practitioner", "auditor"):
        return f"/partner/cases/{mine[case.pk]}" if case.pk in mine else ""
    if case.kind == "partner" and not user.has_role("manager") and case.allocated_to != str(user.pk):
        # Her record opens to her own worker and the managers only: before one is assigned, the team's partner
        # workers hear of it (a manager assigns it) but have no page to open.
        return ""
    return f"/partner/cases/{case.pk}" if case.kind == "partner" else f"/cases/{case.pk}"


@transactional
def notify_user(
    user: User, *, subject: str, body: str, link: str, now: datetime, kind: str = "info", email: bool = True,
    template: str = "", case_id=None, deadline_id=None, settings: Mapping | None = None, message: Mapping | None = None,
) -> Notification | None:
    """Store an in-app notification and queue its email if the user chose email; None for an inactive user."""
    if not user.active:
        return None
    kind = kind if kind in NOTIFICATION_KINDS else "info"
    note = Notification(user_id=str(user.pk), kind=kind, template=template, subject=_one_line(subject),
                        body=body, link=link, case_id=case_id, deadline_id=deadline_id, created_at=now,
                        message=dict(message or {}))
    note.save()
    change_unread(user.pk, 1)  # the header's count, in the same unit of work
    if email and user.email_reminders and user.email:
        settings = current_settings(settings)
        base = str(settings.get("BASE_URL", "")).rstrip("/")
        with in_language(user_language(user)):
            footer = str(EMAIL_FOOTER) % {"address": f"{base}/account/reminders"}
        text = f"{body}\n\n{base}{link}\n\n{footer}\n"
        # Same unit of work as the notification: if the use-case aborts, no mail is queued. `emailed` is set
        # by the deliverer once the mail has actually gone.
        queue_email(to=user.email, subject=note.subject, body=text, now=now, user_id=str(user.pk),
                    notification_id=note.pk)
    return note


def active_users(ids: Iterable[str]) -> list[User]:
    """Return the active users among these ids (unknown or malformed ids are ignored)."""
    oids = []
    for value in ids:
        try:
            oids.append(ObjectId(str(value)))
        except (InvalidId, TypeError):
            continue
    return list(User.objects(pk__in=oids, active=True)) if oids else []


def team_members(team: str, role: str) -> list[User]:
    """Return the active users of a team holding a role."""
    return list(User.objects(team=team, roles=role, active=True).order_by("name")) if team else []


def partner_workers(case: Case) -> list[User]:
    """Return the case's partner-support workers: assigned ones, else the team's partner workers."""
    if case.kind == "partner":
        assigned = [case.allocated_to]
    else:
        linked = Case.objects(parent_case_id=case.pk, kind="partner").only("allocated_to")
        assigned = [c.allocated_to for c in linked]
    # Before anyone is assigned (e.g. "contact the partner within two weeks"), the team must still hear of it.
    return active_users(assigned) or team_members(case.team, "partner_worker")


def resolve_recipients(case: Case, to: str) -> list[User]:
    """Return the users `to` means on a case: allocated, manager, referrer, partner_worker or a team role."""
    if to == "allocated":
        return active_users([case.allocated_to])
    if to == "referrer":
        # Nothing about a partner (victim) case ever goes to a referrer.
        return active_users([case.referrer_id]) if case.kind == "perpetrator" else []
    if to == "partner_worker":
        return partner_workers(case)
    return team_members(case.team, to)


def owner_users(case: Case, role: str) -> list:
    """Return the active users a deadline for `role` on this case is for."""
    target = OWNER_TARGETS.get(role, role)
    return partner_workers(case) if target == "partner_worker" else resolve_recipients(case, target)


def owners_of(case: Case, role: str) -> list[str]:
    """Return the ids of the users a deadline for `role` on this case is for."""
    return [str(u.pk) for u in owner_users(case, role)]


def notify_users(
    users: Iterable[User], *, case: Case, template: str, now: datetime, extra: Mapping | None = None,
    email: bool = True, deadline_id=None, settings: Mapping | None = None, skip: Iterable[str] = (),
) -> list[Notification]:
    """Send one message from the table about a case to each user once (minus the ids in `skip`), in their language."""
    seen = set(skip)
    sent = []
    for user in users:
        if str(user.pk) in seen:
            continue
        seen.add(str(user.pk))
        kind, subject, body = render(template, case, extra, user_language(user))
        note = notify_user(user, subject=subject, body=body, link=case_link(case, user), now=now, kind=kind,
                           email=email, template=template, case_id=case.pk, deadline_id=deadline_id,
                           settings=settings, message={"table": True, "values": message_values(extra)})
        if note is not None:
            sent.append(note)
    return sent


def notify_case(
    case: Case, *, to: str | Iterable[str], template: str, now: datetime, actor=None,
    extra: Mapping | None = None, email: bool = True, deadline_id=None, settings: Mapping | None = None,
) -> list[Notification]:
    """Tell the people `to` names on a case (allocated, manager, referrer, partner_worker or a team role).

    The actor is not told about what they did themselves.
    """
    targets = [to] if isinstance(to, str) else list(to)
    users = [user for target in targets for user in resolve_recipients(case, target)]
    return notify_users(users, case=case, template=template, now=now, extra=extra, email=email,
                        deadline_id=deadline_id, settings=settings,
                        skip=[str(actor.pk)] if actor is not None else ())


def list_notifications(user: User, *, limit: int = 100) -> list[Notification]:
    """Return a user's newest notifications."""
    return list(Notification.objects(user_id=str(user.pk)).order_by("-created_at").limit(limit))


def notifications_page(user: User, *, limit: int = 100) -> tuple[list[Notification], int]:
    """Return a user's newest notifications and how many are unread, counted again (the kept count mended)."""
    return list_notifications(user, limit=limit), mend_unread(user)


def get_notification(notification_id, user: User) -> Notification:
    """Return one of the user's notifications; anyone else's is 'not found'."""
    return one_by_id(Notification, notification_id, "There is no such notification", user_id=str(user.pk))


@transactional
def mark_read(notification: Notification, user: User, *, now: datetime | None = None) -> Notification:
    """Mark the user's own notification read (once; the first reading time is kept)."""
    if notification.user_id != str(user.pk):
        raise NotFound(_("There is no such notification"))
    now = now or utcnow()
    if Notification.objects(pk=notification.pk, read_at=None).update_one(set__read_at=now):
        change_unread(user.pk, -1)
    notification.reload()
    return notification


@transactional
def mark_all_read(user: User, *, now: datetime) -> int:
    """Mark every unread notification of the user read; return how many."""
    marked = Notification.objects(**unread_query(user.pk)).update(set__read_at=now)
    clear_unread(user.pk)  # one told meanwhile changed the count too: one of the two runs again, after the other
    return marked
