"""The engine: what may happen to a case now, and what taking a step hands back."""

from datetime import datetime
from pathlib import Path

import pytest

from errors import DefinitionError, InvalidInput, NotAllowed
from workflows import (
    Effect,
    attendance_effects,
    available,
    available_events,
    begin,
    deadline_spec,
    deadlines_met_by_form,
    fire,
    fire_event,
    form_submitted_effects,
    forms_for_state,
    load_definition,
    load_file,
)

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2025, 3, 12, 10, 0)
MANAGER = {"id": "m1", "roles": ["manager"], "team": "west"}
DAO = {"id": "u7", "roles": ["practitioner"], "team": "west"}
REFERRER = {"id": "s1", "roles": ["referrer"], "team": "west"}


@pytest.fixture(scope="module")
def advice():
    return load_file(ROOT / "tests/fixtures/workflows/good/consultation_advice.yaml")


@pytest.fixture(scope="module")
def dao():
    return load_file(ROOT / "workflows/dao_pathway.yaml")


@pytest.fixture(scope="module")
def cdvp():
    return load_file(ROOT / "workflows/probation_cdvp.yaml")


def view(state, **parts):
    case = {"state": state, "priority": "normal", "risk_level": None, "allocated_to": None, "team": "west",
            "suspended": False, "forms": {}, "endorsements": {}, "sessions": {}, "fields": {},
            "capacity": {"available_practitioners": 1}}
    case.update(parts)
    return case


SCREENED = {"screening": {"status": "submitted", "answers": {}, "computed": {}}}


def options(found):
    return {o.name: (o.allowed, list(o.reasons)) for o in found}


@pytest.mark.parametrize(
    ("case", "actor", "expected"),
    [
        (view("requested", forms=SCREENED), MANAGER,
         {"book": (True, []), "decline": (True, [])}),
        (view("requested"), MANAGER,
         {"book": (False, ["The screening form must be submitted first"]), "decline": (True, [])}),
        (view("requested", forms=SCREENED, capacity={"available_practitioners": 0}), MANAGER,
         {"book": (False, ["Every practitioner is at full capacity"]), "decline": (True, [])}),
        (view("requested", forms=SCREENED), DAO,
         {"book": (False, ["Only a team manager can do this"]),
          "decline": (False, ["Only a team manager can do this"])}),
        (view("requested", forms=SCREENED, suspended=True), MANAGER,
         {"book": (False, ["The case is suspended. Resume it before doing this."]),
          "decline": (False, ["The case is suspended. Resume it before doing this."])}),
        (view("booked", allocated_to="u8"), DAO,
         {"give_advice": (False, ["Only the allocated practitioner can do this"]),
          "decline": (False, ["Only a team manager can do this"])}),
        (view("advised"), MANAGER, {}),
    ],
)
def test_available(advice, case, actor, expected):
    assert options(available(advice, case, actor)) == expected


def test_available_carries_label_inputs_and_copy(advice):
    (book,) = [o for o in available(advice, view("requested", forms=SCREENED), MANAGER) if o.name == "book"]
    assert (book.label, book.kind, book.to) == ("Book the consultation", "transition", "booked")
    assert [i.name for i in book.inputs] == ["assignee", "on"]
    assert book.copy == {"heading": "Book the consultation", "button": "Book"}


@pytest.mark.parametrize(("outcome", "warned"), [("unlikely_to_be_accepted", True), ("likely_suitable", False)])
def test_a_warning_with_warning_when_shows_only_while_its_guards_hold(dao, outcome, warned):
    screening = {"status": "submitted", "answers": {}, "computed": {"outcome": {"outcome": outcome}}}
    (step,) = [o for o in available(dao, view("received", forms={"screening": screening}), MANAGER)
               if o.name == "acknowledge"]
    assert ("warning" in step.copy) is warned
    assert step.copy["button"] == "Acknowledge referral"


def test_available_events(advice):
    assert options(available_events(advice, view("requested"), MANAGER)) == {"referrer_withdraws": (True, [])}
    assert options(available_events(advice, view("requested"), REFERRER)) == {
        "referrer_withdraws": (False, ["Only a team manager can do this"])}
    assert options(available_events(advice, view("booked"), MANAGER)) == {}


def test_fire_returns_state_effects_inputs_and_history(advice):
    case = view("requested", forms=SCREENED)
    result = fire(advice, case, MANAGER, "book", {"assignee": "u7", "on": "2025-03-20", "extra": "x"}, now=NOW)
    assert (result.from_state, result.to_state) == ("requested", "booked")
    assert result.inputs == {"assignee": "u7", "on": "2025-03-20"}
    assert result.effects == [
        Effect("assign", {"to": "u7"}),
        Effect("set_field", {"field": "consultation_date", "value": "2025-03-20"}),
        Effect("start_deadline", {"key": "consultation"}),
    ]
    history = result.history
    assert (history["type"], history["name"], history["actor"], history["at"]) == ("transition", "book", "m1", NOW)
    assert (history["from_state"], history["to_state"], history["workflow"]) == ("requested", "booked",
                                                                                  "consultation_advice")
    assert history["workflow_hash"] == advice.content_hash
    assert history["effects"][0] == {"name": "assign", "params": {"to": "u7"}}


def test_fire_evaluates_when_blocks_against_the_case(advice):
    red = {"screening": {"status": "submitted", "answers": {},
                         "computed": {"outcome": "unlikely_to_be_accepted"}}}
    result = fire(advice, view("requested", forms=red), MANAGER, "book", {"assignee": "u7", "on": "2025-03-20"},
                  now=NOW)
    assert Effect("set_priority", {"value": "normal"}) in result.effects


def test_fire_stops_deadlines_met_by_the_transition_then_runs_on_enter(advice):
    case = view("booked", allocated_to="u7")
    result = fire(advice, case, DAO, "give_advice", {"outcome": "advice_given"}, now=NOW)
    assert result.effects == [
        Effect("stop_deadline", {"key": "consultation", "status": "met", "restart": False}),
        Effect("record_outcome", {"value": "advice_given"}),
        Effect("open_linked_case", {"workflow": "partner_support", "relation": "partner"}),
        Effect("stop_deadline", {"key": "*", "status": "cancelled", "restart": False}),
    ]
    assert result.inputs == {"outcome": "advice_given", "partner_at_risk": False}


@pytest.mark.parametrize(
    ("case", "actor", "name", "inputs", "message", "reasons"),
    [
        (view("requested", forms=SCREENED), MANAGER, "fly", {}, "There is no transition called 'fly' in "
         "Consultation and advice", []),
        (view("requested", forms=SCREENED), DAO, "give_advice", {}, "“Record the advice given” cannot be done "
         "while the case is at “Consultation requested”", []),
        (view("advised"), MANAGER, "decline", {"reason": "x"}, "“Decline” cannot be done while the case is at "
         "“Advice given”", []),
        (view("requested"), DAO, "book", {}, "This cannot be done yet",
         ["Only a team manager can do this", "The screening form must be submitted first"]),
        (view("requested", forms=SCREENED, capacity={}), MANAGER, "book", {},
         "Every practitioner is at full capacity", ["Every practitioner is at full capacity"]),
    ],
)
def test_fire_refuses(advice, case, actor, name, inputs, message, reasons):
    with pytest.raises(NotAllowed) as caught:
        fire(advice, case, actor, name, inputs, now=NOW)
    assert caught.value.message == message
    assert [p.message for p in caught.value.problems] == reasons


def test_fire_checks_inputs_after_permission(advice):
    with pytest.raises(InvalidInput) as caught:
        fire(advice, view("requested", forms=SCREENED), MANAGER, "book", {"on": "soon"}, now=NOW)
    assert [(p.field, p.message) for p in caught.value.problems] == [
        ("assignee", "Select the practitioner"), ("on", "Date of the consultation must be a real date")]


def test_check_forms_false_skips_the_required_forms(advice):
    result = fire(advice, view("requested"), MANAGER, "decline", {"reason": "Out of area"}, now=NOW)
    assert result.to_state == "declined"


def test_event_with_to_moves_the_case(advice):
    result = fire_event(advice, view("requested"), MANAGER, "referrer_withdraws", {}, now=NOW)
    assert (result.from_state, result.to_state) == ("requested", "declined")
    assert result.effects == [Effect("record_outcome", {"value": "withdrawn"})]
    assert result.history["type"] == "event"


def test_event_without_to_keeps_the_state_and_skips_on_enter(dao):
    case = view("intervention", allocated_to="u7")
    result = fire_event(dao, case, MANAGER, "escalate_risk", {"reason": "Police call-out"}, now=NOW)
    assert (result.from_state, result.to_state) == ("intervention", "intervention")
    assert result.effects == [
        Effect("set_field", {"field": "risk_escalated", "value": True}),
        Effect("notify", {"to": ["manager", "allocated"], "template": "dao_risk_escalation"}),
        # The social worker cannot read the escalation: their message says whom to ask instead.
        Effect("notify", {"to": ["referrer"], "template": "dao_risk_escalation_referrer"}),
    ]


def test_events_default_to_allowed_while_suspended(dao):
    case = view("intervention", allocated_to="u7", suspended=True)
    allowed = {o.name for o in available_events(dao, case, MANAGER) if o.allowed}
    assert {"resume_intervention", "escalate_risk"} <= allowed
    assert "suspend_intervention" not in allowed
    assert options(available(dao, case, MANAGER))["withdraw"] == (True, [])


def test_repeating_deadline_restarts_when_met(dao):
    case = view("intervention", allocated_to="u7")
    result = fire_event(dao, case, DAO, "complete_workbook", {}, now=NOW)
    assert result.effects == [Effect("stop_deadline", {"key": "workbook", "status": "met", "restart": True})]


def test_an_explicit_stop_is_not_repeated():
    data = {
        "key": "twice", "title": "Twice", "roles": ["manager"], "initial": "a",
        "states": {"a": {"label": "A", "public_status": "Received"},
                   "b": {"label": "B", "public_status": "Closed", "terminal": True}},
        "transitions": [{"name": "go", "label": "Go", "from": "a", "to": "b", "roles": ["manager"],
                         "effects": [{"stop_deadline": {"key": "d", "status": "met"}}]}],
        "deadlines": [{"key": "d", "label": "D", "duration": {"days": 1}, "basis": "1 day", "role": "manager",
                       "met_by": {"transition": "go"}}],
    }
    result = fire(load_definition(data), view("a"), MANAGER, "go", {}, now=NOW)
    assert result.effects == [Effect("stop_deadline", {"key": "d", "status": "met", "restart": False})]


def test_begin_runs_the_initial_on_enter(dao):
    result = begin(dao, view(None), REFERRER, now=NOW)
    assert (result.from_state, result.to_state) == (None, "received")
    assert result.effects == [Effect("notify", {"to": ["manager"], "template": "dao_referral_received"})]
    assert (result.history["type"], result.history["label"]) == ("start", "Case opened")


def test_unknown_state_of_a_case_is_a_definition_error(dao):
    with pytest.raises(DefinitionError, match="state 'gone'"):
        available(dao, view("gone"), MANAGER)


@pytest.mark.parametrize(
    ("marks", "sessions", "expected"),
    [
        ("attended", {"attended": 3}, []),
        ("unacceptable_absence", {"unacceptable_absences": 1},
         [Effect("notify", {"to": ["allocated", "referrer"], "template": "dao_group_absence"})]),
        ("unacceptable_absence", {"unacceptable_absences": 2},
         [Effect("notify", {"to": ["allocated", "referrer"], "template": "dao_group_absence"}),
          Effect("notify", {"to": ["manager"], "template": "dao_attendance_review"})]),
        (["unacceptable_absence"], {"unacceptable_absences": 3},
         [Effect("notify", {"to": ["allocated", "referrer"], "template": "dao_group_absence"})]),
        (["attended", "concern"], {"attended": 4},
         [Effect("notify", {"to": ["allocated", "manager", "partner_worker"], "template": "dao_session_concern"})]),
    ],
)
def test_dao_attendance(dao, marks, sessions, expected):
    assert attendance_effects(dao, view("intervention", sessions=sessions), marks) == expected


def test_cdvp_unacceptable_absence_starts_the_breach_clock(cdvp):
    effects = attendance_effects(cdvp, view("group_programme", sessions={"unacceptable_absences": 1}),
                                 "unacceptable_absence")
    assert effects[0] == Effect("start_deadline", {"key": "breach_decision"})
    assert deadline_spec(cdvp, "breach_decision").duration == {"days": 10}


def test_unknown_attendance_mark(dao):
    with pytest.raises(InvalidInput) as caught:
        attendance_effects(dao, view("intervention"), ["attended", "asleep"])
    assert [p.message for p in caught.value.problems] == ["'asleep' is not an attendance mark of this pathway"]


def test_deadline_spec(dao):
    spec = deadline_spec(dao, "risk_assessment")
    assert (spec.duration, spec.basis, spec.role) == ({"weeks": 6}, "6 weeks after allocation", "practitioner")
    assert spec.met_by == ({"form": "risk_assessment"},)
    assert spec.reminders == ({"days_before": 7}, {"working_days_before": 1}, {"on_due": True})
    assert spec.escalation == {"to": "manager", "after_days": 0, "repeat_every_days": 3}
    assert deadline_spec(dao, "workbook").duration == {"working_days_before": "supervision"}
    with pytest.raises(DefinitionError):
        deadline_spec(dao, "nope")


@pytest.mark.parametrize(
    ("form", "keys", "effects"),
    [
        ("risk_assessment", ["risk_assessment"],
         [Effect("stop_deadline", {"key": "risk_assessment", "status": "met", "restart": False})]),
        ("addendum_risk_assessment", ["risk_review"],
         [Effect("stop_deadline", {"key": "risk_review", "status": "met", "restart": True})]),
        ("action_plan", ["risk_management_plan"],
         [Effect("stop_deadline", {"key": "risk_management_plan", "status": "met", "restart": False})]),
        ("sara", [], []),
    ],
)
def test_deadlines_met_by_form(dao, form, keys, effects):
    assert deadlines_met_by_form(dao, form) == keys
    assert form_submitted_effects(dao, form) == effects


def test_forms_for_state(dao, advice):
    found = forms_for_state(dao, "risk_assessment")
    by_key = {f["form"]: f for f in found["forms"]}
    assert found["tags"] == ["dao_assessment"]
    assert by_key["risk_assessment"] == {"form": "risk_assessment", "required": True, "countersigned": True,
                                         "roles": ["practitioner"], "label": "the risk assessment"}
    assert by_key["hra_storyboarding"]["required"] is False
    assert forms_for_state(advice, "booked") == {"forms": [], "tags": ["consultation"]}
    with pytest.raises(DefinitionError):
        forms_for_state(dao, "limbo")


def test_countersignature_is_required_before_leaving_the_assessment(dao):
    forms = {k: {"status": "submitted"} for k in (
        "hra_why_engaging", "hra_expectations_goals", "hra_self_assessment", "hra_risk_needs",
        "hra_relationship_health_check", "hra_behaviour_inventory", "hra_self_control", "sara", "risk_assessment")}
    case = view("risk_assessment", allocated_to="u7", forms=forms)
    assert options(available(dao, case, DAO))["further_work_needed"] == (
        False, ["The risk assessment must be countersigned first"])
    forms["risk_assessment"] = {"status": "countersigned"}
    assert options(available(dao, case, DAO))["further_work_needed"] == (True, [])
