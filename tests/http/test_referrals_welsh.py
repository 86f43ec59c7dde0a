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


def test_a_welsh_referrer_is_refused_in_welsh(client, people, now):  # noqa: F811
    User.objects(pk=people["referrer"].pk).update(set__language="cy")
    sign_in(client, User.objects.get(pk=people["referrer"].pk))
    assert "Nid oes achos o’r fath" in text(client.get("/referrals/000000000000000000000000"))
    case = referrals.submit_referral(draft_with_forms(people, now), actor=people["referrer"], now=now)
    sent = text(client.post(f"/cases/{case.pk}/forms/screening"))
    assert "Mae’r atgyfeiriad hwn wedi’i anfon" in sent and "has been sent" not in sent


def test_a_closed_referral_says_its_outcome_in_the_referrers_language(app, synced):
    from types import SimpleNamespace

    from services.pathways.store import latest_definition

    with app.app_context():
        defn = latest_definition("dao_pathway")
        chosen = SimpleNamespace(outcome="disengaged")  # an outcome the closing step asks for
        assert referrals.outcome_words(chosen, defn, "en") == "The client stopped engaging"
        welsh = referrals.outcome_words(chosen, defn, "cy")
        assert welsh and welsh != "The client stopped engaging" and "_" not in welsh
        recorded = SimpleNamespace(outcome="assessment_only")  # one a step records without asking
        assert referrals.outcome_words(recorded, defn, "en") == "Close after the risk assessment"
        assert referrals.outcome_words(recorded, defn, "cy") not in ("Close after the risk assessment", "")
