"""Lint pathway files against what this installation knows: its forms, roles and general messages."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from services.notifications.send import messages
from services.pathways.store import list_workflows
from services.submissions.definition_files import known_forms
from services.users.roles import known_roles
from workflows.definition import workflow_files
from workflows.lint import lint_paths


def known_messages() -> set[str]:
    """Return the keys of the general message table."""

    return set(messages())


def stored_pathways() -> dict[str, dict]:
    """Return the newest stored version of every pathway, by key, as file data (empty without a database)."""
    try:

        return {stored.key: dict(stored.definition) for stored in list_workflows()}
    except Exception:  # noqa: BLE001 - linting files must work without a database too
        return {}


def lint_files(directory: str | Path) -> list[str]:
    """Return one line per problem in the pathway files of a directory (nothing is stored).

    Pathways stored but not in the directory count as known, so one file can be checked and synced alone.
    """
    return lint_paths(workflow_files(directory), known_forms=known_forms(), known_roles=known_roles(),
                      known_messages=known_messages(), context=stored_pathways())


def problems_by_file(directory: str | Path) -> dict[str, list[str]]:
    """Return the lint lines of each file that has any, by file name."""
    found: dict[str, list[str]] = defaultdict(list)
    for line in lint_files(directory):
        found[line.split(": ", 1)[0]].append(line)
    return dict(found)
