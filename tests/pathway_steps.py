"""Steps the service tests take on cases: fill a form with its fixture answers, fire a transition."""

from __future__ import annotations

import json
from pathlib import Path

from services import cases as case_service
from services.submissions import save_draft, start_submission, submit_submission

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
