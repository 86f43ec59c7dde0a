"""MongoDB documents (mongoengine). Indexes are declared on each model."""

from models.audit import AuditEntry
from models.team import Team
from models.user import ROLES, User

__all__ = ["AuditEntry", "ROLES", "Team", "User"]
