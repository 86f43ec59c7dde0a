"""A form filled in while reading Pathway in Welsh: its error messages are Welsh, quoting the Welsh labels."""

from __future__ import annotations

import html
import re

import pytest

from models.case import Case
from models.form import Submission
from tests.conftest import sign_in


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def welsh_referral(client, synced, make_team, make_user):
    """Return the form page of a Welsh-reading referrer's Request for Service, and its draft."""
    make_team(key="north")
    referrer = make_user(roles=["referrer"], team="")
    sign_in(client, referrer)
    client.get("/language/cy?next=/referrals/")
    client.post("/referrals/new", data={"workflow": "dao_pathway"})
    case = Case.objects.get(referrer_id=str(referrer.pk))
    client.post(f"/cases/{case.pk}/forms/request_for_service")
    draft = Submission.objects.get(case_id=case.pk, form_key="request_for_service")
    return f"/cases/{case.pk}/forms/request_for_service/{draft.pk}", draft


def test_a_bad_answer_on_a_welsh_page_is_reported_in_welsh_and_kept(client, welsh_referral):
    base, draft = welsh_referral
    posted = {"person_name": "Siôn", "person_dob-day": "31", "person_dob-month": "2", "person_dob-year": "1990",
              "interpreter_needed": "maybe", "revision": draft.revision, "action": "continue"}
    response = client.post(f"{base}/pages/person", data=posted)
    assert response.status_code == 422
    page = text(response)
    summary = page[page.index("govuk-error-summary"):page.index("</ul>", page.index("govuk-error-summary"))]
    # The form's Welsh error labels name the questions (“the date of birth of the person referred”).
    wrong_date = "Rhaid i’r dyddiad ar gyfer dyddiad geni’r person a atgyfeiriwyd fod yn ddyddiad go iawn"
    assert wrong_date in summary and "Dewiswch ie neu na ar gyfer “A oes angen cyfieithydd?”" in summary
    assert "Rhowch ateb ar gyfer cyfeiriad y person a atgyfeiriwyd" in summary  # a required answer left out
    by_field = re.findall(r'class="govuk-error-message"><span class="govuk-visually-hidden">Gwall:</span> ([^<]+)</p>',
                          page)
    assert wrong_date in by_field
    assert not re.search(r"\b(Enter|Select|must be)\b", summary + " ".join(by_field))  # no English wording
    # What was typed stays in the boxes.
    assert 'value="31"' in page and 'value="1990"' in page and 'value="Siôn"' in page
    assert Submission.objects.get(pk=draft.pk).answers["person_dob"] == "1990-2-31"


def test_the_same_page_in_english_keeps_the_english_messages(client, welsh_referral):
    base, draft = welsh_referral
    client.get(f"/language/en?next={base}")
    posted = {"person_dob-day": "31", "person_dob-month": "2", "person_dob-year": "1990",
              "revision": draft.revision, "action": "continue"}
    page = text(client.post(f"{base}/pages/person", data=posted))
    assert "The date of birth of the person referred must be a real date" in page
    assert "Enter the address of the person referred" in page



def test_submitting_with_answers_missing_lists_them_in_welsh(client, welsh_referral):
    base, draft = welsh_referral
    response = client.post(f"{base}/check", data={"revision": draft.revision})
    assert response.status_code == 422
    page = text(response)
    assert "Rhowch ateb ar gyfer “Enw’r gweithiwr cymdeithasol”" in page
    assert "Dewiswch ie neu na ar gyfer “A oes angen cyfieithydd?”" in page
