"""Uploaded files (the form's file widget), kept in GridFS and checked by what they contain, not by their name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

import filetype
import mongoengine
import pymongo
from bson import ObjectId
from bson.errors import InvalidId
from flask_babel import gettext as _
from gridfs import GridFSBucket
from gridfs.errors import NoFile

from errors import FieldProblem, InvalidInput, NotAllowed, NotFound
from services.audit.trail import record_audit
from services.cases.access import can_read_case, can_read_confidential
from storage.uow import in_transaction, run_in_transaction

BUCKET = "attachments"
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# What each accepted extension means, and the one name people know the type by.
TYPES = {
    ".pdf": ("application/pdf", "PDF"),
    ".png": ("image/png", "PNG"),
    ".jpg": ("image/jpeg", "JPEG"),
    ".jpeg": ("image/jpeg", "JPEG"),
    ".doc": ("application/msword", "Word"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"),
}
DEFAULT_ACCEPT = ".pdf,.png,.jpg,.jpeg"
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "application/msword": ".doc",
              "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx"}


@dataclass(frozen=True)
class OpenedAttachment:
    """A stored file opened for reading."""

    stream: object
    filename: str
    content_type: str
    size: int


def _bucket() -> GridFSBucket:
    return GridFSBucket(mongoengine.get_db(), bucket_name=BUCKET)


def ensure_indexes() -> None:
    """Make GridFS's own indexes on the store's two collections (nothing when they exist)."""
    # GridFS makes them itself before its first write into an empty store, but outside the transaction the upload
    # runs in: when the collections exist without them (a restored copy, say), that waits on the transaction's own
    # lock until the connection times out. Made first, outside any transaction, GridFS finds them there.
    db = mongoengine.get_db()
    db[f"{BUCKET}.files"].create_index([("filename", pymongo.ASCENDING), ("uploadDate", pymongo.ASCENDING)])
    db[f"{BUCKET}.chunks"].create_index([("files_id", pymongo.ASCENDING), ("n", pymongo.ASCENDING)], unique=True)


def accepted_types(accept: str | list | None) -> dict[str, str]:
    """Return content type → name for an `accept` list of extensions or content types (PDF, PNG, JPEG by default)."""
    entries = accept if isinstance(accept, list | tuple) else (accept or DEFAULT_ACCEPT).split(",")
    out: dict[str, str] = {}
    for entry in entries:
        entry = entry.strip().lower()
        if entry in TYPES:
            out[TYPES[entry][0]] = TYPES[entry][1]
        else:
            out.update({mime: name for mime, name in TYPES.values() if mime == entry})
    return out


def _words(names) -> str:
    names = list(dict.fromkeys(names))
    if len(names) == 1:
        return names[0]
    return _("%(first)s or %(last)s", first=", ".join(names[:-1]), last=names[-1])


def safe_filename(filename: str, content_type: str) -> str:
    """Return a plain file name with the extension its content really has."""
    name = unicodedata.normalize("NFC", PurePath((filename or "").replace("\\", "/")).name)
    stem = re.sub(r"[\x00-\x1f\x7f\"<>|:*?/]+", "", name.rsplit(".", 1)[0] if "." in name else name).strip(" .")
    return (stem[:150] or "file") + EXTENSIONS.get(content_type, "")


def store_attachment(stream, filename: str, *, accept=None, max_bytes: int | None = None, actor, now: datetime,
                     field: str = "file", case=None, classification: str = "standard") -> dict:
    """Store an upload if its content is an accepted type and small enough; return its file record."""
    limit = int(max_bytes or DEFAULT_MAX_BYTES)
    data = stream.read(limit + 1)
    if not data:
        raise InvalidInput(problems=[FieldProblem(field, _("The selected file is empty"))])
    if len(data) > limit:
        raise InvalidInput(problems=[FieldProblem(field, _("The selected file must be smaller than %(size)s",
                                                             size=_size(limit)))])
    allowed = accepted_types(accept)
    kind = filetype.guess(data)
    if kind is None or kind.mime not in allowed:
        raise InvalidInput(problems=[FieldProblem(field, _("The selected file must be a %(kinds)s",
                                                             kinds=_words(allowed.values())))])
    name = safe_filename(filename, kind.mime)
    metadata = {"content_type": kind.mime, "uploaded_by": str(actor.pk), "uploaded_at": now,
                "original_filename": (filename or "")[:300], "classification": classification,
                "case_id": str(case.pk) if case is not None else ""}
    if not in_transaction():
        ensure_indexes()
    # The file's chunks and its record are written together (the stream was read above, so a rerun can repeat it).
    file_id = run_in_transaction(_bucket().upload_from_stream, name, data, metadata=metadata)
    return {"id": str(file_id), "filename": name, "content_type": kind.mime, "size": len(data)}


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g}MB"
    return f"{max(1, limit // 1024)}KB"


def open_attachment(file_id, *, case, actor, now: datetime, client_address: str = "") -> OpenedAttachment:
    """Open a file stored on this case for someone who may read it; confidential files are audited."""
    try:
        grid_out = _bucket().open_download_stream(ObjectId(str(file_id)))
    except (InvalidId, TypeError, NoFile):
        raise NotFound(_("There is no such file")) from None
    meta = grid_out.metadata or {}
    if meta.get("case_id") != str(case.pk):
        raise NotFound(_("There is no such file"))
    # A referrer may open the files they uploaded to their own referral, and nothing else.
    referrers_own = (actor.has_role("referrer") and case.referrer_id == str(actor.pk)
                     and meta.get("uploaded_by") == str(actor.pk) and meta.get("classification") == "standard")
    if not can_read_case(actor, case) and not referrers_own:
        raise NotAllowed(_("You do not have access to this file"))
    if meta.get("classification") == "confidential":
        if not can_read_confidential(actor, case):
            raise NotAllowed(_("This file is confidential"))
        record_audit("confidential.read", actor=actor, now=now, target_type="attachment", target_id=file_id,
                     client_address=client_address, details={"case": str(case.pk)})
    return OpenedAttachment(grid_out, grid_out.filename, meta.get("content_type", "application/octet-stream"),
                            grid_out.length)
