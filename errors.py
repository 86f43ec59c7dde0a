"""Domain errors shared by the engines, the services and the web layer.

Pure on purpose: `forms/` and `workflows/` raise these without importing Flask. The web layer maps each class to
one HTTP status in a single error handler (see `blueprints/errors.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one field, in words a user understands."""

    field: str
    message: str
    label: str = ""


class PathwayError(Exception):
    """Base class of every error a user may be shown."""

    status = 400
    title = "There is a problem"

    def __init__(self, message: str = "", *, problems: list[FieldProblem] | None = None):
        super().__init__(message or self.title)
        self.message = message or self.title
        self.problems = list(problems or [])


class InvalidInput(PathwayError):
    """Input that fails validation; `problems` name each field."""

    status = 422
    title = "Check the answers"


class DefinitionError(PathwayError):
    """A form or workflow definition that breaks its meta-schema or refers to unknown things."""

    status = 422
    title = "The definition is not valid"


class NotAllowed(PathwayError):
    """The actor may not do this (wrong role, not their case, guard not met)."""

    status = 403
    title = "You cannot do this"


class NotFound(PathwayError):
    """The thing does not exist, or the actor may not know that it exists."""

    status = 404
    title = "Page not found"


class Conflict(PathwayError):
    """Someone else changed the thing first (optimistic concurrency, a transition already fired)."""

    status = 409
    title = "This was changed by someone else"

    def __init__(self, message: str = "", *, problems=None, current=None):
        super().__init__(message, problems=problems)
        # What is stored now, so the user can compare it with what they tried to save.
        self.current = current


class StepNotOpen(Conflict):
    """A step of the case's pathway that is not open now: the case moved on, or closed, since the page was opened."""

    title = "This action cannot be taken now"

    def __init__(self, message: str = "", *, case_id=None):
        super().__init__(message)
        self.case_id = case_id  # where to look instead


class DatabaseUnavailable(PathwayError):
    """The database cannot be reached or did not answer in time; nothing was saved."""

    status = 503
    title = "Pathway can't reach its database"


class ConfigurationError(PathwayError):
    """Settings that make start-up impossible; the message says what to do."""

    status = 500
    title = "Pathway is not configured correctly"


@dataclass
class Problems:
    """Collect field problems, then raise them all at once."""

    items: list[FieldProblem] = field(default_factory=list)

    def add(self, field_name: str, message: str, label: str = "") -> None:
        """Record one problem."""
        self.items.append(FieldProblem(field_name, message, label))

    def raise_if_any(self, cls: type[PathwayError] = InvalidInput, message: str = "") -> None:
        """Raise `cls` carrying every problem recorded, if there are any."""
        if self.items:
            raise cls(message, problems=self.items)


class AlreadyDone(PathwayError):
    """The same request (a double click, a repeated API call) was already carried out; it is not done twice."""

    status = 409
    title = "This was already done"

    def __init__(self, message: str = "", *, location: str = ""):
        super().__init__(message or "This was already done, so it was not done a second time.")
        # Where the first request sent the user, so a repeat can go to the same place.
        self.location = location
