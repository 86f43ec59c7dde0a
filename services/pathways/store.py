"""Workflow files synced into MongoDB as numbered versions; each case keeps the version it started with."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path

from flask_babel import gettext as _
from mongoengine.errors import NotUniqueError

from errors import NotFound
from models.case import WorkflowVersion
from services.common.language import active_language
from workflows.definition import WorkflowDefinition, load_definition

WORKFLOW_DIR = Path(__file__).resolve().parents[2] / "workflows"


def store_definition(defn: WorkflowDefinition, *, now: datetime) -> tuple[str, int, str]:
    """Store a checked definition as the next version unless that content is stored; return (key, version, action)."""
    key = defn.key
    existing = WorkflowVersion.objects(key=key, content_hash=defn.content_hash).first()
    if existing:
        return key, existing.version, "unchanged"
    latest = WorkflowVersion.objects(key=key).order_by("-version").first()
    version = (latest.version if latest else 0) + 1
    try:
        WorkflowVersion(key=key, version=version, content_hash=defn.content_hash, title=defn.title,
                        definition=defn.to_dict(), source=defn.source, synced_at=now).save()
    except NotUniqueError:
        # Another process synced the same file at the same moment: theirs stands.
        existing = WorkflowVersion.objects(key=key, content_hash=defn.content_hash).first()
        return key, existing.version if existing else version, "unchanged"
    return key, version, "created" if version == 1 else "new version"


@lru_cache(maxsize=64)
def _definition(key: str, version: int) -> WorkflowDefinition:
    # Which content a version holds is a small read; the stored definition is read (and hashed, and looked up among
    # the loaded ones) once per content. Versions are never rewritten, so both are kept for the process; only a test
    # that reuses a database name with other versions in it forgets the first (clear_cache).
    stored = WorkflowVersion._get_collection().find_one({"key": key, "version": int(version)}, {"content_hash": 1})
    if stored is None:
        raise NotFound(_("Pathway %(key)s version %(version)s is not stored", key=key, version=version))
    return _parsed(key, int(version), stored["content_hash"])


@lru_cache(maxsize=64)
def _parsed(key: str, version: int, content_hash: str) -> WorkflowDefinition:
    # Read as plain data: a definition is large, and a document would convert (and walk for references) every
    # nested value of it, several times the cost of checking and building the definition itself.
    stored = WorkflowVersion._get_collection().find_one({"key": key, "version": version}, {"definition": 1})
    if stored is None:
        raise NotFound(_("Pathway %(key)s version %(version)s is not stored", key=key, version=version))
    return load_definition(stored["definition"], source=f"{key} v{version}")


def definition_for(case) -> WorkflowDefinition:
    """Return the workflow definition (version) the case is pinned to."""
    return _definition(case.workflow_key, case.workflow_version)


def shown_definition(case, language: str | None = None) -> WorkflowDefinition:
    """Return the case's pathway with its texts in a language, by default the page's: for showing, never deciding."""
    return definition_for(case).in_language(language or active_language())


def definition_version(key: str, version: int) -> WorkflowDefinition:
    """Return one stored version of a workflow."""
    return _definition(key, version)


def latest_version(key: str) -> WorkflowVersion:
    """Return the newest stored version of a workflow, or raise NotFound."""
    latest = WorkflowVersion.objects(key=key).order_by("-version").first()
    if latest is None:
        raise NotFound(_("There is no pathway called %(key)s", key=key))
    return latest


def latest_version_number(key: str) -> int:
    """Return the number of the newest stored version of a workflow, or raise NotFound."""
    latest = WorkflowVersion._get_collection().find_one({"key": key}, {"version": 1}, sort=[("version", -1)])
    if latest is None:
        raise NotFound(_("There is no pathway called %(key)s", key=key))
    return latest["version"]


def latest_definition(key: str) -> WorkflowDefinition:
    """Return the newest stored version of a workflow as a definition, or raise NotFound."""
    return _definition(key, latest_version_number(key))


def latest_definitions() -> dict[str, WorkflowDefinition]:
    """Return the newest stored version of every workflow, by key."""
    newest: dict[str, dict] = {}
    # Keys, versions and content hashes only: the parsed definitions are cached per content, the stored ones large.
    for stored in WorkflowVersion._get_collection().find({}, {"key": 1, "version": 1, "content_hash": 1}).sort(
            [("key", 1), ("version", -1)]):
        newest.setdefault(stored["key"], stored)
    return {key: _parsed(key, stored["version"], stored["content_hash"]) for key, stored in newest.items()}


def list_workflows() -> list[WorkflowVersion]:
    """Return the newest version of every stored workflow."""
    newest: dict[str, WorkflowVersion] = {}
    for stored in WorkflowVersion.objects.order_by("key", "-version"):
        newest.setdefault(stored.key, stored)
    return list(newest.values())


def clear_cache() -> None:
    """Forget which content each version holds (tests reuse a database name); parsed contents stay valid."""
    _definition.cache_clear()
