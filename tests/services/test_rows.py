"""Documents read as plain rows read as the documents do: every field, its default, dates, the model's properties."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from bson import ObjectId

from models.case import Case, CaseSession
from models.deadline import Deadline
from models.form import Submission
from services.common.rows import rows


def _same(model, query) -> None:
    documents, found = list(query), rows(query)
    assert [d.pk for d in documents] == [r.pk for r in found] == [r.id for r in found]
    for document, row in zip(documents, found, strict=True):
        for name in model._fields:
            assert getattr(row, name) == getattr(document, name), name
            assert type(getattr(row, name)) is type(getattr(document, name)) or isinstance(
                getattr(document, name), dict | list), name


def test_rows_read_as_the_documents(app, now):
    case_id = ObjectId()
    Submission(case_id=case_id, form_key="risk", form_version=1, classification="standard", status="submitted",
               answers={"a": {"b": [1, 2]}, "when": "2026-01-02"}, computed={"score": 3}, created_at=now,
               countersign_required=True).save()
    # Stored without most fields, as an older document may be: each reads as its default.
    Submission._get_collection().insert_one({"case_id": case_id, "form_key": "old", "form_version": 2,
                                            "classification": "standard", "created_at": now})
    _same(Submission, Submission.objects(case_id=case_id).order_by("created_at"))
    found = rows(Submission.objects(case_id=case_id).order_by("form_key"))
    assert [r.awaiting_countersignature for r in found] == [False, True]  # the model's property works on a row
    assert found[0].answers == {} and found[0].visited_pages == [] and found[0].status == "draft"


def test_rows_keep_the_query_and_read_dates_as_dates(app, now):
    case_id = ObjectId()
    for day in (3, 1, 2):
        CaseSession(case_id=case_id, date=date(2026, 1, day), session_type="group", attendance="attended",
                    recorded_at=now).save()
    query = CaseSession.objects(case_id=case_id).order_by("-date")
    _same(CaseSession, query)
    assert [r.date for r in rows(query.limit(2))] == [date(2026, 1, 3), date(2026, 1, 2)]
    Deadline(case_id=case_id, key="k", label="A deadline", started_at=now, due_at=datetime(2026, 2, 1)).save()
    _same(Deadline, Deadline.objects(case_id=case_id))
    assert rows(Deadline.objects(case_id=case_id))[0].is_active


def test_documents_with_embedded_documents_are_not_read_as_rows(app):
    with pytest.raises(TypeError):
        rows(Case.objects(pk=ObjectId()))
