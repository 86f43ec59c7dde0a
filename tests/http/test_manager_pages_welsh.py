"""The manager's, group and report pages and a list download in Welsh, for a manager who reads Pathway in Welsh."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta

import pytest

from clock import utcnow
from models.group import Group
from models.user import User
from tests.conftest import sign_in, weekday_on_or_before


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


@pytest.fixture
def welsh(synced, make_team, make_user, make_case, client):
    """A Welsh-speaking manager signed in, with a new referral, two men waiting for a group and two facilitators."""
    make_team(key="north")
    now = utcnow().replace(microsecond=0)
    manager = make_user(roles=["manager"], team="north")
    User.objects(pk=manager.pk).update_one(set__language="cy")  # the language they chose to read Pathway in
    people = {"manager": manager,
              "him": make_user(roles=["practitioner"], team="north", name="Frank Facilitator", sex="male"),
              "her": make_user(roles=["practitioner"], team="north", name="Fiona Facilitator", sex="female")}
    make_case(actor=manager, person={"name": "Dan Example"}, referred_at=now - timedelta(days=3))
    for i in range(2):
        make_case(workflow_key="community_programme", actor=manager, person={"name": f"Man {i}"},
                  state="waiting_list", on_waiting_list=True, waiting_since=now - timedelta(days=20 + i))
    sign_in(client, manager)
    return people


def test_the_inbox_is_in_welsh(client, welsh):
    response = client.get("/manager/referrals")
    page = text(response)
    assert response.status_code == 200 and html_lang(response) == "cy"
    assert "<h1 class=\"govuk-heading-l\">Atgyfeiriadau</h1>" in page
    assert "Atgyfeiriadau newydd i’ch tîm" in page and "Blaenoriaeth" in page
    assert "Ffeiliau i’w lawrlwytho – yr atgyfeiriadau:" in page and "3 diwrnod yn ôl" in page
    for english in ("New referrals to your team", "Urgent referrals come first", "Received", "Download "):
        assert english not in page


def test_a_group_page_is_in_welsh(client, welsh):
    today = weekday_on_or_before(utcnow().date() - timedelta(days=14))
    created = client.post("/groups/new", data={
        "workflow_key": "community_programme", "name": "Grŵp nos Fawrth", "venue": "Canolfan Gobaith",
        "weekday": str(today.weekday()), "start_time": "18:30", "start_date-day": str(today.day),
        "start_date-month": str(today.month), "start_date-year": str(today.year),
        "facilitator_1": str(welsh["him"].pk), "facilitator_2": str(welsh["her"].pk)})
    assert created.status_code == 302
    group = Group.objects.get(name="Grŵp nos Fawrth")
    response = client.get(f"/groups/{group.pk}")
    page = text(response)
    assert response.status_code == 200 and html_lang(response) == "cy"
    assert "Mae Grŵp nos Fawrth wedi’i greu gyda’i amserlen" in page  # the flash message
    day = ("Llun", "Mawrth", "Mercher", "Iau", "Gwener", "Sadwrn", "Sul")[today.weekday()]
    assert f"Bob dydd {day} am 18:30 am" in page and "Amserlen" in page and "Aelodau" in page
    assert "Frank Facilitator a Fiona Facilitator" in page
    for english in ("Members of the group", "Take the register", "Back to groups", "sessions; groups of up to"):
        assert english not in page


def test_the_reports_page_and_its_charts_are_in_welsh(client, welsh):
    response = client.get("/reports/?from=2026-01-01&to=2026-03-31")
    page = text(response)
    assert response.status_code == 200 and html_lang(response) == "cy"
    assert "Adroddiadau" in page and "Prydlondeb" in page and "1 Ionawr 2026" in page and "31 Mawrth 2026" in page
    assert "Terfynau amser a fodlonwyd mewn pryd, yn ôl mis" in page  # a chart's title
    assert ">Ion 2026<" in page or ">Ion<" in page  # months in the charts and tables
    for english in ("Counts only", "Deadlines met on time", "Show reports", "January", ">Jan<"):
        assert english not in page


def test_a_csv_download_has_welsh_headers(client, welsh):
    response = client.get("/manager/waiting-list/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Safle", "Cyfeirnod", "Enw", "Blaenoriaeth", "Ar y rhestr ers", "Diwrnodau’n aros",
                       "Amser aros"]
    assert len(rows) == 3 and {r[3] for r in rows[1:]} == {"Safonol"} and "wythnos" in rows[1][6]


def test_the_reports_name_pathways_and_evaluation_stages_in_welsh(client, welsh):
    page = text(client.get("/reports/?from=2026-01-01&to=2026-03-31"))
    assert "Rhaglen gymunedol" in page and "CDVP y gwasanaeth prawf" in page  # the funnel's and evaluations' names
    assert "Cyn y rhaglen yn unig" in page and "Cyn y rhaglen a diwedd y rhaglen" in page  # whole sentences
    for english in ("Community programme", "Probation CDVP", "Pre-programme", "End of programme", "Follow-up"):
        assert english not in page


def test_a_referrals_history_is_in_welsh(client, welsh):
    from models.case import Case, CaseEvent
    case = Case.objects.get(person__name="Dan Example")
    assert CaseEvent.objects(case_id=case.pk, kind="created").first().label == "Case opened"  # stored in English
    page = text(client.get(f"/manager/referrals/{case.pk}?show=history"))
    assert "Achos wedi’i agor" in page and "Case opened" not in page
