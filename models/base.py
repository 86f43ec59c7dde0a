"""The base of every stored document: indexes made in one command, documents read without mongoengine's detour."""

from __future__ import annotations

import weakref
from functools import partial

import mongoengine as me
from bson import SON
from mongoengine import signals
from mongoengine.base.document import BaseDocument
from mongoengine.base.fields import BaseField, ComplexBaseField
from pymongo import IndexModel

_PLAIN_SETS = (BaseField.__set__, ComplexBaseField.__set__)
_INITS = {BaseDocument.__init__: False, me.EmbeddedDocument.__init__: True}  # the constructor → embedded
_shapes: dict[type, tuple | None] = {}


class Document(me.Document):
    """A mongoengine document whose `ensure_indexes` asks for all its indexes at once."""

    meta = {"abstract": True}

    @classmethod
    def ensure_indexes(cls):
        """Make the indexes the model declares that do not exist yet, in one `createIndexes` command."""
        # mongoengine sends one command per index, each waiting for a majority-journaled write: the cases alone
        # declare 49 (the sorted and filtered lists), asked for again by every new connection of every process.
        options = cls._meta.get("index_opts") or {}
        models = []
        for spec in cls._meta["index_specs"]:
            spec = dict(spec)
            fields = spec.pop("fields")
            spec.pop("cls", None)
            models.append(IndexModel(fields, **{**options, **spec}))
        # As mongoengine does: a model with subclasses also gets an index on `_cls`, unless one starts with it.
        if cls._meta.get("allow_inheritance") and cls._meta.get("index_cls", True) and not any(
                next(iter(model.document["key"])) == "_cls" for model in models):
            models.append(IndexModel([("_cls", 1)], **options))
        if models:
            cls._get_collection().create_indexes(models)

    @classmethod
    def _from_son(cls, son, _auto_dereference=True, created=False):
        """Make a document from what was read, as mongoengine's own way leaves it, in a fraction of the time."""
        found = _quick(cls, son, created)
        return found if found is not None else super()._from_son(son, _auto_dereference, created)


class EmbeddedDocument(me.EmbeddedDocument):
    """A mongoengine embedded document made from what was read as quickly as a document."""

    meta = {"abstract": True}

    @classmethod
    def _from_son(cls, son, _auto_dereference=True, created=False):
        """Make an embedded document from what was read, as mongoengine's own way leaves it."""
        found = _quick(cls, son, created)
        return found if found is not None else super()._from_son(son, _auto_dereference, created)


def _quick(cls, son, created: bool):
    """Return the document made from `son` without its constructor, or None when mongoengine's way must make it."""
    # mongoengine builds it through __init__, which sets every field twice through __setattr__ and descriptors:
    # a case read cost 241 µs. Anything unusual (another class stored, an unknown or unreadable field, signals)
    # takes mongoengine's own way, which also raises its own errors.
    # No model holds a reference to another document (tests/services/test_model_reads.py checks it), so there is
    # never anything to dereference: each field is left not to look. Otherwise the first read of each list or dict
    # of a document walks through all of it for references, twice, and copies it (34 µs for a case's `fields`).
    shape = _shape(cls)
    if (shape is None or signals.pre_init.receivers or signals.post_init.receivers
            or son.get("_cls", cls._class_name) != cls._class_name):
        return None
    fields, choices, known, embedded = shape
    if not known.issuperset(son):
        return None
    obj = cls.__new__(cls)
    put = object.__setattr__
    put(obj, "_dynamic_fields", SON())
    data = {}
    put(obj, "_data", data)
    for name, db_field, field in fields:
        field.set_auto_dereferencing(False)
        value = son.get(db_field)
        if value is not None:
            try:
                value = field.to_python(value)
            except (AttributeError, ValueError):
                return None
        # What BaseField.__set__ does before the document is initialised.
        if value is None and not field.null and field.default is not None:
            value = field.default() if callable(field.default) else field.default
        if isinstance(value, me.EmbeddedDocument):
            value._instance = weakref.proxy(obj)
        elif isinstance(value, list | tuple):
            for item in value:
                if isinstance(item, me.EmbeddedDocument):
                    item._instance = weakref.proxy(obj)
        data[name] = value
    extra = obj.__dict__
    extra["_cls"] = cls._class_name
    for name, field in choices:
        extra[f"get_{name}_display"] = partial(obj._BaseDocument__get_field_display, field=field)
    put(obj, "_initialised", True)
    put(obj, "_created", created)
    if embedded:
        put(obj, "_instance", None)  # as EmbeddedDocument.__init__ leaves it; the document holding it links it
    put(obj, "_changed_fields", [])
    return obj


def _shape(cls) -> tuple | None:
    """Return (fields, fields with choices, stored names, embedded) of a model read quickly; None: mongoengine's."""
    if cls not in _shapes:
        plain = (not cls._dynamic and cls.__init__ in _INITS
                 and cls.__setattr__ is BaseDocument.__setattr__ and not cls._meta.get("shard_key")
                 and all(type(field).__set__ in _PLAIN_SETS and not isinstance(getattr(field, "field", None),
                                                                               me.EnumField)
                         for field in cls._fields.values()))
        fields = tuple((name, field.db_field, field) for name, field in cls._fields.items())
        _shapes[cls] = (fields, tuple((name, field) for name, field in cls._fields.items() if field.choices),
                        frozenset(db for _name, db, _field in fields), _INITS[cls.__init__]) if plain else None
    return _shapes[cls]
