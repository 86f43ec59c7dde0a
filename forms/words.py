"""The few words the form engine writes itself (Yes/No, signatures, dates, "Not answered"), per language.

The form's own texts are translated in its definition (forms.translations); these belong to the engine, which
stays free of the web app's catalogue. A language not listed here uses English.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "yes": "Yes", "no": "No", "not_answered": "Not answered",
        "full_name": "Full name", "date": "Date", "confirmed": "I confirm this is signed by the person named above",
        "signed_by_on": "Signed by {name} on {when}", "signed_by": "Signed by {name}",
        "not_signed_details": "Not signed ({details})", "not_signed": "Not signed",
        "one_entry": "1 entry", "entries": "{count} entries",
    },
    "cy": {
        "yes": "Ie", "no": "Na", "not_answered": "Heb ei ateb",
        "full_name": "Enw llawn", "date": "Dyddiad",
        "confirmed": "Rwy’n cadarnhau mai’r unigolyn a enwir uchod sydd wedi llofnodi hwn",
        "signed_by_on": "Wedi’i lofnodi gan {name} ar {when}", "signed_by": "Wedi’i lofnodi gan {name}",
        "not_signed_details": "Heb ei lofnodi ({details})", "not_signed": "Heb ei lofnodi",
        "one_entry": "1 cofnod", "entries": "{count} cofnod",
    },
}
MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "cy": ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst", "Medi", "Hydref",
           "Tachwedd", "Rhagfyr"),
}


def in_language(widget: str, options: tuple, language: str | None) -> tuple:
    """Return a field's options with the engine's own labels (a yes/no's Yes and No) in a language."""
    if widget != "yesno" or (language or "en") == "en":
        return options
    said = words(language)
    return tuple(o._replace(label=said["yes"] if o.value is True else said["no"]) if isinstance(o.value, bool) else o
                 for o in options)


def words(language: str | None) -> Mapping[str, str]:
    """Return the engine's words in a language (English when the language has none)."""
    return WORDS.get(language or "en", WORDS["en"])


def long_date(day: date, language: str | None = "en") -> str:
    """Return a date as people write it: 12 March 2026, 12 Mawrth 2026."""
    months = MONTHS.get(language or "en", MONTHS["en"])
    return f"{day.day} {months[day.month - 1]} {day.year}"


def signature(value: Mapping, language: str | None) -> str:
    """Return a signature as a sentence in a language: Signed by A Person on 1 May 2026."""
    said = words(language)
    name = value.get("full_name")
    try:
        signed = date.fromisoformat(value.get("date") or "")
    except (TypeError, ValueError):
        signed = None
    when = long_date(signed, language) if signed else value.get("date")
    if value.get("confirmed") is True and name:
        return said["signed_by_on"].format(name=name, when=when) if when else said["signed_by"].format(name=name)
    details = ", ".join(str(x) for x in (name, when) if x)
    return said["not_signed_details"].format(details=details) if details else said["not_signed"]
