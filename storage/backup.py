"""Make and load a consistent snapshot of the whole database, while the app keeps running.

A backup reads every collection at one point in time (a snapshot session), so a case, its history and its
deadlines are always from the same moment even while users keep working. The file is a gzip'd tar holding
`manifest.json` (when, which database, collections, indexes) and one `collections/NAME.bson` per collection in
the same format mongodump writes, so standard MongoDB tools can read it too.
"""

from __future__ import annotations

import io
import json
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import bson
from pymongo import IndexModel
from pymongo.database import Database

FORMAT = "pathway-backup/1"
BATCH = 1000


class BackupError(Exception):
    """A backup file that cannot be read or restored; the message says why."""


def make_backup(db: Database, path: str | Path) -> dict:
    """Write a consistent snapshot of `db` to `path`; return the manifest (collection → document count)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    manifest = {"format": FORMAT, "database": db.name, "made_at": datetime.now(UTC).isoformat(), "collections": {}}
    partial = path.with_name(path.name + ".partial")
    with db.client.start_session(snapshot=True) as session, tarfile.open(partial, "w:gz") as tar:
        for name in sorted(db.list_collection_names()):
            if name.startswith("system."):
                continue
            collection = db[name]
            buffer = io.BytesIO()
            count = 0
            for doc in collection.find({}, session=session, sort=[("_id", 1)]):
                buffer.write(bson.encode(doc))
                count += 1
            indexes = [
                {"keys": [list(k) for k in spec["key"]],
                 "options": {"name": index_name, **{k: v for k, v in spec.items() if k not in ("key", "v", "ns")}}}
                for index_name, spec in collection.index_information().items() if index_name != "_id_"
            ]
            manifest["collections"][name] = {"documents": count, "indexes": _plain(indexes)}
            _add(tar, f"collections/{name}.bson", buffer.getvalue())
        _add(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
    partial.replace(path)  # a half-written file never carries the final name
    return manifest


def read_manifest(path: str | Path) -> dict:
    """Return the manifest of a backup file, or raise BackupError saying what is wrong with it."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            manifest = json.loads(tar.extractfile("manifest.json").read())
    except (OSError, KeyError, tarfile.TarError, ValueError, AttributeError) as exc:
        raise BackupError(f"{path} is not a Pathway backup ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is a backup in an unknown format ({manifest.get('format')!r})")
    return manifest


def restore_backup(db: Database, path: str | Path, *, replace: bool = False) -> dict:
    """Load a backup into `db`; an existing non-empty database is replaced only when `replace` is set."""
    manifest = read_manifest(path)
    existing = [n for n in db.list_collection_names() if not n.startswith("system.")]
    if existing and any(db[n].estimated_document_count() for n in existing) and not replace:
        raise BackupError(f"The database {db.name} is not empty; restore with --replace to overwrite it")
    with tarfile.open(path, "r:gz") as tar:
        for name, info in manifest["collections"].items():
            member = tar.extractfile(f"collections/{name}.bson")
            if member is None:
                raise BackupError(f"The backup lacks the documents of {name}")
            db.drop_collection(name)
            db.create_collection(name)
            batch = []
            for doc in bson.decode_file_iter(member):
                batch.append(doc)
                if len(batch) >= BATCH:
                    db[name].insert_many(batch, ordered=True)
                    batch = []
            if batch:
                db[name].insert_many(batch, ordered=True)
            if info["indexes"]:
                # One build for all of a collection's indexes, once its documents are in (as mongorestore does):
                # on a replica set each build over documents is a two-phase build costing a tenth of a second.
                db[name].create_indexes([IndexModel([tuple(k) for k in index["keys"]], **index["options"])
                                         for index in info["indexes"]])
    for name in existing:
        if name not in manifest["collections"]:
            db.drop_collection(name)  # the restored database is exactly the snapshot
    return manifest


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _plain(value):
    """Return index options as JSON-storable data."""
    return json.loads(json.dumps(value, default=str))
