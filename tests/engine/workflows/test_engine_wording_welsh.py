"""The engines say their own wording in the reader's language: Welsh from the catalogue, English unchanged."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from errors import InvalidInput, NotAllowed
from forms import widgets
from models.user import ROLE_LABELS
from scheduler.calendar import format_date
from scheduler.timescales import basis_text, counted_from
from wording import say
from workflows import available, fire, load_definition, load_file
from workflows.guards import GuardContext, evaluate
from workflows.inputs import InputSpec, clean_inputs
from workflows.text import or_list, role_phrase

LABELS = {"sara": "the SARA"}
WELSH_LABELS = {"sara": "y SARA"}


def verdict(item, case, language, actor=None):
    labels = LABELS if language == "en" else WELSH_LABELS
    return evaluate(item, GuardContext(case=case, actor=actor or {}, form_labels=labels, language=language))


@pytest.mark.parametrize(("item", "case", "actor", "english", "welsh"), [
    ({"form_submitted": "sara"}, {}, {}, "The SARA has not been submitted", "Ni chyflwynwyd y SARA eto"),
    ({"form_countersigned": "sara"}, {}, {}, "The SARA has not been countersigned", "Ni wrthlofnodwyd y SARA eto"),
    ({"has_role": "manager"}, {}, {"roles": ["practitioner"]}, "This needs a team manager",
     "Mae angen rheolwr tîm ar gyfer hyn"),
    ("is_allocated_practitioner", {"allocated_to": "u1"}, {"id": "u2"}, "Only the allocated practitioner can do this",
     "Dim ond yr ymarferydd sydd wedi’i neilltuo all wneud hyn"),
    ("within_capacity", {}, {}, "Every practitioner is at full capacity",
     "Mae llwyth achosion pob ymarferydd yn llawn"),
    ({"risk_level_in": ["high", "very_high"]}, {"risk_level": "low"}, {},
     "The risk level is low, not high or very high", "Y lefel risg yw isel, nid uchel neu uchel iawn"),
    ({"suspended": False}, {"suspended": True}, {}, "The case is suspended", "Mae’r achos wedi’i atal"),
    ({"sessions_attended_at_least": 3}, {"sessions": {"attended": 1}}, {},
     "1 of the 3 sessions needed have been attended", "Mynychwyd 1 o’r 3 sesiwn sydd eu hangen"),
    ({"all_of": [{"form_submitted": "sara"}, "within_capacity"]}, {}, {},
     "The SARA has not been submitted, and every practitioner is at full capacity",
     "Ni chyflwynwyd y SARA eto, a hefyd mae llwyth achosion pob ymarferydd yn llawn"),
])
def test_a_guard_gives_its_reason_in_the_language(item, case, actor, english, welsh):
    assert verdict(item, case, "en", actor).fail == english
    assert verdict(item, case, "cy", actor).fail == welsh


ANCHOR = datetime(2026, 5, 3, 9, 30)


@pytest.mark.parametrize(("english", "welsh", "make"), [
    ("2 working days before the team's group supervision on 3 May 2026",
     "2 diwrnod gwaith cyn goruchwyliaeth grŵp y tîm ar 3 Mai 2026",
     lambda lang: basis_text({"working_days": -2}, "the team's group supervision", ANCHOR, lang)),
    ("1 month after the request was received on 3 May 2026", "1 mis ar ôl cael y cais ar 3 Mai 2026",
     lambda lang: basis_text({"months": 1}, "the request was received", ANCHOR, lang)),
    ("6 weeks after allocation", "6 wythnos ar ôl allocation",  # a label the catalogue lacks stays as given
     lambda lang: basis_text({"weeks": 6}, "allocation", language=lang)),
    ("6 weeks after allocation, counted from 3 May 2026", "6 weeks after allocation, gan gyfrif o 3 Mai 2026",
     lambda lang: counted_from("6 weeks after allocation", ANCHOR, lang)),
])
def test_a_deadline_basis_is_said_in_the_language(english, welsh, make):
    assert make("en") == english
    assert make("cy") == welsh


def test_dates_have_welsh_month_names():
    assert format_date(date(2026, 12, 2)) == "2 December 2026"
    assert format_date(date(2026, 12, 2), "cy") == "2 Rhagfyr 2026"


@pytest.mark.parametrize(("role", "label", "phrase"), [
    ("manager", "Rheolwr tîm", "rheolwr tîm"),
    ("practitioner", "Ymarferydd", "ymarferydd"),
    ("partner_worker", "Gweithiwr cymorth i bartneriaid", "gweithiwr cymorth i bartneriaid"),
    ("admin", "Gweinyddwr", "gweinyddwr"),
])
def test_roles_are_named_in_welsh(role, label, phrase):
    assert say("cy", ROLE_LABELS[role]) == label
    assert role_phrase(role, "cy") == phrase
    assert role_phrase(role) == role_phrase(role, "en")


def test_lists_join_with_the_language_s_or():
    assert or_list(["a", "b", "c"]) == "a, b or c"
    assert or_list(["a", "b", "c"], "cy") == "a, b neu c"


@pytest.mark.parametrize(("name", "english", "welsh"), [
    ("text", "Short text", "Testun byr"),
    ("yesno", "Yes or no", "Ie neu na"),
    ("repeater", "Repeating group (rows of questions)", "Grŵp sy’n ailadrodd (rhesi o gwestiynau)"),
])
def test_field_types_are_named_in_welsh(name, english, welsh):
    assert widgets.get(name).label == english
    assert say("cy", widgets.get(name).label) == welsh


def test_every_field_type_has_welsh_words():
    for name in widgets.names():
        kind = widgets.get(name)
        for text in (kind.label, kind.hint):
            assert say("cy", text) != text, f"{name}: “{text}” has no Welsh"


@pytest.mark.parametrize(("spec", "raw", "english", "welsh"), [
    (InputSpec("reason", "reason", "Reason"), {}, "Enter the reason", "Rhowch ateb ar gyfer “Reason”"),
    (InputSpec("on", "date", "Date of the meeting"), {"on": "31/02"}, "Date of the meeting must be a real date",
     "Rhaid i’r dyddiad ar gyfer “Date of the meeting” fod yn ddyddiad go iawn"),
    (InputSpec("count", "number", "Sessions", minimum=1), {"count": "0"}, "Sessions must be 1 or more",
     "Rhaid i “Sessions” fod yn 1 neu fwy"),
])
def test_step_inputs_are_checked_in_the_language(spec, raw, english, welsh):
    for language, message in (("en", english), ("cy", welsh)):
        with pytest.raises(InvalidInput) as caught:
            clean_inputs([spec], raw, now=ANCHOR, language=language)
        assert [p.message for p in caught.value.problems] == [message]


def test_the_engine_says_why_not_in_the_language():
    advice = load_file(Path(__file__).resolve().parents[3] / "tests/fixtures/workflows/good/consultation_advice.yaml")
    case = {"state": "requested", "forms": {}, "suspended": True, "capacity": {"available_practitioners": 1}}
    why = {o.name: list(o.reasons) for o in available(advice, case, {"id": "u7", "roles": ["practitioner"]}, "cy")}
    assert why["decline"] == ["Dim ond rheolwr tîm all wneud hyn",
                              "Mae’r achos wedi’i atal. Ailgychwynnwch yr achos cyn gwneud hyn."]
    assert "Rhaid cyflwyno the screening form yn gyntaf" in why["book"]  # the file has no Welsh label: its English
    with pytest.raises(NotAllowed) as caught:
        fire(advice, {**case, "state": "advised"}, {"roles": ["manager"]}, "book", now=ANCHOR, language="cy")
    assert caught.value.message.startswith("Ni ellir gwneud “") and "tra bo’r achos yn y cam “" in caught.value.message


def test_a_pathway_s_own_role_is_named_by_its_welsh_label():
    path = Path(__file__).resolve().parents[3] / "tests/fixtures/workflows/fathers/fathers_programme.yaml"
    data = load_file(path).to_dict()
    data["translations"] = {"cy": {"/custom_roles/facilitator/label": "Hwylusydd grŵp"}}
    load_definition(data)
    assert role_phrase("facilitator") == "a group facilitator"
    assert role_phrase("facilitator", "cy") == "hwylusydd grŵp"


def test_a_missing_input_is_named_by_its_label_in_the_language():
    community = load_file(Path(__file__).resolve().parents[3] / "workflows/community_programme.yaml")
    referral = {"community_referral": {"status": "submitted", "answers": {}, "computed": {}}}
    case = {"state": "referred", "forms": referral, "suspended": False, "fields": {}, "sessions": {}}
    manager = {"id": "m1", "roles": ["manager"]}
    found = {}
    for language in ("en", "cy"):
        with pytest.raises(InvalidInput) as caught:
            fire(community, case, manager, "book_assessment", {}, now=ANCHOR, language=language)
        found[language] = [p.message for p in caught.value.problems]
    assert found["en"] == ["Select an answer to “Who will assess him”", "Enter the date of the appointment"]
    # The pathway file's Welsh labels, not its English ones quoted inside a Welsh sentence.
    assert found["cy"] == ["Dewiswch ateb ar gyfer “Pwy fydd yn ei asesu”",
                           "Rhowch ateb ar gyfer “Dyddiad yr apwyntiad”"]


def test_a_guard_s_own_reason_from_the_file_is_said_in_the_file_s_welsh():
    from workflows import available_events

    dao = load_file(Path(__file__).resolve().parents[3] / "workflows/dao_pathway.yaml")
    case = {"state": "allocated", "forms": {}, "fields": {}, "capacity": {"available_practitioners": 1}}
    manager = {"id": "u1", "roles": ["manager"]}
    why = {o.name: list(o.reasons) for o in available_events(dao, case, manager, "cy")}
    welsh = dao.text("/events/7/guards/0/case_field_equals/reason", "cy", "")
    assert welsh and why["resolve_disagreement"] == [welsh]
    english = {o.name: list(o.reasons) for o in available_events(dao, case, manager, "en")}
    assert english["resolve_disagreement"] == ["There is no open professional disagreement"]
