"""What pure code says in the reader's language: marked with N_ for `pybabel extract`, read from the catalogue.

The web app's gettext catalogue (translations/<language>/LC_MESSAGES/messages.mo) holds these messages, so they are
translated in the same .po file as the interface; the engines read it with babel, never through the web app.
"""

from __future__ import annotations

import re
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


_NUMBERING = re.compile(r"^\s*(\(?[0-9]{1,2}[a-z]?[.)]|\([a-z]\))\s+")
# Openings that need no "the" before them: articles and possessives, and "whether" (an error_label such as
# "whether consent is given to contact the GP" makes "Select whether consent is given to contact the GP").
_ARTICLES = ("the ", "a ", "an ", "your ", "their ", "his ", "her ", "any ", "this ", "these ", "whether ")
# A label that is itself an instruction ("Describe the assaults") or a question without its mark ("What happened")
# reads wrongly bent into a sentence: "Enter the describe…", "Enter the what happened".
_QUOTED_OPENINGS = (
    "describe", "give", "list", "tell", "explain", "write", "record", "state", "enter", "select", "tick", "choose",
    "provide", "outline", "note", "detail", "summarise", "summarize", "include", "add", "say", "indicate", "specify",
    "identify", "confirm", "rate", "please", "what", "why", "who", "whom", "whose", "when", "where", "which", "how",
    "whether")
_LONGEST_QUOTED = 100  # characters of a label quoted in a message; a longer one is cut short


def _text(label: str) -> str:
    """Return the label without its question number or trailing colon."""
    return _NUMBERING.sub("", label.strip()).rstrip(":").strip() or label.strip()


def _is_acronym(word: str) -> bool:
    return sum(ch.isupper() for ch in word) >= 2


@lru_cache(maxsize=4096)  # labels repeat on every validation of their form
def _lower(text: str) -> str:
    """Return the label as it reads mid-sentence: 'Date of birth' → 'date of birth', 'DA Officer' kept."""
    words = text.split(" ")
    long_words = [w for w in words if len(w) > 3 and w[:1].isalpha()]
    title_case = len(words) > 1 and bool(long_words) and all(w[:1].isupper() for w in long_words)
    out = []
    for index, word in enumerate(words):
        if not _is_acronym(word) and (index == 0 or title_case):
            word = word[:1].lower() + word[1:]
        out.append(word)
    return " ".join(out)


class LabelPhrases:
    """The ways a field's label appears inside a message, in the reader's language.

    English bends the label into the sentence ("Enter the date of birth"); other languages quote it whole
    ("Rhowch ateb ar gyfer “Dyddiad geni”"), or use the `error_label` given as written, because a label pulled into
    a Welsh sentence would need mutations and elisions no rule here can make.
    """

    def __init__(self, label: str, error_label: str | None = None, language: str | None = SOURCE_LANGUAGE):
        text = error_label or _text(label)
        self.language = language or SOURCE_LANGUAGE
        self.custom = bool(error_label)
        shown = text if len(text) <= _LONGEST_QUOTED else text[:_LONGEST_QUOTED - 1].rstrip() + "…"
        self.quoted = f"“{shown}”"
        if self.language != SOURCE_LANGUAGE:
            self.question = not error_label
            self.noun = self.obj = self.subject = self._the = text if error_label else self.quoted
            return
        # Questions and instructions ("Please tick ...", "Describe ...") are quoted whole rather than bent into a
        # sentence, and so is a label too long to read inside one.
        first = text.split(maxsplit=1)[0].lower().rstrip(",:") if text.split() else ""
        self.question = not error_label and (text.endswith("?") or len(text.split()) > 10
                                             or first in _QUOTED_OPENINGS or len(text) > _LONGEST_QUOTED)
        self.noun = text if error_label else _lower(text)
        self.obj = self.quoted if self.question else text
        self.subject = f"The answer to {self.quoted}" if self.question else text[:1].upper() + text[1:]
        self._the = self.noun if self.noun.lower().startswith(_ARTICLES) else f"the {self.noun}"

    def the(self) -> str:
        """Return the noun with an article: 'the date of birth'."""
        return self._the

    def named(self) -> str:
        """Return the label as a noun inside a sentence: 'the signature', or a question quoted whole."""
        return self.obj if self.question else self._the

    def say(self, marked: str, **values: Any) -> str:
        """Return a marked message in this field's language, with its values filled in."""
        return say(self.language, marked, **values)

    def enter(self) -> str:
        """Return the message asking for a typed answer: 'Enter the date of birth'."""
        if self.question:
            return self.say(N_("Enter an answer to %(question)s"), question=self.quoted)
        return self.say(N_("Enter %(the)s"), the=self.the())

    def select(self) -> str:
        """Return the message asking for one of a list: 'Select the practitioner'."""
        if self.question:
            return self.say(N_("Select an answer to %(question)s"), question=self.quoted)
        return self.say(N_("Select %(the)s"), the=self.the())


# One whole message per set of date parts left out, so that each reads right in every language.
DATE_GAPS = {
    ("day",): N_("%(subject)s must include a day"),
    ("month",): N_("%(subject)s must include a month"),
    ("year",): N_("%(subject)s must include a year"),
    ("day", "month"): N_("%(subject)s must include a day and a month"),
    ("day", "year"): N_("%(subject)s must include a day and a year"),
    ("month", "year"): N_("%(subject)s must include a month and a year"),
}


def date_problem(words: LabelPhrases, typed: object) -> str:
    """Return the message for a date typed in three parts ("year-month-day" as kept) that is not a real date."""
    parts = typed.rsplit("-", 2) if isinstance(typed, str) else []
    if len(parts) == 3:
        year, month, day = parts
        gaps = tuple(name for name, text in (("day", day), ("month", month), ("year", year)) if not text)
        if gaps in DATE_GAPS:
            return words.say(DATE_GAPS[gaps], subject=words.subject)
        if year.isdigit() and len(year) != 4:  # "26" for 2026: the year is the part to correct
            return words.say(N_("%(subject)s must include a year of 4 numbers, like 2026"), subject=words.subject)
    return words.say(N_("%(subject)s must be a real date"), subject=words.subject)
