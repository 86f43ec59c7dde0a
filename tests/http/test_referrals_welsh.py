"""The referrer's view of a referral in Welsh: the public status is said from the pathway file's translations."""

from __future__ import annotations

from models.case import Case
from models.user import User
from services.cases.transitions import fire_transition
from services.referrals import portal as referrals
from tests.conftest import sign_in
from tests.http.test_referrals_http import draft_with_forms, people, text  # noqa: F401 (fixture)


def test_a_welsh_referrer_follows_the_status_in_welsh(client, people, now, monkeypatch):  # noqa: F811
    User.objects(pk=people["referrer"].pk).update(set__language="cy")
    sign_in(client, User.objects.get(pk=people["referrer"].pk))
    case = referrals.submit_referral(draft_with_forms(people, now), actor=people["referrer"], now=now)
    m = people["manager"]
    for name, inputs in (("acknowledge", {"next_steps": "We will call you on Monday"}),
                         ("arrange_consultation", {"consultation_date": now.date().isoformat()}), ("accept", {})):
        fire_transition(Case.objects.get(pk=case.pk), name, inputs, actor=m, now=now)
    # Without the catalogue's words, only the pathway file's translations can say the status in Welsh.
    monkeypatch.setattr(referrals, "PUBLIC_STATUSES", {})
    page = text(client.get(f"/referrals/{case.pk}"))
    assert page.count("Wedi’i dderbyn") == 2  # the status and the timeline's entry
    assert "Accepted" not in page and "Received" not in page
    listed = text(client.get("/referrals/"))
    assert "Wedi’i dderbyn" in listed and "Accepted" not in listed
