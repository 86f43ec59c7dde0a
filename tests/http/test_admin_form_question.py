"""The builder's question page through the Flask client: conditions picked from options, every problem at once;
and guidance typed with paragraphs, kept on the builder's pages."""

from __future__ import annotations

from models.form import FormDefinition
from tests.http.test_admin_form_fast import dash  # noqa: F401 - a draft with a three-row grid
from tests.http.test_admin_forms import admin, revision_of  # noqa: F401 - the admin fixture signs in

Q2 = "q2_very_frightened"


def draft(key: str = "dash") -> dict:
    return FormDefinition.objects(key=key, status="draft").get().definition


def item_of(defn: dict, name: str) -> dict:
    return next(i for p in defn["layout"]["pages"] for s in p["sections"] for i in s["items"] if i.get("field") == name)


def test_a_condition_answer_is_chosen_from_the_options_of_the_question(client, dash):  # noqa: F811
    page = client.get("/admin/forms/dash/questions/new?widget=date&where=page_1:0").get_data(as_text=True)
    assert '<optgroup label="Are you very frightened?" data-target="q2_very_frightened">' in page
    assert f'<option value="{Q2}=don_t_know">Don&#39;t know</option>' in page
    assert 'for="show_when_value">Answer to a question answered in words or a number</label>' in page
    response = client.post("/admin/forms/dash/questions/new", data={
        "widget": "date", "label": "Follow-up date", "name": "follow_up", "where": "page_1:0",
        "show_when_field": Q2, "show_when_operator": "equals", "show_when_option": f"{Q2}=don_t_know",
        "revision": revision_of("dash")})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert item_of(draft(), "follow_up")["show_when"] == {"field": Q2, "equals": "don_t_know"}
    page = client.get("/admin/forms/dash/questions/follow_up/edit").get_data(as_text=True)
    assert f'<option value="{Q2}=don_t_know" selected>' in page


def test_a_condition_needs_an_answer_of_the_question_chosen(client, dash):  # noqa: F811
    response = client.post("/admin/forms/dash/questions/new", data={
        "widget": "text", "label": "Why?", "where": "page_1:0", "show_when_field": Q2,
        "show_when_option": "q3_conflict=yes", "revision": revision_of("dash")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<a href="#show_when_option">Choose the answer that shows this question</a>' in page
    assert '<option value="q3_conflict=yes" selected>' in page


def test_a_typed_answer_is_still_used_for_a_question_answered_in_words(client, dash):  # noqa: F811
    assert client.post("/admin/forms/dash/questions/new", data={
        "widget": "text", "label": "Name", "name": "name", "where": "page_1:0",
        "revision": revision_of("dash")}).status_code == 302
    response = client.post("/admin/forms/dash/questions/new", data={
        "widget": "text", "label": "Alias", "name": "alias", "where": "page_1:0", "show_when_field": "name",
        "show_when_operator": "not_equals", "show_when_value": "Unknown", "revision": revision_of("dash")})
    assert response.status_code == 302
    assert item_of(draft(), "alias")["show_when"] == {"field": "name", "not_equals": "Unknown"}


def test_every_problem_of_the_question_page_is_listed_at_once(client, dash):  # noqa: F811
    response = client.post("/admin/forms/dash/questions/new", data={
        "widget": "integer", "label": "", "min": "x", "where": "nowhere:9", "show_when_expr": "q9 >",
        "revision": revision_of("dash")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    summary = page[page.index("govuk-error-summary__list"):page.index("</ul>", page.index("govuk-error-summary"))]
    for link in ('<a href="#label">Enter the question</a>', '<a href="#min">', '<a href="#show_when_expr">',
                 '<a href="#where">Choose where the question goes</a>'):
        assert link in summary
    assert 'value="q9 &gt;"' not in page and "q9 &gt;</textarea>" in page


def test_a_condition_naming_an_unknown_question_points_at_the_condition_box(client, dash):  # noqa: F811
    response = client.post("/admin/forms/dash/questions/new", data={
        "widget": "text", "label": "Count", "where": "page_1:0", "show_when_expr": "nothing_here = 'Yes'",
        "revision": revision_of("dash")})
    assert response.status_code == 422
    assert '<a href="#show_when_expr">' in response.get_data(as_text=True)


def test_guidance_paragraphs_are_kept_on_the_builder_and_the_preview(client, dash):  # noqa: F811
    response = client.post("/admin/forms/dash/guidance/new", data={
        "guidance": "Ask each question.\r\n\r\nRecord the answer\r\nas given.", "where": "page_1:0",
        "revision": revision_of("dash")})
    assert response.status_code == 302
    response = client.post("/admin/forms/dash/settings", data={
        "title": "DASH", "classification": "confidential", "description": "Intro one.\r\n\r\nIntro two.",
        "revision": revision_of("dash")})
    assert response.status_code == 302, response.get_data(as_text=True)
    assert draft()["description"] == "Intro one.\n\nIntro two."
    builder_page = client.get("/admin/forms/dash").get_data(as_text=True)
    assert '<p class="govuk-body-s">Ask each question.</p><p class="govuk-body-s">Record the answer<br>as given.</p>' \
        in builder_page
    preview = client.get("/admin/forms/dash/preview").get_data(as_text=True)
    for html in ('<p class="govuk-body">Intro one.</p><p class="govuk-body">Intro two.</p>',
                 '<p class="govuk-body">Ask each question.</p>'
                 '<p class="govuk-body">Record the answer<br>as given.</p>'):
        assert html in preview
