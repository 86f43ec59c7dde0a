"""Intake from the pathway files: the referral start page, the staff "Open a case" journey, the API and the CLI."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from models.case import Case, WorkflowVersion
from services.cases.intake import open_new_case, openable_pathways
from services.referrals import portal as referrals
from services.submissions.filling import save_draft, start_submission, submit_submission
from tests.conftest import sign_in

ANSWERS = Path(__file__).resolve().parents[1] / "fixtures" / "answers"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def people(synced, make_team, make_user):
    make_team(key="north")
    return {
        "referrer": make_user(roles=["referrer"], team="", organisation="Children's Services"),
        "manager": make_user(roles=["manager"], team="north"),
        "practitioner": make_user(roles=["practitioner"], team="north"),
        "partner_worker": make_user(roles=["partner_worker"], team="north"),
    }


def test_a_referral_started_with_nothing_chosen_is_told_of_both_choices_at_once(client, people, make_team):
    make_team(key="south", name="South Team")
    sign_in(client, people["referrer"])
    response = client.post("/referrals/new", data={})
    page = text(response)
    assert response.status_code == 422
    assert "Choose the service you are referring to" in page and "Choose the team to refer to" in page


def test_the_start_page_offers_every_service_the_referrers_organisation_may_refer_to(client, people):
    sign_in(client, people["referrer"])
    page = text(client.get("/referrals/new"))
    assert "Which service are you referring to?" in page
    assert "Domestic Abuse Officer service (Family Safeguarding)" in page
    assert "Community perpetrator programme" in page
    assert "Community Domestic Violence Programme" not in page  # opened inside probation, not referred to
    response = client.post("/referrals/new", data={"team": "north"})
    assert response.status_code == 422 and "Choose the service you are referring to" in text(response)
    response = client.post("/referrals/new", data={"workflow": "probation_cdvp", "team": "north"})
    assert response.status_code == 422
    response = client.post("/referrals/new", data={"workflow": "community_programme", "team": "north"})
    assert response.status_code == 302
    case = Case.objects.get(referrer_id=str(people["referrer"].pk))
    tasks = text(client.get(f"/referrals/{case.pk}/tasks"))
    assert "Community perpetrator programme" in tasks and "Referral form" in tasks
    assert "About the man, his family, his offending, the risk and his consent" in tasks


def test_a_community_referral_is_sent_with_the_person_the_file_maps_and_its_own_wording(client, people, now):
    referrer = people["referrer"]
    case = referrals.start_referral(workflow_key="community_programme", team="north", actor=referrer, now=now)
    answers = json.loads((ANSWERS / "community_referral.json").read_text())
    answers.update(client_name="Owen Example", client_dob="1984-02-03")
    sub = start_submission(case, "community_referral", actor=referrer, now=now)
    sub, _ = save_draft(sub, answers, revision=sub.revision, actor=referrer, now=now)
    submit_submission(sub, revision=sub.revision, actor=referrer, now=now)
    case = referrals.submit_referral(case, actor=referrer, now=now)
    assert case.reference.startswith(f"CP-{now.year}-") and case.state == "referred"
    assert case.person.name == "Owen Example" and case.person.date_of_birth.isoformat() == "1984-02-03"
    sign_in(client, referrer)
    sent = text(client.get(f"/referrals/{case.pk}/sent"))
    assert "will book an assessment appointment" in sent and "case consultation" not in sent


def test_an_organisation_outside_a_pathways_list_cannot_refer_to_it(people, now):
    from errors import InvalidInput
    from models.user import User

    stored = WorkflowVersion.objects(key="community_programme").order_by("-version").first()
    stored.definition["intake"]["referral"]["from"] = ["Probation Service"]
    WorkflowVersion(key="community_programme", version=stored.version + 1, content_hash="x" * 64,
                    title=stored.title, definition=stored.definition, source="test", synced_at=now).save()
    referrer = User.objects.get(pk=people["referrer"].pk)
    assert "community_programme" not in referrals.referral_services(referrer)
    with pytest.raises(InvalidInput):
        referrals.start_referral(workflow_key="community_programme", team="north", actor=referrer, now=now)
    referrer.organisation = "  probation   service "
    assert "community_programme" in referrals.referral_services(referrer)


def test_staff_open_a_case_from_the_cases_page(client, people):
    practitioner = people["practitioner"]
    sign_in(client, practitioner)
    assert 'href="/cases/new"' in text(client.get("/cases"))
    page = text(client.get("/cases/new"))
    assert "Open a case" in page and "Community perpetrator programme" in page
    assert "Community Domestic Violence Programme (probation)" in page and "Domestic Abuse Officer" not in page
    bad = client.post("/cases/new", data={"workflow": "community_programme", "name": "",
                                          "date_of_birth-day": "31", "date_of_birth-month": "2",
                                          "date_of_birth-year": "1990", "address": "1 Mill Lane"})
    body = text(bad)
    assert bad.status_code == 422 and "Enter the person's full name" in body
    assert "<title>Error: Open a case" in bad.get_data(as_text=True)
    assert "Date of birth must be a real date" in body and "1 Mill Lane" in body
    assert not Case.objects(kind="perpetrator")
    long_ago = client.post("/cases/new", data={"workflow": "community_programme", "name": "Jo Example",
                                               "date_of_birth-day": "1", "date_of_birth-month": "1",
                                               "date_of_birth-year": "1800"})
    assert long_ago.status_code == 422 and "Date of birth must be in 1900 or later" in text(long_ago)
    assert 'value="1800"' in text(long_ago) and not Case.objects(kind="perpetrator")
    done = client.post("/cases/new", data={"workflow": "community_programme", "name": "Jo Example",
                                           "date_of_birth-day": "3", "date_of_birth-month": "4",
                                           "date_of_birth-year": "1988"})
    assert done.status_code == 302
    case = Case.objects.get(kind="perpetrator")
    assert done.headers["Location"].endswith(f"/cases/{case.pk}")
    assert case.state == "referred" and case.reference.startswith("CP-") and case.team == "north"
    assert case.allocated_to == str(practitioner.pk) and case.person.date_of_birth.isoformat() == "1988-04-03"
    assert client.get(f"/cases/{case.pk}/forms/community_referral").status_code in (200, 302)


def test_only_staff_whose_role_the_file_names_may_open_cases(client, people, now):
    from errors import InvalidInput, NotAllowed

    assert openable_pathways(people["partner_worker"]) == {}
    with pytest.raises(NotAllowed):
        open_new_case(workflow_key="community_programme", person={"name": "A"}, actor=people["partner_worker"],
                      now=now)
    with pytest.raises(InvalidInput) as caught:
        open_new_case(workflow_key="dao_pathway", person={"name": "A"}, actor=people["manager"], now=now)
    assert caught.value.problems[0].field == "workflow"
    sign_in(client, people["referrer"])
    assert client.get("/cases/new").status_code == 403


def test_the_api_opens_a_case_and_names_bad_fields(client, people):
    sign_in(client, people["manager"])
    response = client.post("/api/v1/cases", json={"workflow": "probation_cdvp",
                                                  "person": {"name": "Lee Example", "date_of_birth": "1979-12-01"}})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()["case"]
    assert body["reference"].startswith("CDVP-") and body["state"] == "referred"
    assert body["person"]["name"] == "Lee Example"
    bad = client.post("/api/v1/cases", json={"workflow": "probation_cdvp", "person": {"date_of_birth": "soon"}})
    assert bad.status_code == 422
    fields = {p["field"] for p in bad.get_json()["error"]["problems"]}
    assert "person.name" in fields
    wrong = client.post("/api/v1/cases", json={"workflow": "dao_pathway", "person": {"name": "X"}})
    assert wrong.status_code == 422


def test_the_cli_opens_a_case_as_a_member_of_staff(runner, people):
    result = runner.invoke(args=["cases", "open", "--workflow", "probation_cdvp", "--name", "Ray Example",
                                 "--dob", "1980-01-02", "--as", people["manager"].email])
    assert result.exit_code == 0, result.output
    assert "Opened CDVP-" in result.output
    assert Case.objects.get(kind="perpetrator").person.name == "Ray Example"
    refused = runner.invoke(args=["cases", "open", "--workflow", "dao_pathway", "--name", "X",
                                  "--as", people["manager"].email])
    assert refused.exit_code != 0 and "Choose the pathway" in refused.output
