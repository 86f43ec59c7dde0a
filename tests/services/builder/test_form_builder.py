"""The form builder on the real mongod: drafts, concurrency, publishing with a diff, versions, import/export, audit."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator

from errors import Conflict, DefinitionError, InvalidInput, NotAllowed, NotFound
from models.audit import AuditEntry
from models.form import FormDefinition
from services.builder import drafts as builder
from services.builder.views import builder_form, form_usage, list_forms, try_form
from services.submissions.definitions import get_form, published_forms

QUESTIONS = [
    {"widget": "text", "label": "What matters most to you?", "name": "matters", "required": "true"},
    {"widget": "date", "label": "Date of the interview", "name": "interview_date", "no_future": "true"},
    {"widget": "scale", "label": "How good is your life now?", "name": "rating", "min": "1", "max": "10"},
    {"widget": "yesno", "label": "Do you have support?", "name": "has_support"},
    {"widget": "textarea", "label": "Who supports you?", "name": "supporters", "required": "true",
     "show_when_field": "has_support", "show_when_value": "yes"},
]


@pytest.fixture
def admin(make_user):
    return make_user(roles=["admin"], team="")


@pytest.fixture
def qol(app, admin, now):
    """A draft built question by question, as the pages build it."""
    doc = builder.create_form({"key": "qol_review", "title": "Quality of Life review"}, actor=admin, now=now)
    for question in QUESTIONS:
        doc = builder.add_field("qol_review", {**question, "where": "page_1:0"}, revision=doc.revision, actor=admin,
                                now=now)
    return doc


def test_a_new_form_is_an_empty_draft_of_version_1_and_audited(app, admin, now):
    doc = builder.create_form({"key": "qol_review", "title": "Quality of Life review",
                               "classification": "confidential"}, actor=admin, now=now)
    assert (doc.version, doc.status, doc.classification, doc.source) == (1, "draft", "confidential", "builder")
    assert doc.definition["schema"]["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    entry = AuditEntry.objects(action="form.created").get()
    assert (entry.actor_id, entry.target_id) == (str(admin.pk), "qol_review")


@pytest.mark.parametrize(("data", "field"), [
    ({"key": "Quality", "title": "Q"}, "key"),
    ({"key": "screening", "title": "Q"}, "key"),
    ({"key": "fine_key", "title": " "}, "title"),
    ({"key": "fine_key", "title": "Q", "classification": "secret"}, "classification"),
])
def test_a_new_form_needs_a_free_well_formed_key_and_a_title(app, admin, now, data, field):
    with pytest.raises(InvalidInput) as caught:
        builder.create_form(data, actor=admin, now=now)
    assert field in {p.field for p in caught.value.problems}
    assert FormDefinition.objects(key=data["key"], source="builder").count() == 0


def test_each_question_is_stored_as_it_is_added_and_audited(qol):
    assert list(qol.definition["schema"]["properties"]) == [q["name"] for q in QUESTIONS]
    assert qol.revision == 1 + len(QUESTIONS)
    assert AuditEntry.objects(action="form.field_added", target_id="qol_review").count() == len(QUESTIONS)


def test_a_stale_revision_is_refused_and_nothing_is_lost(qol, admin, now):
    builder.move_field("qol_review", "rating", "down", revision=qol.revision, actor=admin, now=now)
    with pytest.raises(Conflict):
        builder.edit_field("qol_review", "matters", {"label": "Changed", "widget": "text"}, revision=qol.revision,
                           actor=admin, now=now)
    stored = FormDefinition.objects.get(key="qol_review")
    assert stored.definition["schema"]["properties"]["matters"]["title"] == "What matters most to you?"
    assert stored.revision == qol.revision + 1


def test_a_change_that_breaks_the_form_is_refused_naming_the_question(qol, admin, now):
    with pytest.raises(DefinitionError) as caught:
        builder.move_field("qol_review", "supporters", "up", revision=qol.revision, actor=admin, now=now)
    assert caught.value.problems[0].field == "supporters"
    assert "“Who supports you?”" in caught.value.problems[0].message
    assert FormDefinition.objects.get(key="qol_review").revision == qol.revision


def test_publishing_makes_an_immutable_version_and_editing_makes_version_2(qol, admin, now):
    published, diff = builder.publish_form("qol_review", revision=qol.revision, actor=admin, now=now)
    assert (published.version, published.status) == (1, "published")
    assert [q["path"] for q in diff["added"]] == [q["name"] for q in QUESTIONS]
    with pytest.raises(NotFound):
        builder.add_field("qol_review", {**QUESTIONS[0], "name": "other", "where": "page_1:0"}, revision=1,
                          actor=admin, now=now)
    draft = builder.start_new_version("qol_review", actor=admin, now=now)
    assert (draft.version, draft.status) == (2, "draft")
    draft = builder.edit_field("qol_review", "rating", {"widget": "scale", "label": "Rate your life", "min": "0",
                                                        "max": "10"}, revision=draft.revision, actor=admin, now=now)
    review = builder.review_publication("qol_review")
    assert review["previous"].version == 1
    assert review["diff"]["changed"][0]["changes"] == ["question changed from “How good is your life now?” to "
                                                       "“Rate your life”", "range changed from 1–10 to 0–10"]
    second, _diff = builder.publish_form("qol_review", revision=draft.revision, actor=admin, now=now)
    assert get_form("qol_review").version == 2
    first = get_form("qol_review", 1)
    assert first.definition["schema"]["properties"]["rating"]["title"] == "How good is your life now?"
    entry = AuditEntry.objects(action="form.published", details__version=2).get()
    assert entry.details["changed"] == ["rating"] and entry.details["previous"] == 1


def test_publishing_refuses_an_empty_form_and_an_outdated_review(app, admin, now, qol):
    builder.create_form({"key": "empty_one", "title": "Empty"}, actor=admin, now=now)
    with pytest.raises(DefinitionError) as caught:
        builder.publish_form("empty_one", revision=1, actor=admin, now=now)
    assert caught.value.problems[0].field == "fields"
    with pytest.raises(Conflict):
        builder.publish_form("qol_review", revision=qol.revision - 1, actor=admin, now=now)
    assert FormDefinition.objects.get(key="qol_review").status == "draft"


def test_empty_sections_are_dropped_when_publishing(qol, admin, now):
    doc = builder.add_page("qol_review", {"title": "Later"}, revision=qol.revision, actor=admin, now=now)
    doc = builder.add_section("qol_review", "page_1", {"title": "Unused"}, revision=doc.revision, actor=admin,
                              now=now)
    published, _ = builder.publish_form("qol_review", revision=doc.revision, actor=admin, now=now)
    assert [len(p["sections"]) for p in published.definition["layout"]["pages"]] == [1]


def test_tags_make_a_published_form_available_where_a_workflow_state_accepts_them(qol, admin, now, synced):
    doc = builder.set_form_tags("qol_review", "dao_assessment", revision=qol.revision, actor=admin, now=now)
    assert published_forms("dao_assessment") == []
    builder.publish_form("qol_review", revision=doc.revision, actor=admin, now=now)
    assert [d.key for d in published_forms("dao_assessment")] == ["qol_review"]
    places = form_usage("qol_review", ["dao_assessment"])
    assert {(p["workflow_key"], p["state_key"], p["via"]) for p in places} == {
        ("dao_pathway", "risk_assessment", "dao_assessment")}
    row = next(r for r in list_forms() if r["key"] == "qol_review")
    assert (row["status"], row["published_version"], row["usage"]) == ("published", 1, places)


def test_retiring_stops_new_use_and_publishing_again_restores_it(qol, admin, now):
    builder.publish_form("qol_review", revision=qol.revision, actor=admin, now=now)
    assert builder.retire_form("qol_review", actor=admin, now=now) == 1
    with pytest.raises(NotFound):
        get_form("qol_review")
    assert get_form("qol_review", 1).status == "retired"
    assert builder_form("qol_review")["retired"]
    with pytest.raises(NotAllowed):
        builder.retire_form("qol_review", actor=admin, now=now)
    builder.restore_form("qol_review", actor=admin, now=now)
    assert get_form("qol_review").version == 1
    assert [e.action for e in AuditEntry.objects(target_id="qol_review").order_by("id")][-2:] == [
        "form.retired", "form.restored"]


def test_duplicating_starts_a_new_form_with_the_same_questions(qol, admin, now):
    copy = builder.duplicate_form("qol_review", {"key": "qol_follow_up", "title": "Follow-up"}, actor=admin, now=now)
    assert (copy.key, copy.version, copy.status, copy.title) == ("qol_follow_up", 1, "draft", "Follow-up")
    assert copy.definition["schema"] == qol.definition["schema"]
    with pytest.raises(InvalidInput):
        builder.duplicate_form("qol_review", {"key": "qol_follow_up", "title": "Again"}, actor=admin, now=now)


def test_export_is_plain_json_schema_and_imports_back(qol, admin, now):
    name, text = builder.export_form("qol_review", actor=admin, now=now)
    data = json.loads(text)
    assert name == "qol_review-v1.json"
    assert "version" not in data and "status" not in data
    assert data["schema"]["$schema"].endswith("2020-12/schema")
    Draft202012Validator.check_schema(data["schema"])
    Draft202012Validator(data["schema"]).validate({"matters": "Family", "rating": 4, "has_support": False})
    data.update(key="qol_imported", title="Imported")
    doc = builder.import_form(json.dumps(data).encode(), actor=admin, now=now)
    assert (doc.key, doc.version, doc.status, doc.source) == ("qol_imported", 1, "draft", "import")
    assert AuditEntry.objects(action="form.imported", target_id="qol_imported").count() == 1
    assert AuditEntry.objects(action="form.exported", target_id="qol_review").count() == 1


@pytest.mark.parametrize(("raw", "field"), [
    (b"", "file"),
    (b"{not json", "file"),
    (b"[1, 2]", "file"),
])
def test_an_unreadable_import_is_refused(app, admin, now, raw, field):
    with pytest.raises(InvalidInput) as caught:
        builder.import_form(raw, actor=admin, now=now)
    assert caught.value.problems[0].field == field


def test_an_imported_definition_goes_through_the_same_checks(qol, admin, now):
    _name, text = builder.export_form("qol_review", actor=admin, now=now)
    data = json.loads(text)
    data["key"] = "broken_import"
    data["layout"]["pages"][0]["sections"][0]["items"][-1]["show_when"]["field"] = "nothing"
    with pytest.raises(DefinitionError) as caught:
        builder.import_form(json.dumps(data).encode(), actor=admin, now=now)
    assert caught.value.problems[0].field == "supporters"
    assert FormDefinition.objects(key="broken_import").count() == 0


def test_importing_an_existing_key_makes_its_next_version(qol, admin, now):
    builder.publish_form("qol_review", revision=qol.revision, actor=admin, now=now)
    _name, text = builder.export_form("qol_review", actor=admin, now=now)
    with pytest.raises(Conflict) as same:
        builder.import_form(text.encode(), actor=admin, now=now)  # identical: nothing new to publish
    assert "same as version 1" in str(same.value)
    changed = json.loads(text) | {"title": "Quality of life review (revised)"}
    doc = builder.import_form(json.dumps(changed).encode(), actor=admin, now=now)
    assert (doc.key, doc.version) == ("qol_review", 2)
    with pytest.raises(Conflict):
        builder.import_form(json.dumps(changed).encode(), actor=admin, now=now)


@pytest.mark.parametrize(("answers", "errors"), [
    ({"matters": "My children"}, set()),
    ({"matters": "My children", "has_support": "true"}, {"supporters"}),
    ({"has_support": "false", "supporters": "dropped"}, {"matters"}),
    ({"matters": "x", "rating": "11"}, {"rating"}),
    ({"matters": "x", "interview_date-day": "1", "interview_date-month": "1", "interview_date-year": "2099"},
     {"interview_date"}),
])
def test_trying_sample_answers_validates_like_a_real_submission(qol, admin, now, answers, errors):
    result = try_form("qol_review", answers, actor=admin, now=now)
    assert set(result["errors"]) == errors
    assert "supporters" not in result["answers"] or answers.get("has_support") == "true"


def test_calculated_values_come_from_the_registry(qol, admin, now):
    doc = builder.add_computed("qol_review", {"computed_key": "score", "function": "sum_fields"}, ["rating"],
                               revision=qol.revision, actor=admin, now=now)
    assert doc.definition["computed"] == [{"key": "score", "function": "sum_fields", "params": {"fields": ["rating"]}}]
    assert try_form("qol_review", {"matters": "x", "rating": "6"}, actor=admin, now=now)["computed"] == {"score": 6}
    with pytest.raises(InvalidInput):
        builder.add_computed("qol_review", {"computed_key": "x", "function": "eval"}, [], revision=doc.revision,
                             actor=admin, now=now)
    with pytest.raises(InvalidInput) as caught:
        builder.remove_field("qol_review", "rating", revision=doc.revision, actor=admin, now=now)
    assert "score" in caught.value.problems[0].message
    doc = builder.remove_computed("qol_review", "score", revision=doc.revision, actor=admin, now=now)
    assert "computed" not in doc.definition


def test_settings_change_title_classification_tags_and_countersigning(qol, admin, now):
    doc = builder.update_form_settings("qol_review", {
        "title": "QoL", "classification": "confidential", "tags": "dao_assessment, qol", "countersign": "true"},
        revision=qol.revision, actor=admin, now=now)
    assert (doc.title, doc.classification, doc.tags) == ("QoL", "confidential", ["dao_assessment", "qol"])
    assert doc.definition["countersign"] is True
    entry = AuditEntry.objects(action="form.settings_changed").get()
    assert entry.details["tags"] == ["dao_assessment", "qol"]


def test_discarding_a_draft_leaves_the_published_versions(qol, admin, now):
    builder.publish_form("qol_review", revision=qol.revision, actor=admin, now=now)
    draft = builder.start_new_version("qol_review", actor=admin, now=now)
    with pytest.raises(Conflict):
        builder.start_new_version("qol_review", actor=admin, now=now)
    assert builder.discard_draft("qol_review", revision=draft.revision, actor=admin, now=now) == 2
    assert [d.version for d in FormDefinition.objects(key="qol_review")] == [1]
