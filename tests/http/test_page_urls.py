"""Templates' url_for fills in a pattern built once per endpoint: it gives exactly what Flask's url_for gives."""

from __future__ import annotations

import pytest
from bson import ObjectId
from flask import render_template_string, url_for
from werkzeug.routing import AnyConverter, IntegerConverter

from blueprints.page_urls import page_url

VALUES = [ObjectId("6b10b6d8a8e7cea96fd38be6"), "plain_word-2", "a space/and ü", ""]


def _attempt(build, endpoint, values):
    try:
        return build(endpoint, **values)
    except Exception as exc:  # noqa: BLE001 - the same failure is what is compared
        return type(exc).__name__


def _values(rule, choice) -> dict:
    values = {}
    for name in sorted(rule.arguments):
        converter = rule._converters.get(name)
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0] if choice else "not-one-of-them"
        elif isinstance(converter, IntegerConverter):
            values[name] = 3
        else:
            values[name] = choice
    return values


@pytest.mark.parametrize("root", ["", "/mounted"])
def test_every_endpoint_gets_the_address_url_for_gives(app, root):
    with app.test_request_context("/", base_url=f"https://localhost{root}/"):
        for rule in app.url_map.iter_rules():
            for choice in VALUES:
                for extra in ({}, {"next": "back"}, {"q": choice}, {"_anchor": "top"}):
                    values = {**_values(rule, choice), **extra}
                    for _twice in range(2):  # the first builds the pattern, the second fills it in
                        assert _attempt(page_url, rule.endpoint, values) == _attempt(url_for, rule.endpoint, values), \
                            (rule.endpoint, values)
        assert _attempt(page_url, "no.such_endpoint", {}) == _attempt(url_for, "no.such_endpoint", {})
        assert app.extensions["pathway.url_patterns"] or app.debug  # patterns were made and used


def test_templates_use_it(app):
    case_id = ObjectId()
    with app.test_request_context("/"):
        shown = render_template_string("{{ url_for('cases.action', case_id=case_id, kind='events', name='note') }}",
                                       case_id=case_id)
        assert shown == f"/cases/{case_id}/events/note" == url_for("cases.action", case_id=case_id, kind="events",
                                                                   name="note")
        assert app.jinja_env.globals["url_for"] is page_url
