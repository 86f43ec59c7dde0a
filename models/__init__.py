"""MongoDB documents (mongoengine). Indexes are declared on each model."""

from models.audit import AuditEntry
from models.deadline import Deadline
from models.notification import Notification
from models.team import Team
from models.user import ROLES, User

__all__ = ["AuditEntry", "Deadline", "Notification", "ROLES", "Team", "User"]
