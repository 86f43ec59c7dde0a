"""The contact log's methods and outcomes in the reader's language (models.partner's English keys are stored)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

CONTACT_METHOD_TEXT = {
    "phone": _l("Telephone"),
    "in_person": _l("In person"),
    "video": _l("Video call"),
    "text": _l("Text message"),
    "email": _l("Email"),
    "letter": _l("Letter"),
}
CONTACT_OUTCOME_TEXT = {
    "spoke": _l("Spoke with the partner"),
    "no_answer": _l("No answer"),
    "message_left": _l("Safe message left"),
    "not_safe": _l("Not safe to talk"),
    "declined": _l("Declined support"),
    "wrong_details": _l("Contact details not valid"),
}
