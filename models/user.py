"""People who sign in, and their roles."""

from __future__ import annotations

import mongoengine as me

from clock import utcnow
from models.base import Document
from wording import N_

ROLES = ("admin", "manager", "practitioner", "partner_worker", "referrer", "auditor")

# Optional; programmes co-facilitated by a man and a woman where possible read it to pair facilitators.
SEXES = ("", "female", "male")

# The interface's languages (ISO 639-1): English is the source, Welsh is a complete translation.
LANGUAGES = ("en", "cy")
LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}  # each in its own language, as a switch shows them

ROLE_LABELS = {  # in English; services.users.roles.role_labels says them in the reader's language
    "admin": N_("Administrator"),
    "manager": N_("Team manager"),
    "practitioner": N_("Practitioner"),
    "partner_worker": N_("Partner-support worker"),
    "referrer": N_("Referrer"),
    "auditor": N_("Auditor"),
}


class User(Document):
    """A person with a sign-in, one team and one or more roles."""

    email = me.EmailField(required=True, unique=True)
    name = me.StringField(required=True, max_length=200)
    team = me.StringField(default="", max_length=100)
    organisation = me.StringField(default="", max_length=200)  # referrers: their agency
    # Checked by the services against Pathway's roles and those the pathway files add (services/users/roles.py).
    roles = me.ListField(me.StringField(max_length=60), default=list)
    # Base roles held only because a custom role works as them: taking that role away takes these too.
    implied_roles = me.ListField(me.StringField(max_length=60), default=list)
    active = me.BooleanField(default=True)
    password_hash = me.StringField(default="")
    must_change_password = me.BooleanField(default=False)
    failed_sign_ins = me.IntField(default=0)
    locked_until = me.DateTimeField()
    password_change_failures = me.IntField(default=0)  # wrong current passwords on the change page
    # Multi-factor sign-in: a TOTP secret, the last time step used (no replay) and hashed one-use recovery codes.
    mfa_secret = me.StringField(default="")
    mfa_enabled_at = me.DateTimeField()
    mfa_last_step = me.IntField(default=0)
    mfa_recovery_hashes = me.ListField(me.StringField(), default=list)
    mfa_failures = me.IntField(default=0)
    # Bumped to sign a user out everywhere (deactivation, password change, forced reset).
    session_version = me.IntField(default=1)
    capacity = me.IntField(default=15, min_value=0)
    sex = me.StringField(choices=SEXES, default="")
    email_reminders = me.BooleanField(default=True)
    language = me.StringField(choices=("",) + LANGUAGES, default="")  # "" = none chosen yet: the browser's
    created_at = me.DateTimeField(default=utcnow)
    last_sign_in_at = me.DateTimeField()
    # The header's count, changed with the notifications themselves (services/notifications/unread.py).
    unread_notifications = me.IntField(default=0, min_value=0)

    meta = {
        "collection": "users",
        "indexes": ["team", "roles", ("team", "roles")],
    }

    # Flask-Login protocol, kept here so the model needs no Flask import.
    @property
    def is_authenticated(self) -> bool:
        """Tell Flask-Login this is a real user."""
        return True

    @property
    def is_active(self) -> bool:
        """Tell Flask-Login whether the account may be used."""
        return bool(self.active)

    @property
    def is_anonymous(self) -> bool:
        """Tell Flask-Login this is not the anonymous user."""
        return False

    def get_id(self) -> str:
        """Return the session identity; the version part lets a server-side change end old sessions."""
        return f"{self.pk}:{self.session_version}"

    @property
    def mfa_enabled(self) -> bool:
        """Tell whether the user signs in with a second factor."""
        return bool(self.mfa_secret and self.mfa_enabled_at)

    def has_role(self, *roles: str) -> bool:
        """Tell whether the user holds any of the roles."""
        # The stored list itself: a list field's descriptor looks for references to fetch on every read, and a
        # page checks roles a few dozen times.
        held = self._data.get("roles") or ()
        return any(role in held for role in roles)

    @property
    def role_labels(self) -> list[str]:
        """Return the roles in words."""
        return [ROLE_LABELS.get(role, role) for role in self.roles]

    def as_actor(self) -> dict:
        """Return the plain actor dict the pure engines take."""
        return {"id": str(self.pk), "roles": list(self.roles), "team": self.team, "name": self.name}
