"""Steps the service tests take on cases: fill a form with its fixture answers, fire a transition."""

from __future__ import annotations

import json
from pathlib import Path

from models.case import CaseEvent
from models.deadline import Deadline
from services.cases import transitions as case_service
from services.referrals import portal as referrals
from services.submissions.filling import save_draft, start_submission, submit_submission

ANSWERS = Path(__file__).resolve().parent / "fixtures" / "answers"


def answers(key: str) -> dict:
    """Return the realistic complete answer set shipped for a form."""
    return json.loads((ANSWERS / f"{key}.json").read_text())


def fill(case, key, actor, now, overrides=None):
    """Start, fill with the fixture answers (plus overrides) and submit a form."""
    sub = start_submission(case, key, actor=actor, now=now)
    sub, _ = save_draft(sub, {**answers(key), **(overrides or {})}, revision=sub.revision, actor=actor, now=now)
    return submit_submission(sub, revision=sub.revision, actor=actor, now=now)


def fire(case, name, actor, now, event=False, **inputs):
    """Fire a transition (or record an event) through the case service."""
    return case_service.fire_transition(case, name, inputs, actor=actor, now=now, event=event)


def north_team(make_team, make_user, *, partner_worker: bool = False) -> dict:
    """Make the north team: a children's-services referrer, two managers, a practitioner (and a partner worker)."""
    make_team(key="north")
    people = {
        "referrer": make_user(roles=["referrer"], team="", organisation="Children's Services"),
        "manager": make_user(roles=["manager"], team="north"),
        "manager2": make_user(roles=["manager"], team="north"),
        "practitioner": make_user(roles=["practitioner"], team="north"),
    }
    if partner_worker:
        people["partner_worker"] = make_user(roles=["partner_worker"], team="north")
    return people


def filled_referral(team, now, **rfs):
    """Start a DAO referral as the team's referrer and fill its three forms (not sent yet)."""
    case = referrals.start_referral(workflow_key="dao_pathway", actor=team["referrer"], now=now)
    for key in ("request_for_service", "screening", "consent"):
        fill(case, key, team["referrer"], now, rfs if key == "request_for_service" else None)
    return case


def refer(team, now, **rfs):
    """Send a complete DAO referral; return the case, received."""
    return referrals.submit_referral(filled_referral(team, now, **rfs), actor=team["referrer"], now=now)


def accepted(team, now):
    """Refer, acknowledge, hold the consultation and accept: the case ready to allocate."""
    m = team["manager"]
    case = fire(refer(team, now), "acknowledge", m, now)
    case = fire(case, "arrange_consultation", m, now, consultation_date=now.date().isoformat())
    return fire(case, "accept", m, now)


def active_keys(case) -> set[str]:
    """Return the keys of the case's running deadlines."""
    return {d.key for d in Deadline.objects(case_id=case.pk, active=True)}


def history(case) -> list[str]:
    """Return the names of the case's events, oldest first."""
    return [e.name for e in CaseEvent.objects(case_id=case.pk).order_by("at", "id")]
