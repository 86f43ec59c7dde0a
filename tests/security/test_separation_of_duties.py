"""Separation of duties declared in a pathway file: the partner's worker is never the perpetrator's practitioner."""

from __future__ import annotations

import copy

import pytest

from errors import InvalidInput
from models.case import Case
from services.partner import records as partner_service
from tests.http.test_case_pages import make_people, refer, walk
from workflows.checks import analyse
from workflows.definition import load_file
from workflows.separation import RULES


@pytest.fixture
def people(synced, make_team, make_user):
    found = make_people(make_team, make_user)
    found["both"] = make_user(roles=["practitioner", "partner_worker"], team="north", name="Bo Both")
    return found


def test_the_partner_pathway_declares_the_rule_and_the_linter_checks_names():
    defn = load_file("workflows/partner_support.yaml")
    assert defn.separation and defn.separation[0][0] in RULES
    data = copy.deepcopy(defn.to_dict())
    data["separation_of_duties"] = [{"rule": "no_such_rule", "reason": "a reason long enough"}]
    assert any("unknown rule 'no_such_rule'" in p.message for p in analyse(data).problems)
    data["separation_of_duties"] = [{"rule": "not_linked_case_worker"}]
    assert any(p.blocking for p in analyse(data).problems)


def test_the_perpetrators_practitioner_cannot_be_allocated_the_partner_record(people, now):
    practitioner_view = {**people, "practitioner": people["both"]}
    case = walk(refer(people, now), practitioner_view, now, "risk_assessment")
    assert case.allocated_to == str(people["both"].pk)
    partner_case = Case.objects.get(parent_case_id=case.pk)
    with pytest.raises(InvalidInput) as refused:
        partner_service.take_partner_action(partner_case, "allocate", {"assignee": str(people["both"].pk)},
                                            event=False, actor=people["manager"], now=now)
    assert "must not support both" in refused.value.problems[0].message
    assert Case.objects.get(pk=partner_case.pk).allocated_to in ("", None)
    done = partner_service.take_partner_action(partner_case, "allocate",
                                               {"assignee": str(people["partner_worker"].pk)}, event=False,
                                               actor=people["manager"], now=now)
    assert done.allocated_to == str(people["partner_worker"].pk)
    with pytest.raises(InvalidInput):
        partner_service.assign_partner_worker(done, assignee_id=str(people["both"].pk), actor=people["manager"],
                                              now=now)


def test_the_partners_worker_cannot_become_the_perpetrators_practitioner(people, now):
    """The rule binds both ends: a reallocation of the perpetrator's case is refused the same way."""
    from services.cases.separation import check_assignment

    case = walk(refer(people, now), people, now, "risk_assessment")
    partner_case = Case.objects.get(parent_case_id=case.pk)
    partner_service.take_partner_action(partner_case, "allocate", {"assignee": str(people["both"].pk)},
                                        event=False, actor=people["manager"], now=now)
    with pytest.raises(InvalidInput) as refused:
        check_assignment(case, str(people["both"].pk))
    assert refused.value.problems[0].field == "assignee"
    check_assignment(case, str(people["colleague"].pk))
