"""Documents read only to be shown: plain rows from the stored data, without building mongoengine documents."""

from __future__ import annotations

from datetime import datetime

import mongoengine as me


class Row:
    """A stored document's fields as attributes (a field not stored reads as its default); never saved.

    The model's properties work on it, as they only read fields. Building a mongoengine document converts and
    tracks every nested value, which cost a page with a few dozen documents several milliseconds.
    """

    def __init__(self, values: dict):
        self.__dict__.update(values)

    @property
    def pk(self):
        """Return the document's id, as a document's `pk` does."""
        return self.id

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id}>"


_shapes: dict[tuple, tuple[type, dict, frozenset]] = {}


def _shape(model, fields: tuple[str, ...] | None = None) -> tuple[type, dict, frozenset]:
    """Return (row class with the model's properties, field defaults, date-only fields) of a model, made once.

    `fields` limits the row to those fields (the others are never read), so a model with nested fields can be
    read as a row of its plain ones.
    """
    found = _shapes.get((model, fields))
    if found is None:
        chosen = {name: field for name, field in model._fields.items() if fields is None or name in fields}
        for field in chosen.values():
            nested = isinstance(field, me.EmbeddedDocumentField | me.EmbeddedDocumentListField | me.ReferenceField)
            if nested or (field.db_field != field.name and field.name != "id"):
                raise TypeError(f"{model.__name__}.{field.name} cannot be read as a plain row")
        # Only the project's own properties: mongoengine's are about documents, not their values.
        own = [klass for klass in reversed(model.__mro__) if not klass.__module__.startswith("mongoengine")]
        properties = {name: value for klass in own for name, value in vars(klass).items()
                      if isinstance(value, property) and name not in model._fields}
        row_class = type(f"{model.__name__}Row", (Row,), properties)
        defaults = {name: field.default for name, field in chosen.items() if name != "id"}
        dates = frozenset(name for name, field in chosen.items() if isinstance(field, me.DateField))
        found = _shapes[(model, fields)] = (row_class, defaults, dates)
    return found


def rows(queryset) -> list[Row]:
    """Return the documents a query finds as rows, in its order (its filters, sort, limit and projection kept)."""
    return rows_of(queryset._document, queryset.as_pymongo())


def find_rows(model, query: dict, *, fields: tuple[str, ...] | None = None, sort: list | None = None,
              limit: int = 0) -> list[Row]:
    """Return the documents of a model a stored-field query finds, as rows: one `find`, without a query set.

    `fields` reads only those fields; `sort` is pymongo's [(field, 1 or -1), ...]. Building a mongoengine query
    set (and cloning it for each of order, limit and projection) costs more than the read on a page's hot path.
    """
    projection = dict.fromkeys(fields, 1) if fields else None
    found = model._get_collection().find(query, projection, sort=sort, limit=limit)
    return rows_of(model, found, fields=fields)


def rows_of(model, sons, *, fields: tuple[str, ...] | None = None) -> list[Row]:
    """Return stored documents of a model, read by the caller (an aggregation, say), as rows in their order."""
    row_class, defaults, dates = _shape(model, fields)
    found = []
    for son in sons:
        values = {name: son[name] if name in son else (default() if callable(default) else default)
                  for name, default in defaults.items()}
        for name in dates:
            if isinstance(values[name], datetime):
                values[name] = values[name].date()  # as a DateField reads it
        values["id"] = son.get("_id")
        found.append(row_class(values))
    return found
