"""Monitoring figures: ended cases counted by the database, by outcome and by the categories they keep."""

from __future__ import annotations

from datetime import datetime

from bson import ObjectId

from models.case import Case
from services.privacy.monitoring import monitoring_counts
from tests.command_log import count_commands

NOW = datetime(2026, 11, 1, 9)


def _ended(n: int, *, team="north", outcome="withdrew", ethnicity="White Irish", anonymised=False) -> None:
    Case._get_collection().insert_many([{
        "_id": ObjectId(), "reference": f"CP-2026-{ObjectId()}", "kind": "perpetrator",
        "workflow_key": "community_programme", "workflow_version": 1, "status": "closed", "state": "closed",
        "outcome": outcome, "team": team, "created_at": NOW, "revision": 1, "monitoring": {"ethnicity": ethnicity},
        **({"anonymised_at": NOW} if anonymised else {})} for _ in range(n)])


def test_figures_are_two_aggregations_whatever_the_number_of_cases(synced, make_user, app_config):
    manager = make_user(roles=["manager"], team="north")
    _ended(3)
    _ended(2, ethnicity="Black British", anonymised=True)  # destroyed records still count
    _ended(4, team="south")  # another team's
    found, commands = count_commands(app_config["MONGODB_DB"], lambda: monitoring_counts(actor=manager))
    assert found["outcomes"] == [("Community perpetrator programme: He withdrew", 5)]
    assert found["categories"] == {"Ethnicity": {"White Irish": 3, "Black British": 2}}
    _ended(50)
    again, more = count_commands(app_config["MONGODB_DB"], lambda: monitoring_counts(actor=manager))
    assert again["outcomes"] == [("Community perpetrator programme: He withdrew", 55)]
    assert more == commands and commands.count("aggregate") == 2  # no case read one by one


def test_figures_are_named_in_the_readers_language(app, synced, make_user):
    from flask_babel import force_locale

    auditor = make_user(roles=["auditor"], team="")
    _ended(1)
    with app.test_request_context(), force_locale("cy"):
        found = monitoring_counts(actor=auditor)
    (label, count), = found["outcomes"]
    assert label.startswith("Rhaglen i gyflawnwyr yn y gymuned: ") and "withdrew" not in label and count == 1
    assert list(found["categories"]) == ["Ethnigrwydd"]
