"""A Welsh administrator reads the form builder's refusals and messages in Welsh (the engine is told the language)."""

from __future__ import annotations

import html

from models.user import User
from tests.http.test_admin_form_fast import dash  # noqa: F401 - a draft with a three-row grid
from tests.http.test_admin_forms import admin, revision_of  # noqa: F401 - the admin fixture signs in
from tests.http.test_staff_pages_welsh import assert_no_english

Q1 = "q1_current_incident_resulted"


def test_a_welsh_administrator_reads_the_builders_refusals_and_moves_in_welsh(client, admin, dash):  # noqa: F811
    User.objects(pk=admin.pk).update(set__language="cy")
    response = client.post("/admin/forms/dash/questions/new", data={
        "widget": "text", "label": "", "where": "page_1:0", "show_when_field": "q2_very_frightened",
        "show_when_expr": "q3_conflict", "revision": revision_of("dash")})
    body = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Rhowch y cwestiwn" in body
    assert "Dewiswch gwestiwn uchod neu ysgrifennwch amod, nid y ddau" in body
    assert_no_english(body, ["Enter the question", "write a condition, not both"])
    response = client.post(f"/admin/forms/dash/questions/{Q1}/position", headers={"Accept": "application/json"},
                           data={"position": "3", "revision": revision_of("dash")})
    assert response.status_code == 200
    assert response.get_json()["message"].startswith("Mae “Has the current incident resulted in injury?” wedi’i "
                                                     "symud i safle 3 o 3")
    page = html.unescape(client.get("/admin/forms/dash/computed").get_data(as_text=True))
    assert "Cyfrif ateb" in page and "Count an answer" not in page
    added = client.post("/admin/forms/dash/calculations", data={"label": "DASH score", "kind": "count", "answer": "yes",
                                                            "revision": revision_of("dash")})
    assert added.status_code == 302, added.get_data(as_text=True)[:2000]
    table = html.unescape(client.get("/admin/forms/dash/computed").get_data(as_text=True))
    assert '<td class="govuk-table__cell">Cyfrifiad</td>' in table  # the kind of each value in words, not "expression"
    # The other calculations are named and explained in Welsh, not by their code names and docstrings.
    assert "Swm yr atebion" in table and "Sgorau SARA" in table and "Atebion rhifol y cwestiynau" in table
    assert "sum fields" not in table and "sara scores" not in table and "Return " not in table
