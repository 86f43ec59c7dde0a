"""Destruction, subject access and corrections commit all or nothing: each of their writes is made to fail in turn."""

from __future__ import annotations

from datetime import timedelta

from services.privacy import rectification, retention
from services.privacy import subject_access as sar
from tests.services.privacy.test_retention import HER, HIM, SIX_YEARS, planted_case, traces
from tests.services.privacy.test_retention import team as team  # noqa: F401 - the fixture, shared
from tests.services.test_unit_of_work import all_or_nothing
from tests.services.test_unit_of_work import injector as injector  # noqa: F401 - the fixture, shared


def test_approving_a_destruction_is_one_atomic_change(team, make_case, now, injector):  # noqa: F811
    case, _, _ = planted_case(team, make_case, now)
    retention.run_retention(now=now + SIX_YEARS)
    (row,) = retention.review_queue(actor=team["manager"])["rows"]
    later = now + SIX_YEARS + timedelta(days=1)
    _, writes = all_or_nothing(injector, lambda: retention.approve_destruction(
        row["id"], actor=team["manager"], now=later, confirm=True))
    assert writes > 10 and traces(HIM, HER) == []


def test_logging_releasing_and_correcting_are_atomic(team, make_case, now, injector):  # noqa: F811
    case, _, _ = planted_case(team, make_case, now)
    request, _ = all_or_nothing(injector, lambda: sar.log_request(case.pk, {
        "requested_by": "Him", "identity_check": "photo_id", "received_on": now.date().isoformat()},
        actor=team["manager"], now=now))
    all_or_nothing(injector, lambda: sar.approve_release(request.pk, withhold=[], reason="", actor=team["manager"],
                                                         now=now))
    all_or_nothing(injector, lambda: sar.release_file(request.pk, "json", actor=team["manager"], now=now))
    all_or_nothing(injector, lambda: rectification.correct_person(case.pk, {
        "field": "address", "value": "1 New Street", "reason": "He moved"}, actor=team["manager"], now=now))
