"""The builder's field setting that marks an answer as third-party information, so redaction follows the data."""

from models.form import FormDefinition
from tests.conftest import sign_in


def revision_of(key: str) -> str:
    return str(FormDefinition.objects(key=key, status="draft").get().revision)


def item(key: str, name: str) -> dict:
    definition = FormDefinition.objects.get(key=key, status="draft").definition
    items = [i for p in definition["layout"]["pages"] for s in p["sections"] for i in s["items"]]
    return next(i for i in items if i.get("field") == name)


def test_a_question_is_marked_and_unmarked_as_third_party(client, make_user):
    sign_in(client, make_user(roles=["admin"], team=""))
    assert client.post("/admin/forms/new", data={"key": "family", "title": "Family",
                                                 "classification": "standard"}).status_code == 302
    added = client.post("/admin/forms/family/questions/new", data={
        "widget": "textarea", "label": "Who lives at home?", "name": "household", "third_party": "true",
        "where": "page_1:0", "revision": revision_of("family")})
    assert added.status_code == 302, added.get_data(as_text=True)
    assert item("family", "household")["third_party"] is True
    assert "Third-party information" in client.get("/admin/forms/family").get_data(as_text=True)
    edit = client.get("/admin/forms/family/questions/household/edit").get_data(as_text=True)
    assert 'name="third_party"' in edit and "checked" in edit.split('name="third_party"')[1][:80]
    client.post("/admin/forms/family/questions/household/edit", data={
        "widget": "textarea", "label": "Who lives at home?", "revision": revision_of("family")})
    assert "third_party" not in item("family", "household")
