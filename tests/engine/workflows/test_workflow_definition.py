"""Loading workflow definitions: YAML reading, schema and reference checks, hashing and round trips."""

import copy
from pathlib import Path

import pytest

from errors import DefinitionError
from workflows import load_definition, load_directory, load_file
from workflows.yamlio import parse_yaml

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "workflows"
FIXTURES = ROOT / "tests" / "fixtures" / "workflows"


def minimal(**changes):
    data = {
        "key": "tiny",
        "title": "Tiny",
        "roles": ["manager"],
        "initial": "open",
        "states": {
            "open": {"label": "Open", "public_status": "Received"},
            "done": {"label": "Done", "public_status": "Closed", "terminal": True},
        },
        "transitions": [{"name": "finish", "label": "Finish", "from": "open", "to": "done", "roles": ["manager"]}],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("name", "key", "initial"),
    [
        ("dao_pathway.yaml", "dao_pathway", "received"),
        ("probation_cdvp.yaml", "probation_cdvp", "referred"),
        ("community_programme.yaml", "community_programme", "referred"),
    ],
)
def test_shipped_files_load(name, key, initial):
    defn = load_file(SHIPPED / name)
    assert (defn.key, defn.initial, defn.source) == (key, initial, name)
    assert len(defn.content_hash) == 64
    assert any(s.terminal for s in defn.states.values())


def test_load_directory_returns_every_shipped_pathway_by_key():
    assert set(load_directory(SHIPPED)) == {"dao_pathway", "probation_cdvp", "community_programme",
                                            "partner_support"}


@pytest.mark.parametrize("name", ["dao_pathway.yaml", "probation_cdvp.yaml", "community_programme.yaml",
                                  "partner_support.yaml"])
def test_to_dict_round_trips_to_the_same_hash(name):
    defn = load_file(SHIPPED / name)
    again = load_definition(defn.to_dict())
    assert again.content_hash == defn.content_hash
    assert again == defn
    assert again.to_dict() == defn.to_dict()


def test_to_dict_is_a_copy():
    defn = load_definition(minimal())
    data = defn.to_dict()
    data["states"]["open"]["label"] = "Changed"
    assert defn.to_dict()["states"]["open"]["label"] == "Open"


def test_hash_ignores_key_order_but_not_content():
    data = minimal()
    reordered = dict(reversed(list(data.items())))
    assert load_definition(reordered).content_hash == load_definition(data).content_hash
    changed = copy.deepcopy(data)
    changed["states"]["open"]["label"] = "Opened"
    assert load_definition(changed).content_hash != load_definition(data).content_hash


def test_transition_from_star_means_every_non_terminal_state():
    data = minimal(states={
        "open": {"label": "Open", "public_status": "Received"},
        "middle": {"label": "Middle", "public_status": "Work in progress"},
        "done": {"label": "Done", "public_status": "Closed", "terminal": True},
    }, transitions=[
        {"name": "go", "label": "Go", "from": "open", "to": "middle", "roles": ["manager"]},
        {"name": "stop", "label": "Stop", "from": "*", "to": "done", "roles": ["manager"]},
    ])
    defn = load_definition(data)
    assert defn.transitions["stop"].sources == ("open", "middle")
    assert defn.transitions["go"].sources == ("open",)


def test_defaults_of_steps():
    data = minimal(events=[{"name": "note", "label": "Note", "roles": ["manager"]}])
    defn = load_definition(data)
    event, transition = defn.events["note"], defn.transitions["finish"]
    assert event.sources == ("open",)  # every non-terminal state
    assert (event.while_suspended, transition.while_suspended) == (True, False)
    assert transition.check_forms is True


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"initial": "nowhere"}, "initial", "unknown state 'nowhere'"),
        ({"roles": []}, "roles", "[] should be non-empty"),
        ({"key": "Bad Key"}, "key", "'Bad Key' does not match '^[a-z][a-z0-9_]*$'"),
        ({"states": {}}, "states", "{} should be non-empty"),
        ({"extra": 1}, "(top)", "'extra' is not a setting here; use one of attendance, contact_log, custom_roles,"),
    ],
)
def test_broken_definitions_name_the_path(change, path, message):
    with pytest.raises(DefinitionError) as caught:
        load_definition(minimal(**change), source="tiny.yaml")
    assert caught.value.message.startswith("tiny.yaml: ")
    assert any(p.field == path and p.message.startswith(message) for p in caught.value.problems), \
        [(p.field, p.message) for p in caught.value.problems]


def test_graph_warnings_do_not_stop_loading():
    data = minimal()
    data["states"]["island"] = {"label": "Island", "public_status": "Allocated"}
    defn = load_definition(data)  # unreachable and stuck, which lint reports
    assert "island" in defn.states


def test_load_directory_refuses_two_files_with_one_key(tmp_path):
    text = (SHIPPED / "dao_pathway.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "b.yml").write_text(text, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a workflow", encoding="utf-8")
    with pytest.raises(DefinitionError, match="b.yml: key 'dao_pathway' is also used by a.yaml"):
        load_directory(tmp_path)


def test_load_directory_of_new_pathway_fixtures():
    assert set(load_directory(FIXTURES / "good")) == {"consultation_advice", "partner_support"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: yes\nb: no\nc: on\nd: off", {"a": "yes", "b": "no", "c": "on", "d": "off"}),
        ("a: true\nb: false\nc: True", {"a": True, "b": False, "c": True}),
        ("when: 2024-05-01", {"when": "2024-05-01"}),
        ("n: 14\nx: 1.5", {"n": 14, "x": 1.5}),
        ("base: &b {label: A, public_status: Received}\nstate:\n  <<: *b\n  label: B",
         {"base": {"label": "A", "public_status": "Received"}, "state": {"label": "B", "public_status": "Received"}}),
    ],
)
def test_yaml_reading(text, expected):
    assert parse_yaml(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "f.yaml: line 3: duplicate key 'a' (first used on line 1)"),
        ("outer:\n  x: 1\n  x: 2\n", "f.yaml: line 3: duplicate key 'x' (first used on line 2)"),
        ("a: [1, 2\nb: 3\n", "f.yaml: line 2: expected ',' or ']', but got ':'"),
        ("a: !!python/object:os.system {}\n", "f.yaml: line 1: could not determine a constructor for the tag "
                                              "'tag:yaml.org,2002:python/object:os.system'"),
    ],
)
def test_yaml_errors(text, message):
    with pytest.raises(DefinitionError) as caught:
        parse_yaml(text, source="f.yaml")
    assert caught.value.message == message


@pytest.mark.parametrize("name", ["dao_pathway.yaml", "probation_cdvp.yaml", "community_programme.yaml"])
def test_fast_and_pure_python_readers_agree(name):
    import yaml

    from workflows.yamlio import FastLoader, StrictLoader

    text = (SHIPPED / name).read_text(encoding="utf-8")
    assert yaml.load(text, Loader=FastLoader) == yaml.load(text, Loader=StrictLoader)  # noqa: S506


def test_schema_file_is_a_valid_2020_12_schema():
    from jsonschema import Draft202012Validator

    from workflows.schema_check import schema

    Draft202012Validator.check_schema(schema())
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_a_name_cannot_be_registered_twice():
    from workflows.registry import Registry, parse_item

    registry = Registry("guard")
    registry.register("x")(lambda params, ctx: None)
    with pytest.raises(ValueError, match="guard 'x' is registered twice"):
        registry.register("x")(lambda params, ctx: None)
    assert registry.names() == ["x"]
    with pytest.raises(ValueError):
        parse_item({"a": 1, "b": 2})
