"""History entries said in another language: pathway steps and deadlines from the pathway file's translations."""

from __future__ import annotations

from pathlib import Path

from models.case import CaseEvent
from services.cases.history_text import history_title
from workflows.definition import load_definition
from workflows.yamlio import read_yaml

PATHWAY = Path(__file__).resolve().parents[3] / "workflows" / "community_programme.yaml"


def welsh_pathway():
    data = read_yaml(PATHWAY)
    first = data["transitions"][0]
    data.setdefault("translations", {}).setdefault("cy", {})[
        "/transitions/0/label"] = "Trefnu’r apwyntiad asesu"
    return load_definition(data), first


def test_a_step_entry_is_said_with_the_pathways_translation():
    defn, first = welsh_pathway()
    entry = CaseEvent(kind="transition", name=first["name"], label=first["label"])
    assert history_title(entry, defn, "cy") == "Trefnu’r apwyntiad asesu"
    assert history_title(entry, defn, "en") == first["label"]


def test_an_entry_whose_label_is_not_the_steps_keeps_it():
    defn, first = welsh_pathway()
    entry = CaseEvent(kind="transition", name=first["name"], label="Something else")
    assert history_title(entry, defn, "cy") == "Something else"


def test_an_old_entry_without_a_message_keeps_its_label():
    defn, _first = welsh_pathway()
    entry = CaseEvent(kind="note", name="old", label="Written long ago")
    assert history_title(entry, defn, "cy") == "Written long ago"
