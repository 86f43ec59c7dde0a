"""Sync the pathway files into the database: each lint-clean file whose content is new becomes the next version."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from services.pathways.lint import problems_by_file
from services.pathways.store import WORKFLOW_DIR, store_definition
from storage.uow import transactional
from workflows.definition import load_file, workflow_files


@transactional
def sync_workflows(directory: str | Path = WORKFLOW_DIR, *, now: datetime) -> list[tuple[str, int, str]]:
    """Store every lint-clean workflow file whose content is new as the next version; return (key, version, action).

    A file with lint problems is not stored (its cases keep the version they have) and is reported as
    (file name, 0, "not synced: ..."); the other files still sync.
    """
    broken = problems_by_file(directory)
    report = []
    for path in workflow_files(directory):
        if path.name in broken:
            lines = broken[path.name]
            report.append((path.name, 0, f"not synced: {len(lines)} problem(s); first: {lines[0]}"))
            continue
        report.append(store_definition(load_file(path), now=now))
    return sorted(report)
