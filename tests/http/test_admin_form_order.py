"""Moving questions to a position through the Flask client: the no-script page, the script's JSON, refusals."""

from __future__ import annotations

from forms.builder.order import order
from models.form import FormDefinition
from tests.http.test_admin_form_fast import dash  # noqa: F401 - a draft with a three-row grid
from tests.http.test_admin_forms import admin, revision_of  # noqa: F401 - the admin fixture signs in

Q1 = "q1_current_incident_resulted"


def draft_order(key: str = "dash") -> list[str]:
    return order(FormDefinition.objects(key=key, status="draft").get().definition)


def test_the_questions_page_offers_a_position_box_per_question(client, dash):  # noqa: F811
    page = client.get("/admin/forms/dash").get_data(as_text=True)
    assert page.count("data-position-form") == 3
    assert 'id="position-q2_very_frightened"' in page and ", 1 to 3</label>" in page
    assert 'id="builder-announce" role="status" aria-live="polite"' in page
    assert "js/builder-order.js" in page


def test_a_typed_position_moves_the_question_without_script(client, dash):  # noqa: F811
    response = client.post("/admin/forms/dash/questions/q3_conflict/position",
                           data={"position": "1", "revision": revision_of("dash")})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/forms/dash#q3_conflict")
    assert draft_order() == ["q3_conflict", Q1, "q2_very_frightened"]
    page = client.get("/admin/forms/dash").get_data(as_text=True)
    assert "“Is there conflict?” moved to position 1 of 3" in page


def test_the_script_gets_the_move_as_json(client, dash):  # noqa: F811
    response = client.post(f"/admin/forms/dash/questions/{Q1}/position",
                           headers={"Accept": "application/json"},
                           data={"position": "3", "revision": revision_of("dash")})
    assert response.status_code == 200
    assert response.get_json() == {"message": "“Has the current incident resulted in injury?” moved to position 3 "
                                              "of 3", "revision": int(revision_of("dash")), "anchor": Q1}
    assert draft_order() == ["q2_very_frightened", "q3_conflict", Q1]


def test_a_wrong_position_is_named_at_its_own_box_and_kept(client, dash):  # noqa: F811
    response = client.post("/admin/forms/dash/questions/q2_very_frightened/position",
                           data={"position": "9", "revision": revision_of("dash")})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#position-q2_very_frightened"' in page and "Enter a position from 1 to 3" in page
    assert 'aria-describedby="position-q2_very_frightened-error"' in page and 'value="9"' in page
    assert draft_order() == [Q1, "q2_very_frightened", "q3_conflict"]
    json_answer = client.post("/admin/forms/dash/questions/q2_very_frightened/position",
                              headers={"Accept": "application/json"},
                              data={"position": "x", "revision": revision_of("dash")})
    assert json_answer.status_code == 422
    assert json_answer.get_json()["error"]["problems"] == [{"field": "position",
                                                            "message": "Enter a position from 1 to 3"}]


def test_a_move_from_a_stale_page_is_refused(client, dash):  # noqa: F811
    stale = revision_of("dash")
    assert client.post("/admin/forms/dash/questions/q3_conflict/position",
                       data={"position": "1", "revision": stale}).status_code == 302
    response = client.post(f"/admin/forms/dash/questions/{Q1}/position",
                           data={"position": "3", "revision": stale})
    assert response.status_code == 409
    assert "Someone else changed this form" in response.get_data(as_text=True)
    assert draft_order() == ["q3_conflict", Q1, "q2_very_frightened"]
