"""Write a subject access file (services.privacy.bundle) as a Word document the person can read."""

from __future__ import annotations

import io
from datetime import date, datetime

from docx import Document
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from services.common.language import date_words
from services.privacy.bundle import text_of
from services.privacy.words import PERSON_FIELD_WORDS

FORM_STATUS_WORDS = {"draft": _l("Draft"), "submitted": _l("Submitted"), "countersigned": _l("Countersigned")}
# The Word file's row names for the person and the case, in the language the file is prepared in.
ROW_WORDS = {**PERSON_FIELD_WORDS, "pathway": _l("Pathway"), "status": _l("Status"), "stage": _l("Stage"),
             "referred_at": _l("Referred"), "closed_at": _l("Closed"), "outcome": _l("Outcome")}


def _words(value) -> str:
    """Return a value as the Word file says it to the person: dates in words, in the file's language."""
    return date_words(value) if isinstance(value, datetime | date) else text_of(value)


def as_docx(data: dict) -> bytes:
    """Return the file as a readable Word document."""
    doc = Document()
    doc.add_heading(_("The information we hold about you"), 0)
    doc.add_paragraph(_("Reference %(reference)s. Prepared on %(date)s.", reference=data["reference"],
                        date=_words(data["generated_at"])))
    _table(doc, _("About you"), [(str(ROW_WORDS.get(k, k)), _words(v)) for k, v in data["person"].items() if v])
    _table(doc, _("Your case"), [(str(ROW_WORDS.get(k, k)), _words(v)) for k, v in data["case"].items() if v])
    _table(doc, _("Recorded on your case"), [(r["label"], r["text"]) for r in data.get("recorded", ())])
    if data.get("safe_contact"):
        _table(doc, _("How we contact you safely"), [(_("Arrangements"), data["safe_contact"])])
    for form in data["forms"]:
        status = str(FORM_STATUS_WORDS.get(form["status"], form["status"]))
        _table(doc, f"{form['title']} ({status})", [(a["label"], a["text"]) for a in form["answers"]])
    _table(doc, _("Sessions"), [(_words(s["date"]), f"{s['type']}, {s['attendance']}. {s['notes']}".strip())
                             for s in data["sessions"]])
    _table(doc, _("Contacts with you"), [(_words(c["date"]), f"{c['method']}: {c['outcome']}. {c['notes']}".strip())
                                      for c in data["contacts"]])
    _table(doc, _("What happened on your case"), [(_words(h["at"]), f"{h['label']}. {h['comment']}".strip())
                                                for h in data["history"]])
    doc.add_heading(_("Information not included"), 1)
    doc.add_paragraph(_("The law lets us leave out information about other people and information that could put "
                        "someone at risk. We have left out:"))
    for item in data["withheld"] or [{"what": _("nothing"), "why": ""}]:
        doc.add_paragraph(f"{item['what']}" + (f" ({item['why']})" if item["why"] else ""), style="List Bullet")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _table(doc, heading: str, rows: list[tuple[str, str]]) -> None:
    if not rows:
        return
    doc.add_heading(heading, 1)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
