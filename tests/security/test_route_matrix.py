"""Every GET route of the app, for every role, with real objects of the same and another team: never a 500,
and the planted victim marker never reaches anyone outside the record's workers."""

from __future__ import annotations

import hashlib
import re

import mongoengine
import pytest

from models.case import Case
from services.partner import records as partner_service
from tests.conftest import NOW, new_team, new_user, sign_in
from tests.http.test_case_pages import make_people, refer, walk
from tests.module_data import copy_in

MARKER = "VICTIMMARKER-5150"
ROLES = ("referrer", "manager", "practitioner", "colleague", "partner_worker", "auditor", "admin", "outsider",
         "south_manager")
# Who may see the partner's details (the marker): the assigned partner worker and the team's manager.
MAY_SEE_MARKER = {"partner_worker", "manager"}


@pytest.fixture(scope="module")
def world_snapshot(synced_builder):
    return synced_builder(lambda: build_world(NOW))


@pytest.fixture
def world(synced, world_snapshot):
    """The users of every role, two cases of the north team and a partner case holding the marker (built once)."""
    people, ids = copy_in(world_snapshot)
    return people, {key: Case.objects.get(pk=pk) for key, pk in ids.items()}


def build_world(now):
    people = make_people(new_team, new_user)
    people["south_manager"] = new_user(roles=["manager"], team="south", name="Sue South")
    case = walk(refer(people, now, person_name="Daniel Marsh"), people, now, "risk_assessment")
    other = walk(refer(people, now, person_name="Oliver Other"), {**people, "practitioner": people["colleague"]},
                 now, "allocated")
    partner_case = partner_service.take_partner_action(
        Case.objects.get(parent_case_id=case.pk), "allocate", {"assignee": str(people["partner_worker"].pk)},
        event=False, actor=people["manager"], now=now)
    partner_service.update_partner_details(partner_case, {"name": MARKER, "safe_contact": MARKER},
                                           actor=people["partner_worker"], now=now)
    return people, {"case": case.pk, "other": other.pk, "partner": partner_case.pk}


def _addresses(app, objects) -> list[str]:
    """Return one address per GET rule, its parts filled with real ids (each case, for case rules)."""
    out = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        args = set(rule.arguments)
        cases = [objects[k] for k in ("case", "other", "partner")] if "case_id" in args else [None]
        for case in cases:
            path = rule.rule
            if case is not None:
                path = path.replace("<case_id>", str(case.pk))
            path = re.sub(r"<any\(([a-z_]+)[^)]*\):kind>", r"\1", path)
            path = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "x" * 24, path)
            out.append(path)
    return sorted(set(out))


def test_every_get_route_for_every_role(app, client, world):
    people, objects = world
    addresses = _addresses(app, objects)
    assert len(addresses) > 40  # the url map, not a hand-picked list
    partner_id = str(objects["partner"].pk)
    for role in ROLES:
        sign_in(client, people[role])
        for address in addresses:
            if address in ("/sign-out",):
                continue
            response = client.get(address)
            assert response.status_code < 500, (role, address, response.status_code)
            body = response.get_data(as_text=True)
            if role not in MAY_SEE_MARKER:
                assert MARKER not in body, (role, address)
            if role == "referrer":
                assert partner_id not in body or response.status_code >= 300, (role, address)
        client.post("/sign-out")


# Bookkeeping a refused request may write: the audit trail of the refusal, sessions and sign-in throttling.
BOOKKEEPING = {"audit", "sign_in_throttles"}
# Posting these as a signed-in user ends or restarts the sign-in itself; sign-in tests cover them.
SIGN_IN_ENDPOINTS = {"auth.sign_out", "auth.sign_in", "mfa.verify"}
REFUSED = {401, 403, 404}


# What the server's hash of a collection without documents is: such a collection holds nothing to change.
EMPTY = hashlib.md5(b"").hexdigest()  # noqa: S324 - the server's own digest, compared, not a secret


def _snapshot() -> dict:
    """Return the hash of every collection's documents except the bookkeeping ones, by collection.

    The server hashes each collection's documents in `_id` order, byte for byte (`dbHash`): a document added,
    removed or changed in any way changes its collection's hash, and no document is read back to compare.
    """
    hashes = mongoengine.get_db().command("dbHash")["collections"]
    return {name: digest for name, digest in hashes.items() if name not in BOOKKEEPING and digest != EMPTY}


def _changed(before: dict, after: dict) -> list[str]:
    names = set(before) | set(after)
    return sorted(n for n in names if before.get(n) != after.get(n))


def _post_addresses(app, objects) -> list[str]:
    """Return one address per POST rule, its parts filled with real ids (each case, for case rules)."""
    out = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.endpoint in SIGN_IN_ENDPOINTS:
            continue
        cases = [objects[k] for k in ("case", "other", "partner")] if "case_id" in rule.arguments else [None]
        for case in cases:
            path = rule.rule if case is None else rule.rule.replace("<case_id>", str(case.pk))
            path = re.sub(r"<any\(([a-z_]+)[^)]*\):kind>", r"\1", path)
            out.append(re.sub(r"<(?:[a-z]+:)?[a-z_]+>", "x" * 24, path))
    return sorted(set(out))


def test_every_post_route_for_every_role_and_refusals_change_nothing(app, client, world):
    people, objects = world
    addresses = _post_addresses(app, objects)
    assert len(addresses) > 40  # the url map, not a hand-picked list
    refusals = 0
    for role in ROLES:
        sign_in(client, people[role])
        after = None  # the hashes right after the last request, when nothing can have changed since
        for address in addresses:
            before = after or _snapshot()
            after = None
            response = client.post(address, data={})
            assert response.status_code < 500, (role, address, response.status_code)
            body = response.get_data(as_text=True)
            if role not in MAY_SEE_MARKER:
                assert MARKER not in body, (role, address)
            if response.status_code in REFUSED:
                refusals += 1
                after = _snapshot()
                assert not _changed(before, after), (role, address, response.status_code)
        client.post("/sign-out")
    assert refusals > 100  # most roles are refused most actions
