"""In-app notifications in the reader's language: said again from what each one stored of its message."""

from __future__ import annotations

from flask_babel import gettext

from models.case import Case
from services.common.language import in_language, user_language
from services.notifications.send import render


def in_reader_language(notes, language: str) -> list[dict]:
    """Return each notification with its subject and body in a language (as stored when it cannot be said again)."""
    ids = {note.case_id for note in notes if (note.message or {}).get("table") and note.case_id}
    cases = {case.pk: case for case in Case.objects(pk__in=list(ids))} if ids else {}
    return [{"note": note, **dict(zip(("subject", "body"), _said(note, language, cases), strict=True))}
            for note in notes]


def _said(note, language: str, cases: dict) -> tuple[str, str]:
    message = note.message or {}
    if message.get("table"):
        case = cases.get(note.case_id)
        if case is not None:
            _kind, subject, body = render(note.template, case, message.get("values"), language)
            return " ".join(subject.split()), body
    elif message.get("subject"):
        # Said with the page's gettext: the request is already in the reader's language.
        values = message.get("values") or {}
        try:
            return (gettext(message["subject"], **values),
                    gettext(message["body"], **values) if message.get("body") else note.body)
        except (KeyError, ValueError, TypeError):
            pass
    return note.subject, note.body


def message_for(user, subject: str, body: str, **values) -> dict:
    """Return notify_user's subject, body and message for two catalogue messages, said in the user's language."""
    with in_language(user_language(user)):
        said = {"subject": gettext(subject, **values), "body": gettext(body, **values)}
    return {**said, "message": {"subject": subject, "body": body, "values": values}}
