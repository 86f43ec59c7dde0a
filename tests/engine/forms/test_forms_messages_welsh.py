"""The engine's error messages in Welsh: every field type's missing and invalid wording, quoting the Welsh label."""

from __future__ import annotations

from datetime import date

import pytest

from forms import compile_form, messages
from tests.engine.forms.test_forms_support import small
from tests.engine.forms.test_forms_widgets import SAMPLES, one_field

TODAY = date(2026, 6, 1)
# The sample question of each type, with its title in Welsh.
WELSH_TITLES = {"text": "Enw", "textarea": "Nodiadau", "number": "Pwysau", "integer": "Sesiynau", "date": "Gwelwyd ar",
                "yesno": "Angen cyfieithydd", "radios": "Hwyliau", "select": "Hwyliau", "checkboxes": "Hwyliau",
                "scale": "Sgôr", "repeater": "Plant", "attestation": "Llofnod", "file": "Llythyr"}


def welsh_form(name: str, *, required: bool = False, **item) -> object:
    """Return the sample question of a type as a Welsh form (its answer required when asked)."""
    defn = one_field(name)
    defn["schema"]["required"] = ["answer"] if required else []
    defn["layout"]["pages"][0]["sections"][0]["items"][0].update(item)
    defn["translations"] = {"cy": {"/schema/properties/answer/title": WELSH_TITLES[name],
                                   **{f"/layout/pages/0/sections/0/items/0/{k}": v
                                      for k, v in item.get("cy", {}).items()}}}
    defn["layout"]["pages"][0]["sections"][0]["items"][0].pop("cy", None)
    return compile_form(defn, "cy")


def said(form, answers: dict) -> dict[str, str]:
    return {e.field: e.message for e in form.validate(answers, today=TODAY, language="cy")}


MISSING = [
    ("text", {"answer": "Rhowch ateb ar gyfer “Enw”"}),
    ("textarea", {"answer": "Rhowch ateb ar gyfer “Nodiadau”"}),
    ("number", {"answer": "Rhowch ateb ar gyfer “Pwysau”"}),
    ("integer", {"answer": "Rhowch ateb ar gyfer “Sesiynau”"}),
    ("date", {"answer": "Rhowch ateb ar gyfer “Gwelwyd ar”"}),
    ("yesno", {"answer": "Dewiswch ie neu na ar gyfer “Angen cyfieithydd”"}),
    ("radios", {"answer": "Dewiswch ateb ar gyfer “Hwyliau”"}),
    ("select", {"answer": "Dewiswch ateb ar gyfer “Hwyliau”"}),
    ("checkboxes", {"answer": "Dewiswch o leiaf un ateb ar gyfer “Hwyliau”"}),
    ("scale", {"answer": "Dewiswch sgôr ar gyfer “Sgôr”"}),
    ("repeater", {"answer": "Ychwanegwch o leiaf un cofnod ar gyfer “Plant”"}),
    ("attestation", {"answer.full_name": "Rhowch yr enw llawn ar gyfer “Llofnod”",
                     "answer.date": "Rhowch y dyddiad ar gyfer “Llofnod”",
                     "answer.confirmed": "Ticiwch y blwch i gadarnhau “Llofnod”"}),
    ("file", {"answer": "Uwchlwythwch ffeil ar gyfer “Llythyr”"}),
]


@pytest.mark.parametrize(("name", "expected"), MISSING, ids=[m[0] for m in MISSING])
def test_a_missing_answer_is_asked_for_in_welsh(name, expected):
    assert said(welsh_form(name, required=True), {}) == expected


INVALID = [
    ("text", {"answer": 5}, "Rhowch destun ar gyfer “Enw”"),
    ("textarea", {"answer": 5}, "Rhowch destun ar gyfer “Nodiadau”"),
    ("number", {"answer": "lots"}, "Rhowch rif ar gyfer “Pwysau”"),
    ("number", {"answer": "1e999"}, "Rhowch rif ar gyfer “Pwysau”"),
    ("integer", {"answer": "2.5"}, "Rhowch rif rhwng -9,223,372,036,854,775,808 a 9,223,372,036,854,775,807 ar gyfer "
                                   "“Sesiynau”"),
    ("integer", {"answer": "twelve"}, "Rhowch rif cyfan ar gyfer “Sesiynau”"),
    ("date", {"answer": "2026--3"}, "Rhaid i’r dyddiad ar gyfer “Gwelwyd ar” gynnwys mis"),
    ("date", {"answer": "-3-"}, "Rhaid i’r dyddiad ar gyfer “Gwelwyd ar” gynnwys diwrnod a blwyddyn"),
    ("date", {"answer": "2026-2-30"}, "Rhaid i’r dyddiad ar gyfer “Gwelwyd ar” fod yn ddyddiad go iawn"),
    ("date", {"answer": "2026-12-25"}, "Rhaid i’r dyddiad ar gyfer “Gwelwyd ar” fod heddiw neu yn y gorffennol"),
    ("yesno", {"answer": "maybe"}, "Dewiswch ie neu na ar gyfer “Angen cyfieithydd”"),
    ("radios", {"answer": "so-so"}, "Rhaid i’r ateb ar gyfer “Hwyliau” fod yn un o’r rhain: Good neu Bad"),
    ("select", {"answer": "so-so"}, "Rhaid i’r ateb ar gyfer “Hwyliau” fod yn un o’r rhain: Good neu Bad"),
    ("checkboxes", {"answer": ["so-so"]}, "Dewiswch o’r opsiynau a ddangosir yn unig ar gyfer “Hwyliau”"),
    ("scale", {"answer": 9}, "Rhaid i’r ateb ar gyfer “Sgôr” fod yn rhif cyfan o 1 i 5"),
    ("repeater", {"answer": "none"}, "Nid yw’r ateb ar gyfer “Plant” yn ddilys"),
    ("attestation", {"answer": {"full_name": "Sam", "date": "2026-13-01", "confirmed": True}},
     "Rhaid i’r dyddiad ar gyfer “Llofnod” fod yn ddyddiad go iawn"),
    ("attestation", {"answer": {"full_name": "Sam", "date": "2026-12-01", "confirmed": True}},
     "Rhaid i’r dyddiad ar gyfer “Llofnod” fod heddiw neu yn y gorffennol"),
    ("file", {"answer": {"id": 5, "filename": "x.pdf"}}, "Uwchlwythwch ffeil ar gyfer “Llythyr” eto"),
]


@pytest.mark.parametrize(("name", "answers", "expected"), INVALID, ids=[f"{i[0]}-{n}" for n, i in enumerate(INVALID)])
def test_a_wrong_answer_is_explained_in_welsh(name, answers, expected):
    found = said(welsh_form(name), answers)
    assert expected in found.values(), found


def test_every_type_is_in_both_tables():
    assert {m[0] for m in MISSING} == {i[0] for i in INVALID} == set(SAMPLES)


def test_a_welsh_error_label_is_used_as_written():
    form = welsh_form("yesno", required=True, error_label="an interpreter is needed",
                      cy={"error_label": "oes angen cyfieithydd"})
    assert said(form, {}) == {"answer": "Nodwch a oes angen cyfieithydd"}
    form = welsh_form("text", required=True, error_label="the client’s name", cy={"error_label": "enw’r cleient"})
    assert said(form, {}) == {"answer": "Rhowch ateb ar gyfer enw’r cleient"}


def test_an_english_error_label_without_welsh_gives_way_to_the_welsh_label():
    form = welsh_form("text", required=True, error_label="the client’s name")
    assert said(form, {}) == {"answer": "Rhowch ateb ar gyfer “Enw”"}


def test_numbers_lengths_rows_and_stray_answers_in_welsh():
    number = small({"answer": {"type": "integer", "title": "Oed", "minimum": 18, "maximum": 120}},
                   [{"field": "answer", "widget": "integer"}])
    form = compile_form(number)
    assert said(form, {"answer": 7}) == {"answer": "Rhaid i’r ateb ar gyfer “Oed” fod yn 18 neu fwy"}
    assert said(form, {"answer": 300}) == {"answer": "Rhaid i’r ateb ar gyfer “Oed” fod yn 120 neu lai"}
    short = compile_form(small({"answer": {"type": "string", "title": "Cod", "maxLength": 3}},
                               [{"field": "answer", "widget": "text"}]))
    assert said(short, {"answer": "ABCD"}) == {"answer": "Rhaid i’r ateb ar gyfer “Cod” fod yn 3 nod neu lai"}
    rows = compile_form(small({"kids": {"type": "array", "title": "Plant", "items": {
        "type": "object", "properties": {"dob": {"type": "string", "format": "date", "title": "Dyddiad geni"}}}}},
        [{"field": "kids", "widget": "repeater", "items": [{"field": "dob", "widget": "date"}]}]))
    assert list(said(rows, {"kids": [{"dob": "2020-2-31"}]}).values()) == [
        "Rhaid i’r dyddiad ar gyfer “Dyddiad geni” fod yn ddyddiad go iawn (rhes 1)"]
    assert messages.not_placed("cy") == "Nid yw rhai atebion yn ddilys: gwiriwch yr atebion a rhowch gynnig arall arni"


def test_english_stays_as_it_was():
    form = compile_form(one_field("date"))
    assert {e.message for e in form.validate({"answer": "2026--3"}, today=TODAY)} == {
        "Seen on must include a month"}
    assert {e.message for e in form.validate({"answer": "2026--3"}, today=TODAY, language="en")} == {
        "Seen on must include a month"}
