"""What pure code says in the reader's language: marked with N_ for `pybabel extract`, read from the catalogue.

The web app's gettext catalogue (translations/<language>/LC_MESSAGES/messages.mo) holds these messages, so they are
translated in the same .po file as the interface; the engines read it with babel, never through the web app.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations

SOURCE_LANGUAGE = "en"
FOLDER = Path(__file__).resolve().parent / "translations"


def N_(message: str) -> str:
    """Mark a message for the catalogue and return it untranslated (it is translated when it is said)."""
    return message


@lru_cache(maxsize=16)
def catalogue(language: str | None) -> NullTranslations:
    """Return the compiled catalogue for a language (no translations for English or a language without one)."""
    if not language or language == SOURCE_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(FOLDER), [language])


def say(language: str | None, marked: str, **values: Any) -> str:
    """Return a marked message in a language, with its values filled in."""
    text = catalogue(language).gettext(marked)
    return text % values if values else text
