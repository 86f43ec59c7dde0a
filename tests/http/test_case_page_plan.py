"""The case page reads the case with its records when it has read them for this reader before, and checks the plan.

Which records are read depends on the case (its linked records, its pathway, whether the reader may read its
confidential records). The plan of the last read is used to read the case and the records in one command; if the
case read with them gives another plan (changed meanwhile, by this process or another), they are read again.
"""

from __future__ import annotations

from models.case import Case
from models.user import User
from services.cases.history import add_history
from tests.command_log import LOG, count_commands
from tests.conftest import sign_in
from tests.http.test_case_pages import make_people, refer, walk

SECRET = "She is staying at her sister on Mill Lane"


def _opened(client, make_team, make_user, now):
    people = make_people(make_team, make_user)
    case = walk(refer(people, now, person_name="Daniel Marsh"), people, now, "risk_assessment")
    add_history(case, kind="note", now=now, actor=people["practitioner"], label=SECRET, confidential=True)
    sign_in(client, people["practitioner"])
    assert SECRET in client.get(f"/cases/{case.pk}").get_data(as_text=True)  # the allocated practitioner may
    return people, case


def test_a_reader_who_lost_access_to_the_confidential_records_meanwhile_is_not_shown_them(
        client, synced, make_team, make_user, now, app_config):
    people, case = _opened(client, make_team, make_user, now)
    # Reallocated by another worker process: this one's plan still says the reader may read the victim's records.
    Case.objects(pk=case.pk).update(allocated_to=str(people["colleague"].pk))
    page, _names = count_commands(app_config["MONGODB_DB"], lambda: client.get(f"/cases/{case.pk}"))
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Daniel Marsh" in body and SECRET not in body
    # The records read with the case under the old plan were dropped and read again under the case's own.
    assert LOG.targets.count("aggregate submissions") == 2, LOG.targets
    page, _names = count_commands(app_config["MONGODB_DB"], lambda: client.get(f"/cases/{case.pk}"))
    assert SECRET not in page.get_data(as_text=True)
    assert LOG.targets.count("aggregate submissions") == 1 and "find cases" not in LOG.targets, LOG.targets


def test_a_partner_record_linked_meanwhile_is_shown(client, synced, make_team, make_user, now, app_config):
    people = make_people(make_team, make_user)
    case = walk(refer(people, now, person_name="Daniel Marsh"), people, now, "risk_assessment")
    (linked,) = case.linked_case_ids  # the partner record the pathway opened
    Case.objects(pk=case.pk).update(linked_case_ids=[])  # as before the record was opened
    sign_in(client, people["practitioner"])
    assert "A partner-support record is open" not in client.get(f"/cases/{case.pk}").get_data(as_text=True)
    Case.objects(pk=case.pk).update(linked_case_ids=[linked])  # opened meanwhile, by another worker process
    page, _names = count_commands(app_config["MONGODB_DB"], lambda: client.get(f"/cases/{case.pk}"))
    assert "A partner-support record is open" in page.get_data(as_text=True)
    assert LOG.targets.count("aggregate submissions") == 2, LOG.targets


def test_a_reader_whose_sessions_were_ended_meanwhile_is_signed_out_and_shown_nothing(
        client, synced, make_team, make_user, now, app_config):
    people, case = _opened(client, make_team, make_user, now)
    # Signed out everywhere by another worker process: the case and its records are read with the user's document,
    # which says so, and the page is not made.
    User.objects(pk=people["practitioner"].pk).update(inc__session_version=1)
    page, _names = count_commands(app_config["MONGODB_DB"], lambda: client.get(f"/cases/{case.pk}"))
    assert page.status_code == 302 and "/sign-in" in page.headers["Location"]
    assert "find users" not in LOG.targets and LOG.targets.count("aggregate submissions") == 1, LOG.targets
    assert "Daniel Marsh" not in page.get_data(as_text=True)


def test_a_reader_who_lost_the_role_meanwhile_is_refused(client, synced, make_team, make_user, now):
    people, case = _opened(client, make_team, make_user, now)
    User.objects(pk=people["practitioner"].pk).update(roles=["referrer"])
    page = client.get(f"/cases/{case.pk}")
    assert page.status_code == 404 and "Daniel Marsh" not in page.get_data(as_text=True)


def test_a_case_gone_meanwhile_is_not_found(client, synced, make_team, make_user, now):
    _people, case = _opened(client, make_team, make_user, now)
    Case.objects(pk=case.pk).delete()
    assert client.get(f"/cases/{case.pk}").status_code == 404


def test_another_reader_gets_a_plan_of_their_own(client, synced, make_team, make_user, now, app_config):
    people, case = _opened(client, make_team, make_user, now)
    client.post("/sign-out")
    sign_in(client, people["colleague"])  # reads the team's cases, not the victim's records
    page, _names = count_commands(app_config["MONGODB_DB"], lambda: client.get(f"/cases/{case.pk}"))
    assert page.status_code == 200 and SECRET not in page.get_data(as_text=True)
    assert "find cases" in LOG.targets  # no plan yet for this reader: the case is read first, alone
