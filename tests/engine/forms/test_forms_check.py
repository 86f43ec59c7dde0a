"""check_definition and compile_form: every rule rejects a broken definition with a path and plain words."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from forms import DefinitionError, check_definition, clear_cache, compile_form
from tests.engine.forms.test_forms_support import kitchen_sink

DEFINITIONS = sorted((Path(__file__).resolve().parents[3] / "forms" / "definitions").glob("*.json"))
JSONSCHEMA_PHRASES = ("is not of type", "is a required property", "is not valid under", "does not match",
                      "is not one of", "was expected", "Additional properties", "is too short", "is too long",
                      "non-empty", "is less than", "is greater than", "Failed validating")
DELETE = object()


def change(*steps):
    """Return a function that applies (path, value) edits to a definition; DELETE removes the key."""
    def apply(defn):
        for path, value in steps:
            node = defn
            for key in path[:-1]:
                node = node[key]
            if value is DELETE:
                del node[path[-1]]
            elif path[-1] == "+":
                node.append(value)
            else:
                node[path[-1]] = value
        return defn
    return apply


ITEMS0 = ["layout", "pages", 0, "sections", 0, "items"]
ITEMS1 = ["layout", "pages", 1, "sections", 0, "items"]
ITEMS2 = ["layout", "pages", 2, "sections", 0, "items"]
PROPS = ["schema", "properties"]
ROW_ITEMS = ITEMS2 + [0, "items"]

CASES = [
    # (id, edit, expected path, words in the message)
    ("not_an_object", lambda d: ["a list"], "", "must be a JSON object"),
    ("meta_required", change((["layout", "pages", 0, "title"], DELETE)), "layout.pages[0]", "“title” is required"),
    ("meta_unknown_setting", change((ITEMS0 + [0, "colour"], "red")),
     "layout.pages[0].sections[0].items[0].colour", "not a recognised setting"),
    ("meta_widget_enum", change((ITEMS0 + [0, "widget"], "slider")),
     "layout.pages[0].sections[0].items[0].widget", "must be one of"),
    ("meta_classification", change((["classification"], "secret")), "classification", "must be one of"),
    ("meta_key_snake_case", change((["key"], "Kitchen-Sink")), "key", "snake_case"),
    ("meta_page_key_snake_case", change((["layout", "pages", 0, "key"], "About Page")),
     "layout.pages[0].key", "snake_case"),
    ("meta_type", change((["countersign"], "yes")), "countersign", "must be true or false"),
    ("meta_empty_guidance", change((ITEMS0 + [5], {})), "layout.pages[0].sections[0].items[5]", "must not be empty"),
    ("meta_show_when_shape", change((ITEMS0 + [7, "show_when"], {"equals": True})),
     "layout.pages[0].sections[0].items[7].show_when", "“field” is required"),
    ("schema_invalid", change((PROPS + ["age", "type"], "int")), "schema.properties.age.type",
     "is not valid JSON Schema"),
    ("field_not_in_schema", change((ITEMS0 + ["+"], {"field": "ghost", "widget": "text"})),
     "layout.pages[0].sections[0].items[8].field", "names “ghost”"),
    ("property_not_in_layout", change((PROPS + ["unused"], {"type": "string", "title": "Unused"})),
     "schema.properties.unused", "not shown anywhere"),
    ("field_twice", change((ITEMS1 + ["+"], {"field": "full_name", "widget": "text"})),
     "layout.pages[1].sections[0].items[6]", "a second time"),
    ("widget_shape", change((ITEMS0 + [3, "widget"], "date")),
     "layout.pages[0].sections[0].items[3].widget", "does not suit schema.properties.age"),
    ("radios_need_titles", change((PROPS + ["risk", "oneOf"], [{"const": "low"}])),
     "layout.pages[1].sections[0].items[0].widget", "needs a \"const\" value and a \"title\""),
    ("scale_range", change((PROPS + ["importance", "maximum"], 100)),
     "layout.pages[1].sections[0].items[5].widget", "between 1 and 21 points"),
    ("attestation_shape", change((PROPS + ["signature", "required"], ["full_name"])),
     "layout.pages[2].sections[0].items[2].widget", "all required"),
    ("option_on_wrong_widget", change((ITEMS0 + [0, "rows"], 4)),
     "layout.pages[0].sections[0].items[0].rows", "does not apply to the text widget"),
    ("show_when_unknown_field", change((ITEMS0 + [7, "show_when", "field"], "nope")),
     "layout.pages[0].sections[0].items[7].show_when.field", "“nope”, which is not a field"),
    ("show_when_later_field", change((ITEMS0 + [7, "show_when"], {"field": "risk", "equals": "high"})),
     "layout.pages[0].sections[0].items[7].show_when.field", "must be shown before"),
    ("show_when_itself", change((ITEMS0 + [7, "show_when"], {"field": "interpreter_language", "not_empty": True})),
     "layout.pages[0].sections[0].items[7].show_when.field", "cannot depend on itself"),
    ("show_when_two_operators", change((ITEMS0 + [7, "show_when", "not_empty"], True)),
     "layout.pages[0].sections[0].items[7].show_when", "exactly one of"),
    ("show_when_impossible_value", change((ITEMS0 + [7, "show_when", "equals"], "maybe")),
     "layout.pages[0].sections[0].items[7].show_when.equals", "not a possible answer to “interpreter_needed”"),
    ("show_when_in_value", change((ITEMS1 + [3, "show_when"], {"field": "disabilities", "in": ["physical", "x"]})),
     "layout.pages[1].sections[0].items[3].show_when.in[1]", "not a possible answer"),
    ("show_when_complex_target", change(
        (ITEMS2 + ["+"], {"field": "extra", "widget": "text", "show_when": {"field": "signature", "not_empty": True}}),
        (PROPS + ["extra"], {"type": "string", "title": "Extra"})),
     "layout.pages[2].sections[0].items[3].show_when.field", "cannot depend on a attestation field"),
    ("show_when_but_required", change((["schema", "required", 0], "interpreter_language")),
     "schema.required", "has show_when"),
    ("option_meta_unknown_value", change((ITEMS1 + [0, "option_meta", "extreme"], {"flag": "red"})),
     "layout.pages[1].sections[0].items[0].option_meta.extreme", "not an option of “risk”"),
    ("property_name_snake_case", change((PROPS + ["BadName"], {"type": "string", "title": "Bad"}),
                                        (ITEMS0 + ["+"], {"field": "BadName", "widget": "text"})),
     "schema.properties.BadName", "snake_case"),
    ("property_needs_title", change((PROPS + ["notes", "title"], DELETE)), "schema.properties.notes",
     "needs a \"title\""),
    ("required_names_property", change((["schema", "required", "+"], "ghost")), "schema.required",
     "names “ghost”"),
    ("duplicate_page_key", change((["layout", "pages", 1, "key"], "about")), "layout.pages[1].key",
     "repeats the page key"),
    ("repeater_needs_items", change((ITEMS2 + [0, "items"], DELETE)), "layout.pages[2].sections[0].items[0]",
     "needs \"items\""),
    ("row_widget_not_allowed", change((ROW_ITEMS + [0, "widget"], "attestation")),
     "layout.pages[2].sections[0].items[0].items[0].widget", "cannot go inside a repeater row"),
    ("row_property_not_in_layout", change((ROW_ITEMS, ROW_ITEMS and [{"field": "name", "widget": "text"}])),
     "schema.properties.children.items.properties.dob", "not shown in the repeater's layout"),
    ("row_guidance", change((ROW_ITEMS + ["+"], {"guidance": "Hello"})),
     "layout.pages[2].sections[0].items[0].items[4]", "only fields"),
    ("computed_unknown_function", change((["computed", 0, "function"], "average")), "computed[0].function",
     "not a registered function"),
    ("computed_params_schema", change((["computed", 0, "params"], {})), "computed[0].params",
     "“fields” is required"),
    ("computed_params_field", change((["computed", 0, "params", "fields", 1], "nope")),
     "computed[0].params.fields[1]", "names “nope”"),
    ("computed_duplicate_key", change((["computed", 1, "key"], "score")), "computed[1].key", "repeats the key"),
    ("screening_needs_flags", change((ITEMS1 + [0, "option_meta"], {"high": {"flag": "red"}})),
     "computed[1].params.fields[0]", "needs a green or red flag"),
]


def test_kitchen_sink_is_valid():
    assert check_definition(kitchen_sink()) == []


@pytest.mark.parametrize(("edit", "path", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_definition_is_reported(edit, path, words):
    problems = check_definition(edit(kitchen_sink()))
    matching = [p for p in problems if p.path == path and words in p.message]
    assert matching, f"expected {path!r} / {words!r} in {[str(p) for p in problems]}"
    for problem in problems:
        assert not any(phrase in problem.message for phrase in JSONSCHEMA_PHRASES), problem


def test_compile_form_raises_with_problems():
    broken = kitchen_sink(classification="secret")
    with pytest.raises(DefinitionError) as caught:
        compile_form(broken)
    assert [p.field for p in caught.value.problems] == ["classification"]
    assert "classification" in str(caught.value)


def test_compile_form_exposes_definition_data():
    form = compile_form(kitchen_sink(version=3))
    assert (form.key, form.version, form.title, form.classification, form.countersign, form.tags) == (
        "kitchen_sink", 3, "Every widget", "standard", True, ("test",))
    assert [p.key for p in form.pages] == ["about", "risk", "family"]
    assert [f.name for f in form.pages[2].fields] == ["children", "document", "signature"]
    dob = form.field("dob")
    assert (dob.label, dob.widget, dob.required, dob.no_future, dob.page) == (
        "Date of birth", "date", True, True, "about")
    language = form.field("interpreter_language")
    assert language.required_when_shown and language.show_when == {"field": "interpreter_needed", "equals": True}
    assert (form.field("age").min, form.field("age").max) == (18, 120)
    assert [o[:2] for o in form.field("risk").options] == [("low", "Low"), ("medium", "Medium"), ("high", "High")]
    assert form.field("risk").options[2].meta == {"flag": "red", "message": "Tell a manager today."}
    assert [c.name for c in form.field("children").children] == ["name", "dob", "needs_support", "support"]
    assert form.field("children.*.support").path == "children.*.support"
    assert form.field("children.2.name").parent == "children"
    with pytest.raises(KeyError):
        form.field("nope")


def test_compile_form_caches_per_key_and_version():
    clear_cache()
    first = compile_form(kitchen_sink(version=1))
    assert compile_form(kitchen_sink(version=1)) is first
    assert compile_form(kitchen_sink(version=2)) is not first
    unversioned = compile_form(kitchen_sink())
    assert compile_form(kitchen_sink()) is unversioned
    assert compile_form(kitchen_sink(title="Changed")) is not unversioned


def test_compiled_form_does_not_share_the_callers_dict():
    defn = kitchen_sink(key="isolated")
    form = compile_form(defn)
    defn["schema"]["properties"]["age"]["minimum"] = 0
    assert form.field("age").min == 18


@pytest.mark.parametrize("path", DEFINITIONS, ids=[p.stem for p in DEFINITIONS])
def test_shipped_definition_passes_check(path):
    defn = json.loads(path.read_text(encoding="utf-8"))
    assert [str(p) for p in check_definition(defn)] == []
    assert defn["key"] == path.stem


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.stem)
def test_no_shipped_form_sends_people_to_a_mailbox(path):
    # A referral is made in Pathway itself: a form that says to email one elsewhere (a real council's mailbox, from
    # the paper form) would send a victim's details out of the system.
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text), re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text).group()


@pytest.mark.parametrize("path", DEFINITIONS, ids=lambda p: p.stem)
def test_no_shipped_form_sends_people_to_a_question_it_does_not_have(path):
    # The paper screening form's last question said "Proceed to question 5" of four.
    definition = json.loads(path.read_text(encoding="utf-8"))
    asked = len(definition["schema"].get("properties", {}))
    named = [int(n) for n in re.findall(r"(?i)question (\d+)", json.dumps(definition["layout"]))]
    assert all(n <= asked for n in named), (asked, named)
