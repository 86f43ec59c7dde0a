"""Lint of what a file declares for the services: each mistake named, with what to write instead."""

import copy
from functools import cache
from pathlib import Path

import pytest

from workflows import lint, load_file

ROOT = Path(__file__).resolve().parents[3]
ROLES = {"admin", "manager", "practitioner", "partner_worker", "referrer", "auditor"}
FORMS = {"community_referral": {"client_name", "client_dob", "client_address", "client_ethnic_origin",
                                "interpreter_language", "interpreter_needed"},
         "risk_assessment": {"risk_public", "risk_children", "risk_known_adult", "risk_staff"},
         "addendum_risk_assessment": {"risk_public", "risk_children", "risk_known_adult", "risk_staff"},
         "risk_assessment_confidential": set(), "evaluation_measures": {"stage", "completion"}}
MESSAGES = {"case_allocated", "case_closed", "partner_risk_update", "partner_case_opened"}


@cache
def community():
    return load_file(ROOT / "workflows/community_programme.yaml").to_dict()


def lines_after(change):
    data = copy.deepcopy(community())
    change(data)
    partner = load_file(ROOT / "workflows/partner_support.yaml").to_dict()
    return lint({"cp": data, "ps": partner}, known_forms=FORMS, known_roles=ROLES, known_messages=MESSAGES)


def test_the_shipped_community_file_is_clean_here():
    assert lines_after(lambda d: None) == []


def _rule(d):
    return d["attendance"]["rules"][0]


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d["messages"].pop("cp_case_closed"),
     "unknown message 'cp_case_closed'; add it under messages: in this file, or name one of the general messages"),
    (lambda d: d["messages"]["cp_absence"].update(body="Absence on {case}"),
     "cp: messages.cp_absence.body: unknown placeholder '{case}'; use one of {reference}, {deadline}"),
    (lambda d: d["messages"]["cp_absence"].update(subject="Absence {reference"),
     "cp: messages.cp_absence.subject: a '{' or '}' is not closed"),
    (lambda d: _rule(d).update(session_types=["groupp"]),
     "cp: attendance.rules[0].session_types[0]: unknown session type 'groupp'; use one of assessment, pre_group"),
    (lambda d: d["intake"]["referral"]["person"].update(form="risk_assessment"),
     "cp: intake.referral.person.form: 'risk_assessment' is not one of the referral's forms (community_referral)"),
    (lambda d: d["intake"]["referral"]["person"].update(name="client_nmae"),
     "cp: intake.referral.person.name: form 'community_referral' has no field 'client_nmae'"),
    (lambda d: d["states"]["referred"]["forms"][0].update(roles=["manager"]),
     "cp: intake.referral: the initial state 'referred' has no form for the referrer; add one with roles: "
     "[referrer]"),
    (lambda d: d["intake"]["open"].update(roles=["volunteer"]),
     "cp: intake.open.roles[0]: role 'volunteer' is not one of this pathway's roles"),
    (lambda d: d["reports"]["funnel"]["started"].update(states=["groupp"]),
     "cp: reports.funnel.started.states[0]: unknown state 'groupp'"),
    (lambda d: d["reports"]["funnel"]["dropped"].update(transitions=["drop"]),
     "cp: reports.funnel.dropped.transitions[0]: unknown transition 'drop'"),
    (lambda d: d["risk_level"].update(fields=["risk_everything"]),
     "cp: risk_level.fields: form 'risk_assessment' has no field 'risk_everything'"),
    (lambda d: d["deadlines"][0].update(duration={"hours": 0}),
     "cp: deadlines[0].duration"),
    (lambda d: d["states"]["referred"]["on_enter"].append({"start_deadline": {"key": "partner_first_contact",
                                                                              "from": "field:programme_end"}}),
     "cp: states.referred.on_enter[3].start_deadline: no step sets the field 'programme_end'; add set_field"),
    (lambda d: d["transitions"][0].setdefault("inputs", []).append({"name": "when", "kind": "text",
                                                                      "label": "When"})
     or d["transitions"][0].setdefault("effects", []).append({"start_deadline": {"key": "partner_first_contact",
                                                                                 "from": "input:when"}}),
     "input 'when' must be of kind 'date' to count a deadline from it"),
])
def test_declaration_mistakes_are_named(change, expected):
    lines = lines_after(change)
    assert any(expected in line for line in lines), lines


def test_hours_are_a_timescale():
    assert lines_after(lambda d: d["deadlines"][0].update(duration={"hours": 24})) == []


def _event(d, name):
    return next(e for e in d["events"] if e["name"] == name)


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: _event(d, "partner_contacted").pop("partner_side") and _event(d, "partner_contacted").pop("mirrors"),
     "cp: events[1].roles[0]: a partner_worker can never open this pathway's cases, so 'partner_contacted' is out "
     "of their reach: mark it partner_side: true so they take it from the partner record"),
    (lambda d: d["transitions"][0]["roles"].append("referrer"),
     "cp: transitions[0].roles[2]: a referrer can never open this pathway's cases, so 'book_assessment' is out of "
     "their reach: give it to one of manager, practitioner"),
    (lambda d: _event(d, "partner_contacted").update(mirrors="record_contct"),
     "cp: events[1].mirrors: 'record_contct' is not an event of a partner record pathway; use one of"),
    (lambda d: _event(d, "escalate_risk").update(roles=["practitioner"]),
     "cp: events[4].partner_side: add partner_worker to the roles"),
])
def test_steps_out_of_reach_of_their_roles_are_refused(change, expected):
    lines = lines_after(change)
    assert any(line.startswith(expected) for line in lines), lines


def lint_shipped(name, change):
    data = copy.deepcopy(load_file(ROOT / f"workflows/{name}.yaml").to_dict())
    change(data)
    return lint({name: data}, known_forms=set(data.get("form_labels", {})) | {"cdvp_statements", "sara",
                "risk_assessment", "risk_assessment_confidential", "addendum_risk_assessment", "quality_of_life",
                "evaluation_measures", "feedback_sheet", "request_for_service", "screening", "consent"},
                known_roles=ROLES)


def _dao_event(d, name):
    return next(e for e in d["events"] if e["name"] == name)


@pytest.mark.parametrize(("name", "change", "expected"), [
    ("dao_pathway", lambda d: _dao_event(d, "endorse_urgent")["effects"].__setitem__(0, {"endorse": "urgnet"}),
     "nothing endorses the case as 'urgent'; add an effect endorse: urgent or use one of urgnet"),
    ("dao_pathway", lambda d: _dao_event(d, "raise_disagreement")["guards"][0]["not"]["case_field_equals"].update(
        field="disagreement_opne"),
     "no step sets the field 'disagreement_opne'; add set_field"),
    ("dao_pathway", lambda d: d["programme"].update(sessions=12),
     "14 sessions can never be attended: the programme has 12; write at most 12"),
    ("probation_cdvp", lambda d: [s.update(forms=[f for f in s.get("forms", ()) if f["form"] !=
                                                  "addendum_risk_assessment"]) for s in d["states"].values()],
     "no state offers the form 'addendum_risk_assessment', so this deadline can never be met"),
    ("probation_cdvp", lambda d: d["states"]["closed"].setdefault("forms", []).append(
        {"form": "feedback_sheet", "required": True}),
     "probation_cdvp: states.closed.forms[0]: 'closed' is an end state, so a required form there can never hold"),
])
def test_facts_a_guard_or_deadline_relies_on_must_be_possible(name, change, expected):
    lines = lint_shipped(name, change)
    assert any(expected in line for line in lines), lines


def _shared(d):
    return d["intake"]["referral"]["shared_with_referrer"]


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: _shared(d)[0].update(field="next_stpes"),
     "intake.referral.shared_with_referrer[0].field: no step stores the case field 'next_stpes'; add a set_field"),
    (lambda d: _shared(d)[2].pop("text"), "intake.referral.shared_with_referrer[2]"),
    (lambda d: _shared(d)[0].update(states=["acknowledged", "consultaton"]),
     "intake.referral.shared_with_referrer[0].states[1]: unknown state 'consultaton'"),
    (lambda d: d["intake"]["referral"]["person"]["children"].pop("name"), "intake.referral.person.children"),
])
def test_what_the_referrer_is_shown_must_be_stored_by_the_pathway(change, expected):
    lines = lint_shipped("dao_pathway", change)
    assert any(expected in line for line in lines), lines


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d["risk_update"].update(event="partner_risk_updte"),
     "risk_update.event: unknown event 'partner_risk_updte'; use one of"),
    (lambda d: d["risk_update"].update(input="notes"),
     "risk_update.input: 'notes' is not an input with options of the event 'partner_risk_update'; use one of "
     "risk_change"),
    (lambda d: d["contact_log"].update(reached="record_contcat"),
     "contact_log.reached: unknown event 'record_contcat'"),
])
def test_the_partner_records_declared_events_must_exist(change, expected):
    lines = lint_shipped("partner_support", change)
    assert any(expected in line for line in lines), lines
