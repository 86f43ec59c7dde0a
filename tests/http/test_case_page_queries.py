"""The case page's cost in database commands: a few projected queries, the same however long the case's life."""

from __future__ import annotations

from datetime import timedelta

from models.form import Submission
from services.cases.transitions import add_history
from services.notifications.send import mark_read, notify_user
from services.notifications.unread import unread_count
from tests.command_log import LOG, count_commands
from tests.conftest import sign_in
from tests.http.test_case_pages import make_people, refer, walk


def test_case_page_reads_a_bounded_number_of_commands(client, synced, make_team, make_user, now, app_config):
    people = make_people(make_team, make_user)
    case = walk(refer(people, now, person_name="Daniel Marsh", person_dob="1988-03-14"), people, now,
                "risk_assessment")
    sign_in(client, people["practitioner"])
    client.get(f"/cases/{case.pk}")  # the first read parses and caches the definitions
    for read in (False, False, True):
        note = notify_user(people["practitioner"], subject="Note", body="", link="/", now=now, email=False)
        if read:
            mark_read(note, people["practitioner"], now=now)
    response, names = count_commands(app_config["MONGODB_DB"], lambda: client.get(f"/cases/{case.pk}"))
    assert response.status_code == 200
    unread = unread_count(people["practitioner"])  # the two added here and what the walk left
    assert unread >= 2 and f'aria-label="{unread} unread"' in response.get_data(as_text=True)  # the header's
    targets = list(LOG.targets)
    # One read of every kind of record, shared by the tasks, guards and summary: both kinds of submission, the
    # sessions, deadlines, newest history and partner record all in one command. Which form versions are published
    # is the same on every page: kept a few seconds, it is no part of that command nor a command of its own.
    assert targets.count("aggregate submissions") == 1, targets
    (aggregate,) = [command for name, command in LOG.sent if name == "aggregate"]
    assert "form_definitions" not in str(aggregate["pipeline"]), aggregate
    for kind in ("case_sessions", "deadlines", "form_definitions"):
        assert f"find {kind}" not in targets, targets
    assert not [t for t in targets if t.split()[1] in ("submissions", "confidential_submissions")
                and t != "aggregate submissions"], targets
    # The partner record's risk updates are read in that command too: the history is not read again.
    assert "find case_history" not in targets, targets
    # The case itself is read in that command too, as this reader has opened it before (see test_case_page_plan).
    assert "find cases" not in targets, targets
    assert {"$unionWith": {"coll": "cases", "pipeline": [{"$match": {"_id": case.pk}}, {
        "$addFields": {"_case_page_part": "case"}}]}} in aggregate["pipeline"], aggregate
    # The read is audited with one insert into the audit inbox; the chain is not read or written by a page view.
    assert targets.count("insert audit_inbox") == 1, targets
    assert not [t for t in targets if t.split()[1] == "audit"], targets
    # No read grows with the team or the service: the team's caseload is counted only when a step's guard asks.
    assert "aggregate cases" not in targets, targets
    # A practitioner may never ask for a break-the-glass grant, so none is looked up for the partner record.
    assert not [t for t in targets if t.endswith(" break_glass")], targets
    # The header's unread count is kept on the user, read for every request anyway: no command of its own.
    assert not [t for t in targets if t.split()[1] == "notifications"], targets
    # The signed-in user's own document is read in that command too (see blueprints.sessions.reads_with_user): the
    # one read of users left is of the names the history gives.
    assert {"$unionWith": {"coll": "users", "pipeline": [{"$match": {"_id": people["practitioner"].pk}}, {
        "$addFields": {"_case_page_part": "user"}}]}} in aggregate["pipeline"], aggregate
    assert targets.count("find users") == 1, targets
    # 2 to build the page (the user, the case with its records and the partner's risk updates; the names its
    # history gives), plus the audit of the read.
    assert len(names) <= 3, "\n".join(targets)
    for day in range(30):
        add_history(case, kind="note", now=now + timedelta(minutes=day), actor=people["practitioner"],
                    label=f"Note {day}")
    page, again = count_commands(app_config["MONGODB_DB"], lambda: client.get(f"/cases/{case.pk}"))
    assert len(again) <= len(names)  # a longer history costs no more reads
    assert "Note 29" in page.get_data(as_text=True) and "Note 21" not in page.get_data(as_text=True)


def test_api_case_reads_no_form_definition_per_submission(client, synced, make_team, make_user, now, app_config):
    people = make_people(make_team, make_user)
    case = walk(refer(people, now, person_name="Daniel Marsh", person_dob="1988-03-14"), people, now,
                "risk_assessment")
    sign_in(client, people["practitioner"])
    client.get(f"/api/v1/cases/{case.pk}")  # the first read caches the published form versions
    response, names = count_commands(app_config["MONGODB_DB"], lambda: client.get(f"/api/v1/cases/{case.pk}"))
    assert response.status_code == 200 and len(response.json["submissions"]) >= 3
    targets = list(LOG.targets)
    # Published versions never change: each is read once per process, not once per submission shown.
    assert "find form_definitions" not in targets, targets
    assert len(names) <= 10, targets


def test_submission_page_reads_its_form_version_once_per_process(client, synced, make_team, make_user, now,
                                                                 app_config):
    people = make_people(make_team, make_user)
    case = walk(refer(people, now, person_name="Daniel Marsh", person_dob="1988-03-14"), people, now,
                "risk_assessment")
    sub = Submission.objects(case_id=case.pk, status__ne="draft").first()
    sign_in(client, people["practitioner"])
    path = f"/cases/{case.pk}/submissions/{sub.pk}"
    client.get(path)
    response, names = count_commands(app_config["MONGODB_DB"], lambda: client.get(path))
    assert response.status_code == 200
    assert "find form_definitions" not in LOG.targets, LOG.targets
    assert len(names) <= 5, LOG.targets
