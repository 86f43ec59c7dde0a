"""User and team administration through the Flask client: accounts, roles, capacity, supervision dates, audit."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from models.audit import AuditEntry
from models.deadline import Deadline
from models.team import Team
from models.user import User
from services.deadlines.timing import calendar_for
from services.deadlines.tracking import start_deadline
from services.users.passwords import check_password
from tests.conftest import sign_in


@pytest.fixture
def admin(client, make_user, make_team):
    make_team(key="north", name="North Team")
    user = make_user(roles=["admin"], team="")
    sign_in(client, user)
    return user


def one_time_password(html: str) -> str:
    return re.search(r'id="one-time-password">([^<]+)<', html).group(1)


def test_an_admin_creates_a_practitioner_and_sees_the_one_time_password_once(client, admin):
    response = client.post("/admin/users/new", data={
        "email": "New.Person@Example.org", "name": "New Person", "roles": ["practitioner"], "team": "north",
        "capacity": "12"})
    assert response.status_code == 200
    password = one_time_password(response.get_data(as_text=True))
    user = User.objects.get(email="new.person@example.org")
    assert (user.roles, user.team, user.capacity, user.must_change_password) == (["practitioner"], "north", 12, True)
    assert check_password(user.password_hash, password)
    entry = AuditEntry.objects(action="user.created", target_id=str(user.pk)).get()
    assert entry.actor_id == str(admin.pk)
    assert password not in client.get(f"/admin/users/{user.pk}").get_data(as_text=True)


@pytest.mark.parametrize(("data", "field"), [
    ({"email": "not-an-email", "name": "A", "roles": ["referrer"]}, "email"),
    ({"email": "a@example.org", "name": "", "roles": ["referrer"]}, "name"),
    ({"email": "a@example.org", "name": "A"}, "roles"),
    ({"email": "a@example.org", "name": "A", "roles": ["practitioner"]}, "team"),
    ({"email": "a@example.org", "name": "A", "roles": ["practitioner"], "team": "nowhere"}, "team"),
    ({"email": "a@example.org", "name": "A", "roles": ["practitioner"], "team": "north", "capacity": "lots"},
     "capacity"),
])
def test_a_refused_user_keeps_what_was_typed(client, admin, data, field):
    response = client.post("/admin/users/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'href="#{field}"' in html
    assert f'value="{data["email"]}"' in html
    assert User.objects(email=data["email"]).count() == 0


def test_a_blank_email_is_asked_for_and_a_wrong_one_said_to_be_wrong(client, admin):
    blank = client.post("/admin/users/new", data={"email": " ", "name": "A", "roles": ["referrer"]})
    wrong = client.post("/admin/users/new", data={"email": "nobody", "name": "A", "roles": ["referrer"]})
    assert "Enter an email address<" in blank.get_data(as_text=True)
    assert "Enter an email address in the correct format" in wrong.get_data(as_text=True)


def test_roles_team_and_capacity_are_changed_and_audited(client, admin, make_user):
    person = make_user(roles=["practitioner"], team="north")
    response = client.post(f"/admin/users/{person.pk}", data={
        "name": person.name, "roles": ["practitioner", "manager"], "team": "north", "capacity": "8"})
    assert response.status_code == 302
    person.reload()
    assert (sorted(person.roles), person.capacity) == (["manager", "practitioner"], 8)
    entry = AuditEntry.objects(action="user.updated", target_id=str(person.pk)).get()
    assert entry.details["after"]["capacity"] == 8


def test_an_admin_cannot_remove_their_own_admin_role(client, admin):
    response = client.post(f"/admin/users/{admin.pk}", data={"name": admin.name, "roles": ["auditor"]})
    assert response.status_code == 422
    admin.reload()
    assert "admin" in admin.roles


def test_deactivation_signs_the_user_out_and_reactivation_lets_them_back(client, admin, make_user, app):
    person = make_user(roles=["referrer"], team="")
    other = app.test_client()
    sign_in(other, person)
    assert "/sign-in" not in other.get("/").headers.get("Location", "")
    assert client.post(f"/admin/users/{person.pk}/deactivate").status_code == 302
    assert "/sign-in" in other.get("/").headers["Location"]
    person.reload()
    assert not person.active
    assert client.post(f"/admin/users/{person.pk}/deactivate").status_code == 403
    assert client.post(f"/admin/users/{person.pk}/reactivate").status_code == 302
    person.reload()
    assert person.active
    actions = [e.action for e in AuditEntry.objects(target_id=str(person.pk)).order_by("id")]
    assert actions[-2:] == ["user.deactivated", "user.reactivated"]


def test_a_forced_password_reset_gives_a_new_one_time_password(client, admin, make_user):
    person = make_user(roles=["manager"], team="north")
    assert client.get(f"/admin/users/{person.pk}/reset-password").status_code == 200
    response = client.post(f"/admin/users/{person.pk}/reset-password")
    password = one_time_password(response.get_data(as_text=True))
    person.reload()
    assert person.must_change_password and check_password(person.password_hash, password)


def test_users_are_filtered_by_role_team_status_and_text(client, admin, make_user):
    make_user(roles=["practitioner"], team="north", name="Priya Practitioner")
    make_user(roles=["referrer"], team="", name="Sam Referrer")
    html = client.get("/admin/users?role=practitioner&team=north&status=active").get_data(as_text=True)
    assert "Priya Practitioner" in html and "Sam Referrer" not in html
    html = client.get("/admin/users?text=sam").get_data(as_text=True)
    assert "Sam Referrer" in html and "Priya Practitioner" not in html


def _supervision_tuesday() -> tuple[date, date]:
    """Return a Tuesday some weeks ahead whose Friday, Monday and itself are working days, and that Friday.

    The pages refuse a past supervision date against the real clock, so the date is found from today; the working
    days around it make "2 working days before" the Friday, whatever bank holidays the coming weeks hold.
    """
    calendar = calendar_for()
    day = date.today() + timedelta(weeks=5)
    day += timedelta(days=(1 - day.weekday()) % 7)
    while not all(calendar.is_working_day(day - timedelta(days=back)) for back in (0, 1, 4)):
        day += timedelta(weeks=1)
    return day, day - timedelta(days=4)


def _date_fields(day: date) -> dict:
    return {"date-day": str(day.day), "date-month": str(day.month), "date-year": str(day.year)}


def test_teams_are_created_and_keep_their_supervision_dates(client, admin, now):
    assert client.post("/admin/teams/new", data={"key": "south", "name": "South Team"}).status_code == 302
    duplicate = client.post("/admin/teams/new", data={"key": "south", "name": "Again"})
    assert duplicate.status_code == 422
    tuesday, _ = _supervision_tuesday()
    added = client.post("/admin/teams/south", data={"action": "add_date", **_date_fields(tuesday)})
    assert added.status_code == 302
    assert Team.objects.get(key="south").supervision_dates == [tuesday]
    page = client.get("/admin/teams/south").get_data(as_text=True)
    assert f"Tuesday {tuesday.day} {tuesday:%B %Y}" in page
    removed = client.post(f"/admin/teams/south/supervision/{tuesday.isoformat()}/remove")
    assert removed.status_code == 302
    assert Team.objects.get(key="south").supervision_dates == []
    actions = [e.action for e in AuditEntry.objects(target_type="team").order_by("id")]
    assert actions == ["team.created", "team.supervision_date_added", "team.supervision_date_removed"]


@pytest.mark.parametrize(("day", "month", "year", "message"), [
    ("31", "2", "2027", "Enter a real date"),
    ("", "", "", "Enter the date"),
    ("1", "1", "2020", "today or in the future"),
])
def test_a_wrong_supervision_date_is_refused_with_the_input_kept(client, admin, day, month, year, message):
    response = client.post("/admin/teams/north", data={"action": "add_date", "date-day": day, "date-month": month,
                                                       "date-year": year})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert f'name="date-year" type="text" inputmode="numeric" value="{year}"' in html


def test_supervision_dates_and_closures_are_working_days_each_listed_once(client, admin):
    tuesday, _ = _supervision_tuesday()
    saturday = tuesday + timedelta(days=4)
    christmas = date(tuesday.year, 12, 25)
    christmas = christmas if christmas > date.today() else date(tuesday.year + 1, 12, 25)
    for action, field in (("add_date", "date"), ("add_closure", "closure")):
        for day, why in ((saturday, "a weekend"), (christmas, "Christmas Day")):
            data = {"action": action, **{f"{field}-{k}": v for k, v in zip(
                ("day", "month", "year"), (str(day.day), str(day.month), str(day.year)), strict=True)}}
            refused = client.post("/admin/teams/north", data=data)
            page = refused.get_data(as_text=True)
            assert refused.status_code == 422 and f"is not a working day ({why})" in page, (action, day)
    empty = client.post("/admin/teams/north", data={"action": "add_closure", "closure-day": "", "closure-month": "",
                                                    "closure-year": ""})
    assert "Enter the date the service is closed" in empty.get_data(as_text=True)
    closure = {"action": "add_closure", "closure-day": str(tuesday.day), "closure-month": str(tuesday.month),
               "closure-year": str(tuesday.year)}
    assert client.post("/admin/teams/north", data=closure).status_code == 302
    again = client.post("/admin/teams/north", data=closure)
    assert again.status_code == 422 and "This date is already in the list" in again.get_data(as_text=True)
    # A closure is not a working day for the team's supervision either.
    taken = client.post("/admin/teams/north", data={"action": "add_date", **_date_fields(tuesday)})
    assert taken.status_code == 422 and "is not a working day (a closure)" in taken.get_data(as_text=True)


def test_people_and_a_team_s_page_name_the_team_not_its_key(client, admin, make_user):
    make_user(roles=["practitioner"], team="north", name="Nia North")
    page = client.get("/admin/users").get_data(as_text=True)
    row = page[page.index("Nia North"):page.index("</tr>", page.index("Nia North"))]
    team = Team.objects.get(key="north")
    assert team.name in row and ">north<" not in row
    assert "Team north" not in client.get("/admin/teams/north").get_data(as_text=True)


def test_a_team_is_renamed(client, admin):
    assert client.post("/admin/teams/north", data={"action": "rename", "name": "North Safeguarding"}).status_code == 302
    assert Team.objects.get(key="north").name == "North Safeguarding"
    assert client.post("/admin/teams/north", data={"action": "rename", "name": ""}).status_code == 422
    assert client.get("/admin/teams/nowhere").status_code == 404


def test_a_new_supervision_date_schedules_workbooks_waiting_for_one(client, admin, make_case, now):
    case = make_case(state="risk_assessment")
    start_deadline(case, "workbook", now=now)
    assert Deadline.objects.get(case_id=case.pk, key="workbook").due_at is None
    tuesday, friday_before = _supervision_tuesday()
    client.post("/admin/teams/north", data={"action": "add_date", **_date_fields(tuesday)})
    due = Deadline.objects.get(case_id=case.pk, key="workbook").due_at
    assert due is not None and due.date() == friday_before
