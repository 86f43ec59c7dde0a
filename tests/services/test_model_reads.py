"""Documents read the quick way are in the same state as mongoengine's own way leaves them, for every model."""

from __future__ import annotations

import weakref
from contextlib import contextmanager

import mongoengine as me
import pytest
from mongoengine.errors import FieldDoesNotExist

import models  # noqa: F401 - every model registered
from models.base import Document, EmbeddedDocument, _shape
from models.case import Case
from models.user import User
from tests.services.test_model_indexes import _concrete

MODELS = _concrete(Document)
EMBEDDED = _concrete(EmbeddedDocument)


def _mongoengine_s(model, son, created=False):
    """Return the document as mongoengine's own `_from_son` makes it, its embedded documents too."""
    with _mongoengine_s_way():
        return me.Document._from_son.__func__(model, son, True, created)


@contextmanager
def _mongoengine_s_way():
    """Make embedded documents as mongoengine does while inside."""
    kept = {model: model.__dict__["_from_son"] for model in [EmbeddedDocument]}
    try:
        EmbeddedDocument._from_son = classmethod(me.EmbeddedDocument._from_son.__func__)
        yield
    finally:
        for model, method in kept.items():
            model._from_son = method


def _state(doc) -> dict:
    """Return everything that makes up a read document's state, embedded documents included."""
    def plain(value):
        if isinstance(value, me.EmbeddedDocument):
            assert value._instance is not None and value._instance == doc  # linked to the document holding it
            return (type(value), _state(value))
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return (type(value), value)

    extra = {k: (v.func.__name__, v.keywords) if hasattr(v, "func") else v for k, v in vars(doc).items()}
    return {"data": {k: plain(v) for k, v in doc._data.items()}, "extra": extra,
            "flags": (doc._initialised, doc._created, list(doc._changed_fields), dict(doc._dynamic_fields))}


def test_every_model_is_read_the_quick_way():
    assert MODELS and all(_shape(model) is not None for model in MODELS), [m for m in MODELS if _shape(m) is None]
    assert EMBEDDED and all(_shape(model) is not None for model in EMBEDDED), EMBEDDED
    # Every embedded document a model holds is made the quick way too: none is declared on mongoengine's class.
    held = {inner.document_type for model in MODELS for field in model._fields.values()
            for inner in (field, getattr(field, "field", None)) if isinstance(inner, me.EmbeddedDocumentField)}
    assert held and all(issubclass(kind, EmbeddedDocument) for kind in held), held


def test_every_stored_document_of_the_demo_reads_the_same_both_ways(demo):
    seen = 0
    for model in MODELS:
        for son in model._get_collection().find():
            for created in (False, True):
                quick, own = model._from_son(dict(son), created=created), _mongoengine_s(model, dict(son), created)
                assert _state(quick) == _state(own), (model.__name__, son["_id"])
                assert quick.to_mongo().to_dict() == own.to_mongo().to_dict()
            seen += 1
    assert seen > 1000


def test_an_embedded_document_made_on_its_own_reads_the_same_both_ways(demo):
    sons = [(type(doc.person), doc.person.to_mongo().to_dict()) for doc in Case.objects(person__ne=None)[:20]]
    sons += [(type(child), child.to_mongo().to_dict()) for doc in Case.objects(children__0__exists=True)[:20]
             for child in doc.children]
    assert {kind for kind, _son in sons} == set(EMBEDDED)
    for kind, son in sons:
        quick = kind._from_son(dict(son))
        with _mongoengine_s_way():
            own = kind._from_son(dict(son))
        assert type(quick) is type(own) and _state(quick) == _state(own)
        assert quick._instance is None and own._instance is None


def test_a_document_read_the_quick_way_tracks_and_saves_its_changes(demo):
    case = Case.objects.filter(kind="perpetrator").first()
    quick, own = Case._from_son(case.to_mongo().to_dict()), _mongoengine_s(Case, case.to_mongo().to_dict())
    for doc in (quick, own):
        doc.fields["note"] = "changed"
        doc.person.name = "Someone Else" if doc.person else None
        doc.suspended = not doc.suspended
    assert quick._get_changed_fields() == own._get_changed_fields() and quick._get_changed_fields()
    assert quick._delta() == own._delta()
    quick.save()
    assert Case.objects.get(pk=case.pk).fields["note"] == "changed"


def test_what_is_unusual_is_read_as_mongoengine_reads_it(demo):
    son = User._get_collection().find_one()
    with pytest.raises(FieldDoesNotExist):  # a field the model no longer has: mongoengine's own error
        User._from_son({**son, "no_such_field": 1})
    # Values a field cannot read are kept as they are, both ways; a value left out takes the field's default.
    odd = {k: v for k, v in son.items() if k != "roles"} | {"created_at": "not a date", "capacity": "many"}
    assert _state(User._from_son(dict(odd))) == _state(_mongoengine_s(User, dict(odd)))
    quick = User._from_son(dict(son))
    assert weakref.ref(quick)() is quick


def _references(field) -> list:
    """Return the reference fields a field is or holds (a list of references, a dict of them...)."""
    kinds = (me.ReferenceField, me.GenericReferenceField, me.LazyReferenceField, me.GenericLazyReferenceField,
             me.CachedReferenceField)
    found = [field] if isinstance(field, kinds) else []
    inner = getattr(field, "field", None)
    return found + (_references(inner) if isinstance(inner, me.fields.BaseField) else [])


def test_no_model_holds_a_reference_so_reads_never_dereference(demo, monkeypatch):
    # The quick way leaves every field not to dereference (models/base.py): right only while nothing can refer.
    held = [(model.__name__, name) for model in MODELS + EMBEDDED for name, field in model._fields.items()
            if _references(field)]
    assert held == []
    walked = []
    original = me.base.fields.ComplexBaseField._lazy_load_refs

    def lazy_load_refs(*args, **kwargs):
        walked.append(kwargs.get("name"))
        return original(*args, **kwargs)

    monkeypatch.setattr(me.base.fields.ComplexBaseField, "_lazy_load_refs", staticmethod(lazy_load_refs))
    son = Case.objects(children__0__exists=True, fields__ne={}).as_pymongo().first()
    # mongoengine's way first: it sets the fields (shared by the class) to dereference, as it always did.
    own, quick = _mongoengine_s(Case, dict(son)), Case._from_son(dict(son))
    lists_and_dicts = [name for name, field in Case._fields.items() if isinstance(field, me.fields.ComplexBaseField)]
    assert len(lists_and_dicts) > 5
    read = [getattr(quick, name) for name in lists_and_dicts]
    assert walked == []
    assert read == [getattr(own, name) for name in lists_and_dicts]
    # Lists and dicts that note their changes, both ways.
    assert [type(value) for value in read] == [type(getattr(own, name)) for name in lists_and_dicts]
