"""The read-only workflow pages (the diagrams themselves: tests/engine/workflows/test_workflow_diagram.py)."""

from __future__ import annotations

import shutil

import pytest

from services.pathways.overview import list_workflow_files
from services.pathways.store import WORKFLOW_DIR
from tests.conftest import sign_in
from tests.engine.workflows.test_workflow_diagram import SHIPPED, parse_svg


@pytest.fixture
def admin(client, make_user):
    user = make_user(roles=["admin"], team="")
    sign_in(client, user)
    return user


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


def test_a_welsh_admin_reads_the_workflow_page_and_diagram_in_welsh(client, admin, synced):
    from models.form import FormDefinition
    from models.user import User
    from services.pathways.store import definition_version

    User.objects(pk=admin.pk).update_one(set__language="cy")
    english = definition_version("dao_pathway", 1)
    welsh = english.in_language("cy")
    state = next(name for name, s in english.states.items() if s.label != welsh.states[name].label)
    tag = next(t for s in english.states.values() for t in s.form_tags)
    FormDefinition(key="tagged_form", version=1, status="published", title="Tagged form", tags=[tag],
                   definition={"title": "Tagged form", "translations": {"cy": {"/title": "Ffurflen â thag"}}}).save()
    html = client.get("/admin/workflows/dao_pathway").get_data(as_text=True)
    svg = client.get("/admin/workflows/dao_pathway/diagram.svg").get_data(as_text=True)
    assert welsh.states[state].label in html and welsh.states[state].label in svg
    assert 'lang="cy"' in svg and "Diagram o’r llwybr" in svg and 'lang="cy"' in html
    assert "Dim ond os oes lle gan y tîm." in html and "Yna mae’r achos yn gadael y rhestr aros." in html
    assert "Only if" not in html and "Ffurflen â thag" in html
    listing = client.get("/admin/workflows").get_data(as_text=True)
    assert english.in_language("cy").title in listing and english.title not in listing


def test_the_workflow_page_names_each_message_by_its_subject_in_the_reader_s_language(client, admin, synced):
    from models.user import User

    html = client.get("/admin/workflows/dao_pathway").get_data(as_text=True)
    assert "Then a message is sent to: the referrer (“Referral … is on the waiting list”)." in html
    assert "template dao" not in html and "{reference}" not in html
    User.objects(pk=admin.pk).update_one(set__language="cy")
    welsh = client.get("/admin/workflows/dao_pathway").get_data(as_text=True)
    assert "Yna caiff neges ei hanfon at: yr atgyfeiriwr (“Atgyfeiriad … ar y rhestr aros”)." in welsh
    assert "{reference}" not in welsh
