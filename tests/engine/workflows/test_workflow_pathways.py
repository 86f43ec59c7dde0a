"""Walk each shipped pathway from its first state to an end, as the services would."""

from datetime import datetime
from functools import cache
from pathlib import Path

import pytest

from errors import InvalidInput, NotAllowed
from workflows import (
    attendance_effects,
    available,
    available_events,
    begin,
    deadline_spec,
    fire,
    fire_event,
    form_submitted_effects,
    load_file,
)

SHIPPED = Path(__file__).resolve().parents[3] / "workflows"
NOW = datetime(2025, 3, 12, 10, 0)
M1 = {"id": "m1", "roles": ["manager"], "team": "west"}
M2 = {"id": "m2", "roles": ["manager"], "team": "west"}
DAO = {"id": "u7", "roles": ["practitioner"], "team": "west"}
PW = {"id": "p1", "roles": ["partner_worker"], "team": "west"}
SW = {"id": "s1", "roles": ["referrer"], "team": "west"}
FIRED: dict[str, set[str]] = {}


@cache
def pathway(name: str):
    return load_file(SHIPPED / name)


class Case:
    """A case held in memory, with the effects carried out the way the services would."""

    def __init__(self, name: str, opener: dict):
        self.defn = pathway(name)
        self.view = {"state": None, "priority": "normal", "risk_level": None, "allocated_to": None,
                     "team": "west", "suspended": False, "forms": {}, "endorsements": {},
                     "sessions": {"attended": 0, "unacceptable_absences": 0, "catch_ups": 0, "total": 0},
                     "fields": {}, "capacity": {"available_practitioners": 1}}
        self.deadlines: dict[str, bool] = {}  # open deadline -> paused
        self.waiting = False
        self.outcome = None
        self.notes: list[str] = []
        self.linked: list[str] = []  # pathways of the linked records opened
        self.apply(begin(self.defn, self.view, opener, now=NOW), opener)

    @property
    def state(self):
        return self.view["state"]

    def apply(self, result, actor):
        self.view["state"] = result.to_state
        for effect in result.effects:
            name, p = effect.name, effect.params
            if name == "assign":
                self.view["allocated_to"] = p["to"]
            elif name == "set_field":
                self.view["fields"][p["field"]] = p["value"]
            elif name in ("suspend", "resume"):
                self.view["suspended"] = name == "suspend"
            elif name == "set_priority":
                self.view["priority"] = p["value"]
            elif name == "endorse":
                self.view["endorsements"].setdefault(p["what"], []).append(actor["id"])
            elif name == "start_deadline":
                self.deadlines.setdefault(p["key"], False)
            elif name == "stop_deadline":
                for key in list(self.deadlines) if p["key"] == "*" else [p["key"]]:
                    if key in self.deadlines:
                        del self.deadlines[key]
                        if p["restart"]:
                            self.deadlines[key] = False
            elif name in ("pause_deadlines", "resume_deadlines"):
                self.deadlines = dict.fromkeys(self.deadlines, name == "pause_deadlines")
            elif name in ("join_waiting_list", "leave_waiting_list"):
                self.waiting = name == "join_waiting_list"
            elif name == "record_outcome":
                self.outcome = p["value"]
            elif name == "notify":
                self.notes.append(p["template"])
            elif name == "open_linked_case":
                assert p["relation"] == "partner"
                self.linked.append(p["workflow"])

    def options(self, actor):
        found = available(self.defn, self.view, actor) + available_events(self.defn, self.view, actor)
        return {o.name: o for o in found}

    def do(self, name, actor, **inputs):
        option = self.options(actor)[name]
        assert option.allowed, option.reasons
        go = fire if option.kind == "transition" else fire_event
        self.apply(go(self.defn, self.view, actor, name, inputs, now=NOW), actor)
        FIRED.setdefault(self.defn.key, set()).add(name)

    def why_not(self, name, actor):
        option = self.options(actor)[name]
        assert not option.allowed
        with pytest.raises(NotAllowed):
            (fire if option.kind == "transition" else fire_event)(self.defn, self.view, actor, name, {}, now=NOW)
        return list(option.reasons)

    def submit(self, *keys, status="submitted"):
        for key in keys:
            self.view["forms"][key] = {"status": status, "answers": {}, "computed": {}}
            self.apply(type("R", (), {"to_state": self.state, "effects": form_submitted_effects(self.defn, key)}),
                       {})

    def session(self, mark, **counts):
        sessions = self.view["sessions"]
        sessions.update(counts)
        # The walks record group sessions: the by-type counts a pathway may ask for follow the totals.
        sessions["attended_by_type"] = {"group": sessions.get("attended", 0)}
        sessions["catch_ups_by_type"] = {"group": sessions.get("catch_ups", 0)}
        self.apply(type("R", (), {"to_state": self.state, "effects": attendance_effects(self.defn, self.view, mark)}),
                   {})


HRA = ("hra_why_engaging", "hra_expectations_goals", "hra_self_assessment", "hra_risk_needs",
       "hra_relationship_health_check", "hra_behaviour_inventory", "hra_self_control")


def dao_to_accepted():
    case = Case("dao_pathway.yaml", SW)
    assert (case.state, case.notes) == ("received", ["dao_referral_received"])
    assert case.why_not("acknowledge", M1) == ["The Request for Service must be submitted first",
                                               "The screening form must be submitted first",
                                               "The consent form must be submitted first"]
    case.submit("request_for_service", "screening", "consent")
    case.do("acknowledge", M1, next_steps="A DAO will call you")
    case.do("arrange_consultation", M1, consultation_date="2025-03-19")
    case.do("accept", M1)
    assert case.state == "accepted"
    return case


def dao_assessed(case, risk_level="high"):
    assert case.deadlines == {"risk_assessment": False}
    case.do("begin_assessment", DAO, first_meeting="2025-03-10")
    assert set(case.deadlines) == {"risk_assessment", "workbook"}
    case.do("complete_workbook", DAO)
    assert "workbook" in case.deadlines
    case.submit(*HRA, "sara", "risk_assessment")
    assert "risk_assessment" not in case.deadlines
    assert case.why_not("further_work_needed", DAO) == ["The risk assessment must be countersigned first"]
    case.submit("risk_assessment", status="countersigned")
    case.view["risk_level"] = risk_level
    return case


def walk_dao_waiting_list_urgent_group_and_closure():
    case = dao_to_accepted()
    case.view["capacity"]["available_practitioners"] = 0
    assert case.why_not("allocate", M1) == ["Every practitioner is at full capacity"]
    case.do("add_to_waiting_list", M1)
    assert (case.state, case.waiting) == ("waiting_list", True)
    case.do("endorse_urgent", M1, reason="Police call-out last night")
    assert case.view["priority"] == "normal"
    assert case.why_not("endorse_urgent", M1) == ["You have already endorsed this as urgent"]
    case.do("endorse_urgent", M2, reason="Agreed")
    assert case.view["priority"] == "urgent"
    assert case.why_not("endorse_urgent", {"id": "m3", "roles": ["manager"]}) == [
        "Endorsed as urgent by 2 of the 2 managers needed"]
    case.do("tell_referrer_near_top", M1)
    case.view["capacity"]["available_practitioners"] = 1
    assert case.linked == []
    case.do("allocate_from_waiting_list", M1, assignee="u7")
    assert (case.state, case.waiting, case.view["allocated_to"]) == ("allocated", False, "u7")
    assert case.linked == ["partner_support"]
    dao_assessed(case, "high")
    case.do("further_work_needed", DAO)
    assert set(case.deadlines) == {"workbook", "risk_management_plan", "risk_review"}
    case.submit("action_plan")
    assert "risk_management_plan" not in case.deadlines
    case.do("start_intervention", DAO, intervention="group")
    case.do("suspend_intervention", M1, reason="Risk escalated", rationale_shared="on")
    assert case.view["suspended"] and all(case.deadlines.values())
    assert case.why_not("finish_intervention", DAO)[0] == "The case is suspended. Resume it before doing this."
    case.do("resume_intervention", M1, reason="Safety plan in place")
    assert not any(case.deadlines.values())
    case.session("attended", attended=10)
    assert case.why_not("finish_intervention", DAO) == [
        "The work includes the Better Me, Better Us group, and 10 of the 14 sessions needed have been attended"]
    case.session("catch_up", attended=13, catch_ups=1)
    case.do("finish_intervention", DAO)
    assert case.why_not("close", M1) == ["The post-intervention report has not been countersigned, and the "
                                         "post-programme report has not been countersigned"]
    case.submit("post_programme_report", status="countersigned")
    case.do("close", M1, outcome="completed")
    assert (case.state, case.outcome, case.deadlines) == ("closed", "completed", {})
    assert case.options(M1) == {}


def walk_dao_direct_allocation_one_to_one_ended_early():
    case = dao_to_accepted()
    case.do("allocate", M1, assignee="u7")
    assert case.linked == ["partner_support"]
    dao_assessed(case, "medium")
    case.do("further_work_needed", DAO)
    assert "risk_management_plan" not in case.deadlines
    case.submit("action_plan")
    case.do("start_intervention", DAO, intervention="one_to_one")
    case.do("raise_disagreement", DAO, reason="We see the risk differently")
    assert case.why_not("raise_disagreement", DAO) == ["Disagreement open is “yes”"]
    case.do("resolve_disagreement", M1, plan="Joint visit next week")
    case.submit("addendum_risk_assessment")
    assert "risk_review" in case.deadlines  # met and restarted
    case.do("share_addendum", DAO)
    case.do("partner_risk_update", PW, risk_change="increased")
    case.do("end_intervention_early", DAO, reason="Moved in with the victim again")
    case.submit("post_intervention_report", status="countersigned")
    case.do("close", M1, outcome="partially_completed")
    assert (case.state, case.outcome) == ("closed", "partially_completed")


def walk_dao_assessment_only():
    case = dao_to_accepted()
    case.do("allocate", M1, assignee="u7")
    dao_assessed(case, "low")
    case.do("no_further_work", DAO, reason="Parental conflict, not domestic abuse")
    assert (case.state, case.outcome) == ("closed", "assessment_only")


def walk_dao_not_accepted_and_withdrawn():
    case = Case("dao_pathway.yaml", SW)
    case.do("not_accept", M1, reason="Already working with probation", consultation_offered="yes")
    assert (case.state, case.outcome, case.view["fields"]["consultation_offered"]) == (
        "not_accepted", "not_accepted", "yes")
    case = dao_to_accepted()
    case.view["capacity"]["available_practitioners"] = 0
    case.do("add_to_waiting_list", M1)
    case.do("withdraw", M1, outcome="consent_withdrawn", reason="Withdrew consent")
    assert (case.state, case.outcome, case.waiting) == ("closed", "consent_withdrawn", False)


def cdvp_to_pre_programme(risk_level="medium"):
    case = Case("probation_cdvp.yaml", SW)
    case.do("allocate_case_manager", M1, assignee="u7")
    assert (case.state, set(case.deadlines)) == ("assessment", {"risk_review"})
    assert case.why_not("assess_suitable", DAO) == ["The SARA must be submitted first",
                                                    "The signed statements must be submitted first"]
    case.submit("sara", "cdvp_statements")
    case.view["risk_level"] = risk_level
    ticks = dict.fromkeys(("sara_moderate_high", "can_participate", "statement_of_understanding", "no_exclusion"),
                          "on")
    assert case.linked == []
    case.do("assess_suitable", DAO, **ticks)
    assert case.linked == ["partner_support"]  # accepted: the Women's Safety Worker's record opens
    return case


def walk_cdvp_full_pathway_with_breach_and_rejoining():
    case = cdvp_to_pre_programme("very_high")
    assert "risk_management_plan" in case.deadlines
    case.do("record_risk_management_plan", DAO, plan_date="2025-03-11")
    assert "risk_management_plan" not in case.deadlines
    assert case.why_not("start_programme", DAO) == [
        "The referral information has not been sent to the programmes team and the Women's Safety Workers",
        "The Quality of Life interview must be submitted first",
        "The evaluation measures must be submitted first"]
    case.submit("quality_of_life", "evaluation_measures")
    case.do("send_referral_information", DAO, programmes_team="on", womens_safety="on")
    with pytest.raises(InvalidInput) as caught:
        fire(case.defn, case.view, DAO, "start_programme",
             {"pre_programme_sessions": "2", "behaviour_described": "on", "start_date": "2025-04-01"}, now=NOW)
    assert [p.message for p in caught.value.problems] == ["Pre-programme sessions held must be 3 or more"]
    case.do("start_programme", DAO, pre_programme_sessions="3", behaviour_described="on", start_date="2025-04-01")
    case.session("unacceptable_absence", attended=5, unacceptable_absences=1)
    assert "breach_decision" in case.deadlines
    case.do("record_breach_decision", DAO, decision="warning", reason="First absence")
    assert "breach_decision" not in case.deadlines
    case.do("drop_out", DAO, session="12", reason="Stopped coming")
    assert (case.state, case.view["fields"]["drop_out_session"]) == ("dropped_out", 12)
    case.do("record_breach_decision", M1, decision="breach_action", reason="Returned to court")
    case.do("rejoin_programme", M1, reason="Court ordered him to continue")
    case.do("escalate_risk", PW, reason="She reports threats")
    case.do("partner_risk_update", PW, risk_change="increased")
    case.do("suspend_case", M1, reason="Awaiting court")
    case.do("resume_case", M1, reason="Court decided")
    case.session("attended", attended=28, catch_ups=2)
    case.do("complete_programme", DAO, end_date="2025-03-01")
    assert "third_evaluation" in case.deadlines
    assert case.why_not("complete_post_programme", DAO) == ["The offender feedback sheet must be submitted first"]
    case.submit("feedback_sheet")
    case.do("complete_post_programme", DAO, second_measures="on", final_review="on", prevention_sessions="on")
    case.do("record_booster", DAO, session_date="2025-03-05")
    case.do("close_after_follow_up", DAO, third_measures_date="2025-03-10", outcome="completed")
    assert (case.state, case.outcome, case.deadlines) == ("closed", "completed", {})


def walk_cdvp_unsuitable_revoked_and_withdrawn():
    case = Case("probation_cdvp.yaml", SW)
    case.do("allocate_case_manager", M1, assignee="u7")
    case.do("assess_unsuitable", DAO, outcome="complete_denial", reason="Denies any violence")
    assert (case.state, case.outcome, case.linked) == ("not_accepted", "complete_denial", [])
    case = cdvp_to_pre_programme()
    case.submit("quality_of_life", "evaluation_measures")
    case.do("send_referral_information", DAO, programmes_team="on", womens_safety="on")
    case.do("start_programme", DAO, pre_programme_sessions=4, behaviour_described=True, start_date="2025-04-01")
    case.do("drop_out", DAO, session=3, reason="New job")
    case.do("close_dropped_out", M1, outcome="order_revoked", reason="Order revoked")
    assert (case.state, case.outcome) == ("closed", "order_revoked")
    case = cdvp_to_pre_programme()
    case.do("withdraw", M1, outcome="transferred", reason="Moved to another area")
    assert (case.state, case.outcome) == ("closed", "transferred")


def community_to_assessed():
    case = Case("community_programme.yaml", SW)
    assert set(case.deadlines) == {"partner_first_contact"}
    assert case.why_not("book_assessment", M1) == ["The referral form must be submitted first"]
    case.submit("community_referral")
    case.do("book_assessment", M1, assessor="u7", appointment_date="2025-03-20")
    case.do("rebook_assessment", M1, appointment_date="2025-03-27")
    assert case.why_not("record_assessment", DAO) == ["The risk assessment must be submitted first"]
    case.submit("risk_assessment")
    assert case.linked == []
    case.do("record_assessment", DAO, assessed_risk="medium")
    assert case.linked == ["partner_support"]
    case.do("partner_contacted", PW, contact_date="2025-03-11")
    assert case.deadlines == {}
    return case


def walk_community_group_drop_out_re_entry_and_follow_up():
    case = community_to_assessed()
    case.do("accept_for_group", M1)
    assert (case.state, case.waiting) == ("waiting_list", True)
    case.do("join_group", M1, facilitator="u7", start_date="2025-04-07")
    assert (case.waiting, set(case.deadlines)) == (False, {"partner_contact_in_group"})
    case.do("partner_contact_attempted", PW, attempt_date="2025-03-11")
    case.do("partner_contacted", PW, contact_date="2025-03-12")
    assert set(case.deadlines) == {"partner_contact_in_group"}  # met, and the next one started
    case.session("unacceptable_absence", attended=10, unacceptable_absences=3)
    assert "partner_update" in case.deadlines and "cp_attendance_review" in case.notes
    case.do("drop_out", DAO, week="20", reason="New relationship")
    assert (case.state, case.view["fields"]["drop_out_week"]) == ("dropped_out", 20)
    assert "partner_contact_in_group" not in case.deadlines
    case.do("record_incident", PW, incident_date="2025-03-01", reason="Police called")
    case.do("re_enter", M1, reason="Asked to come back")
    case.do("escalate_risk", DAO, reason="Threats")
    case.do("partner_risk_update", PW, risk_change="no_change")
    case.session("attended", attended=34, catch_ups=2)
    case.do("complete_group", DAO, completed_on="2025-03-10")
    assert set(case.deadlines) == {"follow_up_review", "partner_update"}
    case.do("partner_contacted", PW, contact_date="2025-03-12")
    case.do("close_follow_up", DAO, outcome="completed")
    assert (case.state, case.outcome, set(case.deadlines)) == ("closed", "completed", {"records_destruction"})


def walk_community_unsuitable_individual_work_and_did_not_attend():
    case = community_to_assessed()
    case.do("not_suitable", M1, reason="Denies everything")
    assert (case.state, set(case.deadlines)) == ("unsuitable", {"partner_update"})
    case.do("partner_contacted", PW, contact_date="2025-03-12")
    case.do("close_unsuitable", M1)
    assert (case.state, case.outcome, set(case.deadlines)) == ("not_accepted", "unsuitable", {"records_destruction"})

    case = community_to_assessed()
    case.do("individual_work_only", M1, reason="Not ready for a group")
    case.do("move_to_group", DAO)
    case.do("start_individual_work_for_group", DAO)
    assert (case.state, case.waiting) == ("individual_work", False)
    case.do("finish_individual_work", DAO, outcome="completed")
    assert (case.state, case.outcome) == ("closed", "completed")

    case = Case("community_programme.yaml", SW)
    case.submit("community_referral")
    case.do("book_assessment", DAO, assessor="u7", appointment_date="2025-03-20")
    case.do("did_not_attend", DAO)
    assert (case.state, case.outcome, case.linked) == ("closed", "did_not_attend_assessment", [])


def walk_community_suspended_drop_out_closed_and_withdrawn():
    case = community_to_assessed()
    case.do("accept_for_group", M1)
    case.do("join_group", M1, facilitator="u7", start_date="2025-04-07")
    case.do("suspend_from_programme", M1, reason="Arrested")
    assert case.deadlines == {"partner_contact_in_group": True, "partner_update": False}
    case.do("resume_programme", M1, reason="Released without charge")
    case.do("drop_out", DAO, week=3, reason="Stopped coming")
    case.do("close_dropped_out", M1)
    assert (case.state, case.outcome) == ("closed", "dropped_out")
    case = community_to_assessed()
    case.do("accept_for_group", M1)
    case.do("withdraw", M1, outcome="moved_away", reason="Moved away")
    assert (case.state, case.outcome, case.waiting) == ("closed", "moved_away", False)


def walk_partner_support_contact_risk_update_closure_and_reopening():
    case = Case("partner_support.yaml", M1)
    assert (case.state, case.notes, set(case.deadlines)) == (
        "awaiting_allocation", ["partner_case_opened"], {"first_contact"})
    assert "record_contact" not in case.options(PW)  # nobody holds the record yet
    assert case.why_not("allocate", PW) == ["Only a team manager can do this"]
    case.do("allocate", M1, assignee="p1")
    assert (case.state, case.view["allocated_to"], case.notes[-1]) == ("in_contact", "p1", "case_allocated")
    case.do("record_contact_attempt", PW, attempt_date="2025-03-10")
    assert set(case.deadlines) == {"first_contact"}  # an attempt is not contact
    case.do("record_contact", PW, contact_date="2025-03-11")
    assert case.deadlines == {}
    with pytest.raises(InvalidInput):
        fire_event(case.defn, case.view, PW, "partner_risk_update", {"risk_change": "worse"}, now=NOW)
    case.do("partner_risk_update", PW, risk_change="increased")
    assert (case.view["fields"]["partner_risk_change"], case.notes[-1]) == ("increased", "partner_risk_update")
    case.do("close", PW, outcome="support_ended", reason="Follow-up contact after he left the programme")
    assert (case.state, case.outcome, case.notes[-1]) == ("closed", "support_ended", "case_closed")
    assert "record_contact" not in case.options(PW)
    case.do("partner_risk_update", PW, risk_change="no_change")  # she may still call after closure
    assert case.why_not("reopen", PW) == ["Only a team manager can do this"]
    case.do("reopen", M1, reason="He has come back into the group")
    assert (case.state, set(case.deadlines), case.view["fields"]["reopened"]) == (
        "awaiting_allocation", {"first_contact"}, True)


def walk_partner_support_closed_before_allocation():
    case = Case("partner_support.yaml", M1)
    case.do("close", M1, outcome="could_not_be_contacted", reason="No valid contact details")
    assert (case.state, case.outcome, case.deadlines) == ("closed", "could_not_be_contacted", {})


WALKS = [
    walk_dao_waiting_list_urgent_group_and_closure,
    walk_dao_direct_allocation_one_to_one_ended_early,
    walk_dao_assessment_only,
    walk_dao_not_accepted_and_withdrawn,
    walk_cdvp_full_pathway_with_breach_and_rejoining,
    walk_cdvp_unsuitable_revoked_and_withdrawn,
    walk_community_group_drop_out_re_entry_and_follow_up,
    walk_community_unsuitable_individual_work_and_did_not_attend,
    walk_community_suspended_drop_out_closed_and_withdrawn,
    walk_partner_support_contact_risk_update_closure_and_reopening,
    walk_partner_support_closed_before_allocation,
]


@pytest.mark.parametrize("walk", WALKS, ids=[w.__name__ for w in WALKS])
def test_walk(walk):
    walk()


@pytest.mark.parametrize("name", ["dao_pathway.yaml", "probation_cdvp.yaml", "community_programme.yaml",
                                  "partner_support.yaml"])
def test_the_walks_take_every_transition(name):
    FIRED.clear()
    for walk in WALKS:
        walk()
    defn = pathway(name)
    assert set(defn.transitions) - FIRED[defn.key] == set()


@pytest.mark.parametrize("name", ["dao_pathway.yaml", "probation_cdvp.yaml", "community_programme.yaml"])
def test_the_perpetrator_pathways_open_the_shipped_partner_record(name):
    linked = {e["open_linked_case"]["workflow"] for s in pathway(name).states.values() for e in s.on_enter
              if "open_linked_case" in e}
    assert linked == {pathway("partner_support.yaml").key}


@pytest.mark.parametrize("actor", [DAO, SW, {"id": "a1", "roles": ["auditor"], "team": "west"}],
                         ids=["practitioner", "referrer", "auditor"])
def test_the_partner_record_offers_nothing_to_anyone_else(actor):
    case = Case("partner_support.yaml", M1)
    case.view["allocated_to"] = actor["id"]
    for state in case.defn.states:
        case.view["state"] = state
        assert [o.name for o in case.options(actor).values() if o.allowed] == [], state


def test_the_first_contact_with_the_partner_is_due_within_two_weeks_and_escalates_to_the_manager():
    spec = deadline_spec(pathway("partner_support.yaml"), "first_contact")
    assert (spec.duration, spec.role, spec.met_by, spec.escalation["to"]) == (
        {"weeks": 2}, "partner_worker", ({"event": "record_contact"},), "manager")
    assert spec.reminders
