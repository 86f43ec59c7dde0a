"""Every effect: its parameters are checked, and it is handed back resolved against the inputs."""

import pytest

from workflows.effects import EFFECTS, Effect, expand
from workflows.guards import GuardContext

INPUTS = {"assignee": "u7", "outcome": "completed", "decision": "group", "priority": "urgent"}
CTX = GuardContext({"risk_level": "high", "endorsements": {"urgent": ["m1"]}}, {"id": "m2", "roles": ["manager"]})

RESOLVED = [
    ({"assign": {"to": "input:assignee"}}, Effect("assign", {"to": "u7"})),
    ("unassign", Effect("unassign", {})),
    ({"notify": {"to": "manager", "template": "t1"}}, Effect("notify", {"to": ["manager"], "template": "t1"})),
    ({"notify": {"to": ["referrer", "allocated"], "template": "t2"}},
     Effect("notify", {"to": ["referrer", "allocated"], "template": "t2"})),
    ({"start_deadline": "risk_assessment"}, Effect("start_deadline", {"key": "risk_assessment"})),
    ({"stop_deadline": {"key": "risk_assessment", "status": "met"}},
     Effect("stop_deadline", {"key": "risk_assessment", "status": "met", "restart": False})),
    ({"stop_deadline": {"key": "workbook", "status": "met", "restart": True}},
     Effect("stop_deadline", {"key": "workbook", "status": "met", "restart": True})),
    ({"stop_deadline": {"key": "*", "status": "cancelled"}},
     Effect("stop_deadline", {"key": "*", "status": "cancelled", "restart": False})),
    ("pause_deadlines", Effect("pause_deadlines", {})),
    ("resume_deadlines", Effect("resume_deadlines", {})),
    ({"set_priority": "urgent"}, Effect("set_priority", {"value": "urgent"})),
    ({"set_priority": "input:priority"}, Effect("set_priority", {"value": "urgent"})),
    ({"set_field": {"field": "intervention", "input": "decision"}},
     Effect("set_field", {"field": "intervention", "value": "group"})),
    ({"set_field": {"field": "ended_early", "value": True}},
     Effect("set_field", {"field": "ended_early", "value": True})),
    ({"set_field": {"field": "missing", "input": "not_given"}},
     Effect("set_field", {"field": "missing", "value": None})),
    ({"open_linked_case": {"workflow": "partner_support", "relation": "partner"}},
     Effect("open_linked_case", {"workflow": "partner_support", "relation": "partner"})),
    ({"record_outcome": {"input": "outcome"}}, Effect("record_outcome", {"value": "completed"})),
    ({"record_outcome": {"value": "not_accepted"}}, Effect("record_outcome", {"value": "not_accepted"})),
    ("join_waiting_list", Effect("join_waiting_list", {})),
    ("leave_waiting_list", Effect("leave_waiting_list", {})),
    ({"endorse": "urgent"}, Effect("endorse", {"what": "urgent"})),
    ("suspend", Effect("suspend", {})),
    ("resume", Effect("resume", {})),
]


@pytest.mark.parametrize(("item", "expected"), RESOLVED, ids=[e.name + str(i) for i, (_, e) in enumerate(RESOLVED)])
def test_effect_resolves(item, expected):
    name = item if isinstance(item, str) else next(iter(item))
    params = None if isinstance(item, str) else item[name]
    assert EFFECTS.get(name).param_problems(params) == []
    assert expand([item], INPUTS, CTX) == [expected]


def test_every_registered_effect_is_covered():
    assert {e.name for _, e in RESOLVED} == set(EFFECTS.names())


@pytest.mark.parametrize(
    ("name", "params", "problems"),
    [
        ("assign", {"to": "u7"}, [(".to", "'u7' does not match '^input:[a-z][a-z0-9_]*$'")]),
        ("assign", None, [("", "None is not of type 'object'")]),
        ("unassign", {"x": 1}, [("", "{'x': 1} is not of type 'null'")]),
        ("notify", {"to": "manager"}, [("", "'template' is a required property")]),
        ("notify", {"to": [], "template": "t"}, [(".to", "[] should be non-empty")]),
        ("start_deadline", {"key": "x"}, [("", "'from' is a required property")]),
        ("stop_deadline", {"key": "x", "status": "done"}, [(".status", "'done' is not one of ['met', 'cancelled']")]),
        ("set_priority", "high", [("", "'high' is not one of ['urgent', 'normal']")]),
        ("set_field", {"field": "x"}, [("", "'value' is a required property")]),
        ("set_field", {"field": "x", "value": 1, "input": "y"},
         [("", "{'field': 'x', 'value': 1, 'input': 'y'} is valid under each of {'required': ['input']}, "
               "{'required': ['value']}")]),
        ("open_linked_case", {"workflow": "p", "relation": "child"},
         [(".relation", "'child' is not one of ['partner']")]),
        ("record_outcome", {}, [("", "{} should be non-empty")]),
        ("endorse", 2, [("", "2 is not of type 'string'")]),
        ("suspend", "now", [("", "'now' is not of type 'null'")]),
    ],
)
def test_effect_parameters_are_checked(name, params, problems):
    assert EFFECTS.get(name).param_problems(params) == problems


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ([{"risk_level_in": ["high", "very_high"]}], ["start_deadline", "notify"]),
        ([{"risk_level_in": ["very_high"]}], ["notify"]),
        ([{"endorsed_by": {"what": "urgent", "count": 1}}, {"not": {"actor_endorsed": "urgent"}}],
         ["start_deadline", "notify"]),
        ([{"endorsed_by": {"what": "urgent", "count": 2}}], ["notify"]),
    ],
)
def test_when_blocks_keep_their_effects_only_when_every_guard_holds(when, expected):
    items = [{"when": when, "then": [{"start_deadline": "risk_management_plan"}]},
             {"notify": {"to": "manager", "template": "t"}}]
    assert [e.name for e in expand(items, {}, CTX)] == expected


def test_when_blocks_nest():
    items = [{"when": ["within_capacity"], "then": ["suspend"]},
             {"when": [{"risk_level_in": ["high"]}], "then": [{"when": [{"has_role": "manager"}], "then": ["resume"]}]}]
    assert expand(items, {}, CTX) == [Effect("resume", {})]


def test_effect_to_dict():
    assert Effect("notify", {"to": ["manager"], "template": "t"}).to_dict() == {
        "name": "notify", "params": {"to": ["manager"], "template": "t"}}
