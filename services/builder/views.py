"""What the builder pages show: the forms list, one form's versions and use, its preview and a trial fill."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime

from flask_babel import gettext as _

from errors import DefinitionError, NotFound
from forms import compile_form, errors_by_path, widgets
from forms.builder.check import condition_text, draft_problems
from forms.builder.edit import prop_of, scope_of, split_path
from forms.builder.layout import prune
from forms.builder.order import order
from forms.widgets import html_value, options_for
from models.form import FormDefinition
from services.builder.words import WIDGET_LABELS
from services.common.language import active_language
from services.deadlines.timing import local_today
from services.pathways.store import definition_version, list_workflows
from services.submissions.definitions import get_form

log = logging.getLogger(__name__)
STATUS_ORDER = {"draft": 0, "published": 1, "retired": 2}


def _workflow_slots() -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """Return the states of the newest workflow versions that name each form, and that accept each tag."""
    by_form: dict[str, list[dict]] = defaultdict(list)
    by_tag: dict[str, list[dict]] = defaultdict(list)
    for stored in list_workflows():
        try:
            defn = definition_version(stored.key, stored.version)
        except DefinitionError:
            log.warning("Workflow %s v%s cannot be loaded", stored.key, stored.version)
            continue
        shown = defn.in_language(active_language())  # its own and its stages' names in the reader's language
        for state in shown.states.values():
            place = {"workflow": shown.title, "workflow_key": defn.key, "state": state.label, "state_key": state.name}
            for slot in state.forms:
                by_form[slot.form].append({**place, "via": ""})
            for tag in state.form_tags:
                by_tag[tag].append({**place, "via": tag})
    return by_form, by_tag


def form_usage(key: str, tags: list[str] | tuple[str, ...] = (), slots=None) -> list[dict]:
    """Return the workflow states that offer a form: by name, or through one of its tags."""
    by_form, by_tag = slots or _workflow_slots()
    found = list(by_form.get(key, []))
    for tag in tags:
        found += by_tag.get(tag, [])
    return found


def accepted_tags() -> list[dict]:
    """Return every tag a workflow state accepts, with the states that accept it."""
    _by_form, by_tag = _workflow_slots()
    return [{"tag": tag, "states": places} for tag, places in sorted(by_tag.items())]


def list_forms(*, status: str = "") -> list[dict]:
    """Return one row per form: its newest version, what is published, the versions and where it is used."""
    versions: dict[str, list[FormDefinition]] = defaultdict(list)
    for doc in FormDefinition.objects.only("key", "version", "status", "title", "tags", "classification",
                                           "updated_at", "source").order_by("key", "-version"):
        versions[doc.key].append(doc)
    slots = _workflow_slots()
    rows = []
    for key, docs in versions.items():
        newest = docs[0]
        published = next((d for d in docs if d.status == "published"), None)
        draft = next((d for d in docs if d.status == "draft"), None)
        state = "published" if published else "retired" if any(d.status == "retired" for d in docs) else "draft"
        if status and state != status:
            continue
        current = published or newest
        rows.append({"key": key, "title": current.title, "status": state, "versions": len(docs),
                     "published_version": published.version if published else None,
                     "draft_version": draft.version if draft else None, "tags": list(current.tags),
                     "classification": current.classification, "updated_at": newest.updated_at,
                     "usage": form_usage(key, current.tags, slots)})
    return sorted(rows, key=lambda r: r["title"].lower())


def builder_form(key: str) -> dict:
    """Return everything the builder shows about one form."""
    docs = list(FormDefinition.objects(key=key).order_by("-version"))
    if not docs:
        raise NotFound(_("There is no form called %(key)s", key=key))
    draft = next((d for d in docs if d.status == "draft"), None)
    published = next((d for d in docs if d.status == "published"), None)
    current = draft or published or docs[0]
    return {"key": key, "draft": draft, "published": published, "current": current, "versions": docs,
            "retired": published is None and any(d.status == "retired" for d in docs),
            "usage": form_usage(key, current.tags), "problems": draft_problems(draft.definition) if draft else []}


def preview_definition(key: str, version=None) -> tuple[FormDefinition, dict]:
    """Return the version to preview (the draft unless a version is named) and its definition as it would run."""
    if version in (None, ""):
        doc = FormDefinition.objects(key=key, status="draft").first() or get_form_any(key)
    else:
        doc = get_form(key, version)
    definition = prune(doc.definition)[0] if doc.status == "draft" else dict(doc.definition)
    return doc, definition


def get_form_any(key: str) -> FormDefinition:
    """Return the newest version of a form whatever its status."""
    doc = FormDefinition.objects(key=key).order_by("-version").first()
    if doc is None:
        raise NotFound(_("There is no form called %(key)s", key=key))
    return doc


def compile_preview(key: str, version=None, language: str | None = None):
    """Return (stored version, compiled form in a language or None when it has no questions yet) for the preview."""
    doc, definition = preview_definition(key, version)
    if not definition["schema"].get("properties"):
        return doc, None
    try:
        return doc, compile_form(definition, language)
    except DefinitionError as exc:
        raise DefinitionError(_("The form cannot be shown"), problems=[]) from exc


def try_form(key: str, formdata, *, version=None, actor, now: datetime) -> dict:
    """Check sample answers against the form exactly as a practitioner's would be; nothing is stored."""
    language = active_language()
    doc, form = compile_preview(key, version, language)
    if form is None:
        return {"doc": doc, "form": None, "answers": {}, "errors": {}, "computed": {}, "summary": [], "acted": False}
    action = formdata.get("action") if hasattr(formdata, "get") else None
    posted, acted = form.apply_action(formdata, action)
    answers = form.clean(form.parse_form(posted))
    # Adding or removing a repeating row is not a check: show the rows, not errors about empty answers.
    errors = [] if acted else form.validate(answers, today=local_today(now), language=language)
    return {"doc": doc, "form": form, "answers": answers, "errors": errors_by_path(errors), "acted": acted,
            "computed": form.compute(answers), "summary": form.summary(answers)}


def _details(defn: dict, path: str, item: dict) -> list[str]:
    """Return short notes about a question for the builder's outline: options, limits, display settings."""
    prop, widget, notes = prop_of(defn, path), item.get("widget"), []
    kind = widgets.get(widget)
    if kind is not None and "options" in kind.asks_for(prop):
        options = options_for(widget, prop, item.get("option_meta"))
        notes.append(_("Options: %(options)s", options=", ".join(
            _("%(option)s (score %(score)s)", option=o.label, score=html_value(o.meta["score"])) if "score" in o.meta
            else o.label for o in options)))
    elif prop.get("minimum") is not None or prop.get("maximum") is not None:
        low, high = prop.get("minimum"), prop.get("maximum")
        notes.append(_("From %(low)s to %(high)s", low=html_value(low), high=html_value(high))
                     if low is not None and high is not None else _("At least %(low)s", low=html_value(low))
                     if low is not None else _("At most %(high)s", high=html_value(high)))
    if prop.get("maxLength"):
        notes.append(_("Up to %(count)s characters", count=prop["maxLength"]))
    if item.get("no_future"):
        notes.append(_("Not in the future"))
    if item.get("min_years_ago"):
        notes.append(_("At least %(years)s years ago", years=item["min_years_ago"]))
    if item.get("third_party"):
        notes.append(_("Third-party information"))
    if prop.get("description"):
        notes.append(_("Hint: %(hint)s", hint=prop["description"]))
    return notes


def outline(defn: dict) -> list[dict]:
    """Return the form's pages, sections and questions as the builder lists them, with what can move where."""
    def question(path: str, item: dict) -> dict:
        parent, name = split_path(path)
        required = name in scope_of(defn, parent).get("required", []) or bool(item.get("required_when_shown"))
        return {"path": path, "anchor": path.replace(".", "-"), "label": prop_of(defn, path).get("title", name),
                "widget": item.get("widget"), "widget_label": WIDGET_LABELS.get(item.get("widget"), ""),
                "required": required, "condition": condition_text(defn, path, item.get("show_when") or {}),
                "details": _details(defn, path, item), "children": []}

    positions = {path: n for n, path in enumerate(order(defn), start=1)}
    pages, total, seen = [], sum(1 for p in defn["layout"]["pages"] for s in p["sections"] for i in s["items"]), 0
    for pi, page in enumerate(defn["layout"]["pages"]):
        sections = []
        for si, section in enumerate(page["sections"]):
            items = []
            for item in section["items"]:
                seen += 1
                if "field" not in item:
                    items.append({"guidance": item.get("guidance", ""), "heading": item.get("heading", "")})
                    continue
                entry = question(item["field"], item)
                entry.update(first=seen == 1, last=seen == total, position=positions.get(item["field"]),
                             of=len(positions), grid=item.get("grid"))
                rows = item.get("items", []) if getattr(widgets.get(item.get("widget")), "repeats", False) else []
                for ci, child in enumerate(rows):
                    kid = question(f"{item['field']}.{child['field']}", child)
                    kid.update(first=ci == 0, last=ci == len(rows) - 1, position=ci + 1, of=len(rows))
                    entry["children"].append(kid)
                items.append(entry)
            sections.append({"index": si, "title": section.get("title", ""),
                             "description": section.get("description", ""), "questions": items,
                             "only": len(page["sections"]) == 1})
        pages.append({"index": pi, "key": page["key"], "title": page["title"],
                      "description": page.get("description", ""), "sections": sections, "first": pi == 0,
                      "last": pi == len(defn["layout"]["pages"]) - 1})
    return pages


def placements(defn: dict) -> list[tuple[str, str]]:
    """Return (value, label) for every page and section a new question can go into."""
    out = []
    for page in defn["layout"]["pages"]:
        for si, section in enumerate(page["sections"]):
            name = section.get("title") or (_("section %(number)s", number=si + 1) if len(page["sections"]) > 1
                                            else "")
            out.append((f"{page['key']}:{si}", _("%(page)s – %(section)s", page=page["title"], section=name)
                        if name else page["title"]))
    return out
