"""The demo data: cases at every stage, and every demo user's pages render with them."""

from __future__ import annotations

import pytest

from models.case import Case
from models.form import Submission
from models.partner import PartnerContact
from models.user import User
from services.demo.load import DEMO_USERS, load_demo
from tests.conftest import sign_in


def _user(role: str) -> tuple[User, str]:
    account = next(a for a in DEMO_USERS if a["roles"] == [role])
    return User.objects.get(email=account["email"]), account["password"]


REFERRED_STAGES = {"Liam Carter": "received", "Marcus Bell": "consultation", "Paul Ward": "not_accepted",
                   "Ryan Doyle": "allocated", "Daniel Marsh": "risk_assessment", "Kieran Walsh": "action_plan",
                   "Tom Fletcher": "intervention", "Aaron Price": "reporting", "Steven Grant": "closed",
                   "Jason Hughes": "waiting_list"}
PROGRAMME_STAGES = {
    "probation_cdvp": {"Gary Holt": "referred", "Lee Barker": "assessment", "Craig Nolan": "pre_programme",
                       "Wayne Doherty": "group_programme", "Ian Cross": "post_programme",
                       "Shaun Mills": "follow_up"},
    "community_programme": {"Mark Dean": "referred", "Scott Kemp": "assessment_booked",
                            "Neil Foster": "assessed", "Dean Rowe": "waiting_list", "Ben Lowe": "group",
                            "Carl Bishop": "follow_up"},
}


def test_demo_cases_reach_every_stage_and_load_once(demo, now):
    programme_cases = sum(len(v) for v in PROGRAMME_STAGES.values())
    assert demo.endswith(f"{len(REFERRED_STAGES) + programme_cases} demo cases")
    referred = Case.objects(kind="perpetrator", referrer_id__ne="")  # the other demo cases were opened by staff
    states = {c.person.name: c.state for c in referred}
    assert states == REFERRED_STAGES
    assert referred.filter(on_waiting_list=True).count() == 1
    for key, expected in PROGRAMME_STAGES.items():
        found = {c.person.name: c.state for c in Case.objects(kind="perpetrator", workflow_key=key)
                 if c.person.name in expected}
        assert found == expected
        # Accepted cases have their partner record, allocated to the partner-support worker.
        ids = [c.pk for c in Case.objects(workflow_key=key) if c.person.name in expected]
        linked = Case.objects(kind="partner", parent_case_id__in=ids)
        assert linked.count() >= 3 and all(c.allocated_to for c in linked)
        # Her worker has recorded who she is: the partner list names her, not "Not recorded yet".
        assert all(c.person.name == "Sarah Reed" for c in linked), [c.person.name for c in linked]
    assert Case.objects(kind="partner").count() >= 6  # opened by the pathway on allocation
    # A record in touch with her has a contact on it; only Neil Foster's, allocated last, awaits its first.
    contacted = set(PartnerContact.objects.distinct("case_id"))
    waiting = {Case.objects.get(pk=c.parent_case_id).person.name for c in Case.objects(kind="partner")
               if c.allocated_to and c.pk not in contacted}
    assert waiting == {"Neil Foster"}, waiting
    assert PartnerContact.objects.count() == 2 + 4 + 3  # two on Daniel Marsh’s record, one on each other
    # The sample answers were written about other men, families and workers: each demo man's forms name him, his
    # children, his partner (Sarah) and the demo worker who filled them in.
    for sub in Submission.objects:
        name, text = Case.objects.get(pk=sub.case_id).person.name, str(sub.answers)
        strangers = ["Lee Dawson", "Lewis Harcourt", "Marcus Fenwright", "Okafor-Reeve", "Priya Shah",
                     "Priya Nandakumar", "Joanne Pritchard", "Sophie Reed"] + ([] if name == "Daniel Marsh" else
                                                                         ["Daniel", "Marsh"])
        assert not [s for s in strangers if s in text], (name, sub.form_key, [s for s in strangers if s in text])
    assert load_demo(now=now).endswith("demo cases already loaded")
    assert Case.objects(kind="perpetrator", referrer_id__ne="").count() == len(REFERRED_STAGES)


@pytest.mark.parametrize("role, start, heading", [
    ("practitioner", "/cases", "My cases"),
    ("manager", "/cases", "Cases"),
    ("auditor", "/cases", "Cases"),
    ("partner_worker", "/partner", "Partner cases"),
])
def test_every_case_page_a_demo_user_can_reach_renders(client, demo, role, start, heading):
    user, password = _user(role)
    sign_in(client, user, password)
    listing = client.get(start + "?status=all")
    assert listing.status_code == 200 and f">{heading}</h1>" in listing.get_data(as_text=True)
    visible = [c for c in Case.objects if f"/{c.pk}\"" in listing.get_data(as_text=True)]
    assert visible, "the demo user sees some cases"
    for case in visible:
        base = f"/partner/cases/{case.pk}" if case.kind == "partner" else f"/cases/{case.pk}"
        pages = [base] if case.kind == "partner" else [base, base + "/history", base + "/sessions"]
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, (url, case.state)
