"""Say a bank holiday's or closure's name in the reader's language (the `holidays` library speaks no Welsh)."""

from __future__ import annotations

from wording import N_, say

OBSERVED = " (observed)"
# The names the `holidays` library gives England and Wales' bank holidays, marked so the catalogue translates them;
# a name not here (a one-off holiday, another region's) is shown as the library gives it.
NAMES = (
    N_("New Year's Day"), N_("Good Friday"), N_("Easter Monday"), N_("May Day"), N_("Spring Bank Holiday"),
    N_("Late Summer Bank Holiday"), N_("Christmas Day"), N_("Boxing Day"), N_("Service closure"),
)


def holiday_text(name: str | None, language: str | None) -> str | None:
    """Return a holiday or closure name in a language (None stays None)."""
    if not name:
        return name
    if name.endswith(OBSERVED):
        return say(language, N_("%(holiday)s (substitute day)"), holiday=say(language, name[: -len(OBSERVED)]))
    return say(language, name)
