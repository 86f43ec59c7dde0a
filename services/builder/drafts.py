"""The form builder: admins create and change draft forms without code. Every change is checked and audited.

A draft may be unfinished (no questions yet, an empty section just added); anything else the engine would
refuse is refused here, with a message naming the question. Edits are compare-and-set on the draft's
`revision`, so two admins editing one form never overwrite each other silently.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from errors import DefinitionError, FieldProblem, InvalidInput, NotFound
from forms.builder import bulk, calculations, edit, layout
from forms.builder import order as ordering
from forms.builder.input import all_problems, computed_params, condition_problems_at_input, field_spec
from forms.builder.layout import CLASSIFICATIONS
from forms.builder.posted import posted_text
from forms.builder.shape import new_definition, switchable
from models.form import FormDefinition
from services.builder.store import (
    check_new_key,
    draft_for,
    save_draft_definition,
    store_new_draft,
    undo_last_change,
)
from services.builder.versions import (  # noqa: F401 - one import for the web layer
    discard_draft,
    duplicate_form,
    export_form,
    import_form,
    publish_form,
    restore_form,
    retire_form,
    review_publication,
    start_new_version,
)
from services.builder.views import builder_form, form_usage, list_forms  # noqa: F401
from services.common.language import active_language


def _apply(key: str, revision, action: str, details: dict, change, *, actor, now: datetime) -> FormDefinition:
    doc = draft_for(key)
    return save_draft_definition(doc, change(doc.definition), revision=revision, action=action, details=details,
                                 actor=actor, now=now)


def create_form(data: dict, *, actor, now: datetime) -> FormDefinition:
    """Create a new form as an empty draft, version 1."""
    key, title = (data.get("key") or "").strip(), (data.get("title") or "").strip()
    classification = data.get("classification") or "standard"
    problems = []
    if not title:
        problems.append(FieldProblem("title", _("Enter the form's title"), "Title"))
    if classification not in CLASSIFICATIONS:
        problems.append(FieldProblem("classification", _("Choose standard or confidential"), "Classification"))
    try:
        check_new_key(key)
    except InvalidInput as exc:
        problems += exc.problems
    if problems:
        raise InvalidInput(problems=problems)
    definition = new_definition(key, title, description=posted_text(data, "description"),
                                classification=classification)
    return store_new_draft(definition, version=1, source="builder", action="form.created", details={},
                           actor=actor, now=now)


def _where(defn: dict, text: str) -> tuple[int, int]:
    page_key, _colon, section = (text or "").partition(":")
    for index, page in enumerate(defn["layout"]["pages"]):
        # ASCII digits only: "²".isdigit() is true but int("²") fails.
        if page["key"] == page_key and section.isascii() and section.isdigit() and len(section) < 5 \
                and int(section) < len(page["sections"]):
            return index, int(section)
    raise InvalidInput(problems=[FieldProblem("where", _("Choose where the question goes"), "Where")])


def add_field(key: str, data: dict, *, revision, actor, now: datetime) -> FormDefinition:
    """Add a question at the end of a section (or of a repeating group's row)."""
    doc = draft_for(key)
    parent = (data.get("parent") or "").strip() or None
    if parent is not None and parent not in doc.definition["schema"]["properties"]:
        raise NotFound(_("The form has no repeating group called %(group)s", group=parent))
    after, language = "" if parent else (data.get("after") or "").strip(), active_language()
    # Every problem of the page at once: the question's own and where it goes.
    spec, (page, section) = all_problems(
        lambda: field_spec(doc.definition, data, widget=data.get("widget", ""), parent=parent, language=language),
        lambda: (0, 0) if parent else bulk.where_of(doc.definition, after, language=language) if after else _where(
            doc.definition, data.get("where", "")))
    definition = edit.add_field(doc.definition, spec, page=page, section=section, parent=parent, language=language)
    if after:
        definition = bulk.place_after(definition, [spec["name"]], after, language=language)
    path = f"{parent}.{spec['name']}" if parent else spec["name"]
    try:
        return save_draft_definition(doc, definition, revision=revision, action="form.field_added",
                                     details={"field": path, "widget": spec["widget"]}, actor=actor, now=now)
    except DefinitionError as exc:
        raise condition_problems_at_input(exc, path) from None


def edit_field(key: str, path: str, data: dict, *, revision, actor, now: datetime) -> FormDefinition:
    """Change a question: its wording, type, options, limits, condition or name."""
    doc = draft_for(key)
    parent, _name = edit.split_path(path)
    language = active_language()
    current = edit.item_at(doc.definition, edit.locate(doc.definition, path, language=language))["widget"]
    widget = data.get("widget") or current
    if widget not in switchable(current):
        raise InvalidInput(problems=[FieldProblem("widget", _("This question cannot change to that type"), "Type")])
    spec = field_spec(doc.definition, data, widget=widget, path=path, parent=parent, language=language)
    definition = edit.update_field(doc.definition, path, spec, language=language)
    new_path = f"{parent}.{spec['name']}" if parent else spec["name"]
    try:
        return save_draft_definition(doc, definition, revision=revision, action="form.field_changed",
                                     details={"field": path, "name": spec["name"]}, actor=actor, now=now)
    except DefinitionError as exc:
        raise condition_problems_at_input(exc, new_path) from None


def move_field(key: str, path: str, direction: str, *, revision, actor, now: datetime) -> FormDefinition:
    """Move a question one place up or down."""
    direction = "up" if direction == "up" else "down"
    return _apply(key, revision, "form.field_moved", {"field": path, "direction": direction},
                  lambda d: edit.move_field(d, path, direction, language=active_language()), actor=actor, now=now)


def move_field_to(key: str, path: str, position, *, revision, actor, now: datetime) -> FormDefinition:
    """Move a question to a 1-based position among the form's questions (or its repeating group's)."""
    return _apply(key, revision, "form.field_moved", {"field": path, "position": str(position)},
                  lambda d: ordering.move_to(d, path, position, language=active_language()), actor=actor, now=now)


def remove_field(key: str, path: str, *, revision, actor, now: datetime) -> FormDefinition:
    """Remove a question (refused while another question's condition or a calculation uses it)."""
    return _apply(key, revision, "form.field_removed", {"field": path},
                  lambda d: edit.remove_field(d, path, language=active_language()), actor=actor, now=now)


def add_page(key: str, data: dict, *, revision, actor, now: datetime) -> FormDefinition:
    """Add a page at the end of the form."""
    return _apply(key, revision, "form.page_added", {"title": data.get("title", "")},
                  lambda d: layout.add_page(d, data.get("title", ""), data.get("description", ""),
                                            language=active_language())[0],
                  actor=actor, now=now)


def edit_page(key: str, page_key: str, data: dict, *, revision, actor, now: datetime) -> FormDefinition:
    """Change a page's title and introduction."""
    return _apply(key, revision, "form.page_changed", {"page": page_key},
                  lambda d: layout.update_page(d, page_key, data.get("title", ""), data.get("description", ""),
                                               language=active_language()),
                  actor=actor, now=now)


def move_page(key: str, page_key: str, direction: str, *, revision, actor, now: datetime) -> FormDefinition:
    """Move a page one place up or down."""
    return _apply(key, revision, "form.page_moved", {"page": page_key, "direction": direction},
                  lambda d: layout.move_page(d, page_key, direction, language=active_language()), actor=actor, now=now)


def remove_page(key: str, page_key: str, *, revision, actor, now: datetime) -> FormDefinition:
    """Remove an empty page."""
    return _apply(key, revision, "form.page_removed", {"page": page_key},
                  lambda d: layout.remove_page(d, page_key, language=active_language()), actor=actor, now=now)


def add_section(key: str, page_key: str, data: dict, *, revision, actor, now: datetime) -> FormDefinition:
    """Add a section (with an optional heading) at the end of a page."""
    return _apply(key, revision, "form.section_added", {"page": page_key},
                  lambda d: layout.add_section(d, page_key, data.get("title", ""), data.get("description", ""),
                                               language=active_language()),
                  actor=actor, now=now)


def edit_section(key: str, page_key: str, index: int, data: dict, *, revision, actor,
                 now: datetime) -> FormDefinition:
    """Change a section's heading and introduction."""
    return _apply(key, revision, "form.section_changed", {"page": page_key, "section": index},
                  lambda d: layout.update_section(d, page_key, index, data.get("title", ""),
                                                  data.get("description", ""), language=active_language()),
                  actor=actor, now=now)


def remove_section(key: str, page_key: str, index: int, *, revision, actor, now: datetime) -> FormDefinition:
    """Remove an empty section."""
    return _apply(key, revision, "form.section_removed", {"page": page_key, "section": index},
                  lambda d: layout.remove_section(d, page_key, index, language=active_language()), actor=actor, now=now)


def update_form_settings(key: str, data: dict, *, revision, actor, now: datetime) -> FormDefinition:
    """Change the form's title, introduction, classification, tags and countersigning."""
    countersign = str(data.get("countersign", "")).lower() in ("true", "yes", "on", "1")
    repeatable = str(data.get("repeatable", "")).lower() in ("true", "yes", "on", "1")

    def change(definition):
        return layout.update_settings(definition, title=data.get("title", ""),
                                      description=data.get("description", ""),
                                      classification=data.get("classification", "standard"),
                                      tags=data.get("tags", ""), countersign=countersign,
                                      repeatable=repeatable, language=active_language())

    doc = draft_for(key)
    definition = change(doc.definition)
    return save_draft_definition(doc, definition, revision=revision, action="form.settings_changed", details={
        "title": definition["title"], "classification": definition["classification"], "tags": definition["tags"],
        "countersign": countersign, "repeatable": repeatable}, actor=actor, now=now)


def set_form_tags(key: str, tags: str | list, *, revision, actor, now: datetime) -> FormDefinition:
    """Set the tags that make a form available where workflow states accept them."""
    parsed = layout.parse_tags(tags, language=active_language())
    return _apply(key, revision, "form.tags_changed", {"tags": parsed}, lambda d: {**d, "tags": parsed},
                  actor=actor, now=now)


def add_computed(key: str, data: dict, fields: list[str], *, revision, actor, now: datetime) -> FormDefinition:
    """Add a calculated value from the registered functions."""
    language = active_language()
    ckey, function, params = computed_params(data, fields, language=language)
    return _apply(key, revision, "form.computed_added", {"computed": ckey, "function": function},
                  lambda d: layout.add_computed(d, ckey, function, params, language=language), actor=actor, now=now)


def remove_computed(key: str, ckey: str, *, revision, actor, now: datetime) -> FormDefinition:
    """Remove a calculated value."""
    return _apply(key, revision, "form.computed_removed", {"computed": ckey},
                  lambda d: layout.remove_computed(d, ckey, language=active_language()), actor=actor, now=now)


def add_questions(key: str, data: dict, *, revision, actor, now: datetime) -> tuple[FormDefinition, list[str]]:
    """Add one question per pasted line to a section, with the same type and options (and comment boxes)."""
    doc, language = draft_for(key), active_language()
    after = (data.get("after") or "").strip()
    page, section = bulk.where_of(doc.definition, after, language=language) if after else _where(
        doc.definition, data.get("where", ""))
    definition, added = bulk.add_questions(doc.definition, data, page=page, section=section, language=language)
    if after:
        definition = bulk.place_after(definition, [name for name in definition["schema"]["properties"]
                                                   if name not in doc.definition["schema"]["properties"]], after,
                                      language=language)
    saved = save_draft_definition(doc, definition, revision=revision, action="form.fields_added",
                                  details={"fields": added, "widget": data.get("widget", "")}, actor=actor, now=now)
    return saved, added


def add_calculation(key: str, data: dict, fields: list[str], *, revision, actor, now: datetime) -> FormDefinition:
    """Add a calculated value chosen in plain terms: a count of an answer, a score, an outcome or a formula."""
    doc, language = draft_for(key), active_language()
    ckey, function, params = calculations.calculation(doc.definition, data, fields, language=language)
    return _apply(key, revision, "form.computed_added", {"computed": ckey, "function": function},
                  lambda d: layout.add_computed(d, ckey, function, params, language=language), actor=actor, now=now)


def undo_change(key: str, *, revision, actor, now: datetime) -> FormDefinition:
    """Undo the draft's last change (one step)."""
    return undo_last_change(draft_for(key), revision=revision, actor=actor, now=now)


def duplicate_field(key: str, path: str, *, revision, actor, now: datetime) -> tuple[FormDefinition, str]:
    """Repeat a question right after itself, with its options and settings, as “… (copy)”."""
    doc = draft_for(key)
    definition, name = bulk.duplicate_question(doc.definition, path, language=active_language())
    saved = save_draft_definition(doc, definition, revision=revision, action="form.field_duplicated",
                                  details={"field": path, "copy": name}, actor=actor, now=now)
    return saved, name


def add_guidance(key: str, data: dict, *, revision, actor, now: datetime) -> FormDefinition:
    """Add a block of guidance text between questions (at a section's end, or after a question)."""
    doc, language = draft_for(key), active_language()
    after = (data.get("after") or "").strip()
    page, section = bulk.where_of(doc.definition, after, language=language) if after else _where(
        doc.definition, data.get("where", ""))
    definition = bulk.add_guidance(doc.definition, data, page=page, section=section, after=after, language=language)
    return save_draft_definition(doc, definition, revision=revision, action="form.guidance_added",
                                 details={"after": after}, actor=actor, now=now)
