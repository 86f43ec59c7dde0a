"""A pathway written as a file only (tests/fixtures/workflows/fathers/) runs end to end with no code change.

It uses intake from one organisation, an hours timescale, a deadline counted from a date typed in, a typed
attendance rule, a partner-side step and its own messages; the case is walked through the pages, the reports
funnel and the API.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest

from clock import utcnow
from models.case import Case, CaseEvent
from models.deadline import Deadline
from models.notification import Notification
from services.pathways.store import clear_cache
from services.pathways.sync import sync_workflows
from services.referrals import portal as referrals
from services.reports.figures import get_reports
from services.submissions.filling import save_draft, start_submission, submit_submission
from tests.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
FILE = ROOT / "tests" / "fixtures" / "workflows" / "fathers" / "fathers_programme.yaml"
ANSWERS = ROOT / "tests" / "fixtures" / "answers"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def pathways(synced, tmp_path, now):
    directory = tmp_path / "workflows"
    shutil.copytree(ROOT / "workflows", directory, ignore=shutil.ignore_patterns("*.py", "*.json", "__pycache__"))
    shutil.copy(FILE, directory)
    report = {key: action for key, _, action in sync_workflows(directory, now=now)}
    assert report["fathers_programme"] == "created"
    clear_cache()
    return directory


@pytest.fixture
def people(pathways, make_team, make_user):
    make_team(key="north")
    return {
        "referrer": make_user(roles=["referrer"], team="", organisation="Children's Services"),
        "other_referrer": make_user(roles=["referrer"], team="", organisation="Housing"),
        "manager": make_user(roles=["manager"], team="north"),
        # A role the file adds: granting it grants the role it works as too.
        "practitioner": make_user(roles=["facilitator"], team="north"),
        "plain_practitioner": make_user(roles=["practitioner"], team="north"),
        "partner_worker": make_user(roles=["partner_worker"], team="north"),
    }


def _post(client, url, data, status=302):
    response = client.post(url, data=data)
    assert response.status_code == status, text(response)[:2000]
    return response


def _today_parts(prefix: str, day: date) -> dict:
    return {f"{prefix}-day": str(day.day), f"{prefix}-month": str(day.month), f"{prefix}-year": str(day.year)}


def test_a_pathway_added_as_a_file_runs_end_to_end(client, people, now):
    referrer, manager = people["referrer"], people["manager"]
    practitioner, partner_worker = people["practitioner"], people["partner_worker"]
    assert "fathers_programme" not in referrals.referral_services(people["other_referrer"])
    assert set(practitioner.roles) == {"facilitator", "practitioner"}

    # The referrer's journey: the file's service name, form hint and "what happens next".
    sign_in(client, referrer)
    assert "Fathers' group programme" in text(client.get("/referrals/new"))
    started = _post(client, "/referrals/new", {"workflow": "fathers_programme", "team": "north"})
    case = Case.objects.get(referrer_id=str(referrer.pk))
    assert started.headers["Location"].endswith(f"/referrals/{case.pk}/tasks")
    assert "About the father, the family and the risk" in text(client.get(f"/referrals/{case.pk}/tasks"))
    answers = json.loads((ANSWERS / "community_referral.json").read_text())
    answers.update(client_name="Tom Example", client_dob="1983-05-06")
    sub = start_submission(case, "community_referral", actor=referrer, now=now)
    sub, _ = save_draft(sub, answers, revision=sub.revision, actor=referrer, now=now)
    submit_submission(sub, revision=sub.revision, actor=referrer, now=now)
    sent_at = utcnow()
    case = referrals.submit_referral(case, actor=referrer, now=sent_at)
    assert case.reference.startswith("FP-") and case.person.name == "Tom Example"
    assert "checks the family's safety within 24 hours" in text(client.get(f"/referrals/{case.pk}/sent"))

    # Its own message, and a deadline 24 hours on (not the end of a day).
    note = Notification.objects.get(user_id=str(manager.pk), case_id=case.pk)
    assert note.subject == f"Fathers' programme referral {case.reference}"
    check = Deadline.objects.get(case_id=case.pk, key="safety_check")
    assert abs(check.due_at - (sent_at + timedelta(hours=24))) < timedelta(seconds=1)

    # The manager records the check and accepts; the partner record opens.
    client.get("/sign-out")
    sign_in(client, manager)
    _post(client, f"/cases/{case.pk}/events/record_safety_check", {"comment": "Children seen"})
    assert Deadline.objects.get(case_id=case.pk, key="safety_check").status == "met"
    _post(client, f"/cases/{case.pk}/transitions/accept", {"assignee": str(practitioner.pk)})
    case.reload()
    assert case.state == "in_group" and case.allocated_to == str(practitioner.pk)
    partner = Case.objects.get(parent_case_id=case.pk)
    _post(client, f"/partner/cases/{partner.pk}/transitions/allocate", {"assignee": str(partner_worker.pk)})

    # Sessions: absences from one-to-ones do not count towards the group's limit; the rule fires once.
    client.get("/sign-out")
    sign_in(client, practitioner)
    today = utcnow().date()
    for kind, attendance in (("group", "unacceptable_absence"), ("individual", "unacceptable_absence"),
                             ("group", "attended"), ("group", "unacceptable_absence"),
                             ("group", "attended"), ("group", "unacceptable_absence")):
        _post(client, f"/cases/{case.pk}/sessions/new",
              {**_today_parts("date", today), "session_type": kind, "attendance": attendance})
    reviews = Notification.objects(user_id=str(manager.pk), template="fp_attendance_review")
    assert reviews.count() == 1

    # The partner-support worker records contact from the partner record, never opening the father's case.
    client.get("/sign-out")
    sign_in(client, partner_worker)
    assert client.get(f"/cases/{case.pk}").status_code in (403, 404)
    assert "Record contact with the mother" in text(client.get(f"/partner/cases/{partner.pk}"))
    _post(client, f"/partner/cases/{partner.pk}/linked/mother_contacted", _today_parts("contact_date", today))
    case.reload()
    assert case.fields["last_mother_contact"] == today.isoformat()
    assert Notification.objects(user_id=str(practitioner.pk), template="fp_mother_contacted").count() == 1

    # The group ends; the closing report is due 2 weeks after the date typed in, at the end of that London day.
    client.get("/sign-out")
    sign_in(client, practitioner)
    last = today - timedelta(days=3)
    from services.cases.transitions import transition_options

    finish = next(o for o in transition_options(case, people["plain_practitioner"])[0] if o.name == "finish_group")
    assert finish.reasons == ("Only a group facilitator or a team manager can do this",)
    _post(client, f"/cases/{case.pk}/transitions/finish_group", _today_parts("last_session", last))
    report = Deadline.objects.get(case_id=case.pk, key="closing_report")
    assert report.due_at.date() in (last + timedelta(days=14), last + timedelta(days=13))
    assert report.due_at.time().minute == 59

    # The API shows the case and takes the next steps.
    response = client.get(f"/api/v1/cases/{case.pk}")
    assert response.status_code == 200 and response.get_json()["case"]["state"] == "follow_up"
    assert client.post(f"/api/v1/cases/{case.pk}/steps/send_closing_report",
                       json={"event": True, "inputs": {}}).status_code == 200
    client.get("/sign-out")
    sign_in(client, manager)
    closed = client.post(f"/api/v1/cases/{case.pk}/steps/close", json={"inputs": {}})
    assert closed.status_code == 200 and closed.get_json()["case"]["status"] == "closed"
    assert CaseEvent.objects(case_id=case.pk, name="close").count() == 1

    # The reports funnel counts it from the file's stages.
    reports = get_reports(actor=manager, now=utcnow() + timedelta(minutes=1))
    row = next(r for r in reports["funnel"] if r["key"] == "fathers_programme")
    assert (row["label"], row["referred"], row["accepted"], row["started"], row["completed"], row["dropped"]) == (
        "Fathers' programme", 1, 1, 1, 1, 0)
    assert "Fathers' programme" in text(client.get("/reports/"))


def test_a_role_the_file_adds_can_be_granted_and_is_listed_when_unknown(people, client, make_user, now, tmp_path):
    from errors import InvalidInput
    from services.pathways.lint import lint_files
    from services.users.accounts import create_user

    admin = make_user(roles=["admin"], team="")
    sign_in(client, admin)
    assert "Group facilitator" in text(client.get("/admin/users/new"))
    with pytest.raises(InvalidInput) as caught:
        create_user(email="po@example.org", name="Pat Officer", roles=["police_officer"], team="north",
                    password=None, now=now)
    assert "Roles are: admin, manager" in caught.value.problems[0].message
    assert "facilitator" in caught.value.problems[0].message
    bad = FILE.read_text().replace("roles: [manager, practitioner, facilitator,",
                                   "roles: [manager, practitioner, facilitator, police_officer,")
    (tmp_path / "fathers_programme.yaml").write_text(bad)
    lines = lint_files(tmp_path)
    assert any("unknown role 'police_officer'; the roles that exist are admin, auditor, facilitator" in line
               for line in lines), lines


def test_taking_a_custom_role_away_takes_the_role_it_worked_as_and_labels_show(people, client, make_user, now):
    from models.user import User

    admin = make_user(roles=["admin"], team="")
    facilitator = make_user(roles=["facilitator"], team="north", name="Fay Cilitator")
    assert set(facilitator.roles) == {"facilitator", "practitioner"} and facilitator.implied_roles == ["practitioner"]
    sign_in(client, admin)
    page = client.get(f"/admin/users/{facilitator.pk}").get_data(as_text=True)
    assert re.search(r'value="facilitator"[^>]*checked', page)
    assert not re.search(r'value="practitioner"[^>]*checked', page)  # held through facilitator, not ticked
    assert "Group facilitator" in text(client.get("/admin/users"))  # its label, not its key
    form = {"name": facilitator.name, "team": "north", "roles": ["auditor"], "capacity": "5", "sex": ""}
    _post(client, f"/admin/users/{facilitator.pk}", form)
    assert User.objects.get(pk=facilitator.pk).roles == ["auditor"]  # practitioner went with facilitator
    form["roles"] = ["facilitator", "practitioner"]  # ticked both: practitioner is then held in its own right
    _post(client, f"/admin/users/{facilitator.pk}", form)
    form["roles"] = ["practitioner"]
    _post(client, f"/admin/users/{facilitator.pk}", form)
    assert User.objects.get(pk=facilitator.pk).roles == ["practitioner"]


def test_an_administrator_cannot_give_themselves_a_role_that_works_as_a_case_role(people, make_user, now):
    from errors import NotAllowed
    from services.users.accounts import update_user

    admin = make_user(roles=["admin"], team="north")
    with pytest.raises(NotAllowed):
        update_user(admin, actor=admin, now=now, roles=["admin", "facilitator"])


def test_the_session_page_speaks_each_pathways_own_words(client, synced, make_user, make_case):
    from services.pathways.store import latest_definition

    practitioner = make_user(roles=["practitioner"], team="north")
    sign_in(client, practitioner)
    for key in ("dao_pathway", "probation_cdvp"):
        case = make_case(workflow_key=key, team="north", allocated_to=practitioner)
        hint = latest_definition(key).to_dict()["attendance"]["hints"]["attendance"]
        assert hint in text(client.get(f"/cases/{case.pk}/sessions/new"))
    plain = make_case(workflow_key="partner_support", kind="partner", team="north")
    assert plain  # a pathway without hints falls back to the general wording (checked in the service)
