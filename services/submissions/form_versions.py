"""New versions of a form: drafts made, changed and published (published versions never change)."""

from __future__ import annotations

from datetime import datetime

from mongoengine.errors import NotUniqueError

from errors import Conflict, DefinitionError, FieldProblem, NotAllowed
from forms import check_definition, content_hash
from models.form import FormDefinition
from services.submissions.definitions import forget_published
from storage.uow import transactional


def definition_problems(definition, *, prefix: str = "") -> list[FieldProblem]:
    """Return the engine's findings about a definition as field problems (path first)."""
    return [FieldProblem(f"{prefix}{p.path}" if p.path else prefix.rstrip(":") or "definition", p.message)
            for p in check_definition(definition)]



def next_version(key: str) -> int:
    """Return the number the next version of a form gets."""
    latest = FormDefinition.objects(key=key).only("version").order_by("-version").first()
    return (latest.version if latest else 0) + 1


def new_version(key, version, definition, digest, *, status, source, now, actor) -> FormDefinition:
    """Return an unsaved version of a form holding this definition."""
    by = str(actor.pk) if actor is not None else ""
    return FormDefinition(
        key=key, version=version, status=status, title=definition["title"],
        classification=definition.get("classification", "standard"), tags=list(definition.get("tags", [])),
        definition=definition, source=source, content_hash=digest, created_at=now, created_by=by, updated_at=now,
        published_at=now if status == "published" else None, published_by=by if status == "published" else "",
    )


@transactional
def create_new_version(key: str, definition: dict, *, actor, now: datetime) -> FormDefinition:
    """Store a changed form as a new draft version; the published versions stay exactly as they were."""
    _require_valid(key, definition)
    if FormDefinition.objects(key=key, status="draft").first():
        raise Conflict(f"The form {key} already has a draft version: change that one instead")
    doc = new_version(key, next_version(key), definition, content_hash(definition), status="draft",
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
    forget_published()
    doc.reload()
    return doc


def _require_valid(key: str, definition) -> None:
    problems = definition_problems(definition)
    if not problems and definition.get("key") != key:
        problems = [FieldProblem("key", f"must stay “{key}”")]
    if problems:
        raise DefinitionError("The form definition is not valid", problems=problems)
