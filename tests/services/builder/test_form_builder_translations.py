"""Translating a builder-made form: its texts listed, translations saved on the draft, kept through edits."""

from __future__ import annotations

import pytest

from errors import Conflict, InvalidInput, NotFound
from forms.translations import carry, missing_translations
from models.audit import AuditEntry
from models.form import FormDefinition
from services.builder import drafts as builder
from services.builder.translations import save_translations, translations_page
from services.submissions.definitions import get_form

QUESTIONS = [
    {"widget": "text", "label": "What matters most to you?", "name": "matters", "hint": "In your own words"},
    {"widget": "yesno", "label": "Do you have support?", "name": "has_support"},
]


@pytest.fixture
def admin(make_user):
    return make_user(roles=["admin"], team="")


@pytest.fixture
def draft(app, admin, now):
    doc = builder.create_form({"key": "qol_review", "title": "Quality of Life review"}, actor=admin, now=now)
    for question in QUESTIONS:
        doc = builder.add_field("qol_review", {**question, "where": "page_1:0"}, revision=doc.revision, actor=admin,
                                now=now)
    return doc


def typed(page, **by_english):
    """Return a post that types a translation beside each named English text."""
    return {row["name"]: by_english.get(row["english"], "") for row in page["rows"]}


def test_the_page_lists_every_text_of_the_draft_with_where_it_is(draft):
    page = translations_page("qol_review", "cy")
    english = [row["english"] for row in page["rows"]]
    assert english[0] == "Quality of Life review"
    assert {"What matters most to you?", "In your own words", "Do you have support?"} <= set(english)
    assert len(page["missing"]) == len(page["rows"]) and page["editable"]
    hint = next(row for row in page["rows"] if row["english"] == "In your own words")
    assert hint["where"] == "Hint of “What matters most to you?”"


def test_saving_stores_the_translations_on_the_draft_and_audits(draft, admin, now):
    page = translations_page("qol_review", "cy")
    doc, missing = save_translations("qol_review", "cy", typed(page, **{
        "What matters most to you?": "Beth sydd bwysicaf i chi?",
        "Quality of Life review": "  Adolygiad ansawdd bywyd "}),
        revision=draft.revision, actor=admin, now=now)
    table = doc.definition["translations"]["cy"]
    # The first page is titled like the form, so both get the Welsh typed beside them.
    assert table == {"/schema/properties/matters/title": "Beth sydd bwysicaf i chi?",
                     "/title": "Adolygiad ansawdd bywyd", "/layout/pages/0/title": "Adolygiad ansawdd bywyd"}
    assert missing == len(page["rows"]) - 3 == len(missing_translations(doc.definition, "cy"))
    assert len(translations_page("qol_review", "cy")["missing"]) == missing
    entry = AuditEntry.objects(action="form.translations_changed").get()
    assert entry.details["translated"] == 3 and entry.details["language"] == "cy"


def test_bad_input_and_stale_pages_are_refused_and_nothing_is_stored(draft, admin, now):
    page = translations_page("qol_review", "cy")
    post = typed(page, **{"What matters most to you?": "x" * 2001, "Do you have support?": "Oes gennych chi\x07"})
    with pytest.raises(InvalidInput) as caught:
        save_translations("qol_review", "cy", post, revision=draft.revision, actor=admin, now=now)
    assert len(caught.value.problems) == 2
    with pytest.raises(Conflict):
        save_translations("qol_review", "cy", typed(page), revision=draft.revision - 1, actor=admin, now=now)
    with pytest.raises(NotFound):
        translations_page("qol_review", "xx")
    assert "translations" not in FormDefinition.objects.get(key="qol_review", status="draft").definition


def test_translations_follow_their_text_through_edits_and_are_published(draft, admin, now):
    page = translations_page("qol_review", "cy")
    doc, _ = save_translations("qol_review", "cy", typed(page, **{
        "What matters most to you?": "Beth sydd bwysicaf i chi?", "Do you have support?": "Oes gennych chi gymorth?",
        "Quality of Life review": "Adolygiad ansawdd bywyd"}), revision=draft.revision, actor=admin, now=now)
    doc = builder.add_page("qol_review", {"title": "Later"}, revision=doc.revision, actor=admin, now=now)
    doc = builder.edit_field("qol_review", "has_support", {"widget": "yesno", "label": "Is anyone helping you?"},
                             revision=doc.revision, actor=admin, now=now)
    table = doc.definition["translations"]["cy"]
    # The changed question lost its Welsh (it no longer says that); the rest kept theirs.
    assert "/schema/properties/has_support/title" not in table
    assert table["/schema/properties/matters/title"] == "Beth sydd bwysicaf i chi?"
    published, _diff = builder.publish_form("qol_review", revision=doc.revision, actor=admin, now=now)
    assert get_form("qol_review").definition["translations"]["cy"] == table
    assert published.version == 1


def test_carry_moves_a_translation_with_its_text_and_drops_a_changed_one():
    before = {"layout": {"pages": [{"title": "One"}, {"title": "Two"}]},
              "translations": {"cy": {"/layout/pages/0/title": "Un", "/layout/pages/1/title": "Dau"}}}
    swapped = {"layout": {"pages": [{"title": "Two"}, {"title": "One"}]}}
    assert carry(before, swapped)["translations"] == {"cy": {"/layout/pages/1/title": "Un",
                                                             "/layout/pages/0/title": "Dau"}}
    changed = {"layout": {"pages": [{"title": "First"}, {"title": "Two"}]}}
    assert carry(before, changed)["translations"] == {"cy": {"/layout/pages/1/title": "Dau"}}
    assert "translations" not in carry(before, {"layout": {"pages": []}})
