"""Versioned form definitions read for pages and services: look up, compile, pinned versions kept per process."""

from __future__ import annotations

import time

import mongoengine
from flask_babel import gettext as _

from errors import NotFound
from forms import compile_form
from forms.translations import SOURCE_LANGUAGE
from models.form import FormDefinition
from storage.uow import after_commit

# Published and retired versions never change: pages reuse them instead of reading the JSON definitions again
# each time. Keyed by database, so a second database never sees another's.
_versions: dict[tuple, FormDefinition] = {}
CACHE_SIZE = 512


def _remember(cache: dict, key: tuple, value):
    if len(cache) >= CACHE_SIZE:
        cache.clear()  # rare: more versions than a service ever has; start again rather than track use
    cache[key] = value
    return value


# The newest published version of each form, per database, with when it was read: every case page asks, and a form
# is published, retired or restored rarely. This process reads it again at once after such a change here, and
# every process after PUBLISHED_SECONDS: a change made by another process shows on this one's pages within them.
PUBLISHED_SECONDS = 5.0
_published: dict[str, tuple[float, dict[str, int]]] = {}


def clear_cache() -> None:
    """Forget the versions read so far (tests reuse one database name for many databases' worth of data)."""
    _versions.clear()
    _published.clear()


def forget_published() -> None:
    """Read which versions are published again on the next ask: one was published, retired or restored."""
    _published.clear()
    # Again once the change is committed: a page in between would read, and keep, what was published before it.
    after_commit(_published.clear)


def newest_published() -> dict[str, int]:
    """Return form key → its newest published version, read again at most every PUBLISHED_SECONDS."""
    database, now = mongoengine.get_db().name, time.monotonic()
    kept = _published.get(database)
    if kept is not None and now - kept[0] < PUBLISHED_SECONDS:
        return kept[1]
    newest = _newest_versions({"status": "published"})
    _published[database] = (now, newest)
    return newest


def _newest_versions(query: dict) -> dict[str, int]:
    """Return form key → the highest version of the forms matching the query."""
    newest: dict[str, int] = {}
    # Without the id: the (status, key, -version) index alone answers, in this order, when no tag is asked for.
    for doc in FormDefinition._get_collection().find(query, {"_id": 0, "key": 1, "version": 1}).sort(
            [("key", 1), ("version", -1)]):
        newest.setdefault(doc["key"], doc["version"])
    return newest


def pinned_version(key: str, version: int) -> FormDefinition:
    """Return one numbered version of a form for reading its content; no longer a draft, it is read once per process.

    Its `status` may be out of date (a version can be retired and restored): ask `get_form` for that.
    """
    cache_key = (mongoengine.get_db().name, key, version)
    cached = _versions.get(cache_key)
    if cached is not None:
        return cached
    found = get_form(key, version)
    return found if found.status == "draft" else _remember(_versions, cache_key, found)


def get_form(key: str, version: int | None = None) -> FormDefinition:
    """Return one version of a form, or its latest published version when `version` is None."""
    query = FormDefinition.objects(key=key)
    if version is None:
        found = query.filter(status="published").order_by("-version").first()
    else:
        try:
            found = query.filter(version=int(version)).first()
        except (TypeError, ValueError):
            found = None
    if found is None:
        raise NotFound(_("There is no form called %(key)s with version %(version)s", key=key, version=version)
                       if version else _("There is no form called %(key)s", key=key))
    return found


def compiled_form(doc: FormDefinition, language: str = SOURCE_LANGUAGE):
    """Return the engine's compiled form for a stored version, with its texts in a language (English by default).

    The engine's one cache holds it, keyed by content; a language the form is not translated into gives the English
    texts. Pages ask for the reader's language; whatever is stored or decided (answers, results, history) uses
    English.
    """
    # Without version and status the engine keys the form by what it says: a draft changes in place, and tests
    # (or a second database) may hold a different "version 1" of the same key. A version no longer a draft never
    # changes, so its stored hash names its content and the engine need not hash the definition on every page.
    known = doc.content_hash if doc.status != "draft" and doc.pk and doc.content_hash else None
    return compile_form({k: v for k, v in doc.definition.items() if k not in ("version", "status")}, language,
                        digest=known)


def pinned_form(submission):
    """Return the form version the submission is pinned to."""
    return pinned_version(submission.form_key, submission.form_version)


def form_for(submission, language: str = SOURCE_LANGUAGE):
    """Return the compiled form version the submission is pinned to, its texts in a language (English by default)."""
    return compiled_form(pinned_form(submission), language)


def computed_in(form, submission) -> dict:
    """Return a sent submission's calculated values as `form` (its pinned version, in a language) says them."""
    # What is stored was worked out in English when it was sent; the same version in another language says its
    # words (a band's text, a red answer's guidance) again from the same answers.
    if form.language == SOURCE_LANGUAGE or submission.status == "draft":
        return submission.computed or {}
    return form.compute(submission.answers or {})


def published_forms(tag: str | None = None) -> list[FormDefinition]:
    """Return the latest published version of every form (with the tag, when given), by title.

    Every published version is read whole once per process and kept (see _versions): only the keys and version
    numbers are asked for each time.
    """
    return published_versions(_newest_versions({"status": "published", **({"tags": tag} if tag else {})}))


def published_versions(newest: dict[str, int]) -> list[FormDefinition]:
    """Return the published forms of these keys and versions (key → its newest published version), by title.

    Published versions never change: each is read whole once per process and kept.
    """
    database = mongoengine.get_db().name
    found = {k: _versions.get((database, k, v)) for k, v in newest.items()}
    missing = [{"key": k, "version": newest[k]} for k, doc in found.items() if doc is None]
    for doc in FormDefinition.objects(__raw__={"$or": missing}) if missing else ():
        found[doc.key] = _remember(_versions, (database, doc.key, doc.version), doc)
    return sorted((d for d in found.values() if d is not None), key=lambda d: d.title.lower())


