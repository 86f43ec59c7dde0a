"""Pathway translations: checked on load (a language code, a pointer to a text), read with English fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from errors import DefinitionError
from workflows import load_definition, load_file
from workflows.intake import referral_form_keys, service_name, shared_with_referrer

ROOT = Path(__file__).resolve().parents[3]


def tiny(translations: dict) -> dict:
    return {
        "key": "tiny", "title": "Tiny", "roles": ["manager"], "initial": "open",
        "states": {"open": {"label": "Open", "public_status": "Received"},
                   "done": {"label": "Done", "public_status": "Closed", "terminal": True}},
        "transitions": [{"name": "finish", "label": "Finish", "from": "open", "to": "done", "roles": ["manager"]}],
        "messages": {"done": {"kind": "info", "subject": "Case {reference} done", "body": "It is done."}},
        "translations": translations,
    }


def test_a_translated_text_is_read_in_its_language_and_english_otherwise():
    defn = load_definition(tiny({"cy": {"/title": "Bach", "/messages/done/subject": "Achos {reference} wedi gorffen"}}))
    assert service_name(defn, "cy") == "Bach" and service_name(defn) == "Tiny" and service_name(defn, "fr") == "Tiny"
    assert defn.text("/messages/done/subject", "cy", "x") == "Achos {reference} wedi gorffen"
    assert defn.text("/messages/done/body", "cy", "It is done.") == "It is done."


@pytest.mark.parametrize(("translations", "message"), [
    ({"cy": {"/messages/done/kind": "gwybodaeth"}}, "not a text people read"),
    ({"cy": {"/states/open/public_status/x": "Ar agor"}}, "points to nothing"),
    ({"cy": {"/initial": "ar_agor"}}, "not a text people read"),
    ({"Welsh": {"/title": "Bach"}}, "language code"),
    ({"en": {"/title": "Tiny"}}, "language code"),
])
def test_a_translation_must_name_a_language_and_point_at_a_text(translations, message):
    with pytest.raises(DefinitionError) as raised:
        load_definition(tiny(translations))
    assert message in " ".join(p.message for p in raised.value.problems)


def test_the_dao_pathway_speaks_welsh_to_the_referrer():
    defn = load_file(ROOT / "workflows" / "dao_pathway.yaml")
    assert service_name(defn, "cy") == "Gwasanaeth y Swyddog Cam-drin Domestig (Diogelu Teuluoedd)"
    for key in referral_form_keys(defn):
        assert defn.text(f"/form_labels/{key}", "cy", "") != ""
    rows = shared_with_referrer(defn, {"next_steps": "Ffoniwch fi", "consultation_offered": "yes"}, "cy")
    assert [(r["label"], r["value"]) for r in rows] == [
        ("Camau nesaf", "Ffoniwch fi"),
        ("Ymgynghoriad achos", "Cynigir ymgynghoriad achos i chi i gael cyngor ac arweiniad")]
    # What happens next is shown while it is ahead, not once the case has moved on.
    later = shared_with_referrer(defn, {"next_steps": "Ffoniwch fi", "consultation_offered": "yes"}, "cy", "accepted")
    assert [r["label"] for r in later] == ["Ymgynghoriad achos"]
    assert len(shared_with_referrer(defn, {"next_steps": "Ffoniwch fi"}, "cy", "consultation")) == 1
    # Every message the pathway sends a referrer has its Welsh.
    sent_to_referrer = {n["template"] for n in _notifies(defn.to_dict()) if "referrer" in _targets(n)}
    assert {"dao_referral_acknowledged", "dao_referral_accepted", "dao_case_closed"} <= sent_to_referrer
    lacking = [t for t in sorted(sent_to_referrer) if defn.text(f"/messages/{t}/subject", "cy", "") == ""]
    assert lacking == []


def _notifies(node) -> list[dict]:
    """Return every notify effect's parameters anywhere in the file."""
    if isinstance(node, dict):
        found = [node["notify"]] if isinstance(node.get("notify"), dict) else []
        return found + [n for value in node.values() for n in _notifies(value)]
    if isinstance(node, list):
        return [n for value in node for n in _notifies(value)]
    return []


def _targets(notify: dict) -> list[str]:
    to = notify.get("to")
    return [to] if isinstance(to, str) else list(to or [])
