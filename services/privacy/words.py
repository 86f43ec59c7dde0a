"""How the personal-data records' stored choices read, in the reader's language (the English keys are stored)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

IDENTITY_CHECK_WORDS = {"photo_id": _l("Photo identification seen"),
                        "known_in_person": _l("Known to staff and seen in person"),
                        "verified_contact": _l("Confirmed through contact details already held"),
                        "representative": _l("Representative's authority and the person's identity checked")}
PERSON_FIELD_WORDS = {"name": _l("Name"), "date_of_birth": _l("Date of birth"), "address": _l("Address"),
                      "ethnicity": _l("Ethnicity"), "language": _l("Language")}
