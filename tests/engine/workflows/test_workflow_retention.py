"""Retention rules in pathway files: the linter's messages say what to write, and due dates count calendar months."""

import copy
from datetime import datetime
from pathlib import Path

import pytest

from workflows import lint, load_file
from workflows.retention import monitoring_values, retention_rules, rule_for_state

SHIPPED = Path(__file__).resolve().parents[3] / "workflows"
ROLES = {"admin", "manager", "practitioner", "partner_worker", "referrer", "auditor"}


def community():
    return load_file(SHIPPED / "community_programme.yaml").to_dict()


def problems(data, forms=None):
    grid = {"risk_public", "risk_children", "risk_known_adult", "risk_staff"}
    known = forms or {"community_referral": {"client_ethnic_origin", "client_name", "client_dob", "client_address",
                                             "interpreter_language", "interpreter_needed"},
                      "risk_assessment": grid, "addendum_risk_assessment": grid,
                      "risk_assessment_confidential": set(), "evaluation_measures": {"stage", "completion"}}
    lines = lint({"c.yaml": data}, known_forms=known, known_roles=ROLES)
    return [line.removeprefix("c.yaml: ") for line in lines if "open_linked_case" not in line]


def test_shipped_rules_follow_the_protocol():
    rules = {r.name: r for r in retention_rules(community())}
    assert rules["left_programme"].states == ("closed",) and rules["left_programme"].period() == "6 years"
    assert rules["unsuccessful_application"].linked == "anonymise"
    assert rule_for_state(community(), "not_accepted").name == "unsuccessful_application"
    assert rule_for_state(community(), "group") is None
    for name in ("dao_pathway", "probation_cdvp"):
        data = load_file(SHIPPED / f"{name}.yaml").to_dict()
        ending = [n for n, s in data["states"].items() if s.get("terminal")]
        assert all(rule_for_state(data, state) for state in ending), name


def test_due_date_counts_calendar_years_and_clamps_leap_days():
    rule = retention_rules(community())[0]
    assert rule.due_at(datetime(2020, 2, 29, 9, 30)) == datetime(2026, 2, 28, 9, 30)
    assert rule.due_at(datetime(2020, 3, 1)) == datetime(2026, 3, 1)


@pytest.mark.parametrize("change, expected", [
    (lambda r: r["after"].update(states=["closd"]),
     "retention[0].after.states[0]: unknown state 'closd': write one of the terminal states not_accepted, closed"),
    (lambda r: r["after"].update(states=["group"]),
     "retention[0].after.states[0]: state 'group' is not terminal, so the clock would start while the case can "
     "still change: write one of not_accepted, closed"),
    (lambda r: r["after"].update(states=["not_accepted"]),
     "retention[1].after.states[0]: state 'not_accepted' already starts rule 'left_programme': a closed case "
     "follows one rule, so name each terminal state once"),
    (lambda r: r["monitoring"].update(name="person.name"),
     "retention[0].monitoring.name: person.name identifies the person, and monitoring keeps only anonymous "
     "categories: write one of person.ethnicity, person.language, person.interpreter_needed or a form's category "
     "field"),
    (lambda r: r["monitoring"].update(gender="person.gender"),
     "retention[0].monitoring.gender: the case has no person field 'gender': write one of ethnicity, language, "
     "interpreter_needed"),
    (lambda r: r["monitoring"].update(x="ethnicity"),
     "retention[0].monitoring.x: 'ethnicity' is not a monitoring source: write person.<field> (one of ethnicity, "
     "language, interpreter_needed) or <form>.<field>"),
    (lambda r: r["monitoring"].update(origin="community_referral.origin"),
     "retention[0].monitoring.origin: form 'community_referral' has no field 'origin'"),
    (lambda r: (r.update(action="anonymise"), r.pop("monitoring")),
     "retention[0].action: 'anonymise' keeps nothing without `monitoring:`; list what to keep (e.g. `ethnicity: "
     "person.ethnicity`) or write `action: destroy`"),
])
def test_linter_says_what_to_write_instead(change, expected):
    data = copy.deepcopy(community())
    change(data["retention"][0])
    assert expected in problems(data)


def test_schema_rejects_unknown_units_and_actions():
    data = copy.deepcopy(community())
    data["retention"][0]["keep_for"] = {"weeks": 300}
    data["retention"][1]["action"] = "shred"
    lines = problems(data)
    assert any(line.startswith("retention[0].keep_for:") for line in lines)
    assert any(line.startswith("retention[1].action:") and "'shred'" in line for line in lines)


def test_a_form_field_may_be_a_monitoring_source():
    data = copy.deepcopy(community())
    data["retention"][0]["monitoring"] = {"ethnicity": "community_referral.client_ethnic_origin"}
    assert problems(data) == []
    rule = retention_rules(data)[0]
    assert monitoring_values(rule, {"ethnicity": "x"}, {"community_referral": {"client_ethnic_origin": "Irish"}}) \
        == {"ethnicity": "Irish"}
    assert monitoring_values(rule, {}, {}) == {}
