"""The builder's translations page: every text of a form beside its translation, saved into the draft.

A form's translations live in its definition (`translations: {cy: {<JSON Pointer>: text}}`, see
`forms/translations.py`); this page writes them on the draft like any builder edit (checked, compare-and-set on the
draft's revision, audited), so publishing the draft publishes them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from flask_babel import gettext as _

from errors import FieldProblem, InvalidInput, NotFound
from forms.translations import SOURCE_LANGUAGE, texts
from models.form import FormDefinition
from models.user import LANGUAGE_NAMES, LANGUAGES
from services.builder.store import draft_for, save_draft_definition
from services.builder.views import builder_form
from storage.uow import transactional

MAX_LENGTH = 2000  # a translation may be longer than its English, within reason (Welsh often is)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PROPERTY = re.compile(r"^/schema/properties/([^/]+)(?:/items/properties/([^/]+))?(/.*)$")
_LAYOUT = re.compile(r"^/layout/pages/(\d+)(?:/sections/(\d+))?(?:/items/\d+)*(?:/([a-z_]+))?")


def target_languages() -> tuple[str, ...]:
    """Return the languages a form can be translated into (every interface language but the source)."""
    return tuple(code for code in LANGUAGES if code != SOURCE_LANGUAGE)


def _language(language: str) -> str:
    if language not in target_languages():
        raise NotFound(_("Pathway does not offer forms in that language"))
    return language


def _title(defn: Mapping, name: str, column: str | None) -> str:
    prop = (defn.get("schema") or {}).get("properties", {}).get(name) or {}
    if column:
        prop = (prop.get("items") or {}).get("properties", {}).get(column) or {}
    return str(prop.get("title") or column or name)


def where(defn: Mapping, pointer: str) -> str:
    """Return, in words, which part of the form a text belongs to."""
    if pointer == "/title":
        return _("The form’s title")
    if pointer == "/description":
        return _("The form’s introduction")
    if match := _PROPERTY.match(pointer):
        question, rest = _title(defn, match[1], match[2]), match[3]
        if rest == "/title":
            return _("Question")
        if rest == "/description":
            return _("Hint of “%(question)s”", question=question)
        if rest == "/error_label":
            return _("“%(question)s” as error messages name it", question=question)
        if "/oneOf/" in rest or "/anyOf/" in rest or "/enum" in rest:
            return _("Option of “%(question)s”", question=question)
        return _("Text of “%(question)s”", question=question)
    if match := _LAYOUT.match(pointer):
        page = int(match[1]) + 1
        if match[2] is None and pointer.endswith("/title"):
            return _("Title of page %(number)s", number=page)
        if pointer == f"/layout/pages/{match[1]}/sections/{match[2]}/title":
            return _("Section heading on page %(number)s", number=page)
        return _("Guidance or wording on page %(number)s", number=page)
    return _("Other text")


def translation_rows(defn: Mapping, language: str, typed: Mapping | None = None) -> list[dict]:
    """Return one row per translatable text: where it is, the English and its translation (or what was typed)."""
    table = (defn.get("translations") or {}).get(language) or {}
    rows = []
    for index, (pointer, english) in enumerate(texts(defn)):
        name = f"text-{index}"
        value = typed.get(name, "") if typed is not None else table.get(pointer, "")
        rows.append({"name": name, "pointer": pointer, "where": where(defn, pointer), "english": english,
                     "value": value, "translated": bool(table.get(pointer)), "long": len(english) > 80})
    return rows


def translations_page(key: str, language: str, typed: Mapping | None = None) -> dict:
    """Return what the translations page shows: the form, its texts with their translations, and the missing ones."""
    info = builder_form(key)
    doc = info["draft"] or info["current"]
    rows = translation_rows(doc.definition, _language(language), typed)
    return {"info": info, "language": language, "language_name": LANGUAGE_NAMES[language], "rows": rows,
            "missing": [row for row in rows if not row["translated"]], "editable": info["draft"] is not None}


def _problems(rows: list[dict]) -> list[FieldProblem]:
    problems = []
    for row in rows:
        text, label = row["value"], row["english"][:60]
        if len(text) > MAX_LENGTH:
            problems.append(FieldProblem(row["name"], _(
                "The translation of “%(text)s” must be %(count)s characters or fewer", text=label,
                count=MAX_LENGTH)))
        elif _CONTROL.search(text):
            problems.append(FieldProblem(row["name"], _(
                "The translation of “%(text)s” contains a character that cannot be shown: retype it", text=label)))
    return problems


@transactional
def save_translations(key: str, language: str, data: Mapping, *, revision, actor,
                      now: datetime) -> tuple[FormDefinition, int]:
    """Store the posted translations on the draft; return it and how many texts still lack one."""
    _language(language)
    doc = draft_for(key)
    rows = [{**row, "value": str(data.get(row["name"], "")).strip()}
            for row in translation_rows(doc.definition, language, typed={})]
    problems = _problems(rows)
    if problems:
        raise InvalidInput(_("Check the translations"), problems=problems)
    tables = {**(doc.definition.get("translations") or {}),
              language: {row["pointer"]: row["value"] for row in rows if row["value"]}}
    definition = {**doc.definition, "translations": {code: table for code, table in tables.items() if table}}
    if not definition["translations"]:
        del definition["translations"]
    saved = save_draft_definition(doc, definition, revision=revision, action="form.translations_changed",
                                  details={"language": language, "translated": len(tables[language]),
                                           "missing": len(rows) - len(tables[language])}, actor=actor, now=now)
    return saved, len(rows) - len(tables[language])
