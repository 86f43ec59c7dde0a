"""Which forms a case's pathway holds, and who may fill each one: the pathway file's form slots, enforced."""

from __future__ import annotations

import logging

from flask_babel import gettext as _

from errors import NotAllowed, NotFound
from services.pathways.store import definition_for
from services.users.roles import role_labels

log = logging.getLogger(__name__)


def _slots(defn, form_key: str) -> list:
    return [slot for state in defn.states.values() for slot in state.forms if slot.form == form_key]


def _tagged(defn, doc) -> bool:
    tags = set(doc.tags or [])
    return any(tags & set(state.form_tags) for state in defn.states.values())


def slot_roles(case, doc) -> tuple[str, ...] | None:
    """Return the roles that may fill the form on this case (empty: any who may change the case), or None.

    None means the form is not part of the case's pathway at all: a form of another pathway never starts here.
    Partner records hold every confidential form, as their pages offer.
    """

    try:
        defn = definition_for(case)
    except NotFound:
        # Only bare cases built by the form engine's own tests lack a stored pathway; every real case has one.
        log.warning("Case %s has no stored pathway: its form slots cannot be checked", case.pk)
        return ()
    slots = _slots(defn, doc.key)
    if slots:
        if any(not slot.roles for slot in slots):
            return ()
        return tuple(dict.fromkeys(role for slot in slots for role in slot.roles))
    if _tagged(defn, doc) or (case.kind == "partner" and doc.classification == "confidential"):
        return ()
    return None


def require_slot(case, actor, doc) -> None:
    """Refuse a form that is not part of the case's pathway, or that the pathway gives to other roles."""
    roles = slot_roles(case, doc)
    if roles is None:
        raise NotAllowed(_("The form ‘%(title)s’ is not part of this case’s pathway", title=doc.title))
    if roles and not actor.has_role(*roles):
        who = " or ".join(role_labels("en").get(role, role).lower() for role in roles)  # an English sentence
        raise NotAllowed(_("The form ‘%(title)s’ is completed by a %(who)s", title=doc.title, who=who))
