"""The admin pages in Welsh: every page renders in Welsh for an administrator who reads Pathway in Welsh."""

from __future__ import annotations

import re

import pytest

from models.user import User
from tests.conftest import sign_in
from tests.http.test_admin_forms import build

# Each page with a Welsh heading or label it must show (and the English it replaces must not).
PAGES = [
    ("/admin/forms", "Creu ffurflen", "Create a form"),
    ("/admin/forms/new", "Creu’r ffurflen", "Create the form"),
    ("/admin/forms/import", "Mewnforio’r ffurflen", "Import the form"),
    ("/admin/forms/qol_review", "Ychwanegu cwestiwn", "Add a question"),
    ("/admin/forms/qol_review/settings", "Cadw’r gosodiadau", "Save the settings"),
    ("/admin/forms/qol_review/computed", "Ychwanegu gwerth wedi’i gyfrifo", "Add a calculated value"),
    ("/admin/forms/qol_review/preview", "Gwirio’r atebion hyn", "Check these answers"),
    ("/admin/forms/qol_review/publish", "Cyhoeddi fersiwn 1", "Publish version 1"),
    ("/admin/forms/qol_review/versions", "Dyblygu fel ffurflen newydd", "Duplicate as a new form"),
    ("/admin/forms/qol_review/translations", "Cadw’r cyfieithiadau", "Save the translations"),
    ("/admin/forms/qol_review/duplicate", "Creu’r copi", "Create the copy"),
    ("/admin/forms/qol_review/discard", "Taflu’r drafft", "Discard the draft"),
    ("/admin/forms/qol_review/questions/new?widget=text", "Ychwanegu’r cwestiwn", "Add the question"),
    ("/admin/forms/qol_review/questions/paste?where=page_1:0", "Ychwanegu’r cwestiynau", "Add the questions"),
    ("/admin/forms/qol_review/questions/has_support/edit", "Cadw’r cwestiwn", "Save the question"),
    ("/admin/forms/qol_review/questions/has_support/remove", "Dileu’r cwestiwn", "Remove the question"),
    ("/admin/forms/qol_review/pages/page_1/edit", "Cadw’r dudalen", "Save the page"),
    ("/admin/forms/qol_review/pages/page_1/sections/new", "Ychwanegu’r adran", "Add the section"),
    ("/admin/forms/qol_review/guidance/new?where=page_1:0", "Ychwanegu’r canllawiau", "Add the guidance"),
    ("/admin/forms/qol_review/pages/new", "Ychwanegu’r dudalen", "Add the page"),
    ("/admin/workflows", "Fersiynau wedi’u cysoni", "Synced versions"),
    ("/admin/workflows/dao_pathway", "Trosglwyddiadau", "Transitions"),
    ("/admin/users", "Creu defnyddiwr", "Create a user"),
    ("/admin/users/new", "Creu’r defnyddiwr", "Create the user"),
    ("/admin/teams", "Creu tîm", "Create a team"),
    ("/admin/teams/new", "Creu’r tîm", "Create the team"),
    ("/admin/audit", "Unrhyw gam gweithredu", "Any action"),
    ("/admin/email", "Anfon negeseuon e-bost", "Email delivery"),
]


@pytest.fixture
def welsh_admin(client, make_user, synced):
    user = make_user(roles=["admin"], team="")
    User.objects(pk=user.pk).update_one(set__language="cy")
    sign_in(client, user)
    build(client)
    return user


@pytest.mark.parametrize(("url", "welsh", "english"), PAGES)
def test_every_admin_page_speaks_welsh(client, welsh_admin, url, welsh, english):
    response = client.get(url)
    body = response.get_data(as_text=True)
    assert response.status_code == 200, url
    assert re.search(r'<html lang="cy', body)
    assert welsh in body and english not in body


def test_the_builder_says_in_welsh_what_it_refuses(client, welsh_admin):
    response = client.post("/admin/forms/new", data={"key": "Bad Key", "title": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Rhowch deitl y ffurflen" in body and "Rhowch allwedd mewn llythrennau bach" in body
