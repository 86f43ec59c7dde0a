"""The reports page through the Flask client: who may see it, whose figures, and the period's checks."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from bson import ObjectId

from clock import utcnow
from models.deadline import Deadline
from scheduler.timescales import local_date
from services.deadlines.timing import calendar_for
from tests.conftest import sign_in


@pytest.fixture
def now():
    """Return the real time: the page counts up to the moment it is shown."""
    return utcnow().replace(microsecond=0)


@pytest.fixture
def people(app, make_team, make_user):
    make_team(key="north")
    make_team(key="south", name="South Team")
    return {role: make_user(roles=[role], team=team) for role, team in
            (("manager", "north"), ("auditor", ""), ("practitioner", "north"), ("referrer", ""))}


@pytest.fixture
def data(people, make_case, now):
    """Two waiting cases and an on-time deadline in the north, one waiting case and a late one in the south."""
    for team, days in (("north", 5), ("north", 9), ("south", 40)):
        make_case(team=team, on_waiting_list=True, waiting_since=now - timedelta(days=days),
                  person={"name": "Secret Person"})
    for team, late in (("north", False), ("south", True)):
        Deadline(case_id=ObjectId(), key="risk_management_plan", label="Risk management plan", team=team,
                 started_at=now - timedelta(days=20), due_at=now - timedelta(days=10), status="met", late=late,
                 active=False).save()


def waited(now, days: int) -> int:
    """Return the wait the page shows for a case waiting since `days` times 24 hours ago: the service's calendar days.

    A wait grows at local midnight, so a span over a change of the clocks, looked at within an hour of midnight,
    is a day shorter or longer than its count of 24 hours.
    """
    calendar = calendar_for()
    return (local_date(now, calendar) - local_date(now - timedelta(days=days), calendar)).days


def text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def cell_after(page: str, header: str) -> str:
    """Return the first numeric cell after a row header."""
    found = re.search(re.escape(header) + r"</th> <td[^>]*>([^<]*)</td>", page)
    return found.group(1).strip() if found else ""


def test_a_manager_sees_their_own_teams_figures_only(client, people, data, now):
    sign_in(client, people["manager"])
    response = client.get("/reports/")
    page = text(response)
    assert response.status_code == 200
    assert page.count("<h1") == 1 and "North Team" in page
    assert (cell_after(page, "Waiting now"), cell_after(page, "Median wait (days)"),
            cell_after(page, "Longest wait (days)")) == (
        "2", f"{(waited(now, 5) + waited(now, 9)) / 2:g}", str(waited(now, 9)))
    assert re.search(r"Risk management plan</th>( <td[^>]*>[^<]*</td>){4} <td[^>]*>100%</td>", page)
    assert "Secret Person" not in page and "Dan Example" not in page


def test_an_auditor_sees_every_team(client, people, data, now):
    sign_in(client, people["auditor"])
    page = text(client.get("/reports/"))
    assert "All teams" in page
    assert (cell_after(page, "Waiting now"), cell_after(page, "Longest wait (days)")) == ("3", str(waited(now, 40)))
    assert re.search(r"Risk management plan</th>( <td[^>]*>[^<]*</td>){4} <td[^>]*>50%</td>", page)
    assert "Secret Person" not in page


@pytest.mark.parametrize("role", ["practitioner", "referrer"])
def test_other_roles_are_refused(client, people, role):
    sign_in(client, people[role])
    assert client.get("/reports/").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, people):
    response = client.get("/reports/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_period_is_shown_and_kept(client, people, data):
    sign_in(client, people["manager"])
    page = text(client.get("/reports/?from=2026-01-01&to=2026-03-31"))
    assert "from 1 January 2026 to 31 March 2026" in page
    assert 'value="1/1/2026"' in page and 'value="31/3/2026"' in page
    # Typed as the date pages show them, too.
    assert "from 1 January 2026 to 31 March 2026" in text(client.get("/reports/?from=1/1/2026&to=31/03/2026"))


@pytest.mark.parametrize(("query", "message"), [
    ("from=2026-02-30", "Enter the start date as a real date"),
    ("from=2026-05-02&to=2026-05-01", "The start date must be the same as or before the end date"),
    ("from=0001-01-01&to=2026-01-01", "Enter the start date as a date between 1900 and 2999"),
    ("from=2026-01-01&to=9999-12-31", "Enter the end date as a date between 1900 and 2999"),
    ("from=2001-01-01&to=2026-01-01", "The period can be at most 10 years"),
    ("from=2016-12-04&to=2026-12-04", "The period can be at most 10 years"),  # a day more than 10 years
])
def test_bad_dates_are_refused_with_an_error_summary(client, people, query, message):
    sign_in(client, people["manager"])
    response = client.get(f"/reports/?{query}")
    page = text(response)
    assert response.status_code == 422
    assert "govuk-error-summary" in page and message in page and "<title>Error:" in page
    assert 'value="20' in page and "Waiting now" not in page


@pytest.mark.parametrize(("start", "end"), [("5/12/2016", "4/12/2026"), ("2/1/2017", "1/1/2027")])
def test_a_period_of_ten_years_exactly_is_allowed(client, people, start, end):
    sign_in(client, people["manager"])
    assert client.get(f"/reports/?from={start}&to={end}").status_code == 200


def test_both_dates_wrong_are_listed_in_the_pages_order(client, people):
    sign_in(client, people["manager"])
    page = text(client.get("/reports/?from=abc&to=def"))
    assert page.index("Enter the start date as a real date") < page.index("Enter the end date as a real date")


@pytest.mark.parametrize("path", ["/reports/download/timeliness.csv?from=0001-01-01",
                                  "/reports/download/caseload.xlsx?to=9999-12-31"])
def test_a_download_with_impossible_dates_is_refused_not_failed(client, people, path):
    sign_in(client, people["manager"])
    assert client.get(path).status_code in (400, 422)
