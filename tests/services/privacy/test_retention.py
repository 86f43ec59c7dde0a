"""Retention: at the six-year mark the job lists a case for review; approval destroys every personal trace."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import mongoengine
import pytest
from bson import json_util

from errors import Conflict, InvalidInput, NotAllowed, NotFound
from models.audit import AuditEntry
from models.case import Case
from models.notification import Notification
from models.retention import RetentionReview
from services.cases.sessions import record_session
from services.notifications.unread import unread_count
from services.partner import records as partner_service
from services.privacy import monitoring, retention
from services.reports.figures import list_funnel
from services.submissions.attachments import store_attachment
from services.submissions.filling import save_draft, start_submission
from tests.pathway_steps import fill, fire

HIM, HER = "Quillon Farthingale", "Ysolde Brackenridge"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + HIM.encode() + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SIX_YEARS = timedelta(days=2192)  # 24 November 2026 to 24 November 2032: 2028 and 2032 are leap years


@pytest.fixture
def team(synced, make_team, make_user):
    make_team(key="north")
    return {"manager": make_user(roles=["manager"], team="north"),
            "practitioner": make_user(roles=["practitioner"], team="north"),
            "partner_worker": make_user(roles=["partner_worker"], team="north"),
            "admin": make_user(roles=["admin"], team="")}


def planted_case(team, make_case, now, *, ending="withdraw"):
    """A community case carrying both names in every kind of record Pathway keeps, then closed."""
    manager, practitioner, worker = team["manager"], team["practitioner"], team["partner_worker"]
    case = make_case(workflow_key="community_programme", actor=manager,
                     person={"name": HIM, "ethnicity": "White Irish"})
    upload = store_attachment(io.BytesIO(PDF), f"{HIM}.pdf", actor=manager, now=now, case=case)
    fill(case, "community_referral", manager, now, {"client_name": HIM, "why_attend": f"{HIM} wants to change",
                                                    "risk_assessment_copy": upload})
    case = fire(case, "book_assessment", manager, now, assessor=str(practitioner.pk),
                appointment_date=(now + timedelta(days=7)).date().isoformat())
    draft = start_submission(case, "risk_assessment", actor=practitioner, now=now)
    save_draft(draft, {"sources": f"Interview with {HIM}"}, revision=draft.revision, actor=practitioner, now=now)
    fill(case, "risk_assessment", practitioner, now)
    case = fire(case, "record_assessment", practitioner, now, assessed_risk="medium")
    record_session(case, {"date": now.date().isoformat(), "session_type": "individual", "attendance": "attended",
                          "notes": f"{HIM} spoke about {HER}"}, actor=practitioner, now=now)
    partner = Case.objects(parent_case_id=case.pk).first()
    partner = fire(partner, "allocate", manager, now, assignee=str(worker.pk))
    partner_service.update_partner_details(partner, {"name": HER, "safe_contact": f"Ask for {HER} at work"},
                                           actor=worker, now=now)
    Case.objects(pk=partner.pk).update_one(set__person__ethnicity="Black British")
    partner.reload()
    fill(partner, "risk_assessment_confidential", worker, now,
         {"confidential_information": f"{HER} said {HIM} followed her to work."})
    partner_service.record_partner_contact(partner, {"date": now.date().isoformat(), "method": "phone",
                                                     "outcome": "spoke", "notes": f"{HER} is safe"},
                                           actor=worker, now=now)
    case.reload()  # the contact was passed on to his case
    if ending == "withdraw":
        case = fire(case, "withdraw", manager, now, outcome="withdrew", reason=f"{HIM} moved in with {HER}")
    else:
        case = fire(case, "not_suitable", manager, now, reason=f"{HIM} denies everything")
        case = fire(case, "close_unsuitable", manager, now)
    return case, partner, upload


def traces(*names: str) -> list[str]:
    """Return every collection (and GridFS chunk) in the database that still holds any of the names."""
    db = mongoengine.get_db()
    found = []
    for name in db.list_collection_names():
        for doc in db[name].find():
            text = json_util.dumps(doc) if not name.endswith(".chunks") else doc["data"].decode("latin-1")
            for planted in names:
                # The surname alone counts too: "Farthingale" left in a note is still him.
                if any(part.lower() in text.lower() for part in {planted, planted.split()[-1]}):
                    found.append(f"{name}: {planted}")
    return found


def test_six_years_after_he_leaves_everything_personal_is_destroyed_on_approval(team, make_case, now):
    case, partner, _ = planted_case(team, make_case, now)
    assert traces(HIM, HER) and traces(case.reference)  # the search can find what is there
    outbox = mongoengine.get_db()["outbox"]
    assert outbox.count_documents({"subject": {"$regex": case.reference}}) > 0  # email about the case was queued
    start, end = now.date() - timedelta(days=1), now.date()
    funnel_before = list_funnel(actor=team["manager"], now=now, start=start, end=end)
    counts_before = monitoring.monitoring_counts(actor=team["manager"])
    assert counts_before["categories"]["Ethnicity"] == {"White Irish": 1}

    assert retention.run_retention(now=now + SIX_YEARS - timedelta(days=3)).listed == 0
    run = retention.run_retention(now=now + SIX_YEARS)
    assert run.listed == 1 and run.finished == 0
    told = Notification.objects(user_id=str(team["manager"].pk), link="/retention/")
    assert [n.subject for n in told] == ["Records are due for destruction review"]
    assert retention.run_retention(now=now + SIX_YEARS).listed == 0  # listed once
    (row,) = retention.review_queue(actor=team["manager"])["rows"]
    review = RetentionReview.objects.get(pk=row["id"])
    assert (review.rule, review.action, review.linked) == ("left_programme", "destroy", "destroy")
    assert traces(HIM, HER), "listing alone destroys nothing"

    later = now + SIX_YEARS + timedelta(days=1)
    other_team = team["manager"].__class__.objects(pk=team["manager"].pk).first()
    other_team.team = "south"
    with pytest.raises(NotFound):
        retention.approve_destruction(review.pk, actor=other_team, now=later, confirm=True)
    with pytest.raises(InvalidInput):
        retention.approve_destruction(review.pk, actor=team["manager"], now=later, confirm=False)
    retention.place_legal_hold(case.pk, reason="Family court proceedings", actor=team["manager"], now=later)
    with pytest.raises(NotAllowed, match="legal hold"):
        retention.approve_destruction(review.pk, actor=team["manager"], now=later, confirm=True)
    assert retention.lift_legal_hold(case.pk, actor=team["manager"], now=later) == 1

    unread_about = Notification.objects(case_id__in=[case.pk, partner.pk], read_at=None).count()
    assert unread_about > 0
    done = retention.approve_destruction(review.pk, actor=team["manager"], now=later, confirm=True)
    assert done.status == "done" and done.case_reference == ""
    # The notifications about them are gone, and so are they from their readers' header counts.
    for person in team.values():
        assert unread_count(person) == Notification.objects(user_id=str(person.pk), read_at=None).count()
    with pytest.raises(Conflict):
        retention.approve_destruction(review.pk, actor=team["manager"], now=later, confirm=True)

    assert traces(HIM, HER) == []
    # Nothing that could find them again either: their references are gone from every collection.
    assert traces(case.reference, partner.reference) == []
    assert outbox.count_documents({}) == outbox.count_documents({"subject": "Records are due for destruction review"})
    assert mongoengine.get_db()["attachments.files"].count_documents({}) == 0
    assert mongoengine.get_db()["attachments.chunks"].count_documents({}) == 0
    for collection in ("submissions", "confidential_submissions", "partner_contacts", "notifications",
                       "legal_holds"):
        assert mongoengine.get_db()[collection].count_documents({"case_id": {"$in": [case.pk, partner.pk]}}) == 0
    stub = Case.objects(pk=case.pk).first()
    assert stub.anonymised_at == later and stub.monitoring == {"ethnicity": "White Irish"}
    assert stub.reference == f"X-{case.pk}" and stub.outcome == "withdrew"
    (entry,) = AuditEntry.objects(action="retention.destroyed")
    assert entry.target_id == str(case.pk) and entry.at == later
    assert entry.details["rule"] == "left_programme" and entry.details["approved_by"] == str(team["manager"].pk)
    assert entry.details["removed"]["uploads"] == 1 and entry.details["removed"]["cases"] == 2
    assert HIM not in json.dumps(entry.details, default=str)

    # Monitoring figures still report as before.
    assert list_funnel(actor=team["manager"], now=later, start=start, end=end) == funnel_before
    assert monitoring.monitoring_counts(actor=team["manager"]) == counts_before


def test_partner_of_an_unsuccessful_applicant_keeps_monitoring_categories_only(team, make_case, now):
    case, partner, _ = planted_case(team, make_case, now, ending="unsuitable")
    retention.run_retention(now=now + SIX_YEARS)
    (row,) = retention.review_queue(actor=team["admin"])["rows"]
    review = RetentionReview.objects.get(pk=row["id"])
    assert review.rule == "unsuccessful_application" and review.linked == "anonymise"
    retention.approve_destruction(row["id"], actor=team["admin"], now=now + SIX_YEARS, confirm=True)
    assert traces(HIM, HER) == []
    kept = Case.objects(pk=partner.pk).first()
    assert kept.monitoring == {"ethnicity": "Black British"} and kept.person.name == ""
    assert partner.name_keys and kept.name_keys == []  # the words of her name went with it


def test_the_job_finishes_an_approved_destruction_interrupted_midway(team, make_case, now):
    case, _, _ = planted_case(team, make_case, now)
    retention.run_retention(now=now + SIX_YEARS)
    review = RetentionReview.objects.get(case_id=case.pk)
    # As if the process stopped right after the approval was recorded.
    RetentionReview.objects(pk=review.pk).update_one(set__status="approved", set__approved_by="someone")
    retention.place_legal_hold(case.pk, reason="Inquiry", actor=team["manager"], now=now + SIX_YEARS)
    assert retention.run_retention(now=now + SIX_YEARS).finished == 0  # the hold wins
    assert RetentionReview.objects.get(pk=review.pk).status == "pending" and traces(HIM, HER)
    retention.lift_legal_hold(case.pk, actor=team["manager"], now=now + SIX_YEARS)
    RetentionReview.objects(pk=review.pk).update_one(set__status="approved")
    assert retention.run_retention(now=now + SIX_YEARS).finished == 1
    assert traces(HIM, HER) == []


def test_a_case_on_hold_is_not_listed_and_uploads_no_answer_keeps_are_removed(team, make_case, now):
    case, _, kept = planted_case(team, make_case, now)
    upload_id = kept["id"]
    retention.place_legal_hold(case.pk, reason="Police investigation", actor=team["manager"], now=now)
    store_attachment(io.BytesIO(PDF), "left-over.pdf", actor=team["practitioner"], now=now, case=case)
    run = retention.run_retention(now=now + SIX_YEARS)
    assert run.listed == 0 and run.orphans_removed == 1
    files = mongoengine.get_db()["attachments.files"]
    assert [str(f["_id"]) for f in files.find()] == [upload_id]


def test_a_destruction_that_fails_midway_changes_nothing(team, make_case, now, monkeypatch):
    from services.privacy import destroy as retention_destroy

    case, partner, _ = planted_case(team, make_case, now)
    retention.run_retention(now=now + SIX_YEARS)
    review = RetentionReview.objects.get(case_id=case.pk)
    before = sorted(traces(HIM, HER))

    def fail(*_args, **_kwargs):
        raise RuntimeError("the server went away")

    # Uploads, submissions and contacts are already deleted when the case itself fails to be stripped.
    monkeypatch.setattr(retention_destroy, "_strip_case", fail)
    with pytest.raises(RuntimeError):
        retention.approve_destruction(review.pk, actor=team["manager"], now=now + SIX_YEARS, confirm=True)
    assert sorted(traces(HIM, HER)) == before
    assert mongoengine.get_db()["attachments.chunks"].count_documents({}) == 1
    review.reload()
    assert review.status == "pending" and not AuditEntry.objects(action="retention.destroyed").count()


def test_the_retention_job_runs_beside_the_sweep_never_overlapping(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    from scheduler import runner
    from services.notifications import outbox as outbox_service

    configured = runner._configure(BackgroundScheduler(), app)
    try:
        job = configured.get_job(runner.RETENTION_JOB_ID)
        assert job.trigger.interval == timedelta(hours=6) and job.max_instances == 1 and job.coalesce is True
        assert configured.get_job(runner.JOB_ID) is not None
    finally:
        outbox_service.forget_wakers()
