"""Form definitions shipped as files: read, checked, and published by a sync when their content is new."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from mongoengine.errors import NotUniqueError

from errors import Conflict, DefinitionError, FieldProblem
from forms import content_hash
from models.form import FormDefinition
from services.submissions.definitions import forget_published
from services.submissions.form_versions import definition_problems, new_version, next_version
from storage.uow import transactional

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms" / "definitions"


def read_definition_file(path: str | Path) -> dict:
    """Return the definition stored in a JSON file, or raise DefinitionError saying why it cannot be read."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DefinitionError(f"{path}: there is no such file") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DefinitionError(f"{path.name}: not valid JSON", problems=[
            FieldProblem(path.name, f"is not valid JSON ({exc})")]) from None
    return data


def known_forms(forms_dir: str | Path = FORMS_DIR) -> dict[str, set[str]]:
    """Return each known form key with its top-level field names: shipped files plus forms stored in MongoDB."""
    known: dict[str, set[str]] = {}
    for path in sorted(Path(forms_dir).glob("*.json")):
        try:
            data = json.loads(path.read_text())
        except ValueError:
            continue
        known[data.get("key", path.stem)] = set((data.get("schema") or {}).get("properties") or {})
    try:
        for stored in FormDefinition.objects(status__in=["published", "draft"]).only("key", "definition"):
            props = ((stored.definition or {}).get("schema") or {}).get("properties") or {}
            known.setdefault(stored.key, set()).update(props)
    except Exception:  # noqa: BLE001, S110 - linting files must work without a database too
        pass
    return known


def check_definition_file(path: str | Path) -> list[FieldProblem]:
    """Return every problem in one definition file (empty when it can be published)."""
    try:
        definition = read_definition_file(path)
    except DefinitionError as exc:
        return exc.problems or [FieldProblem(str(path), exc.message)]
    problems = definition_problems(definition)
    expected = Path(path).stem
    if not isinstance(definition, dict):
        return problems
    if not problems and definition.get("key") != expected:
        problems.append(FieldProblem("key", f"must be “{expected}”, the name of the file"))
    return problems


@transactional
def sync_forms(directory: str | Path = FORMS_DIR, *, now: datetime, actor=None) -> list[tuple[str, int, str]]:
    """Publish every definition file whose content is new; return (key, version, action) per file.

    Nothing is published when any changed file is broken: a half-synced set of forms would leave pathways
    pointing at forms that do not exist yet.
    """
    directory = Path(directory)
    if not directory.is_absolute() and not directory.exists():
        directory = FORMS_DIR.parent.parent / directory
    latest_from_file = _latest_file_hashes()
    report, pending, problems = [], [], []
    for path in sorted(directory.glob("*.json")):
        try:
            definition = read_definition_file(path)
        except DefinitionError as exc:
            problems += exc.problems
            continue
        key = definition.get("key") if isinstance(definition, dict) else None
        digest = content_hash(definition)
        stored = latest_from_file.get(key)
        if stored and stored[1] == digest:
            report.append((key, stored[0], "unchanged"))
            continue
        found = check_definition_file(path)
        if found:
            problems += [FieldProblem(f"{path.name}: {p.field}", p.message) for p in found]
            continue
        pending.append((path, definition, digest))
    if problems:
        raise DefinitionError("Some form definitions are not valid; nothing was published", problems=problems)
    for path, definition, digest in pending:
        report.append(_publish_file(path, definition, digest, now=now, actor=actor))
    return sorted(report)


def _latest_file_hashes() -> dict[str, tuple[int, str]]:
    """Return key → (version, hash) of the newest version of each form that came from a file."""
    latest: dict[str, tuple[int, str]] = {}
    rows = FormDefinition.objects(source__startswith="file:").only("key", "version", "content_hash")
    for row in rows.order_by("key", "-version"):
        latest.setdefault(row.key, (row.version, row.content_hash))
    return latest


def _publish_file(path: Path, definition: dict, digest: str, *, now, actor) -> tuple[str, int, str]:
    """Publish one file's definition as the next version of its form; return (key, version, action)."""
    key = definition["key"]
    for _attempt in range(3):
        version = next_version(key)
        doc = new_version(key, version, definition, digest, status="published", source=f"file:{path.name}",
                           now=now, actor=actor)
        try:
            doc.save(force_insert=True)
        except NotUniqueError:
            # Another process (a second web worker starting up) synced at the same moment.
            same = FormDefinition.objects(key=key, content_hash=digest, source__startswith="file:").first()
            if same:
                return key, same.version, "unchanged"
            continue
        forget_published()
        return key, version, "published" if version == 1 else "new version"
    raise Conflict(f"Could not publish {key}: its versions kept changing")
