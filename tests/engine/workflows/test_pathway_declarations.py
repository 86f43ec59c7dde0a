"""Attendance rules that fire once per crossing and per session type; hours, local days, dated deadlines."""

from datetime import date, datetime
from pathlib import Path

import pytest

from scheduler.calendar import WorkingCalendar
from scheduler.timescales import add_duration, reminder_times
from workflows import Effect, attendance_effects, fire, load_definition, load_file
from workflows.intake import accepts_referral_from, may_open, person_from_answers, shared_with_referrer

ROOT = Path(__file__).resolve().parents[3]
LONDON = WorkingCalendar("england_wales", time_zone="Europe/London")


def view(state, sessions=None, **extra):
    return {"state": state, "sessions": sessions or {}, "forms": {}, "fields": {}, **extra}


@pytest.fixture(scope="module")
def typed():
    data = {
        "key": "typed", "title": "Typed rules", "roles": ["manager", "practitioner"], "initial": "open",
        "states": {"open": {"label": "Open", "public_status": "Work in progress"},
                   "done": {"label": "Done", "public_status": "Closed", "terminal": True}},
        "transitions": [{"name": "finish", "label": "Finish", "from": "open", "to": "done",
                         "roles": ["manager"],
                         "inputs": [{"name": "last_session", "kind": "date", "label": "Last session"}],
                         "effects": [{"start_deadline": {"key": "report", "from": "input:last_session"}}]}],
        "deadlines": [{"key": "report", "label": "Report", "duration": {"weeks": 2}, "basis": "2 weeks after "
                       "the last session", "role": "practitioner"},
                      {"key": "check", "label": "Check", "duration": {"hours": 24}, "basis": "24 hours",
                       "role": "manager"}],
        "attendance": {"rules": [
            {"name": "group_limit", "label": "Second group absence", "counter": "unacceptable_absences",
             "reaches": 2, "session_types": ["group"],
             "effects": [{"notify": {"to": "manager", "template": "attendance_review"}}]}]},
        "messages": {"attendance_review": {"kind": "task", "subject": "Attendance {reference}",
                                           "body": "Review case {reference}."}},
    }
    return load_definition(data)


def typed_counts(group_absences, other_absences=0):
    by_type = {"group": {"unacceptable_absences": group_absences},
               "individual": {"unacceptable_absences": other_absences}}
    return {"unacceptable_absences": group_absences + other_absences, "by_type": by_type}


REVIEW = [Effect("notify", {"to": ["manager"], "template": "attendance_review"})]


def test_a_typed_counter_rule_fires_once_as_its_threshold_is_crossed(typed):
    absent = "unacceptable_absence"
    assert attendance_effects(typed, view("open", typed_counts(1)), absent, session_type="group") == []
    assert attendance_effects(typed, view("open", typed_counts(2)), absent, session_type="group") == REVIEW
    # Later sessions leave the counter at 2 (attended) or take it past 2: the rule does not fire again.
    assert attendance_effects(typed, view("open", typed_counts(2)), "attended", session_type="group") == []
    assert attendance_effects(typed, view("open", typed_counts(3)), absent, session_type="group") == []


def test_absences_from_other_session_types_do_not_count_towards_a_typed_rule(typed):
    absent = "unacceptable_absence"
    assert attendance_effects(typed, view("open", typed_counts(1, 1)), absent, session_type="individual") == []
    assert attendance_effects(typed, view("open", typed_counts(1, 5)), absent, session_type="group") == []


def test_the_shipped_dao_rule_no_longer_fires_after_every_later_session():
    dao = load_file(ROOT / "workflows/dao_pathway.yaml")
    later = attendance_effects(dao, view("intervention", {"unacceptable_absences": 2, "attended": 5}), "attended")
    assert [e for e in later if e.params.get("template") == "dao_attendance_review"] == []


def test_a_deadline_counts_from_a_date_input(typed):
    result = fire(typed, view("open"), {"id": "m", "roles": ["manager"]}, "finish",
                  {"last_session-day": "1", "last_session": "2026-03-02"}, now=datetime(2026, 3, 20, 9))
    assert Effect("start_deadline", {"key": "report", "from_date": "2026-03-02"}) in result.effects


@pytest.mark.parametrize(("start", "spec", "expected"), [
    (datetime(2026, 7, 1, 14, 30), {"hours": 24}, datetime(2026, 7, 2, 14, 30)),
    # 23:30 UTC on 30 June is already 1 July in London: one day later is the end of 2 July, London time.
    (datetime(2026, 6, 30, 23, 30), {"days": 1}, datetime(2026, 7, 2, 22, 59, 59)),
    (datetime(2026, 12, 30, 23, 30), {"days": 1}, datetime(2026, 12, 31, 23, 59, 59)),
])
def test_hours_and_london_days(start, spec, expected):
    assert add_duration(start, spec, LONDON) == expected


def test_reminders_go_out_at_eight_in_the_morning_london_time():
    assert reminder_times(datetime(2026, 7, 10, 22, 59, 59), [{"on_due": True}], LONDON) == [
        datetime(2026, 7, 10, 7, 0)]


def test_intake_reads_who_may_refer_and_the_person():
    community = load_file(ROOT / "workflows/community_programme.yaml")
    cdvp = load_file(ROOT / "workflows/probation_cdvp.yaml")
    assert accepts_referral_from(community, "Anyone") and not accepts_referral_from(cdvp, "Probation")
    assert may_open(cdvp, ["practitioner"]) and not may_open(cdvp, ["partner_worker"])
    person = person_from_answers(community, {"client_name": "Al Example", "client_dob": "1980-02-01",
                                             "interpreter_needed": True, "interpreter_language": "Polish"})
    assert person["name"] == "Al Example" and person["date_of_birth"] == date(1980, 2, 1)
    assert person["language"] == "Polish" and person["interpreter_needed"] is True


def test_the_referrer_sees_only_the_fields_the_file_shares_with_them():
    dao = load_file(ROOT / "workflows/dao_pathway.yaml")
    fields = {"next_steps": "A DAO will call you", "consultation_date": "2026-12-01", "consultation_offered": "no",
              "purpose_of_work": "Risk assessment", "disagreement_open": True}
    assert shared_with_referrer(dao, fields) == [
        {"label": "Next steps", "value": "A DAO will call you", "date": False},
        {"label": "Case consultation", "value": "2026-12-01", "date": True}]
    offered = shared_with_referrer(dao, {"consultation_offered": "yes"})
    assert offered == [{"label": "Case consultation", "date": False,
                        "value": "A case consultation is offered to you for advice and guidance"}]


def test_the_children_are_read_with_the_keys_the_file_names():
    dao = load_file(ROOT / "workflows/dao_pathway.yaml")
    person = person_from_answers(dao, {"person_name": "A Person", "children": [
        {"child_name": "Ruby", "child_dob": "2019-08-14"}, {"child_name": "Max"}]})
    assert person["children"] == [{"name": "Ruby", "date_of_birth": date(2019, 8, 14)},
                                  {"name": "Max", "date_of_birth": None}]
