"""Each model's indexes, made in one command, are exactly the ones mongoengine itself would make."""

from __future__ import annotations

import mongoengine as me

import models  # noqa: F401 - every model registered
from models.base import Document


def _concrete(base) -> list:
    found = []
    for cls in base.__subclasses__():
        found += ([] if cls._meta.get("abstract") else [cls]) + _concrete(cls)
    return found


def _indexes(collection) -> dict:
    # mongoengine also passes `background: false`, which the server has ignored since 4.2 (and only records).
    return {info["name"]: {k: v for k, v in info.items() if k not in ("v", "ns", "background")}
            for info in collection.list_indexes()}


def _sent() -> int:
    # Counted by the server: the app's client was made before any listener this test could register.
    return me.get_db().command("serverStatus")["metrics"]["commands"]["createIndexes"]["total"]


def _check(model) -> None:
    """Make the model's indexes both ways on its empty collection; they must be the same."""
    collection = model._get_collection()
    collection.drop_indexes()
    sent = _sent()
    model.ensure_indexes()
    assert _sent() - sent == (1 if model._meta["index_specs"] or model._meta.get("allow_inheritance") else 0)
    ours = _indexes(collection)
    collection.drop_indexes()
    me.Document.ensure_indexes.__func__(model)  # mongoengine's own: one command per index
    assert _indexes(collection) == ours, model.__name__


def test_every_model_gets_mongoengines_own_indexes_in_one_command(app):
    found = _concrete(Document)
    assert len(found) >= 25
    for model in found:
        _check(model)


def test_a_model_with_subclasses_gets_the_class_in_its_indexes_as_mongoengine_does(app):
    class Shape(Document):
        meta = {"collection": "test_shapes", "allow_inheritance": True, "indexes": ["name"]}
        name = me.StringField()

    class Circle(Shape):
        radius = me.IntField()

    class Label(Document):
        meta = {"collection": "test_labels", "allow_inheritance": True}
        text = me.StringField()

    class Tag(Label):
        pass

    _check(Shape)
    assert set(_indexes(Shape._get_collection())) == {"_id_", "_cls_1_name_1"}
    _check(Label)
    assert set(_indexes(Label._get_collection())) == {"_id_", "_cls_1"}
    Circle(name="c", radius=1).save()
    assert Shape.objects(name="c").first().radius == 1
