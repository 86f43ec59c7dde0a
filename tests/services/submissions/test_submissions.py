"""Submissions: drafts, optimistic concurrency, submitting, countersigning, pinned versions, the case hook."""

import itertools
import json
import sys

import pytest

from errors import Conflict, InvalidInput, NotAllowed, NotFound
from models.case import Case
from models.form import Submission
from services.cases import hooks as case_hooks
from services.common.language import in_language
from services.submissions.definition_files import FORMS_DIR
from services.submissions.definitions import get_form
from services.submissions.filling import (
    countersign_submission,
    form_for,
    save_draft,
    start_submission,
    submit_submission,
)
from services.submissions.form_versions import create_new_version, publish_form_version
from services.submissions.reads import list_submissions, page_statuses

_refs = itertools.count(1)


def make_case(practitioner, now, **overrides):
    fields = {"reference": f"DAO-2026-{next(_refs):05d}", "workflow_key": "bare_form_test", "workflow_version": 1,
              "status": "open", "team": "north", "allocated_to": str(practitioner.pk), "created_at": now}
    fields.update(overrides)
    return Case(**fields).save()


@pytest.fixture
def forms(app, shipped_forms):
    return shipped_forms


@pytest.fixture
def hook_calls(monkeypatch):
    """Record calls of the case hook instead of running the pathway's effects."""
    calls = []
    for name in ("form_submitted", "form_countersigned"):
        monkeypatch.setattr(case_hooks, name, lambda case, submission, *, actor, now, name=name:
                            calls.append((name, case.pk, submission.form_key)), raising=False)
    return calls


@pytest.fixture
def people(make_user):
    return {
        "practitioner": make_user(roles=["practitioner"]),
        "colleague": make_user(roles=["practitioner"]),
        "manager": make_user(roles=["manager"]),
        "other_manager": make_user(roles=["manager"], team="south"),
        "referrer": make_user(roles=["referrer"], team=""),
    }


def _fixture(key):
    return json.loads((FORMS_DIR.parent.parent / "tests" / "fixtures" / "answers" / f"{key}.json").read_text())


def test_start_pins_the_latest_version_and_reuses_the_open_draft(forms, people, now):
    case = make_case(people["practitioner"], now)
    first = start_submission(case, "screening", actor=people["practitioner"], now=now)
    again = start_submission(case, "screening", actor=people["manager"], now=now)
    assert again.pk == first.pk and first.form_version == 1 and first.status == "draft"
    assert Submission.objects(case_id=case.pk).count() == 1


@pytest.mark.parametrize(("who", "error"), [("referrer", NotFound), ("colleague", NotAllowed),
                                            ("other_manager", NotAllowed)])
def test_start_is_refused_to_people_who_cannot_change_the_case(forms, people, now, who, error):
    from services.cases.access import case_for_actor

    case = make_case(people["practitioner"], now)
    with pytest.raises(error):
        case_for_actor(case.pk, people[who], change=True)
    with pytest.raises(NotAllowed):
        start_submission(case, "screening", actor=people[who], now=now)


def test_a_draft_is_saved_even_with_wrong_answers_and_stale_hidden_answers_are_dropped(forms, people, now):
    actor = people["practitioner"]
    case = make_case(actor, now)
    draft = start_submission(case, "consent", actor=actor, now=now)
    draft, problems = save_draft(draft, {"consent_method": "waived_child_protection",
                                         "referrer_signature": {"full_name": "Sam Worker", "date": "2026-02-31"}},
                                 revision=draft.revision, page="consent", actor=actor, now=now)
    assert [p.field for p in problems] == ["referrer_signature.date"]
    assert draft.answers["referrer_signature"]["date"] == "2026-02-31"  # kept as typed
    draft, problems = save_draft(draft, {"consent_method": "signed_here", "contact_gp": "agree",
                                         "referrer_signature": {"full_name": "Sam Worker"}},
                                 revision=draft.revision, page="consent", actor=actor, now=now)
    assert problems == []
    assert "referrer_signature" not in draft.answers  # hidden now that consent was signed here
    assert draft.answers == {"consent_method": "signed_here", "contact_gp": "agree"}
    assert draft.revision == 3 and draft.visited_pages == ["consent"]


def test_save_and_continue_also_reports_the_pages_missing_answers(forms, people, now):
    actor = people["practitioner"]
    draft = start_submission(make_case(actor, now), "screening", actor=actor, now=now)
    draft, problems = save_draft(draft, {"q1_probation_supervision": "no"}, revision=draft.revision,
                                 page="screening", actor=actor, now=now, check_page=True)
    assert {p.field for p in problems} == {"q2_recent_incident", "q3_informed_consent", "q4_recognition"}
    assert draft.answers == {"q1_probation_supervision": "no"}


def test_a_stale_revision_is_refused_with_the_stored_answers_and_nothing_is_overwritten(forms, people, now):
    actor, manager = people["practitioner"], people["manager"]
    draft = start_submission(make_case(actor, now), "screening", actor=actor, now=now)
    opened = draft.revision
    mine = Submission.objects.get(pk=draft.pk)
    theirs = Submission.objects.get(pk=draft.pk)
    save_draft(theirs, {"q1_probation_supervision": "yes"}, revision=opened, page="screening", actor=manager,
               now=now)
    with pytest.raises(Conflict) as caught:
        save_draft(mine, {"q1_probation_supervision": "no"}, revision=opened, page="screening", actor=actor,
                   now=now)
    assert caught.value.current == {"q1_probation_supervision": "yes"}
    assert Submission.objects.get(pk=draft.pk).answers == {"q1_probation_supervision": "yes"}


def test_submit_refuses_incomplete_answers_and_keeps_the_draft(forms, people, now, hook_calls):
    actor = people["practitioner"]
    draft = start_submission(make_case(actor, now), "screening", actor=actor, now=now)
    draft, _ = save_draft(draft, {"q1_probation_supervision": "no"}, revision=draft.revision, actor=actor, now=now)
    with pytest.raises(InvalidInput) as caught:
        submit_submission(draft, revision=draft.revision, actor=actor, now=now)
    assert {p.field for p in caught.value.problems} == {"q2_recent_incident", "q3_informed_consent",
                                                         "q4_recognition"}
    assert all(p.message and "is a required property" not in p.message for p in caught.value.problems)
    stored = Submission.objects.get(pk=draft.pk)
    assert stored.status == "draft" and stored.answers == {"q1_probation_supervision": "no"}
    assert hook_calls == []


def test_submit_stores_computed_values_and_calls_the_case_hook(forms, people, now, hook_calls):
    actor = people["practitioner"]
    case = make_case(actor, now)
    draft = start_submission(case, "screening", actor=actor, now=now)
    draft, _ = save_draft(draft, _fixture("screening"), revision=draft.revision, actor=actor, now=now)
    done = submit_submission(draft, revision=draft.revision, actor=actor, now=now)
    assert (done.status, done.submitted_by, done.awaiting_countersignature) == ("submitted", str(actor.pk), False)
    assert done.computed and hook_calls == [("form_submitted", case.pk, "screening")]
    with pytest.raises(Conflict):
        submit_submission(done, revision=done.revision, actor=actor, now=now)
    with pytest.raises(Conflict):
        save_draft(done, {}, revision=done.revision, actor=actor, now=now)
    # A new draft may be started once the previous one is submitted.
    assert start_submission(case, "screening", actor=actor, now=now).pk != done.pk


def test_submit_works_when_the_case_hook_module_is_absent(synced, people, now, monkeypatch):
    monkeypatch.setitem(sys.modules, "services.cases.hooks", None)
    actor = people["practitioner"]
    case = make_case(actor, now, workflow_key="dao_pathway", state="risk_assessment")
    draft = start_submission(case, "sara", actor=actor, now=now)
    draft, _ = save_draft(draft, _fixture("sara"), revision=draft.revision, actor=actor, now=now)
    assert submit_submission(draft, revision=draft.revision, actor=actor, now=now).status == "submitted"


def _submitted(key, actor, case, now):
    draft = start_submission(case, key, actor=actor, now=now)
    draft, problems = save_draft(draft, _fixture(key), revision=draft.revision, actor=actor, now=now)
    assert problems == []
    return submit_submission(draft, revision=draft.revision, actor=actor, now=now)


@pytest.mark.parametrize(("who", "allowed"), [("manager", True), ("practitioner", False),
                                              ("other_manager", False)])
def test_countersignature_by_a_manager_of_the_cases_team_only(forms, people, now, hook_calls, who, allowed):
    case = make_case(people["practitioner"], now)
    done = _submitted("risk_assessment", people["practitioner"], case, now)
    assert done.awaiting_countersignature
    if not allowed:
        with pytest.raises(NotAllowed):
            countersign_submission(done, actor=people[who], now=now)
        assert Submission.objects.get(pk=done.pk).status == "submitted"
        return
    signed = countersign_submission(done, actor=people[who], now=now, comment="  Agreed.  ")
    assert (signed.status, signed.countersign_comment) == ("countersigned", "Agreed.")
    assert hook_calls[-1] == ("form_countersigned", case.pk, "risk_assessment")
    with pytest.raises(Conflict):
        countersign_submission(signed, actor=people[who], now=now)


def test_a_manager_cannot_countersign_their_own_submission(app, forms, people, now, hook_calls):
    manager = people["manager"]
    done = _submitted("risk_assessment", manager, make_case(people["practitioner"], now), now)
    with pytest.raises(NotAllowed):
        countersign_submission(done, actor=manager, now=now)
    with app.test_request_context(), in_language("cy"), pytest.raises(
            NotAllowed, match="Rhaid i rywun heblaw’r person a gyflwynodd y ffurflen ei gwrthlofnodi"):
        countersign_submission(done, actor=manager, now=now)


def test_a_submission_keeps_its_version_after_a_new_one_is_published(forms, people, now, hook_calls, make_user):
    admin = make_user(roles=["admin"])
    actor = people["practitioner"]
    done = _submitted("screening", actor, make_case(actor, now), now)
    v1 = get_form("screening")
    changed = json.loads(json.dumps(v1.definition))
    changed["schema"]["properties"]["q1_probation_supervision"]["title"] = "Renamed question in version 2"
    publish_form_version(create_new_version("screening", changed, actor=admin, now=now), actor=admin, now=now)
    assert get_form("screening").version == 2
    form = form_for(Submission.objects.get(pk=done.pk))
    assert form.field("q1_probation_supervision").label != "Renamed question in version 2"
    new_draft = start_submission(make_case(actor, now), "screening", actor=actor, now=now)
    assert new_draft.form_version == 2
    assert form_for(new_draft).field("q1_probation_supervision").label == "Renamed question in version 2"


def test_page_statuses_follow_the_answers(forms, people, now):
    actor = people["practitioner"]
    draft = start_submission(make_case(actor, now), "consent", actor=actor, now=now)
    form = form_for(draft)
    assert page_statuses(form, draft, today=now.date()) == {"information": "not_started", "consent": "not_started"}
    draft, _ = save_draft(draft, {}, revision=draft.revision, page="information", actor=actor, now=now)
    draft, _ = save_draft(draft, {"consent_method": "signed_here"}, revision=draft.revision, page="consent",
                          actor=actor, now=now)
    assert page_statuses(form, draft, today=now.date()) == {"information": "completed", "consent": "in_progress"}
    draft, _ = save_draft(draft, _fixture("consent"), revision=draft.revision, page="consent", actor=actor, now=now)
    assert page_statuses(form, draft, today=now.date())["consent"] == "completed"


def test_list_submissions_hides_confidential_ones_from_team_readers(forms, people, now):
    case = make_case(people["practitioner"], now)
    start_submission(case, "screening", actor=people["practitioner"], now=now)
    start_submission(case, "risk_assessment_confidential", actor=people["practitioner"], now=now)
    mine = {s.form_key for s in list_submissions(case, actor=people["practitioner"])}
    theirs = {s.form_key for s in list_submissions(case, actor=people["colleague"])}
    assert mine == {"screening", "risk_assessment_confidential"} and theirs == {"screening"}
    with pytest.raises(NotAllowed):
        list_submissions(case, actor=people["referrer"])


def test_the_real_case_hooks_write_the_cases_history(forms, people, now):
    from models.case import CaseEvent
    from services.pathways.store import clear_cache
    from services.pathways.sync import sync_workflows

    clear_cache()
    sync_workflows(now=now)
    case = make_case(people["practitioner"], now, state="risk_assessment", workflow_key="dao_pathway")
    done = _submitted("risk_assessment", people["practitioner"], case, now)
    countersign_submission(done, actor=people["manager"], now=now)
    labels = [e.label for e in CaseEvent.objects(case_id=case.pk, kind="form").order_by("at")]
    assert len(labels) == 2 and labels[0].endswith("submitted") and labels[1].endswith("countersigned")
    clear_cache()
