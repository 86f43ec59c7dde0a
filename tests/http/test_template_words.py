"""Templates' `_("…")` is read as a filter: it says exactly what the `gettext` global (the call it replaces) says."""

from __future__ import annotations

import pytest
from flask import render_template_string

from services.common.language import in_language

SOURCES = [
    '{{ _("Case details") }}',
    '{{ _("since %(date)s", date="<b>1 May</b>") }}',
    '{{ _("by %(name)s", name=_("Not recorded") ~ "!") ~ "." }}',
    '{{ f(_("Overview"), [1, (2)], {"a": _("%(level)s risk", level=_("High"))}) }}',
    '{{ _("Urgent") | upper }}{{ (_("Standard"),)[0] }}',
    "{{ _('Attended: %(attended)s (late: %(late)s). Acceptable absences: %(acceptable)s. "
    "Unacceptable absences: %(unacceptable)s.', **{'attended': 1, 'late': 2, 'acceptable': 3, 'unacceptable': 4}) }}",
    '{% set words = {"a": _("Open")} %}{{ words.a }}{{ x._("Open") }}',
]


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("source", SOURCES)
def test_a_fixed_text_says_what_gettext_says(app, source, language):
    called = source.replace("_(", "gettext(").replace("x.gettext(", "x._(")
    values = {"f": lambda *args: repr(args), "x": {"_": lambda text: f"[{text}]"}}
    with app.test_request_context("/"), in_language(language):
        said = render_template_string(source, **values)
        assert said == render_template_string(called, **values)
        assert said == render_template_string(source, **values)  # and again, once said


def test_a_variable_text_is_still_a_call(app):
    with app.test_request_context("/"), in_language("cy"):
        assert render_template_string("{{ _(text) }}", text="Open") == "Ar agor"
