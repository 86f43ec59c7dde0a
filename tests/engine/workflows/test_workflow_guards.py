"""Every guard, holding and not holding, with the reason a user reads."""

import pytest

from workflows.guards import GUARDS, GuardContext, evaluate, failures

LABELS = {"risk_assessment": "the risk assessment"}
MANAGER = {"id": "m1", "roles": ["manager"], "team": "west"}
DAO = {"id": "u7", "roles": ["practitioner"], "team": "west"}


def case(**parts):
    view = {"state": "x", "forms": {}, "fields": {}, "sessions": {}, "endorsements": {}, "capacity": {}}
    view.update(parts)
    return view


def form(status, answers=None, computed=None):
    return {"status": status, "answers": answers or {}, "computed": computed or {}}


SUBMITTED_RA = {"risk_assessment": form("submitted", {"q": "green", "grid": {"children": "high"}},
                                        {"outcome": {"outcome": "likely_suitable"}})}
SCREEN_RED = {"screening": form("submitted", computed={"outcome": {"outcome": "unlikely_to_be_accepted"}})}

CASES = [
    # form_submitted / form_countersigned
    ("form_submitted", {"form_submitted": "risk_assessment"}, case(forms=SUBMITTED_RA), DAO, True,
     "The risk assessment has been submitted"),
    ("form_submitted countersigned counts", {"form_submitted": "risk_assessment"},
     case(forms={"risk_assessment": form("countersigned")}), DAO, True, "The risk assessment has been submitted"),
    ("form_submitted draft", {"form_submitted": "risk_assessment"},
     case(forms={"risk_assessment": form("draft")}), DAO, False, "The risk assessment has not been submitted"),
    ("form_submitted unlabelled", {"form_submitted": "action_plan"}, case(), DAO, False,
     "The action plan has not been submitted"),
    ("form_countersigned", {"form_countersigned": "risk_assessment"},
     case(forms={"risk_assessment": form("countersigned")}), DAO, True, "The risk assessment has been countersigned"),
    ("form_countersigned submitted only", {"form_countersigned": "risk_assessment"}, case(forms=SUBMITTED_RA), DAO,
     False, "The risk assessment has not been countersigned"),
    # answer_equals / answer_in
    ("answer_equals", {"answer_equals": {"form": "risk_assessment", "field": "q", "value": "green"}},
     case(forms=SUBMITTED_RA), DAO, True, "In the risk assessment, the answer to “q” is “green”"),
    ("answer_equals nested field", {"answer_equals": {"form": "risk_assessment", "field": "grid.children",
                                                      "value": "low"}},
     case(forms=SUBMITTED_RA), DAO, False, "In the risk assessment, the answer to “grid.children” is not “low”"),
    ("answer_equals custom reason", {"answer_equals": {"form": "risk_assessment", "field": "q", "value": "red",
                                                       "reason": "The answer is not red"}},
     case(forms=SUBMITTED_RA), DAO, False, "The answer is not red"),
    ("answer_equals draft form", {"answer_equals": {"form": "risk_assessment", "field": "q", "value": "green"}},
     case(forms={"risk_assessment": form("draft", {"q": "green"})}), DAO, False,
     "The risk assessment has not been submitted"),
    ("answer_in", {"answer_in": {"form": "risk_assessment", "field": "q", "values": ["green", "amber"]}},
     case(forms=SUBMITTED_RA), DAO, True, "In the risk assessment, the answer to “q” is green or amber"),
    ("answer_in miss", {"answer_in": {"form": "risk_assessment", "field": "q", "values": ["red", "amber", "blue"]}},
     case(forms=SUBMITTED_RA), DAO, False, "In the risk assessment, the answer to “q” is not red, amber or blue"),
    # computed_equals
    ("computed_equals", {"computed_equals": {"form": "screening", "path": "outcome.outcome",
                                             "value": "unlikely_to_be_accepted"}},
     case(forms=SCREEN_RED), DAO, True, "In the screening, the outcome is “unlikely to be accepted”"),
    ("computed_equals miss", {"computed_equals": {"form": "screening", "path": "outcome.outcome",
                                                  "value": "likely_suitable"}},
     case(forms=SCREEN_RED), DAO, False, "In the screening, the outcome is not “likely suitable”"),
    # has_role
    ("has_role", {"has_role": "manager"}, case(), MANAGER, True, "You are a team manager"),
    ("has_role missing", {"has_role": "partner_worker"}, case(), MANAGER, False,
     "This needs a partner-support worker"),
    # is_allocated_practitioner
    ("allocated", "is_allocated_practitioner", case(allocated_to="u7"), DAO, True,
     "You are the allocated practitioner"),
    ("allocated someone else", "is_allocated_practitioner", case(allocated_to="u8"), DAO, False,
     "Only the allocated practitioner can do this"),
    ("not allocated", "is_allocated_practitioner", case(allocated_to=None), DAO, False,
     "The case has not been allocated to a practitioner"),
    # within_capacity / no_capacity
    ("within_capacity", "within_capacity", case(capacity={"available_practitioners": 2}), MANAGER, True,
     "A practitioner has space on their caseload"),
    ("within_capacity full", "within_capacity", case(capacity={"available_practitioners": 0}), MANAGER, False,
     "Every practitioner is at full capacity"),
    ("no_capacity", "no_capacity", case(capacity={"available_practitioners": 0}), MANAGER, True,
     "Every practitioner is at full capacity"),
    ("no_capacity with space", "no_capacity", case(capacity={"available_practitioners": 1}), MANAGER, False,
     "A practitioner has space on their caseload, so the case can be allocated now"),
    # risk_level_in
    ("risk_level_in", {"risk_level_in": ["high", "very_high"]}, case(risk_level="very_high"), DAO, True,
     "The risk level is very high"),
    ("risk_level_in low", {"risk_level_in": ["high", "very_high"]}, case(risk_level="medium"), DAO, False,
     "The risk level is medium, not high or very high"),
    ("risk_level_in unassessed", {"risk_level_in": ["high"]}, case(risk_level=None), DAO, False,
     "The risk level has not been assessed"),
    # case_field_equals
    ("case_field_equals", {"case_field_equals": {"field": "intervention", "value": "group"}},
     case(fields={"intervention": "group"}), DAO, True, "Intervention is “group”"),
    ("case_field_equals top level", {"case_field_equals": {"field": "priority", "value": "urgent"}},
     case(priority="urgent"), DAO, True, "Priority is “urgent”"),
    ("case_field_equals miss", {"case_field_equals": {"field": "sent", "value": True, "reason": "Not sent yet"}},
     case(fields={"sent": False}), DAO, False, "Not sent yet"),
    ("case_field_equals absent", {"case_field_equals": {"field": "sent", "value": True}}, case(), DAO, False,
     "Sent is not “yes”"),
    # endorsed_by / actor_endorsed
    ("endorsed_by", {"endorsed_by": {"what": "urgent", "count": 2}},
     case(endorsements={"urgent": ["m1", "m2"]}), MANAGER, True, "Endorsed as urgent by 2 of the 2 managers needed"),
    ("endorsed_by same manager twice", {"endorsed_by": {"what": "urgent", "count": 2}},
     case(endorsements={"urgent": ["m1", "m1"]}), MANAGER, False,
     "This needs endorsing as urgent by 2 different managers (1 so far)"),
    ("endorsed_by one needed", {"endorsed_by": {"what": "urgent", "count": 1}}, case(), MANAGER, False,
     "This needs endorsing as urgent by a manager (0 so far)"),
    ("actor_endorsed", {"actor_endorsed": "urgent"}, case(endorsements={"urgent": ["m1"]}), MANAGER, True,
     "You have already endorsed this as urgent"),
    ("actor_endorsed not yet", {"actor_endorsed": "urgent"}, case(endorsements={"urgent": ["m2"]}), MANAGER,
     False, "You have not endorsed this as urgent"),
    # sessions_attended_at_least
    ("sessions with catch-ups", {"sessions_attended_at_least": 14},
     case(sessions={"attended": 12, "catch_ups": 2}), DAO, True, "At least 14 sessions have been attended"),
    ("sessions without catch-ups", {"sessions_attended_at_least": {"count": 14, "include_catch_ups": False}},
     case(sessions={"attended": 12, "catch_ups": 2}), DAO, False, "12 of the 14 sessions needed have been attended"),
    ("sessions none", {"sessions_attended_at_least": {"count": 3}}, case(sessions={}), DAO, False,
     "0 of the 3 sessions needed have been attended"),
    ("sessions of given types", {"sessions_attended_at_least": {"count": 30, "types": ["group"]}},
     case(sessions={"attended": 33, "catch_ups": 1, "attended_by_type": {"group": 27, "pre_group": 3},
                    "catch_ups_by_type": {"group": 1}}), DAO, False, "28 of the 30 sessions needed have been attended"),
    ("sessions of given types met", {"sessions_attended_at_least": {"count": 30, "types": ["group"]}},
     case(sessions={"attended_by_type": {"group": 28}, "catch_ups_by_type": {"group": 2}}), DAO, True,
     "At least 30 sessions have been attended"),
    # suspended
    ("suspended true", {"suspended": True}, case(suspended=True), MANAGER, True, "The case is suspended"),
    ("suspended true miss", {"suspended": True}, case(suspended=False), MANAGER, False, "The case is not suspended"),
    ("suspended false", {"suspended": False}, case(suspended=False), MANAGER, True, "The case is not suspended"),
    ("suspended false miss", {"suspended": False}, case(suspended=True), MANAGER, False, "The case is suspended"),
    # not / any_of / all_of
    ("not", {"not": {"actor_endorsed": "urgent"}}, case(endorsements={"urgent": ["m1"]}), MANAGER, False,
     "You have already endorsed this as urgent"),
    ("not holds", {"not": "within_capacity"}, case(capacity={"available_practitioners": 0}), MANAGER, True,
     "Every practitioner is at full capacity"),
    ("any_of", {"any_of": [{"has_role": "partner_worker"}, {"has_role": "manager"}]}, case(), MANAGER, True,
     "You are a team manager"),
    ("any_of none", {"any_of": [{"form_countersigned": "post_intervention_report"},
                                {"form_countersigned": "post_programme_report"}]}, case(), DAO, False,
     "The post intervention report has not been countersigned, and the post programme report has not been "
     "countersigned"),
    ("all_of", {"all_of": [{"has_role": "manager"}, {"suspended": False}]}, case(), MANAGER, True,
     "You are a team manager, and the case is not suspended"),
    ("all_of one fails", {"all_of": [{"has_role": "manager"}, {"suspended": True}]}, case(), MANAGER, False,
     "The case is not suspended"),
    ("nested", {"not": {"any_of": ["no_capacity", {"risk_level_in": ["high"]}]}},
     case(capacity={"available_practitioners": 1}, risk_level="high"), MANAGER, False, "The risk level is high"),
]


@pytest.mark.parametrize(("item", "view", "actor", "ok", "reason"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_guard(item, view, actor, ok, reason):
    verdict = evaluate(item, GuardContext(view, actor, LABELS))
    assert verdict.ok is ok
    assert (verdict.fail if not ok else verdict.passed) == reason


def test_every_registered_guard_is_covered_by_the_table():
    used = set()

    def walk(item):
        name, params = (item, None) if isinstance(item, str) else next(iter(item.items()))
        used.add(name)
        if name == "not":
            walk(params)
        elif name in ("any_of", "all_of"):
            for inner in params:
                walk(inner)

    for c in CASES:
        walk(c[1])
    assert used == set(GUARDS.names())


def test_failures_lists_only_the_guards_that_do_not_hold():
    ctx = GuardContext(case(capacity={"available_practitioners": 0}), MANAGER, LABELS)
    assert failures([{"has_role": "manager"}, "within_capacity", {"form_submitted": "risk_assessment"}], ctx) == [
        "Every practitioner is at full capacity",
        "The risk assessment has not been submitted",
    ]
    assert failures([], ctx) == []


@pytest.mark.parametrize(
    ("name", "params", "problems"),
    [
        ("form_submitted", None, [("", "None is not of type 'string'")]),
        ("answer_equals", {"form": "x", "field": "q"}, [("", "'value' is a required property")]),
        ("answer_in", {"form": "x", "field": "q", "values": []}, [(".values", "[] should be non-empty")]),
        ("risk_level_in", ["severe"], [("[0]", "'severe' is not one of ['low', 'medium', 'high', 'very_high']")]),
        ("endorsed_by", {"what": "urgent", "count": 0}, [(".count", "0 is less than the minimum of 1")]),
        ("sessions_attended_at_least", 0, [("", "0 is less than the minimum of 1")]),
        ("within_capacity", True, [("", "True is not of type 'null'")]),
        ("suspended", "yes", [("", "'yes' is not of type 'boolean'")]),
        ("case_field_equals", {"field": "Bad Field", "value": 1},
         [(".field", "'Bad Field' does not match '^[a-z][a-z0-9_]*(\\\\.[a-z0-9_]+)*$'")]),
        ("has_role", "manager", []),
    ],
)
def test_guard_parameters_are_checked(name, params, problems):
    assert GUARDS.get(name).param_problems(params) == problems
