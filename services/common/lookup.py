"""Find one document by the id in an address, where a malformed id is simply "not found"."""

from __future__ import annotations

from bson import ObjectId
from bson.errors import InvalidId

from errors import NotFound


def one_by_id(model, raw_id, missing, **filters):
    """Return the document of `model` with this id (and these stored fields equal to these values), or NotFound.

    `missing` is what NotFound says: a text, or a lazy one, which a page that finds the document never translates.
    """
    try:
        oid = ObjectId(str(raw_id))
    except (InvalidId, TypeError):
        raise NotFound(str(missing)) from None
    # One find_one made into the document: every case page asks, and a query set costs more than the read.
    son = model._get_collection().find_one({"_id": oid, **filters})
    if son is None:
        raise NotFound(str(missing))
    return model._from_son(son)
