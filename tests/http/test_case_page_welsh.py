"""A case page read in Welsh shows the pathway's state, steps and step page in Welsh; what is recorded stays English."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest

from models.case import CaseEvent
from models.deadline import Deadline
from tests.conftest import sign_in

# (pathway, the English state label, a step the manager may take there, its English label, its Welsh label)
CASES = [
    ("dao_pathway", "Referral received", "Atgyfeiriad wedi dod i law", "acknowledge", "Acknowledge the referral",
     "Cydnabod yr atgyfeiriad"),
    ("probation_cdvp", "Referred – case manager to allocate", "Wedi’i atgyfeirio – rheolwr achos i’w neilltuo",
     "allocate_case_manager", "Allocate a case manager", "Neilltuo rheolwr achos"),
]


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(("key", "state_en", "state_cy", "step", "step_en", "step_cy"), CASES)
def test_a_case_page_in_welsh_shows_the_welsh_state_and_step(client, make_user, make_case, key, state_en,
                                                               state_cy, step, step_en, step_cy):
    manager = make_user(roles=["manager", "practitioner"])
    case = make_case(workflow_key=key, actor=manager)
    sign_in(client, manager)
    english = text(client.get(f"/cases/{case.pk}"))
    assert state_en in english and step_en in english
    client.get(f"/language/cy?next=/cases/{case.pk}")
    page = client.get(f"/cases/{case.pk}")
    assert page.status_code == 200
    body = text(page)
    assert state_cy in body and step_cy in body
    assert state_en not in body and f">{step_en}<" not in body
    action = text(client.get(f"/cases/{case.pk}/transitions/{step}"))
    assert step_cy in action
    # The engine's reasons are English sentences: a Welsh form name is not dropped into one.
    assert "Cais am Wasanaeth must be" not in body + action


def test_a_step_taken_in_welsh_is_recorded_in_english(client, make_user, make_case):
    manager = make_user(roles=["manager"])
    case = make_case(workflow_key="dao_pathway", actor=manager)
    sign_in(client, manager)
    client.get("/language/cy?next=/")
    assert "Cymeradwyo’r atgyfeiriad fel un brys" in text(client.get(f"/cases/{case.pk}/events/endorse_urgent"))
    response = client.post(f"/cases/{case.pk}/events/endorse_urgent",
                           data={"reason": "Mae’r plentyn mewn perygl uniongyrchol"})
    assert response.status_code == 302, text(response)[-2000:]
    entry = CaseEvent.objects(case_id=case.pk, name="endorse_urgent").first()
    assert entry.label == "Endorse as urgent"
    history = text(client.get(f"/cases/{case.pk}/history"))
    assert "Cymeradwyo fel achos brys" in history and "Endorse as urgent" not in history
    assert "Y pryder uniongyrchol am risg o niwed i’r plentyn" in history


def test_deadline_names_are_in_welsh_on_the_deadlines_and_case_pages(client, make_user, make_case, now):
    from models.deadline import Deadline
    from services.deadlines.tracking import start_deadline

    worker = make_user(roles=["practitioner"])
    case = make_case(workflow_key="dao_pathway", state="action_plan", allocated_to=worker)
    start_deadline(case, "risk_management_plan", now=now)
    sign_in(client, worker)
    assert "Risk management plan (high or very high risk of harm)" in text(client.get("/deadlines"))
    client.get("/language/cy?next=/")
    welsh = "Cynllun rheoli risg (risg uchel neu uchel iawn o niwed)"
    assert welsh in text(client.get("/deadlines")) and welsh in text(client.get(f"/cases/{case.pk}"))
    assert Deadline.objects.get(case_id=case.pk).label == "Risk management plan (high or very high risk of harm)"


def test_the_open_a_case_page_names_the_pathways_in_welsh(client, make_user, synced):
    manager = make_user(roles=["manager"])
    sign_in(client, manager)
    client.get("/language/cy?next=/")
    page = text(client.get("/cases/new"))
    assert "Rhaglen Trais Domestig yn y Gymuned (y gwasanaeth prawf)" in page
    assert "Agorwch achos pan fydd awdur adroddiad wedi cynnig y rhaglen" in page


def test_deadline_statuses_are_in_the_language_of_each_page(client, make_user, make_case, now):
    manager = make_user(roles=["manager", "practitioner"])
    case = make_case(workflow_key="dao_pathway", actor=manager)
    Deadline(case_id=case.pk, case_reference=case.reference, team=case.team, workflow_key=case.workflow_key,
             workflow_version=case.workflow_version, key="acknowledge", label="Acknowledge",
             started_at=now, due_at=now + timedelta(days=5)).save()
    sign_in(client, manager)
    # English first: the deadlines' file is imported then, and its words must not stay English for the next page.
    assert 'govuk-tag--blue">Open</strong>' in text(client.get(f"/cases/{case.pk}"))
    client.get(f"/language/cy?next=/cases/{case.pk}")
    body = text(client.get(f"/cases/{case.pk}"))
    assert 'govuk-tag--blue">Ar agor</strong>' in body and 'govuk-tag--blue">Open</strong>' not in body


def test_the_forms_of_a_stage_are_named_in_welsh(client, make_user, make_case):
    practitioner = make_user(roles=["practitioner"])
    case = make_case(workflow_key="probation_cdvp", state="pre_programme", allocated_to=practitioner)
    sign_in(client, practitioner)
    assert "Quality of Life interview" in text(client.get(f"/cases/{case.pk}"))
    client.get(f"/language/cy?next=/cases/{case.pk}")
    body = text(client.get(f"/cases/{case.pk}"))
    assert "Cyfweliad Ansawdd Bywyd" in body and "Mesurau gwerthuso" in body
    assert "Quality of Life interview" not in body and "Evaluation measures" not in body


def test_the_case_list_s_stages_and_next_deadlines_are_in_welsh(client, make_user, make_case):
    manager = make_user(roles=["manager"])
    make_case(workflow_key="community_programme", actor=manager)
    sign_in(client, manager)
    client.get("/language/cy?next=/cases")
    body = text(client.get("/cases?scope=team"))
    assert "Atgyfeiriad wedi dod i law" in body and "Cysylltiad cyntaf â’r partner" in body
    assert "Referral received" not in body and "First contact with the partner" not in body
