"""The form builder pages through the Flask client: access, building, errors that keep input, versions, files."""

from __future__ import annotations

import html
import io
import json
import re

import pytest

from models.audit import AuditEntry
from models.form import FormDefinition
from tests.conftest import sign_in


@pytest.fixture
def admin(client, make_user):
    user = make_user(roles=["admin"], team="")
    sign_in(client, user)
    return user


def revision_of(key: str) -> str:
    return str(FormDefinition.objects(key=key, status="draft").get().revision)


def build(client, key: str = "qol_review") -> None:
    """Create a small form through the pages."""
    assert client.post("/admin/forms/new", data={"key": key, "title": "Quality of Life review",
                                                 "classification": "standard"}).status_code == 302
    for data in ({"widget": "yesno", "label": "Do you have support?", "name": "has_support"},
                 {"widget": "text", "label": "Who supports you?", "name": "supporters", "required": "true",
                  "show_when_field": "has_support", "show_when_value": "yes"}):
        response = client.post(f"/admin/forms/{key}/questions/new",
                               data={**data, "where": "page_1:0", "revision": revision_of(key)})
        assert response.status_code == 302, response.get_data(as_text=True)


ADMIN_PAGES = ["/admin/forms", "/admin/forms/screening/preview", "/admin/workflows", "/admin/users"]


@pytest.mark.parametrize("role", ["manager", "practitioner", "partner_worker", "referrer", "auditor"])
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_only_admins_reach_the_admin_pages(client, signed_in, synced, role, url):
    signed_in(role)
    assert client.get(url).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, app):
    response = client.get("/admin/forms")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize("url", ["/admin/forms", "/admin/forms?status=published", "/admin/forms/new",
                                 "/admin/forms/import", "/admin/forms/sara", "/admin/forms/sara/settings",
                                 "/admin/forms/sara/computed", "/admin/forms/sara/preview",
                                 "/admin/forms/sara/preview?version=1", "/admin/forms/sara/publish",
                                 "/admin/forms/sara/versions", "/admin/forms/sara/duplicate",
                                 "/admin/forms/request_for_service/preview", "/admin/forms/consent"])
def test_builder_pages_render_for_the_shipped_forms(client, admin, synced, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("<h1") == 1


def test_the_other_calculations_are_named_and_explained_in_words(client, admin, synced):
    assert client.post("/admin/forms/sara/new-version").status_code == 302
    page = html.unescape(client.get("/admin/forms/sara/computed").get_data(as_text=True))
    assert "<td class=\"govuk-table__cell\">SARA scores</td>" in page  # the shipped form's value, by its kind
    for title, summary in (("Sum of answers", "The numeric answers of the chosen questions, added up"),
                           ("Screening outcome", "unlikely to be accepted if one is red"),
                           ("Inventory totals", "how many were unknown (?)")):
        assert title in page and summary in page
    assert "sum fields" not in page and "Return the sum" not in page


def test_the_forms_list_shows_status_versions_and_where_each_form_is_offered(client, admin, synced):
    html = client.get("/admin/forms").get_data(as_text=True)
    assert "<h1 class=\"govuk-heading-l\">Forms</h1>" in html
    assert "Spousal Assault Risk Assessment Guide" in html
    assert "Domestic Abuse Officer pathway: Risk assessment" in html
    admin.update(language="cy")
    welsh = client.get("/admin/forms").get_data(as_text=True)
    assert "Llwybr y Swyddog Cam-drin Domestig: Asesiad risg" in welsh and "Domestic Abuse Officer pathway" not in welsh


def test_a_form_is_built_tried_and_published_through_the_pages(client, admin, now):
    build(client)
    html = client.get("/admin/forms/qol_review").get_data(as_text=True)
    assert "Shown only when “Do you have support?” is Yes" in html
    tried = client.post("/admin/forms/qol_review/preview", data={"has_support": "true"})
    assert tried.status_code == 422
    assert "Enter" in tried.get_data(as_text=True) and 'href="#supporters"' in tried.get_data(as_text=True)
    accepted = client.post("/admin/forms/qol_review/preview", data={"has_support": "false"})
    assert accepted.status_code == 200 and "These answers would be accepted" in accepted.get_data(as_text=True)
    review = client.get("/admin/forms/qol_review/publish").get_data(as_text=True)
    assert review.count("Added") == 2
    published = client.post("/admin/forms/qol_review/publish", data={"revision": revision_of("qol_review")})
    assert published.status_code == 302
    assert FormDefinition.objects.get(key="qol_review").status == "published"
    actions = {e.action for e in AuditEntry.objects(target_id="qol_review")}
    assert {"form.created", "form.field_added", "form.published"} <= actions


def test_a_refused_question_keeps_everything_typed(client, admin):
    build(client)
    response = client.post("/admin/forms/qol_review/questions/new", data={
        "widget": "radios", "where": "page_1:0", "revision": revision_of("qol_review"), "label": "How often?",
        "options": "Never | 0\nOften | lots", "hint": "Think of the last month"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "govuk-error-summary" in html and "The score of “Often” must be a number" in html
    assert 'value="How often?"' in html and "Never | 0\nOften | lots" in html and "Think of the last month" in html


def test_a_stale_page_gets_a_conflict_not_a_silent_overwrite(client, admin):
    build(client)
    stale = str(int(revision_of("qol_review")) - 1)
    response = client.post("/admin/forms/qol_review/questions/supporters/edit", data={
        "widget": "text", "revision": stale, "label": "Who helps you?"})
    assert response.status_code == 409
    assert 'value="Who helps you?"' in response.get_data(as_text=True)
    stored = FormDefinition.objects.get(key="qol_review").definition
    assert stored["schema"]["properties"]["supporters"]["title"] == "Who supports you?"


def test_questions_move_and_are_removed_through_the_pages(client, admin):
    build(client)
    client.post("/admin/forms/qol_review/questions/new", data={
        "widget": "date", "label": "Date", "name": "when", "where": "page_1:0", "revision": revision_of("qol_review")})
    moved = client.post("/admin/forms/qol_review/questions/when/move",
                        data={"direction": "up", "revision": revision_of("qol_review")})
    assert moved.status_code == 302
    items = FormDefinition.objects.get(key="qol_review").definition["layout"]["pages"][0]["sections"][0]["items"]
    assert [i["field"] for i in items] == ["has_support", "when", "supporters"]
    refused = client.post("/admin/forms/qol_review/questions/has_support/remove",
                          data={"revision": revision_of("qol_review")})
    assert refused.status_code == 422 and "Who supports you?" in refused.get_data(as_text=True)
    assert client.get("/admin/forms/qol_review/questions/when/remove").status_code == 200
    removed = client.post("/admin/forms/qol_review/questions/when/remove", data={"revision": revision_of("qol_review")})
    assert removed.status_code == 302
    assert "when" not in FormDefinition.objects.get(key="qol_review").definition["schema"]["properties"]


def test_pages_and_sections_are_added_through_the_pages(client, admin):
    build(client)
    assert client.post("/admin/forms/qol_review/pages/new", data={
        "title": "Support", "revision": revision_of("qol_review")}).status_code == 302
    assert client.post("/admin/forms/qol_review/pages/page_1/sections/new", data={
        "title": "More", "revision": revision_of("qol_review")}).status_code == 302
    refused = client.post("/admin/forms/qol_review/pages/new",
                          data={"title": "", "revision": revision_of("qol_review")})
    assert refused.status_code == 422
    pages = FormDefinition.objects.get(key="qol_review").definition["layout"]["pages"]
    assert [p["title"] for p in pages] == ["Quality of Life review", "Support"]
    assert pages[0]["sections"][1] == {"title": "More", "items": []}


def test_the_tag_is_set_in_the_settings(client, admin, synced):
    build(client)
    page = client.get("/admin/forms/qol_review/settings").get_data(as_text=True)
    assert "dao_assessment" in page
    response = client.post("/admin/forms/qol_review/settings", data={
        "title": "Quality of Life review", "classification": "standard", "tags": "dao_assessment",
        "revision": revision_of("qol_review")})
    assert response.status_code == 302
    assert FormDefinition.objects.get(key="qol_review").tags == ["dao_assessment"]
    bad = client.post("/admin/forms/qol_review/settings", data={
        "title": "Q", "classification": "standard", "tags": "Not a tag!", "revision": revision_of("qol_review")})
    assert bad.status_code == 422 and 'value="Not a tag!"' in bad.get_data(as_text=True)


def test_export_downloads_json_and_import_uploads_it(client, admin):
    build(client)
    exported = client.get("/admin/forms/qol_review/export")
    assert exported.status_code == 200 and exported.mimetype == "application/json"
    assert 'filename="qol_review-v1.json"' in exported.headers["Content-Disposition"]
    data = json.loads(exported.get_data(as_text=True))
    data.update(key="qol_copy", title="Copy")
    uploaded = client.post("/admin/forms/import", data={"file": (io.BytesIO(json.dumps(data).encode()), "f.json")},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 302 and uploaded.headers["Location"].endswith("/admin/forms/qol_copy")
    broken = client.post("/admin/forms/import", data={"file": (io.BytesIO(b"{oops"), "f.json")},
                         content_type="multipart/form-data")
    assert broken.status_code == 422 and 'href="#file"' in broken.get_data(as_text=True)


def test_versions_retire_and_restore_through_the_pages(client, admin):
    build(client)
    client.post("/admin/forms/qol_review/publish", data={"revision": revision_of("qol_review")})
    assert client.post("/admin/forms/qol_review/new-version").status_code == 302
    assert FormDefinition.objects(key="qol_review", status="draft").get().version == 2
    page = client.get("/admin/forms/qol_review/versions").get_data(as_text=True)
    assert "Discard the draft" in page and "Retire the form" in page
    assert client.post("/admin/forms/qol_review/retire").status_code == 302
    assert FormDefinition.objects.get(key="qol_review", version=1).status == "retired"
    assert client.post("/admin/forms/qol_review/restore").status_code == 302
    assert FormDefinition.objects.get(key="qol_review", version=1).status == "published"


def test_a_draft_the_same_as_the_last_version_is_not_published_again(client, admin):
    build(client)
    client.post("/admin/forms/qol_review/publish", data={"revision": revision_of("qol_review")})
    client.post("/admin/forms/qol_review/new-version")
    review = client.get("/admin/forms/qol_review/publish").get_data(as_text=True)
    assert "There is nothing to publish" in review and "Publish version 2</button>" not in review
    refused = client.post("/admin/forms/qol_review/publish", data={"revision": revision_of("qol_review")})
    assert refused.status_code == 409 and "there is nothing to publish" in refused.get_data(as_text=True)
    assert FormDefinition.objects.get(key="qol_review", version=2).status == "draft"


@pytest.mark.parametrize(("method", "url", "status"), [
    ("get", "/admin/forms/no_such_form", 404),
    ("get", "/admin/forms/no_such_form/preview", 404),
    ("get", "/admin/forms/qol_review/preview?version=99", 404),
    ("get", "/admin/forms/qol_review/questions/nothing/edit", 404),
    ("post", "/admin/forms/qol_review/questions/nothing/move", 422),
    ("get", "/admin/forms/qol_review/pages/nowhere/edit", 404),
    ("get", "/admin/forms/qol_review/questions/new?widget=nonsense", 422),
    ("post", "/admin/forms/qol_review/restore", 404),
    ("post", "/admin/forms/qol_review/retire", 403),
])
def test_bad_addresses_and_actions_never_end_in_a_server_error(client, admin, method, url, status):
    build(client)
    response = getattr(client, method)(url, data={"revision": revision_of("qol_review")} if method == "post" else None)
    assert response.status_code == status


def test_the_builder_page_links_each_problem_to_its_question(client, admin):
    build(client)
    response = client.post("/admin/forms/qol_review/questions/supporters/move",
                           data={"direction": "up", "revision": revision_of("qol_review")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'href="#supporters">Question “Who supports you\?” \(its condition\)', html)
    assert 'id="supporters"' in html


def test_a_builder_link_made_before_publishing_leads_to_the_form_saying_what_to_do(client, admin):
    build(client)
    client.post("/admin/forms/qol_review/publish", data={"revision": revision_of("qol_review")})
    opened = client.get("/admin/forms/qol_review/questions/new?widget=text")
    assert opened.status_code == 302 and opened.headers["Location"] == "/admin/forms/qol_review"
    assert "choose “Edit this form” first" in client.get(opened.headers["Location"]).get_data(as_text=True)
    sent = client.post("/admin/forms/qol_review/questions/new", data={"widget": "text", "label": "Anything else?"})
    assert sent.status_code == 409 and "Anything else?" in sent.get_data(as_text=True)  # what was typed, shown back


def test_a_question_whose_wording_starts_with_its_number_is_not_numbered_twice(client, admin, synced):
    page = html.unescape(client.get("/admin/forms/screening").get_data(as_text=True))
    assert "1. Is the individual already subject to Probation Service supervision?" in page
    assert '<span class="pathway-muted">1.</span>' not in page
    assert '<span class="pathway-muted">1.</span>' in html.unescape(client.get("/admin/forms/sara").get_data(
        as_text=True))  # a form whose questions do not number themselves keeps the builder's numbers


def test_the_preview_does_not_say_only_practitioners_fill_the_form_in(client, admin, synced):
    page = html.unescape(client.get("/admin/forms/screening/preview").get_data(as_text=True))
    assert "as the people who fill it in see it" in page and "What practitioners see" not in page


def test_a_date_of_birth_question_is_given_a_youngest_age_through_the_pages(client, admin):
    build(client)
    base = {"widget": "date", "label": "His date of birth", "name": "his_dob", "where": "page_1:0",
            "no_future": "true"}
    wrong = client.post("/admin/forms/qol_review/questions/new",
                        data={**base, "min_years_ago": "sixteen", "revision": revision_of("qol_review")})
    page = html.unescape(wrong.get_data(as_text=True))
    assert wrong.status_code == 422 and "The youngest age must be a whole number, like 16" in page
    assert 'value="sixteen"' in page and 'href="#min_years_ago"' in page  # kept, and the summary goes to it
    done = client.post("/admin/forms/qol_review/questions/new",
                       data={**base, "min_years_ago": "16", "revision": revision_of("qol_review")})
    assert done.status_code == 302
    items = FormDefinition.objects.get(key="qol_review").definition["layout"]["pages"][0]["sections"][0]["items"]
    assert next(i for i in items if i.get("field") == "his_dob")["min_years_ago"] == 16
    assert "At least 16 years ago" in client.get("/admin/forms/qol_review").get_data(as_text=True)
    preview = client.get("/admin/forms/qol_review/questions/his_dob/edit").get_data(as_text=True)
    assert 'name="min_years_ago"' in preview and 'value="16"' in preview
