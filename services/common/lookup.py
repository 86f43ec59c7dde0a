"""Find one document by the id in an address, where a malformed id is simply "not found"."""

from __future__ import annotations

from bson import ObjectId
from bson.errors import InvalidId

from errors import NotFound


def one_by_id(model, raw_id, missing: str, **filters):
    """Return the document of `model` with this id (and these filters), or raise NotFound(missing)."""
    try:
        oid = ObjectId(str(raw_id))
    except (InvalidId, TypeError):
        raise NotFound(missing) from None
    found = model.objects(pk=oid, **filters).first()
    if found is None:
        raise NotFound(missing)
    return found
