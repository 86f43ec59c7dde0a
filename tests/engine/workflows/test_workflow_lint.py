"""Lint: the shipped pathways are clean, and broken files are reported line by line."""

import copy
from functools import cache
from pathlib import Path

import pytest

from workflows import lint, lint_directory, lint_paths, load_directory, load_file, notify_templates

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "workflows"
FIXTURES = ROOT / "tests" / "fixtures" / "workflows"
ROLES = {"admin", "manager", "practitioner", "partner_worker", "referrer", "auditor"}
# The form keys being written in forms/definitions/, plus the probation forms the CDVP pathway needs.
FORMS = {
    "screening", "consent", "request_for_service", "community_referral", "hra_why_engaging",
    "hra_expectations_goals", "hra_self_assessment", "hra_risk_needs", "hra_storyboarding",
    "hra_relationship_health_check", "hra_behaviour_inventory", "hra_self_control", "sara", "risk_assessment",
    "risk_assessment_confidential", "addendum_risk_assessment", "action_plan", "post_intervention_report",
    "post_programme_report", "risk_assessment_audit", "cdvp_statements", "quality_of_life", "evaluation_measures",
    "feedback_sheet",
}


def test_shipped_pathways_are_clean():
    assert lint(load_directory(SHIPPED), known_forms=FORMS, known_roles=ROLES) == []
    assert lint_directory(SHIPPED, known_forms=FORMS, known_roles=ROLES) == []


def test_new_pathway_fixtures_are_clean():
    assert lint_directory(FIXTURES / "good", known_forms=FORMS, known_roles=ROLES) == []


def test_lint_reports_forms_and_roles_the_system_does_not_know():
    lines = lint(load_directory(SHIPPED), known_forms=FORMS - {"feedback_sheet"}, known_roles=ROLES - {"auditor"})
    exist = ("; the roles that exist are admin, manager, partner_worker, practitioner, referrer (a service adds its "
             "own under custom_roles: with a label and the role it works as)")
    assert lines == [
        f"community_programme.yaml: roles[5]: unknown role 'auditor'{exist}",
        f"dao_pathway.yaml: roles[5]: unknown role 'auditor'{exist}",
        "probation_cdvp.yaml: states.post_programme.forms[0].form: unknown form 'feedback_sheet'",
        f"probation_cdvp.yaml: roles[5]: unknown role 'auditor'{exist}",
    ]


def test_a_linked_workflow_must_be_linted_alongside():
    alone = {"consultation_advice": load_file(FIXTURES / "good" / "consultation_advice.yaml")}
    assert lint(alone, known_forms=FORMS, known_roles=ROLES) == [
        "consultation_advice.yaml: transitions[1].effects[1].open_linked_case: unknown workflow 'partner_support'"]


@cache
def dao_data():
    return load_file(SHIPPED / "dao_pathway.yaml").to_dict()


BROKEN = [
    "duplicate_keys.yaml: line 9: duplicate key 'open' (first used on line 6)",
    "syntax_error.yaml: line 4: expected ',' or ']', but got ':'",
    "bad_graph.yaml: transitions[1].roles: 'leave_orphan' has no roles, so nobody can take it",
    "bad_graph.yaml: transitions[2].from: state 'closed' is terminal, so 'reopen' can never be taken from it",
    "bad_graph.yaml: states.stuck: state 'stuck' is not terminal but has no way out",
    "bad_graph.yaml: states.orphan: state 'orphan' cannot be reached from 'open'",
    "bad_graph.yaml: states.closed: state 'closed' cannot be reached from 'open'",
    "bad_graph.yaml: states.orphan.on_enter[0].open_linked_case: unknown workflow 'victim_support'",
    "bad_graph.yaml: roles[1]: unknown role 'volunteer'; the roles that exist are manager, practitioner (a service "
    "adds its own under custom_roles: with a label and the role it works as)",
    "bad_references.yaml: states.open.on_enter[0].assign: input 'assignee' cannot be used here: there are no inputs",
    "bad_references.yaml: transitions[0].to: unknown state 'clossed'",
    "bad_references.yaml: transitions[0].roles[1]: role 'auditor' is not one of this pathway's roles",
    "bad_references.yaml: transitions[0].guards[0]: unknown guard 'form_submited'",
    "bad_references.yaml: transitions[0].effects[0].start_deadline: unknown deadline 'reviw'",
    "bad_references.yaml: transitions[0].effects[1].set_field: unknown input 'notes'",
    "bad_references.yaml: transitions[0].effects[2].assign: input 'reason' must be of kind 'user'",
    "bad_references.yaml: transitions[0].effects[3]: unknown effect 'sent_letter'",
    "bad_references.yaml: transitions[1].name: duplicate name 'close'",
    "bad_references.yaml: transitions[1].from[1]: unknown state 'limbo'",
    "bad_references.yaml: transitions[1].effects[0].notify: role 'volunteer' is not one of this pathway's roles",
    "bad_references.yaml: transitions[1].effects[1].stop_deadline.status: 'done' is not one of ['met', 'cancelled']",
    "bad_references.yaml: deadlines[0].met_by[0]: unknown transition 'finish'",
    "bad_references.yaml: deadlines[0].met_by[1]: no state offers the form 'risk_review', so this deadline can never "
    "be met; add {form: risk_review} to the forms of the state where it is filled in",
    "bad_references.yaml: states.open.forms[0].form: unknown form 'risk_asessment'",
    "bad_references.yaml: transitions[0].guards[1].answer_equals: form 'screening' has no field 'question_9'",
    "bad_references.yaml: deadlines[0].met_by[1]: unknown form 'risk_review'",
    "schema_errors.yaml: deadlines[0].duration: {'fortnights': 1} is not a timescale: write one of {hours: n}, "
    "{days: n}, {weeks: n}, {months: n}, {working_days: n} or {working_days_before: supervision}, with n a whole "
    "number of at least 1 (half a day is {hours: 12})",
    "schema_errors.yaml: states.open.public_status: 'Recieved' is not one of ['Received', 'Accepted', "
    "'Not accepted', 'On the waiting list', 'Allocated', 'Work in progress', 'Closed']",
    "schema_errors.yaml: transitions[0]: 'to' is a required property",
    "schema_errors.yaml: transitions[0].inputs[0].kind: 'essay' is not one of ['reason', 'text', 'user', "
    "'decision', 'outcome', 'date', 'number', 'confirm']",
]


def test_broken_fixtures_fail_with_precise_lines():
    # A mapping of form keys to field names lets lint check the fields that guards read too.
    known = {"screening": {"question_1"}, "risk_assessment": set()}
    assert lint_directory(FIXTURES / "broken", known_forms=known, known_roles={"manager", "practitioner"}) == BROKEN


@pytest.mark.parametrize("name", ["bad_graph.yaml", "bad_references.yaml", "schema_errors.yaml"])
def test_each_broken_fixture_is_broken_on_its_own(name):
    lines = lint_paths([FIXTURES / "broken" / name], known_forms={"screening", "risk_assessment"},
                       known_roles={"manager", "practitioner"})
    assert lines and all(line.startswith(name + ": ") for line in lines)


def test_two_files_with_one_key(tmp_path):
    text = (FIXTURES / "good" / "partner_support.yaml").read_text(encoding="utf-8")
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert lint_directory(tmp_path, known_forms=FORMS, known_roles=ROLES) == [
        "b.yaml: key: 'partner_support' is also the key of a.yaml"]


@pytest.mark.parametrize(
    ("mutate", "line"),
    [
        (lambda d: d["transitions"].append(dict(d["transitions"][0])),
         "dao: transitions[15].name: duplicate name 'acknowledge'"),
        (lambda d: d["events"].append({"name": "acknowledge", "label": "Again", "roles": ["manager"]}),
         "dao: events[10].name: duplicate name 'acknowledge'"),
        (lambda d: d["deadlines"].append(dict(d["deadlines"][0])),
         "dao: deadlines[4].key: duplicate deadline 'risk_assessment'"),
        (lambda d: d["transitions"][0]["inputs"].append(dict(d["transitions"][0]["inputs"][0])),
         "dao: transitions[0].inputs[1].name: duplicate input name 'next_steps'"),
        (lambda d: d["attendance"]["rules"].append(dict(d["attendance"]["rules"][0])),
         "dao: attendance.rules[3].name: duplicate rule 'absence_notice'"),
        (lambda d: d["attendance"]["rules"][0].update(mark="asleep"),
         "dao: attendance.rules[0].mark: unknown attendance mark 'asleep'; use one of acceptable_absence, attended, "
     "catch_up, concern, late, unacceptable_absence"),
        (lambda d: d["events"][0].update(states=["closed"]),
         "dao: events[0].states[0]: state 'closed' is terminal; events happen only while a case is open"),
        (lambda d: d["transitions"][0].update(guards=[{"not": {"has_role": "volunteer"}}]),
         "dao: transitions[0].guards[0].not.has_role: role 'volunteer' is not one of this pathway's roles"),
        (lambda d: d["transitions"][0].update(guards=[{"any_of": [{"has_role": "manager"}, "allocated"]}]),
         "dao: transitions[0].guards[0].any_of[1]: unknown guard 'allocated'"),
        (lambda d: d["transitions"][2].update(effects=[{"when": ["within_capacity"], "then": ["vanish"]}]),
         "dao: transitions[2].effects[0].then[0]: unknown effect 'vanish'"),
        (lambda d: d["deadlines"][0].update(escalation={"to": "director"}),
         "dao: deadlines[0].escalation.to: role 'director' is not one of this pathway's roles"),
        (lambda d: d["deadlines"][1].update(met_by={"event": "workbook_done"}),
         "dao: deadlines[1].met_by: unknown event 'workbook_done'"),
        (lambda d: d["transitions"][0]["inputs"][0].update(not_before="referral"),
         "dao: transitions[0].inputs[0]: remove 'not_before' from the 'text' input 'next_steps': only a date input "
         "takes it"),
        (lambda d: d["transitions"][0]["inputs"][0].update(max_days_ahead=30),
         "dao: transitions[0].inputs[0]: remove 'max_days_ahead' from the 'text' input 'next_steps': only a date "
         "input takes it"),
        (lambda d: d["transitions"][1]["inputs"][0].update(not_before="referal"),
         "dao: transitions[1].inputs[0].not_before: 'referal' is not one of ['referral']"),
        (lambda d: d["transitions"][0]["copy"].pop("warning"),
         "dao: transitions[0].warning_when: 'acknowledge' has warning_when but no warning to show: write the warning "
         "under copy.warning, or remove warning_when"),
        (lambda d: d["transitions"][0].update(warning_when=["screening_red"]),
         "dao: transitions[0].warning_when[0]: unknown guard 'screening_red'"),
    ],
)
def test_lint_lines_for_edits_to_a_shipped_file(mutate, line):
    data = copy.deepcopy(dao_data())
    data.pop("translations")  # a new text would also be named as lacking its Welsh
    mutate(data)
    # The DAO pathway opens the partner-support record, so that pathway is linted alongside.
    partner = load_file(SHIPPED / "partner_support.yaml")
    assert lint({"dao": data, "partner": partner}, known_forms=FORMS, known_roles=ROLES) == [line]


def test_notify_templates_lists_every_template_including_conditional_ones():
    dao = load_file(SHIPPED / "dao_pathway.yaml")
    found = notify_templates(dao)
    assert {"dao_referral_received", "dao_urgent_priority", "dao_session_concern", "dao_case_closed"} <= found
    assert all(t.startswith("dao_") for t in found)
    assert notify_templates(load_file(FIXTURES / "good" / "partner_support.yaml")) == set()
