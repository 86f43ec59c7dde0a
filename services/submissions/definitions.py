"""Versioned form definitions: sync from files, look up, compile, new versions (published ones never change)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import mongoengine
from mongoengine.errors import NotUniqueError

from errors import Conflict, DefinitionError, FieldProblem, NotAllowed, NotFound
from forms import check_definition, compile_form, content_hash
from forms.translations import SOURCE_LANGUAGE
from models.form import FormDefinition
from storage.uow import transactional

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms" / "definitions"


def definition_problems(definition, *, prefix: str = "") -> list[FieldProblem]:
    """Return the engine's findings about a definition as field problems (path first)."""
    return [FieldProblem(f"{prefix}{p.path}" if p.path else prefix.rstrip(":") or "definition", p.message)
            for p in check_definition(definition)]


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
    key = definition["key"]
    for _attempt in range(3):
        version = _next_version(key)
        doc = _new_version(key, version, definition, digest, status="published", source=f"file:{path.name}",
                           now=now, actor=actor)
        try:
            doc.save(force_insert=True)
        except NotUniqueError:
            # Another process (a second web worker starting up) synced at the same moment.
            same = FormDefinition.objects(key=key, content_hash=digest, source__startswith="file:").first()
            if same:
                return key, same.version, "unchanged"
            continue
        return key, version, "published" if version == 1 else "new version"
    raise Conflict(f"Could not publish {key}: its versions kept changing")


def _next_version(key: str) -> int:
    latest = FormDefinition.objects(key=key).only("version").order_by("-version").first()
    return (latest.version if latest else 0) + 1


def _new_version(key, version, definition, digest, *, status, source, now, actor) -> FormDefinition:
    by = str(actor.pk) if actor is not None else ""
    return FormDefinition(
        key=key, version=version, status=status, title=definition["title"],
        classification=definition.get("classification", "standard"), tags=list(definition.get("tags", [])),
        definition=definition, source=source, content_hash=digest, created_at=now, created_by=by, updated_at=now,
        published_at=now if status == "published" else None, published_by=by if status == "published" else "",
    )


# Published and retired versions never change: pages reuse them instead of reading the JSON definitions again
# each time. Keyed by database, so a second database never sees another's.
_versions: dict[tuple, FormDefinition] = {}
CACHE_SIZE = 512


def _remember(cache: dict, key: tuple, value):
    if len(cache) >= CACHE_SIZE:
        cache.clear()  # rare: more versions than a service ever has; start again rather than track use
    cache[key] = value
    return value


def clear_cache() -> None:
    """Forget the versions read so far (tests reuse one database name for many databases' worth of data)."""
    _versions.clear()


def pinned_version(key: str, version: int) -> FormDefinition:
    """Return one numbered version of a form for reading its content; no longer a draft, it is read once per process.

    Its `status` may be out of date (a version can be retired and restored): ask `get_form` for that.
    """
    cache_key = (mongoengine.get_db().name, key, version)
    cached = _versions.get(cache_key)
    if cached is not None:
        return cached
    found = get_form(key, version)
    return found if found.status == "draft" else _remember(_versions, cache_key, found)


def get_form(key: str, version: int | None = None) -> FormDefinition:
    """Return one version of a form, or its latest published version when `version` is None."""
    query = FormDefinition.objects(key=key)
    if version is None:
        found = query.filter(status="published").order_by("-version").first()
    else:
        try:
            found = query.filter(version=int(version)).first()
        except (TypeError, ValueError):
            found = None
    if found is None:
        raise NotFound(f"There is no form called {key}" + (f" with version {version}" if version else ""))
    return found


def compiled_form(doc: FormDefinition, language: str = SOURCE_LANGUAGE):
    """Return the engine's compiled form for a stored version, with its texts in a language (English by default).

    The engine's one cache holds it, keyed by content; a language the form is not translated into gives the English
    texts. Pages ask for the reader's language; whatever is stored or decided (answers, results, history) uses
    English.
    """
    # Without version and status the engine keys the form by what it says: a draft changes in place, and tests
    # (or a second database) may hold a different "version 1" of the same key. A version no longer a draft never
    # changes, so its stored hash names its content and the engine need not hash the definition on every page.
    known = doc.content_hash if doc.status != "draft" and doc.pk and doc.content_hash else None
    return compile_form({k: v for k, v in doc.definition.items() if k not in ("version", "status")}, language,
                        digest=known)


def pinned_form(submission):
    """Return the form version the submission is pinned to."""
    return pinned_version(submission.form_key, submission.form_version)


def form_for(submission, language: str = SOURCE_LANGUAGE):
    """Return the compiled form version the submission is pinned to, its texts in a language (English by default)."""
    return compiled_form(pinned_form(submission), language)


def published_forms(tag: str | None = None, *, fields: tuple[str, ...] = ()) -> list[FormDefinition]:
    """Return the latest published version of every form (with the tag, when given), by title.

    `fields` reads only those fields (with key, version and title), for pages that list forms but never fill them.
    """
    del fields  # every published version is read whole once per process and kept (see _versions)
    query: dict = {"status": "published", **({"tags": tag} if tag else {})}
    newest: dict[str, int] = {}
    for doc in FormDefinition._get_collection().find(query, {"key": 1, "version": 1}).sort(
            [("key", 1), ("version", -1)]):
        newest.setdefault(doc["key"], doc["version"])
    return published_versions(newest)


def published_versions(newest: dict[str, int]) -> list[FormDefinition]:
    """Return the published forms of these keys and versions (key → its newest published version), by title.

    Published versions never change: each is read whole once per process and kept.
    """
    database = mongoengine.get_db().name
    found = {k: _versions.get((database, k, v)) for k, v in newest.items()}
    missing = [{"key": k, "version": newest[k]} for k, doc in found.items() if doc is None]
    for doc in FormDefinition.objects(__raw__={"$or": missing}) if missing else ():
        found[doc.key] = _remember(_versions, (database, doc.key, doc.version), doc)
    return sorted((d for d in found.values() if d is not None), key=lambda d: d.title.lower())


@transactional
def create_new_version(key: str, definition: dict, *, actor, now: datetime) -> FormDefinition:
    """Store a changed form as a new draft version; the published versions stay exactly as they were."""
    _require_valid(key, definition)
    if FormDefinition.objects(key=key, status="draft").first():
        raise Conflict(f"The form {key} already has a draft version: change that one instead")
    doc = _new_version(key, _next_version(key), definition, content_hash(definition), status="draft",
                       source="builder", now=now, actor=actor)
    try:
        doc.save(force_insert=True)
    except NotUniqueError:
        raise Conflict(f"Someone else made a new version of {key} at the same time") from None
    return doc


@transactional
def update_draft_version(doc: FormDefinition, definition: dict, *, revision: int, actor,
                         now: datetime) -> FormDefinition:
    """Replace the content of a draft version; a published or retired version is refused."""
    if doc.status != "draft":
        raise NotAllowed(f"Version {doc.version} of {doc.key} is {doc.status} and cannot be changed: "
                         "make a new version instead")
    _require_valid(doc.key, definition)
    changed = FormDefinition.objects(pk=doc.pk, status="draft", revision=revision).update_one(
        set__definition=definition, set__title=definition["title"],
        set__classification=definition.get("classification", "standard"),
        set__tags=list(definition.get("tags", [])), set__content_hash=content_hash(definition),
        set__updated_at=now, inc__revision=1,
    )
    if not changed:
        raise Conflict(f"Version {doc.version} of {doc.key} was changed or published by someone else")
    doc.reload()
    return doc


@transactional
def publish_form_version(doc: FormDefinition, *, actor, now: datetime) -> FormDefinition:
    """Publish a draft version: from now on new submissions use it and it can no longer change."""
    _require_valid(doc.key, doc.definition)
    changed = FormDefinition.objects(pk=doc.pk, status="draft").update_one(
        set__status="published", set__published_at=now, set__published_by=str(actor.pk), set__updated_at=now,
    )
    if not changed:
        raise Conflict(f"Version {doc.version} of {doc.key} is already published")
    doc.reload()
    return doc


def _require_valid(key: str, definition) -> None:
    problems = definition_problems(definition)
    if not problems and definition.get("key") != key:
        problems = [FieldProblem("key", f"must stay “{key}”")]
    if problems:
        raise DefinitionError("The form definition is not valid", problems=problems)
