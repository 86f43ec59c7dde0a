"""Enforce the separation of duties pathway files declare, whenever a worker is given a case."""

from __future__ import annotations

from errors import FieldProblem, InvalidInput, NotFound
from models.case import Case
from services.pathways.store import definition_for


def _rules(case: Case) -> tuple[tuple[str, str], ...]:

    try:
        return definition_for(case).separation
    except NotFound:
        return ()


def _linked(case: Case) -> list[Case]:
    found = list(Case.objects(parent_case_id=case.pk)) if case.pk else []
    if case.parent_case_id:
        parent = Case.objects(pk=case.parent_case_id).first()
        if parent is not None:
            found.append(parent)
    return found


def check_assignment(case: Case, user_id: str) -> None:
    """Refuse giving the case to someone a declared rule keeps from it, saying why (on the assignee field)."""
    user_id = str(user_id or "")
    if not user_id:
        return
    for other in _linked(case):
        # A rule binds both ends of the link, whichever of the two pathways declares it.
        for rule, reason in _rules(case) + _rules(other):
            if rule == "not_linked_case_worker" and other.allocated_to == user_id:
                raise InvalidInput(problems=[FieldProblem(
                    "assignee", f"Choose someone else: this person already works the linked case "
                                f"{other.reference or ''}. {reason}".replace("  ", " "), "Assignee")])
