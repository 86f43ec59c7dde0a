"""The language switch: Welsh on every page, remembered by cookie and per user, a safe way back, locale dates."""

from __future__ import annotations

import html
import re

import pytest

from models.user import User
from tests.conftest import sign_in


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_english_by_default_with_a_switch_to_welsh_marked_with_its_language(client):
    page = client.get("/sign-in")
    assert html_lang(page) == "en-GB"
    body = page.get_data(as_text=True)
    assert "Sign in to Pathway" in body
    # The current language is not a link; the other is, in its own language, with lang and hreflang.
    assert re.search(r'aria-current="true" lang="en">English</li>', body)
    link = re.search(r'<a class="govuk-header__link" href="([^"]+)" hreflang="cy" lang="cy" rel="alternate">'
                     r"Cymraeg</a>", body)
    assert link and html.unescape(link.group(1)).startswith("/language/cy?next=/sign-in")


def test_the_switch_sets_a_cookie_and_every_page_is_then_in_welsh(client):
    response = client.get("/language/cy?next=/sign-in")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in"
    assert "lang=cy" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
    page = client.get("/sign-in")
    assert html_lang(page) == "cy"
    body = text(page)
    assert "Mewngofnodi i Pathway" in body and "Cyfeiriad e-bost" in body
    assert re.search(r'aria-current="true" lang="cy">Cymraeg</li>', body)
    assert 'hreflang="en" lang="en" rel="alternate">English</a>' in body
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and html_lang(missing) == "cy"
    assert "Tudalen heb ei chanfod" in text(missing)
    client.get("/language/en?next=/sign-in")
    assert html_lang(client.get("/sign-in")) == "en-GB"


def test_the_browser_language_is_used_until_the_person_chooses(client):
    assert html_lang(client.get("/sign-in", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})) == "cy"
    assert html_lang(client.get("/sign-in", headers={"Accept-Language": "fr-FR,fr;q=0.9"})) == "en-GB"
    client.get("/language/en?next=/")
    assert html_lang(client.get("/sign-in", headers={"Accept-Language": "cy"})) == "en-GB"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/path", "/\\evil.example", "javascript:alert(1)", "evil.example",
    "http:/evil.example", "/%0d%0aSet-Cookie:x=1", "",
])
def test_the_way_back_never_leaves_the_site(client, target):
    response = client.get("/language/cy", query_string={"next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert "evil" not in location or location.startswith("/%")


def test_an_unknown_language_changes_nothing(client):
    response = client.get("/language/xx?next=/sign-in")
    assert response.status_code == 302 and "Set-Cookie" not in response.headers


def test_a_signed_in_users_choice_is_remembered_on_any_browser(app, client, make_user):
    user = make_user(roles=["referrer"], team="")
    sign_in(client, user)
    response = client.post("/language/cy", data={"next": "/referrals/"})
    assert response.status_code == 302 and response.headers["Location"] == "/referrals/"
    assert User.objects.get(pk=user.pk).language == "cy"

    other = app.test_client()  # another browser, no cookie, an English browser
    sign_in(other, user)
    page = other.get("/referrals/", headers={"Accept-Language": "en-GB"})
    assert html_lang(page) == "cy"
    body = text(page)
    assert "Fy atgyfeiriadau" in body and "Gwneud atgyfeiriad" in body and "Allgofnodi" in body


def test_the_switch_is_on_every_page_and_the_posted_switch_needs_no_javascript(client, make_user):
    user = make_user(roles=["referrer"], team="")
    sign_in(client, user)
    for path in ("/referrals/", "/referrals/new"):
        body = client.get(path).get_data(as_text=True)
        assert 'hreflang="cy"' in body, path
