"""Every multi-write use-case commits all or nothing: make each of its writes fail in turn, then retry.

The injector counts the document writes made inside a unit of work and makes the n-th one fail. For n = 1, 2, ...
the use-case must fail and leave every collection exactly as it was (case, history, deadlines, linked cases,
waiting list, notifications, outbox, audit); the first n beyond its number of writes lets it run to the end, which
is the retry succeeding.
"""

from __future__ import annotations

from datetime import timedelta

import mongoengine
import pytest
from pymongo.collection import Collection
from pymongo.errors import OperationFailure

from models.case import Case
from services.cases.sessions import record_session
from services.referrals import portal as referrals
from services.submissions.filling import countersign_submission, save_draft, start_submission, submit_submission
from services.users.accounts import create_user
from storage import uow
from tests.pathway_steps import accepted, answers, filled_referral, fire, north_team, refer

WRITES = ("insert_one", "insert_many", "update_one", "update_many", "replace_one", "delete_one", "delete_many",
          "find_one_and_update", "find_one_and_replace", "find_one_and_delete", "bulk_write")
IGNORED = {uow.REQUEST_KEYS}


class Injector:
    """Make the n-th document write inside a unit of work fail."""

    def __init__(self):
        self.fail_at = 0
        self.count = 0
        self.fired = False

    def arm(self, n: int) -> None:
        self.fail_at, self.count, self.fired = n, 0, False

    def wrap(self, method):
        def call(collection, *args, **kwargs):
            if self.fail_at and uow.in_transaction() and collection.name not in IGNORED:
                self.count += 1
                if self.count == self.fail_at:
                    self.fired = True
                    raise OperationFailure(f"injected fault at write {self.count} ({collection.name})", code=8000)
            return method(collection, *args, **kwargs)

        return call


@pytest.fixture
def injector(app, monkeypatch):
    uow.install()
    injector = Injector()
    for name in WRITES:
        monkeypatch.setattr(Collection, name, injector.wrap(getattr(Collection, name)))
    return injector


def snapshot() -> dict:
    """Return every document of every collection of the test database."""
    db = mongoengine.get_db()
    state = {}
    for name in sorted(db.list_collection_names()):
        if name.startswith("system.") or name in IGNORED:
            continue
        docs = list(db[name].find())
        state[name] = sorted(docs, key=lambda d: str(d.get("_id")))
    return {name: docs for name, docs in state.items() if docs}


def all_or_nothing(injector, action):
    """Fail each write of `action` in turn, checking nothing changed; then let it succeed; return its result."""
    n = 0
    while True:
        n += 1
        before = snapshot()
        injector.arm(n)
        try:
            result = action()
        except Exception:  # noqa: BLE001 - whatever the fault surfaced as, the database must be untouched
            assert injector.fired, "the use-case failed without an injected fault"
            assert snapshot() == before, f"write {n} failed and left a partial change"
            continue
        finally:
            injector.arm(0)
        assert not injector.fired, f"write {n} failed but the use-case reported success"
        assert n > 1, "the use-case made no writes inside a unit of work"
        assert snapshot() != before
        print(f"\n{n - 1} writes failed in turn: 0 partial changes; the retry succeeded")
        return result, n - 1


@pytest.fixture
def team(synced, make_team, make_user):
    return north_team(make_team, make_user, partner_worker=True)


def test_sending_a_referral(team, now, injector):
    case = filled_referral(team, now)
    sent, writes = all_or_nothing(injector, lambda: referrals.submit_referral(case, actor=team["referrer"], now=now))
    assert sent.status == "open" and sent.state == "received" and writes >= 4


def test_acknowledging(team, now, injector):
    case = refer(team, now)
    done, writes = all_or_nothing(injector, lambda: fire(case, "acknowledge", team["manager"], now))
    assert done.state == "acknowledged" and writes >= 3


def test_allocating_starts_the_deadline_and_the_partner_record(team, now, injector):
    case = accepted(team, now)
    p = team["practitioner"]
    done, writes = all_or_nothing(injector, lambda: fire(case, "allocate", team["manager"], now, assignee=str(p.pk)))
    assert done.state == "allocated" and done.allocated_to == str(p.pk) and done.linked_case_ids
    assert Case.objects(parent_case_id=case.pk, kind="partner").count() == 1
    assert writes >= 6


def test_waiting_list(team, now, injector):
    team["practitioner"].update(set__capacity=0)
    case = accepted(team, now)
    done, _ = all_or_nothing(injector, lambda: fire(case, "add_to_waiting_list", team["manager"], now))
    assert done.state == "waiting_list" and done.on_waiting_list


def test_withdrawing_closes_and_cancels_deadlines(team, now, injector):
    case = accepted(team, now)
    case = fire(case, "allocate", team["manager"], now, assignee=str(team["practitioner"].pk))
    done, _ = all_or_nothing(injector, lambda: fire(case, "withdraw", team["manager"], now + timedelta(days=1),
                                                     outcome="moved_away", reason="Moved to another county"))
    assert done.status == "closed" and done.state == "closed" and not done.on_waiting_list


def test_submitting_a_form_with_its_hooks(team, now, injector):
    case = accepted(team, now)
    p = team["practitioner"]
    case = fire(case, "allocate", team["manager"], now, assignee=str(p.pk))
    case = fire(case, "begin_assessment", p, now, first_meeting=now.date().isoformat())
    sub = start_submission(case, "risk_assessment", actor=p, now=now)
    sub, _ = save_draft(sub, {**answers("risk_assessment"), "risk_children": "high"}, revision=sub.revision,
                        actor=p, now=now)
    done, _ = all_or_nothing(injector, lambda: submit_submission(sub, revision=sub.revision, actor=p, now=now))
    assert done.status == "submitted"
    assert Case.objects.get(pk=case.pk).risk_level in ("high", "very_high")
    signed, _ = all_or_nothing(injector, lambda: countersign_submission(done, actor=team["manager"], now=now))
    assert signed.status == "countersigned"


def test_recording_a_session(team, now, injector):
    case = accepted(team, now)
    p = team["practitioner"]
    case = fire(case, "allocate", team["manager"], now, assignee=str(p.pk))
    data = {"date": now.date().isoformat(), "session_type": "individual", "attendance": "unacceptable_absence"}
    session, _ = all_or_nothing(injector, lambda: record_session(case, data, actor=p, now=now))
    assert session.attendance == "unacceptable_absence"


def test_creating_a_user(app, now, injector, make_team):
    make_team(key="north")
    (user, _password), _ = all_or_nothing(injector, lambda: create_user(
        email="new.worker@example.org", name="New Worker", roles=["practitioner"], team="north",
        password="a-long-enough-password-1", now=now))
    assert user.email == "new.worker@example.org"


def test_opening_a_case(team, now, injector):
    from services.cases.transitions import open_case

    case, writes = all_or_nothing(injector, lambda: open_case(
        workflow_key="dao_pathway", team="north", actor=team["manager"], now=now, person={"name": "Dan Example"}))
    assert case.status == "open" and case.state and writes >= 3


def test_further_information_from_the_referrer(team, now, injector):
    case = refer(team, now)
    all_or_nothing(injector, lambda: referrals.add_referral_information(
        case, text="He has moved address", actor=team["referrer"], now=now))


def test_logging_a_partner_contact_tells_the_linked_case(team, now, injector):
    from services.partner.records import assign_partner_worker, record_partner_contact

    case = accepted(team, now)
    case = fire(case, "allocate", team["manager"], now, assignee=str(team["practitioner"].pk))
    partner = Case.objects.get(parent_case_id=case.pk, kind="partner")
    partner = assign_partner_worker(partner, assignee_id=str(team["partner_worker"].pk), actor=team["manager"],
                                    now=now)
    data = {"date": now.date().isoformat(), "method": "phone", "outcome": "spoke", "notes": "Safe to call on Fridays"}
    (contact, _told), writes = all_or_nothing(injector, lambda: record_partner_contact(
        partner, data, actor=team["partner_worker"], now=now))
    assert contact.notes == "Safe to call on Fridays" and writes >= 3
