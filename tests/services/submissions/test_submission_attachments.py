"""Attachments: type decided by content, size limits, access to the file only through its case."""

import io
import itertools

import mongoengine
import pytest

from errors import InvalidInput, NotAllowed, NotFound
from models.audit import AuditEntry
from models.case import Case
from services.submissions.attachments import open_attachment, store_attachment

_refs = itertools.count(1)
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"


def _docx() -> bytes:
    from docx import Document

    out = io.BytesIO()
    Document().save(out)
    return out.getvalue()


def make_case(practitioner, now, **overrides):
    fields = {"reference": f"DAO-2026-{next(_refs):05d}", "workflow_key": "bare_form_test", "workflow_version": 1,
              "status": "open", "team": "north", "allocated_to": str(practitioner.pk), "created_at": now}
    fields.update(overrides)
    return Case(**fields).save()


@pytest.mark.parametrize(("data", "filename", "accept", "content_type", "stored_name"), [
    (PNG, "scan.pdf", None, "image/png", "scan.png"),  # named PDF, really a PNG: kept, as a PNG
    (PDF, "consent.pdf", None, "application/pdf", "consent.pdf"),
    (JPEG, "photo.JPG", None, "image/jpeg", "photo.jpg"),
    (PDF, "C:\\Users\\sam\\form.pdf", ".pdf", "application/pdf", "form.pdf"),
    (_docx(), "letter.docx", ".pdf,.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "letter.docx"),
])
def test_accepted_files_are_typed_by_their_content(app, now, make_user, data, filename, accept, content_type,
                                                   stored_name):
    user = make_user()
    record = store_attachment(io.BytesIO(data), filename, accept=accept, actor=user, now=now)
    assert (record["content_type"], record["filename"], record["size"]) == (content_type, stored_name, len(data))


@pytest.mark.parametrize(("data", "filename", "accept", "max_bytes", "message"), [
    (EXE, "consent.pdf", None, None, "must be a PDF, PNG or JPEG"),  # an .exe renamed .pdf
    (b"just some text", "notes.pdf", None, None, "must be a PDF, PNG or JPEG"),
    (GIF, "picture.png", None, None, "must be a PDF, PNG or JPEG"),
    (PNG, "scan.png", ".pdf", None, "must be a PDF"),
    (_docx(), "letter.pdf", None, None, "must be a PDF, PNG or JPEG"),
    (b"", "empty.pdf", None, None, "is empty"),
    (PDF + b"x" * 2048, "big.pdf", None, 1024, "must be smaller than 1KB"),
])
def test_refused_files_say_why(app, now, make_user, data, filename, accept, max_bytes, message):
    with pytest.raises(InvalidInput) as caught:
        store_attachment(io.BytesIO(data), filename, accept=accept, max_bytes=max_bytes, actor=make_user(), now=now,
                         field="signed_form")
    assert caught.value.problems[0].field == "signed_form"
    assert message in caught.value.problems[0].message


def test_a_file_opens_only_through_its_own_case_for_people_who_may_read_it(app, now, make_user):
    practitioner = make_user(roles=["practitioner"])
    case, other = make_case(practitioner, now), make_case(practitioner, now)
    record = store_attachment(io.BytesIO(PDF), "a.pdf", actor=practitioner, now=now, case=case)
    opened = open_attachment(record["id"], case=case, actor=practitioner, now=now)
    assert opened.stream.read() == PDF and opened.content_type == "application/pdf"
    with pytest.raises(NotFound):
        open_attachment(record["id"], case=other, actor=practitioner, now=now)
    with pytest.raises(NotFound):
        open_attachment("not-an-id", case=case, actor=practitioner, now=now)
    with pytest.raises(NotAllowed):
        open_attachment(record["id"], case=case, actor=make_user(roles=["manager"], team="south"), now=now)


def test_a_confidential_file_is_refused_to_team_readers_and_audited_when_read(app, now, make_user):
    practitioner = make_user(roles=["practitioner"])
    case = make_case(practitioner, now)
    record = store_attachment(io.BytesIO(PNG), "photo.png", actor=practitioner, now=now, case=case,
                              classification="confidential")
    with pytest.raises(NotAllowed):
        open_attachment(record["id"], case=case, actor=make_user(roles=["practitioner"]), now=now)
    open_attachment(record["id"], case=case, actor=practitioner, now=now)
    assert AuditEntry.objects(action="confidential.read", target_id=record["id"]).count() == 1


def test_an_upload_into_an_empty_store_without_its_indexes_does_not_wait_on_itself(app, now, make_user):
    # A store emptied of files whose collections lack GridFS's indexes (restored from a copy, say): the upload's
    # unit of work read the empty collection, then GridFS asked, outside the transaction, to index it, and waited
    # for the transaction's own lock until the connection timed out.
    db = mongoengine.get_db()
    for name in ("attachments.files", "attachments.chunks"):
        db.drop_collection(name)
        db.create_collection(name)
    record = store_attachment(io.BytesIO(PDF), "consent.pdf", actor=make_user(), now=now)
    assert record["content_type"] == "application/pdf"
    assert {"filename_1_uploadDate_1"} <= set(db["attachments.files"].index_information())
    assert {"files_id_1_n_1"} <= set(db["attachments.chunks"].index_information())
