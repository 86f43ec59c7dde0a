"""Every text of the shipped forms and pathways listed here has its Welsh; a pathway's texts and its translations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forms.translations import missing_translations as missing_form_texts
from workflows.definition import load_definition, load_file
from workflows.translations import localise, missing_translations, texts, translation_problems
from workflows.yamlio import read_yaml

ROOT = Path(__file__).resolve().parents[3]
FORMS = ("action_plan", "cdvp_statements", "evaluation_measures", "feedback_sheet", "hra_expectations_goals",
         "hra_relationship_health_check", "hra_risk_needs", "hra_self_control", "hra_storyboarding",
         "hra_why_engaging", "post_intervention_report", "post_programme_report", "quality_of_life",
         "risk_assessment_audit")
PATHWAYS = ("dao_pathway", "probation_cdvp", "community_programme", "partner_support")

TINY = {
    "key": "tiny", "title": "Tiny pathway", "roles": ["manager"], "initial": "open",
    "states": {"open": {"label": "Open", "public_status": "Received"},
               "done": {"label": "Done", "public_status": "Closed", "terminal": True}},
    "transitions": [{"name": "finish", "label": "Finish", "from": "open", "to": "done", "roles": ["manager"],
                     "inputs": [{"name": "how", "kind": "decision", "label": "How did it end?",
                                 "options": [{"value": "well", "label": "Well"}]}],
                     "copy": {"button": "Finish now"}}],
    "translations": {"cy": {"/title": "Llwybr bach", "/states/open/label": "Agored",
                            "/transitions/0/label": "Gorffen", "/transitions/0/inputs/0/options/0/label": "Yn dda"}},
}


@pytest.mark.parametrize("key", FORMS)
def test_every_text_of_the_shipped_form_is_in_welsh(key):
    defn = json.loads((ROOT / "forms" / "definitions" / f"{key}.json").read_text())
    assert missing_form_texts(defn, "cy") == []


@pytest.mark.parametrize("key", PATHWAYS)
def test_every_text_of_the_shipped_pathway_is_in_welsh(key):
    data = read_yaml(ROOT / "workflows" / f"{key}.yaml")
    assert translation_problems(data) == []
    assert missing_translations(data, "cy") == []


def test_a_pathways_texts_are_what_people_read_never_names_or_states():
    found = dict(texts(TINY))
    assert found["/title"] == "Tiny pathway" and found["/states/done/label"] == "Done"
    assert found["/transitions/0/inputs/0/options/0/label"] == "Well" and found["/transitions/0/copy/button"]
    assert not any(p.endswith(("/name", "/value", "/to", "/initial", "/key")) for p in found)
    assert [p for p, _ in missing_translations(TINY, "cy")] == [
        "/states/open/public_status", "/states/done/label", "/states/done/public_status",
        "/transitions/0/inputs/0/label", "/transitions/0/copy/button"]
    assert len(missing_translations(TINY, "fr")) == len(found)


def test_a_definition_in_welsh_shows_the_welsh_and_decides_as_the_english():
    defn = load_definition(TINY)
    welsh = defn.in_language("cy")
    assert welsh.title == "Llwybr bach" and welsh.states["open"].label == "Agored"
    assert welsh.states["done"].label == "Done"  # English where the Welsh is missing
    step = welsh.transitions["finish"]
    assert step.label == "Gorffen" and step.inputs[0].options[0]["label"] == "Yn dda"
    assert step.inputs[0].options[0]["value"] == "well" and step.to == "done"
    assert welsh == defn and welsh.to_dict() == defn.to_dict() and welsh.to_dict()["title"] == "Tiny pathway"
    assert defn.in_language("en") is defn and defn.in_language(None) is defn
    assert localise(TINY, "cy")["states"]["open"]["label"] == "Agored" and TINY["states"]["open"]["label"] == "Open"


@pytest.mark.parametrize("key", PATHWAYS)
def test_a_shipped_pathway_reads_in_welsh(key):
    defn = load_file(ROOT / "workflows" / f"{key}.yaml")
    welsh = defn.in_language("cy")
    assert welsh.title != defn.title
    assert all(welsh.states[s].label != defn.states[s].label for s in defn.states)


def test_lint_names_a_text_a_declared_language_lacks_without_refusing_the_file():
    from workflows.checks import analyse

    problems = analyse(TINY).problems
    assert [(p.path, p.blocking) for p in problems] == [("translations.cy", False)]
    assert "5 text(s) have no translation" in problems[0].message
    assert "/states/open/public_status" in problems[0].message
    assert load_definition(TINY).title == "Tiny pathway"
    assert all(not analyse(read_yaml(ROOT / "workflows" / f"{key}.yaml")).problems for key in PATHWAYS)
