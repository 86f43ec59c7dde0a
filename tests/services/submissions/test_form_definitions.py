"""Form definitions in MongoDB: sync from files, versions, immutability of published versions."""

import json
import shutil
from pathlib import Path

import pytest

from errors import Conflict, DefinitionError, NotAllowed, NotFound
from models.form import FormDefinition
from services.submissions.definition_files import FORMS_DIR, sync_forms
from services.submissions.definitions import compiled_form, get_form, published_forms
from services.submissions.form_versions import create_new_version, publish_form_version, update_draft_version

SHIPPED = sorted(p.stem for p in FORMS_DIR.glob("*.json"))


def _copy(tmp_path, *keys) -> Path:
    folder = tmp_path / "definitions"
    folder.mkdir()
    for key in keys:
        shutil.copy(FORMS_DIR / f"{key}.json", folder / f"{key}.json")
    return folder


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=1))


def test_sync_publishes_every_shipped_form_once_and_is_idempotent(app, now):
    first = sync_forms(now=now)
    assert [key for key, _, _ in first] == SHIPPED
    assert {(version, action) for _, version, action in first} == {(1, "published")}
    second = sync_forms(now=now)
    assert {(version, action) for _, version, action in second} == {(1, "unchanged")}
    assert FormDefinition.objects.count() == len(SHIPPED)
    assert FormDefinition.objects(key="screening").first().definition["schema"]["$schema"].startswith("https://")


def test_changed_file_publishes_a_new_version_and_keeps_the_old_one(app, now, tmp_path):
    folder = _copy(tmp_path, "screening", "consent")
    sync_forms(folder, now=now)
    _edit(folder / "screening.json", lambda d: d.update(title="Screening (revised)"))
    report = sync_forms(folder, now=now)
    assert report == [("consent", 1, "unchanged"), ("screening", 2, "new version")]
    assert get_form("screening").version == 2
    assert get_form("screening").title == "Screening (revised)"
    assert get_form("screening", 1).title != "Screening (revised)"
    assert sync_forms(folder, now=now) == [("consent", 1, "unchanged"), ("screening", 2, "unchanged")]


def _unknown_widget(d):
    d["layout"]["pages"][0]["sections"][0]["items"][0]["widget"] = "slider"


def _property_without_layout(d):
    d["schema"]["properties"]["extra_question"] = {"title": "Extra", "type": "string"}


def _wrong_key(d):
    d["key"] = "not_the_file_name"


@pytest.mark.parametrize(("change", "names"), [
    (_unknown_widget, "layout.pages[0].sections[0].items[0]"),
    (_property_without_layout, "extra_question"),
    (_wrong_key, "key"),
])
def test_a_broken_file_is_refused_naming_the_field_and_nothing_is_published(app, now, tmp_path, change, names):
    folder = _copy(tmp_path, "screening", "consent")
    _edit(folder / "screening.json", change)
    with pytest.raises(DefinitionError) as caught:
        sync_forms(folder, now=now)
    assert any(p.field.startswith("screening.json") and names in p.field + p.message for p in caught.value.problems)
    assert FormDefinition.objects.count() == 0


def test_a_file_that_is_not_json_is_refused(app, now, tmp_path):
    folder = _copy(tmp_path, "consent")
    (folder / "screening.json").write_text("{not json")
    with pytest.raises(DefinitionError) as caught:
        sync_forms(folder, now=now)
    assert caught.value.problems[0].field == "screening.json"


def test_published_versions_are_immutable_and_changes_make_a_new_draft(app, now, make_user):
    admin = make_user(roles=["admin"])
    sync_forms(FORMS_DIR, now=now)
    v1 = get_form("screening")
    with pytest.raises(NotAllowed):
        update_draft_version(v1, dict(v1.definition, title="Changed"), revision=v1.revision, actor=admin, now=now)
    draft = create_new_version("screening", dict(v1.definition, title="Screening v2"), actor=admin, now=now)
    assert (draft.version, draft.status) == (2, "draft")
    assert get_form("screening").version == 1  # a draft is not offered yet
    with pytest.raises(Conflict):
        create_new_version("screening", dict(v1.definition), actor=admin, now=now)
    draft = update_draft_version(draft, dict(v1.definition, title="Screening v2b"), revision=draft.revision,
                                 actor=admin, now=now)
    assert compiled_form(draft).title == "Screening v2b"
    with pytest.raises(Conflict):
        update_draft_version(draft, dict(v1.definition), revision=draft.revision - 1, actor=admin, now=now)
    publish_form_version(draft, actor=admin, now=now)
    assert get_form("screening").title == "Screening v2b"
    assert get_form("screening", 1).title == v1.title
    synced = {key: action for key, _, action in sync_forms(FORMS_DIR, now=now)}
    assert synced["screening"] == "unchanged"  # the unchanged file does not undo the new version
    assert get_form("screening").version == 2


def test_an_invalid_new_version_is_refused_with_the_path_of_each_problem(app, now, make_user, shipped_forms):
    admin = make_user(roles=["admin"])
    broken = json.loads(json.dumps(get_form("screening").definition))
    broken["layout"]["pages"][0]["key"] = "Not Snake"
    with pytest.raises(DefinitionError) as caught:
        create_new_version("screening", broken, actor=admin, now=now)
    assert [p.field for p in caught.value.problems] == ["layout.pages[0].key"]


@pytest.mark.parametrize(("key", "version"), [("no_such_form", None), ("screening", 7), ("screening", "x")])
def test_unknown_forms_and_versions_are_not_found(app, shipped_forms, key, version):
    with pytest.raises(NotFound):
        get_form(key, version)


def test_published_forms_lists_the_latest_version_of_each_and_filters_by_tag(app, shipped_forms):
    everything = published_forms()
    assert sorted(d.key for d in everything) == SHIPPED
    hra = published_forms("hra")
    assert hra and all("hra" in d.tags for d in hra) and len(hra) < len(everything)
