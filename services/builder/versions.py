"""Form versions in the builder: publish (with a diff), retire, restore, new version, copy, import, export."""

from __future__ import annotations

import copy
import json
from datetime import datetime

from flask_babel import gettext as _

from errors import Conflict, DefinitionError, FieldProblem, InvalidInput, NotAllowed, NotFound
from forms import check_definition, content_hash, json_input
from forms.builder.check import diff_definitions, publish_problems
from forms.builder.layout import prune
from forms.builder.warn import calculation_warnings
from models.form import FormDefinition
from services.audit.trail import record_audit
from services.builder.store import check_new_key, draft_for, latest_released, store_new_draft
from services.submissions.definitions import forget_published, get_form
from services.submissions.form_versions import create_new_version, publish_form_version
from storage.uow import transactional

MAX_IMPORT_BYTES = 2 * 1024 * 1024
# Storage adds these; a definition file carries neither.
STORAGE_KEYS = ("version", "status")


def review_publication(key: str) -> dict:
    """Return what publishing the draft would do: the draft, the version it replaces, the diff and any problems."""
    draft = draft_for(key)
    previous = latest_released(key)
    problems = publish_problems(draft.definition)
    candidate = prune(draft.definition)[0]
    diff = diff_definitions(previous.definition if previous else None, candidate)
    warnings = calculation_warnings(previous.definition if previous else None, candidate, diff["changed"])
    return {"draft": draft, "previous": previous, "diff": diff, "problems": problems, "warnings": warnings,
            "unchanged": bool(previous) and previous.content_hash == content_hash(candidate)}


@transactional
def publish_form(key: str, *, revision, actor, now: datetime) -> tuple[FormDefinition, dict]:
    """Publish the draft as an immutable version; return it with the diff against the previous version."""
    review = review_publication(key)
    if review["problems"]:
        raise DefinitionError(_("The form cannot be published yet"), problems=review["problems"])
    if review["unchanged"]:  # a second version the same as the first would only make the versions harder to read
        raise Conflict(_("The draft is the same as version %(version)s: there is nothing to publish. Change the "
                         "draft first, or discard it.", version=review["previous"].version))
    draft = review["draft"]
    definition = prune(draft.definition)[0]
    try:
        expected = int(revision)
    except (TypeError, ValueError):
        expected = -1
    # Compare-and-set: what is published is exactly the draft the admin reviewed, empty sections dropped.
    claimed = FormDefinition.objects(pk=draft.pk, status="draft", revision=expected).update_one(
        set__definition=definition, set__content_hash=content_hash(definition), set__updated_at=now,
        inc__revision=1,
    )
    if not claimed:
        raise Conflict(_("The form changed since you reviewed it. Check the changes again before publishing."))
    draft.reload()
    published = publish_form_version(draft, actor=actor, now=now)
    diff = review["diff"]
    record_audit("form.published", actor=actor, now=now, target_type="form", target_id=key, details={
        "version": published.version, "previous": review["previous"].version if review["previous"] else None,
        "added": [f["path"] for f in diff["added"]], "removed": [f["path"] for f in diff["removed"]],
        "changed": [f["path"] for f in diff["changed"]]})
    return published, diff


@transactional
def start_new_version(key: str, *, actor, now: datetime) -> FormDefinition:
    """Start a draft of the next version from the newest published (or retired) one."""
    if FormDefinition.objects(key=key, status="draft").first():
        raise Conflict(_("The form %(key)s already has a draft: change that one", key=key))
    released = latest_released(key)
    if released is None:
        raise NotFound(_("There is no form called %(key)s", key=key))
    doc = create_new_version(key, copy.deepcopy(released.definition), actor=actor, now=now)
    record_audit("form.version_started", actor=actor, now=now, target_type="form", target_id=key,
                 details={"version": doc.version, "from_version": released.version})
    return doc


@transactional
def discard_draft(key: str, *, revision, actor, now: datetime) -> int:
    """Delete the draft (nothing was ever filled in on a draft); return its version number."""
    draft = draft_for(key)
    try:
        expected = int(revision)
    except (TypeError, ValueError):
        expected = -1
    deleted = FormDefinition.objects(pk=draft.pk, status="draft", revision=expected).delete()
    if not deleted:
        raise Conflict(_("The draft changed since you opened it: look at it again before discarding it"))
    record_audit("form.draft_discarded", actor=actor, now=now, target_type="form", target_id=key,
                 details={"version": draft.version, "title": draft.title})
    return draft.version


@transactional
def retire_form(key: str, *, actor, now: datetime) -> int:
    """Stop offering a form on cases; submissions already made keep their version. Return versions retired."""
    count = FormDefinition.objects(key=key, status="published").update(set__status="retired",
                                                                       set__retired_at=now)
    if not count:
        raise NotAllowed(_("The form %(key)s has no published version to retire", key=key))
    forget_published()
    record_audit("form.retired", actor=actor, now=now, target_type="form", target_id=key,
                 details={"versions": count})
    return count


@transactional
def restore_form(key: str, *, actor, now: datetime) -> FormDefinition:
    """Offer a retired form again: its newest retired version becomes published."""
    if FormDefinition.objects(key=key, status="published").first():
        raise NotAllowed(_("The form %(key)s is already published", key=key))
    newest = FormDefinition.objects(key=key, status="retired").order_by("-version").first()
    if newest is None:
        raise NotFound(_("The form %(key)s has no retired version", key=key))
    FormDefinition.objects(pk=newest.pk, status="retired").update_one(set__status="published",
                                                                      unset__retired_at=True)
    forget_published()
    newest.reload()
    record_audit("form.restored", actor=actor, now=now, target_type="form", target_id=key,
                 details={"version": newest.version})
    return newest


def _source_definition(key: str) -> tuple[FormDefinition, dict]:
    draft = FormDefinition.objects(key=key, status="draft").first()
    doc = draft or latest_released(key)
    if doc is None:
        raise NotFound(_("There is no form called %(key)s", key=key))
    return doc, doc.definition


@transactional
def duplicate_form(key: str, data: dict, *, actor, now: datetime) -> FormDefinition:
    """Start a new form (draft, version 1) as a copy of another one's newest version."""
    _doc, source = _source_definition(key)
    new_key, title = (data.get("key") or "").strip(), (data.get("title") or "").strip()
    problems = [] if title else [FieldProblem("title", _("Enter the new form's title"), "Title")]
    try:
        check_new_key(new_key)
    except InvalidInput as exc:
        problems += exc.problems
    if problems:
        raise InvalidInput(problems=problems)
    definition = {**copy.deepcopy(source), "key": new_key, "title": title}
    return store_new_draft(definition, version=1, source="builder", action="form.duplicated",
                           details={"from": key}, actor=actor, now=now)


def export_form(key: str, *, version=None, actor, now: datetime) -> tuple[str, str]:
    """Return (file name, JSON text) of one version of a form: plain JSON Schema plus its layout."""
    if version in (None, ""):
        doc, _definition = _source_definition(key)
    else:
        doc = get_form(key, version)
    definition = {k: v for k, v in doc.definition.items() if k not in STORAGE_KEYS}
    record_audit("form.exported", actor=actor, now=now, target_type="form", target_id=key,
                 details={"version": doc.version, "status": doc.status})
    return f"{key}-v{doc.version}.json", json.dumps(definition, indent=2, ensure_ascii=False) + "\n"


def read_import(raw: bytes) -> dict:
    """Return the definition in an uploaded file, or InvalidInput saying why it cannot be used."""
    if not raw:
        raise InvalidInput(problems=[FieldProblem("file", _("Choose a JSON file to import"), "File")])
    if len(raw) > MAX_IMPORT_BYTES:
        raise InvalidInput(problems=[FieldProblem("file", _("The file must be smaller than 2 MB"), "File")])
    try:
        data = json_input.loads(raw.decode("utf-8-sig"), int64=True)
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidInput(problems=[FieldProblem("file", _("The file is not valid JSON (%(error)s)", error=exc),
                                                  "File")]) from None
    if not isinstance(data, dict):
        raise InvalidInput(problems=[FieldProblem("file", _("The file must hold one form definition (a JSON "
                                                            "object)"), "File")])
    return {k: v for k, v in data.items() if k not in STORAGE_KEYS}


@transactional
def import_form(raw: bytes, *, actor, now: datetime) -> FormDefinition:
    """Store an uploaded definition as a draft: a new form, or the next version of an existing one."""
    definition = read_import(raw)
    problems = _import_problems(definition)
    if problems:
        raise DefinitionError(_("The file is not a valid form definition"), problems=problems)
    key = definition["key"]
    if FormDefinition.objects(key=key, status="draft").first():
        raise Conflict(_("The form %(key)s already has a draft: publish or discard it before importing", key=key))
    released = latest_released(key)
    if released is not None and released.content_hash == content_hash(prune(definition)[0]):
        raise Conflict(_("The file is the same as version %(version)s of %(key)s: there is nothing to import",
                         version=released.version, key=key))
    latest = FormDefinition.objects(key=key).order_by("-version").first()
    version = (latest.version if latest else 0) + 1
    return store_new_draft(definition, version=version, source="import", action="form.imported",
                           details={"new_form": latest is None}, actor=actor, now=now)


def _import_problems(definition: dict) -> list[FieldProblem]:
    """Return what is wrong with an imported definition, naming questions when its shape allows."""
    if _has_shape(definition):
        try:
            return publish_problems(definition)
        except (KeyError, TypeError, AttributeError, IndexError):
            pass  # too malformed to walk: fall back to the engine's own paths
    return [FieldProblem(p.path or "file", f"{p.path}: {p.message}" if p.path else p.message)
            for p in check_definition(definition)]


def _has_shape(definition: dict) -> bool:
    """Tell whether the definition has the parts the builder walks (key, schema, layout pages and sections)."""
    try:
        pages = definition["layout"]["pages"]
        ok = isinstance(definition["key"], str) and isinstance(definition["title"], str) \
            and isinstance(definition["schema"]["properties"], dict)
        return ok and all(isinstance(s.get("items"), list) and all(isinstance(i, dict) for i in s["items"])
                          for p in pages for s in p["sections"]) and all(isinstance(p.get("key"), str) for p in pages)
    except (KeyError, TypeError, AttributeError):
        return False
