"""The language switch: Welsh on every page, remembered by cookie and per user, a safe way back, locale dates."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from babel.dates import format_date

from models.case import Case
from models.form import Submission
from models.outbox import OutboxMessage
from models.user import User
from services.cases.transitions import fire_transition
from services.deadlines.timing import local_today
from services.referrals import portal as referrals
from services.submissions.filling import save_draft, start_submission, submit_submission
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


# A referral in Welsh, and the email about it to a referrer who reads Pathway in Welsh.

ANSWERS = Path(__file__).resolve().parents[1] / "fixtures" / "answers"


def _fill(case, key, actor, now):
    sub = start_submission(case, key, actor=actor, now=now)
    answers = json.loads((ANSWERS / f"{key}.json").read_text())
    sub, _ = save_draft(sub, answers, revision=sub.revision, actor=actor, now=now)
    return submit_submission(sub, revision=sub.revision, actor=actor, now=now)


@pytest.fixture
def team_and_people(synced, make_team, make_user):
    make_team(key="north")
    return {"welsh": make_user(roles=["referrer"], team="", organisation="Gwasanaethau Plant"),
            "english": make_user(roles=["referrer"], team="", organisation="Children's Services"),
            "manager": make_user(roles=["manager"], team="north")}


def test_a_referral_reads_in_welsh_from_the_pathway_and_the_forms(client, team_and_people, now):
    referrer = team_and_people["welsh"]
    sign_in(client, referrer)
    client.get("/language/cy?next=/referrals/")
    start = text(client.get("/referrals/new"))
    assert "Gwasanaeth y Swyddog Cam-drin Domestig (Diogelu Teuluoedd)" in start and "Dechrau nawr" in start
    client.post("/referrals/new", data={"workflow": "dao_pathway"})
    case = Case.objects.get(referrer_id=str(referrer.pk))
    tasks = text(client.get(f"/referrals/{case.pk}/tasks"))
    assert "Cais am Wasanaeth" in tasks and "Ffurflen sgrinio" in tasks and "Heb ddechrau" in tasks
    assert "Request for Service" not in tasks
    start_form = text(client.post(f"/cases/{case.pk}/forms/screening", follow_redirects=True))
    assert "1. A yw’r unigolyn eisoes o dan oruchwyliaeth y Gwasanaeth Prawf?" in start_form
    assert "Cadw a pharhau" in start_form and "Is the individual" not in start_form
    # The screening form through its page (in Welsh), the others through the services (no page: English).
    draft = Submission.objects.get(case_id=case.pk, form_key="screening")
    base = f"/cases/{case.pk}/forms/screening/{draft.pk}"
    answers = json.loads((ANSWERS / "screening.json").read_text())
    saved = client.post(f"{base}/pages/screening", data={**answers, "revision": draft.revision, "action": "continue"})
    assert saved.status_code == 302
    checked = text(client.get(f"{base}/check"))
    assert "Gwiriwch eich atebion" in checked and "Yn rhannol, mae’n cydnabod" in checked
    submitted = client.post(f"{base}/check", data={"revision": Submission.objects.get(pk=draft.pk).revision})
    assert submitted.status_code == 302
    assert Submission.objects.get(pk=draft.pk).language == "cy"  # filled in while reading Pathway in Welsh
    for key in ("request_for_service", "consent"):
        assert _fill(case, key, referrer, now).language == "en"
    check = text(client.get(f"/referrals/{case.pk}/check"))
    assert "Gwiriwch eich atebion cyn anfon eich atgyfeiriad" in check and "Enw’r gweithiwr cymdeithasol" in check
    assert client.post(f"/referrals/{case.pk}/check").status_code == 302
    status = text(client.get(f"/referrals/{case.pk}"))
    assert "Wedi dod i law" in status and "Atgyfeiriad wedi’i anfon" in status
    sent_on = Case.objects.get(pk=case.pk).referred_at
    # The day on the service's clock, as the page says it (after 23:00 UTC in summer it is the next day there).
    assert format_date(local_today(sent_on), locale="cy", format="long") in status  # e.g. "20 Tachwedd 2026"


def test_the_referrer_is_emailed_in_the_language_they_chose(app, client, team_and_people, now):
    sign_in(client, team_and_people["welsh"])
    client.get("/language/cy?next=/referrals/")  # remembered on the user: the email is sent without a request
    cases = {}
    for who in ("welsh", "english"):
        case = referrals.start_referral(workflow_key="dao_pathway", actor=team_and_people[who], now=now)
        for key in ("request_for_service", "screening", "consent"):
            _fill(case, key, team_and_people[who], now)
        cases[who] = referrals.submit_referral(case, actor=team_and_people[who], now=now)
    with app.app_context():
        for case in cases.values():
            fire_transition(Case.objects.get(pk=case.pk), "acknowledge", {"next_steps": "Ffoniwch fi"},
                            actor=team_and_people["manager"], now=now)
    welsh = OutboxMessage.objects.get(to=team_and_people["welsh"].email)
    assert welsh.subject == f"Atgyfeiriad {cases['welsh'].reference} wedi’i gydnabod"
    assert "Bydd rheolwr y tîm yn trefnu ymgynghoriad achos gyda chi." in welsh.body
    assert "Gallwch ddiffodd yr e-byst hyn yn Pathway" in welsh.body
    english = OutboxMessage.objects.get(to=team_and_people["english"].email)
    assert english.subject == f"Referral {cases['english'].reference} acknowledged"
    assert "You can turn these emails off in Pathway" in english.body
    # The manager's own message stays in their language (English): each recipient gets theirs.
    manager = OutboxMessage.objects(to=team_and_people["manager"].email).first()
    assert manager is None or "Atgyfeiriad" not in manager.subject


def test_a_language_chosen_before_signing_in_becomes_the_users_own(app, client, make_user):
    user = make_user(roles=["referrer"], team="")
    client.get("/language/cy?next=/sign-in")
    sign_in(client, user)
    assert User.objects.get(pk=user.pk).language == "cy"
    chosen_before = make_user(roles=["referrer"], team="")
    User.objects(pk=chosen_before.pk).update_one(set__language="en")
    other = app.test_client()
    other.get("/language/cy?next=/sign-in")
    sign_in(other, chosen_before)
    assert User.objects.get(pk=chosen_before.pk).language == "en"  # a saved choice is not overridden by a cookie
    assert html_lang(other.get("/referrals/")) == "en-GB"


def test_the_switch_s_links_are_the_addresses_url_for_builds(app):
    from flask import url_for

    from blueprints.language import _switch_href

    with app.test_request_context("/cases/abc?page=2"):
        for back in ("/cases/abc?page=2", "/cases?q=Dan%C3%ADel Marsh&sort=name", "/forms/x?a=1&b=2#top",
                     "/", "/search?q=a+b/c:d@e;f!'()*,$", "/cases?q=Siân Owen"):
            for code in ("en", "cy"):
                assert _switch_href(code, back) == url_for("language.switch", code=code, next=back), back
