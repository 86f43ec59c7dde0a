"""The referrer's portal through the Flask client: start, task list, check, send, status, add information."""

from __future__ import annotations

import html
import io
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from models.case import Case, CaseEvent
from models.notification import Notification
from services.cases.transitions import fire_transition
from services.referrals import portal as referrals
from services.submissions.filling import save_draft, start_submission, submit_submission
from tests.conftest import sign_in

ANSWERS = Path(__file__).resolve().parents[1] / "fixtures" / "answers"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def answers(key: str) -> dict:
    return json.loads((ANSWERS / f"{key}.json").read_text())


def fill(case, key, actor, now, overrides=None, submit=True):
    sub = start_submission(case, key, actor=actor, now=now)
    sub, _ = save_draft(sub, {**answers(key), **(overrides or {})}, revision=sub.revision, actor=actor, now=now)
    return submit_submission(sub, revision=sub.revision, actor=actor, now=now) if submit else sub


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def people(synced, make_team, make_user, client):
    make_team(key="north")
    people = {
        "referrer": make_user(roles=["referrer"], team="", organisation="Children's Services", name="Sam Referrer"),
        "manager": make_user(roles=["manager"], team="north"),
        "practitioner": make_user(roles=["practitioner"], team="north"),
    }
    sign_in(client, people["referrer"])
    return people


def draft_with_forms(people, now, keys=("request_for_service", "screening", "consent"), **rfs):
    case = referrals.start_referral(workflow_key="dao_pathway", actor=people["referrer"], now=now)
    for key in keys:
        fill(case, key, people["referrer"], now, rfs if key == "request_for_service" else None)
    return case


def test_referrer_lands_on_my_referrals_and_sees_the_start_page(client, people):
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/referrals/")
    page = text(client.get("/referrals/"))
    assert "<h1 class=\"govuk-heading-l\">My referrals</h1>" in page and "You have not sent any referrals yet" in page
    start = text(client.get("/referrals/new"))
    assert "Make a referral" in start and "Domestic Abuse Officer service" in start
    # Consistent with the programmes that take a referral he must not hear of (child protection), not "do not".
    assert "unless child-protection procedures mean he must not be told" in start
    assert "Do not make a referral for someone who is not aware of it" not in start


def test_starting_a_referral_makes_a_draft_and_shows_its_task_list(client, people):
    response = client.post("/referrals/new", data={"workflow": "dao_pathway"})
    assert response.status_code == 302
    case = Case.objects.get(referrer_id=str(people["referrer"].pk))
    assert case.status == "draft" and case.team == "north"
    assert response.headers["Location"].endswith(f"/referrals/{case.pk}/tasks")
    page = text(client.get(f"/referrals/{case.pk}/tasks"))
    assert page.count("Not started") == 3 and "Cannot start yet" in page
    for key in ("request_for_service", "screening", "consent"):
        assert f'href="/cases/{case.pk}/forms/{key}"' in page
    # A draft's reference is temporary (the real one comes when it is sent): no page shows it.
    form_page = text(client.get(f"/cases/{case.pk}/forms/screening", follow_redirects=True))
    for shown in (page, form_page):
        assert "DRAFT-" not in shown and case.reference not in shown
    listing = text(client.get("/referrals/"))
    assert "Not sent yet" in listing and "0 of 3 parts completed" in listing


def test_with_several_teams_the_referrer_must_choose_one(client, people, make_team):
    make_team(key="south", name="South Team")
    response = client.post("/referrals/new", data={"workflow": "dao_pathway"})
    assert response.status_code == 422
    page = text(response)
    assert "Choose the team to refer to" in page and 'href="#team"' in page and "South Team" in page
    assert client.post("/referrals/new", data={"workflow": "dao_pathway", "team": "south"}).status_code == 302
    assert Case.objects.get().team == "south"


def test_sending_an_incomplete_referral_names_the_missing_parts(client, people, now):
    case = draft_with_forms(people, now, keys=("request_for_service",))
    page = text(client.get(f"/referrals/{case.pk}/tasks"))
    assert "Completed" in page and "Cannot start yet" in page
    response = client.post(f"/referrals/{case.pk}/check")
    assert response.status_code == 422
    body = text(response)
    assert "Complete the screening form" in body and "Complete the consent form" in body
    assert f'href="/cases/{case.pk}/forms/screening"' in body
    assert Case.objects.get(pk=case.pk).status == "draft"


def test_check_your_answers_then_send_gives_a_reference_and_tells_the_manager(client, people, now):
    case = draft_with_forms(people, now)
    tasks = text(client.get(f"/referrals/{case.pk}/tasks"))
    assert "Check your answers and send" in tasks and "Cannot start yet" not in tasks
    check = text(client.get(f"/referrals/{case.pk}/check"))
    assert "Daniel Okafor-Reeve" in check and "Maya Okafor-Reeve" in check and "Green" in check
    assert "There may already be an open case" not in check
    response = client.post(f"/referrals/{case.pk}/check")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/referrals/{case.pk}/sent")
    case.reload()
    assert case.status == "open" and case.reference.startswith("DAO-")
    sent = text(client.get(f"/referrals/{case.pk}/sent"))
    assert "govuk-panel--confirmation" in sent and case.reference in sent
    assert Notification.objects(user_id=str(people["manager"].pk), case_id=case.pk).count() == 1
    listing = text(client.get("/referrals/"))
    assert case.reference in listing and "Received" in listing and "Daniel Okafor-Reeve" in listing
    # Once sent, the draft's pages lead to the status page.
    for path in ("tasks", "check"):
        assert client.get(f"/referrals/{case.pk}/{path}").headers["Location"].endswith(f"/referrals/{case.pk}")


def test_a_possible_duplicate_is_flagged_and_must_be_confirmed(client, people, now):
    first = draft_with_forms(people, now)
    referrals.submit_referral(first, actor=people["referrer"], now=now)
    second = draft_with_forms(people, now)
    check = text(client.get(f"/referrals/{second.pk}/check"))
    assert "There may already be an open case for someone with this name and date of birth" in check
    assert first.reload().reference not in check  # nothing about the other case itself
    refused = client.post(f"/referrals/{second.pk}/check")
    assert refused.status_code == 422 and 'href="#duplicate_confirmed"' in text(refused)
    assert Case.objects.get(pk=second.pk).status == "draft"
    sent = client.post(f"/referrals/{second.pk}/check", data={"duplicate_confirmed": "yes"})
    assert sent.status_code == 302 and Case.objects.get(pk=second.pk).status == "open"


def test_change_reopens_a_completed_part_with_its_answers(client, people, now):
    case = draft_with_forms(people, now, keys=("screening",))
    # Asked first, in words about changing answers that are kept, not about starting a form.
    asked = text(client.get(f"/referrals/{case.pk}/forms/screening/change"))
    assert "Your answers are kept" in asked and "Change the answers" in asked and "Start the form" not in asked
    response = client.post(f"/referrals/{case.pk}/forms/screening/change")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.pk}/forms/screening")
    from models.form import Submission

    draft = Submission.objects.get(case_id=case.pk, form_key="screening", status="draft")
    assert draft.answers == answers("screening")
    client.get(f"/referrals/{case.pk}/forms/screening/change")
    assert Submission.objects(case_id=case.pk, form_key="screening", status="draft").count() == 1



def test_a_change_begun_and_not_finished_is_named_then_discarded_when_the_referral_is_sent(client, people, now):
    from models.audit import AuditEntry
    from models.form import Submission

    case = draft_with_forms(people, now)
    client.post(f"/referrals/{case.pk}/forms/screening/change")
    draft = Submission.objects.get(case_id=case.pk, form_key="screening", status="draft")
    tasks = text(client.get(f"/referrals/{case.pk}/tasks"))
    assert 'aria-describedby="screening-status screening-changing"' in tasks
    assert "You started changing this part and have not finished" in tasks
    assert "Check your answers and send" in tasks and "Cannot start yet" not in tasks  # the completed part holds
    check = text(client.get(f"/referrals/{case.pk}/check"))
    assert check.count("You started changing this part and have not finished") == 1
    assert "your unfinished changes will be discarded" in check and "Finish your changes" in check
    response = client.post(f"/referrals/{case.pk}/check")
    assert response.status_code == 302 and Case.objects.get(pk=case.pk).status == "open"
    assert not Submission.objects(pk=draft.pk).count()
    assert Submission.objects(case_id=case.pk, form_key="screening").get().status == "submitted"
    sent = AuditEntry.objects.get(action="referral.submitted", target_id=str(case.pk))
    assert sent.details["unfinished_changes_discarded"] == ["screening"]


STATUS_CASES = {
    "not_accepted": ("Not accepted", "Already working with probation"),
    "waiting": ("On the waiting list", "Near the top of the list"),
    "closed": ("Closed", "The client moved out of the area"),
    "consultation": ("Received", "Case consultation"),
}


@pytest.mark.parametrize("branch", sorted(STATUS_CASES))
def test_status_page_shows_the_status_and_what_goes_with_it(client, people, now, branch):
    case = referrals.submit_referral(draft_with_forms(people, now), actor=people["referrer"], now=now)
    m, p = people["manager"], people["practitioner"]

    def fire(name, actor=m, **inputs):
        return fire_transition(Case.objects.get(pk=case.pk), name, inputs, actor=actor, now=now)

    if branch == "not_accepted":
        fire("not_accept", reason="Already working with probation", consultation_offered="yes")
    else:
        fire("acknowledge", next_steps="We will call you on Monday")
        fire("arrange_consultation", consultation_date=(now + timedelta(days=3)).date().isoformat())
    if branch == "waiting":
        p.update(set__capacity=0)
        fire("accept")
        fire("add_to_waiting_list")
    if branch == "closed":
        fire("accept")
        fire("allocate", assignee=str(p.pk))
        fire("withdraw", outcome="moved_away", reason="He moved to his brother's flat in Leeds")
    status, detail = STATUS_CASES[branch]
    page = text(client.get(f"/referrals/{case.pk}"))
    assert f">{status}</strong>" in page and detail in page
    assert "moj-timeline" in page and "Referral sent" in page
    if branch == "consultation":
        assert "We will call you on Monday" in page and "27 November 2026" in page
    else:  # what was to happen next has happened: the pathway shows it only while the case waits for it
        assert "We will call you on Monday" not in page and "Next steps" not in page
    if branch == "not_accepted":
        assert "A case consultation is offered to you" in page
    if branch == "closed":
        assert "brother's flat" not in page  # the team's details are not shared
        assert "Add information" not in page


def test_adding_information_and_a_document(client, people, now):
    case = referrals.submit_referral(draft_with_forms(people, now), actor=people["referrer"], now=now)
    assert client.get(f"/referrals/{case.pk}/information").status_code == 200
    empty = client.post(f"/referrals/{case.pk}/information", data={"information": "  "})
    assert empty.status_code == 422 and "Enter the information or choose a file" in text(empty)
    wrong = client.post(f"/referrals/{case.pk}/information", content_type="multipart/form-data",
                        data={"information": "Kept as typed", "document": (io.BytesIO(b"MZ not a pdf"), "x.exe")})
    assert wrong.status_code == 422 and "Kept as typed" in text(wrong) and 'href="#document"' in text(wrong)
    added = client.post(f"/referrals/{case.pk}/information", content_type="multipart/form-data",
                        data={"information": "The family moved to 3 Elm Road",
                              "document": (io.BytesIO(PDF), "plan.pdf")})
    assert added.status_code == 302
    entry = CaseEvent.objects.get(case_id=case.pk, kind="referrer_information")
    assert entry.comment == "The family moved to 3 Elm Road" and entry.inputs["attachment"]["filename"] == "plan.pdf"
    page = text(client.get(f"/referrals/{case.pk}"))
    assert "The family moved to 3 Elm Road" in page and "plan.pdf" in page
    assert Notification.objects(user_id=str(people["manager"].pk), template="referral_information_added").count()


def test_information_cannot_be_added_to_a_closed_referral(client, people, now):
    case = referrals.submit_referral(draft_with_forms(people, now), actor=people["referrer"], now=now)
    fire_transition(case, "not_accept", {"reason": "No", "consultation_offered": "no"}, actor=people["manager"],
                    now=now)
    assert client.get(f"/referrals/{case.pk}/information").status_code == 403
    assert client.post(f"/referrals/{case.pk}/information", data={"information": "x"}).status_code == 403
    assert not CaseEvent.objects(case_id=case.pk, kind="referrer_information").count()


def test_a_referrer_s_form_does_not_show_its_version(client, people, now):
    case = draft_with_forms(people, now)
    moved = client.post(f"/referrals/{case.pk}/forms/request_for_service/change")
    tasks = text(client.get(moved.headers["Location"], follow_redirects=True))
    assert "You have completed" in tasks and "Version 1" not in tasks  # which version is staff's detail


def test_a_screening_answer_s_colour_shows_while_answering(client, people, now):
    case = draft_with_forms(people, now, keys=("screening",))
    moved = client.post(f"/referrals/{case.pk}/forms/screening/change")
    page = text(client.get(moved.headers["Location"], follow_redirects=True))
    # The form's guidance speaks of ticking green and red boxes: each answer says its colour beside it.
    assert '<strong class="govuk-tag govuk-tag--red">Red</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--green">Green</strong>' in page
    flags = re.findall(r'aria-describedby="([^"]+-flag)"', page)  # each radio is described by its colour
    assert flags and all(f'id="{flag}"' in page for flag in flags)
