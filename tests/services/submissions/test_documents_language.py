"""Word documents given to the person follow the case's language when the form has it, right to left for Arabic."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path

import pytest
from docx import Document

from services.common.language import language_code
from services.submissions.documents import file_name, render_submission_docx
from services.submissions.filling import save_draft, start_submission, submit_submission
from services.submissions.form_versions import create_new_version, publish_form_version

ROOT = Path(__file__).resolve().parents[3]
ANSWERS = ROOT / "tests" / "fixtures" / "answers"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ARABIC = {"/title": "خطة العمل", "/schema/properties/name/title": "الاسم",
          "/schema/properties/start_date/title": "تاريخ البدء"}
WELSH = {"/title": "Cynllun Gweithredu", "/schema/properties/name/title": "Enw",
         "/schema/properties/start_date/title": "Dyddiad dechrau"}


@pytest.fixture
def action_plan_for_the_person(app, make_user, now):
    """Publish a version of the action plan that is given to the person, with Arabic and Welsh texts."""
    admin = make_user(roles=["admin"], team="")
    definition = copy.deepcopy(json.loads((ROOT / "forms" / "definitions" / "action_plan.json").read_text()))
    assert "for_the_person" in definition["tags"]  # the shipped action plan is given to the person
    definition["translations"] = {"ar": ARABIC, "cy": WELSH}
    with app.app_context():
        publish_form_version(create_new_version("action_plan", definition, actor=admin, now=now), actor=admin, now=now)


def _docx_for(app, make_case, make_user, now, language: str):
    practitioner = make_user(roles=["practitioner"], team="north")
    case = make_case(state="action_plan", allocated_to=practitioner, person={"name": "Dan Example",
                                                                            "language": language})
    with app.test_request_context():
        sub = start_submission(case, "action_plan", actor=practitioner, now=now)
        answers = json.loads((ANSWERS / "action_plan.json").read_text())
        sub, _ = save_draft(sub, answers, revision=sub.revision, actor=practitioner, now=now)
        sub = submit_submission(sub, revision=sub.revision, actor=practitioner, now=now)
        data, _name = render_submission_docx(sub.pk, case_id=case.pk, actor=practitioner, now=now)
    return data


def _xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        return docx.read("word/document.xml").decode("utf-8")


def test_an_arabic_case_gets_its_document_in_arabic_laid_out_right_to_left(app, synced, make_case, make_user, now,
                                                                           action_plan_for_the_person):
    data = _docx_for(app, make_case, make_user, now, "Arabic")
    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "خطة العمل" in text and "الاسم" in text
    assert "{{" not in text and "{%" not in text
    # Every paragraph is a right-to-left paragraph and every run right-to-left text, in Arabic.
    paragraphs = document.element.body.findall(f".//{W}p")
    assert paragraphs and all(p.find(f"{W}pPr/{W}bidi") is not None for p in paragraphs)
    runs = document.element.body.findall(f".//{W}r")
    assert runs and all(r.find(f"{W}rPr/{W}rtl") is not None for r in runs)
    assert all(r.find(f"{W}rPr/{W}lang").get(f"{W}bidi") == "ar" for r in runs)
    xml = _xml(data)
    assert "<w:bidi/>" in xml and "<w:rtl/>" in xml
    footer = document.sections[0].footer._element
    assert footer.findall(f".//{W}rtl")


def test_a_welsh_case_gets_its_document_in_welsh_left_to_right(app, synced, make_case, make_user, now,
                                                               action_plan_for_the_person):
    data = _docx_for(app, make_case, make_user, now, "Cymraeg")
    paragraphs = Document(io.BytesIO(data)).paragraphs
    titles = [p.text for p in paragraphs if p.style.name == "Heading 1"]
    assert titles == ["Cynllun Gweithredu"]  # the form's own title, translated
    text = "\n".join(p.text for p in paragraphs)
    assert "Enw" in text and "Cofnod" in text and "Cyflwynwyd gan" in text  # a question; the document's own words
    assert "Action Plan" in text  # a page title this version does not translate: English, not left out
    assert "<w:bidi/>" not in _xml(data) and "<w:rtl/>" not in _xml(data)


def test_a_language_the_form_lacks_and_a_form_not_for_the_person_stay_english(app, synced, make_case, make_user,
                                                                              now, action_plan_for_the_person):
    text = "\n".join(p.text for p in Document(io.BytesIO(_docx_for(app, make_case, make_user, now,
                                                                     "Polish"))).paragraphs)
    assert "Action Plan" in text and "<w:bidi/>" not in text


def test_without_a_translation_the_document_is_english_whatever_the_case_language(app, synced, make_case, make_user,
                                                                                  now):
    data = _docx_for(app, make_case, make_user, now, "Arabic")  # the shipped action plan has no Arabic yet
    assert "Action Plan" in "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "<w:rtl/>" not in _xml(data)


@pytest.mark.parametrize(("recorded", "code"), [
    ("Welsh", "cy"), ("Cymraeg", "cy"), ("cy", "cy"), ("arabic", "ar"), ("العربية", "ar"), ("  Polish ", "pl"),
    ("", ""), ("Not recorded yet", ""),
])
def test_the_recorded_language_is_read_as_a_code(recorded, code):
    assert language_code(recorded) == code


def test_a_form_not_given_to_the_person_stays_english_even_when_translated(app, synced, make_case, make_user, now):
    admin = make_user(roles=["admin"], team="")
    definition = json.loads((ROOT / "forms" / "definitions" / "action_plan.json").read_text())
    definition["tags"] = [t for t in definition["tags"] if t != "for_the_person"]
    definition["translations"] = {"ar": ARABIC}
    with app.app_context():
        publish_form_version(create_new_version("action_plan", definition, actor=admin, now=now), actor=admin, now=now)
    data = _docx_for(app, make_case, make_user, now, "Arabic")
    assert "خطة العمل" not in "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "<w:rtl/>" not in _xml(data)


def test_a_word_file_is_named_by_its_form_s_title_without_a_path_or_marks():
    assert file_name("DAO-2026-00006", "Risk Assessment - Confidential Information", 1) == (
        "DAO-2026-00006 Risk Assessment - Confidential Information v1.docx")
    assert file_name("CP-2026-00001", "../Asesiad: “risg”/grŵp", 2) == "CP-2026-00001 Asesiad risg grŵp v2.docx"
    assert file_name("CP-2026-00001", "///", 3) == "CP-2026-00001 form v3.docx"
