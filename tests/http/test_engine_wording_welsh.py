"""Wording made by pure code (guard reasons, deadline bases, role labels) follows a Welsh reader's language."""

from __future__ import annotations

import pytest
from babel.dates import format_date

from models.user import User
from tests.conftest import sign_in
from tests.http.test_case_pages import make_people, refer, walk
from tests.http.test_staff_pages_welsh import assert_no_english, welsh_page


@pytest.fixture
def people(synced, make_team, make_user):
    found = make_people(make_team, make_user)
    User.objects(pk__in=[u.pk for u in found.values()]).update(set__language="cy")
    return {key: User.objects.get(pk=user.pk) for key, user in found.items()}


def test_a_welsh_practitioner_reads_the_reasons_and_bases_in_welsh(client, people, now):
    case = walk(refer(people, now, person_name="Daniel Marsh"), people, now, "risk_assessment")
    sign_in(client, people["practitioner"])
    body = welsh_page(client, f"/cases/{case.pk}")
    assert "Rhaid cyflwyno SARA yn gyntaf" in body  # the form's label is the pathway's Welsh one
    assert "Rhaid cyflwyno rhestr ymddygiad yn gyntaf" in body
    assert "Dim ond rheolwr tîm all wneud hyn" in body
    assert "gan gyfrif o" in body  # a deadline's basis, counted from a Welsh date
    assert format_date(now, "d MMMM y", locale="cy") in body
    assert_no_english(body, ["must be submitted first", "must be countersigned first", "can do this",
                             ", counted from ", "working days after", "weeks after allocation on"])


def test_a_welsh_administrator_reads_the_role_labels_in_welsh(client, people, make_user):
    admin = make_user(roles=["admin"], team="")
    User.objects(pk=admin.pk).update(set__language="cy")
    sign_in(client, User.objects.get(pk=admin.pk))
    body = welsh_page(client, "/admin/users")
    assert "Ymarferydd" in body and "Rheolwr tîm" in body and "Gweinyddwr" in body
    assert_no_english(body, [">Team manager", ">Practitioner", ">Administrator"])
