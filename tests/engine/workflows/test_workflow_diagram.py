"""The generated SVG diagrams of the shipped pathways: valid SVG, every state and transition, no overlaps."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from workflows import load_directory
from workflows.diagram import NODE_H, NODE_W, diagram_svg

SVG = "{http://www.w3.org/2000/svg}"
SHIPPED = load_directory(Path(__file__).resolve().parents[3] / "workflows")


def parse_svg(text: str):
    """Parse SVG that Pathway itself generated (trusted, so the standard parser is fine)."""
    return ET.fromstring(text)  # noqa: S314


def _state_boxes(root) -> dict[str, tuple[float, float]]:
    boxes = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "wf-state":
            rect = group.find(f"{SVG}rect")
            boxes[group.get("data-state")] = (float(rect.get("x")), float(rect.get("y")))
    return boxes


@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_the_diagram_is_valid_svg_showing_every_state_and_transition(key):
    defn = SHIPPED[key]
    root = parse_svg(diagram_svg(defn))
    assert root.get("role") == "img" and root.find(f"{SVG}title").text.endswith(defn.title)
    boxes = _state_boxes(root)
    assert set(boxes) == set(defn.states)
    text = " ".join(" ".join(root.itertext()).split())
    for state in defn.states.values():
        assert state.label in text
    drawn = [p for p in root.iter(f"{SVG}path") if p.get("class") == "wf-transition"]
    anywhere = [t for t in defn.transitions.values() if len(t.sources) > 1 and set(t.sources) == {
        n for n, s in defn.states.items() if not s.terminal}]
    assert len(drawn) == len({(s, t.to) for t in defn.transitions.values() if t not in anywhere and t.to
                              for s in t.sources})
    for step in anywhere:
        assert step.label in text


@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_no_two_states_overlap_in_the_diagram(key):
    boxes = _state_boxes(parse_svg(diagram_svg(SHIPPED[key])))
    for (a, (ax, ay)), (b, (bx, by)) in itertools.combinations(boxes.items(), 2):
        assert abs(ax - bx) >= NODE_W or abs(ay - by) >= NODE_H, (a, b)


@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_the_diagram_speaks_the_readers_language(key):
    welsh = SHIPPED[key].in_language("cy")
    root = parse_svg(diagram_svg(welsh, "cy"))
    assert root.get("lang") == "cy" and root.find(f"{SVG}title").text.startswith("Diagram o’r llwybr")
    words = " ".join(root.itertext())
    assert "Dechrau" in words and welsh.states[welsh.initial].label in words
    assert parse_svg(diagram_svg(SHIPPED[key])).get("lang") == "en"


def test_guards_and_effects_are_whole_sentences_in_a_language():
    from services.pathways.rule_text import effect_text, guard_text

    assert guard_text("within_capacity", "en") == "Only if there is room on the team."
    assert guard_text("within_capacity", "cy") == "Dim ond os oes lle gan y tîm."
    assert guard_text({"form_submitted": "intake"}, "cy", {"intake": "Derbyn"}.get) == (
        "Dim ond os yw’r ffurflen “Derbyn” wedi’i chyflwyno.")
    assert effect_text({"start_deadline": "review"}, "en", {"review": "Review"}.get) == (
        "Then the deadline “Review” starts.")
    assert effect_text("pause_deadlines", "cy") == "Yna caiff terfynau amser yr achos eu rhewi."


def test_a_guard_s_settings_are_said_in_words_not_as_stored():
    from services.pathways.rule_text import guard_text

    assert guard_text({"sessions_attended_at_least": {"count": 14, "include_catch_ups": True}}, "en") == (
        "Only if at least 14 sessions have been attended, catch-up sessions included.")
    assert guard_text({"sessions_attended_at_least": {"count": 30, "types": ["group"]}}, "en") == (
        "Only if at least 30 sessions of these types have been attended: group.")
    assert guard_text({"case_field_equals": {"field": "intervention", "value": "one_to_one", "reason": "…"}},
                      "en") == "Only if the case’s “intervention” is “one to one”."
    assert guard_text({"case_field_equals": {"field": "referral_information_sent", "value": True}}, "en") == (
        "Only if the case’s “referral information sent” is “Yes”.")
    assert guard_text({"case_field_equals": {"field": "referral_information_sent", "value": False}}, "cy") == (
        "Dim ond os yw “referral information sent” yr achos yn “Na”.")
    assert guard_text({"suspended": False}, "en") == "Only if the case is not suspended."
    assert guard_text({"suspended": True}, "en") == "Only if the case is suspended."
    assert guard_text({"suspended": False}, "cy") == "Dim ond os nad yw’r achos wedi’i atal."
    assert guard_text({"suspended": True}, "cy") == "Dim ond os yw’r achos wedi’i atal."
    assert guard_text({"endorsed_by": {"what": "urgent", "count": 2}}, "en") == (
        "Only if at least 2 people have endorsed it as “urgent”.")
    assert guard_text({"not": {"actor_endorsed": "urgent"}}, "en") == (
        "Only if this does not hold: Only if the person has endorsed it as “urgent”.")
    assert guard_text({"endorsed_by": {"what": "urgent", "count": 2}}, "cy") == (
        "Dim ond os yw o leiaf 2 o bobl wedi’i gymeradwyo fel “urgent”.")
    assert "include catch ups" not in guard_text({"any_of": [{"sessions_attended_at_least": {
        "count": 14, "include_catch_ups": True}}]}, "en")


def test_an_effect_s_settings_are_said_in_words_not_as_stored():
    from services.pathways.rule_text import effect_text

    labels = {"review": "Review due"}.get
    said = {
        "stop_deadline": ({"key": "*", "status": "cancelled"}, "Then every running deadline is cancelled.",
                          "Yna caiff pob terfyn amser sy’n rhedeg ei ganslo."),
        "assign": ({"to": "input:assignee"}, "Then the case is assigned to the person chosen.",
                   "Yna caiff yr achos ei neilltuo i’r person a ddewiswyd."),
        "record_outcome": ({"input": "outcome"}, "Then the outcome chosen is recorded.",
                           "Yna caiff y canlyniad a ddewiswyd ei gofnodi."),
        "endorse": ("urgent", "Then the person’s endorsement of it as “urgent” is recorded.",
                    "Yna caiff cymeradwyaeth y person ohono fel “urgent” ei chofnodi."),
        "set_field": ({"field": "disagreement_open", "value": False},
                      "Then the case’s “disagreement open” is set to “No”.",
                      "Yna caiff “disagreement open” yr achos ei osod i “Na”."),
    }
    for name, (params, english, welsh) in said.items():
        assert effect_text({name: params}, "en") == english
        assert effect_text({name: params}, "cy") == welsh
    assert effect_text({"stop_deadline": {"key": "review", "status": "met"}}, "en", labels) == (
        "Then the deadline “Review due” is met.")
    assert effect_text({"record_outcome": {"value": "dropped_out"}}, "en") == (
        "Then the outcome “dropped out” is recorded.")
    assert effect_text({"set_field": {"field": "last_incident_date", "input": "incident_date"}}, "en") == (
        "Then the case’s “last incident date” is set to the answer to “incident date”.")
    # `*` cancels every running deadline whatever the status named (services.cases.effects).
    assert effect_text({"stop_deadline": {"key": "*", "status": "met"}}, "en") == (
        "Then every running deadline is cancelled.")
    assert effect_text({"stop_deadline": {"key": "review", "status": "paused"}}, "en") == (
        "Then a deadline stops: key review, status paused.")  # a status without words of its own: as stored
    subjects = {"dao_urgent_priority": "Referral {reference} prioritised as urgent"}.get
    assert effect_text({"notify": {"to": ["allocated", "manager", "referrer"], "template": "dao_urgent_priority"}},
                       "en", subject=subjects) == (
        "Then a message is sent to: the allocated worker, the team’s managers, the referrer (“Referral … "
        "prioritised as urgent”).")
    assert effect_text({"notify": {"to": "partner_worker", "template": "x"}}, "cy", subject={"x": "Cyswllt"}.get) == (
        "Yna caiff neges ei hanfon at: y gweithiwr cymorth i bartneriaid (“Cyswllt”).")
    assert effect_text({"notify": {"to": ["practitioner"], "template": "x"}}, "en", subject={"x": "Note"}.get) == (
        "Then a message is sent to: the team’s members with the role “practitioner” (“Note”).")

