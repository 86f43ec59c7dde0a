"""The read-only workflow pages and their generated SVG diagrams."""

from __future__ import annotations

import itertools
import shutil
import xml.etree.ElementTree as ET

import pytest

from services.workflow_diagram import NODE_H, NODE_W, diagram_svg
from services.workflow_overview import list_workflow_files
from services.workflow_store import WORKFLOW_DIR
from tests.conftest import sign_in
from workflows import load_directory

SVG = "{http://www.w3.org/2000/svg}"
SHIPPED = load_directory(WORKFLOW_DIR)


@pytest.fixture
def admin(client, make_user):
    user = make_user(roles=["admin"], team="")
    sign_in(client, user)
    return user


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


def test_the_workflow_list_shows_each_file_with_its_versions_and_check(client, admin, synced):
    html = client.get("/admin/workflows").get_data(as_text=True)
    for defn in SHIPPED.values():
        assert defn.title in html and defn.source in html
    assert html.count("Version 1") == len(SHIPPED)
    assert "Not synced" not in html


def test_a_workflow_page_shows_the_diagram_states_forms_roles_and_check(client, admin, synced):
    html = client.get("/admin/workflows/dao_pathway").get_data(as_text=True)
    assert "<svg" in html and "Diagram of the Domestic Abuse Officer pathway" in html
    assert "Every published form tagged <code>dao_assessment</code>" in html
    assert "Acknowledge the referral" in html and "Team manager" in html
    assert "Risk assessment" in html and "6 weeks after allocation" in html
    assert "finds no problem" in html
    svg = client.get("/admin/workflows/dao_pathway/diagram.svg")
    assert svg.mimetype == "image/svg+xml" and 'filename="dao_pathway-v1.svg"' in svg.headers["Content-Disposition"]
    parse_svg(svg.get_data(as_text=True))


def test_unknown_workflows_and_versions_are_not_found(client, admin, synced):
    assert client.get("/admin/workflows/nothing").status_code == 404
    assert client.get("/admin/workflows/dao_pathway?version=9").status_code == 404


def test_a_broken_or_unsynced_file_is_reported_with_the_lint_lines(app, synced, tmp_path):
    for path in WORKFLOW_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "broken.yaml").write_text("key: broken\ntitle: Broken\nroles: [nobody]\ninitial: start\n"
                                          "states: {start: {label: Start, public_status: Received}}\n"
                                          "transitions: []\n")
    text = (tmp_path / "dao_pathway.yaml").read_text().replace("title: Domestic Abuse Officer pathway",
                                                               "title: Domestic Abuse Officer pathway (changed)")
    (tmp_path / "dao_pathway.yaml").write_text(text)
    with app.app_context():
        rows = {row["file"]: row for row in list_workflow_files(tmp_path)}
    assert rows["broken.yaml"]["versions"] == [] and not rows["broken.yaml"]["synced"]
    assert any("unknown role 'nobody'" in line for line in rows["broken.yaml"]["problems"])
    assert rows["dao_pathway.yaml"]["versions"] and not rows["dao_pathway.yaml"]["synced"]
    assert rows["probation_cdvp.yaml"]["synced"] and rows["probation_cdvp.yaml"]["problems"] == []
