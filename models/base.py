"""The base of every stored document: its indexes are made in one command, not one command per index."""

from __future__ import annotations

import mongoengine as me
from pymongo import IndexModel


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
