"""The case page's cost in database commands: a few projected queries, the same however long the case's life."""

from __future__ import annotations

from datetime import timedelta

from services.cases import add_history
from tests.conftest import sign_in
from tests.http.test_case_pages import make_people, refer, walk
from tests.services.test_case_list_queries import COUNTER, count_commands


def test_case_page_reads_a_bounded_number_of_commands(client, synced, make_team, make_user, now, app_config):
    people = make_people(make_team, make_user)
    case = walk(refer(people, now, person_name="Daniel Marsh", person_dob="1988-03-14"), people, now,
                "risk_assessment")
    sign_in(client, people["practitioner"])
    client.get(f"/cases/{case.pk}")  # the first read parses and caches the definitions
    response, names = count_commands(app_config["MONGODB_DB"], lambda: client.get(f"/cases/{case.pk}"))
    assert response.status_code == 200
    targets = list(COUNTER.targets)
    # One read per kind of record: submissions, sessions and deadlines are shared by the tasks, guards and summary.
    for kind in ("submissions", "confidential_submissions", "case_sessions", "deadlines", "form_definitions"):
        assert targets.count(f"find {kind}") == 1, targets
    # 15 to build the page, plus the audit of the read (its chain head and the entry) and the oversight check.
    assert len(names) <= 19, targets
    for day in range(30):
        add_history(case, kind="note", now=now + timedelta(minutes=day), actor=people["practitioner"],
                    label=f"Note {day}")
    page, again = count_commands(app_config["MONGODB_DB"], lambda: client.get(f"/cases/{case.pk}"))
    assert len(again) <= len(names)  # a longer history costs no more reads
    assert "Note 29" in page.get_data(as_text=True) and "Note 21" not in page.get_data(as_text=True)
