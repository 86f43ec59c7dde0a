"""Group programmes as data: the shipped declarations, the spec the services read, and lint that says what to write."""

import copy
from pathlib import Path

import pytest

from workflows import lint, load_directory
from workflows.programme import GROUP_SESSION_TYPES, programme_spec
from workflows.yamlio import read_yaml

ROOT = Path(__file__).resolve().parents[3]
ROLES = {"admin", "manager", "practitioner", "partner_worker", "referrer", "auditor"}


def _data(name: str) -> dict:
    return read_yaml(ROOT / "workflows" / f"{name}.yaml")


def _lint(data: dict) -> list[str]:
    return [line for line in lint({"x": data}, known_forms=_forms(), known_roles=ROLES) if ": programme" in line]


def _forms() -> set[str]:
    found = set()
    for defn in load_directory(ROOT / "workflows").values():
        for state in defn.states.values():
            found.update(slot.form for slot in state.forms)
        for spec in defn.deadlines.values():
            found.update(item.get("form") for item in spec.met_by if isinstance(item, dict) and item.get("form"))
    return found


def test_every_seed_programme_runs_as_a_group():
    specs = {key: programme_spec(d.programme) for key, d in load_directory(ROOT / "workflows").items()}
    community = specs["community_programme"]
    assert (community.rolling, community.sessions, community.max_group_size, community.intake_every_weeks,
            community.mixed_facilitators) == (True, 36, 8, 6, True)
    assert community.join.values({"facilitator": "u1", "first_session": "2027-01-04"}) == {
        "facilitator": "u1", "start_date": "2027-01-04"}
    cdvp = specs["probation_cdvp"]
    assert (cdvp.rolling, cdvp.sessions, cdvp.max_catch_ups, cdvp.join) == (False, 30, 3, None)
    dao = specs["dao_pathway"]
    assert [dao.session_type(w) for w in (1, 2, 13, 14)] == ["pre_group", "group", "group", "post_group"]
    assert specs["partner_support"] is None


def test_session_types_are_named_by_the_sessions_service():
    from services.cases.sessions import SESSION_TYPES

    assert set(GROUP_SESSION_TYPES) <= set(SESSION_TYPES)


@pytest.mark.parametrize(("change", "expected"), [
    (lambda p: p.pop("max_group_size"),
     "programme.max_group_size: a programme run as a group needs its largest group size; write max_group_size: 8"),
    (lambda p: p.pop("intake_every_weeks"),
     "programme.group.intake: a rolling group needs to know how often it takes new members; write "
     "intake_every_weeks: 6 under programme, or intake: fixed_cohort"),
    (lambda p: p["group"].update(intake="fixed_cohort"),
     "programme.intake_every_weeks: a fixed cohort takes everyone at the first session; remove"),
    (lambda p: p["group"].update(plan=[{"type": "groop", "sessions": 36}]),
     "programme.group.plan[0].type: unknown session type 'groop'; write one of group, individual, post_group"),
    (lambda p: p["group"].update(plan=[{"type": "group", "sessions": 30}]),
     "programme.group.plan: the plan has 30 sessions but the programme has 36; make the plan's sessions add up"),
    (lambda p: p["group"]["candidates"].update(states=["waiting"]),
     "programme.group.candidates.states[0]: unknown state 'waiting'; write one of assessed, assessment_booked"),
    (lambda p: p["group"]["join"].update(transition="join_grop"),
     "programme.group.join.transition: unknown transition 'join_grop'; write one of accept_for_group"),
    (lambda p: p["group"]["join"]["inputs"].pop("start_date"),
     "programme.group.join.inputs: transition 'join_group' needs 'start_date', which the group page cannot give; "
     "map it to one of facilitator, first_session, group, or leave out join"),
    (lambda p: p["group"]["leave"]["inputs"].update(week="facilitator"),
     "programme.group.leave.inputs.week: a group leave cannot give 'facilitator'; write one of group, reason, week"),
    (lambda p: p["group"]["leave"]["inputs"].update(weak="week"),
     "programme.group.leave.inputs.weak: transition 'drop_out' has no input 'weak'; write one of reason, week"),
    (lambda p: p["group"]["candidates"].update(guards=["no_such_guard"]),
     "programme.group.candidates.guards[0]: unknown guard 'no_such_guard'"),
])
def test_lint_says_what_to_write_instead(change, expected):
    data = copy.deepcopy(_data("community_programme"))
    change(data["programme"])
    lines = _lint(data)
    assert any(expected in line for line in lines), lines


def test_schema_refuses_unknown_keys_and_rules():
    data = copy.deepcopy(_data("community_programme"))
    data["programme"]["group"]["intake"] = "sometimes"
    data["programme"]["group"]["size"] = 8
    lines = _lint(data)
    assert any("programme.group.intake" in line for line in lines), lines
    assert any("size" in line for line in lines), lines


def test_shipped_programmes_lint_clean():
    for name in ("community_programme", "probation_cdvp", "dao_pathway"):
        assert _lint(_data(name)) == []
