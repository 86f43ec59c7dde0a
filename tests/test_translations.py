"""The gettext catalogue: extracted here as `pybabel extract` does; a stale template or a missing Welsh string fails.

Also: the templates converted so far show no text that is not marked for translation. CONVERTED lists them; add a
template when its strings are marked (see "Translations" in DEVELOPERS.md).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "translations" / "messages.pot"
LANGUAGES = ("cy",)
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}
UPDATE = ("run: pybabel extract -F babel.cfg -k _l -o translations/messages.pot . && "
          "pybabel update -i translations/messages.pot -d translations (see DEVELOPERS.md)")

# Templates whose every user-facing text is marked. Extend as the rest of the interface is converted.
CONVERTED = [
    "base.html", "macros/errors.html", "macros/pagination.html", "errors/error.html", "errors/unavailable.html",
    "auth/change_password.html", "auth/mfa_codes.html", "auth/mfa_setup.html", "auth/mfa_verify.html",
    "auth/sign_in.html", "referrals/_summary.html", "referrals/check.html", "referrals/information.html",
    "referrals/my_referrals.html", "referrals/sent.html", "referrals/start.html", "referrals/status.html",
    "referrals/task_list.html", "submissions/_macros.html", "submissions/check.html", "submissions/list.html",
    "submissions/page.html", "submissions/start.html", "submissions/task_list.html", "submissions/view.html",
    "forms/_fields.html", "forms/_grid.html", "forms/_parts.html",
] + sorted(f"forms/widgets/{p.name}" for p in (ROOT / "templates" / "forms" / "widgets").glob("*.html")) + sorted(
    f"{folder}/{p.name}" for folder in ("cases", "partner", "deadlines", "oversight", "home", "admin")
    for p in (ROOT / "templates" / folder).glob("*.html"))


def extract_messages() -> dict:
    """Return {msgid: (plural or None)} for every string marked in the files babel.cfg names."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    found: dict = {}
    for pattern, method in method_map:
        for path in sorted(ROOT.glob(pattern.replace("**", "**/*"))):
            for _line, message, _comments, _context in extract_from_file(
                    method, str(path), keywords=KEYWORDS, options=options_map.get(pattern, {})):
                key = message[0] if isinstance(message, (tuple, list)) else message
                if key:
                    found[key] = message[1] if isinstance(message, (tuple, list)) else None
    return found


@pytest.fixture(scope="module")
def extracted():
    return extract_messages()


def _read(path: Path, locale=None):
    with open(path, "rb") as handle:
        return read_po(handle, locale=locale)


def test_the_catalogue_template_is_up_to_date(extracted):
    template = {m.id[0] if isinstance(m.id, tuple) else m.id for m in _read(POT) if m.id}
    assert extracted, "no marked strings were found: is babel.cfg right?"
    new, gone = sorted(set(extracted) - template), sorted(template - set(extracted))
    assert not new and not gone, f"translations/messages.pot is stale; {UPDATE}\nnew: {new[:10]}\ngone: {gone[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_translated(extracted, language):
    catalogue = _read(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", locale=language)
    lacking = []
    for msgid in extracted:
        entry = catalogue.get(msgid) or next((m for m in catalogue if isinstance(m.id, tuple) and m.id[0] == msgid),
                                             None)
        strings = entry.string if entry is not None else ""
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            lacking.append(msgid)
    assert not lacking, f"{len(lacking)} strings lack a {language} translation (or are fuzzy): {lacking[:10]}"
    # Placeholders must match the English ones, or the page would fail (or show the wrong value).
    errors = [(message.id, [str(e) for e in problems]) for message, problems in catalogue.check()]
    assert not errors, errors


class _TextNodes(HTMLParser):
    """Collect the visible text and the readable attributes of a template with its Jinja parts removed."""

    ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")
        self.found += [f"{name}={value!r}" for name, value in attrs
                       if name in self.ATTRIBUTES and value and _words(value)]

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip and _words(data):
            self.found.append(" ".join(data.split()))


def _words(text: str) -> bool:
    """Tell whether a piece of text reads as words (not the product's name, a CSS class, an id or an attribute)."""
    text = text.strip()
    if re.match(r'[a-z-]+="', text):  # a macro writing attributes for the tag it is called in
        return False
    return bool(re.search(r"[A-Za-z]", re.sub(r"\bPathway\b", "", text))) \
        and not re.fullmatch(r"[a-z0-9]+(?:[_-]+[a-z0-9]+)+", text)


def unmarked_text(source: str) -> list[str]:
    """Return the text of a template that is outside every {{ }}, {% %} and {# #}: text no one can translate."""
    parser = _TextNodes()
    parser.feed(re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", source, flags=re.S))
    return parser.found


@pytest.mark.parametrize("name", CONVERTED)
def test_converted_templates_mark_every_text(name):
    source = (ROOT / "templates" / name).read_text(encoding="utf-8")
    assert unmarked_text(source) == [], f"templates/{name} has text not marked for translation"
    # Dates go through the locale-aware filters (format_date, format_datetime), never strftime's English months.
    assert "strftime" not in source, f"templates/{name} formats a date in English only"


def test_the_scan_finds_unmarked_text():
    assert unmarked_text('<p class="govuk-body">Hello {{ name }}</p>') == ["Hello"]
    assert unmarked_text('<nav aria-label="Menu"></nav>') == ["aria-label='Menu'"]
    assert unmarked_text('<p>{{ _("Hello") }}</p><div class="{% if x %} govuk-x--y{% endif %}"></div>') == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_is_the_translated_one(language):
    folder = ROOT / "translations" / language / "LC_MESSAGES"
    compiled = folder / "messages.mo"
    assert compiled.exists(), "the catalogue is not compiled: run scripts/setup.sh (or pybabel compile -d translations)"
    with open(compiled, "rb") as handle:
        built = {_plain(m.id): _plain(m.string) for m in read_mo(handle) if m.id}
    written = {_plain(m.id): _plain(m.string) for m in _read(folder / "messages.po", locale=language)
               if m.id and not m.fuzzy}
    assert built == written, "messages.mo is older than messages.po: run pybabel compile -d translations"


def _plain(value):
    """Return a message id or string comparably (a plural is a list in a .mo file, a tuple in a .po file)."""
    return tuple(value) if isinstance(value, (list, tuple)) else value
