"""Storage of draft form versions for the builder: find, insert, compare-and-set, all audited."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask_babel import gettext as _
from mongoengine.errors import NotUniqueError

from errors import Conflict, DefinitionError, FieldProblem, InvalidInput, NotFound
from forms import content_hash
from forms.builder.check import draft_problems
from forms.builder.layout import TAG_RE
from forms.translations import carry, dropped
from models.form import FormDefinition
from services.audit.trail import record_audit
from services.submissions.definition_files import FORMS_DIR
from storage.uow import transactional

KEEPS_TRANSLATIONS = ("form.change_undone", "form.translations_changed")  # they set the translations themselves


def draft_for(key: str) -> FormDefinition:
    """Return the form's draft version, or NotFound saying how to start one."""
    doc = FormDefinition.objects(key=key, status="draft").first()
    if doc is None:
        if FormDefinition.objects(key=key).first() is None:
            raise NotFound(_("There is no form called %(key)s", key=key))
        raise NotFound(_("The form %(key)s has no draft: start a new version to change it", key=key))
    return doc


@transactional
def save_draft_definition(doc: FormDefinition, definition: dict, *, revision, action: str, details: dict,
                          actor, now: datetime) -> FormDefinition:
    """Check a changed definition and store it on the draft if nobody changed the draft meanwhile; audited."""
    lost = {}
    if action not in KEEPS_TRANSLATIONS:
        # An edit moves or changes the English: each translation follows its text, or goes with a changed one.
        definition = carry(doc.definition, definition)
        lost = dropped(doc.definition, definition)
    problems = draft_problems(definition)
    if problems:
        raise DefinitionError(_("This change would break the form"), problems=problems)
    try:
        expected = int(revision)
    except (TypeError, ValueError):
        raise Conflict(_("The page was out of date: reload it and make the change again")) from None
    undo = {} if action == "form.change_undone" else {"set__undo_definition": doc.definition,
                                                       "set__undo_action": action}
    changed = FormDefinition.objects(pk=doc.pk, status="draft", revision=expected).update_one(
        **undo, set__definition=definition, set__title=definition["title"],
        set__classification=definition.get("classification", "standard"), set__tags=list(definition.get("tags", [])),
        set__content_hash=content_hash(definition), set__updated_at=now, inc__revision=1,
    )
    if not changed:
        raise Conflict(_("Someone else changed this form since you opened it. Reload the page to see their changes, "
                         "then make yours again."))
    doc.reload()
    record_audit(action, actor=actor, now=now, target_type="form", target_id=doc.key,
                 details={"version": doc.version, **details, **({"translations_dropped": lost} if lost else {})})
    doc.translations_dropped = lost  # not stored: the page says which languages now lack a text
    return doc


def check_new_key(key: str) -> None:
    """Refuse a key that is malformed or already used by a stored or shipped form."""
    if not TAG_RE.fullmatch(key or "") or len(key) > 80:
        raise InvalidInput(problems=[FieldProblem("key", _(
            "Enter a key in lower-case letters, digits and underscores, starting with a letter, like wellbeing_review"),
            "Key")])
    if FormDefinition.objects(key=key).first() or (Path(FORMS_DIR) / f"{key}.json").exists():
        raise InvalidInput(problems=[FieldProblem("key", _("There is already a form with the key %(key)s", key=key),
                                                  "Key")])


@transactional
def store_new_draft(definition: dict, *, version: int, source: str, action: str, details: dict, actor,
                    now: datetime) -> FormDefinition:
    """Insert a draft version of a form; refused when the key and version already exist."""
    doc = FormDefinition(
        key=definition["key"], version=version, status="draft", title=definition["title"],
        classification=definition.get("classification", "standard"), tags=list(definition.get("tags", [])),
        definition=definition, source=source, content_hash=content_hash(definition), created_at=now,
        created_by=str(actor.pk), updated_at=now,
    )
    try:
        doc.save(force_insert=True)
    except NotUniqueError:
        raise Conflict(_("Someone else made version %(version)s of %(key)s at the same time",
                         version=version, key=definition["key"])) from None
    record_audit(action, actor=actor, now=now, target_type="form", target_id=doc.key,
                 details={"version": version, "title": doc.title, **details})
    return doc


def latest_released(key: str) -> FormDefinition | None:
    """Return the newest published or retired version of a form, or None when it was never published."""
    return FormDefinition.objects(key=key, status__in=["published", "retired"]).order_by("-version").first()


@transactional
def undo_last_change(doc: FormDefinition, *, revision, actor, now: datetime) -> FormDefinition:
    """Put the draft back as it was before its last change (one step); audited like any change."""
    if not doc.undo_definition:
        raise Conflict(_("There is no change to undo"))
    previous, what = doc.undo_definition, doc.undo_action
    saved = save_draft_definition(doc, previous, revision=revision, action="form.change_undone",
                                  details={"undone": what}, actor=actor, now=now)
    FormDefinition.objects(pk=saved.pk).update_one(set__undo_definition=None, set__undo_action="")
    saved.reload()
    return saved
